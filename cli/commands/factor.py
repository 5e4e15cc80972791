"""`campaign factor`: factor-support requests in the green channel (要素跟着项目走, 绿色通道)."""

from __future__ import annotations

from typing import Any

import click

from cli.context import execute
from cli.lazy import LazyGroup
from cli.options import FACTOR_CATEGORY, OUTCOME, as_typed, write_options


@click.group(
    cls=LazyGroup,
    short_help="Factor-support requests in the green channel (绿色通道).",
    lazy={
        "list": "cli.commands.lookups:factor_list",
        "import": "cli.commands.sheets:factor_import",
    },
)
def factor() -> None:
    """Factor-support requests in the green channel (要素跟着项目走, 绿色通道)."""


@factor.command("file")
@click.argument("code")
@click.option(
    "--category",
    required=True,
    type=FACTOR_CATEGORY,
    help=FACTOR_CATEGORY.help("The category, by name or in Chinese:"),
)
@click.option("--detail", required=True, help="What the project needs.")
@click.option("--date", help="Filing date (default today).")
@click.option("--key", help="Idempotency key: filing the same key again returns the same id.")
@click.option(
    "--again",
    is_flag=True,
    default=None,
    help="File it even though an open request of the same detail was filed that day.",
)
@write_options
def factor_file(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """File a factor-support request; prints its id and due date.

    The due date is the category's time limit in working days after the filing date. A second
    open request of the same project, category and detail on one day is refused as a likely
    duplicate, unless --again says it is another (or each has its own --key).

    \b
    Example:
      campaign factor file ZZ-001 --category power --detail "10kV 双回路接入" \\
          --date 2020-04-16
    """
    with as_typed():
        execute(db, actor, as_json, "file_factor", fields)


@factor.command("extend")
@click.argument("id")
@click.option("--due", required=True, help="The new due date.")
@click.option("--reason", required=True, help="Why more time is given.")
@click.option("--date", help="From which day the extension is in force (default today).")
@write_options
def factor_extend(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Extend the due date of an open request.

    \b
    Example:
      campaign factor extend ZZ-001-20200416-power --due 2020-05-15 \\
          --date 2020-04-24 --reason "需省电力公司审批"
    """
    execute(db, actor, as_json, "extend_factor", fields)


@factor.command("escalate")
@click.argument("id")
@click.option("--level", required=True, help="1 督办单, 2 约谈 / 分管领导, 3 主要领导 / 协调会.")
@click.option("--note", required=True, help="What was done.")
@click.option("--date", help="The day of the escalation (default today).")
@write_options
def factor_escalate(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Escalate an open request (督办).

    \b
    Example:
      campaign factor escalate ZZ-001-20200416-power --level 2 --date 2020-04-28 \\
          --note "分管区长约谈供电公司"
    """
    execute(db, actor, as_json, "escalate_factor", fields)


@factor.command("resolve")
@click.argument("id")
@click.option(
    "--outcome",
    required=True,
    type=OUTCOME,
    help=OUTCOME.help("How it ended, by name or in Chinese:"),
)
@click.option("--note", required=True, help="How it was handled.")
@click.option("--date", help="The day it was resolved (default today).")
@write_options
def factor_resolve(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Close a request, fulfilled or rejected.

    \b
    Example:
      campaign factor resolve ZZ-001-20200416-power --outcome 办结 \\
          --date 2020-05-12 --note "已送电"
    """
    with as_typed():
        execute(db, actor, as_json, "resolve_factor", fields)

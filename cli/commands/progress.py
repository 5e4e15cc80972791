"""`campaign progress`: a project's daily progress, and its corrections."""

from __future__ import annotations

from typing import Any

import click

from cli.context import execute
from cli.lazy import LazyGroup
from cli.options import write_options


@click.group(
    cls=LazyGroup,
    lazy={
        "missing": "cli.commands.lookups:progress_missing",
        "template": "cli.commands.sheets:progress_template",
        "import": "cli.commands.sheets:progress_import",
    },
)
def progress() -> None:
    """Record a project's daily progress, and correct it."""


@progress.command("report")
@click.argument("code")
@click.option("--investment", required=True, help="Investment done that day, 万元.")
@click.option("--funds", help="Funds received that day, 万元.")
@click.option("--physical-pct", help="Physical progress, 0-100.")
@click.option("--workers", help="Workers on site.")
@click.option("--note", help="A note.")
@click.option("--date", help="The day reported (default today).")
@write_options
def progress_report(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Report a day's progress of a project (one report per project and day).

    Sending the same report again changes nothing; to change a day, use correct.

    \b
    Example:
      campaign progress report ZZ-001 --date 2020-04-16 --investment 120.5 \\
          --funds 100 --physical-pct 12 --workers 85
    """
    execute(db, actor, as_json, "report_progress", fields)


@progress.command("correct")
@click.argument("code")
@click.option("--date", help="The day whose report is corrected (default today).")
@click.option("--investment", help="Corrected investment, 万元.")
@click.option("--funds", help="Corrected funds received, 万元.")
@click.option("--physical-pct", help="Corrected physical progress, 0-100.")
@click.option("--workers", help="Corrected workers on site.")
@click.option("--note", help="Corrected note.")
@click.option("--reason", required=True, help="Why the report is corrected.")
@write_options
def progress_correct(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Correct a day's report: the values given replace the report's, the others stay.

    \b
    Example:
      campaign progress correct ZZ-001 --date 2020-04-16 --investment 102.5 \\
          --reason "发票核对"
    """
    execute(db, actor, as_json, "correct_progress", fields)

"""The look-ups for clerks and the office: `campaign project list`, `campaign project show`,
`campaign factor list` and `campaign progress missing` (未报送).

They are listed in the groups of `project`, `factor` and `progress` by name (`cli.lazy`), so
that those modules keep to the write commands. Each reads the log like
`campaign checkpoint` does: --as-of says which facts count, --known-at what was known, --json
prints one document with its receipt; the tables are in Chinese, on 80 columns.

Without a date they read today, within the campaign year: on a past campaign its last day, on
one not yet begun its first, and a note on stderr says so (`default_day_note`, which
`campaign replay` shares), as `campaign checkpoint` says which day it chose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from campaign.domain.vocabulary import FACTOR_CATEGORY_LABELS, SECTOR_LABELS, STAGE_LABELS
from cli.context import engine_for, parse_date
from cli.options import Vocabulary, query_options, read_options
from cli.output import print_json
from cli.output import progress as replaying

if TYPE_CHECKING:
    from campaign import Engine


def default_day_note(engine: Engine, day: str, option: str = "--as-of") -> str | None:
    """The note on stderr when a look-up given no date reads `day` though it is not today:
    today is past the campaign year (its last day is read) or before it (its first day).
    In the checkpoint's words (`campaign.report.words.as_of_choice`); None when `day` is
    today."""
    from campaign import choose_as_of

    today = choose_as_of(engine, None).today.isoformat()
    if day == today:
        return None
    year = day[:4]
    if today > day:
        why = f"今天已过 {year} 年度，取年末 {day}"
    else:
        why = f"{year} 年度尚未开始，取年初 {day}"
    return f"（未指定 {option}：{why}；另选日期用 {option}）"


def _say(note: str | None) -> None:
    if note is not None:
        click.echo(note, err=True)  # stdout keeps the table or the JSON alone


SECTOR = Vocabulary("sector", SECTOR_LABELS, strict=True)
STAGE = Vocabulary("stage", STAGE_LABELS, strict=True)
FACTOR_CATEGORY = Vocabulary("category", FACTOR_CATEGORY_LABELS, strict=True)
"""The filters' words: an unknown one is a usage error that lists them."""


@click.command("list")
@query_options
@click.option("--unit", help="Only the projects of this unit (帮包单位).")
@click.option("--sector", type=SECTOR, help=SECTOR.help("Only this sector, by name or in Chinese:"))
@click.option(
    "--stage",
    type=STAGE,
    help=STAGE.help("Only the projects at this stage, by name or in Chinese:"),
)
@read_options
def project_list(
    as_of: str | None,
    known_at: str | None,
    unit: str | None,
    sector: str | None,
    stage: str | None,
    db: str,
    as_json: bool,
) -> None:
    """List the projects registered by a date, one line each.

    Each with its unit, leader, sector, category, stage, plan in force, YTD investment,
    investment rate, light and last report date. Listed projects come first, then the
    terminated ones; the filters combine.

    \b
    Examples:
      campaign project list --db demo.db
      campaign project list --as-of 2020-06-30 --unit 区招商局 --stage 开工 \\
          --db demo.db
      campaign project list --sector lithium --known-at 2020-06-30 --json \\
          --db demo.db
    """
    from campaign import project_list as listed

    with engine_for(db, create=False) as engine, replaying("replaying") as tick:
        document = listed(
            engine,
            parse_date(as_of),
            known_at,
            unit=unit,
            sector=sector,
            stage=stage,
            progress=tick,
        )
        note = None if as_of is not None else default_day_note(engine, document["as_of"])
    _say(note)
    if as_json:
        print_json(document)
        return
    from cli.lookup_tables import print_project_list
    from cli.tables import console

    print_project_list(document, console())


@click.command("show")
@click.argument("code")
@query_options
@read_options
def project_show(
    code: str, as_of: str | None, known_at: str | None, db: str, as_json: bool
) -> None:
    """Show one project's card on a date.

    Its registration, plan in force and revisions, YTD investment and funds, rate, gap to
    序时, spi, light and why, stage and milestones, physical %, last report and days
    reported, and its open factor requests with their due dates, overdue working days and
    督办 level. An unknown code is refused.

    \b
    Examples:
      campaign project show DM-002 --db demo.db
      campaign project show DM-003 --as-of 2020-06-30 --known-at 2020-06-30 \\
          --json --db demo.db
    """
    from campaign import project_card

    with engine_for(db, create=False) as engine, replaying("replaying") as tick:
        document = project_card(engine, code, parse_date(as_of), known_at, progress=tick)
        note = None if as_of is not None else default_day_note(engine, document["as_of"])
    _say(note)
    if as_json:
        print_json(document)
        return
    from cli.lookup_tables import print_project_card
    from cli.tables import console

    print_project_card(document, console())


@click.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only the requests not resolved.")
@click.option(
    "--overdue",
    "overdue_only",
    is_flag=True,
    help="Only the open requests past their due date, most overdue first.",
)
@click.option("--project", "code", help="Only this project's requests.")
@click.option("--unit", help="Only the requests of this unit's projects (帮包单位).")
@click.option(
    "--category",
    type=FACTOR_CATEGORY,
    help=FACTOR_CATEGORY.help("Only this category, by name or in Chinese:"),
)
@query_options
@read_options
def factor_list(
    open_only: bool,
    overdue_only: bool,
    code: str | None,
    unit: str | None,
    category: str | None,
    as_of: str | None,
    known_at: str | None,
    db: str,
    as_json: bool,
) -> None:
    """List the factor requests filed by a date, with their status and 督办 level.

    Each with its id, project, unit, category, detail, filing date, due date in force,
    status, overdue working days and escalation level. By filing date and id; with
    --overdue, most overdue first. Requests of terminated projects are listed too: they
    stay open until resolved.

    \b
    The status is 在办 open, 办结 fulfilled or 驳回 rejected.

    \b
    Examples:
      campaign factor list --db demo.db
      campaign factor list --overdue --as-of 2020-06-30 --db demo.db
      campaign factor list --project DM-002 --category 用地 --json --db demo.db
    """
    from campaign import factor_list as requests

    with engine_for(db, create=False) as engine, replaying("replaying") as tick:
        document = requests(
            engine,
            parse_date(as_of),
            known_at,
            open_only=open_only,
            overdue_only=overdue_only,
            code=code,
            unit=unit,
            category=category,
            progress=tick,
        )
        note = None if as_of is not None else default_day_note(engine, document["as_of"])
    _say(note)
    if as_json:
        print_json(document)
        return
    from cli.lookup_tables import print_factor_list
    from cli.tables import console

    print_factor_list(document, console())


@click.command("missing", short_help="List the projects that have not reported (未报送).")
@click.option("--date", "day", help="The day (default today, within the campaign year).")
@click.option("--since", help="Instead: no report at all from this day through --as-of.")
@click.option(
    "--as-of", help="The last day of a --since period (default today, within the campaign year)."
)
@click.option(
    "--known-at",
    help="Only the reports recorded by then: a date (end of that day) or an ISO time.",
)
@click.option("--unit", help="Only the projects of this unit (帮包单位).")
@read_options
def progress_missing(
    day: str | None,
    since: str | None,
    as_of: str | None,
    known_at: str | None,
    unit: str | None,
    db: str,
    as_json: bool,
) -> None:
    """List the projects that have not reported (未报送) on a day or in a period.

    The listed projects with no report dated that day (--date, default today), or none dated
    from --since through --as-of, by unit, with their leader and last report date: the list
    the office sends to units. A report of 0 investment is a report.

    --known-at asks who had not reported as known then: a late report takes a project off
    the list as now known (补报), never off the list as known at an earlier time.

    \b
    Examples:
      campaign progress missing --date 2020-06-29 --db demo.db
      campaign progress missing --date 2020-06-29 --known-at 2020-06-30 \\
          --db demo.db
      campaign progress missing --since 2020-06-01 --as-of 2020-06-30 --json \\
          --db demo.db
    """
    if day is not None and since is not None:
        raise click.UsageError("give --date (one day) or --since (a period), not both")
    if day is not None and as_of is not None:
        raise click.UsageError("--as-of ends a --since period; with --date the day is the date")
    from campaign import missing_reports

    with engine_for(db, create=False) as engine, replaying("replaying") as tick:
        document = missing_reports(
            engine,
            parse_date(day if day is not None else as_of, "date" if day is not None else "as_of"),
            known_at,
            since=parse_date(since, "since"),
            unit=unit,
            progress=tick,
        )
        note = None
        if day is None and as_of is None:  # the day, or the end of the --since period
            option = "--date" if since is None else "--as-of"
            note = default_day_note(engine, document["as_of"], option)
    _say(note)
    if as_json:
        print_json(document)
        return
    from cli.lookup_tables import print_missing
    from cli.tables import console

    print_missing(document, console())

"""The `campaign` command: a thin click adapter over the engine.

Data goes to stdout (one JSON document with `--json`), diagnostics to stderr. Exit 0 on success,
1 when a rule refuses the command (nothing appended), 2 on a usage error. The engine is imported
only when a command runs, so that `--help` and a single append stay quick.
"""

from __future__ import annotations

import csv
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from campaign import Clock, Engine, Result

F = TypeVar("F", bound=Callable[..., Any])

SECTORS = "lithium, photonics, pharma, smart_manufacturing, big_data, livelihood, other"
CATEGORIES = "new, continuing, completing, preparatory"
FACTOR_CATEGORIES = (
    "land, energy, environment, water, power, gas_heat, road_pipe, finance, labour, approval, "
    "demolition, other"
)


@dataclass
class Config:
    """What the command line is run with; tests give their own clock."""

    clock: Clock | None = None
    lock_timeout: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Refusal(click.ClickException):
    """A command refused by a rule: one line on stderr, exit 1."""

    exit_code = 1


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def store_options(func: F) -> F:
    return click.option(
        "--db",
        envvar="CAMPAIGN_DB",
        default="campaign.db",
        show_default=True,
        metavar="PATH|URL",
        help="The store: a SQLite file, or a postgresql:// URL (env CAMPAIGN_DB).",
    )(func)


def write_options(func: F) -> F:
    func = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(func)
    func = click.option(
        "--actor",
        envvar="CAMPAIGN_ACTOR",
        default=default_actor,
        show_default="your user name",
        help="Who records this (env CAMPAIGN_ACTOR).",
    )(func)
    return store_options(func)


def read_options(func: F) -> F:
    func = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(func)
    return store_options(func)


@contextmanager
def engine_for(db: str, *, create: bool) -> Iterator[Engine]:
    from campaign import CampaignError, Store
    from campaign.engine import Engine

    config = click.get_current_context().find_object(Config) or Config()
    try:
        kwargs: dict[str, Any] = {"create": create}
        if config.lock_timeout is not None:
            kwargs["lock_timeout"] = config.lock_timeout
        store = Store(db, **kwargs)
    except CampaignError as error:
        raise Refusal(str(error)) from None
    try:
        yield Engine(store, config.clock)
    except CampaignError as error:
        raise Refusal(str(error)) from None
    finally:
        store.close()


def _emit_results(results: list[Result], as_json: bool) -> None:
    if as_json:
        from orjson import OPT_INDENT_2, dumps

        docs = [
            {"command": r.command, "appended": r.appended, "id": r.id, "message": r.message}
            for r in results
        ]
        payload: Any = (
            docs[0]
            if len(docs) == 1
            else {"results": docs, "appended": sum(r.appended for r in results)}
        )
        click.echo(dumps(payload, option=OPT_INDENT_2).decode())
        return
    for r in results:
        suffix = "" if r.appended != 1 else " (1 event appended)"
        if r.appended > 1:
            suffix = f" ({r.appended} events appended)"
        # One line per result, even when a message quotes a name that holds a line break.
        message = r.message.replace("\r", "\\r").replace("\n", "\\n")
        click.echo(f"{message}{suffix}")


def execute(db: str, actor: str, as_json: bool, cmd: str, fields: dict[str, Any]) -> None:
    """Validate and run one command, print what it did."""
    from campaign import CampaignError, parse_command

    given = {k: v for k, v in fields.items() if v is not None}
    try:
        command = parse_command(cmd, given)
    except CampaignError as error:
        raise Refusal(str(error)) from None
    with engine_for(db, create=cmd == "open_campaign") as engine:
        result = engine.execute(command, actor=actor)
    _emit_results([result], as_json)


# ------------------------------------------------------------------------------------ root


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="campaign", prog_name="campaign")
def cli() -> None:
    """百日会战 progress engine: an append-only log of a hundred-day campaign on key projects.

    Project teams record daily progress and factor-support requests; the office and auditors
    read the log back. Every command takes the store as --db (a SQLite file or a
    postgresql:// URL), else CAMPAIGN_DB, else campaign.db here.

    \b
    Start with:
      campaign open "高新区百日会战 2020" --year 2020 --start 2020-03-23 --end 2020-06-30
      campaign project register --code ZZ-001 --name "锂电池项目" --sector lithium \\
          --category new --unit 招商局 --leader 张三 --total-investment 50000 --annual-plan 15000
      campaign progress report ZZ-001 --investment 120.5 --funds 100
      campaign status
    """


# ------------------------------------------------------------------------------- campaign


@cli.command("open")
@click.argument("name", required=False)
@click.option("--year", type=int, help="The campaign year.")
@click.option("--start", help="First day of the campaign (YYYY-MM-DD).")
@click.option("--end", help="Last day of the campaign (YYYY-MM-DD).")
@click.option(
    "--checkpoint", "checkpoints", multiple=True, metavar="DATE", help="A checkpoint date (repeat)."
)
@click.option("--holiday", "holidays", multiple=True, metavar="DATE", help="A holiday (repeat).")
@click.option(
    "--workday",
    "workdays",
    multiple=True,
    metavar="DATE",
    help="An adjusted workday, 调休 (repeat).",
)
@click.option(
    "--sla",
    "slas",
    multiple=True,
    metavar="CATEGORY=DAYS",
    help="Working-day time limit of a factor category (repeat; default 7).",
)
@click.option(
    "--target", "targets", multiple=True, metavar="KIND=GOAL[:NAME]", help="A zone target (repeat)."
)
@click.option("--green", help="Investment light: green at spi >= this (default 0.8).")
@click.option("--yellow", help="Investment light: yellow at spi >= this (default 0.6).")
@click.option("--timezone", help="The campaign's time zone (default Asia/Shanghai).")
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read all the fields from a JSON file instead.",
)
@write_options
def open_campaign(
    name: str | None,
    year: int | None,
    start: str | None,
    end: str | None,
    checkpoints: tuple[str, ...],
    holidays: tuple[str, ...],
    workdays: tuple[str, ...],
    slas: tuple[str, ...],
    targets: tuple[str, ...],
    green: str | None,
    yellow: str | None,
    timezone: str | None,
    source: Path | None,
    db: str,
    actor: str,
    as_json: bool,
) -> None:
    """Open the campaign (once per store).

    \b
    Example:
      campaign open "枣庄高新区百日会战 2020" --year 2020 --start 2020-03-23 --end 2020-06-30 \\
          --checkpoint 2020-04-30 --checkpoint 2020-05-31 --checkpoint 2020-06-30 \\
          --holiday 2020-05-01 --workday 2020-04-26 --sla land=20 --sla approval=7 \\
          --target fixed_asset_investment=1000000 --target industrial_projects_started=20
      campaign open --from campaign.json
    """
    if source is not None:
        others = [name, year, start, end, green, yellow, timezone]
        if (
            any(v is not None for v in others)
            or checkpoints
            or holidays
            or workdays
            or slas
            or targets
        ):
            raise click.UsageError("--from FILE.json takes no other campaign fields")
        fields = _read_json_object(source)
    else:
        if not name or year is None or not start or not end:
            raise click.UsageError("give NAME, --year, --start and --end (or --from FILE.json)")
        fields = {
            "name": name,
            "year": year,
            "start": start,
            "end": end,
            "checkpoints": list(checkpoints),
            "holidays": list(holidays),
            "workdays": list(workdays),
            "sla_days": dict(_pair(s, "--sla") for s in slas),
            "targets": [_target(t) for t in targets],
            "timezone": timezone,
        }
        lights = {k: v for k, v in {"green": green, "yellow": yellow}.items() if v is not None}
        if lights:
            fields["lights"] = lights
    execute(db, actor, as_json, "open_campaign", fields)


def _pair(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise click.UsageError(f"{option} {text!r}: write it as KEY=VALUE")
    return key.strip(), value.strip()


def _target(text: str) -> dict[str, str]:
    kind, goal = _pair(text, "--target")
    goal, _, label = goal.partition(":")
    target = {"kind": kind, "goal": goal}
    if label:
        target["name"] = label
    else:
        from campaign.values import TARGET_LABELS, TargetKind

        try:
            target["name"] = TARGET_LABELS[TargetKind(kind)]
        except ValueError:
            target["name"] = kind
    return target


def _read_json_object(path: Path) -> dict[str, Any]:
    import json
    from decimal import Decimal

    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as error:
        raise Refusal(f"cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise Refusal(f"{path} line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise Refusal(f"{path}: must hold one JSON object")
    return data


# -------------------------------------------------------------------------------- projects


@cli.group()
def project() -> None:
    """Register key projects and record their plan revisions, milestones and terminations."""


@project.command("register")
@click.option("--code", help="Unique project code, e.g. ZZ-001.")
@click.option("--name", help="Project name.")
@click.option("--sector", help=f"One of: {SECTORS}.")
@click.option("--category", help=f"One of: {CATEGORIES}.")
@click.option("--unit", help="Responsible unit (帮包单位).")
@click.option("--leader", help="Responsible leader (包保领导).")
@click.option("--total-investment", help="Total investment, 万元.")
@click.option("--annual-plan", help="This year's planned investment, 万元.")
@click.option("--date", help="Registration date (default today).")
@click.option("--planned-start", help="Planned start date.")
@click.option("--planned-completion", help="Planned completion date.")
@click.option("--industrial", is_flag=True, default=None, help="An industrial project.")
@click.option(
    "--tech-renovation", is_flag=True, default=None, help="A tech-renovation (技改) project."
)
@click.option("--factory-area-m2", help="Standard factory floor area, m².")
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Register every row of a CSV file (all rows or none).",
)
@write_options
def project_register(
    source: Path | None, db: str, actor: str, as_json: bool, **fields: Any
) -> None:
    """Register a key project, or every project of a CSV file.

    \b
    Example:
      campaign project register --code ZZ-001 --name "锂电池正极材料项目" --sector lithium \\
          --category new --unit 区招商局 --leader 张三 --total-investment 50000 \\
          --annual-plan 15000 --planned-start 2020-04-15 --industrial
      campaign project register --from projects.csv

    The CSV file has a header row with the field names (code, name, sector, category, unit,
    leader, total_investment, annual_plan, date, planned_start, planned_completion, industrial,
    tech_renovation, factory_area_m2); empty cells are left out.
    """
    if source is None:
        missing = [
            k
            for k in (
                "code",
                "name",
                "sector",
                "category",
                "unit",
                "leader",
                "total_investment",
                "annual_plan",
            )
            if not fields.get(k)
        ]
        if missing:
            raise click.UsageError(
                "missing "
                + ", ".join("--" + m.replace("_", "-") for m in missing)
                + " (or use --from FILE.csv)"
            )
        execute(db, actor, as_json, "register_project", fields)
        return
    if any(v is not None for v in fields.values()):
        raise click.UsageError("--from FILE.csv takes no other project fields")
    _register_csv(source, db, actor, as_json)


def _register_csv(source: Path, db: str, actor: str, as_json: bool) -> None:
    from campaign import CampaignError, LineError, parse_command

    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise Refusal(f"cannot read {source}: {error.strerror}") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise Refusal(f"{source}: not a readable CSV file ({error})") from None
    if not rows:
        raise Refusal(f"{source}: no project rows under the header")
    commands = []
    for number, row in enumerate(rows, 2):
        if None in row:
            raise Refusal(f"{source.name} line {number}: has more cells than the header has names")
        fields = {
            k.strip(): v.strip()
            for k, v in row.items()
            if k is not None and v is not None and v.strip()
        }
        try:
            commands.append(parse_command("register_project", fields))
        except CampaignError as error:
            raise Refusal(str(LineError(f"{source.name} line {number}", error))) from None
    with engine_for(db, create=False) as engine:
        results = engine.execute_all(
            commands, actor=actor, where=lambda i: f"{source.name} line {i + 1}"
        )
    if as_json:
        _emit_results(results, as_json)
    else:
        count = len(results)
        noun = "project" if count == 1 else "projects"
        click.echo(
            f"registered {count} {noun} from {source.name} "
            f"({count} event{'' if count == 1 else 's'} appended)"
        )


@project.command("revise")
@click.argument("code")
@click.option("--annual-plan", required=True, help="The revised annual plan, 万元.")
@click.option("--reason", required=True, help="Why the plan changes (年中调整).")
@click.option("--date", help="From which day the new plan is in force (default today).")
@write_options
def project_revise(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Revise a project's annual plan (年中调整).

    \b
    Example:
      campaign project revise ZZ-001 --annual-plan 12000 --date 2020-06-15 --reason "二期推迟至明年"
    """
    execute(db, actor, as_json, "revise_plan", fields)


@project.command("milestone")
@click.argument("code")
@click.argument("milestone")
@click.option("--date", help="The day it was reached (default today).")
@write_options
def project_milestone(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Record a milestone: signed, started, completed or production.

    They come in that order, each after the one before (production may follow started).

    \b
    Example:
      campaign project milestone ZZ-001 started --date 2020-04-18
    """
    execute(db, actor, as_json, "reach_milestone", fields)


@project.command("terminate")
@click.argument("code")
@click.option("--reason", required=True, help="Why the project leaves the list.")
@click.option("--date", help="The day it was terminated (default today).")
@write_options
def project_terminate(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Terminate a project (it leaves the list; its figures stay in the log).

    \b
    Example:
      campaign project terminate ZZ-031 --date 2020-05-20 --reason "投资方撤资"
    """
    execute(db, actor, as_json, "terminate_project", fields)


# -------------------------------------------------------------------------------- progress


@cli.group()
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
      campaign progress report ZZ-001 --date 2020-04-16 --investment 120.5 --funds 100 \\
          --physical-pct 12 --workers 85
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
      campaign progress correct ZZ-001 --date 2020-04-16 --investment 102.5 --reason "发票核对"
    """
    execute(db, actor, as_json, "correct_progress", fields)


# ---------------------------------------------------------------------------------- factors


@cli.group()
def factor() -> None:
    """Factor-support requests in the green channel (要素跟着项目走, 绿色通道)."""


@factor.command("file")
@click.argument("code")
@click.option("--category", required=True, help=f"One of: {FACTOR_CATEGORIES}.")
@click.option("--detail", required=True, help="What the project needs.")
@click.option("--date", help="Filing date (default today).")
@click.option("--key", help="Idempotency key: filing the same key again returns the same id.")
@write_options
def factor_file(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """File a factor-support request; prints its id and due date.

    The due date is the category's time limit in working days after the filing date.

    \b
    Example:
      campaign factor file ZZ-001 --category power --detail "10kV 双回路接入" --date 2020-04-16
    """
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
      campaign factor extend ZZ-001-20200416-power --due 2020-05-15 --reason "需省电力公司审批"
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
      campaign factor escalate ZZ-001-20200416-power --level 2 --note "分管区长约谈供电公司"
    """
    execute(db, actor, as_json, "escalate_factor", fields)


@factor.command("resolve")
@click.argument("id")
@click.option("--outcome", required=True, help="fulfilled or rejected.")
@click.option("--note", required=True, help="How it was handled.")
@click.option("--date", help="The day it was resolved (default today).")
@write_options
def factor_resolve(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Close a request, fulfilled or rejected.

    \b
    Example:
      campaign factor resolve ZZ-001-20200416-power --outcome fulfilled --note "已送电"
    """
    execute(db, actor, as_json, "resolve_factor", fields)


# ---------------------------------------------------------------------------------- status


@cli.command("status")
@read_options
def status(db: str, as_json: bool) -> None:
    """What the store holds: the campaign, its projects, and the events stored.

    \b
    Example:
      campaign status --db demo.db
    """
    from zoneinfo import ZoneInfo

    with engine_for(db, create=False) as engine:
        facts = engine.status()
    counts = {topic.rpartition(":")[2]: n for topic, n in sorted(facts.counts.items())}
    campaign = facts.campaign
    registered = counts.get("Project.Registered", 0)
    terminated = counts.get("Project.Terminated", 0)
    last = None
    if facts.last_recorded is not None:
        zone = ZoneInfo(campaign.timezone) if campaign is not None else None
        last = facts.last_recorded.astimezone(zone).isoformat(timespec="seconds")
    if as_json:
        from orjson import OPT_INDENT_2, dumps

        doc = {
            "store": db,
            "campaign": None
            if campaign is None
            else {
                "name": campaign.name,
                "year": campaign.year,
                "start": campaign.start.isoformat(),
                "end": campaign.end.isoformat(),
                "timezone": campaign.timezone,
                "simulated": campaign.simulated,
            },
            "projects": registered,
            "terminated": terminated,
            "events": facts.events,
            "last_recorded": last,
            "by_type": counts,
        }
        click.echo(dumps(doc, option=OPT_INDENT_2).decode())
        return
    if campaign is None:
        click.echo(f"store     {db}: no campaign opened yet")
    else:
        kind = ", simulated (loaded from a scenario)" if campaign.simulated else ""
        click.echo(
            f"campaign  {campaign.name} "
            f"({campaign.start} – {campaign.end}, {campaign.timezone}){kind}"
        )
        click.echo(f"store     {db}")
    click.echo(f"projects  {registered} registered, {terminated} terminated")
    click.echo(f"events    {facts.events:,}" + (f", last recorded {last}" if last else ""))
    for name, n in counts.items():
        click.echo(f"  {name:<28}{n:>10,}")


# ------------------------------------------------------------------------------ checkpoint


def _as_of(value: str | None, field: str = "as_of") -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refusal(f"{field}={value}: must be a date written YYYY-MM-DD") from None


def _print_json(document: Any) -> None:
    from orjson import OPT_INDENT_2, dumps

    click.echo(dumps(document, option=OPT_INDENT_2).decode())


def _console() -> Any:
    import shutil

    from rich.console import Console

    # Reports are wide tables: on a pipe or in a file, never squeeze them into 80 columns.
    width = shutil.get_terminal_size((200, 50)).columns if sys.stdout.isatty() else 200
    return Console(highlight=False, width=max(width, 120))


@contextmanager
def _replay_progress() -> Iterator[Callable[[int, int], None] | None]:
    """Progress of a long replay on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    with Progress(
        "replaying", BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("replay", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


query_options = [
    click.option("--as-of", help="The effective date (default: today, within the campaign year)."),
    click.option(
        "--known-at",
        help="Only what was recorded by then: a date (end of that day) or an ISO time.",
    ),
]


def with_query_options(func: F) -> F:
    for option in reversed(query_options):
        func = option(func)
    return func


@cli.group(invoke_without_command=True)
@with_query_options
@click.option(
    "--series",
    type=click.Choice(["weekly", "xun", "monthly", "checkpoints"]),
    help="Zone figures at each period end instead (旬 = xun).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print the projects table as CSV.")
@click.option(
    "--no-snapshot",
    is_flag=True,
    help="Replay the whole log from its first event (no projection snapshots).",
)
@read_options
@click.pass_context
def checkpoint(
    ctx: click.Context,
    as_of: str | None,
    known_at: str | None,
    series: str | None,
    as_csv: bool,
    no_snapshot: bool,
    db: str,
    as_json: bool,
) -> None:
    """The checkpoint report at a date: 双过半, the four rates, targets, factors, lights, ranking.

    --as-of says which facts count (effective dates up to that day); --known-at says what
    was known (events recorded up to then). "What did the June 30 report say on June 30?" is
    --as-of 2020-06-30 --known-at 2020-06-30.

    \b
    Examples:
      campaign checkpoint --as-of 2020-06-30
      campaign checkpoint --as-of 2020-06-30 --known-at 2020-06-30 --json
      campaign checkpoint --as-of 2020-06-30 --csv > projects.csv
      campaign checkpoint --series monthly
      campaign checkpoint publish --as-of 2020-06-30
    """
    if ctx.invoked_subcommand is not None:
        given = [
            param.opts[0]
            for param in ctx.command.params
            if param.name is not None
            and ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE
        ]
        if given:
            options = ", ".join(given)
            raise click.UsageError(
                f"{options}: give them after '{ctx.invoked_subcommand}' "
                f"(campaign checkpoint {ctx.invoked_subcommand} --as-of ... --db ...)"
            )
        return
    from campaign.queries import checkpoint_document, series_document

    with engine_for(db, create=False) as engine, _replay_progress() as progress:
        snapshots = not no_snapshot
        if series:
            document = series_document(
                engine, series, _as_of(as_of), known_at, progress=progress, snapshots=snapshots
            )
        else:
            document = checkpoint_document(
                engine, _as_of(as_of), known_at, progress=progress, snapshots=snapshots
            )
    if as_json:
        _print_json(document)
    elif as_csv:
        if series:
            _print_csv(document["rows"])
        else:
            from campaign.checkpoint import PROJECT_KEYS

            _print_csv(document["projects"], list(PROJECT_KEYS))
    else:
        from cli.report import print_checkpoint, print_series

        (print_series if series else print_checkpoint)(document, _console())


def _print_csv(rows: list[dict[str, Any]], columns: list[str] | None = None) -> None:
    """A table as CSV: a header, then one line per row (nested figures left out)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if columns is None:
        first = rows[0] if rows else {}
        columns = [k for k, v in first.items() if not isinstance(v, (dict, list))]
    writer.writerow(columns)
    for row in rows:
        writer.writerow("" if row.get(k) is None else row[k] for k in columns)


@checkpoint.command("publish")
@with_query_options
@write_options
def checkpoint_publish(
    as_of: str | None, known_at: str | None, db: str, actor: str, as_json: bool
) -> None:
    """Publish a checkpoint: append its query, the log position read and its state hash.

    Auditors can later reproduce every published checkpoint and compare the hashes.

    \b
    Example:
      campaign checkpoint publish --as-of 2020-06-30 --known-at 2020-07-05
    """
    from campaign.queries import publish

    with engine_for(db, create=False) as engine:
        document, appended = publish(engine, _as_of(as_of), known_at, actor=actor)
    receipt = document["receipt"]
    if as_json:
        _print_json(
            {
                "published": appended,
                "as_of": document["as_of"],
                "known_at": known_at,
                "receipt": receipt,
            }
        )
        return
    what = "published" if appended else "already published, nothing appended"
    click.echo(
        f"checkpoint {document['as_of']} {what}: state {receipt['state_hash']} "
        f"digest {receipt['digest']}"
    )


@cli.command("replay")
@with_query_options
@click.option("--project", help="Only this project.")
@read_options
def replay_command(
    as_of: str | None, known_at: str | None, project: str | None, db: str, as_json: bool
) -> None:
    """Each project's state at a date: YTD totals, physical %, milestones, open requests.

    \b
    Examples:
      campaign replay --as-of 2020-05-31
      campaign replay --as-of 2020-05-31 --known-at 2020-05-31 --project ZZ-001 --json
    """
    from campaign.queries import project_states

    with engine_for(db, create=False) as engine, _replay_progress() as progress:
        document = project_states(engine, _as_of(as_of), known_at, project, progress=progress)
    if as_json:
        _print_json(document)
    else:
        from cli.report import print_projects

        print_projects(document, _console())


# ------------------------------------------------------------------------------------ audit


@cli.group()
def audit() -> None:
    """For auditors: verify the hash chain, list events, explain differences, reproduce."""


@audit.command("verify")
@click.option(
    "--digest",
    "expected",
    metavar="HASH@POSITION",
    help="Also check against a digest kept outside the store (as printed on receipts).",
)
@click.option(
    "--snapshots",
    is_flag=True,
    help="Also check every projection snapshot against the log (a full replay).",
)
@read_options
def audit_verify(expected: str | None, snapshots: bool, db: str, as_json: bool) -> None:
    """Check the whole hash chain; name the first position that fails (exit 1).

    Catches an event modified, deleted, inserted or reordered; with --digest also a tail
    cut from the log. Projection snapshots (a cache that speeds up queries) are outside the
    chain: --snapshots checks each against what the log folds to. Published and reproduced
    checkpoints never use them.

    \b
    Examples:
      campaign audit verify
      campaign audit verify --digest 3f8b...8d02@49 --snapshots
    """
    import time

    from campaign.audit import verify

    started = time.perf_counter()
    with engine_for(db, create=False) as engine, _count_progress("verifying") as tick:
        result = verify(engine.store, expected=expected, progress=tick, snapshots=snapshots)
    seconds = time.perf_counter() - started
    if as_json:
        _print_json(
            {
                "ok": result.ok,
                "events": result.events,
                "digest": result.digest,
                "first_bad_position": result.position,
                "problem": result.problem,
            }
        )
    elif result.ok:
        checked = " and the digest" if expected else ""
        click.echo(
            f"verified {result.events:,} events{checked} in {seconds:.2f} s: head {result.digest}"
        )
    if not result.ok:
        if not as_json:
            click.echo(
                f"Error: the log fails verification at position {result.position}: "
                f"{result.problem}",
                err=True,
            )
        sys.exit(1)


@contextmanager
def _count_progress(label: str) -> Iterator[Callable[[int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description} {task.completed:,}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done: bar.update(task, completed=done)


@audit.command("log")
@click.option("--project", help="Only this project's events.")
@click.option(
    "--type",
    "types",
    multiple=True,
    help="Only this event type, e.g. Reported or DailyReport.Corrected (repeat).",
)
@click.option("--from", "date_from", help="Effective dates from this day.")
@click.option("--to", "date_to", help="Effective dates up to this day.")
@click.option("--recorded-from", help="Recorded at or after this time (date or ISO time).")
@click.option("--recorded-to", help="Recorded at or before this time (date: the end of that day).")
@click.option("--actor", "who", help="Only what this actor recorded.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@read_options
def audit_log(
    project: str | None,
    types: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    recorded_from: str | None,
    recorded_to: str | None,
    who: str | None,
    limit: int | None,
    db: str,
    as_json: bool,
) -> None:
    """List the events, with both times (effective date, recorded time) and the actor.

    \b
    Examples:
      campaign audit log --project ZZ-001 --type Corrected
      campaign audit log --from 2020-06-01 --to 2020-06-30 --recorded-from 2020-07-01 --json
    """
    from campaign.audit import LogFilter, in_zone, log_entries
    from campaign.replay import known_at_cut

    with engine_for(db, create=False) as engine:
        campaign = engine.campaign()
        zone = campaign.timezone if campaign else "Asia/Shanghai"

        def moment(value: str | None, field: str, *, start: bool) -> Any:
            if value is None:
                return None
            try:
                if start and len(value.strip()) == 10:
                    return known_at_cut(value, zone).replace(
                        hour=0, minute=0, second=0, microsecond=0
                    )
                return known_at_cut(value, zone)
            except ValueError:
                raise Refusal(f"{field}={value}: must be a date or an ISO time") from None

        where = LogFilter(
            project=project,
            types=types,
            date_from=_as_of(date_from, "from"),
            date_to=_as_of(date_to, "to"),
            recorded_from=moment(recorded_from, "recorded_from", start=True),
            recorded_to=moment(recorded_to, "recorded_to", start=False),
            actor=who,
        )
        entries = list(log_entries(engine.store, where, limit=limit))
    if as_json:
        _print_json(entries)
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("pos", "recorded", "date", "actor", "type", "project", "fields"):
        table.add_column(column, justify="right" if column == "pos" else "left", overflow="fold")
    for e in entries:
        fields = _shown_fields(e["fields"])
        table.add_row(
            str(e["position"]),
            in_zone(e["recorded"], zone),
            e["date"] or "",
            e["actor"] or "",
            e["type"],
            e["project"] or "",
            fields,
        )
    _console().print(table)
    click.echo(f"{len(entries)} events", err=True)


def _shown_fields(fields: dict[str, Any]) -> str:
    """An event's fields for people: money (stored as whole yuan) in 万元, like everywhere."""
    shown = []
    for key, value in fields.items():
        if key == "request_id":
            continue
        if key.endswith("_yuan") and isinstance(value, int):
            shown.append(f"{key.removesuffix('_yuan')}={value / 10_000:,.2f}万元")
        else:
            shown.append(f"{key}={value}")
    return ", ".join(shown)


@audit.command("diff")
@click.option("--as-of", required=True, help="The effective date of the checkpoint.")
@click.option("--known-at", required=True, help="The earlier view: what was known then.")
@click.option("--vs", required=True, help="The later view to compare with.")
@read_options
def audit_diff(as_of: str, known_at: str, vs: str, db: str, as_json: bool) -> None:
    """What changed in a checkpoint between two views of the log, and which events did it.

    \b
    Example (what the late reports and corrections changed in the June report):
      campaign audit diff --as-of 2020-06-30 --known-at 2020-06-30 --vs 2020-07-10
    """
    from campaign.audit import diff, in_zone

    day = _as_of(as_of)
    with engine_for(db, create=False) as engine:
        campaign = engine.campaign()
        result = diff(engine, day, known_at, vs)
    if as_json:
        _print_json(result.document())
        return
    low, high = result.positions
    click.echo(
        f"checkpoint {result.as_of}: known at {known_at} (position {low}) vs {vs} (position {high})"
    )
    if not result.changes:
        click.echo("no figure changed")
    for change in result.changes:
        click.echo(f"  {change['figure']}: {change['before']} -> {change['after']}")
    zone = campaign.timezone if campaign else "Asia/Shanghai"
    if result.causes:
        click.echo("caused by the events recorded in between:")
    for e in result.causes:
        fields = _shown_fields(e["fields"])
        click.echo(
            f"  #{e['position']} {in_zone(e['recorded'], zone)} {e['actor']}: {e['type']} "
            f"{e['project'] or ''} {e['date'] or ''} {fields}"
        )


@audit.command("reproduce")
@read_options
def audit_reproduce(db: str, as_json: bool) -> None:
    """Recompute every published checkpoint and compare state hashes; any mismatch exits 1.

    \b
    Example:
      campaign audit reproduce
    """
    from campaign.audit import reproduce

    with engine_for(db, create=False) as engine:
        results = reproduce(engine)
    bad = [r for r in results if not r.ok]
    if as_json:
        _print_json(
            {
                "published": len(results),
                "mismatches": len(bad),
                "checkpoints": [
                    {
                        "as_of": r.as_of,
                        "known_at": r.known_at,
                        "position": r.position,
                        "published": r.published,
                        "computed": r.computed,
                        "ok": r.ok,
                    }
                    for r in results
                ],
            }
        )
    else:
        for r in results:
            mark = "ok      " if r.ok else "MISMATCH"
            click.echo(
                f"{mark} {r.as_of} known at {r.known_at or 'publication'} "
                f"(position {r.position}): {r.computed}"
            )
        click.echo(f"{len(results)} published checkpoints, {len(bad)} mismatches")
    for r in bad:
        click.echo(
            f"Error: checkpoint {r.as_of} (known at {r.known_at}, position {r.position}) "
            f"was published as {r.published} but reproduces as {r.computed}",
            err=True,
        )
    if bad:
        sys.exit(1)


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@store_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (on stderr with -)."
)
def export_command(file: Path, db: str, as_json: bool) -> None:
    """Write the whole log, with its hash chain, to a JSON Lines file (- for stdout).

    \b
    Example:
      campaign export campaign-2020.jsonl
    """
    from campaign.audit import export

    with engine_for(db, create=False) as engine:
        if str(file) == "-":
            result = export(engine.store, sys.stdout.buffer)
        else:
            try:
                out = file.open("wb")
            except OSError as error:
                raise Refusal(f"cannot write {file}: {error.strerror}") from None
            with out:
                result = export(engine.store, out)
    if as_json:
        from orjson import dumps

        document = {"file": str(file), "events": result.events, "digest": result.digest}
        click.echo(dumps(document).decode(), err=str(file) == "-")
    else:
        click.echo(f"exported {result.events:,} events: head {result.digest}", err=str(file) == "-")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@store_options
@click.option(
    "--digest",
    "expected",
    metavar="HASH@POSITION",
    help="Refuse the file unless its chain ends at this digest (kept outside the store).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(file: Path, db: str, expected: str | None, as_json: bool) -> None:
    """Load an exported log into an empty store, re-verifying every link and event (all or
    nothing). An exported file can be rewritten whole, with a fresh chain: give --digest (as
    printed on a receipt) to be sure it is the log you meant.

    \b
    Example:
      campaign import campaign-2020.jsonl --db copy.db --digest 5f2c...9a1e@5097
    """
    from campaign import CampaignError, LineError
    from campaign.audit import import_log

    with _removed_if_refused(db), engine_for(db, create=True) as engine, file.open("rb") as handle:
        try:
            result = import_log(engine.store, iter(handle), expected=expected)
        except CampaignError as error:
            raise Refusal(
                f"{file.name} {error}" if isinstance(error, LineError) else str(error)
            ) from None
    if as_json:
        _print_json({"file": str(file), "events": result.events, "digest": result.digest})
    else:
        click.echo(f"imported {result.events:,} events: head {result.digest}")


@contextmanager
def _removed_if_refused(db: str) -> Iterator[None]:
    """A SQLite store file this command creates is removed again if the command fails, so a
    refused import or scenario leaves nothing behind."""
    from campaign.store import is_postgres

    path = None if is_postgres(db) else Path(db)
    fresh = path is not None and not path.exists()
    try:
        yield
    except BaseException:
        if fresh and path is not None:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise


# -------------------------------------------------------------------------------- scenario


@cli.group()
def scenario() -> None:
    """Scenario files: whole simulated campaigns, one command a line (JSON Lines)."""


@scenario.command("run")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@write_options
def scenario_run(file: Path, db: str, actor: str, as_json: bool) -> None:
    """Load a scenario file into an empty store, all lines or none.

    Each line is {"at": "<recorded time with offset>", "cmd": "<command>", ...fields}; a factor
    request filed with "ref" is named by that ref on later lines.

    \b
    Example:
      campaign scenario run scenarios/demo.jsonl --db demo.db
    """
    import time

    from campaign import CampaignError, LineError
    from campaign.scenario import load

    if not file.exists():
        raise Refusal(f"no scenario file at {file}")
    started = time.perf_counter()
    with _removed_if_refused(db), engine_for(db, create=True) as engine, _progress(file) as tick:
        try:
            report = load(engine, file, actor=actor, progress=tick)
        except CampaignError as error:
            raise Refusal(
                f"{file.name} {error}" if isinstance(error, LineError) else str(error)
            ) from None
    seconds = time.perf_counter() - started
    rate = report.appended / seconds if seconds > 0 else 0.0
    if as_json:
        from orjson import OPT_INDENT_2, dumps

        doc = {
            "file": str(file),
            "lines": report.lines,
            "commands": report.commands,
            "appended": report.appended,
            "seconds": round(seconds, 3),
            "events_per_s": round(rate),
        }
        click.echo(dumps(doc, option=OPT_INDENT_2).decode())
    else:
        click.echo(
            f"loaded {file.name}: {report.commands:,} commands, {report.appended:,} events "
            f"appended in {seconds:.1f} s ({rate:,.0f} events/s)"
        )


@scenario.command("generate")
@click.option(
    "--projects", type=click.IntRange(min=1), required=True, help="How many key projects."
)
@click.option(
    "--seed", type=int, required=True, help="Random seed: the same seed gives the same bytes."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the scenario (JSON Lines); - for stdout.",
)
@click.option("--year", type=int, default=2020, show_default=True, help="The campaign year.")
@click.option(
    "--start", help="First day of the campaign (default: the hundred days ending 30 June)."
)
@click.option("--end", help="Last day of the campaign (default: 30 June).")
@click.option(
    "--density",
    type=click.FloatRange(min=0.01, max=10.0),
    default=1.0,
    show_default=True,
    help="Scale of reporting and request rates (1 = the reference campaign).",
)
def scenario_generate(
    projects: int,
    seed: int,
    out: Path,
    year: int,
    start: str | None,
    end: str | None,
    density: float,
) -> None:
    """Write a realistic simulated campaign for any number of projects, streamed to a file.

    \b
    Example (the reference scenario):
      campaign scenario generate --projects 54 --seed 2020 --out scenarios/zaozhuang-2020.jsonl
    """
    import datetime as dt

    from scenarios.generator import generate

    try:
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else None
    except ValueError as error:
        raise click.UsageError(f"--start/--end: {error}") from None
    options: dict[str, Any] = {
        "projects": projects,
        "seed": seed,
        "year": year,
        "start": first,
        "end": last,
        "density": density,
    }
    # Written to a file beside the target and moved into place at the end: a refused or
    # interrupted run leaves the target as it was.
    partial = out.with_name(f".{out.name}.partial")
    try:
        if str(out) == "-":
            report = generate(sys.stdout, **options)
        else:
            with partial.open("w", encoding="utf-8", newline="\n") as handle:
                report = generate(handle, **options)
            partial.replace(out)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        raise Refusal(f"cannot write {out}: {error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(
        f"wrote {report.lines:,} lines for {projects:,} projects to {out}", err=str(out) == "-"
    )


@contextmanager
def _progress(file: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    total = os.path.getsize(file)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"loading {file.name}", total=total)
        yield lambda done: bar.update(task, completed=done)


def main() -> None:
    """Entry point: no traceback ever reaches a user."""
    try:
        cli.main(standalone_mode=False, obj=Config())
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as error:  # the last line of defence: one line, never a traceback
        if os.environ.get("CAMPAIGN_DEBUG"):
            raise
        click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
        sys.exit(1)
    sys.exit(0)

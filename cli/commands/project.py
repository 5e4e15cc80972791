"""`campaign project`: register key projects, and record their plan revisions, milestones and
terminations."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from cli.context import Refusal, engine_for, execute
from cli.options import CATEGORIES, SECTORS, write_options
from cli.output import emit_results


@click.group()
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
          --annual-plan 15000 --planned-start 2020-04-15 --industrial --date 2020-01-06
      campaign project register --from scenarios/examples/projects.csv

    The CSV file has a header row with the field names (code, name, sector, category, unit,
    leader, total_investment, annual_plan, date, planned_start, planned_completion, industrial,
    tech_renovation, factory_area_m2); empty cells are left out.
    """
    if source is None:
        from campaign.app.commands import RegisterProject

        required = [k for k, f in RegisterProject.model_fields.items() if f.is_required()]
        missing = [k for k in required if not fields.get(k)]
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
        emit_results(results, as_json)
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
      campaign project milestone ZZ-001 signed --date 2020-03-30
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

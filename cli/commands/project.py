"""`campaign project`: register key projects, and record their plan revisions, milestones and
terminations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli.context import engine_for, execute, keep_snapshots
from cli.lazy import LazyGroup
from cli.options import CATEGORY, MILESTONE, SECTOR, as_typed, write_options
from cli.output import emit_results


@click.group(
    cls=LazyGroup,
    lazy={"list": "cli.commands.lookups:project_list", "show": "cli.commands.lookups:project_show"},
)
def project() -> None:
    """Register key projects and record their plan revisions, milestones and terminations."""


@project.command("register")
@click.option("--code", help="Unique project code, e.g. ZZ-001.")
@click.option("--name", help="Project name.")
@click.option("--sector", type=SECTOR, help=SECTOR.help("The sector, by name or in Chinese:"))
@click.option(
    "--category", type=CATEGORY, help=CATEGORY.help("The category, by name or in Chinese:")
)
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
    help="Register every row of a sheet, .xlsx or .csv (all rows or none).",
)
@write_options
def project_register(
    source: Path | None, db: str, actor: str, as_json: bool, **fields: Any
) -> None:
    """Register a key project, or every project of a sheet (.xlsx or .csv).

    \b
    Example:
      campaign project register --code ZZ-001 --name "锂电池正极材料项目" \\
          --sector lithium --category new --unit 区招商局 --leader 张三 \\
          --total-investment 50000 --annual-plan 15000 \\
          --planned-start 2020-04-15 --industrial --date 2020-01-06
      campaign project register --from scenarios/examples/projects.csv

    \b
    A sheet's header row names its columns (or SPEC's field names do):
      项目编号 code, 项目名称 name, 帮包单位 unit, 包保领导 leader,
      领域 sector: 锂电 光电 医药 智能制造 大数据 民生 其他 (or lithium, ...),
      类别 category: 新开工 续建 竣工 预备 (or new, continuing, ...),
      总投资(万元) total_investment, 年度计划投资(万元) annual_plan,
      登记日期 date, 计划开工 planned_start, 计划竣工 planned_completion,
      工业项目 industrial (是/否), 技改项目 tech_renovation (是/否),
      厂房面积(㎡) factory_area_m2.
    Empty cells are left out; a CSV file may be UTF-8 or GBK.
    """
    if source is None:
        from campaign.app.commands import RegisterProject

        required = [k for k, f in RegisterProject.model_fields.items() if f.is_required()]
        missing = [k for k in required if fields.get(k) is None]
        if missing:
            raise click.UsageError(
                "missing "
                + ", ".join("--" + m.replace("_", "-") for m in missing)
                + " (or use --from FILE.xlsx|FILE.csv)"
            )
        with as_typed():
            execute(db, actor, as_json, "register_project", fields)
        return
    if any(v is not None for v in fields.values()):
        raise click.UsageError("--from FILE takes no other project fields")
    _register_sheet(source, db, actor, as_json)


def _register_sheet(source: Path, db: str, actor: str, as_json: bool) -> None:
    from campaign import register_projects

    with engine_for(db, create=False) as engine:
        receipt = register_projects(engine, source, actor=actor)
    keep_snapshots(db)
    if as_json:
        emit_results(list(receipt.results), as_json)
        return
    for line in receipt.lines():
        click.echo(line)


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
      campaign project revise ZZ-001 --annual-plan 12000 --date 2020-06-15 \\
          --reason "二期推迟至明年"
    """
    execute(db, actor, as_json, "revise_plan", fields)


@project.command("milestone")
@click.argument("code")
@click.argument("milestone", type=MILESTONE)
@click.option("--date", help="The day it was reached (default today).")
@write_options
def project_milestone(db: str, actor: str, as_json: bool, **fields: Any) -> None:
    """Record a milestone reached, by name or in Chinese.

    \b
    MILESTONE is one of:
      signed 签约, started 开工, completed 竣工, production 投产.

    They come in that order, each after the one before (production may follow started).

    \b
    Example:
      campaign project milestone ZZ-001 signed --date 2020-03-30
      campaign project milestone ZZ-001 开工 --date 2020-04-18
    """
    with as_typed():
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

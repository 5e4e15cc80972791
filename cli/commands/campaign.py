"""`campaign open` and `campaign status`: the campaign itself, and what the store holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from campaign.domain.time import DEFAULT_TIMEZONE
from cli.context import Refusal, engine_for, execute
from cli.options import F, read_options, sla_days, write_options
from cli.output import print_json


def settings_options(func: F) -> F:
    """The campaign's settings, as `open` takes them and `amend` changes them."""
    for option in reversed(
        [
            click.option(
                "--checkpoint",
                "checkpoints",
                multiple=True,
                metavar="DATE",
                help="A checkpoint date (repeat).",
            ),
            click.option(
                "--holiday", "holidays", multiple=True, metavar="DATE", help="A holiday (repeat)."
            ),
            click.option(
                "--workday",
                "workdays",
                multiple=True,
                metavar="DATE",
                help="A Saturday or Sunday worked as a workday (调休; repeat).",
            ),
            click.option(
                "--sla",
                "slas",
                multiple=True,
                metavar="CATEGORY=DAYS",
                callback=sla_days,
                help="Working-day time limit of a factor category, by name or in "
                "Chinese: land=20 or 用地=20 (repeat; at open, one not named gets 7).",
            ),
            click.option(
                "--target",
                "targets",
                multiple=True,
                metavar="KIND=GOAL[:NAME]",
                help="A zone target (repeat); a share is a ratio: 0.4 or 40%.",
            ),
            click.option(
                "--green", help="Investment light: green at spi >= this ratio (open: 0.8)."
            ),
            click.option(
                "--yellow", help="Investment light: yellow at spi >= this ratio (open: 0.6)."
            ),
        ]
    ):
        func = option(func)
    return func


def _settings(
    checkpoints: tuple[str, ...],
    holidays: tuple[str, ...],
    workdays: tuple[str, ...],
    slas: tuple[str, ...],
    targets: tuple[str, ...],
    green: str | None,
    yellow: str | None,
    *,
    given_only: bool,
) -> dict[str, Any]:
    """The settings options as command fields; with `given_only`, only those given."""
    fields: dict[str, Any] = {
        "checkpoints": list(checkpoints),
        "holidays": list(holidays),
        "workdays": list(workdays),
        "sla_days": dict(_pair(s, "--sla") for s in slas),
        "targets": [_target(t) for t in targets],
    }
    if given_only:
        fields = {k: v for k, v in fields.items() if v}
    lights = {k: v for k, v in {"green": green, "yellow": yellow}.items() if v is not None}
    if lights:
        fields["lights"] = lights
    return fields


@click.command("open")
@click.argument("name", required=False)
@click.option("--year", type=int, help="The campaign year.")
@click.option("--start", help="First day of the campaign (YYYY-MM-DD).")
@click.option("--end", help="Last day of the campaign (YYYY-MM-DD).")
@settings_options
@click.option("--timezone", help=f"The campaign's time zone (default {DEFAULT_TIMEZONE}).")
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
    """Open the campaign (once per store; `campaign amend` changes its settings later).

    \b
    Example:
      campaign open "枣庄高新区百日会战 2020" --year 2020 --start 2020-03-23 \\
          --end 2020-06-30 --checkpoint 2020-04-30 --checkpoint 2020-05-31 \\
          --checkpoint 2020-06-30 --holiday 2020-05-01 --workday 2020-04-26 \\
          --sla 用地=20 --sla approval=7 --target fixed_asset_investment=1000000 \\
          --target industrial_projects_started=20
      campaign open --from scenarios/examples/campaign.json --db example.db
    """
    settings = (checkpoints, holidays, workdays, slas, targets, green, yellow)
    if source is not None:
        if any(v is not None for v in (name, year, start, end, timezone)) or any(settings):
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
            **_settings(*settings, given_only=False),
            "timezone": timezone,
        }
    execute(db, actor, as_json, "open_campaign", fields)


@click.command("amend")
@click.option("--date", help="From which day the new settings are in force (default today).")
@click.option("--reason", help="Why the settings change.")
@settings_options
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the amendment from a JSON file instead (an empty list clears one).",
)
@write_options
def amend_campaign(
    date: str | None,
    reason: str | None,
    checkpoints: tuple[str, ...],
    holidays: tuple[str, ...],
    workdays: tuple[str, ...],
    slas: tuple[str, ...],
    targets: tuple[str, ...],
    green: str | None,
    yellow: str | None,
    source: Path | None,
    db: str,
    actor: str,
    as_json: bool,
) -> None:
    """Change the campaign's settings from a date on: targets, lights, time limits,
    checkpoints, holidays, workdays.

    Each list given replaces the one in force (give every holiday, not only the new one);
    --sla changes only the categories named; a light threshold not given stays. Checkpoints use
    the settings in force on their as-of date; a factor request, those of its filing date.

    \b
    Examples:
      campaign amend --date 2020-05-06 --reason "区政府通知：增加调休" \\
          --holiday 2020-05-01 --holiday 2020-05-04 --holiday 2020-05-05 \\
          --workday 2020-05-09
      campaign amend --date 2020-06-01 --reason "年中调度会：提高绿灯门槛" \\
          --green 0.9 --sla land=15
    """
    settings = (checkpoints, holidays, workdays, slas, targets, green, yellow)
    if source is not None:
        if date is not None or reason is not None or any(settings):
            raise click.UsageError(
                "--from FILE.json holds the whole amendment, its date and reason too: give no "
                "other amendment option beside it"
            )
        fields = _read_json_object(source)
    else:
        if not reason:
            raise click.UsageError("give --reason (or --from FILE.json)")
        fields = {"date": date, "reason": reason, **_settings(*settings, given_only=True)}
    execute(db, actor, as_json, "amend_campaign", fields)


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
        from campaign.domain.vocabulary import TARGET_LABELS, TargetKind

        try:
            target["name"] = TARGET_LABELS[TargetKind(kind)]
        except ValueError:
            target["name"] = kind
    return target


def _read_json_object(path: Path) -> dict[str, Any]:
    import json
    from decimal import Decimal

    try:  # utf-8-sig: a file saved as "UTF-8 with BOM" (Windows Notepad) reads as UTF-8
        data = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except OSError as error:
        raise Refusal(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise Refusal(f"{path}: is not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except RecursionError:
        raise Refusal(f"{path}: nests its values too deeply") from None
    except json.JSONDecodeError as error:
        raise Refusal(f"{path} line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise Refusal(f"{path}: must hold one JSON object")
    return data


@click.command("status")
@read_options
def status(db: str, as_json: bool) -> None:
    """What the store holds: the campaign, its projects, and the events stored.

    \b
    Example:
      campaign status
    """
    from zoneinfo import ZoneInfo

    with engine_for(db, create=False) as engine:
        facts = engine.status()
        store = engine.store.db  # as fit to print: a URL's password masked
    counts = {topic.rpartition(":")[2]: n for topic, n in sorted(facts.counts.items())}
    campaign = facts.campaign
    last = None
    if facts.last_recorded is not None:
        zone = ZoneInfo(campaign.timezone) if campaign is not None else None
        last = facts.last_recorded.astimezone(zone).isoformat(timespec="seconds")
    doc = {
        "store": store,
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
        "projects": counts.get("Project.Registered", 0),
        "terminated": counts.get("Project.Terminated", 0),
        "events": facts.events,
        "last_recorded": last,
        "by_type": counts,
    }
    if as_json:
        print_json(doc)
        return

    for line in _status_lines(doc):
        click.echo(line)


def _status_lines(doc: dict[str, Any]) -> list[str]:
    """The store's status (the document `campaign status --json` prints) as lines, in
    Chinese, wrapped at the terminal's width (80 columns on a pipe)."""
    from cli.tables import console, wrapped

    width = console().width
    campaign = doc["campaign"]
    said: list[tuple[str, str]] = []
    if campaign is None:
        said.append(("存储", f"{doc['store']}：尚未开启会战（campaign open）"))
    else:
        kind = "，模拟（由情景文件载入）" if campaign["simulated"] else ""
        said.append(
            (
                "会战",
                f"{campaign['name']}（{campaign['start']} 至 {campaign['end']}，"
                f"{campaign['timezone']}）{kind}",
            )
        )
        said.append(("存储", doc["store"]))
    said.append(("项目", f"登记 {doc['projects']:,} 个，终止 {doc['terminated']:,} 个"))
    last = doc["last_recorded"]
    said.append(("事件", f"{doc['events']:,} 条" + (f"，最近记录于 {last}" if last else "")))
    lines = []
    for label, text in said:  # the label, then its text; a wrapped line hangs under the text
        if label == "存储":  # a file name or URL stays whole, to be copied
            lines.append(f"{label}  {text}")
            continue
        body = wrapped(text, width, indent=6)
        lines += [f"{label}  {body[0][6:]}", *body[1:]]
    for name, n in doc["by_type"].items():  # the machine's name, then the people's
        lines.append(f"  {name:<28}{n:>10,}  {EVENT_WORDS.get(name, '')}".rstrip())
    return lines


EVENT_WORDS = {
    "Campaign.Opened": "开启会战",
    "Campaign.Amended": "调整会战设置",
    "Project.Registered": "项目登记",
    "Project.PlanRevised": "计划调整",
    "Project.MilestoneReached": "里程碑达成",
    "Project.Terminated": "项目终止",
    "DailyReport.Reported": "进度报送",
    "DailyReport.Corrected": "进度更正",
    "FactorRequest.Filed": "要素提报",
    "FactorRequest.Extended": "期限延长",
    "FactorRequest.Escalated": "督办升级",
    "FactorRequest.Resolved": "要素办结",
    "FactorKey.Assigned": "申请编号登记",
    "Publication.Published": "调度发布",
    "Access.Granted": "授权",
    "Access.Regranted": "改授权",
    "Access.Revoked": "撤销授权",
}
"""Each type of event in the words of a 调度 (the log keeps the type's own name)."""

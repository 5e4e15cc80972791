"""Tables and text for people: the checkpoint report, series, project states, the audit log and
the store's status, drawn with rich.

Only the command line prints; these functions turn the engine's documents into tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from campaign.report.words import reasons

if TYPE_CHECKING:
    from rich.console import Console

LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "bold red", "na": "dim"}
LIGHT_MARK = {"green": "● 绿", "yellow": "● 黄", "red": "● 红", "na": "○ —"}
RATE_NAMES = {
    "fulfilment_rate": ("履约率", "signed projects not terminated"),
    "funds_rate": ("资金到位率", "YTD funds / annual plans"),
    "start_rate": ("开工率", "started / due to start"),
    "commissioning_rate": ("竣工投产率", "commissioned / due to commission"),
}
FACTOR_COLUMNS = (
    ("filed", "filed"),
    ("resolved", "resolved"),
    ("closure_rate", "办结率"),
    ("due", "due"),
    ("on_time", "on time"),
    ("on_time_rate", "按期率"),
    ("open", "open"),
    ("overdue_open", "overdue"),
    ("escalated_open", "督办"),
    ("median_resolution_wd", "median wd"),
)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def num(value: float | int | None, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{places}f}"


def light(value: str) -> Text:
    return Text(LIGHT_MARK[value], style=LIGHT_STYLE[value])


def _table(title: str, *columns: str, right: tuple[int, ...] = ()) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, title_style="bold")
    for i, column in enumerate(columns):
        table.add_column(column, justify="right" if i in right else "left")
    return table


def print_checkpoint(doc: dict[str, Any], console: Console) -> None:
    zone = doc["zone"]
    verdict = (
        Text("双过半 ✓ reached", style="bold green")
        if zone["double_half"]
        else Text("双过半 ✗ not reached", style="bold red")
    )
    known = f", as known at {doc['known_at']}" if doc["known_at"] else ""
    console.print(Text(f"{doc['campaign']} — checkpoint {doc['as_of']}{known}", style="bold"))
    console.print(Text.assemble("序时进度 ", pct(doc["time_progress"]), "   ", verdict))

    summary = _table(
        "Zone (listed projects)",
        "projects",
        "annual plan 万元",
        "YTD 万元",
        "of plan",
        "± 序时 pp",
        "spi",
        "YTD funds 万元",
        right=(0, 1, 2, 3, 4, 5, 6),
    )
    summary.add_row(
        num(zone["projects"]),
        num(zone["annual_plan"]),
        num(zone["ytd_investment"]),
        pct(zone["investment_rate"]),
        num(zone["gap_pp"]),
        num(zone["spi"], 4),
        num(zone["ytd_funds"]),
    )
    console.print(summary)

    rates = _table("The four rates", "rate", "", "value", "of", right=(2, 3))
    counts = {
        "fulfilment_rate": f"{zone['fulfilled']} / {zone['signed']}",
        "funds_rate": f"{num(zone['ytd_funds'])} / {num(zone['annual_plan'])}",
        "start_rate": f"{zone['started']} / {zone['due_to_start']}"
        + (f" (+{zone['early_starts']} early)" if zone["early_starts"] else ""),
        "commissioning_rate": f"{zone['commissioned']} / {zone['due_to_commission']}",
    }
    for key, (label, meaning) in RATE_NAMES.items():
        rates.add_row(label, meaning, pct(zone[key]), counts[key])
    console.print(rates)

    if doc["targets"]:
        targets = _table(
            "Zone targets", "target", "goal", "actual", "of goal", "half?", right=(1, 2, 3)
        )
        for t in doc["targets"]:
            share = t["kind"] == "tech_renovation_share"
            targets.add_row(
                t["name"],
                pct(t["goal"]) if share else num(t["goal"]),
                pct(t["actual"]) if share else num(t["actual"]),
                pct(t["ratio"]),
                Text("✓", style="green") if t["over_half"] else Text("✗", style="red"),
            )
        console.print(targets)

    factors = doc["factors"]
    channel = _table(
        "Factor green channel (要素保障)",
        "",
        *(label for _, label in FACTOR_COLUMNS),
        right=tuple(range(1, 11)),
    )
    channel.add_row("all", *_factor_cells(factors), style="bold")
    for category, figures in factors["by_category"].items():
        channel.add_row(category, *_factor_cells(figures))
    console.print(channel)
    if factors.get("by_unit"):
        units = _table(
            "… by unit", "", *(label for _, label in FACTOR_COLUMNS), right=tuple(range(1, 11))
        )
        for unit, figures in factors["by_unit"].items():
            units.add_row(unit, *_factor_cells(figures))
        console.print(units)

    lights = zone["lights"]
    console.print(
        Text.assemble(
            ("Lights  ", "bold"),
            (f"绿 {lights['green']}  ", "green"),
            (f"黄 {lights['yellow']}  ", "yellow"),
            (f"红 {lights['red']}  ", "bold red"),
            (f"— {lights['na']}", "dim"),
            f"    below half of plan: {zone['below_half']}",
        )
    )
    console.print()
    for key, title in (
        ("units", "By unit (帮包单位)"),
        ("sectors", "By sector"),
        ("categories", "By category"),
    ):
        rows = doc.get(key) or []
        table = _table(
            title,
            "#",
            key[:-1] if key != "categories" else "category",
            "projects",
            "plan",
            "YTD",
            "of plan",
            "spi",
            "红",
            "黄",
            right=(0, 2, 3, 4, 5, 6, 7, 8),
        )
        for row in rows:
            name = row.get(key[:-1] if key != "categories" else "category")
            label = f"{name} {row['label']}" if "label" in row else name
            table.add_row(
                str(row["rank"]),
                label,
                str(row["projects"]),
                num(row["annual_plan"]),
                num(row["ytd_investment"]),
                pct(row["investment_rate"]),
                num(row["spi"], 4),
                str(row["red"] or ""),
                str(row["yellow"] or ""),
            )
        console.print(table)

    ranking = _table(
        "Ranking (by spi)",
        "#",
        "code",
        "name",
        "unit",
        "plan",
        "YTD",
        "of plan",
        "± pp",
        "spi",
        "light",
        "stage",
        right=(0, 4, 5, 6, 7, 8),
    )
    names = {p["code"]: p for p in doc["projects"]}
    for p in sorted(doc["projects"], key=lambda p: (p["rank"] is None, p["rank"] or 0, p["code"])):
        ranking.add_row(
            "" if p["rank"] is None else str(p["rank"]),
            p["code"],
            p.get("name", ""),
            p.get("unit", ""),
            num(p["annual_plan"]),
            num(p["ytd_investment"]),
            pct(p["investment_rate"]),
            num(p["gap_pp"]),
            num(p["spi"], 4),
            light(p["light"]),
            p["stage"],
        )
    console.print(ranking)

    if doc.get("lagging"):
        lagging = _table(
            "Lagging projects (red and yellow)", "code", "name", "light", "unit / leader", "why"
        )
        for row in doc["lagging"]:
            lagging.add_row(
                row["code"],
                names.get(row["code"], {}).get("name", row.get("name", "")),
                light(row["light"]),
                f"{row['unit']} / {row['leader']}",
                reasons(row["reasons"], "en"),
            )
        console.print(lagging)
    print_receipt(doc, console)


def _factor_cells(figures: dict[str, Any]) -> list[str]:
    cells = []
    for key, _ in FACTOR_COLUMNS:
        value = figures.get(key)
        if key.endswith("_rate"):
            cells.append(pct(value))
        elif key == "median_resolution_wd":
            cells.append("—" if value is None else f"{value:g}")
        else:
            cells.append(num(value))
    return cells


def print_receipt(doc: dict[str, Any], console: Console) -> None:
    r = doc["receipt"]
    console.print(
        Text(
            f"receipt: position {r['position']}, digest {r['digest']}, "
            f"state {r['state_hash']}, engine {r['engine_version']}",
            style="dim",
        )
    )


def print_series(doc: dict[str, Any], console: Console) -> None:
    table = _table(
        f"{doc['campaign']} — {doc['series']} series"
        + (f", as known at {doc['known_at']}" if doc["known_at"] else ""),
        "as of",
        "序时",
        "YTD 万元",
        "of plan",
        "± pp",
        "spi",
        "双过半",
        "资金到位",
        "开工率",
        "竣工投产",
        "办结率",
        "绿/黄/红",
        right=tuple(range(1, 12)),
    )
    for row in doc["rows"]:
        lights = row["lights"]
        table.add_row(
            row["as_of"],
            pct(row["time_progress"]),
            num(row["ytd_investment"]),
            pct(row["investment_rate"]),
            num(row["gap_pp"]),
            num(row["spi"], 4),
            "✓" if row["double_half"] else "✗",
            pct(row["funds_rate"]),
            pct(row["start_rate"]),
            pct(row["commissioning_rate"]),
            pct(row["factors"]["closure_rate"]),
            f"{lights['green']}/{lights['yellow']}/{lights['red']}",
        )
    console.print(table)
    print_receipt(doc, console)


def print_projects(doc: dict[str, Any], console: Console) -> None:
    known = f", as known at {doc['known_at']}" if doc["known_at"] else ""
    console.print(
        Text(f"{doc['campaign']} — project states on {doc['as_of']}{known}", style="bold")
    )
    for p in doc["projects"]:
        head = f"{p['code']} {p['name']}  ({p['unit']}, {p['leader']})"
        if p["terminated_on"]:
            head += f"  terminated {p['terminated_on']}"
        console.print(Text(head, style="bold"))
        milestones = ", ".join(f"{m} {d}" for m, d in p["milestones"].items()) or "none"
        physical = "—" if p["physical_pct"] is None else f"{p['physical_pct']:g}%"
        console.print(
            f"  plan {num(p['annual_plan'])}  YTD {num(p['ytd_investment'])}  funds "
            f"{num(p['ytd_funds'])}  physical {physical}  milestones: {milestones}"
        )
        for r in p["open_requests"]:
            late = f", overdue {r['overdue_wd']} wd" if r["overdue_wd"] else ""
            level = f", escalation {r['escalation_level']}" if r["escalation_level"] else ""
            console.print(
                f"  open {r['id']} {r['category']}: {r['detail']} — due {r['due']}{late}{level}"
            )
    print_receipt(doc, console)


def shown_fields(fields: dict[str, Any]) -> str:
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


def print_log(entries: list[dict[str, Any]], timezone: str, console: Console) -> None:
    """The audit log as a table: position, both times, actor, type, project, fields."""
    from campaign.domain.errors import printable
    from campaign.domain.time import in_zone

    table = Table(box=None, pad_edge=False)
    for column in ("pos", "recorded", "date", "actor", "type", "project", "request", "fields"):
        table.add_column(column, justify="right" if column == "pos" else "left", overflow="fold")
    for e in entries:
        table.add_row(
            str(e["position"]),
            in_zone(e["recorded"], timezone),
            e["date"] or "",
            printable(e["actor"] or ""),
            e["type"],
            e["project"] or "",
            e["request"] or "",
            printable(shown_fields(e["fields"])),
        )
    console.print(table)


def status_lines(doc: dict[str, Any]) -> list[str]:
    """The store's status (the document `campaign status --json` prints) as lines."""
    campaign = doc["campaign"]
    lines = []
    if campaign is None:
        lines.append(f"store     {doc['store']}: no campaign opened yet")
    else:
        kind = ", simulated (loaded from a scenario)" if campaign["simulated"] else ""
        lines.append(
            f"campaign  {campaign['name']} "
            f"({campaign['start']} – {campaign['end']}, {campaign['timezone']}){kind}"
        )
        lines.append(f"store     {doc['store']}")
    lines.append(f"projects  {doc['projects']} registered, {doc['terminated']} terminated")
    last = doc["last_recorded"]
    lines.append(f"events    {doc['events']:,}" + (f", last recorded {last}" if last else ""))
    lines.extend(f"  {name:<28}{n:>10,}" for name, n in doc["by_type"].items())
    return lines

"""Tables and text for people: project states, the audit log and the store's status, drawn with
rich (the checkpoint and its series are `cli.checkpoint_tables`).

Only the command line prints; these functions turn the engine's documents into tables.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from campaign.report.words import wan

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console, JustifyMethod


def print_receipt(doc: dict[str, Any], console: Console) -> None:
    r = doc["receipt"]
    console.print(
        Text(
            f"receipt: position {r['position']}, digest {r['digest']}, "
            f"state {r['state_hash']}, engine {r['engine_version']}",
            style="dim",
        )
    )


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
            f"  plan {wan(p['annual_plan'])}  YTD {wan(p['ytd_investment'])}  funds "
            f"{wan(p['ytd_funds'])}  physical {physical}  milestones: {milestones}"
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


LOG_CHUNK = 200
"""The audit log is drawn this many events at a time: the first rows of a log of a million
events print at once, and memory stays that of one chunk."""

LOG_COLUMNS = ("pos", "recorded", "date", "actor", "type", "project", "request", "fields")

FIELDS_WIDTH = 24
"""The narrowest the fields column is drawn beside columns of fixed widths; on a console too
narrow for that, each chunk is laid out on its own."""


def print_log(
    entries: Iterable[dict[str, Any]], timezone: str, console: Console, *, events: int
) -> int:
    """The audit log of a store of `events` events as a table: position, both times, actor,
    type, project, fields; the number of events drawn. Drawn chunk by chunk (`LOG_CHUNK`),
    the header once, the fields folded to the console's width. The chunks line up: positions
    are as wide as the store's last, types as the longest type, and every other column but
    the fields as its widest cell so far, so a cell wider than all before it moves the columns
    after it right from its chunk on, never back."""
    from rich.cells import cell_len

    from campaign.audit.log import event_types
    from campaign.domain.errors import printable
    from campaign.domain.time import in_zone

    widths = [len(column) for column in LOG_COLUMNS[:-1]]
    widths[0] = max(widths[0], len(str(events)))
    widths[4] = max(len(kind) for kind in event_types())
    shown = 0
    rows = iter(entries)
    while True:
        chunk = [
            (
                str(e["position"]),
                in_zone(e["recorded"], timezone),
                e["date"] or "",
                printable(e["actor"] or ""),
                e["type"],
                e["project"] or "",
                e["request"] or "",
                printable(shown_fields(e["fields"])),
            )
            for e in islice(rows, LOG_CHUNK)
        ]
        if not chunk and shown:
            return shown
        widths = [
            max(width, 0, *(cell_len(cells[k]) for cells in chunk))
            for k, width in enumerate(widths)
        ]
        # one space either side of every column but the table's edges
        rest = console.width - sum(widths) - 2 * len(widths)
        fixed = rest >= FIELDS_WIDTH
        table = Table(box=None, pad_edge=False, show_header=shown == 0)
        for k, column in enumerate(LOG_COLUMNS):
            justify: JustifyMethod = "right" if column == "pos" else "left"
            if not fixed:
                table.add_column(column, justify=justify, overflow="fold")
            elif k < len(widths):
                table.add_column(column, justify=justify, overflow="fold", width=widths[k])
            else:
                table.add_column(column, justify=justify, overflow="fold", max_width=rest)
        for cells in chunk:
            table.add_row(*cells)
        console.print(table)
        if not chunk:
            return 0
        shown += len(chunk)


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

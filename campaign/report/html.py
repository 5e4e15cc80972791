"""The report as one self-contained HTML file (通报): in Chinese, its styles and charts inside
it, nothing fetched from anywhere (its Content-Security-Policy forbids it), readable on a phone
and printable on A4. The same report gives the same bytes.

The page is `templates/report.html.j2`, rendered with autoescaping on; every value written
into it passes `campaign.domain.errors.printable` first, so that a name an old log kept with a
control character shows that character escaped rather than acting on the page.
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from campaign.domain.errors import printable
from campaign.report import words
from campaign.report.charts import FACTOR_PARTS, NAMES, charts, factor_parts, shown
from campaign.report.drawing import Drawer, preload

if TYPE_CHECKING:
    from pathlib import Path

    from jinja2 import Environment

    from campaign.report.model import Report

TEMPLATE = "report.html.j2"


def _shown(value: Any) -> Any:
    """Every value written into the page, before it is escaped: text made printable (a chart,
    already markup, is kept as it is). Most text is printable already: `str.isprintable` says
    so at C speed, and only the rest is looked at character by character."""
    if isinstance(value, str) and not value.isprintable() and not isinstance(value, Markup):
        return printable(value)
    return value


@functools.cache
def environment() -> Environment:
    """The page's templates, with the filters and names they use (made once: a template is
    compiled the first time it is asked for)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined  # noqa: PLC0415

    env = Environment(
        loader=PackageLoader("campaign.report", "templates"),
        autoescape=True,
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        pct=words.pct,
        pp=words.pp,
        wan=words.wan,
        yi=words.yi,
        money=words.money,
        count=words.count,
        days=words.days_of,
        cn_date=words.cn_date,
        cn_full_date=words.cn_full_date,
        reason=words.reason,
        level=words.level,
        change=words.change,
        against=words.against_time,
        verdict=words.verdict,
        dash=lambda value: words.NONE if value is None or value == "" else value,
    )
    env.globals.update(
        label=words.label,
        light_names=words.LIGHT_NAMES["zh"],
        rate_names=words.RATE_NAMES["zh"],
        factor_parts=factor_parts,
        factor_part_names=[(key, name) for key, name, _ in FACTOR_PARTS],
    )
    return env


def signed_head(receipt: dict[str, Any]) -> str | None:
    """The signed head of the log the report read, as the page shows it; None while the
    log's heads are not signed (the page then says 未签名, unsigned). This is the one place
    the report looks for a signature: a receipt's `signed_head`, when the engine signs."""
    head = receipt.get("signed_head")
    if not isinstance(head, dict) or not head.get("signature"):
        return None
    return (
        f"密钥 key {head['key_id']} 签署：日志前 {head['size']} 条事件，"
        f"Merkle 根 root {head['root']}（{head['time']}）；签名 signature {head['signature']}"
    )


def render(report: Report, drawer: Drawer | None = None) -> str:
    """The report's page; its charts drawn by `drawer` while the page is written, or by a
    drawer of its own (see `campaign.report.drawing`)."""
    names = [name for name, shows in shown(report).items() if shows]
    if not names:
        return _page(report, {})
    if drawer is None:  # matplotlib imported here first, or each drawer would import it
        preload()
        with Drawer() as own:
            return render(report, own)
    drawer.ask(report, names)
    page = _page(report, {name: Markup(_PLACE % name) for name in names})
    drawn = drawer.drawn() or charts(report, names)
    return _PLACED.sub(lambda found: drawn[found.group(1)] or "", page)


_PLACE = "\x00%s\x00"
"""Where a chart goes in the page, until it is drawn: NUL never reaches the page otherwise
(every value written passes `printable`, which escapes it)."""
_PLACED = re.compile("\x00([a-z]+)\x00")


def _page(report: Report, drawn: dict[str, Markup]) -> str:
    """The page, with the charts `drawn` (by name) in it."""
    document = report.document
    factors = document["factors"]
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            r=report,
            doc=document,
            zone=report.zone,
            factors=document["factors"],
            receipt=report.receipt,
            charts={name: drawn.get(name) for name in NAMES},
            summary=words.summary(document, report.total_investment),
            headline=words.headline(report.zone),
            factor_rows=[
                ("合计", factors),
                *(
                    (words.label("factor", k), f)
                    for k, f in sorted(
                        factors["by_category"].items(), key=lambda kv: (-kv[1]["filed"], kv[0])
                    )
                ),
            ],
            unit_factor_rows=list(factors.get("by_unit", {}).items()),
            signed_head=signed_head(report.receipt),
            ranking_rows=ranking_rows(report),
        )
    )


def ranking_rows(report: Report) -> Markup:
    """The ranking's rows, one a project: written here rather than in the template, because
    a zone may list thousands of projects and the template's loop would be the slowest part
    of the report."""
    from markupsafe import escape  # noqa: PLC0415

    def text(value: Any) -> Markup:
        return escape(_shown(value))

    rows = []
    with_change = report.previous is not None
    for p in report.ranking:
        moved = ""
        if with_change:
            change = p["change"]
            kind = (
                "new" if p["new"] else "up" if change and change > 0 else "down" if change else ""
            )
            moved = f'<td class="c {kind}">{text(words.change(p))}</td>'
        gap = p["gap_pp"]
        behind = " behind" if gap is not None and gap < 0 else ""
        light = p["light"]
        rows.append(
            f'<tr><td class="n">{text(words.NONE if p["rank"] is None else p["rank"])}</td>'
            f"{moved}"
            f'<td class="code">{text(p["code"])}</td><td class="name">{text(p["name"])}</td>'
            f'<td class="nowrap">{text(p["unit"])}</td>'
            f'<td class="n">{words.wan(p["annual_plan"])}</td>'
            f'<td class="n">{words.wan(p["ytd_investment"])}</td>'
            f'<td class="n">{words.pct(p["investment_rate"])}</td>'
            f'<td class="n{behind}">{words.pp(gap)}</td>'
            f'<td class="nowrap"><span class="light {text(light)}" aria-hidden="true"></span>'
            f"{text(words.label('light', light))}</td>"
            f'<td class="nowrap">{text(words.label("stage", p["stage"]))}</td></tr>'
        )
    return Markup("\n".join(rows))


def write(report: Report, path: Path, drawer: Drawer | None = None) -> None:
    """Write the page to `path` (through a partial file: a reader never sees half a report);
    its charts drawn by `drawer`, when given (see `render`)."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(render(report, drawer), encoding="utf-8", newline="\n")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)

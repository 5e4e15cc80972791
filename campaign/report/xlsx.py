"""The Excel 调度表: the report's tables as a workbook the office sorts, filters and prints.

Sheets 汇总 (the headline, the four rates, lights, targets and the receipt), 项目, 帮包单位, 领域,
类别, 要素, 滞后 and 逾期要素; Chinese headers, frozen above the rows; money, rates and counts
are numbers with number formats (never text), dates are dates, a light is its colour. Stored
text is written as text even when it starts like a formula. The same report gives the same
bytes (`campaign.app.sheets.save_workbook`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from campaign.app.sheets import save_workbook
from campaign.domain.errors import printable
from campaign.report import words
from campaign.report.html import signed_head

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from openpyxl.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

    from campaign.report.model import Report

MONEY = "#,##0.00"
RATE = "0.00%"
POINTS = "+0.00;-0.00;0.00"
WHOLE = "#,##0"
DAYS = "0.0"
DATE = "yyyy-mm-dd"
LIGHT_FILLS = {
    "green": ("C6EFCE", "006100"),
    "yellow": ("FFEB9C", "9C5700"),
    "red": ("FFC7CE", "9C0006"),
}
"""A light's cell: fill and font colours (Excel's own good, neutral and bad)."""
HEADER_FILL = "DDEBF7"
TITLE_ROW, HEADER_ROW = 1, 2


@dataclass(frozen=True)
class Col:
    """A column of a sheet: its header, width (characters) and number format; `kind` "light"
    fills the cell with the light's colour, "text" writes stored text as text."""

    header: str
    width: float = 10
    number_format: str | None = None
    kind: str = "value"


def write(report: Report, path: Path) -> None:
    """The workbook of `report`, written to `path`."""
    from openpyxl import Workbook  # noqa: PLC0415 (only when a workbook is written)

    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has its sheet
    first.title = "汇总"
    summary_sheet(first, report)
    projects_sheet(book.create_sheet("项目"), report)
    for key, field, name in (
        ("units", "unit", "帮包单位"),
        ("sectors", "sector", "领域"),
        ("categories", "category", "类别"),
    ):
        group_sheet(book.create_sheet(name), report, key, field)
    factors_sheet(book.create_sheet("要素"), report)
    lagging_sheet(book.create_sheet("滞后"), report)
    overdue_sheet(book.create_sheet("逾期要素"), report)
    document = report.document
    save_workbook(
        book,
        path,
        title=f"{printable(document['campaign'])} 调度表 {document['as_of']}",
        date=dt.date.fromisoformat(document["as_of"]),
    )


# ------------------------------------------------------------------------------- cells


def put(
    cell: Cell | MergedCell, value: Any, number_format: str | None = None, kind: str = "value"
) -> None:
    """One value into a cell: text printable and always text (a name starting with "=" is not
    a formula), dates as dates, numbers with their format."""
    if kind == "date" and value is not None:
        cell.value = dt.date.fromisoformat(value)
        cell.number_format = DATE
    elif isinstance(value, str):
        cell.value = printable(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value
    if number_format is not None and not isinstance(cell.value, str):
        cell.number_format = number_format


def fill_light(cell: Cell | MergedCell, light: str) -> None:
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415

    colours = LIGHT_FILLS.get(light)
    if colours is not None:
        cell.fill = PatternFill("solid", fgColor=colours[0])
        cell.font = Font(color=colours[1], bold=light == "red")


def table(
    sheet: Worksheet,
    title: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[Any]],
    *,
    lights: Sequence[str] | None = None,
    freeze: str = "A3",
) -> None:
    """A sheet of one table: a title row, the header (frozen, filtered), the rows; a column of
    kind "light" is filled with each row's light (`lights`, in row order)."""
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    put(sheet.cell(TITLE_ROW, 1), title)
    sheet.cell(TITLE_ROW, 1).font = Font(bold=True, size=13)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, column in enumerate(columns, 1):
        cell = sheet.cell(HEADER_ROW, i)
        put(cell, column.header)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, HEADER_ROW + 1):
        for i, (column, value) in enumerate(zip(columns, values, strict=True), 1):
            cell = sheet.cell(r, i)
            put(cell, value, column.number_format, column.kind)
            if column.kind == "light" and lights is not None:
                fill_light(cell, lights[r - HEADER_ROW - 1])
            if column.kind == "wrap":
                cell.alignment = wrap
    sheet.freeze_panes = freeze
    last = HEADER_ROW + max(len(rows), 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"
    _print_setup(sheet, landscape=len(columns) > 8)


def _print_setup(sheet: Worksheet, *, landscape: bool, table: bool = True) -> None:
    """A4, as wide as the page; a table's header repeated on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is not None:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if table:
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _heading(report: Report, what: str) -> str:
    document = report.document
    known = f"（按 {document['known_at']} 时所知）" if document["known_at"] else ""
    return f"{document['campaign']} {what}（截至 {document['as_of']}）{known}"


# ------------------------------------------------------------------------------ sheets


def summary_sheet(sheet: Worksheet, report: Report) -> None:
    """汇总: the headline, the zone's figures, the four rates, lights, targets and the receipt,
    as label and value rows."""
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415

    document, zone = report.document, report.zone
    bold, section = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    row = 1

    def line(*values: Any, formats: Sequence[str | None] = (), style: str = "") -> None:
        nonlocal row
        for i, value in enumerate(values, 1):
            number_format = formats[i - 1] if i - 1 < len(formats) else None
            put(sheet.cell(row, i), value, number_format)
            if style == "section":
                sheet.cell(row, i).font, sheet.cell(row, i).fill = bold, section
            elif style == "bold" or (style == "label" and i == 1):
                sheet.cell(row, i).font = bold
        row += 1

    put(sheet.cell(row, 1), _heading(report, "重点项目调度表"))
    sheet.cell(row, 1).font = Font(bold=True, size=14)
    row += 1
    line(words.headline(zone), style="bold")
    line(words.summary(document, report.total_investment))
    sheet.cell(row - 1, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row - 1, start_column=1, end_row=row - 1, end_column=5)
    sheet.row_dimensions[row - 1].height = 96
    row += 1

    line("主要指标", "数值", style="section")
    for name, value, number_format in (
        ("在列项目(个)", zone["projects"], WHOLE),
        ("终止项目(个)", zone["terminated"], WHOLE),
        ("总投资(万元)", report.total_investment, MONEY),
        ("年度计划(万元)", zone["annual_plan"], MONEY),
        ("累计完成投资(万元)", zone["ytd_investment"], MONEY),
        ("占年度计划", zone["investment_rate"], RATE),
        ("序时进度", document["time_progress"], RATE),
        ("比序时(个百分点)", zone["gap_pp"], POINTS),
        ("双过半", words.verdict(zone["double_half"]), None),
        ("到位资金(万元)", zone["ytd_funds"], MONEY),
        ("完成不足年度计划一半的项目(个)", zone["below_half"], WHOLE),
    ):
        line(name, value, formats=(None, number_format), style="label")
    row += 1

    line("“四率”", "完成率", "分子", "分母", "口径", style="section")
    for rate in report.rates():
        name, meaning = words.RATE_NAMES["zh"][rate["key"]]
        count = MONEY if rate["money"] else WHOLE
        line(
            name,
            rate["rate"],
            rate["numerator"],
            rate["denominator"],
            meaning,
            formats=(None, RATE, count, count),
            style="label",
        )
    row += 1

    line("红黄绿灯", "项目数", style="section")
    for key in ("green", "yellow", "red", "na"):
        line(words.LIGHT_NAMES["zh"][key], zone["lights"][key], formats=(None, WHOLE))
        fill_light(sheet.cell(row - 1, 1), key)
    row += 1

    if document["targets"]:
        line("目标任务", "年度目标", "完成", "完成比例", "过半", style="section")
        for t in document["targets"]:
            number = RATE if t["kind"] == "tech_renovation_share" else "#,##0.##"
            line(
                t["name"],
                t["goal"],
                t["actual"],
                t["ratio"],
                "是" if t["over_half"] else "否",
                formats=(None, number, number, RATE),
                style="label",
            )
        row += 1

    receipt = report.receipt
    line("数据凭据", "", style="section")
    for name, value in (
        ("日志位置", receipt["position"]),
        ("日志头", receipt["digest"]),
        ("状态哈希", receipt["state_hash"]),
        ("引擎版本", receipt["engine_version"]),
        ("签名", signed_head(receipt) or "未签名（unsigned）"),
    ):
        line(name, value, formats=(None, "0"), style="label")
    for letter, width in zip("ABCDE", (30, 20, 16, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    _print_setup(sheet, landscape=False, table=False)


def projects_sheet(sheet: Worksheet, report: Report) -> None:
    """项目: every project registered by as_of, in rank order (the terminated ones last)."""
    since = f"较{words.cn_date(report.previous)}" if report.previous else "变化"
    columns = [
        Col("名次", 6, WHOLE),
        Col(since, 8),
        Col("项目编号", 10),
        Col("项目名称", 32),
        Col("产业领域", 10),
        Col("项目类别", 8),
        Col("帮包单位", 14),
        Col("包保领导", 10),
        Col("年度计划(万元)", 14, MONEY),
        Col("累计完成投资(万元)", 16, MONEY),
        Col("投资完成率", 10, RATE),
        Col("比序时(个百分点)", 10, POINTS),
        Col("为序时进度的", 10, RATE),
        Col("灯", 5, kind="light"),
        Col("阶段", 6),
        Col("开工日期", 11, kind="date"),
        Col("开工逾期(天)", 8, WHOLE),
        Col("到位资金(万元)", 14, MONEY),
        Col("形象进度(%)", 8, "0.00"),
        Col("在办要素", 7, WHOLE),
        Col("逾期要素", 7, WHOLE),
    ]
    rows = [
        [
            p["rank"],
            words.change(p),
            p["code"],
            p["name"],
            words.label("sector", p["sector"]),
            words.label("category", p["category"]),
            p["unit"],
            p["leader"],
            p["annual_plan"],
            p["ytd_investment"],
            p["investment_rate"],
            p["gap_pp"],
            p["spi"],
            words.label("light", p["light"]),
            words.label("stage", p["stage"]),
            p["started_on"],
            p["start_overdue_days"],
            p["ytd_funds"],
            p["physical_pct"],
            p["open_factors"],
            p["overdue_factors"],
        ]
        for p in report.ranking
    ]
    table(
        sheet,
        _heading(report, "项目调度表"),
        columns,
        rows,
        lights=[p["light"] for p in report.ranking],
        freeze="E3",
    )


def group_sheet(sheet: Worksheet, report: Report, key: str, field: str) -> None:
    """帮包单位, 领域, 类别: the listed projects summed by unit, sector or category."""
    name = {"unit": "帮包单位", "sector": "产业领域", "category": "项目类别"}[field]
    columns = [
        Col("排名", 6, WHOLE),
        Col(name, 16),
        Col("项目数", 8, WHOLE),
        Col("年度计划(万元)", 16, MONEY),
        Col("累计完成投资(万元)", 18, MONEY),
        Col("投资完成率", 11, RATE),
        Col("比序时(个百分点)", 11, POINTS),
        Col("红灯", 6, WHOLE),
        Col("黄灯", 6, WHOLE),
    ]
    rows = [
        [
            g["rank"],
            g[field] if field == "unit" else words.label(field, g[field]),
            g["projects"],
            g["annual_plan"],
            g["ytd_investment"],
            g["investment_rate"],
            g["gap_pp"],
            g["red"],
            g["yellow"],
        ]
        for g in report.groups[key]
    ]
    table(sheet, _heading(report, f"按{name}"), columns, rows)


def factors_sheet(sheet: Worksheet, report: Report) -> None:
    """要素: the green channel's figures, in all, by factor category and by unit."""
    factors = report.document["factors"]
    columns = [
        Col("口径", 10),
        Col("名称", 14),
        Col("提出", 7, WHOLE),
        Col("办结", 7, WHOLE),
        Col("办结率", 9, RATE),
        Col("应办结", 8, WHOLE),
        Col("按期办结", 9, WHOLE),
        Col("按期办结率", 10, RATE),
        Col("在办", 7, WHOLE),
        Col("在办逾期", 9, WHOLE),
        Col("督办", 7, WHOLE),
        Col("办结用时中位数(工作日)", 12, DAYS),
    ]
    groups: list[tuple[str, str, dict[str, Any]]] = [("合计", "全部", factors)]
    groups += [
        ("要素类别", words.label("factor", k), f)
        for k, f in sorted(factors["by_category"].items(), key=lambda kv: (-kv[1]["filed"], kv[0]))
    ]
    groups += [("帮包单位", k, f) for k, f in factors.get("by_unit", {}).items()]
    rows = [
        [
            kind,
            name,
            f["filed"],
            f["resolved"],
            f["closure_rate"],
            f["due"],
            f["on_time"],
            f["on_time_rate"],
            f["open"],
            f["overdue_open"],
            f["escalated_open"],
            f["median_resolution_wd"],
        ]
        for kind, name, f in groups
    ]
    table(sheet, _heading(report, "要素保障"), columns, rows)


def lagging_sheet(sheet: Worksheet, report: Report) -> None:
    """滞后: the red and yellow projects with their reasons, unit and leader."""
    lagging = report.document["lagging"]
    columns = [
        Col("灯", 5, kind="light"),
        Col("项目编号", 10),
        Col("项目名称", 30),
        Col("滞后原因", 50, kind="wrap"),
        Col("为序时进度的", 10, RATE),
        Col("帮包单位", 14),
        Col("包保领导", 10),
    ]
    rows = [
        [
            words.label("light", row["light"]),
            row["code"],
            row["name"],
            "\n".join(words.reason(r) for r in row["reasons"]),
            row["spi"],
            row["unit"],
            row["leader"],
        ]
        for row in lagging
    ]
    table(
        sheet,
        _heading(report, "红灯、黄灯项目"),
        columns,
        rows,
        lights=[row["light"] for row in lagging],
        freeze="D3",
    )


def overdue_sheet(sheet: Worksheet, report: Report) -> None:
    """逾期要素: the open factor requests past due, with their 督办 level."""
    columns = [
        Col("事项编号", 26),
        Col("项目编号", 10),
        Col("项目名称", 28),
        Col("要素类别", 9),
        Col("事项", 24),
        Col("提出日期", 11, kind="date"),
        Col("办理期限", 11, kind="date"),
        Col("逾期(工作日)", 9, WHOLE),
        Col("督办", 9),
        Col("帮包单位", 14),
        Col("包保领导", 10),
    ]
    rows = [
        [
            q["id"],
            q["code"],
            q["name"],
            words.label("factor", q["category"]),
            q["detail"],
            q["filed_on"],
            q["due"],
            q["overdue_wd"],
            words.level(q["level"]),
            q["unit"],
            q["leader"],
        ]
        for q in report.overdue_requests
    ]
    table(sheet, _heading(report, "逾期未办结的要素保障事项"), columns, rows, freeze="B3")

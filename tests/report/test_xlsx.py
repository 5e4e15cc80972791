"""The Excel 调度表: its sheets, Chinese headers above frozen rows, numbers that are numbers
(with number formats), lights filled by colour, stored text that stays text, and the same
bytes for the same query."""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from campaign import write_xlsx

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

    from campaign.report.model import Report

SHEETS = ["汇总", "项目", "帮包单位", "领域", "类别", "要素", "滞后", "逾期要素"]


@pytest.fixture(scope="module")
def workbook(reference_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "调度表.xlsx"
    write_xlsx(reference_report, path)
    return path


def rows(sheet: Worksheet) -> list[tuple[Any, ...]]:
    """The data rows of a table sheet (below its title and header rows)."""
    return list(sheet.iter_rows(min_row=3, values_only=True))


def header(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[2]]


def test_the_workbook_has_the_sheets_of_a_dispatch_table(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == SHEETS


def test_each_table_has_its_rows_under_a_frozen_chinese_header(
    workbook: Path, reference_report: Report
) -> None:
    book = openpyxl.load_workbook(workbook)
    document = reference_report.document
    expected = {
        "项目": len(document["projects"]),
        "帮包单位": len(document["units"]),
        "领域": len(document["sectors"]),
        "类别": len(document["categories"]),
        "要素": 1 + len(document["factors"]["by_category"]) + len(document["factors"]["by_unit"]),
        "滞后": len(document["lagging"]),
        "逾期要素": document["factors"]["overdue_open"],
    }
    for name, count in expected.items():
        sheet = book[name]
        assert len(rows(sheet)) == count, name
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("3"), name
        assert all(isinstance(h, str) and h for h in header(sheet)), name
    assert header(book["项目"])[:4] == ["名次", "较5月31日", "项目编号", "项目名称"]
    assert (len(document["projects"]), len(document["lagging"])) == (54, 7)


def test_money_and_rates_are_numbers_with_number_formats(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["项目"]
    columns = {name: i for i, name in enumerate(header(sheet), 1)}
    first = 3
    for name, number_format in (
        ("年度计划(万元)", "#,##0.00"),
        ("累计完成投资(万元)", "#,##0.00"),
        ("投资完成率", "0.00%"),
        ("比序时(个百分点)", "+0.00;-0.00;0.00"),
        ("名次", "#,##0"),
    ):
        cell = sheet.cell(first, columns[name])
        assert cell.data_type == "n" and isinstance(cell.value, (int, float)), name
        assert cell.number_format == number_format, name


def test_the_listed_projects_rows_sum_to_the_zones_ytd(
    workbook: Path, reference_report: Report
) -> None:
    sheet = openpyxl.load_workbook(workbook)["项目"]
    columns = {name: i - 1 for i, name in enumerate(header(sheet), 1)}
    listed = [r for r in rows(sheet) if r[columns["名次"]] is not None]
    assert len(listed) == reference_report.zone["projects"]
    ytd = sum(r[columns["累计完成投资(万元)"]] for r in listed)
    plan = sum(r[columns["年度计划(万元)"]] for r in listed)
    assert round(ytd, 2) == reference_report.zone["ytd_investment"] == 508016.66
    assert round(plan, 2) == reference_report.zone["annual_plan"]


def test_a_light_is_its_colour(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["滞后"]
    lights = {row[0].value: row[0].fill.fgColor.rgb for row in sheet.iter_rows(min_row=3)}
    assert lights == {"红": "00FFC7CE", "黄": "00FFEB9C"}


def test_the_summary_sheet_has_the_headline_rates_and_the_receipt(
    workbook: Path, reference_report: Report
) -> None:
    sheet = openpyxl.load_workbook(workbook)["汇总"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0] is not None}
    zone, receipt = reference_report.zone, reference_report.receipt
    assert values["占年度计划"] == zone["investment_rate"] == 0.5265
    assert values["累计完成投资(万元)"] == zone["ytd_investment"]
    assert values["双过半"] == "已实现"
    assert values["开工率"] == zone["start_rate"]
    assert (values["日志位置"], values["状态哈希"]) == (receipt["position"], receipt["state_hash"])
    assert values["签名"] == "未签名（unsigned）"
    assert str(sheet["A2"].value).startswith("双过半：已实现 — 完成年度计划 52.65%")


def test_the_same_report_gives_the_same_bytes(reference_report: Report, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(reference_report, first)
    write_xlsx(reference_report, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_name_that_starts_like_a_formula_stays_text(
    reference_report: Report, tmp_path: Path
) -> None:
    ranking = copy.deepcopy(reference_report.ranking)
    ranking[0]["name"] = '=HYPERLINK("http://example.invalid","点我")'
    ranking[1]["name"] = "坏\x1b[31m名"
    path = tmp_path / "调度表.xlsx"
    write_xlsx(dataclasses.replace(reference_report, ranking=ranking), path)
    sheet = openpyxl.load_workbook(path)["项目"]
    name = sheet.cell(3, 4)
    assert (name.value, name.data_type) == ('=HYPERLINK("http://example.invalid","点我")', "s")
    assert sheet.cell(4, 4).value == "坏\\x1b[31m名"

"""Reading the sheets people fill in (campaign.app.sheets): cells as a clerk means them,
headers in Chinese or SPEC's names, encodings, and every error located by file, sheet, row and
column. Expected values are written by hand."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from campaign.app.sheets import (
    PROGRESS,
    PROJECTS,
    REQUESTS,
    PercentCell,
    SheetError,
    decode_text,
    excel_decimal,
    read_date,
    read_decimal,
    read_flag,
    read_percent,
    read_sheet,
    read_whole,
    write_text,
    write_workbook,
)
from tests.clerk import text_file, workbook

if TYPE_CHECKING:
    from pathlib import Path

HEADER = ["项目编号", "本日完成投资(万元)", "本日到位资金(万元)", "形象进度(%)", "在岗人数", "备注"]


def refusal(read: Any, value: Any) -> str:
    with pytest.raises(ValueError, match=r".") as caught:
        read(value)
    return str(caught.value)


# ------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (120.5, "120.5"),
        (0.1 + 0.2, "0.3"),  # stored 0.30000000000000004, shown 0.3 by Excel
        (1234.45, "1234.45"),
        (100.0, "100.0"),
        (0.07 * 3, "0.21"),  # 0.21000000000000002
    ],
)
def test_an_excel_number_is_the_decimal_excel_shows(stored: float, expected: str) -> None:
    assert excel_decimal(stored) == Decimal(expected)


def test_an_excel_number_with_more_than_two_places_keeps_them_for_the_rule_to_refuse() -> None:
    assert excel_decimal(120.555) == Decimal("120.555")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("120.5", "120.5"),
        (" 120 ", "120"),
        ("1,234.50", "1234.50"),
        ("12,345,678", "12345678"),
        ("１２０．５", "120.5"),  # full-width digits and point
        ("１，２００", "1200"),  # full-width comma
        ("-5", "-5"),
    ],
)
def test_a_number_typed_as_text_is_read_as_a_clerk_means_it(typed: str, expected: str) -> None:
    assert read_decimal(typed) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("abc", "must be a decimal number"),
        ("1,23", "commas only between thousands"),
        ("12,3456", "commas only between thousands"),
        ("120万元", "must be a decimal number"),
        ("", "must be a decimal number"),
    ],
)
def test_text_that_is_not_a_number_is_refused(typed: str, rule: str) -> None:
    assert rule in refusal(read_decimal, typed)


def test_a_date_in_a_money_column_is_refused() -> None:
    assert "not a date" in refusal(read_decimal, dt.datetime(2020, 6, 30))


@pytest.mark.parametrize(
    ("cell", "expected"), [(45, "45"), ("45%", "45"), ("４５％", "45"), (PercentCell(0.45), "45")]
)
def test_physical_progress_reads_45_45_percent_and_a_percentage_cell_alike(
    cell: Any, expected: str
) -> None:
    assert read_percent(cell) == Decimal(expected)


@pytest.mark.parametrize(("cell", "expected"), [(30, 30), (30.0, 30), ("30", 30), ("1,200", 1200)])
def test_workers_are_a_whole_number(cell: Any, expected: int) -> None:
    assert read_whole(cell) == expected


@pytest.mark.parametrize("cell", [3.5, "3.5", "三十", True])
def test_a_fraction_of_a_worker_is_refused(cell: Any) -> None:
    assert refusal(read_whole, cell) == "must be a whole number"


# --------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2020, 6, 30),  # an Excel date
        dt.date(2020, 6, 30),
        "2020-06-30",
        "2020/6/30",
        "2020.6.30",
        "2020年6月30日",
        "20200630",
        20200630,
        "2020/6/30 0:00",  # a date Excel wrote into a CSV file
    ],
)
def test_a_date_is_read_from_excel_or_from_the_ways_people_write_it(cell: Any) -> None:
    assert read_date(cell) == dt.date(2020, 6, 30)


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        (dt.datetime(2020, 6, 30, 9, 30), "not a date and time"),
        ("2020-02-30", "is not a calendar date"),
        (44012, "format the cell as a date"),
        ("六月三十日", "must be a date"),
    ],
)
def test_what_is_not_a_date_is_refused(cell: Any, rule: str) -> None:
    assert rule in refusal(read_date, cell)


@pytest.mark.parametrize(("cell", "expected"), [("是", True), ("否", False), ("yes", True)])
def test_a_flag_is_shi_or_fou(cell: str, expected: bool) -> None:
    assert read_flag(cell) is expected


def test_a_flag_that_is_neither_is_refused() -> None:
    assert "是 or 否" in refusal(read_flag, "也许")


# ------------------------------------------------------------------------------- headers


def test_headers_match_in_chinese_full_width_or_by_specs_names(tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "mixed.xlsx",
        ["项目编号", "本日完成投资（万元）", "funds", "形象进度 (%)", "Workers", "说明", "序号"],
        [["ZZ-001", 120.5, 100, 45, 30, "正常", 1]],
    )
    sheet = read_sheet(source, PROGRESS)
    assert sheet.errors == []
    assert sheet.rows[0].fields == {
        "code": "ZZ-001",
        "investment": Decimal("120.5"),
        "funds": Decimal(100),
        "physical_pct": Decimal(45),
        "workers": 30,
        "note": "正常",
    }


def test_an_unknown_column_is_named_with_the_columns_expected(tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "p.xlsx", ["项目编号", "投资额"], [["ZZ-001", 1]], sheet_name="调度表"
    )
    with pytest.raises(SheetError) as caught:
        read_sheet(source, PROGRESS)
    (line, missing, summary) = str(caught.value).splitlines()
    assert line.startswith("p.xlsx 调度表 row 1, unknown column 投资额; expected one of 项目编号, ")
    assert "本日完成投资(万元)" in line
    assert "(or code, name, unit, leader, investment" in line
    assert missing == "p.xlsx 调度表 row 1, missing column 本日完成投资(万元) (investment)"
    assert summary.startswith("p.xlsx：2 处错误")


def test_two_columns_that_mean_the_same_field_are_refused(tmp_path: Path) -> None:
    source = text_file(tmp_path / "p.csv", ["code", "investment", "完成投资"], [["ZZ-001", 1, 2]])
    with pytest.raises(SheetError, match="columns investment and 完成投资 both mean"):
        read_sheet(source, PROGRESS)


def test_a_sheet_without_the_code_column_in_its_first_rows_is_refused(tmp_path: Path) -> None:
    source = text_file(tmp_path / "p.csv", ["编码", "investment"], [["ZZ-001", 1]])
    with pytest.raises(SheetError, match=r"p.csv: no header row with 项目编号 \(code\)"):
        read_sheet(source, PROGRESS)


def test_a_value_under_no_header_is_refused(tmp_path: Path) -> None:
    source = workbook(tmp_path / "p.xlsx", ["项目编号", "本日完成投资(万元)"], [["ZZ-001", 1, 99]])
    sheet = read_sheet(source, PROGRESS)
    assert [line for _, line in sheet.errors] == [
        "p.xlsx Sheet1 row 2, column C=99: has no header; name the column or clear it"
    ]


# ----------------------------------------------------------------------- rows and errors


def test_a_bad_cell_is_located_by_file_sheet_row_and_header(tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "progress.xlsx",
        HEADER,
        [["ZZ-001", 1, None, None, None, None]] * 3 + [["ZZ-004", "abc", 1, 2, 3, None]],
        above=[["2020 重点项目进度调度表"], ["日期", dt.datetime(2020, 6, 30)]],
        sheet_name="调度表",
    )
    sheet = read_sheet(source, PROGRESS)
    assert [line for _, line in sheet.errors] == [
        "progress.xlsx 调度表 row 7, 本日完成投资(万元)=abc: must be a decimal number"
    ]
    assert sheet.rows[-1].bad


def test_the_date_above_the_header_is_the_sheets_date(tmp_path: Path) -> None:
    for above in (
        [["日期", dt.datetime(2020, 6, 30)]],  # a label cell and an Excel date
        [["调度表"], ["日期：2020-06-30"]],  # one text cell
        [["填报日期", None, "2020/6/30"]],
    ):
        source = workbook(tmp_path / "p.xlsx", HEADER, [["ZZ-001", 1]], above=above)
        sheet = read_sheet(source, PROGRESS)
        assert (sheet.date, sheet.date_row) == (dt.date(2020, 6, 30), len(above))


def test_a_title_that_only_mentions_a_date_is_no_date(tmp_path: Path) -> None:
    above = [["日期格式：年-月-日"], ["date of issue"]]
    source = workbook(tmp_path / "p.xlsx", HEADER, [["ZZ-001", 1]], above=above)
    sheet = read_sheet(source, PROGRESS)
    assert (sheet.date, sheet.errors) == (None, [])


def test_an_unreadable_date_above_the_header_is_an_error(tmp_path: Path) -> None:
    source = workbook(tmp_path / "p.xlsx", HEADER, [["ZZ-001", 1]], above=[["日期", "6月30日"]])
    assert [line for _, line in read_sheet(source, PROGRESS).errors] == [
        "p.xlsx Sheet1 row 1, 日期=6月30日: must be a date written YYYY-MM-DD"
    ]


def test_empty_rows_are_no_records_and_row_numbers_are_excels(tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "p.xlsx", HEADER, [["ZZ-001", 1], [None], ["", "  "], ["ZZ-002", None]]
    )
    sheet = read_sheet(source, PROGRESS)
    assert [(r.number, r.fields) for r in sheet.rows] == [
        (2, {"code": "ZZ-001", "investment": Decimal(1)}),
        (5, {"code": "ZZ-002"}),
    ]


def test_a_percentage_formatted_cell_is_read_as_the_percentage_excel_shows(
    tmp_path: Path,
) -> None:
    source = workbook(tmp_path / "p.xlsx", HEADER, [["ZZ-001", 1, None, 0.45]], formats={4: "0%"})
    assert read_sheet(source, PROGRESS).rows[0].fields["physical_pct"] == Decimal(45)


def test_the_active_sheet_is_read_else_the_first_with_a_header(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["每个项目一行"])
    data = book.create_sheet("调度表")
    data.append(HEADER)
    data.append(["ZZ-001", 5])
    book.save(tmp_path / "p.xlsx")
    sheet = read_sheet(tmp_path / "p.xlsx", PROGRESS)
    assert (sheet.sheet, sheet.rows[0].fields["investment"]) == ("调度表", Decimal(5))


def test_a_workbook_with_no_sheet_holding_the_header_names_its_sheets(tmp_path: Path) -> None:
    source = workbook(tmp_path / "p.xlsx", ["x"], [["y"]], sheet_name="汇总")
    with pytest.raises(SheetError, match=r"no sheet has a header row with 项目编号 .*sheets: 汇总"):
        read_sheet(source, PROGRESS)


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("p.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("p.xlsx", b"not a zip", "not a readable Excel workbook"),
        ("p.ods", b"", "must be an Excel workbook (.xlsx) or a CSV file"),
    ],
)
def test_what_is_not_a_sheet_is_refused_in_one_line(
    tmp_path: Path, name: str, content: bytes, rule: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SheetError) as caught:
        read_sheet(tmp_path / name, PROGRESS)
    assert rule in str(caught.value)
    assert "\n" not in str(caught.value)


# ------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)]
)
def test_a_csv_file_is_read_in_utf8_with_or_without_bom_or_in_gbk(
    tmp_path: Path, encoding: str, bom: bool
) -> None:
    source = text_file(
        tmp_path / "p.csv",
        HEADER,
        [["ZZ-001", "120.5", "", "", "", "雨天停工"]],
        encoding=encoding,
        bom=bom,
    )
    sheet = read_sheet(source, PROGRESS)
    assert sheet.headers["investment"] == "本日完成投资(万元)"
    assert sheet.rows[0].fields["note"] == "雨天停工"


def test_text_is_decoded_as_utf16_with_its_mark_and_refused_when_neither() -> None:
    assert decode_text("项目编号".encode("utf-16"), "p.txt") == "项目编号"
    with pytest.raises(SheetError, match="neither UTF-8 nor GB18030"):
        decode_text(b"\xff\xff\xff\x30", "p.csv")


def test_a_tab_separated_file_is_read_too(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("项目编号\t本日完成投资(万元)\nZZ-001\t7\n", encoding="utf-8")
    assert read_sheet(tmp_path / "p.txt", PROGRESS).rows[0].fields["investment"] == Decimal(7)


# ---------------------------------------------------------------- the other two layouts


PROJECT_HEADER = ["编号", "项目名称", "行业", "类别", "帮包单位", "包保领导", "总投资(万元)"]
PROJECT_HEADER += [
    "年度计划投资(万元)",
    "登记日期",
    "计划开工",
    "工业项目",
    "技改项目",
    "厂房面积(㎡)",
]
PROJECT_ROW = ["ZZ-101", "隔膜项目", "锂电", "新开工", "区招商局", "张三", "50,000", "15000"]
PROJECT_ROW += ["2020/1/6", "2020-04-15", "是", "否", "12000"]


def test_projects_read_chinese_labels_and_flags(tmp_path: Path) -> None:
    source = text_file(tmp_path / "projects.csv", PROJECT_HEADER, [PROJECT_ROW], encoding="gbk")
    (row,) = read_sheet(source, PROJECTS).rows
    assert row.fields == {
        "code": "ZZ-101",
        "name": "隔膜项目",
        "sector": "lithium",
        "category": "new",
        "unit": "区招商局",
        "leader": "张三",
        "total_investment": Decimal(50000),
        "annual_plan": Decimal(15000),
        "date": dt.date(2020, 1, 6),
        "planned_start": dt.date(2020, 4, 15),
        "industrial": True,
        "tech_renovation": False,
        "factory_area_m2": Decimal(12000),
    }


def test_a_factor_category_is_its_chinese_name_or_its_enum_value(tmp_path: Path) -> None:
    source = text_file(
        tmp_path / "r.csv",
        ["项目编号", "要素类别", "需求内容"],
        [
            ["ZZ-001", "供气供热", "蒸汽管网"],
            ["ZZ-001", "road_pipe", "道路"],
            ["ZZ-001", "电力", "x"],
        ],
    )
    sheet = read_sheet(source, REQUESTS)
    assert [r.fields.get("category") for r in sheet.rows] == ["gas_heat", "road_pipe", None]
    ((_, line),) = sheet.errors
    assert line.startswith(
        "r.csv row 4, 要素类别=电力: must be one of 用地、能耗、环评、用水、用电"
    )


# -------------------------------------------------------------------------------- writing


COLUMNS = [PROGRESS.by_field[f] for f in ("code", "name", "investment", "physical_pct")]


def test_a_workbook_written_twice_at_different_times_has_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    def write(name: str) -> bytes:
        path = tmp_path / name
        write_workbook(
            path,
            title="调度表",
            date=dt.date(2020, 6, 30),
            sheet_name="调度表 2020-06-30",
            columns=COLUMNS,
            rows=[("ZZ-001", "锂电池项目", None, None)],
        )
        return path.read_bytes()

    first = write("a.xlsx")
    later = time.time() + 86_400 * 3
    monkeypatch.setattr(time, "time", lambda: later)
    assert write("b.xlsx") == first
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2020, 6, 30, 0, 0, 0)}


def test_what_is_written_reads_back(tmp_path: Path) -> None:
    rows = [("ZZ-001", "锂电池项目", Decimal("120.50"), Decimal(45))]
    for name in ("t.xlsx", "t.csv"):
        path = tmp_path / name
        if name.endswith(".xlsx"):
            write_workbook(
                path,
                title="t",
                date=dt.date(2020, 6, 30),
                sheet_name="s",
                columns=COLUMNS,
                rows=rows,
            )
        else:
            write_text(path, columns=COLUMNS, rows=rows)
        sheet = read_sheet(path, PROGRESS)
        assert sheet.rows[0].fields == {
            "code": "ZZ-001",
            "investment": Decimal("120.5"),
            "physical_pct": Decimal(45),
        }
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")

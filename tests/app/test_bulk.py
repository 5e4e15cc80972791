"""Acceptance tests of bulk entry from sheets (issue 10): the progress import, factor requests
and projects from a sheet, run on the in-memory store (tests/fakes.py). The template needs the
read side: tests/integration/test_sheets_on_backends.py.

Unless a test says otherwise the engine's today is 2020-07-10; the `opened` store holds the
2020 campaign and ZZ-001 (registered 2020-01-06); `listed` adds ZZ-002 and ZZ-003.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from campaign import CampaignError, Engine, Refused
from campaign.app.bulk import import_progress, import_requests, register_projects
from campaign.app.sheets import SheetError
from tests.clerk import text_file, workbook
from tests.conftest import Harness, stored_events
from tests.fakes import MemoryStore

if TYPE_CHECKING:
    from pathlib import Path

HEADER = [
    "项目编号",
    "项目名称",
    "本日完成投资(万元)",
    "本日到位资金(万元)",
    "形象进度(%)",
    "在岗人数",
    "备注",
]
DAY: list[list[Any]] = [["枣庄高新区百日会战 2020 进度调度表"], ["日期", dt.datetime(2020, 6, 30)]]


@pytest.fixture
def listed(opened: Harness) -> Harness:
    opened.register(code="ZZ-002", name="光电产业园")
    opened.register(code="ZZ-003", name="医药中试基地")
    return opened


def sheet(tmp_path: Path, rows: list[list[Any]], name: str = "progress.xlsx") -> Path:
    return workbook(tmp_path / name, HEADER, rows, above=DAY, sheet_name="调度表")


def appended_since(h: Harness, before: int) -> list[tuple[str, dict[str, Any]]]:
    return stored_events(h.store, before)


def refused_sheet(h: Harness, run: Any) -> list[str]:
    """Run an import that must be refused: nothing appended; its error lines."""
    before = h.events()
    with pytest.raises(CampaignError) as caught:
        run()
    assert h.events() == before
    return str(caught.value).splitlines()


# ------------------------------------------------------------------------ progress import


def test_a_filled_sheet_reports_every_row_with_a_value_and_skips_blank_rows(
    listed: Harness, tmp_path: Path
) -> None:
    source = sheet(
        tmp_path,
        [
            ["ZZ-001", "锂电池项目", 120.5, "1,000", 45, 30, "桩基施工"],
            ["ZZ-002", "光电产业园"],  # not reported
            ["ZZ-003", "医药中试基地", "８０", None, "12%", "25"],
        ],
    )
    before = listed.events()
    receipt = import_progress(listed.engine, source, actor="录入员")
    assert (receipt.rows, receipt.reported, receipt.already, receipt.corrected, receipt.blank) == (
        3,
        2,
        0,
        0,
        1,
    )
    assert receipt.appended == 2
    assert receipt.lines()[0] == "导入 progress.xlsx：3 行，新报 2，已有 0，更正 0，未填 1"
    assert receipt.dates == ("2020-06-30",)
    states = [state for _, state in appended_since(listed, before)]
    assert [(s["code"], s["date"], s["investment_yuan"]) for s in states] == [
        ("ZZ-001", "2020-06-30", 1_205_000),
        ("ZZ-003", "2020-06-30", 800_000),
    ]
    assert (states[0]["funds_yuan"], states[0]["physical_pct"], states[0]["workers"]) == (
        10_000_000,
        45.0,
        30,
    )
    assert states[0]["note"] == "桩基施工"
    assert states[0]["actor"] == "录入员"


def test_importing_the_same_sheet_again_appends_nothing(listed: Harness, tmp_path: Path) -> None:
    source = sheet(tmp_path, [["ZZ-001", "x", 120.5, 100], ["ZZ-002", "y", 7]])
    import_progress(listed.engine, source, actor="t")
    before = listed.events()
    receipt = import_progress(listed.engine, source, actor="t")
    assert (receipt.reported, receipt.already, receipt.appended) == (0, 2, 0)
    assert listed.events() == before


def test_a_row_that_differs_from_the_days_report_is_refused_and_nothing_is_appended(
    listed: Harness, tmp_path: Path
) -> None:
    listed.run("report_progress", code="ZZ-002", date="2020-06-30", investment="50")
    source = sheet(tmp_path, [["ZZ-001", "x", 120.5], ["ZZ-002", "y", 60], ["ZZ-003", "z", 1]])
    (line,) = refused_sheet(listed, lambda: import_progress(listed.engine, source, actor="t"))
    assert line == (
        "progress.xlsx 调度表 row 5, 本日完成投资(万元)=60.00: differs from the 2020-06-30 "
        "report of ZZ-002 (50.00); to replace it, import with --correct --reason"
    )


def test_correcting_turns_each_differing_row_into_a_correction_of_its_differing_values(
    listed: Harness, tmp_path: Path
) -> None:
    day = {"date": "2020-06-30"}
    listed.run("report_progress", code="ZZ-001", **day, investment="120.5", funds="100", workers=30)
    listed.run("report_progress", code="ZZ-002", **day, investment="50", note="正常")
    listed.run("report_progress", code="ZZ-003", **day, investment="9")
    source = sheet(
        tmp_path,
        [
            ["ZZ-001", "x", 120.5, 100, None, 32],  # workers 30 -> 32
            ["ZZ-002", "y", 55, None, 10],  # investment and physical % change; note left blank
            ["ZZ-003", "z", 9],  # the same
        ],
    )
    before = listed.events()
    receipt = import_progress(listed.engine, source, actor="t", reason="统计口径核对")
    assert (receipt.reported, receipt.already, receipt.corrected, receipt.appended) == (0, 1, 2, 2)
    corrections = appended_since(listed, before)
    assert [kind for kind, _ in corrections] == ["DailyReport.Corrected"] * 2
    changed = [
        {k: v for k, v in state.items() if k not in ("actor", "timestamp", "originator_topic")}
        for _, state in corrections
    ]
    assert changed == [
        {"code": "ZZ-001", "date": "2020-06-30", "reason": "统计口径核对", "workers": 32},
        {
            "code": "ZZ-002",
            "date": "2020-06-30",
            "reason": "统计口径核对",
            "investment_yuan": 550_000,
            "physical_pct": 10.0,
        },
    ]
    again = import_progress(listed.engine, source, actor="t", reason="统计口径核对")
    assert (again.corrected, again.already, again.appended) == (0, 3, 0)


def test_every_bad_cell_is_listed_in_row_order_and_nothing_is_appended(
    listed: Harness, tmp_path: Path
) -> None:
    source = sheet(
        tmp_path,
        [
            ["ZZ-001", "x", "abc"],
            ["ZZ-002", "y", 1, None, 120],
            ["ZZ-003", "z", 1, None, None, 2.5],
            [None, "w", 5],
        ],
    )
    lines = refused_sheet(listed, lambda: import_progress(listed.engine, source, actor="t"))
    assert lines == [
        "progress.xlsx 调度表 row 4, 本日完成投资(万元)=abc: must be a decimal number",
        "progress.xlsx 调度表 row 5, 形象进度(%)=120: input should be less than or equal to 100",
        "progress.xlsx 调度表 row 6, 在岗人数=2.5: must be a whole number",
        "progress.xlsx 调度表 row 7, 项目编号=(none): is required",
        "progress.xlsx：4 处错误，未导入 (4 errors; nothing imported)",
    ]


def test_a_row_refused_by_the_engine_appends_nothing_from_the_sheet(
    listed: Harness, tmp_path: Path
) -> None:
    source = sheet(tmp_path, [["ZZ-001", "x", 1], ["ZZ-404", "y", 2], ["ZZ-003", "z", 3]])
    (line,) = refused_sheet(listed, lambda: import_progress(listed.engine, source, actor="t"))
    assert line == "progress.xlsx 调度表 row 5, 项目编号=ZZ-404: is not a registered project"


def test_a_project_twice_for_one_day_is_refused(listed: Harness, tmp_path: Path) -> None:
    source = sheet(tmp_path, [["ZZ-001", "x", 1], ["ZZ-001", "x", 1]])
    lines = refused_sheet(listed, lambda: import_progress(listed.engine, source, actor="t"))
    assert lines == ["progress.xlsx 调度表 row 5, 项目编号=ZZ-001: is also on row 4 for 2020-06-30"]


def test_rows_take_their_own_date_else_the_sheets_else_the_date_given(
    listed: Harness, tmp_path: Path
) -> None:
    dated = workbook(
        tmp_path / "dated.xlsx",
        ["项目编号", "日期", "本日完成投资(万元)"],
        [["ZZ-001", dt.datetime(2020, 6, 29), 1], ["ZZ-001", "2020/6/30", 2], ["ZZ-002", None, 3]],
    )
    receipt = import_progress(listed.engine, dated, actor="t", date=dt.date(2020, 7, 1))
    assert receipt.dates == ("2020-06-29", "2020-06-30", "2020-07-01")
    plain = text_file(tmp_path / "plain.csv", ["code", "investment"], [["ZZ-003", "4"]])
    assert import_progress(listed.engine, plain, actor="t").dates == ("2020-07-10",)  # today


def test_a_sheet_for_one_day_is_not_imported_as_another(listed: Harness, tmp_path: Path) -> None:
    source = sheet(tmp_path, [["ZZ-001", "x", 1]])
    (line,) = refused_sheet(
        listed, lambda: import_progress(listed.engine, source, actor="t", date=dt.date(2020, 7, 1))
    )
    assert line.startswith("progress.xlsx 调度表 row 2, 日期=2020-06-30: the sheet is for that day")


def test_a_report_after_the_engines_today_is_refused_naming_the_date_column(
    listed: Harness, tmp_path: Path
) -> None:
    source = text_file(
        tmp_path / "p.csv",
        ["日期", "项目编号", "本日完成投资(万元)"],
        [["2020-07-11", "ZZ-001", "1"]],
    )
    (line,) = refused_sheet(listed, lambda: import_progress(listed.engine, source, actor="t"))
    assert line.startswith("p.csv row 2, 日期=2020-07-11: ")
    assert "today" in line


def test_an_import_without_a_campaign_or_an_actor_is_refused(
    listed: Harness, tmp_path: Path
) -> None:
    source = sheet(tmp_path, [["ZZ-001", "x", 1]])
    with pytest.raises(Refused, match="no campaign is open"):
        import_progress(Engine(MemoryStore(), listed.clock), source, actor="t")
    with pytest.raises(Refused, match="actor"):
        import_progress(listed.engine, source, actor=" ")
    with pytest.raises(Refused, match="reason"):
        import_progress(listed.engine, source, actor="t", reason="")


# -------------------------------------------------------------------------- factor import


REQUEST_HEADER = ["项目编号", "要素类别", "需求内容", "提报日期", "申请编号"]


def test_factor_requests_are_filed_from_a_sheet_and_keys_make_it_importable_again(
    listed: Harness, tmp_path: Path
) -> None:
    source = workbook(
        tmp_path / "requests.xlsx",
        REQUEST_HEADER,
        [
            ["ZZ-001", "用电", "10kV 双回路接入", dt.datetime(2020, 4, 16), "YS-01"],
            ["ZZ-002", "land", "新增用地 20 亩", "2020-04-30", "YS-02"],
            ["ZZ-003"],  # nothing asked
        ],
    )
    before = listed.events()
    receipt = import_requests(listed.engine, source, actor="要素办")
    assert [(f.row, f.id, f.due, f.new) for f in receipt.filed] == [
        # power: 10 working days (Sunday 26 April is one, 调休); land: 20, over 1-5 May
        (2, "ZZ-001-20200416-power", dt.date(2020, 4, 29), True),
        (3, "ZZ-002-20200430-land", dt.date(2020, 6, 1), True),
    ]
    assert (receipt.rows, receipt.blank) == (3, 1)
    kinds = [kind for kind, _ in appended_since(listed, before)]
    assert kinds.count("FactorRequest.Filed") == 2
    again = import_requests(listed.engine, source, actor="要素办")
    assert [(f.id, f.new) for f in again.filed] == [
        ("ZZ-001-20200416-power", False),
        ("ZZ-002-20200430-land", False),
    ]
    assert again.appended == 0
    assert again.lines()[0] == "导入 requests.xlsx：3 行，新报 0，已有 2，未填 1"


def test_a_bad_request_row_is_located_and_nothing_is_filed(listed: Harness, tmp_path: Path) -> None:
    source = text_file(
        tmp_path / "r.csv",
        REQUEST_HEADER,
        [["ZZ-001", "用电", "接电", "2020-04-16"], ["ZZ-002", "用电", "", "2020-04-16"]],
        encoding="gbk",
    )
    (line,) = refused_sheet(listed, lambda: import_requests(listed.engine, source, actor="t"))
    assert line == "r.csv row 3, 需求内容=(none): is required"


def test_a_request_for_a_project_not_registered_on_its_date_is_refused(
    listed: Harness, tmp_path: Path
) -> None:
    source = text_file(tmp_path / "r.csv", REQUEST_HEADER, [["ZZ-001", "用电", "x", "2019-12-31"]])
    (line,) = refused_sheet(listed, lambda: import_requests(listed.engine, source, actor="t"))
    assert line.startswith("r.csv row 2, 提报日期=2019-12-31: ")


# ---------------------------------------------------------------------- register from sheet


PROJECT_HEADER = ["项目编号", "项目名称", "领域", "类别", "帮包单位", "包保领导", "总投资(万元)"]
PROJECT_HEADER += ["年度计划投资(万元)", "登记日期", "计划开工", "工业项目", "厂房面积(㎡)"]
PROJECT_101 = ["ZZ-101", "隔膜项目", "锂电", "新开工", "区招商局", "张三", 50000, 15000]
PROJECT_102 = ["ZZ-102", "大数据中心", "大数据", "续建", "区发改局", "李四", "8,000", "3000.5"]


def test_projects_are_registered_from_a_workbook_with_chinese_headers(
    opened: Harness, tmp_path: Path
) -> None:
    source = workbook(
        tmp_path / "projects.xlsx",
        PROJECT_HEADER,
        [
            [*PROJECT_101, dt.datetime(2020, 1, 6), dt.datetime(2020, 4, 15), "是", 12000],
            [*PROJECT_102, "2020-01-06", None, "否", None],
        ],
    )
    before = opened.events()
    receipt = register_projects(opened.engine, source, actor="t")
    assert [r.id for r in receipt.results] == ["ZZ-101", "ZZ-102"]
    position, head = opened.engine.store.tip()
    assert receipt.lines() == [
        "登记 projects.xlsx：2 个项目 (registered 2 projects, 2 events)",
        f"receipt {head.hex()}@{position}",
    ]
    assert {(r.position, r.head) for r in receipt.results} == {(position, head.hex())}
    states = [state for _, state in appended_since(opened, before)]
    assert (states[0]["sector"], states[0]["category"], states[0]["industrial"]) == (
        "lithium",
        "new",
        True,
    )
    assert states[0]["planned_start"] == "2020-04-15"
    assert states[0]["factory_area_m2"] == "12000.00"
    assert (states[1]["sector"], states[1]["category"]) == ("big_data", "continuing")
    assert states[1]["annual_plan_yuan"] == 30_005_000


def test_a_project_sheet_with_an_unknown_header_is_refused_naming_it(
    opened: Harness, tmp_path: Path
) -> None:
    source = text_file(
        tmp_path / "projects.csv", [*PROJECT_HEADER, "投资方"], [["ZZ-101"]], encoding="gbk"
    )
    lines = refused_sheet(opened, lambda: register_projects(opened.engine, source, actor="t"))
    assert lines[0].startswith(
        "projects.csv row 1, unknown column 投资方; expected one of 项目编号"
    )


def test_a_project_sheet_with_no_rows_is_refused(opened: Harness, tmp_path: Path) -> None:
    source = text_file(tmp_path / "projects.csv", PROJECT_HEADER, [], bom=True)
    with pytest.raises(SheetError, match="no project rows under the header"):
        register_projects(opened.engine, source, actor="t")

"""Tables at 80 columns (a terminal that narrow, or a pipe): the look-ups and `replay` keep
each row's code, a readable name and the status and figures, leave out the least useful
columns first and say which, and never cut a column to a character or two; `replay` is in
Chinese and wraps what does not fit. A wide terminal keeps every column.

The store holds tests/office_log.py's log and two projects named as in a real list (a long
name, a long unit, a large plan), each with a factor request; the engine's clock reads
2020-07-10 10:00."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from tests import office_log
from tests.cli.test_lookups import Office, assert_fits, table_lines

if TYPE_CHECKING:
    from tests.conftest import Harness

NAME = "德晟生物医药中试基地项目"
UNIT = "区大数据中心"
DETAIL = "环评批复及排污许可证办理"
LONG_DETAIL = "厂区蒸汽供热管网接入" * 6


@pytest.fixture
def office(sqlite_harness: Harness, sqlite_db: str) -> Office:
    h = office_log.write(sqlite_harness)
    h.register(
        code="ZZ-011",
        name=NAME,
        sector="smart_manufacturing",
        unit=UNIT,
        leader="王副主任",
        total_investment="300000",
        annual_plan="194870",
        date="2020-06-01",
    )
    h.register(
        code="ZZ-012",
        name="泰鑫云计算产业园项目",
        sector="big_data",
        category="preparatory",
        unit="区工信局",
        leader="陈副主任",
        total_investment="2000",
        annual_plan="250",
        date="2020-06-01",
    )
    h.run("report_progress", code="ZZ-011", date="2020-06-30", investment="104329.5")
    h.run("file_factor", code="ZZ-011", category="environment", detail=DETAIL, date="2020-06-01")
    h.run("file_factor", code="ZZ-012", category="road_pipe", detail=LONG_DETAIL, date="2020-06-02")
    return Office(sqlite_db)


def header(text: str, first: str) -> str:
    return next(line for line in table_lines(text) if line.startswith(first))


def row(text: str, code: str) -> str:
    return next(line for line in table_lines(text) if line.startswith(code))


def assert_nothing_cut_to_a_character_or_two(text: str) -> None:
    """No cell shortened to one or two characters and "…" (as "区…", "德晟…")."""
    for line in table_lines(text):
        for cell in line.split():
            assert not re.fullmatch(r"\S{1,2}…", cell), f"{cell!r} in {line!r}"


@pytest.mark.parametrize("columns", ["80", None], ids=["COLUMNS=80", "piped"])
def test_at_80_columns_the_project_list_keeps_the_name_and_the_figures_readable(
    office: Office, columns: str | None
) -> None:
    text = office.ok("project list --as-of 2020-06-30", COLUMNS=columns).stdout
    assert_fits(text)
    assert_nothing_cut_to_a_character_or_two(text)
    heading = header(text, "代码")
    for shown in ("项目", "单位", "阶段", "计划", "累计", "完成率", "灯", "报送"):
        assert shown in heading.split(), heading
    line = row(text, "ZZ-011")
    assert NAME[:8] in line  # the name, eight characters at least
    assert "194,870" in line and "104,330" in line and "53.54%" in line and "06-30" in line
    hidden = next(line for line in table_lines(text) if "未列" in line)
    assert "领导" in hidden and "领域" in hidden and "--json" in hidden


def test_a_wide_terminal_keeps_every_column_of_the_project_list(office: Office) -> None:
    text = office.ok("project list --as-of 2020-06-30", COLUMNS="160").stdout
    assert_fits(text, 160)
    assert header(text, "代码").split() == [
        "代码",
        "项目",
        "单位",
        "领导",
        "领域",
        "类别",
        "阶段",
        "计划",
        "累计",
        "完成率",
        "灯",
        "报送",
    ]
    assert NAME in row(text, "ZZ-011") and UNIT in row(text, "ZZ-011")
    assert "未列" not in text


@pytest.mark.parametrize("columns", ["80", None], ids=["COLUMNS=80", "piped"])
def test_at_80_columns_the_factor_list_keeps_the_status_and_the_detail_readable(
    office: Office, columns: str | None
) -> None:
    text = office.ok("factor list --as-of 2020-06-30", COLUMNS=columns).stdout
    assert_fits(text)
    assert_nothing_cut_to_a_character_or_two(text)
    heading = header(text, "编号")
    for shown in ("编号", "要素", "事项", "期限", "状态", "逾期", "督办"):
        assert shown in heading.split(), heading
    line = row(text, "ZZ-011-20200601-environment")
    assert DETAIL[:8] in line and "在办" in line and "环评" in line
    assert "办结" in row(text, office_log.APPROVAL)
    hidden = next(line for line in table_lines(text) if "未列" in line)
    assert "项目" in hidden and "--json" in hidden
    assert "编号 = 项目代码-提出日期-要素" in text  # what the id tells of the hidden columns


def test_a_wide_terminal_keeps_every_column_of_the_factor_list(office: Office) -> None:
    text = office.ok("factor list --as-of 2020-06-30", COLUMNS="240").stdout
    assert header(text, "编号").split() == [
        "编号",
        "项目",
        "单位",
        "要素",
        "事项",
        "提出",
        "期限",
        "状态",
        "逾期",
        "督办",
    ]
    assert LONG_DETAIL in text and "未列" not in text


@pytest.mark.parametrize(
    "line",
    [
        "project list --as-of 2020-06-30",
        "factor list --as-of 2020-06-30",
        "project show ZZ-012 --as-of 2020-06-30",
        "progress missing --date 2020-06-29",
        "replay --as-of 2020-06-30",
    ],
)
def test_piped_output_is_the_80_column_layout_byte_for_byte(office: Office, line: str) -> None:
    piped = office.ok(line, COLUMNS=None).stdout_bytes
    assert piped == office.ok(line, COLUMNS="80").stdout_bytes
    assert piped == office.ok(line, COLUMNS=None).stdout_bytes


# --------------------------------------------------------------------------------- replay

ENGLISH = re.compile(
    r"\b(project states|plan|YTD|funds|physical|milestones|open|due|signed|started|overdue|"
    r"escalation|receipt|digest|state)\b"
)


@pytest.mark.parametrize("columns", ["80", None], ids=["COLUMNS=80", "piped"])
def test_replay_is_in_chinese_and_fits_80_columns(office: Office, columns: str | None) -> None:
    text = office.ok("replay --as-of 2020-06-30", COLUMNS=columns).stdout
    assert_fits(text)
    assert not ENGLISH.search(text), ENGLISH.search(text)
    for shown in ("项目状态 2020-06-30", "年度计划", "累计完成", "到位资金", "形象进度", "里程碑"):
        assert shown in text, shown
    assert "里程碑: 签约 2019-12-20, 开工 2020-04-20" in text
    first = text.index("ZZ-001 锂电池正极材料项目")
    card = text[first : text.index("ZZ-002")]
    assert "年度计划 15,000.00" in card and "累计完成 1,550.00" in card
    assert "形象进度 20%" in card
    assert f"在办要素 {office_log.LAND}" in card and "用地: 二期用地" in card
    assert "期限 2020-06-10" in card and "逾期 13 个工作日" in card and "督办 2 级" in card
    assert "ZZ-003 生物医药中试基地" in text and "2020-05-20 终止" in text
    assert "凭据" in text and "日志头" in text


def test_replay_wraps_what_does_not_fit_and_cuts_nothing(office: Office) -> None:
    text = office.ok("replay --as-of 2020-06-30 --project ZZ-012", COLUMNS="60").stdout
    state = text.split("\n凭据")[0]  # the receipt's hashes stay whole, to be copied
    assert_fits(state, 60)
    assert "…" not in state
    joined = "".join(line.strip() for line in table_lines(text))
    assert LONG_DETAIL in joined  # wrapped over lines, whole
    assert "道路管网" in text


def test_replay_json_is_unchanged(office: Office) -> None:
    document = json.loads(office.ok("replay --as-of 2020-06-30 --json", COLUMNS="80").stdout)
    assert set(document) == {"campaign", "as_of", "known_at", "projects", "receipt"}
    (state,) = (p for p in document["projects"] if p["code"] == "ZZ-001")
    assert set(state) == {
        "code",
        "name",
        "unit",
        "leader",
        "registered_on",
        "terminated_on",
        "annual_plan",
        "ytd_investment",
        "ytd_funds",
        "physical_pct",
        "milestones",
        "open_requests",
    }
    assert state["milestones"] == {"signed": "2019-12-20", "started": "2020-04-20"}
    assert state["open_requests"][0]["category"] == "land"

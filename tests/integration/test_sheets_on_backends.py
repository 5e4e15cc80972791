"""The progress template, read from the log by the read side, and a filled template imported
back, on SQLite (and the import on PostgreSQL too). The engine's today is 2020-07-10."""

from __future__ import annotations

import csv
import datetime as dt
import time
from decimal import Decimal
from typing import TYPE_CHECKING

import openpyxl
import pytest

from campaign import FixedClock, Refused, Settings, open_engine
from campaign.app import bulk
from campaign.app.admin import grant
from campaign.app.bulk import import_progress, progress_template
from campaign.app.sheets import SheetError
from tests.clerk import fill_template, text_file
from tests.conftest import Harness, stored_events
from tests.integration.test_shared_store import TEAM, as_role

if TYPE_CHECKING:
    from pathlib import Path

    from tests.postgres_server import PostgresServer


@pytest.fixture
def office(opened: Harness) -> Harness:
    """ZZ-001 (registered 01-06), ZZ-002 registered 07-01, ZZ-003 terminated 06-20, ZZ-004
    terminated 06-30 and ZZ-005 terminated 07-05."""
    opened.register(code="ZZ-002", name="二期", date="2020-07-01")
    for code, ended in (("ZZ-003", "06-20"), ("ZZ-004", "06-30"), ("ZZ-005", "07-05")):
        opened.register(code=code, name=f"项目 {code}", unit="区发改局", leader="李四")
        opened.run("terminate_project", code=code, date=f"2020-{ended}", reason="撤资")
    return opened


def test_the_template_lists_the_projects_listed_on_its_date_only(
    office: Harness, tmp_path: Path
) -> None:
    out = tmp_path / "调度表.xlsx"
    receipt = progress_template(office.engine, out, date=dt.date(2020, 6, 30))
    assert (receipt.projects, receipt.date) == (2, dt.date(2020, 6, 30))
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "调度表 2020-06-30"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "枣庄高新区百日会战 2020 进度调度表"
    assert rows[1][:2] == ("日期", dt.datetime(2020, 6, 30))
    assert rows[2] == (
        "项目编号",
        "项目名称",
        "帮包单位",
        "包保领导",
        "本日完成投资(万元)",
        "本日到位资金(万元)",
        "形象进度(%)",
        "在岗人数",
        "备注",
    )
    assert rows[3:] == [
        ("ZZ-001", "锂电池正极材料项目", "区招商局", "张三", None, None, None, None, None),
        ("ZZ-005", "项目 ZZ-005", "区发改局", "李四", None, None, None, None, None),
    ]
    assert sheet.freeze_panes == "C4"
    assert sheet["E4"].number_format == "#,##0.00"
    assert book.properties.created == book.properties.modified == dt.datetime(2020, 6, 30)


def test_the_same_log_and_date_give_the_same_workbook_bytes(
    office: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    progress_template(office.engine, first, date=dt.date(2020, 6, 30))
    later = time.time() + 3 * 86_400
    monkeypatch.setattr(time, "time", lambda: later)  # zip entries would carry this time
    office.clock.advance(days=1)
    progress_template(office.engine, second, date=dt.date(2020, 6, 30))
    assert first.read_bytes() == second.read_bytes()


def test_the_csv_template_carries_its_date_on_every_row(office: Harness, tmp_path: Path) -> None:
    out = tmp_path / "调度表.csv"
    progress_template(office.engine, out, date=dt.date(2020, 7, 3))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["日期", "项目编号", "项目名称"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("2020-07-03", "ZZ-001"),
        ("2020-07-03", "ZZ-002"),  # registered 07-01
        ("2020-07-03", "ZZ-005"),  # terminated 07-05
    ]


def test_the_template_defaults_to_today_and_refuses_another_year_or_format(
    office: Harness, tmp_path: Path
) -> None:
    assert progress_template(office.engine, tmp_path / "t.xlsx", date=None).date == dt.date(
        2020, 7, 10
    )
    with pytest.raises(Refused, match="not in the campaign year 2020"):
        progress_template(office.engine, tmp_path / "t.xlsx", date=dt.date(2021, 1, 4))
    with pytest.raises(Refused, match=r"out=t.ods: must name an .xlsx or a .csv file"):
        progress_template(office.engine, tmp_path / "t.ods", date=dt.date(2020, 6, 30))


def test_a_filled_template_imports_on_each_backend(
    any_db: str, clock: FixedClock, tmp_path: Path
) -> None:
    with open_engine(Settings(db=any_db, clock=clock)) as engine:
        h = Harness(engine)
        h.open()
        h.register()
        h.register(code="ZZ-002")
        template = tmp_path / "t.xlsx"
        progress_template(engine, template, date=dt.date(2020, 6, 30))
        filled = fill_template(
            template, tmp_path / "f.xlsx", {"ZZ-001": [120.5, "100", 45, 30, "正常"]}
        )
        before = h.events()
        receipt = import_progress(engine, filled, actor="t")
        assert (receipt.rows, receipt.reported, receipt.blank) == (2, 1, 1)
        ((kind, state),) = stored_events(engine.store, before)
        assert kind == "DailyReport.Reported"
        assert (state["investment_yuan"], state["funds_yuan"]) == (1_205_000, 1_000_000)
        assert Decimal(str(state["physical_pct"])) == 45
        assert import_progress(engine, filled, actor="t").appended == 0


@pytest.mark.postgres
def test_a_team_is_told_every_row_it_may_not_record_and_nothing_is_appended(
    postgres: PostgresServer,
    postgres_db: str,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    postgres.create_roles(TEAM)
    with open_engine(Settings(db=postgres_db, clock=clock)) as engine:
        owner = Harness(engine)
        owner.open()
        owner.register()
        owner.register(code="ZZ-002")
        grant(engine, TEAM, "team", ("ZZ-001",), actor="owner")
        before = owner.events()
    source = text_file(
        tmp_path / "调度表.csv",
        ["日期", "项目编号", "本日完成投资(万元)"],
        [
            ["2020-06-29", "ZZ-002", "5"],  # row 2: not the team's project
            ["2020-06-29", "ZZ-001", "5"],
            ["2020-06-30", "ZZ-002", "6"],
            ["2020-06-30", "ZZ-001", "6"],
        ],
    )
    # A row's rights are checked on the events it made. With a flush after every row, any
    # event a refused row left in the unit would reach the database, which refuses it.
    monkeypatch.setattr(bulk, "FLUSH_EVERY", 1)
    # A role that is not the owner records at the server's clock: the engine's own, not a test's.
    team = Settings(db=as_role(postgres_db, TEAM))
    with open_engine(team) as engine, pytest.raises(SheetError) as caught:
        import_progress(engine, source, actor="张三")
    rule = f"role {TEAM} records only for its projects (ZZ-001)"
    assert str(caught.value).splitlines() == [
        f"调度表.csv row 2, project=ZZ-002: {rule}",
        f"调度表.csv row 4, project=ZZ-002: {rule}",
        "调度表.csv：2 处错误，未导入 (2 errors; nothing imported)",
    ]
    with open_engine(Settings(db=postgres_db, clock=clock)) as engine:
        assert Harness(engine).events() == before

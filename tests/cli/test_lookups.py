"""The look-up commands (issue 10): `project list`, `project show`, `factor list` and
`progress missing` on the command line — one JSON document with the SPEC's field names and a
receipt, Chinese tables that fit 80 columns with no trailing blanks, refusals in one line.

The store holds tests/office_log.py's log; the engine's clock reads 2020-07-10 10:00."""

from __future__ import annotations

import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len

from campaign import FixedClock, Settings, open_engine
from campaign.app.scenario import load
from cli.context import Config
from cli.main import cli
from tests import office_log
from tests.conftest import Harness, at

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.jsonl"
RECEIPT = {
    "position",
    "head_hash",
    "state_hash",
    "engine_version",
    "digest",
    "signed_head",
    "tail_verified",
}
TABLES = [
    "project list",
    "project list --as-of 2020-06-30 --unit 区工信局",
    "project list --stage 终止",
    "project show ZZ-001 --as-of 2020-06-30",
    "project show ZZ-003",
    "factor list",
    "factor list --overdue --as-of 2020-06-30",
    "progress missing --date 2020-06-29",
    "progress missing --date 2020-06-29 --known-at 2020-06-30",
    "progress missing --since 2020-05-01 --as-of 2020-06-29",
    "progress missing",
]


class Office:
    """The command line on the office log's store, the engine's clock at 2020-07-10 10:00
    unless `now` says otherwise."""

    def __init__(self, db: str, now: str = "2020-07-10 10:00") -> None:
        self.db = db
        self.now = now
        self.runner = CliRunner()

    def __call__(self, line: str, **env: str | None) -> Result:
        argv = [*shlex.split(line), "--db", self.db]
        environment: dict[str, str | None] = {"CAMPAIGN_DB": None, "COLUMNS": None}
        result = self.runner.invoke(
            cli, argv, obj=Config(clock=FixedClock(at(self.now))), env=environment | env
        )
        assert "Traceback" not in result.output + result.stderr
        return result

    def ok(self, line: str, **env: str | None) -> Result:
        result = self(line, **env)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        return result

    def json(self, line: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.ok(f"{line} --json").stdout)
        return document

    def events(self) -> int:
        with sqlite3.connect(self.db) as connection:
            (count,) = connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()
        connection.close()
        return int(count)


@pytest.fixture
def office(sqlite_harness: Harness, sqlite_db: str) -> Office:
    office_log.write(sqlite_harness)
    return Office(sqlite_db)


def table_lines(text: str) -> list[str]:
    return text.splitlines()


def assert_fits(text: str, width: int = 80) -> None:
    for line in table_lines(text):
        assert cell_len(line) <= width, f"{cell_len(line)} cells: {line!r}"
        assert line == line.rstrip(), f"trailing blanks: {line!r}"


# ----------------------------------------------------------------------------------- JSON


def test_project_list_json_has_the_spec_field_names_and_a_receipt(office: Office) -> None:
    document = office.json("project list --as-of 2020-06-30")
    assert set(document) == {"campaign", "as_of", "known_at", "filters", "projects", "receipt"}
    projects = document["projects"]
    assert set(projects[0]) == {
        "code",
        "name",
        "unit",
        "leader",
        "sector",
        "category",
        "stage",
        "annual_plan",
        "ytd_investment",
        "investment_rate",
        "gap_pp",
        "spi",
        "light",
        "last_reported_on",
        "listed",
        "terminated_on",
    }
    assert (projects[0]["sector"], projects[-1]["stage"]) == ("lithium", "terminated")
    assert set(document["receipt"]) == RECEIPT


def test_project_show_json_has_the_card(office: Office) -> None:
    document = office.json("project show ZZ-001 --as-of 2020-06-30")
    assert set(document) == {"campaign", "as_of", "known_at", "time_progress", "project", "receipt"}
    card = document["project"]
    assert {
        "annual_plan",
        "plan_revisions",
        "ytd_investment",
        "ytd_funds",
        "investment_rate",
        "gap_pp",
        "spi",
        "light",
        "reasons",
        "stage",
        "milestones",
        "physical_pct",
        "last_reported_on",
        "days_reported",
        "open_requests",
    } <= set(card)
    assert set(card["open_requests"][0]) == {
        "id",
        "category",
        "detail",
        "filed_on",
        "due",
        "overdue_wd",
        "escalation_level",
    }


def test_factor_list_json_has_each_requests_status_and_escalation(office: Office) -> None:
    document = office.json("factor list --as-of 2020-06-30 --open")
    requests = document["requests"]
    assert [r["id"] for r in requests] == [office_log.LAND, office_log.POWER]
    assert set(requests[0]) == {
        "id",
        "code",
        "unit",
        "category",
        "detail",
        "filed_on",
        "due",
        "status",
        "outcome",
        "resolved_on",
        "on_time",
        "overdue_wd",
        "escalation_level",
    }


def test_progress_missing_json_names_the_period_and_the_projects(office: Office) -> None:
    document = office.json("progress missing --date 2020-06-29 --known-at 2020-06-30")
    assert set(document) == {
        "campaign",
        "since",
        "as_of",
        "known_at",
        "working_days",
        "filters",
        "listed",
        "reported",
        "projects",
        "receipt",
    }
    projects = document["projects"]
    assert [p["code"] for p in projects] == ["ZZ-002", "ZZ-001", "ZZ-004"]
    assert set(projects[0]) == {"unit", "code", "name", "leader", "last_reported_on"}


def test_a_sector_stage_or_category_may_be_given_in_chinese(office: Office) -> None:
    assert office.json("project list --sector 锂电") == office.json("project list --sector lithium")
    assert office.json("project list --stage 终止") == office.json(
        "project list --stage terminated"
    )
    assert office.json("factor list --category 用地") == office.json("factor list --category land")


# --------------------------------------------------------------------------------- tables


def test_the_project_list_is_a_chinese_table(office: Office) -> None:
    text = office.ok("project list --as-of 2020-06-30", COLUMNS="160").stdout
    row = next(line for line in table_lines(text) if line.startswith("ZZ-001"))
    for shown in ("锂电", "新开工", "开工", "15,000", "1,550", "10.33%", "红", "06-30"):
        assert shown in row, row
    terminated = next(line for line in table_lines(text) if line.startswith("ZZ-003"))
    assert "终止" in terminated
    assert text.index("ZZ-004") < text.index("ZZ-003")  # listed first


def test_the_card_says_why_the_light_is_red(office: Office) -> None:
    text = office.ok("project show ZZ-001 --as-of 2020-06-30").stdout
    assert "红" in text and "低于序时进度 39.67 个百分点" in text and "为序时进度的 20.67%" in text
    assert f"要素{office_log.LAND}（用地）逾期13个工作日" in text
    assert "投资完成10.33%，为序时进度的20.67%（低于60%）" in text


def test_a_rejected_request_is_resolved_and_shown_as_rejected(
    sqlite_harness: Harness, sqlite_db: str
) -> None:
    h = office_log.write(sqlite_harness)
    h.run("file_factor", code="ZZ-002", category="finance", detail="贷款贴息", date="2020-07-01")
    h.run(
        "resolve_factor",
        id="ZZ-002-20200701-finance",
        outcome="rejected",
        date="2020-07-03",
        note="不符合条件",
    )
    office = Office(sqlite_db)
    (row,) = office.json("factor list --category 融资")["requests"]
    assert (row["status"], row["outcome"], row["resolved_on"]) == (
        "resolved",
        "rejected",
        "2020-07-03",
    )
    table = office.ok("factor list --category finance").stdout
    assert "驳回" in next(line for line in table_lines(table) if "ZZ-002-20200701" in line)
    assert office.json("factor list --open --category finance")["requests"] == []


def test_the_missing_list_names_unit_leader_and_last_report(office: Office) -> None:
    text = office.ok("progress missing --date 2020-06-29").stdout
    assert "已报送 1, 未报送 2" in text
    row = next(line for line in table_lines(text) if "ZZ-002" in line)
    assert "区工信局" in row and "李四" in row and "2020-04-30" in row
    assert "从未报送" in next(line for line in table_lines(text) if "ZZ-004" in line)


@pytest.mark.parametrize("line", TABLES)
@pytest.mark.parametrize("columns", ["80", None], ids=["COLUMNS=80", "piped"])
def test_every_table_fits_80_columns_without_trailing_blanks(
    office: Office, line: str, columns: str | None
) -> None:
    assert_fits(office.ok(line, COLUMNS=columns).stdout)


def test_long_names_are_shortened_but_every_row_keeps_its_code(
    sqlite_harness: Harness, sqlite_db: str
) -> None:
    h = office_log.write(sqlite_harness)
    for code in ("ZZ-011", "ZZ-012"):
        h.register(
            code=code,
            name="远航年产1万吨锂电池正极材料项目(二期)智能化改造及配套工程",
            unit="高新区管委会经济发展和科技创新局",
            leader="高新区党工委副书记管委会常务副主任",
            total_investment="2000000",
            annual_plan="1950000",
        )
        h.run(
            "file_factor", code=code, category="gas_heat", detail="供热管网" * 10, date="2020-06-01"
        )
    office = Office(sqlite_db)
    for line in [*TABLES, "factor list --category 供气供热"]:
        text = office.ok(line).stdout
        assert_fits(text)
    listing = office.ok("project list").stdout
    rows = [line for line in table_lines(listing) if line.startswith(("ZZ-011", "ZZ-012"))]
    assert len(rows) == 2 and "…" in rows[0]
    assert "1,950,000" in rows[0]  # figures are never shortened
    wide = office.ok("project list", COLUMNS="240").stdout
    assert "远航年产1万吨锂电池正极材料项目(二期)智能化改造及配套工程" in wide


def test_every_table_signs_off_with_a_chinese_receipt(office: Office) -> None:
    for line in [*TABLES, "replay --as-of 2020-06-30"]:
        text = office.ok(line).stdout
        for label in ("凭据    日志位置 ", "日志头  ", "状态    ", "树根    "):
            assert label in text, (line, label)
        english = re.search(r"^(receipt|digest|state|root)\b", text, flags=re.MULTILINE)
        assert english is None, (line, english)


def test_the_sector_is_called_by_one_name_in_every_look_up(office: Office) -> None:
    """领域, as the checkpoint, the 调度表 and `project register` call it; never 行业."""
    listing = office.ok("project list --sector 锂电", COLUMNS="160").stdout
    assert "领域" in next(line for line in table_lines(listing) if line.startswith("代码"))
    assert "(筛选: 领域 锂电)" in listing
    card = office.ok("project show ZZ-001 --as-of 2020-06-30").stdout
    assert "领域 / 类别" in card and "到位资金" in card
    for text in (listing, card, office.ok("project list").stdout):
        assert "行业" not in text


def test_a_real_pipe_gets_80_columns(office: Office) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "CAMPAIGN_DB"}}
    done = subprocess.run(
        [*campaign_command(), "factor", "list", "--db", office.db],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    assert office_log.LAND in done.stdout
    assert_fits(done.stdout)


# ------------------------------------------------------------------ the day read, said

LATE = "2026-05-04 09:00"
"""Today, years after the office log's 2020 campaign."""


@pytest.mark.parametrize(
    ("line", "option"),
    [
        ("project list", "--as-of"),
        ("project show ZZ-001", "--as-of"),
        ("factor list --open", "--as-of"),
        ("progress missing", "--date"),
        ("progress missing --since 2020-12-01", "--as-of"),
        ("replay --project ZZ-001", "--as-of"),
    ],
)
def test_a_look_up_after_the_campaign_year_says_it_reads_the_years_last_day(
    office: Office, line: str, option: str
) -> None:
    late = Office(office.db, now=LATE)
    note = f"（未指定 {option}：今天已过 2020 年度，取年末 2020-12-31；另选日期用 {option}）\n"
    for argv in (line, f"{line} --json"):
        result = late(argv)
        assert result.exit_code == 0, result.output
        assert result.stderr == note
    assert json.loads(late(f"{line} --json").stdout)["as_of"] == "2020-12-31"
    assert cell_len(note.strip()) <= 80


def test_a_look_up_before_the_campaign_year_says_it_reads_its_first_day(office: Office) -> None:
    early = Office(office.db, now="2019-12-02 09:00")
    result = early("project list")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "（未指定 --as-of：2020 年度尚未开始，取年初 2020-01-01；另选日期用 --as-of）\n"
    )


def test_a_look_up_says_nothing_of_a_day_given_or_of_today(office: Office) -> None:
    late = Office(office.db, now=LATE)
    for line in (
        "project list --as-of 2020-06-30",
        "progress missing --date 2020-06-29",
        "progress missing --since 2020-06-01 --as-of 2020-06-30",
        "replay --as-of 2020-06-30",
    ):
        result = late(line)
        assert (result.exit_code, result.stderr) == (0, ""), line
    office.ok("project list")  # today, 2020-07-10, is in the campaign year: no word on stderr


# ------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("project show ZZ-999", "project=ZZ-999: is not a registered project"),
        ("project show ZZ-004 --as-of 2020-05-01", "was registered on 2020-05-25"),
        ("factor list --project ZZ-999", "project=ZZ-999: is not a registered project"),
        ("project list --unit 区招商", "unit=区招商: no project registered by"),
        ("project list --as-of 2020-02-30", "as_of=2020-02-30: is not a calendar date"),
        ("project list --as-of 2021-01-01", "as_of=2021-01-01: is not in the campaign year"),
        ("project show ZZ-001 --known-at yesterday", "known_at=yesterday"),
        ("factor list --as-of June", "as_of=June: must be a date"),
        ("progress missing --date June", "date=June: must be a date"),
        ("progress missing --since 2019-12-01", "since=2019-12-01: is not in the campaign year"),
        ("progress missing --since 2020-07-01 --as-of 2020-06-30", "since=2020-07-01: is after"),
        ("progress missing --as-of 2020-13-01", "as_of=2020-13-01: is not a calendar date"),
    ],
)
def test_a_bad_look_up_is_refused_in_one_line_and_appends_nothing(
    office: Office, line: str, message: str
) -> None:
    before = office.events()
    for argv in (line, f"{line} --json"):
        result = office(argv)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert message in result.stderr
    assert office.events() == before == office_log.EVENTS


@pytest.mark.parametrize(
    "line",
    [
        "project list --sector 石油",
        "project list --stage built",
        "factor list --category roads",
        "progress missing --date 2020-06-29 --since 2020-06-01",
        "progress missing --date 2020-06-29 --as-of 2020-06-30",
    ],
)
def test_a_usage_error_exits_2(office: Office, line: str) -> None:
    result = office(line)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


# ------------------------------------------------------------------ help and its examples


LOOK_UPS = [("project", "list"), ("project", "show"), ("factor", "list"), ("progress", "missing")]


def examples(path: tuple[str, ...]) -> list[str]:
    """The command lines of a command's Example block, as printed by --help, each with its
    continuation lines (after a line ending in "\\") joined."""
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    block = result.stdout.split("Examples:", 1)[1].split("Options:", 1)[0]
    joined = re.sub(r"\\\n\s*", "", block)
    return re.findall(r"^\s+campaign (.+)$", joined, flags=re.MULTILINE)


@pytest.fixture
def demo_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding demo.db, the demo scenario loaded (`campaign scenario run
    scenarios/demo.jsonl --db demo.db`), as the current folder."""
    clock = FixedClock(at("2020-12-31 12:00"))
    with open_engine(Settings(db=str(tmp_path / "demo.db"), clock=clock)) as engine:
        load(engine, DEMO, actor="loader")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.mark.parametrize("path", LOOK_UPS, ids=" ".join)
def test_each_example_runs_as_typed_on_the_demo(demo_folder: Path, path: tuple[str, str]) -> None:
    lines = examples(path)
    assert len(lines) >= 2
    for line in lines:
        argv = shlex.split(line)
        assert argv[:2] == list(path) and argv[-2:] == ["--db", "demo.db"], line
        result = CliRunner().invoke(cli, argv, obj=Config(), env={"CAMPAIGN_DB": None})
        assert result.exit_code == 0, f"campaign {line}: {result.output}"
        if "--json" in argv:
            assert set(json.loads(result.stdout)["receipt"]) == RECEIPT
        else:
            assert_fits(result.stdout)


def campaign_command() -> list[str]:
    """The `campaign` command: the installed console script, else its entry point."""
    beside = Path(sys.executable).parent / "campaign"
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-c", "from cli.main import main; main()"]

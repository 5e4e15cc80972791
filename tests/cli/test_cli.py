"""Acceptance tests of the `campaign` command line (SPEC §3–§4, §8; STYLE: streams and exit codes).

Streams and exit codes are a contract: data on stdout (one JSON document with `--json`), one
line on stderr when a rule refuses a command (exit 1, nothing appended), exit 2 on a usage
error, and never a traceback. The engine's clock is injected through `Config`: it reads
2020-07-10 10:00 in Shanghai.
"""

from __future__ import annotations

import csv
import getpass
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pytest
from click.testing import CliRunner, Result

from campaign import FixedClock, Settings, open_engine, open_store, parse_command
from cli.context import Config
from cli.main import cli
from tests.conftest import at

if TYPE_CHECKING:
    from collections.abc import Iterator

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.jsonl"
REFERENCE = DEMO.with_name("zaozhuang-2020.jsonl")

OPEN = shlex.split(
    "open '枣庄高新区百日会战 2020' --year 2020 --start 2020-03-23 --end 2020-06-30"
    " --checkpoint 2020-04-30 --holiday 2020-05-01 --holiday 2020-05-04 --holiday 2020-05-05"
    " --workday 2020-05-09 --sla land=20 --sla power=10 --target fixed_asset_investment=1000000"
)
REGISTER_ZZ = (
    "project register --code {code} --name 锂电池正极材料项目 --sector lithium --category new"
    " --unit 区招商局 --leader 张三 --total-investment 50000 --annual-plan {plan}"
    " --date 2020-01-06 --planned-start 2020-04-15 --industrial"
)
REGISTER = shlex.split(REGISTER_ZZ.format(code="ZZ-001", plan="15000"))
REPORT = shlex.split("progress report ZZ-001 --date 2020-04-16 --investment 120.5")
FILE = shlex.split("factor file ZZ-001 --category water --detail 自来水接入 --date 2020-04-30")


# ------------------------------------------------------------------------------- helpers


def stored_states(db: str | Path) -> list[dict[str, Any]]:
    """The stored events' state, read straight from the SQLite file, in log order."""
    if not Path(db).exists():
        return []
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT state FROM stored_events ORDER BY rowid").fetchall()
    connection.close()
    return [json.loads(state) for (state,) in rows]


def no_traceback(result: Result) -> None:
    for text in (result.output, result.stdout, result.stderr):
        assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


class Campaign:
    """The command line on a store in a temporary folder, with the engine's clock fixed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = str(folder / "campaign.db")
        self.clock = FixedClock(at("2020-07-10 10:00"))
        self.runner = CliRunner()

    def __call__(
        self, *args: str, db: bool = True, env: dict[str, str | None] | None = None
    ) -> Result:
        argv = [*args, "--db", self.db] if db else list(args)
        environment: dict[str, str | None] = {"CAMPAIGN_DB": None, "CAMPAIGN_ACTOR": None}
        result = self.runner.invoke(
            cli, argv, obj=Config(clock=self.clock), env=environment | (env or {})
        )
        no_traceback(result)
        return result

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return result

    def events(self) -> int:
        return len(stored_states(self.db))


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def confirmed(text: str, events: int) -> str:
    """A write's output: one line saying what it did, then its receipt, HASH@POSITION (the
    log's head once the write was kept); the line is returned."""
    line, receipt = text.splitlines()
    head, _, position = receipt.removeprefix("receipt ").partition("@")
    assert receipt.startswith("receipt ") and len(bytes.fromhex(head)) == 32, receipt
    assert int(position) == events, receipt
    return line


@pytest.fixture
def run(tmp_path: Path) -> Campaign:
    return Campaign(tmp_path)


@pytest.fixture
def store(run: Campaign) -> Iterator[tuple[Campaign, str]]:
    """Campaign 2020 open, ZZ-001 registered, reported on 2020-04-16, a water request filed on
    2020-04-30 (7 working days: due 2020-05-13), all through the command line."""
    run.ok(*OPEN)
    run.ok(*REGISTER)
    run.ok(*REPORT)
    filed = run.ok(*FILE, "--json")
    request_id = json.loads(filed.stdout)["id"]
    assert run.events() == 4
    yield run, request_id


def argv(line: str, request_id: str = "") -> list[str]:
    """A command line as a user types it; {id} stands for the filed request's id."""
    return shlex.split(line.format(id=request_id))


# ------------------------------------------------------------------ success of each command

SUCCESS = {
    "register_project": (
        REGISTER_ZZ.format(code="ZZ-002", plan="15000") + " --factory-area-m2 12000",
        "registered ZZ-002",
    ),
    "revise_plan": (
        "project revise ZZ-001 --annual-plan 12000 --reason 年中调整 --date 2020-06-15",
        "12000",
    ),
    "reach_milestone": ("project milestone ZZ-001 signed --date 2020-02-01", "signed"),
    "terminate_project": (
        "project terminate ZZ-001 --reason 投资方撤资 --date 2020-06-20",
        "terminated",
    ),
    "report_progress": (
        "progress report ZZ-001 --date 2020-04-17 --investment 80 --funds 50"
        " --physical-pct 12 --workers 85 --note 桩基",
        "2020-04-17",
    ),
    "correct_progress": (
        "progress correct ZZ-001 --date 2020-04-16 --investment 100 --reason 发票核对",
        "corrected",
    ),
    "file_factor": (
        "factor file ZZ-001 --category power --detail 10kV --date 2020-04-24 --key k-1",
        # 10 working days on this store's calendar: 27-30 Apr, 6-8 May, Sat 9 May, 11-12 May.
        "2020-05-12",
    ),
    "extend_factor": (
        "factor extend {id} --due 2020-05-29 --reason 省厅审批 --date 2020-05-06",
        "2020-05-29",
    ),
    "escalate_factor": (
        "factor escalate {id} --level 2 --note 约谈 --date 2020-05-14",
        "level 2",
    ),
    "resolve_factor": (
        "factor resolve {id} --outcome fulfilled --note 已办结 --date 2020-05-20",
        "fulfilled",
    ),
}


def test_opening_a_campaign_prints_one_line_and_its_receipt_and_appends_one_event(
    run: Campaign,
) -> None:
    result = run.ok(*OPEN)
    line = confirmed(result.stdout, events=1)
    assert "枣庄高新区百日会战 2020" in line
    assert result.stderr == ""
    assert run.events() == 1


def test_opening_a_campaign_with_json_prints_one_json_document(run: Campaign) -> None:
    result = run.ok(*OPEN, "--json")
    doc = json.loads(result.stdout)
    assert (doc["command"], doc["appended"], doc["position"]) == ("open_campaign", 1, 1)
    assert len(bytes.fromhex(doc["head"])) == 32
    assert result.stderr == ""


def test_a_campaign_is_opened_from_a_json_file(run: Campaign, tmp_path: Path) -> None:
    source = tmp_path / "campaign.json"
    source.write_text(
        json.dumps(
            {
                "name": "百日会战",
                "year": 2020,
                "start": "2020-03-23",
                "end": "2020-06-30",
                "sla_days": {"land": 20},
                "lights": {"green": 0.8, "yellow": 0.6},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    run.ok("open", "--from", str(source))
    (state,) = stored_states(run.db)
    assert state["sla_days"] == {"land": 20}
    assert state["lights"] == {"green": "0.8", "yellow": "0.6"}


@pytest.mark.parametrize("cmd", list(SUCCESS))
def test_every_command_prints_a_one_line_confirmation_and_its_receipt(
    store: tuple[Campaign, str], cmd: str
) -> None:
    run, request_id = store
    args, shown = SUCCESS[cmd]
    result = run(*argv(args, request_id))
    assert result.exit_code == 0, result.output
    line = confirmed(result.stdout, events=run.events())
    assert shown in line
    assert result.stderr == ""
    assert run.events() > 4


@pytest.mark.parametrize("cmd", list(SUCCESS))
def test_every_command_with_json_prints_one_json_document(
    store: tuple[Campaign, str], cmd: str
) -> None:
    run, request_id = store
    args, _ = SUCCESS[cmd]
    result = run(*argv(args, request_id), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["command"] == cmd
    assert doc["appended"] == run.events() - 4 >= 1
    assert isinstance(doc["message"], str)
    assert result.stderr == ""


def test_a_missing_date_means_the_engines_today(store: tuple[Campaign, str]) -> None:
    run, _ = store
    result = run.ok("progress", "report", "ZZ-001", "--investment", "5")
    assert "2020-07-10" in result.stdout
    assert stored_states(run.db)[-1]["date"] == "2020-07-10"


def test_the_same_report_again_succeeds_and_appends_nothing(store: tuple[Campaign, str]) -> None:
    run, _ = store
    result = run.ok(*REPORT[:-1], "120.50", "--json")
    assert json.loads(result.stdout)["appended"] == 0
    assert run.events() == 4


def test_the_same_factor_key_returns_the_same_id(store: tuple[Campaign, str]) -> None:
    run, _ = store
    args = [*FILE, "--key", "ZZ-001/water-1", "--json"]
    first = json.loads(run.ok(*args).stdout)
    before = run.events()
    again = json.loads(run.ok(*args).stdout)
    assert (again["id"], again["appended"]) == (first["id"], 0)
    assert run.events() == before


# ---------------------------------------------------------------------------- refusals

REFUSED = {
    "open again": (
        " ".join(shlex.quote(a) for a in OPEN),
        "name=",
        "'枣庄高新区百日会战 2020'",
        "once per store",
    ),
    "register twice": (
        REGISTER_ZZ.format(code="ZZ-001", plan="15000"),
        "code=",
        "ZZ-001",
        "already registered",
    ),
    "plan over total": (
        REGISTER_ZZ.format(code="ZZ-002", plan="60000"),
        "annual_plan=",
        "60000.00",
        "more than total_investment",
    ),
    "revise with 3 decimals": (
        "project revise ZZ-001 --annual-plan 1.234 --reason r",
        "annual_plan=",
        "1.234",
        "more than 2 decimal places",
    ),
    "milestone out of order": (
        "project milestone ZZ-001 started --date 2020-04-18",
        "milestone=",
        "started",
        "needs signed first",
    ),
    "terminate before registration": (
        "project terminate ZZ-001 --reason r --date 2020-01-05",
        "date=",
        "2020-01-05",
        "before project ZZ-001 was registered",
    ),
    "report after today": (
        "progress report ZZ-001 --date 2020-07-11 --investment 1",
        "date=",
        "2020-07-11",
        "after the engine's today (2020-07-10)",
    ),
    "report negative": (
        "progress report ZZ-001 --date 2020-04-17 --investment=-1",
        "investment=",
        "-1",
        "0 or more",
    ),
    "report other values": (
        "progress report ZZ-001 --date 2020-04-16 --investment 99",
        "investment=",
        "99.00",
        "use correct",
    ),
    "report unknown project": (
        "progress report ZZ-404 --investment 1 --date 2020-04-16",
        "code=",
        "ZZ-404",
        "is not a registered project",
    ),
    "correct a day not reported": (
        "progress correct ZZ-001 --date 2020-04-17 --investment 1 --reason r",
        "date=",
        "2020-04-17",
        "no report for that day",
    ),
    "file unknown category": (
        "factor file ZZ-001 --category money --detail d",
        "category=",
        "money",
        "'finance'",
    ),
    "extend not later": (
        "factor extend {id} --due 2020-05-13 --reason r --date 2020-05-06",
        "due=",
        "2020-05-13",
        "not later than the due date in force",
    ),
    "escalate level 4": (
        "factor escalate {id} --level 4 --note n --date 2020-05-14",
        "level=",
        "4",
        "less than or equal to 3",
    ),
    "resolve unknown outcome": (
        "factor resolve {id} --outcome done --note n",
        "outcome=",
        "done",
        "'rejected'",
    ),
    "resolve unknown id": (
        "factor resolve NOPE-1 --outcome fulfilled --note n",
        "id=",
        "NOPE-1",
        "is not a filed factor request",
    ),
    "resolve before filing": (
        "factor resolve {id} --outcome fulfilled --note n --date 2020-04-29",
        "date=",
        "2020-04-29",
        "before the request was filed (2020-04-30)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_command_exits_1_with_one_line_naming_field_value_and_rule(
    store: tuple[Campaign, str], case: str
) -> None:
    run, request_id = store
    args, field, value, rule = REFUSED[case]
    before = stored_states(run.db)
    for extra in ([], ["--json"]):
        result = run(*argv(args, request_id), *extra)
        assert result.exit_code == 1, result.output
        line = one_line(result.stderr)
        assert f"{field}{value}: " in line
        assert rule in line
        assert result.stdout == ""
        assert stored_states(run.db) == before


def test_a_command_before_any_campaign_is_refused_without_creating_a_store(
    run: Campaign,
) -> None:
    result = run(*REPORT)
    assert result.exit_code == 1
    assert "no campaign store" in one_line(result.stderr)
    assert not Path(run.db).exists()


def test_a_command_on_a_store_without_a_campaign_is_refused(run: Campaign) -> None:
    open_store(Settings(db=run.db)).close()
    result = run(*REGISTER)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "campaign=" in line
    assert "open one first" in line
    assert run.events() == 0


# ------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args",
    [
        "project revise ZZ-001 --reason r",  # missing --annual-plan
        "progress report ZZ-001",  # missing --investment
        "progress report --investment 1",  # missing CODE
        "progress report ZZ-001 --investment 1 --bogus",
        "factor resolve {id} --outcome fulfilled",  # missing --note
        "factor file ZZ-001 --detail d --colour red",
        "open 名字 --year 2020",  # missing --start, --end
        "open 名字 --year twenty --start 2020-03-23 --end 2020-06-30",
        "open 名字 --year 2020 --start 2020-03-23 --end 2020-06-30 --sla land",
        "project register --code ZZ-009",  # missing the other fields
        "project milestone ZZ-001",  # missing MILESTONE
        "frobnicate",
    ],
)
def test_a_usage_error_exits_2_and_appends_nothing(store: tuple[Campaign, str], args: str) -> None:
    run, request_id = store
    result = run(*argv(args, request_id))
    assert result.exit_code == 2, result.output
    assert "Error" in result.stderr
    assert result.stdout == ""
    assert run.events() == 4


def leaf_commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    context = click.Context(group)
    for name in group.list_commands(context):  # sorted; lazily named commands loaded here
        command = group.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(leaf_commands(cli))


def test_the_command_tree_has_every_write_command_of_the_spec() -> None:
    for expected in [
        ("open",),
        ("project", "register"),
        ("project", "revise"),
        ("project", "milestone"),
        ("project", "terminate"),
        ("progress", "report"),
        ("progress", "correct"),
        ("factor", "file"),
        ("factor", "extend"),
        ("factor", "escalate"),
        ("factor", "resolve"),
        ("status",),
        ("scenario", "run"),
    ]:
        assert expected in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(run: Campaign, path: tuple[str, ...]) -> None:
    result = run(*path, "--help", db=False)
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout
    assert result.stderr == ""


def test_the_top_level_help_lists_the_groups(run: Campaign) -> None:
    result = run("--help", db=False)
    assert result.exit_code == 0
    for name in ("open", "project", "progress", "factor", "status", "scenario"):
        assert name in result.stdout


# ---------------------------------------------------------------- where the store lives


def test_db_names_the_store(run: Campaign, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    result = run(*OPEN, "--db", str(elsewhere), db=False)
    assert result.exit_code == 0, result.output
    assert len(stored_states(elsewhere)) == 1
    assert not Path(run.db).exists()


def test_campaign_db_names_the_store_when_db_is_not_given(run: Campaign, tmp_path: Path) -> None:
    from_env = tmp_path / "from-env.db"
    result = run(*OPEN, db=False, env={"CAMPAIGN_DB": str(from_env)})
    assert result.exit_code == 0, result.output
    assert len(stored_states(from_env)) == 1
    result = run(*REGISTER, db=False, env={"CAMPAIGN_DB": str(from_env)})
    assert result.exit_code == 0, result.output
    assert len(stored_states(from_env)) == 2


def test_db_wins_over_campaign_db(run: Campaign, tmp_path: Path) -> None:
    from_env = tmp_path / "from-env.db"
    result = run(*OPEN, env={"CAMPAIGN_DB": str(from_env)})
    assert result.exit_code == 0, result.output
    assert run.events() == 1
    assert not from_env.exists()


def test_without_db_or_campaign_db_the_store_is_campaign_db_in_the_current_folder(
    run: Campaign, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "office"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run(*OPEN, db=False)
    assert result.exit_code == 0, result.output
    assert len(stored_states(here / "campaign.db")) == 1
    assert not Path(run.db).exists()


# -------------------------------------------------------------------------------- actor


def test_the_actor_is_the_os_user_by_default(run: Campaign) -> None:
    run.ok(*OPEN)
    assert stored_states(run.db)[-1]["actor"] == getpass.getuser()


def test_actor_names_who_records_the_event(run: Campaign) -> None:
    run.ok(*OPEN, "--actor", "区重点项目办")
    run.ok(*REGISTER, "--actor", "王科长")
    assert [s["actor"] for s in stored_states(run.db)] == ["区重点项目办", "王科长"]


def test_campaign_actor_names_who_records_when_actor_is_not_given(run: Campaign) -> None:
    result = run(*OPEN, env={"CAMPAIGN_ACTOR": "督查室"})
    assert result.exit_code == 0, result.output
    result = run(*REGISTER, "--actor", "王科长", env={"CAMPAIGN_ACTOR": "督查室"})
    assert result.exit_code == 0, result.output
    assert [s["actor"] for s in stored_states(run.db)] == ["督查室", "王科长"]


# ------------------------------------------------------------------------- CSV register

CSV_FIELDS = [
    "code",
    "name",
    "sector",
    "category",
    "unit",
    "leader",
    "total_investment",
    "annual_plan",
    "date",
    "planned_start",
    "industrial",
]


def csv_row(code: str, **changes: str) -> dict[str, str]:
    row = {
        "code": code,
        "name": f"项目 {code}",
        "sector": "photonics",
        "category": "new",
        "unit": "区招商局",
        "leader": "李副区长",
        "total_investment": "30000",
        "annual_plan": "10000",
        "date": "2020-01-06",
        "planned_start": "2020-04-10",
        "industrial": "true",
    }
    return row | changes


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def opened_cli(run: Campaign) -> Campaign:
    run.ok(*OPEN)
    return run


def test_register_from_a_csv_registers_every_row(opened_cli: Campaign, tmp_path: Path) -> None:
    run = opened_cli
    source = write_csv(
        tmp_path / "projects.csv",
        [csv_row("ZZ-101"), csv_row("ZZ-102", planned_start=""), csv_row("ZZ-103")],
    )
    result = run.ok("project", "register", "--from", str(source))
    line = result.stdout.splitlines()[0]
    assert "3" in line
    states = stored_states(run.db)
    assert [s.get("code") for s in states[1:]] == ["ZZ-101", "ZZ-102", "ZZ-103"]
    assert "planned_start" not in states[2]
    assert states[1]["industrial"] is True


def test_register_from_a_csv_with_json_prints_one_document(
    opened_cli: Campaign, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "projects.csv", [csv_row("ZZ-101"), csv_row("ZZ-102")])
    result = opened_cli.ok("project", "register", "--from", str(source), "--json")
    doc = json.loads(result.stdout)
    assert doc["appended"] == 2
    assert [r["id"] for r in doc["results"]] == ["ZZ-101", "ZZ-102"]


@pytest.mark.parametrize(
    ("rows", "line", "named"),
    [
        # row 1 is the header: the N-th project is row N + 1.
        ([csv_row("A-1"), csv_row("A-2", sector="steel")], 3, "sector=steel"),
        ([csv_row("A-1"), csv_row("A-2"), csv_row("A-3", date="2020-13-01")], 4, "date="),
        ([csv_row("A-1"), csv_row("A-2"), csv_row("A-1")], 4, "is also on row 2"),
        ([csv_row("A-1", annual_plan="30000.01")], 2, "more than total_investment"),
        ([csv_row("A-1"), csv_row("A-2", total_investment="")], 3, "total_investment="),
        ([csv_row("A-1"), csv_row("A-2", date="2020-07-11")], 3, "today"),
    ],
)
def test_a_csv_with_a_bad_row_appends_nothing_and_names_its_row(
    opened_cli: Campaign, tmp_path: Path, rows: list[dict[str, str]], line: int, named: str
) -> None:
    source = write_csv(tmp_path / "projects.csv", rows)
    result = opened_cli("project", "register", "--from", str(source))
    assert result.exit_code == 1, result.output
    message = one_line(result.stderr)
    assert f"projects.csv row {line}, " in message
    assert named in message
    assert opened_cli.events() == 1


# ------------------------------------------------------------------------------- status


def test_status_shows_the_campaign_and_the_events(store: tuple[Campaign, str]) -> None:
    run, _ = store
    result = run.ok("status")
    assert "枣庄高新区百日会战 2020" in result.stdout
    assert re.search(r"^事件\s+4 条", result.stdout, re.MULTILINE), result.stdout
    assert result.stderr == ""


def test_status_json_counts_the_events(store: tuple[Campaign, str]) -> None:
    run, _ = store
    doc = json.loads(run.ok("status", "--json").stdout)
    assert doc["events"] == 4
    assert doc["campaign"]["name"] == "枣庄高新区百日会战 2020"
    assert doc["campaign"]["simulated"] is False
    assert doc["projects"] == 1


def test_status_of_a_missing_store_is_refused(run: Campaign) -> None:
    result = run("status")
    assert result.exit_code == 1
    one_line(result.stderr)


# ----------------------------------------------------------------------------- scenario


def bad_copy(tmp_path: Path, number: int, line: str) -> Path:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    lines.insert(number - 1, line)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_scenario_run_loads_the_demo(run: Campaign) -> None:
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    keyed = sum('"key"' in line for line in lines)  # a keyed filing also records its key
    result = run.ok("scenario", "run", str(DEMO))
    assert "demo.jsonl" in confirmed(result.stdout, events=len(lines) + keyed)
    status = json.loads(run.ok("status", "--json").stdout)
    assert status["events"] == len(lines) + keyed
    assert status["campaign"]["simulated"] is True
    assert status["projects"] == 5
    assert status["terminated"] == 1


def test_scenario_run_with_json_prints_one_document(run: Campaign) -> None:
    doc = json.loads(run.ok("scenario", "run", str(DEMO), "--json").stdout)
    assert doc["commands"] == len(DEMO.read_text(encoding="utf-8").splitlines())
    assert doc["appended"] == run.events()


def test_scenario_run_on_a_bad_line_names_it_and_leaves_the_store_empty(
    run: Campaign, tmp_path: Path
) -> None:
    bad = '{"at": "2020-04-15T18:20:00+08:00", "cmd": "report_progress", "code": "DM-009", '
    bad += '"date": "2020-04-15", "investment": 1}'
    result = run("scenario", "run", str(bad_copy(tmp_path, 24, bad)))
    assert result.exit_code == 1, result.output
    line = one_line(result.stderr)
    assert "line 24:" in line
    assert "DM-009" in line
    assert result.stdout == ""
    # the store file the run created is gone again: nothing is left behind
    assert not Path(run.db).exists()
    assert "no campaign store" in one_line(run("status").stderr)


def test_scenario_run_only_loads_into_an_empty_store(store: tuple[Campaign, str]) -> None:
    run, _ = store
    result = run("scenario", "run", str(DEMO))
    assert result.exit_code == 1
    assert "empty store" in one_line(result.stderr)
    assert run.events() == 4


def test_scenario_run_of_a_missing_file_is_refused(run: Campaign, tmp_path: Path) -> None:
    result = run("scenario", "run", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 1
    one_line(result.stderr)


# -------------------------------------------------------------- the installed console script


def console_script() -> str:
    beside = Path(sys.executable).parent / "campaign"
    found = str(beside) if beside.exists() else shutil.which("campaign")
    if found is None:
        pytest.skip("the campaign console script is not installed")
    return found


def campaign_command() -> list[str]:
    """The `campaign` command: the installed console script, else its entry point run by
    this Python."""
    beside = Path(sys.executable).parent / "campaign"
    found = str(beside) if beside.exists() else shutil.which("campaign")
    if found is not None:
        return [found]
    return [sys.executable, "-c", "from cli.main import main; main()"]


def snapshots_in(db: str) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM projection_snapshots").fetchone()
    connection.close()
    return int(count)


def test_the_installed_command_refuses_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "campaign.db")
    with open_engine(Settings(db=db, clock=FixedClock(at("2020-07-10 10:00")))) as engine:
        engine.execute(
            parse_command(
                "open_campaign",
                {"name": "百日会战", "year": 2020, "start": "2020-03-23", "end": "2020-06-30"},
            ),
            actor="tester",
        )
    argv = [console_script(), "progress", "report", "ZZ-404", "--investment", "1"]
    argv += ["--date", "2020-04-16", "--db", db]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    line = one_line(done.stderr)
    assert "code=ZZ-404" in line
    assert "is not a registered project" in line
    assert "Traceback" not in done.stderr
    assert len(stored_states(db)) == 1


def test_two_processes_print_the_same_checkpoint_bytes(run: Campaign) -> None:
    """The same log and query give the same bytes in two separate processes (SPEC §6.7): the
    first also takes the projection snapshots the second starts from, and a full replay
    (--no-snapshot) prints them too."""
    run.clock.at = at("2020-12-31 12:00")  # after the reference's last recorded time
    loaded = run("scenario", "run", str(REFERENCE), "--json")
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["appended"] > 5000
    query = [*campaign_command(), "checkpoint", "--as-of", "2020-06-30", "--json", "--db", run.db]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    outputs = []
    for extra in ([], [], ["--no-snapshot"]):
        done = subprocess.run(
            [*query, *extra], capture_output=True, env=environment, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        assert done.stderr == b""
        outputs.append(done.stdout)
    first, second, full = outputs
    assert first == second == full
    hashes = {json.loads(output)["receipt"]["state_hash"] for output in outputs}
    assert len(hashes) == 1
    assert snapshots_in(run.db) > 0  # the second process could start from a snapshot


# ------------------------------------------------------------------ one line, whatever the text


def test_a_name_holding_a_line_break_or_an_escape_is_refused_in_one_line(
    opened_cli: Campaign,
) -> None:
    before = opened_cli.events()
    for name in ("锂电池\n二期", "锂电池\x1b[31m二期", "锂电池\u202e二期"):
        args = argv(REGISTER_ZZ.format(code="ZZ-002", plan="15000"))
        args[args.index("--name") + 1] = name
        result = opened_cli(*args)
        assert result.exit_code == 1
        line = one_line(result.stderr)
        assert line.startswith("Error: name=")
        assert "control character" in line
        assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert opened_cli.events() == before


def test_a_db_that_is_a_folder_is_refused_in_one_line(run: Campaign, tmp_path: Path) -> None:
    result = run(*OPEN, "--db", str(tmp_path), db=False)
    assert result.exit_code == 1
    assert "folder" in one_line(result.stderr)


def _leaving(script: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    code = f"import atexit, sys, threading, time\nfrom cli.main import leave\n{script}"
    return subprocess.run(
        [sys.executable, "-c", code], text=True, timeout=60, check=False, **kwargs
    )


def test_leaving_flushes_the_output_and_runs_the_exit_handlers_with_the_code() -> None:
    done = _leaving(
        "atexit.register(print, 'handled')\nprint('out', end=' ')\nleave(3)", capture_output=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "out handled\n", "")


def test_leaving_waits_for_a_running_thread_as_any_exit_does() -> None:
    done = _leaving(
        "threading.Thread(target=lambda: (time.sleep(0.3), print('finished'))).start()\nleave(0)",
        capture_output=True,
    )
    assert (done.returncode, done.stdout) == (0, "finished\n")


def test_a_command_printing_into_a_closed_pipe_exits_1_without_a_word() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written (head, a closed pager)
    try:
        done = subprocess.run(
            [*campaign_command(), "--help"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")

"""Held-out bad lines for `campaign scenario run` (SPEC §3, §8).

Each test puts one bad line at a known line number of a scenario that is otherwise valid (a copy
of scenarios/demo.jsonl, or the small scenario below) and checks that the run exits 1 with one
line on stderr naming that line number, and that the store holds 0 events afterwards: a bad
line appends nothing from the file.

The command line runs on in-memory stores (tests/fakes.py) put in place of the composition
root's; tests/integration/test_scenario_rules_on_backends.py runs a few of these on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from campaign import FixedClock, LineError, Settings, bootstrap
from campaign.app.scenario import load
from cli.context import Config
from cli.main import cli
from tests.conftest import CAMPAIGN_2020, Harness, at
from tests.fakes import MemoryStores

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.jsonl"


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch) -> MemoryStores:
    """In-memory stores in place of the composition root's: `--db` names one of them."""
    stores = MemoryStores()
    monkeypatch.setattr(bootstrap, "open_engine", stores.open_engine)
    monkeypatch.setattr(bootstrap, "open_store", stores.open_store)
    return stores


def run_scenario(memory: MemoryStores, tmp_path: Path, lines: list[str]) -> tuple[int, str, int]:
    """Run the scenario made of `lines`: (exit code, stderr, events stored afterwards)."""
    path = tmp_path / "scenario.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    db = tmp_path / "campaign.db"
    result = CliRunner().invoke(
        cli,
        ["scenario", "run", str(path), "--db", str(db)],
        obj=Config(clock=FixedClock(at("2020-07-10 10:00"))),
        env={"CAMPAIGN_DB": None, "CAMPAIGN_ACTOR": None},
    )
    for text in (result.output, result.stderr):
        assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not db.exists()  # the run went to the in-memory store
    return result.exit_code, result.stderr, memory.events(str(db))


def assert_refused_at(
    memory: MemoryStores, tmp_path: Path, lines: list[str], number: int, *named: str
) -> None:
    code, stderr, events = run_scenario(memory, tmp_path, lines)
    assert code == 1, stderr
    (line,) = stderr.splitlines()
    assert f"scenario.jsonl line {number}: " in line
    for text in named:
        assert text in line
    assert events == 0


def demo_with(number: int, bad: str) -> list[str]:
    """The demo scenario with `bad` inserted so that it is line `number`."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    lines.insert(number - 1, bad)
    return lines


def demo_at(number: int) -> str:
    """The `at` of the demo's line `number` (so that a line put after it keeps `at` in order)."""
    line = DEMO.read_text(encoding="utf-8").splitlines()[number - 1]
    text: str = json.loads(line)["at"]
    return text


# ====================================================== the lines SPEC §8 rules out (demo)

DEMO_LINES = len(DEMO.read_text(encoding="utf-8").splitlines())
REPORT_FIELDS = '"code": "DM-001", "date": "2020-04-16", "investment": 10'


def test_the_demo_scenario_loads_as_it_is(memory: MemoryStores, tmp_path: Path) -> None:
    code, stderr, events = run_scenario(
        memory, tmp_path, DEMO.read_text(encoding="utf-8").splitlines()
    )
    assert code == 0, stderr
    assert events > DEMO_LINES - 1


@pytest.mark.parametrize(
    ("number", "bad", "named"),
    [
        # not JSON, or not a JSON object
        (20, '{"at": "2020-04-01T09:00:00+08:00", "cmd": "report_progress",', ["not valid JSON"]),
        (5, "[1, 2, 3]", ["must be a JSON object"]),
        (30, "report DM-001 10", ["not valid JSON"]),
        # at: missing, not a string, not ISO-8601, without an offset, earlier than the line before
        (30, '{"cmd": "report_progress", ' + REPORT_FIELDS + "}", ["at="]),
        (30, '{"at": 20200430, "cmd": "report_progress", ' + REPORT_FIELDS + "}", ["at="]),
        (30, '{"at": "yesterday", "cmd": "report_progress", ' + REPORT_FIELDS + "}", ["at="]),
        (
            30,
            '{"at": "2020-04-30T18:20:00", "cmd": "report_progress", ' + REPORT_FIELDS + "}",
            ["at=", "offset"],
        ),
        (
            30,
            '{"at": "2020-04-16T18:00:00+08:00", "cmd": "report_progress", ' + REPORT_FIELDS + "}",
            ["at=", "earlier than the line before"],
        ),
        # at: a time UTC cannot hold (its day in UTC before the year 1, or after 9999)
        (
            1,
            '{"at": "0001-01-01T00:00:00+08:00", "cmd": "open_campaign", "name": "x", '
            '"year": 2020, "start": "2020-03-23", "end": "2020-06-30"}',
            ["at=0001-01-01T00:00:00+08:00", "outside the times that can be recorded", "year 1"],
        ),
        (  # after 9999 in UTC: in the future, as any later time
            30,
            '{"at": "9999-12-31T23:00:00-05:00", "cmd": "report_progress", ' + REPORT_FIELDS + "}",
            ["at=9999-12-31T23:00:00-05:00", "is in the future"],
        ),
        (  # in UTC it is the year 1, in the campaign's zone the year before: named as written
            1,
            '{"at": "0001-01-01T03:00:00+02:00", "cmd": "open_campaign", "name": "x", '
            '"year": 2020, "start": "2020-03-23", "end": "2020-06-30", '
            '"timezone": "America/New_York"}',
            ["at=0001-01-01T03:00:00+02:00", "America/New_York", "before the year 1"],
        ),
        # cmd: missing, unknown
        (30, '{"at": "2020-04-30T18:20:00+08:00", ' + REPORT_FIELDS + "}", ["cmd="]),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report", ' + REPORT_FIELDS + "}",
            ["cmd=report", "not a command"],
        ),
        # the first line is not open_campaign
        (
            1,
            '{"at": "2020-03-20T08:00:00+08:00", "cmd": "report_progress", ' + REPORT_FIELDS + "}",
            ["open_campaign"],
        ),
        # refs: unknown, already used, given with an id
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "resolve_factor", "ref": "dm9-land", '
            '"outcome": "fulfilled", "date": "2020-04-30", "note": "x"}',
            ["ref=dm9-land", "names no factor request"],
        ),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "file_factor", "ref": "dm2-land", '
            '"code": "DM-002", "category": "water", "detail": "x", "date": "2020-04-30"}',
            ["ref=dm2-land", "already used by line 15"],
        ),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "escalate_factor", "ref": "dm2-land", '
            '"id": "X", "level": 1, "date": "2020-04-30", "note": "x"}',
            ["ref=dm2-land", "either ref or id"],
        ),
        # input no parser should choke on: nested 1,000 deep, a 5,000-digit integer, an
        # exponent no decimal context holds, 1_000 and exponents written as text
        (30, '{"at": ' + "[" * 1000 + "]" * 1000 + "}", ["nests its values too deeply"]),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", '
            + REPORT_FIELDS
            + ', "workers": '
            + "9" * 5000
            + "}",
            ["holds a number too long to read"],
        ),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", "code": "DM-001", '
            '"date": "2020-04-30", "investment": 1E+2147483647}',
            ["investment=1E+2147483647", "must be below"],
        ),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", "code": "DM-001", '
            '"date": "2020-04-30", "investment": "1E+2147483647"}',
            ["investment=1E+2147483647", "written with digits"],
        ),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", "code": "DM-001", '
            '"date": "2020-04-30", "investment": "1_000"}',
            ["investment=1_000", "written with digits"],
        ),
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", "code": "DM-001", '
            '"date": "2020-04-30", "investment": 1, "note": "\\u001b[31m红"}',
            ["note=", "control character U+001B"],
        ),
        # a field the command does not have
        (
            30,
            '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", '
            + REPORT_FIELDS
            + ', "investmnet": 5}',
            ["investmnet=5", "not a field"],
        ),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, str) else None,
)
def test_a_bad_line_in_the_demo_is_named_and_nothing_is_stored(
    memory: MemoryStores, tmp_path: Path, number: int, bad: str, named: list[str]
) -> None:
    assert_refused_at(memory, tmp_path, demo_with(number, bad), number, *named)


def test_a_bad_last_line_is_named_and_nothing_is_stored(
    memory: MemoryStores, tmp_path: Path
) -> None:
    bad = (
        '{"at": "2020-07-04T09:00:00+08:00", "cmd": "report_progress", "code": "DM-001", '
        '"date": "2020-07-04", "investment": "1.005"}'
    )
    number = DEMO_LINES + 1
    assert_refused_at(
        memory, tmp_path, demo_with(number, bad), number, "investment=1.005", "decimal"
    )


def test_blank_lines_count_in_the_line_numbers(memory: MemoryStores, tmp_path: Path) -> None:
    lines = demo_with(10, "")
    lines = [*lines[:19], "   ", *lines[19:]]
    bad = '{"at": "' + demo_at(22) + '", "cmd": "report", "code": "DM-001"}'
    lines.insert(24, bad)  # physical line 25, after the two blank lines
    assert_refused_at(memory, tmp_path, lines, 25, "cmd=report")


def test_a_scenario_of_blank_lines_only_is_refused(memory: MemoryStores, tmp_path: Path) -> None:
    code, stderr, events = run_scenario(memory, tmp_path, ["", "  "])
    assert code == 1
    assert len(stderr.splitlines()) == 1
    assert events == 0


def test_the_library_names_the_line_too(harness: Harness, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    bad = '{"at": "' + demo_at(29) + '", "cmd": "report_progress", "code": "DM-404", '
    bad += '"date": "2020-04-30", "investment": 1}'
    path.write_text("\n".join(demo_with(30, bad)) + "\n", encoding="utf-8")
    with pytest.raises(LineError) as caught:
        load(harness.engine, path, actor="tester")
    assert caught.value.where == "line 30"
    assert "code=DM-404" in str(caught.value)
    assert harness.events() == 0


# ============================================= each rule of SPEC §3 (a small scenario)

OPEN_LINE: dict[str, Any] = {"cmd": "open_campaign", **CAMPAIGN_2020}
P1 = {
    "cmd": "register_project",
    "code": "P-1",
    "name": "光电产业园",
    "sector": "photonics",
    "category": "new",
    "unit": "区招商局",
    "leader": "李副区长",
    "total_investment": 30000,
    "annual_plan": 10000,
    "date": "2020-01-06",
    "planned_start": "2020-04-10",
}
P2 = P1 | {"code": "P-2", "name": "续建项目", "category": "continuing"}

# The small scenario, line by line (line 1 first). P-2 is terminated on 2020-04-01 (line 7);
# the land request `land` of P-1 is filed on 2020-03-23 (20 working days: due 2020-04-21),
# extended on 2020-04-17 (line 9), escalated on 2020-04-24 (line 10), resolved on 2020-05-29.
BASE: list[tuple[str, dict[str, Any]]] = [
    ("2020-03-20T09:00:00+08:00", OPEN_LINE),
    ("2020-03-20T10:00:00+08:00", P1),
    ("2020-03-20T10:01:00+08:00", P2),
    (
        "2020-03-20T10:02:00+08:00",
        {"cmd": "reach_milestone", "code": "P-1", "milestone": "signed", "date": "2019-12-20"},
    ),
    (
        "2020-03-20T17:00:00+08:00",
        {
            "cmd": "report_progress",
            "code": "P-1",
            "date": "2020-03-20",
            "investment": 100,
            "funds": 50,
        },
    ),
    (
        "2020-03-23T09:00:00+08:00",
        {
            "cmd": "file_factor",
            "ref": "land",
            "code": "P-1",
            "category": "land",
            "detail": "供地",
            "date": "2020-03-23",
        },
    ),
    (
        "2020-04-01T10:00:00+08:00",
        {"cmd": "terminate_project", "code": "P-2", "date": "2020-04-01", "reason": "撤资"},
    ),
    (
        "2020-04-15T18:00:00+08:00",
        {"cmd": "report_progress", "code": "P-1", "date": "2020-04-15", "investment": 800},
    ),
    (
        "2020-04-17T11:00:00+08:00",
        {
            "cmd": "extend_factor",
            "ref": "land",
            "due": "2020-05-29",
            "date": "2020-04-17",
            "reason": "省厅批复",
        },
    ),
    (
        "2020-04-24T09:00:00+08:00",
        {"cmd": "escalate_factor", "ref": "land", "level": 1, "date": "2020-04-24", "note": "督办"},
    ),
    (
        "2020-05-29T16:00:00+08:00",
        {
            "cmd": "resolve_factor",
            "ref": "land",
            "outcome": "fulfilled",
            "date": "2020-05-29",
            "note": "出让完成",
        },
    ),
    (
        "2020-06-30T18:00:00+08:00",
        {"cmd": "report_progress", "code": "P-1", "date": "2020-06-30", "investment": 900},
    ),
]


def base_lines() -> list[str]:
    return [json.dumps({"at": when, **fields}, ensure_ascii=False) for when, fields in BASE]


def base_with(number: int, fields: dict[str, Any]) -> list[str]:
    """The small scenario with a line inserted so that it is line `number`; its `at` is that of
    the line before it (equal times are allowed)."""
    when = BASE[max(number - 2, 0)][0]
    lines = base_lines()
    lines.insert(number - 1, json.dumps({"at": when, **fields}, ensure_ascii=False))
    return lines


def test_the_small_scenario_loads_as_it_is(memory: MemoryStores, tmp_path: Path) -> None:
    code, stderr, events = run_scenario(memory, tmp_path, base_lines())
    assert code == 0, stderr
    assert events == len(BASE)


def report(**changes: Any) -> dict[str, Any]:
    return {
        "cmd": "report_progress",
        "code": "P-1",
        "date": "2020-03-21",
        "investment": 1,
    } | changes


def milestone(**changes: Any) -> dict[str, Any]:
    return {"cmd": "reach_milestone", "code": "P-1", "milestone": "started"} | changes


def file(**changes: Any) -> dict[str, Any]:
    fields = {"cmd": "file_factor", "code": "P-1", "category": "power", "detail": "x"}
    return fields | changes


def by_ref(cmd: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, dict[str, Any]] = {
        "extend_factor": {"due": "2020-06-30", "reason": "r"},
        "escalate_factor": {"level": 2, "note": "n"},
        "resolve_factor": {"outcome": "rejected", "note": "n"},
    }
    return {"cmd": cmd, "ref": "land"} | fields[cmd] | changes


RULES: list[tuple[str, int, dict[str, Any], list[str]]] = [
    # open campaign
    ("open twice", 3, OPEN_LINE, ["once per store"]),
    ("open start after end", 1, OPEN_LINE | {"start": "2020-07-01"}, ["end=", "before start"]),
    ("open end in another year", 1, OPEN_LINE | {"end": "2021-01-31"}, ["end=2021-01-31"]),
    (
        "open with a zero goal",
        1,
        OPEN_LINE | {"targets": [{"name": "固投", "kind": "fixed_asset_investment", "goal": 0}]},
        ["targets.固投.goal=0"],
    ),
    (
        "open yellow over green",
        1,
        OPEN_LINE | {"lights": {"green": "0.6", "yellow": "0.7"}},
        ["lights.yellow=0.7"],
    ),
    ("open unknown sla category", 1, OPEN_LINE | {"sla_days": {"steel": 3}}, ["sla_days=steel"]),
    # register project
    ("register twice", 4, P1, ["code=P-1", "already registered"]),
    ("register plan over total", 4, P1 | {"code": "P-3", "annual_plan": 30001}, ["annual_plan="]),
    ("register before the year", 4, P1 | {"code": "P-3", "date": "2019-12-31"}, ["campaign year"]),
    ("register after today", 4, P1 | {"code": "P-3", "date": "2020-03-21"}, ["today"]),
    (
        "register completion before start",
        4,
        P1 | {"code": "P-3", "planned_completion": "2020-04-09"},
        ["planned_completion=2020-04-09"],
    ),
    ("register three decimals", 4, P1 | {"code": "P-3", "total_investment": 1.001}, ["decimal"]),
    ("register negative", 4, P1 | {"code": "P-3", "annual_plan": -1}, ["annual_plan=-1"]),
    ("register unknown sector", 4, P1 | {"code": "P-3", "sector": "steel"}, ["sector=steel"]),
    ("register bad date", 4, P1 | {"code": "P-3", "date": "2020-1-6"}, ["date=2020-1-6"]),
    # revise plan
    (
        "revise before registration",
        4,
        {"cmd": "revise_plan", "code": "P-1", "annual_plan": 9000, "date": "2020-01-05"}
        | {"reason": "r"},
        ["date=2020-01-05", "registered"],
    ),
    (
        "revise over total",
        4,
        {"cmd": "revise_plan", "code": "P-1", "annual_plan": 30001, "date": "2020-03-20"}
        | {"reason": "r"},
        ["annual_plan=30001"],
    ),
    (
        "revise after termination",
        9,
        {"cmd": "revise_plan", "code": "P-2", "annual_plan": 9000, "date": "2020-04-02"}
        | {"reason": "r"},
        ["date=2020-04-02", "terminated"],
    ),
    # report progress
    ("report other values", 6, report(date="2020-03-20", investment=100), ["funds=(none)"]),
    ("report other investment", 6, report(date="2020-03-20", funds=50), ["investment=1.00"]),
    ("report before registration", 4, report(date="2020-01-05"), ["date=2020-01-05"]),
    ("report after today", 4, report(date="2020-03-21"), ["today (2020-03-20)"]),
    ("report after termination", 9, report(code="P-2", date="2020-04-02"), ["terminated"]),
    ("report unknown project", 4, report(code="P-9", date="2020-03-20"), ["code=P-9"]),
    ("report negative", 4, report(date="2020-03-20", investment=-5), ["investment=-5"]),
    ("report over 100 %", 4, report(date="2020-03-19", physical_pct=101), ["physical_pct=101"]),
    ("report no investment", 4, {"cmd": "report_progress", "code": "P-1"}, ["investment="]),
    # correct progress
    (
        "correct a day not reported",
        6,
        {"cmd": "correct_progress", "code": "P-1", "date": "2020-03-19", "investment": 1}
        | {"reason": "r"},
        ["date=2020-03-19", "no report"],
    ),
    (
        "correct without a value",
        6,
        {"cmd": "correct_progress", "code": "P-1", "date": "2020-03-20", "reason": "r"},
        ["at least one"],
    ),
    # reach milestone
    ("milestone twice", 5, milestone(milestone="signed", date="2020-01-01"), ["already reached"]),
    ("milestone skipped", 5, milestone(milestone="completed", date="2020-03-01"), ["needs"]),
    ("milestone before the one before", 5, milestone(date="2019-12-19"), ["date=2019-12-19"]),
    ("milestone unknown", 5, milestone(milestone="topped_out", date="2020-03-01"), ["milestone="]),
    (
        "milestone after termination",
        9,
        milestone(code="P-2", milestone="signed", date="2020-04-02"),
        ["terminated"],
    ),
    # terminate project
    (
        "terminate twice",
        8,
        {"cmd": "terminate_project", "code": "P-2", "date": "2020-04-01", "reason": "r"},
        ["already terminated"],
    ),
    (
        "terminate before registration",
        4,
        {"cmd": "terminate_project", "code": "P-1", "date": "2020-01-05", "reason": "r"},
        ["date=2020-01-05"],
    ),
    # file factor request
    ("file on the termination date", 8, file(code="P-2", date="2020-04-01"), ["terminated"]),
    ("file before registration", 4, file(date="2020-01-05"), ["date=2020-01-05"]),
    ("file unknown category", 4, file(category="money", date="2020-03-20"), ["category=money"]),
    ("file after today", 4, file(date="2020-03-21"), ["today"]),
    # extend factor request (due in force before 2020-04-17: 2020-04-21)
    (
        "extend not later than the due",
        9,
        by_ref("extend_factor", due="2020-04-21", date="2020-04-15"),
        ["due=2020-04-21", "(2020-04-21)"],
    ),
    ("extend before filing", 7, by_ref("extend_factor", date="2020-03-22"), ["date=2020-03-22"]),
    (
        "extend before the last extension",
        10,
        by_ref("extend_factor", date="2020-04-16"),
        ["last extension"],
    ),
    (
        "extend not later than the extended due",
        10,
        by_ref("extend_factor", due="2020-05-28", date="2020-04-17"),
        ["(2020-05-29)"],
    ),
    ("extend resolved", 12, by_ref("extend_factor", date="2020-05-29"), ["already resolved"]),
    # escalate factor request
    ("escalate level 4", 9, by_ref("escalate_factor", level=4, date="2020-04-15"), ["level=4"]),
    ("escalate before filing", 7, by_ref("escalate_factor", date="2020-03-22"), ["filed"]),
    ("escalate resolved", 12, by_ref("escalate_factor", date="2020-05-29"), ["already resolved"]),
    # resolve factor request
    ("resolve before extension", 10, by_ref("resolve_factor", date="2020-04-16"), ["extension"]),
    ("resolve before escalation", 11, by_ref("resolve_factor", date="2020-04-23"), ["escalation"]),
    ("resolve twice", 12, by_ref("resolve_factor", date="2020-05-29"), ["already resolved"]),
    ("resolve before filing", 7, by_ref("resolve_factor", date="2020-03-22"), ["filed"]),
    ("resolve unknown outcome", 7, by_ref("resolve_factor", outcome="done"), ["outcome=done"]),
]


@pytest.mark.parametrize(
    ("number", "fields", "named"), [case[1:] for case in RULES], ids=[case[0] for case in RULES]
)
def test_a_line_that_breaks_a_rule_is_named_and_nothing_is_stored(
    memory: MemoryStores, tmp_path: Path, number: int, fields: dict[str, Any], named: list[str]
) -> None:
    assert_refused_at(memory, tmp_path, base_with(number, fields), number, *named)


def test_a_store_that_refused_a_scenario_takes_it_once_it_is_fixed(
    memory: MemoryStores, tmp_path: Path
) -> None:
    assert_refused_at(memory, tmp_path, base_with(4, P1), 4, "already registered")
    code, stderr, events = run_scenario(memory, tmp_path, base_lines())
    assert code == 0, stderr
    assert events == len(BASE)
    with memory.open_store(Settings(db=str(tmp_path / "campaign.db")), create=False) as store:
        assert store.head() == len(BASE)


def test_a_name_checked_on_one_line_does_not_pass_another_on_the_next(
    memory: MemoryStores, tmp_path: Path
) -> None:
    """Lines name the same few clerks again and again, and the check of each name is kept for
    the lines after it: a name that differs by a direction override is still refused."""
    good = '{"at": "2020-04-30T18:20:00+08:00", "cmd": "report_progress", "actor": "张三", '
    good += '"code": "DM-001", "date": "2020-04-29", "investment": 10}'
    bad = good.replace('"张三"', '"张三\\u202e"').replace("T18:20", "T18:21")
    lines = demo_with(30, good)
    lines.insert(30, bad)
    assert_refused_at(memory, tmp_path, lines, 31, "actor=", "control character U+202E")

"""The hand-computed checkpoint cases (tests/reference/checkpoint_cases.py) against the oracle
(tests/reference/oracle.py), and a check that every case's scenario keeps the basic rules of
SPEC §3 / §8 (so that the same cases can be run through the engine's `campaign scenario run`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.reference import oracle
from tests.reference.checkpoint_cases import ABSENT, CASES, Case, lookup

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
COMMANDS = {
    "open_campaign",
    "register_project",
    "revise_plan",
    "report_progress",
    "correct_progress",
    "reach_milestone",
    "terminate_project",
    "file_factor",
    "extend_factor",
    "escalate_factor",
    "resolve_factor",
}
MILESTONE_BEFORE = {"signed": None, "started": "signed", "completed": "started"}


def mismatch(actual: Any, expected: Any, path: str) -> str | None:
    """Why `actual` is not `expected` (None when it is). Numbers compare exactly as floats after
    rounding (so Decimal("0.4123") matches 0.4123); counts must be ints; bools and None exactly;
    an expected dict checks its own keys only."""
    if actual is ABSENT or expected is ABSENT:
        ok = actual is expected
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {actual!r}"
        problems = (mismatch(actual.get(k, ABSENT), v, f"{path}.{k}") for k, v in expected.items())
        return next((problem for problem in problems if problem), None)
    elif expected is None or isinstance(expected, bool):
        ok = actual is expected
    elif isinstance(expected, int):
        ok = isinstance(actual, int) and not isinstance(actual, bool) and actual == expected
    elif isinstance(expected, float):
        ok = (
            isinstance(actual, (int, float, Decimal))
            and not isinstance(actual, bool)
            and float(actual) == expected
        )
    else:
        ok = actual == expected
    return None if ok else f"{path}: expected {expected!r}, got {actual!r}"


def check(document: dict[str, Any], expectations: dict[str, Any]) -> list[str]:
    problems = []
    for path, expected in expectations.items():
        problem = mismatch(lookup(document, path), expected, path)
        if problem:
            problems.append(problem)
    return problems


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_oracle_gives_the_hand_computed_figures(case: Case) -> None:
    document = oracle.checkpoint(case.lines, case.as_of, case.known_at)
    problems = check(document, case.expect)
    if case.expect_state:
        states = oracle.project_states(case.lines, case.as_of, case.known_at)
        problems += check(states, case.expect_state)
    assert not problems, "\n".join(problems)


def test_the_cases_have_distinct_names_and_a_fair_number() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert 25 <= len(CASES) <= 50


def _today(line: dict[str, Any]) -> dt.date:
    return dt.datetime.fromisoformat(line["at"]).astimezone(SHANGHAI).date()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_scenario_keeps_the_basic_rules(case: Case) -> None:
    """A plain re-statement of the §3 / §8 rules the cases rely on (not the engine's validation):
    open_campaign first, `at` never decreasing, no effective date after the `at`'s date, known
    codes and refs, milestones in order, plans within totals."""
    lines = case.lines
    assert lines[0]["cmd"] == "open_campaign"
    assert sum(1 for line in lines if line["cmd"] == "open_campaign") == 1
    previous: dt.datetime | None = None
    projects: dict[str, dict[str, Any]] = {}
    milestones: dict[str, dict[str, str]] = {}
    refs: dict[str, str] = {}
    resolved: set[str] = set()
    for number, line in enumerate(lines, 1):
        where = f"line {number}: {line}"
        assert line["cmd"] in COMMANDS, where
        recorded = dt.datetime.fromisoformat(line["at"])
        assert recorded.tzinfo is not None, where
        assert previous is None or recorded >= previous, where
        previous = recorded
        if "date" in line and line["cmd"] != "reach_milestone":
            assert dt.date.fromisoformat(line["date"]) <= _today(line), where
            assert line["date"].startswith("2020-"), where
        cmd = line["cmd"]
        if cmd == "register_project":
            assert line["code"] not in projects, where
            assert Decimal(str(line["annual_plan"])) <= Decimal(str(line["total_investment"]))
            projects[line["code"]] = line
            milestones[line["code"]] = {}
        elif cmd in {"file_factor"}:
            assert line["ref"] not in refs, where
            assert line["code"] in projects, where
            assert line["date"] >= projects[line["code"]]["date"], where
            refs[line["ref"]] = line["date"]
        elif cmd in {"extend_factor", "escalate_factor", "resolve_factor"}:
            assert line["ref"] in refs and line["ref"] not in resolved, where
            assert line["date"] >= refs[line["ref"]], where
            if cmd == "resolve_factor":
                resolved.add(line["ref"])
        elif cmd == "reach_milestone":
            assert dt.date.fromisoformat(line["date"]) <= _today(line), where
            reached = milestones[line["code"]]
            assert line["milestone"] not in reached, where
            before = MILESTONE_BEFORE.get(line["milestone"], "started")
            if before is not None:
                assert before in reached and reached[before] <= line["date"], where
            reached[line["milestone"]] = line["date"]
        elif cmd in {"report_progress", "revise_plan", "terminate_project"}:
            assert line["code"] in projects, where
            assert line["date"] >= projects[line["code"]]["date"], where

"""The hand-computed checkpoint cases (tests/reference/checkpoint_cases.py) against the engine:
each scenario goes through `campaign scenario run`, then `campaign checkpoint --json` (and
`campaign replay --json` for the figures of open requests) at the case's as_of and known_at."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign import FixedClock
from cli.context import Config
from cli.main import cli
from tests.reference.checkpoint_cases import CASES, Case, scenario_text
from tests.reference.test_oracle_cases import check

if TYPE_CHECKING:
    from pathlib import Path

LATER = FixedClock(dt.datetime(2021, 3, 1, tzinfo=dt.UTC))


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), obj=Config(clock=LATER))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_engine_gives_the_hand_computed_figures(case: Case, tmp_path: Path) -> None:
    scenario = tmp_path / "case.jsonl"
    scenario.write_text(scenario_text(case), encoding="utf-8")
    db = str(tmp_path / "case.db")
    loaded = CliRunner().invoke(
        cli, ["scenario", "run", str(scenario), "--db", db], obj=Config(clock=LATER)
    )
    assert loaded.exit_code == 0, loaded.output
    query = ["--as-of", case.as_of, "--db", db, "--json"]
    if case.known_at is not None:
        query += ["--known-at", case.known_at]
    problems = check(invoke("checkpoint", *query), case.expect)
    if case.expect_state:
        problems += check(invoke("replay", *query), case.expect_state)
    assert not problems, "\n".join(problems)

"""A sample of tests/app/test_scenario_rules.py (`campaign scenario run`, which runs there on
in-memory stores) on SQLite and PostgreSQL: a bad line is named, and the store holds nothing
from the file afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from campaign import FixedClock, Settings, open_store
from campaign.store.store import is_postgres
from cli.context import Config
from cli.main import cli
from tests.app.test_scenario_rules import DEMO, DEMO_LINES, P1, RULES, base_lines, base_with
from tests.conftest import at

SAMPLE = (
    "register twice",
    "report other values",
    "extend not later than the due",
    "resolve before escalation",
)


def events_in(db: str) -> int:
    """How many events the store holds (0 when a refused run removed its SQLite file)."""
    if not is_postgres(db) and not Path(db).exists():
        return 0
    with open_store(Settings(db=db), create=False) as store:
        return store.head()


def run_on(db: str, tmp_path: Path, lines: list[str]) -> tuple[int, str, int]:
    """Run the scenario made of `lines` into `db`: (exit code, stderr, events afterwards)."""
    path = tmp_path / "scenario.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["scenario", "run", str(path), "--db", db],
        obj=Config(clock=FixedClock(at("2020-07-10 10:00"))),
        env={"CAMPAIGN_DB": None, "CAMPAIGN_ACTOR": None},
    )
    for text in (result.output, result.stderr):
        assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr, events_in(db)


def test_the_demo_scenario_loads_on_every_backend(any_db: str, tmp_path: Path) -> None:
    code, stderr, events = run_on(any_db, tmp_path, DEMO.read_text(encoding="utf-8").splitlines())
    assert code == 0, stderr
    assert events > DEMO_LINES - 1


@pytest.mark.parametrize(
    ("number", "fields", "named"),
    [case[1:] for case in RULES if case[0] in SAMPLE],
    ids=[case[0] for case in RULES if case[0] in SAMPLE],
)
def test_a_line_that_breaks_a_rule_is_named_and_nothing_is_stored_on_every_backend(
    any_db: str, tmp_path: Path, number: int, fields: dict[str, Any], named: list[str]
) -> None:
    code, stderr, events = run_on(any_db, tmp_path, base_with(number, fields))
    assert code == 1, stderr
    (line,) = stderr.splitlines()
    assert f"scenario.jsonl line {number}: " in line
    for text in named:
        assert text in line
    assert events == 0


def test_a_store_that_refused_a_scenario_takes_it_once_it_is_fixed_on_every_backend(
    any_db: str, tmp_path: Path
) -> None:
    code, stderr, events = run_on(any_db, tmp_path, base_with(4, P1))
    assert (code, events) == (1, 0), stderr
    assert "already registered" in stderr
    code, stderr, events = run_on(any_db, tmp_path, base_lines())
    assert code == 0, stderr
    assert events == len(base_lines())

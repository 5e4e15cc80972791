"""The engine against the independent oracle (tests/reference/oracle.py) on generated campaigns:
every key of the §6.8 document (and the figures of open requests), at several as_of and known_at
points, through `campaign scenario run` and `campaign checkpoint --json`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign import FixedClock
from cli.context import Config
from cli.main import cli
from scenarios.generator import generate
from tests.reference import oracle

if TYPE_CHECKING:
    from pathlib import Path

LATER = FixedClock(dt.datetime(2021, 3, 1, tzinfo=dt.UTC))
QUERIES = [
    ("2020-02-29", None),
    ("2020-04-16", "2020-04-16"),
    ("2020-05-31", "2020-06-03"),
    ("2020-06-30", "2020-06-30"),
    ("2020-06-30", None),
    ("2020-06-30", "2020-07-01T09:30:00+08:00"),
]


def compare(engine: Any, expected: Any, path: str = "") -> list[str]:
    """Every key of the oracle's document, equal in the engine's (numbers exactly)."""
    if isinstance(expected, dict):
        if not isinstance(engine, dict):
            return [f"{path}: expected an object, got {engine!r}"]
        problems = []
        for key, value in expected.items():
            if key not in engine:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += compare(engine[key], value, f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(engine, list) or len(engine) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {engine!r:.200}"]
        return [
            p
            for i, (a, b) in enumerate(zip(engine, expected, strict=True))
            for p in compare(a, b, f"{path}[{i}]")
        ]
    if isinstance(expected, (float, Decimal)) and not isinstance(expected, bool):
        same = (
            isinstance(engine, (int, float))
            and not isinstance(engine, bool)
            and float(engine) == float(expected)
        )
    else:
        same = engine == expected and type(engine) is type(expected)
    return [] if same else [f"{path}: engine {engine!r}, oracle {expected!r}"]


@pytest.fixture(
    scope="module", params=[(60, 3), (90, 11)], ids=["60-projects-seed-3", "90-projects-seed-11"]
)
def campaign(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[dict[str, Any]]]:
    projects, seed = request.param
    folder = tmp_path_factory.mktemp("differential")
    scenario: Path = folder / "scenario.jsonl"
    with scenario.open("w", encoding="utf-8") as handle:
        generate(handle, projects=projects, seed=seed)
    db = str(folder / "store.db")
    result = CliRunner().invoke(
        cli, ["scenario", "run", str(scenario), "--db", db], obj=Config(clock=LATER)
    )
    assert result.exit_code == 0, result.output
    return db, oracle.read_scenario(scenario)


@pytest.mark.parametrize(("as_of", "known_at"), QUERIES)
def test_every_figure_equals_the_oracles(
    campaign: tuple[str, list[dict[str, Any]]], as_of: str, known_at: str | None
) -> None:
    db, lines = campaign
    args = ["--as-of", as_of, "--db", db, "--json"] + (["--known-at", known_at] if known_at else [])
    result = CliRunner().invoke(cli, ["checkpoint", *args], obj=Config(clock=LATER))
    assert result.exit_code == 0, result.output
    engine = json.loads(result.stdout)
    expected = oracle.checkpoint(lines, as_of, known_at)
    problems = compare(engine, expected)
    states = CliRunner().invoke(cli, ["replay", *args], obj=Config(clock=LATER))
    assert states.exit_code == 0, states.output
    problems += compare(
        json.loads(states.stdout)["projects"],
        oracle.project_states(lines, as_of, known_at)["projects"],
        "states",
    )
    assert not problems, "\n".join(problems[:20])

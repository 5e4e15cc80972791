"""The reference campaign (scenarios/zaozhuang-2020.jsonl) loaded once into a SQLite store for
the report's tests, and its report and checkpoint at mid-year, read with the engine's clock
at the end of its year (2020-12-31 20:00 in Shanghai)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign import FixedClock, Settings, build_report, open_engine
from campaign.app.scenario import load
from cli.context import Config
from cli.main import cli
from tests.conftest import at

if TYPE_CHECKING:
    from campaign.report.model import Report

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "zaozhuang-2020.jsonl"
MID_YEAR = dt.date(2020, 6, 30)


def clock() -> FixedClock:
    return FixedClock(at("2020-12-31 20:00"))


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("reference") / "zz.db"
    with open_engine(Settings(db=str(db), clock=clock())) as engine:
        load(engine, REFERENCE, actor="tester")
    return db


@pytest.fixture(scope="session")
def reference_report(reference_db: Path) -> Report:
    with open_engine(Settings(db=str(reference_db), clock=clock()), create=False) as engine:
        return build_report(engine, MID_YEAR, None)


@pytest.fixture(scope="session")
def reference_checkpoint(reference_db: Path) -> dict[str, Any]:
    """What `campaign checkpoint --as-of 2020-06-30 --json` prints, as read back."""
    result = CliRunner().invoke(
        cli,
        ["checkpoint", "--as-of", MID_YEAR.isoformat(), "--json", "--db", str(reference_db)],
        obj=Config(clock=clock()),
        env={"CAMPAIGN_DB": None},
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document

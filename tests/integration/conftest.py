"""In tests/integration, `harness` and `opened` run the engine on a SQLite file (`sqlite_db`),
not on the in-memory store: these tests look at what the real stores keep."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.demo import loaded

if TYPE_CHECKING:
    from tests.conftest import Harness


@pytest.fixture
def harness(sqlite_harness: Harness) -> Harness:
    return sqlite_harness


@pytest.fixture
def opened(sqlite_opened: Harness) -> Harness:
    return sqlite_opened


@pytest.fixture(params=["one process", "two processes"])
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A check as one process walks the log, and as two walk its halves at once (a long
    SQLite log's way; on the demo's 49 events, split at 24)."""
    two = request.param == "two processes"
    if two:
        monkeypatch.setattr("campaign.audit.verify.MIN_SPLIT", 2)
    monkeypatch.setenv("CAMPAIGN_REPLAY_PROCESSES", "2" if two else "1")
    return str(request.param)


@pytest.fixture
def demo(sqlite_db: str) -> str:
    """A SQLite store holding the demo scenario (a test module may give its own, on any
    store)."""
    return loaded(sqlite_db)

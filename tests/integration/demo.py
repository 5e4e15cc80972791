"""The demo scenario (scenarios/demo.jsonl, 49 events) as the integration tests use it: loaded
into a store by an engine whose clock is after its last recorded time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from campaign import FixedClock, Settings, open_engine, open_store, verify
from campaign.app.scenario import load
from tests.conftest import SHANGHAI

if TYPE_CHECKING:
    from campaign import Engine
    from campaign.audit.verify import Verification

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.jsonl"
LATER = FixedClock(dt.datetime(2020, 12, 31, 12, tzinfo=SHANGHAI))
EVENTS = 49  # the demo scenario's events


def opened(db: str, clock: FixedClock = LATER) -> Engine:
    """The engine on the store `db`, its clock after the demo's last recorded time."""
    return open_engine(Settings(db=db, clock=clock))


def loaded(db: str) -> str:
    """The store `db` with the demo scenario loaded into it."""
    with opened(db) as engine:
        assert load(engine, DEMO, actor="loader").appended == EVENTS
    return db


def check(db: str, expected: str | None = None) -> Verification:
    """`audit verify` of the store `db` (and the digest `expected`, when given)."""
    with open_store(Settings(db=db), create=False) as store:
        return verify(store, expected=expected)

"""The composition root: settings -> store -> engine. Everything that needs a store or an
engine asks here, and nothing is built at import time.

Settings come from the caller (the command line's `--db`), else the environment
(`CAMPAIGN_DB`), else the defaults below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from campaign.app.clock import Clock, SystemClock

if TYPE_CHECKING:
    from campaign.app.engine import Engine
    from campaign.store.store import Store

DEFAULT_DB = "campaign.db"
"""The store when neither --db nor CAMPAIGN_DB names one: a SQLite file in the current folder."""

LOCK_TIMEOUT_S = 60
"""How long a writer waits for the write lock before it is refused."""

SNAPSHOT_EVERY = 100_000
"""Events between two projection snapshots taken by a long replay."""


@dataclass(frozen=True)
class Settings:
    db: str = DEFAULT_DB
    lock_timeout: int = LOCK_TIMEOUT_S
    snapshot_every: int = SNAPSHOT_EVERY
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def resolve(
        cls,
        db: str | None = None,
        *,
        lock_timeout: int | None = None,
        clock: Clock | None = None,
    ) -> Settings:
        """`db`, else `CAMPAIGN_DB`, else `campaign.db`; the other settings as given or the
        defaults."""
        return cls(
            db=db or os.environ.get("CAMPAIGN_DB") or DEFAULT_DB,
            lock_timeout=LOCK_TIMEOUT_S if lock_timeout is None else lock_timeout,
            clock=clock or SystemClock(),
        )


def open_store(settings: Settings, *, create: bool = True) -> Store:
    """The store `settings.db` names (created, for a SQLite file, when `create`)."""
    from campaign.store.store import Store  # noqa: PLC0415 (loads eventsourcing: not for --help)

    return Store(settings.db, lock_timeout=settings.lock_timeout, create=create)


def open_engine(settings: Settings, *, create: bool = True) -> Engine:
    """The engine on the store `settings.db` names, with its clock and its snapshots."""
    from campaign.app.engine import Engine  # noqa: PLC0415 (the domain's models: not for --help)
    from campaign.read.snapshots import SnapshotStore  # noqa: PLC0415

    store = open_store(settings, create=create)
    return Engine(store, settings.clock, SnapshotStore(store, settings.snapshot_every))

"""An in-memory event store for the tests of the use cases (tests/app): the port
`campaign.app.ports.EventStore` without a database, so that the rules of SPEC §3 run through the
real engine, session and handlers in a fraction of the time a SQLite file takes.

What it keeps is what a real store keeps: each event as a `StoredEvent` made by the engine's own
mapper (`campaign.store.codec.EventMapper` with the orjson transcoder), and an aggregate read back
from those bytes (each event decoded again and applied with `event.mutate`), so a field that
would not survive serialization fails here as it would in SQLite. Like the real stores it is
transactional: what is appended inside `writing()` is seen by the same writer at once, and is
kept only when the block ends without an error; a second, nested `writing()` is refused.

It has no hash chain and no read side: `reader()` and `save_snapshot()` raise
NotImplementedError. Queries, audits and snapshots are tested on SQLite and PostgreSQL
(tests/integration). Tests that check the real stores against this one: tests/integration/
test_fake_store.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

import orjson
from eventsourcing.persistence import IntegrityError

from campaign.app.engine import Engine
from campaign.domain.errors import StoreError
from campaign.store.chain import GENESIS, link
from campaign.store.codec import EventMapper, OrjsonTranscoder, upcast

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from eventsourcing.persistence import StoredEvent

    from campaign.bootstrap import Settings
    from campaign.domain.events import Aggregate
    from campaign.store.readers import LogReader

NO_READ_SIDE = (
    "the in-memory store has no hash chain and no read side: run queries, audits and snapshots "
    "on a SQLite or PostgreSQL store (tests/integration)"
)


class MemoryLog:
    """What a store's database holds: the committed events in log order, indexed by
    aggregate. Several `MemoryStore`s may be opened on one log, as on one SQLite file."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []
        self.writer: MemoryStore | None = None


class MemoryStore:
    """One handle on a `MemoryLog` (a fresh, empty log unless one is given)."""

    def __init__(self, db: str = ":memory:", log: MemoryLog | None = None) -> None:
        self.db = db
        self.read_only = False
        self.dropped_guards = 0
        self.log = MemoryLog() if log is None else log
        self.mapper = EventMapper(transcoder=OrjsonTranscoder())
        self.closed = False
        self._pending: list[StoredEvent] | None = None  # appended inside writing(), not yet kept

    # The port (campaign.app.ports.EventStore).

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write lock and one transaction: kept when the block ends, discarded when it
        raises. Refused when this handle already writes, or another handle holds the lock."""
        self._check_open()
        if self.log.writer is self:
            raise StoreError("a write is already in progress in this process")
        if self.log.writer is not None:
            raise StoreError(
                f"the store {self.db} is busy: another writer holds it; nothing was appended, "
                "try again"
            )
        self.log.writer = self
        self._pending = []
        try:
            yield
            self.log.events.extend(self._pending)
        finally:
            self._pending = None
            self.log.writer = None

    def get(self, aggregate_id: str) -> Aggregate | None:
        """The aggregate rebuilt from its stored events (each one decoded from its bytes)."""
        aggregate: Aggregate | None = None
        for stored in self._visible():
            if stored.originator_id == aggregate_id:
                aggregate = self.decode(stored).mutate(aggregate)
        return aggregate

    def states_of(self, aggregate_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The topic and decoded, upcast state of each of the aggregate's stored events."""
        return [
            (stored.topic, upcast(stored.topic, orjson.loads(stored.state)))
            for stored in self._visible()
            if stored.originator_id == aggregate_id
        ]

    def get_many(self, aggregate_ids: Collection[str]) -> dict[str, Aggregate]:
        """The aggregates among these ids that exist, each rebuilt from its stored events."""
        wanted = set(aggregate_ids)
        found: dict[str, Aggregate] = {}
        for stored in self._visible():
            if stored.originator_id in wanted:
                key = str(stored.originator_id)
                aggregate = self.decode(stored).mutate(found.get(key))
                if aggregate is not None:
                    found[key] = aggregate
        return found

    def append(self, events: list[Aggregate.Event]) -> int:
        """Encode the events with the engine's mapper and add them to the open transaction."""
        self.insert_stored([self.mapper.to_stored_event(event) for event in events])
        return len(events)

    def insert_stored(self, events: list[StoredEvent]) -> None:
        pending = self._writing()
        taken = {(e.originator_id, e.originator_version) for e in self._visible()}
        for event in events:
            key = (event.originator_id, event.originator_version)
            if key in taken:  # what the real recorders refuse too
                raise IntegrityError(f"{key} is already stored")
            taken.add(key)
            pending.append(event)

    def decode(self, event: StoredEvent) -> Aggregate.Event:
        return cast("Aggregate.Event", self.mapper.to_domain_event(event))

    def head(self) -> int:
        return len(self._visible())

    def set_access(self, role: str, kind: str | None, projects: tuple[str, ...]) -> None:
        raise StoreError("the in-memory store has no roles")

    def actor_for(self, display: str) -> str:
        return display  # like a SQLite file: no roles

    def writer_role(self) -> tuple[str, bool] | None:
        return None

    def tip(self) -> tuple[int, bytes]:
        """The hash chain over the visible events, computed as the real stores keep it."""
        head = GENESIS
        visible = self._visible()
        for e in visible:
            head = link(head, str(e.originator_id), e.originator_version, e.topic, e.state)
        return len(visible), head

    def last_recorded(self) -> dt.datetime | None:
        visible = self._visible()
        if not visible:
            return None
        stamp: str = orjson.loads(visible[-1].state)["timestamp"]
        return dt.datetime.fromisoformat(stamp)

    def count_by_topic(self) -> dict[str, int]:
        return dict(Counter(e.topic for e in self._visible()))

    def reader(self) -> LogReader:
        raise NotImplementedError(NO_READ_SIDE)

    def save_snapshot(
        self, position: int, fmt: int, head: bytes, data: bytes, digest: bytes
    ) -> None:
        raise NotImplementedError(NO_READ_SIDE)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # For the tests.

    def stored_states(self, after: int = 0) -> list[tuple[str, dict[str, Any]]]:
        """The committed events after position `after`, in log order: (type, e.g.
        'Project.Registered', and the decoded stored state), as tests.conftest.stored_events
        gives them for a real store."""
        return [
            (e.topic.rpartition(":")[2], orjson.loads(e.state)) for e in self.log.events[after:]
        ]

    def _visible(self) -> list[StoredEvent]:
        """What this handle reads: the committed events, then its own uncommitted ones."""
        self._check_open()
        if self._pending:
            return self.log.events + self._pending
        return self.log.events

    def _writing(self) -> list[StoredEvent]:
        self._check_open()
        if self._pending is None:
            raise StoreError("append outside writing(): the engine appends inside a unit of work")
        return self._pending

    def _check_open(self) -> None:
        if self.closed:
            raise StoreError(f"the store {self.db} is closed")


class MemoryStores:
    """In-memory stores by `--db` value, for the command line: `open_engine` and `open_store`
    stand in for the composition root's (`campaign.bootstrap`), so a command run through click
    reaches the real engine on a `MemoryStore`; a later command on the same `--db` sees what the
    earlier ones kept."""

    def __init__(self) -> None:
        self.logs: dict[str, MemoryLog] = {}

    def open_store(self, settings: Settings, *, create: bool = True) -> MemoryStore:
        log = self.logs.get(settings.db)
        if log is None:
            if not create:
                raise StoreError(
                    f"no campaign store at {settings.db} "
                    "(give --db or CAMPAIGN_DB, or open a campaign first)"
                )
            log = self.logs[settings.db] = MemoryLog()
        return MemoryStore(settings.db, log)

    def open_engine(self, settings: Settings, *, create: bool = True) -> Engine:
        return Engine(self.open_store(settings, create=create), settings.clock)

    def events(self, db: str) -> int:
        """How many events the store `db` holds (0 when it was never opened)."""
        log = self.logs.get(db)
        return 0 if log is None else len(log.events)

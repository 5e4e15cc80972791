"""What the use cases need from a store: the port the engine is written against. `Store` (SQLite
or PostgreSQL, `campaign.store`) implements it; tests may give an in-memory one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection
    from contextlib import AbstractContextManager

    from eventsourcing.persistence import StoredEvent

    from campaign.domain.events import Aggregate
    from campaign.store.readers import LogReader


class EventStore(Protocol):
    db: str
    """How the store was named (`--db`), for messages."""
    read_only: bool
    """It can be read here but not written (read-only media, or no right to write it)."""
    dropped_guards: int
    """How many of the guards that keep it append-only were found missing or changed when it
    was opened (put back, unless it is read-only here)."""

    def writing(self) -> AbstractContextManager[None]:
        """Hold the write lock from the first read of a command to its commit."""
        ...

    def get(self, aggregate_id: str) -> Aggregate | None:
        """The aggregate with this id, from its events; None when there is none."""
        ...

    def states_of(self, aggregate_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The topic and state (decoded, upcast) of each of the aggregate's events, in order."""
        ...

    def get_many(self, aggregate_ids: Collection[str]) -> dict[str, Aggregate]:
        """The aggregates among these ids that exist, by id (few queries for many ids)."""
        ...

    def append(self, events: list[Aggregate.Event]) -> int:
        """Append events in the given order (inside `writing`); how many."""
        ...

    def head(self) -> int:
        """How many events the log holds (the position of the last)."""
        ...

    def actor_for(self, display: str) -> str:
        """Who a command is recorded as (on a shared store, the database role)."""
        ...

    def writer_role(self) -> tuple[str, bool] | None:
        """On a shared store, the database role that appends and whether it is privileged (the
        store's owner or a superuser: every right); None for a store without roles."""
        ...

    def set_access(self, role: str, kind: str | None, projects: tuple[str, ...]) -> None:
        """Give a database role the rights of its kind (None: none), in the write in
        progress; a store without roles refuses."""
        ...

    def tip(self) -> tuple[int, bytes]:
        """(position, chain hash) of the last event: the receipt of a write."""
        ...

    def last_recorded(self) -> dt.datetime | None:
        """The recorded time of the last event."""
        ...

    def count_by_topic(self) -> dict[str, int]: ...

    def reader(self) -> LogReader:
        """A read-only snapshot of the log for the read side."""
        ...

    def save_snapshot(
        self, position: int, fmt: int, head: bytes, data: bytes, digest: bytes
    ) -> None: ...

    def insert_stored(self, events: list[StoredEvent]) -> None:
        """Insert events exactly as stored elsewhere (an import; inside `writing`), each with
        its link in the chain."""
        ...

    def decode(self, event: StoredEvent) -> Aggregate.Event:
        """A stored event read back as the engine reads it (refusing what it cannot read)."""
        ...

    def close(self) -> None: ...

"""A checkpoint published into the log (SPEC §6.7): the query, the position read and its state
hash, so that auditors can reproduce it."""

from __future__ import annotations

import datetime as dt

from eventsourcing.domain import event

from campaign.domain.events import Aggregate


class Publication(Aggregate):
    """A checkpoint published into the log: the query, the position read, and its state hash."""

    class Published(Aggregate.Created):
        as_of: dt.date
        known_at: str | None = None
        position: int
        head_hash: str
        state_hash: str
        engine_version: str

    @staticmethod
    def create_id(as_of: dt.date, known_at: str | None, position: int) -> str:
        return f"publication:{as_of.isoformat()}|{known_at or '-'}|{position}"

    @event(Published)
    def __init__(
        self,
        *,
        as_of: dt.date,
        known_at: str | None,
        position: int,
        head_hash: str,
        state_hash: str,
        engine_version: str,
        date: dt.date,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.as_of = as_of
        self.known_at = known_at
        self.position = position
        self.state_hash = state_hash

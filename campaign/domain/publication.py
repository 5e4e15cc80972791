"""A checkpoint published into the log (SPEC §6.7): the query, the position read and its state
hash, so that auditors can reproduce it; and the tree head at that position, signed by the
office when its key was given, so that auditors can tell where a rewritten log differs."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
        signed_head: dict[str, Any] | None = None

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
        signed_head: dict[str, Any] | None = None,
        actor: str,
        timestamp: dt.datetime,
    ) -> None:
        self.as_of = as_of
        self.known_at = known_at
        self.position = position
        self.state_hash = state_hash
        self.signed_head = signed_head

"""The events of the log for people and machines (SPEC §7 `audit log`): each with its position,
both of its times, its actor and its fields, filtered by project, type, dates and actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson

from campaign.domain.catalogue import AGGREGATES
from campaign.domain.errors import Refused
from campaign.domain.events import DomainEvent
from campaign.domain.time import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.app.ports import EventStore


@dataclass(frozen=True, slots=True)
class LogFilter:
    project: str | None = None
    types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None
    actor: str | None = None

    def __post_init__(self) -> None:
        known = event_types()
        for wanted in self.types:
            if not any(kind == wanted or kind.endswith("." + wanted) for kind in known):
                raise Refused("type", wanted, f"is not an event type (one of {', '.join(known)})")

    def words(self) -> list[bytes]:
        """Bytes that the stored state of every event passing the filter holds, unless the
        state escapes characters (`LogReader.candidates`): the project's code and the actor's
        name, each as JSON writes it when it needs no escape."""
        return [
            word.encode()
            for word in (self.project, self.actor)
            if word and not any(c in word for c in '"\\') and word.isprintable()
        ]

    def matches(self, entry: dict[str, Any]) -> bool:
        kind = entry["type"]
        day = entry.get("date") or ""
        recorded = dt.datetime.fromisoformat(entry["recorded"])
        checks = (
            self.project is None or entry.get("project") == self.project,
            not self.types or any(kind == t or kind.endswith("." + t) for t in self.types),
            self.date_from is None or day >= self.date_from.isoformat(),
            self.date_to is None or (bool(day) and day <= self.date_to.isoformat()),
            self.recorded_from is None or recorded >= self.recorded_from,
            self.recorded_to is None or recorded <= self.recorded_to,
            self.actor is None or entry.get("actor") == self.actor,
        )
        return all(checks)


def event_types() -> list[str]:
    """The names of the events the log may hold, as `audit log` shows them
    (`Project.Registered`)."""
    return [
        f"{aggregate.__name__}.{name}"
        for aggregate in AGGREGATES
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, DomainEvent)
        and name not in {"Event", "Created"}
    ]


_META = ("timestamp", "actor", "date", "originator_topic", "code", "request_id")


def log_entries(
    store: EventStore,
    where: LogFilter,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    limit: int | None = None,
    after: int = 0,
    upto: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Every stored event that passes the filter, in log order, with both of its times (the
    recorded time in the campaign's time zone) and the factor request it concerns; of the
    events after position `after` up to `upto` (None: the end). The store passes over the
    events whose bytes cannot match the filter's type, project or actor (`where.words`), so
    that only the others are decoded here."""
    zone = ZoneInfo(timezone)
    reader = store.reader()
    try:
        start = reader.chain_at(after)[0]
        end = None if upto is None else reader.chain_at(upto)[0]
        shown = 0
        for batch in reader.candidates(start, end, where.types, where.words()):
            for counted, originator_id, version, topic, state in batch:
                event = orjson.loads(state)
                recorded = dt.datetime.fromisoformat(event["timestamp"]).astimezone(zone)
                entry = {
                    "position": after + counted,
                    "recorded": recorded.isoformat(timespec="microseconds"),
                    "date": event.get("date"),
                    "actor": event.get("actor"),
                    "type": topic.rpartition(":")[2],
                    "project": event.get("code"),
                    "request": event.get("request_id"),
                    "aggregate": originator_id,
                    "version": int(version),
                    "fields": {k: v for k, v in event.items() if k not in _META},
                }
                if where.matches(entry):
                    yield entry
                    shown += 1
                    if limit is not None and shown >= limit:
                        return
    finally:
        reader.close()

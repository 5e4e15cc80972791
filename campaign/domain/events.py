"""The base of every aggregate and event: what each event carries, and the topic it is stored
under.

Every event carries its effective `date`, the recorded time (`timestamp`, from the engine's
injected clock, stored in UTC) and the `actor`. A public command method of an aggregate checks
the rules and then calls a private `@event` method that only assigns state; that body re-runs
on every replay.

Topics. The log stores each event with its topic, and the hash chain covers it: a topic is part
of the log's vocabulary, not of the code's layout. Every aggregate and event is stored as
`campaign.domain:<QualName>` (`campaign.domain:Project.Registered`), the names the log began
with, whichever module defines the class.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, NamedTuple

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate
from pydantic import AfterValidator, AwareDatetime, ConfigDict, PlainSerializer

from campaign.domain.errors import Refused
from campaign.domain.time import format_recorded
from campaign.domain.topics import STORED_AS
from campaign.domain.values import Frozen


def _to_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


RecordedTime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(format_recorded, return_type=str, when_used="json"),
]


class Stamp(NamedTuple):
    """Who appends, when the engine records it, and the engine's today in the campaign zone.

    A named tuple, as `Result` is: a scenario stamps a hundred thousand commands, and a frozen
    dataclass sets each field of each one through `object.__setattr__`."""

    actor: str
    at: dt.datetime
    today: dt.date


class DomainEvent(Frozen):
    """Fields hold values the commands have already checked (dates, two-place decimals), so
    events use pydantic's own fast types; the rules live in the commands and aggregates."""

    # Built as they are defined: the library reads an event class's fields when its
    # aggregate's methods are decorated.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=False)
    TOPIC: ClassVar[str] = ""

    originator_id: str
    originator_version: int
    timestamp: RecordedTime
    actor: str
    date: dt.date

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.TOPIC = f"{STORED_AS}:{cls.__qualname__}"


class Aggregate(BaseAggregate[str]):
    TOPIC: ClassVar[str] = ""

    class Event(DomainEvent, CanMutateAggregate[str]):
        pass

    class Created(Event, CanInitAggregate[str]):
        originator_topic: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Before the library registers the class and its events under their topics.
        cls.TOPIC = f"{STORED_AS}:{cls.__qualname__}"
        super().__init_subclass__(**kwargs)


def not_after_today(date: dt.date, stamp: Stamp, field: str = "date") -> None:
    if date > stamp.today:
        raise Refused(field, date, f"is after the engine's today ({stamp.today})")

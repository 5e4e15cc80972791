"""How events become stored bytes and back: pydantic for the shape, orjson for the bytes.

Stored state is the event's JSON without `originator_id` and `originator_version` (they are
columns of the stored-events table) and without absent optional values. Recorded times are
fixed-width UTC text, money is decimal text: the replay core can read the bytes without pydantic.

Versioning: an event class whose shape changes raises its `event_version`, gives the same
version in `campaign.domain.topics.VERSIONS` (what the read side goes by; a test holds the two
together) and registers an upcaster from each older version; states of versions after the
first carry `"v"`. Both ways of reading
the log (this mapper, and the replay core) upcast old states before using them, so the log
itself never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from campaign.domain import topics

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol
    from pydantic import BaseModel


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

Columns = tuple[str, int, str, bytes]
"""(originator id, version, topic, state): one event as the stored-events table holds it."""

# (topic, stored version) -> function giving the state of the next version.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def current_schema(topic: str) -> int:
    """The version of the events stored under `topic` (`topics.VERSIONS`: no class is
    defined to know it)."""
    return topics.version(topic)


def upcast(topic: str, state: dict[str, Any]) -> dict[str, Any]:
    """The state of an event brought to its class's current version."""
    version = int(state.pop("v", 1))
    target = current_schema(topic)
    while version < target:
        try:
            step = UPCASTERS[(topic, version)]
        except KeyError:
            raise ValueError(f"no upcaster for {topic} version {version}") from None
        state = step(state)
        version += 1
    return state


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


_COLUMNS = {"originator_id", "originator_version"}  # stored as columns, not in the state


def _stored_as(cls: type) -> tuple[str, bytes]:
    """An event class's topic, and the end of its states: `,"v":N}` after the first version."""
    schema = int(getattr(cls, "event_version", 1))
    return get_topic(cls), (b',"v":' + str(schema).encode() + b"}" if schema > 1 else b"")


class EventMapper(Mapper[str]):
    # Each event class's topic and the version mark its states end with (b"" for the first
    # version), found once: a scenario load maps a hundred thousand events of a dozen classes.
    # A class's event_version is part of its definition (it is never changed later).
    _forms: ClassVar[dict[type, tuple[str, bytes]]] = {}

    def to_stored_event(self, domain_event: DomainEventProtocol[str]) -> StoredEvent:
        return StoredEvent(*self.columns(domain_event))

    def columns(self, domain_event: DomainEventProtocol[str]) -> Columns:
        """The event as the stored-events table holds it: what `to_stored_event` gives, as a
        plain tuple (the engine appends these; a frozen dataclass sets each field through
        `object.__setattr__`)."""
        model = cast("BaseModel", domain_event)
        # pydantic writes the JSON bytes itself (compact, fields in declaration order, UTF-8).
        state = model.__pydantic_serializer__.to_json(model, exclude_none=True, exclude=_COLUMNS)
        cls = type(domain_event)
        form = self._forms.get(cls)
        if form is None:
            form = self._forms[cls] = _stored_as(cls)
        topic, mark = form
        if mark:
            state = state[:-1] + mark
        return (domain_event.originator_id, domain_event.originator_version, topic, state)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[str]:
        # The class's module is imported the first time one of its events is read
        # (`campaign.domain` names each aggregate lazily).
        cls = resolve_topic(stored_event.topic)
        state: dict[str, Any] = upcast(
            stored_event.topic, self.transcoder.decode(stored_event.state)
        )
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        return cast("DomainEventProtocol[str]", cls.model_validate(state))

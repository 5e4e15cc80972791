"""How events become stored bytes and back: pydantic for the shape, orjson for the bytes.

Stored state is the event's JSON without `originator_id` and `originator_version` (they are
columns of the stored-events table) and without absent optional values. Recorded times are
fixed-width UTC text, money is decimal text: the replay core can read the bytes without pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol
    from pydantic import BaseModel


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class EventMapper(Mapper[str]):
    def to_stored_event(self, domain_event: DomainEventProtocol[str]) -> StoredEvent:
        model = cast("BaseModel", domain_event)
        state = model.model_dump(
            mode="json", exclude_none=True, exclude={"originator_id", "originator_version"}
        )
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=self.transcoder.encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[str]:
        cls = resolve_topic(stored_event.topic)
        state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        return cast("DomainEventProtocol[str]", cls.model_validate(state))

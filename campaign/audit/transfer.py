"""Export and import of the whole log as JSON Lines (SPEC §7): a header, then one line per event
with its exact stored bytes and its link in the chain. An import re-verifies every link and
reads every event back as the engine would; a tampered line is named and nothing is stored.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import orjson
from eventsourcing.persistence import StoredEvent

from campaign.audit.verify import Verification, raw_state, verify_chain
from campaign.domain.errors import CampaignError, LineError, Refused, StoreError
from campaign.store.chain import GENESIS, link, parse_digest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.app.ports import EventStore

EXPORT_FORMAT = "campaign-log"
EXPORT_VERSION = 1


def export(store: EventStore, out: IO[bytes]) -> Verification:
    """Write the whole log as JSON Lines: a header, then one line per event with its exact
    stored bytes and its link in the chain. The chain is verified first, on the same snapshot
    of the store that is then written."""
    reader = store.reader()
    try:
        checked = verify_chain(reader)
        if not checked.ok:
            raise StoreError(
                f"the log fails verification at position {checked.position} "
                f"({checked.problem}); not exported"
            )
        header = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "events": checked.events,
            "digest": checked.digest,
        }
        out.write(orjson.dumps(header) + b"\n")
        position = 0
        for batch in reader.links():
            for _, originator_id, version, topic, state, _, chained in batch:
                position += 1
                if position > checked.events:
                    break
                line = {
                    "position": position,
                    "originator_id": originator_id,
                    "originator_version": int(version),
                    "topic": topic,
                    "state": raw_state(state).decode("utf-8"),
                    "hash": bytes(chained or b"").hex(),
                }
                out.write(orjson.dumps(line) + b"\n")
    finally:
        reader.close()
    return checked


def import_log(
    store: EventStore, lines: Iterator[bytes], *, expected: str | None = None
) -> Verification:
    """Load an exported log into an empty store, re-verifying every link and reading every
    event back as the engine would (an event of an unknown type or shape is refused); a
    tampered line is named and nothing is stored. With `expected` (HASH@POSITION), the file's
    chain must also pass through that digest."""
    pinned = None
    if expected is not None:
        try:
            pinned = parse_digest(expected)
        except ValueError as error:
            raise Refused("digest", expected, str(error)) from None
    with store.writing():
        if store.head():
            raise StoreError(
                f"the store {store.db} already holds events; import needs an empty store"
            )
        importer = _Importer(store, pinned_at=None if pinned is None else pinned[1])
        for number, raw in enumerate(lines, 1):
            if raw.strip():
                importer.take(number, raw)
        result = importer.finish()
        if pinned is not None:
            expected_head, at = pinned
            if at > result.events:
                raise StoreError(
                    f"the file's log ends at position {result.events}, "
                    f"before the digest's position {at}"
                )
            if importer.pinned_head != expected_head:
                raise StoreError(
                    f"the file's chain at position {at} is not the digest's: not the log you meant"
                )
    return result


class _Importer:
    """The header, then each event checked against the chain and stored in batches."""

    def __init__(self, store: EventStore, *, pinned_at: int | None) -> None:
        self.store = store
        self.pinned_at = pinned_at
        self.pinned_head = GENESIS if pinned_at == 0 else None
        self.head = GENESIS
        self.position = 0
        self.declared: dict[str, Any] | None = None
        self.batch: list[StoredEvent] = []

    def take(self, number: int, raw: bytes) -> None:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            shown = raw[:40].decode(errors="replace")
            raise LineError(f"line {number}", Refused("line", shown, "is not valid JSON")) from None
        if self.declared is None:
            self.declared = _header(record)
            return
        try:
            event, chained = _event(record, self.position + 1)
            _readable(self.store, event)
        except CampaignError as error:
            raise LineError(f"line {number}", error) from None
        self.head = link(
            self.head, str(event.originator_id), event.originator_version, event.topic, event.state
        )
        if self.head != chained:
            raise LineError(
                f"line {number}",
                Refused(
                    "hash",
                    record.get("hash"),
                    f"does not match the event at position {self.position + 1} (tampered)",
                ),
            )
        self.position += 1
        if self.position == self.pinned_at:
            self.pinned_head = self.head
        self.batch.append(event)
        if len(self.batch) >= 5000:
            self.store.insert_stored(self.batch)
            self.batch = []

    def finish(self) -> Verification:
        if self.declared is None:
            raise StoreError("the file is empty: not an exported campaign log")
        if self.batch:
            self.store.insert_stored(self.batch)
        result = Verification(self.position, self.head)
        if self.declared["digest"] != result.digest:
            raise StoreError(
                f"the file ends at {result.digest}, but its header says "
                f"{self.declared['digest']} (lines were cut or added)"
            )
        return result


def _readable(store: EventStore, event: StoredEvent) -> None:
    """An imported event must be one the engine can read: a known type, a valid shape."""
    try:
        store.decode(event)
    except Exception as error:  # an unknown topic, bad JSON, a failed validation
        reason = str(error).splitlines()[0][:120]
        raise Refused("event", event.topic, f"is not an event of this engine ({reason})") from None


def _header(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT:
        raise StoreError("line 1 is not the header of an exported campaign log")
    if record.get("version") != EXPORT_VERSION:
        raise StoreError(f"exported log version {record.get('version')} is not supported")
    return record


def _event(record: Any, position: int) -> tuple[StoredEvent, bytes]:
    if not isinstance(record, dict):
        raise Refused("line", record, "must be a JSON object")
    if record.get("position") != position:
        raise Refused(
            "position", record.get("position"), f"should be {position} (lines missing or moved)"
        )
    try:
        event = StoredEvent(
            originator_id=str(record["originator_id"]),
            originator_version=int(record["originator_version"]),
            topic=str(record["topic"]),
            state=str(record["state"]).encode("utf-8"),
        )
        expected = bytes.fromhex(record["hash"])
    except (KeyError, TypeError, ValueError) as error:
        raise Refused("line", position, f"is not an exported event ({error})") from None
    return event, expected

"""Export and import of the whole log as JSON Lines (SPEC §7): a header, then one line per event
with its exact stored bytes and its link in the chain.

An import checks every event as `audit verify` checks a stored one (its link, its recorded
time in the engine's form and never earlier than the one before: `Walk`), reads it back as the
engine reads it (its type and shape, and its values by the rules of the command that records
it), and folds it as every query does (`Folder`: an event naming a project the log does not
register before it, or a day outside the campaign's year, is refused there). A file whose chain
was written again to match is still refused when it holds what the engine would not have
written, and so is an aggregate's version repeated or skipped. The first line that fails is
named, with the field, the value and the rule, and nothing is stored: the whole import is one
transaction.
"""

from __future__ import annotations

import functools
from typing import IO, TYPE_CHECKING, Annotated, Any

import orjson
from eventsourcing.persistence import StoredEvent
from pydantic import TypeAdapter, ValidationError, create_model

from campaign.app import commands
from campaign.audit.verify import UNLINKED, Verification, Walk, raw_state, verify_chain
from campaign.domain import topics
from campaign.domain.errors import CampaignError, LineError, Refused, StoreError
from campaign.domain.values import from_yuan
from campaign.read.fold import Folder
from campaign.store.chain import GENESIS, parse_digest
from campaign.store.heads import stamp_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.app.ports import EventStore

EXPORT_FORMAT = "campaign-log"
EXPORT_VERSION = 1
BATCH = 5000
"""Events an import stores at a time, all in its one transaction."""


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
    """Load an exported log into an empty store, checking every event as the module's
    docstring says before it is kept; the first line that fails is named and nothing is
    stored. With `expected` (HASH@POSITION), the file's chain must also pass through that
    digest."""
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
    """The header, then each event checked (see the module's docstring) and stored in
    batches, in the one transaction of the import."""

    def __init__(self, store: EventStore, *, pinned_at: int | None) -> None:
        self.store = store
        self.pinned_at = pinned_at
        self.pinned_head = GENESIS if pinned_at == 0 else None
        self.walk = Walk(None, ())
        self.folder = Folder()
        self.versions: dict[str, int] = {}  # each aggregate's last version so far
        self.declared: dict[str, Any] | None = None
        self.batch: list[StoredEvent] = []

    @property
    def position(self) -> int:
        return self.walk.position

    def take(self, number: int, raw: bytes) -> None:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            shown = raw[:40].decode(errors="replace")
            raise LineError(f"line {number}", Refused("line", shown, "is not valid JSON")) from None
        if self.declared is None:
            self.declared = _header(record)
            return
        position = self.position + 1
        try:
            event, chained = _event(record, position)
            self._check(event, chained, record.get("hash"))
        except CampaignError as error:
            raise LineError(f"line {number}", error) from None
        if self.position == self.pinned_at:
            self.pinned_head = self.walk.head
        self.batch.append(event)
        if len(self.batch) >= BATCH:
            self.store.insert_stored(self.batch)
            self.batch = []

    def _check(self, event: StoredEvent, chained: bytes, shown_hash: Any) -> None:
        """The event's link and recorded time (as `audit verify` checks a stored event),
        its type, shape and values, and its place in the log's state (the fold)."""
        position = self.position + 1
        last_time = self.walk.last_time
        row = (position, str(event.originator_id), event.originator_version, event.topic)
        problem = self.walk.step((*row, event.state, position, chained))
        if problem == UNLINKED:
            raise Refused(
                "hash", shown_hash, f"does not match the event at position {position} (tampered)"
            )
        state = _readable(self.store, event)
        if problem is not None:
            raise _time_refused(event.state, state, last_time)
        _check_values(event.topic, state)
        self._check_version(event)
        try:  # the fold's own handler of the event, given its state already decoded
            handler = self.folder.handler(event.topic)
            if handler is not None:
                handler(state)
        except KeyError as error:
            raise _unknown(state, error.args[0] if error.args else None) from None
        except (ValueError, TypeError, IndexError, OverflowError) as error:
            raise Refused(
                "event", event.topic, f"cannot be folded into the log's state ({error})"
            ) from None

    def _check_version(self, event: StoredEvent) -> None:
        """The engine appends each aggregate's events once, as versions 1, 2, 3...: a
        version repeated or skipped is refused here, not by the store's key at the insert."""
        oid = str(event.originator_id)
        last = self.versions.get(oid, 0)
        if event.originator_version != last + 1:
            raise Refused(
                "originator_version",
                event.originator_version,
                f"should be {last + 1}: "
                + (
                    f"the log holds {oid} up to version {last} before it"
                    if last
                    else f"the log holds no event of {oid} before it"
                )
                + " (the engine appends an aggregate's versions once each, in order)",
            )
        self.versions[oid] = last + 1

    def finish(self) -> Verification:
        if self.declared is None:
            raise StoreError("the file is empty: not an exported campaign log")
        if self.batch:
            self.store.insert_stored(self.batch)
        result = Verification(self.position, self.walk.head)
        if self.declared["digest"] != result.digest:
            raise StoreError(
                f"the file ends at {result.digest}, but its header says "
                f"{self.declared['digest']} (lines were cut or added)"
            )
        return result


def _readable(store: EventStore, event: StoredEvent) -> dict[str, Any]:
    """An imported event must be one the engine can read: a known type, a valid shape. Its
    state, decoded."""
    try:
        store.decode(event)
    except ValidationError as error:  # the event's model refuses a field
        raise _refusal(error, event.topic) from None
    except Exception as error:  # an unknown topic, bad JSON
        reason = str(error).splitlines()[0][:120]
        raise Refused("event", event.topic, f"is not an event of this engine ({reason})") from None
    state: dict[str, Any] = orjson.loads(event.state)
    return state


def _refusal(error: ValidationError, topic: str) -> Refused:
    """The first field a model refuses, as one refusal (field, value, rule)."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "event"
    rule = str(first["msg"]).removeprefix("Value error, ")
    kind = topic.rpartition(":")[2]
    return Refused(field, first.get("input"), f"{rule} (in a {kind} event)")


def _time_refused(raw: bytes, state: dict[str, Any], last_time: bytes) -> Refused:
    """Why the event's recorded time failed `Walk.step`'s checks: not in the engine's form,
    or earlier than the event before."""
    stamp = stamp_of(raw)
    if stamp is None:
        return Refused(
            "timestamp",
            state.get("timestamp"),
            "is not a recorded time in the engine's form (UTC, to the microsecond: "
            "YYYY-MM-DDTHH:MM:SS.ffffff+00:00)",
        )
    return Refused(
        "timestamp",
        stamp.decode(),
        f"is earlier than the recorded time of the event before it ({last_time.decode()}): "
        "recorded times never go back along the log",
    )


COMMANDS: dict[str, type[commands.Command]] = {
    topics.REPORT_REPORTED: commands.ReportProgress,
    topics.REPORT_CORRECTED: commands.CorrectProgress,
    topics.PROJECT_REGISTERED: commands.RegisterProject,
    topics.PROJECT_PLAN_REVISED: commands.RevisePlan,
    topics.PROJECT_MILESTONE_REACHED: commands.ReachMilestone,
    topics.PROJECT_TERMINATED: commands.TerminateProject,
    topics.REQUEST_FILED: commands.FileFactor,
    topics.REQUEST_EXTENDED: commands.ExtendFactor,
    topics.REQUEST_ESCALATED: commands.EscalateFactor,
    topics.REQUEST_RESOLVED: commands.ResolveFactor,
}
"""The command that records each type of event, whose fields' rules its values must keep: a
field of the event checked by the command's field of the same name (money, stored as whole
yuan in a field named `..._yuan`, by the field without the suffix, in 万元)."""


def _check_values(topic: str, state: dict[str, Any]) -> None:
    """The event's values by the rules of the command that records it (`COMMANDS`): a
    negative investment, a percentage over 100, a blank name are refused as the command
    refuses them (one validation an event)."""
    found = _rules(topic)
    if found is None:
        return
    rules, fields = found
    given = {}
    for name, field, money in fields:
        value = state.get(name)
        if value is None:
            continue
        if money:
            if value.__class__ is not int:  # not whole yuan: the event's model refused it
                continue
            value = from_yuan(value)
        given[field] = value
    try:
        rules.validate_python(given)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "event"
        rule = str(first["msg"]).removeprefix("Value error, ")
        name = next((n for n, f, _ in fields if f == field and n in state), field)
        if name != field:
            rule = f"{rule} (as {field}, {given.get(field)} 万元)"
        raise Refused(name, state.get(name), rule) from None


@functools.cache
def _rules(topic: str) -> tuple[TypeAdapter[Any], list[tuple[str, str, bool]]] | None:
    """The rules of the fields of the command that records the events of `topic`, as one
    validator (a field not given is not checked), and the fields of such an event they
    check: (its name in the event, in the command, money in whole yuan?)."""
    command = COMMANDS.get(topic)
    if command is None:
        return None
    forms: dict[str, Any] = {}
    fields = []
    for field, info in command.model_fields.items():
        form = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        forms[field] = (form, None)
        fields += [(field, field, False), (f"{field}_yuan", field, True)]
    return TypeAdapter(create_model(f"{command.__name__}Values", **forms)), fields


def _unknown(state: dict[str, Any], named: Any) -> Refused:
    """An event the fold refused: it names `named`, which the log does not hold before it."""
    field = next((k for k, v in state.items() if v == named), "event")
    rule = {
        "code": "names a project the log does not register before this event",
        "date": "is not a day of the campaign's year (or the log opens no campaign before it)",
        "request_id": "names a factor request the log does not file before this event",
    }.get(field, "names what the log does not hold before this event")
    return Refused(field, named, f"{rule}: the engine would refuse it")


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

"""The auditors' tools (SPEC §7): verify the hash chain, list events, explain differences
between two views, reproduce published checkpoints, and export/import the whole log.

Verification reads every stored event beside its link in the chain and recomputes the chain
from the stored bytes: a modified, deleted, inserted or reordered event breaks it at its
position. A digest `HASH@POSITION` kept outside the store also catches a cut tail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson
from eventsourcing.persistence import StoredEvent

from campaign.chain import GENESIS, digest, link, parse_digest
from campaign.checkpoint import checkpoint, state_hash
from campaign.errors import CampaignError, LineError, Refused, StoreError
from campaign.replay import Folder, elided
from campaign.snapshots import check_snapshots

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from campaign.engine import Engine
    from campaign.store import Store

EXPORT_FORMAT = "campaign-log"
EXPORT_VERSION = 1


# ----------------------------------------------------------------------------------- verify


@dataclass(frozen=True, slots=True)
class Verification:
    events: int
    head: bytes
    problem: str | None = None
    position: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def digest(self) -> str:
        return digest(self.head, self.events)


def verify(
    store: Store,
    *,
    expected: str | None = None,
    progress: Callable[[int], None] | None = None,
    snapshots: bool = False,
) -> Verification:
    """Check the whole chain and the digest `expected` (HASH@POSITION) when given; with
    `snapshots`, also that every projection snapshot is what the log folds to at its position
    (a full replay: snapshots are a cache beside the log, outside its chain, which published
    and reproduced figures never use)."""
    reader = store.reader()
    try:
        result = verify_chain(reader, expected=expected, progress=progress)
        if result.ok and snapshots:
            bad = check_snapshots(reader)
            if bad:
                result = Verification(
                    result.events,
                    result.head,
                    f"the projection snapshot at position {bad[0]} is not what the log folds "
                    "to there (forged or damaged; checkpoint --no-snapshot is not affected)",
                    bad[0],
                )
    finally:
        reader.close()
    return result


def verify_chain(
    reader: Any, *, expected: str | None = None, progress: Callable[[int], None] | None = None
) -> Verification:
    """The chain of one snapshot of the store (see `verify`)."""
    if expected is not None:
        try:
            expected_head, expected_position = parse_digest(expected)
        except ValueError as error:
            raise Refused("digest", expected, str(error)) from None
    result = _walk(reader.links(), progress)
    chained, _, _ = reader.head()
    if result.ok and chained > result.events:
        result = Verification(
            result.events,
            result.head,
            f"event missing: the chain goes on to position {chained} (deleted)",
            result.events + 1,
        )
    if result.ok and expected is not None:
        result = _check_digest(reader, result, expected_head, expected_position)
    return result


def _walk(
    links: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None] | None
) -> Verification:
    """Rows are (notification id, originator id, version, topic, state, chain position,
    chain hash), the chain joined to every stored event in notification order."""
    head = GENESIS
    position = 0
    for batch in links:
        for _, originator_id, version, topic, state, chained_at, stored in batch:
            position += 1
            if chained_at is None:
                return Verification(
                    position - 1,
                    head,
                    "an event that is not in the hash chain (inserted)",
                    position,
                )
            if chained_at != position:
                if chained_at > position:
                    return Verification(
                        position - 1,
                        head,
                        f"event missing: the chain goes on at position {chained_at} (deleted)",
                        position,
                    )
                return Verification(position - 1, head, "the chain repeats a position", position)
            computed = link(head, originator_id, int(version), topic, _raw(state))
            if computed != bytes(stored):
                return Verification(
                    position - 1,
                    head,
                    "the event's bytes do not match its link (modified, or moved)",
                    position,
                )
            head = computed
        if progress is not None:
            progress(position)
    return Verification(position, head)


def _raw(state: Any) -> bytes:
    """A stored state as bytes (a value rewritten as TEXT by hand is hashed as its UTF-8)."""
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


def _check_digest(reader: Any, result: Verification, expected: bytes, at: int) -> Verification:
    if at > result.events:
        return Verification(
            result.events,
            result.head,
            f"the log ends at position {result.events}, before the digest's position {at} "
            "(events were cut from the end)",
            result.events + 1,
        )
    _, stored = reader.chain_at(at)
    if stored != expected:
        return Verification(
            result.events,
            result.head,
            f"the chain at position {at} does not match the digest (history was rewritten)",
            at,
        )
    return result


# -------------------------------------------------------------------------------------- log


@dataclass(frozen=True, slots=True)
class LogFilter:
    project: str | None = None
    types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None
    actor: str | None = None

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


_META = ("timestamp", "actor", "date", "originator_topic", "code")


def log_entries(
    store: Store, where: LogFilter, *, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every stored event that passes the filter, in log order, with both of its times."""
    reader = store.reader()
    try:
        position = 0
        shown = 0
        for batch in reader.links():
            for _, originator_id, version, topic, state, _, _ in batch:
                position += 1
                event = orjson.loads(state)
                entry = {
                    "position": position,
                    "recorded": event.get("timestamp"),
                    "date": event.get("date"),
                    "actor": event.get("actor"),
                    "type": topic.rpartition(":")[2],
                    "project": event.get("code"),
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


def in_zone(recorded: str, timezone: str) -> str:
    return (
        dt.datetime.fromisoformat(recorded)
        .astimezone(ZoneInfo(timezone))
        .isoformat(timespec="seconds")
    )


# ------------------------------------------------------------------------------------- diff


@dataclass
class Difference:
    """What changed in a checkpoint between two views of the log, and the events that did it."""

    as_of: str
    known_at: str
    vs: str
    positions: tuple[int, int]
    changes: list[dict[str, Any]] = field(default_factory=list)
    causes: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "known_at": self.known_at,
            "vs": self.vs,
            "positions": list(self.positions),
            "changes": self.changes,
            "events": self.causes,
        }


def _flatten(document: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    flat.update({f"zone.{k}": v for k, v in document["zone"].items() if k != "lights"})
    flat.update({f"zone.lights.{k}": v for k, v in document["zone"]["lights"].items()})
    flat["time_progress"] = document["time_progress"]
    for key, value in document["factors"].items():
        if key in ("by_category", "by_unit"):
            for name, figures in value.items():
                flat.update({f"factors.{key}.{name}.{k}": v for k, v in figures.items()})
        else:
            flat[f"factors.{key}"] = value
    for target in document["targets"]:
        for k in ("actual", "ratio", "over_half"):
            flat[f"targets.{target['kind']}.{k}"] = target[k]
    for project in document["projects"]:
        for k, v in project.items():
            if k not in ("code", "name", "sector", "category", "unit", "leader"):
                flat[f"projects.{project['code']}.{k}"] = v
    return flat


def diff(engine: Engine, as_of: dt.date, known_at: str, vs: str) -> Difference:
    """Compare the checkpoint at `as_of` as known at `known_at` with it as known at `vs`."""
    from campaign.queries import checkpoint_document  # noqa: PLC0415 (queries imports this)

    before = checkpoint_document(engine, as_of, known_at, snapshots=False)
    after = checkpoint_document(engine, as_of, vs, snapshots=False)
    old, new = _flatten(before), _flatten(after)
    result = Difference(
        as_of.isoformat(),
        known_at,
        vs,
        (before["receipt"]["position"], after["receipt"]["position"]),
    )
    for key in sorted(set(old) | set(new), key=_key_order):
        if old.get(key) != new.get(key):
            result.changes.append({"figure": key, "before": old.get(key), "after": new.get(key)})
    low, high = sorted(result.positions)
    touched = {
        c["figure"].split(".")[1] for c in result.changes if c["figure"].startswith("projects.")
    }
    day = as_of.isoformat()
    for entry in log_entries(engine.store, LogFilter()):
        if entry["position"] > high:
            break  # nothing later can have moved a figure between the two readings
        if entry["position"] <= low:
            continue
        counts = entry["date"] is None or entry["date"] <= day or entry["type"].endswith("Resolved")
        if counts and (entry["project"] in touched or entry["project"] is None or not touched):
            result.causes.append(entry)
    return result


def _key_order(key: str) -> tuple[int, str]:
    order = ("time_progress", "zone.", "targets.", "factors.", "projects.")
    return next((i for i, p in enumerate(order) if key.startswith(p)), len(order)), key


# -------------------------------------------------------------------------------- reproduce


@dataclass(frozen=True, slots=True)
class Reproduction:
    as_of: str
    known_at: str | None
    position: int
    published: str
    computed: str
    head_matches: bool

    @property
    def ok(self) -> bool:
        return self.published == self.computed and self.head_matches


def reproduce(engine: Engine) -> list[Reproduction]:
    """Recompute every published checkpoint from the log as it stood at the position it read:
    one pass over the log (no snapshots), stopping at each publication's position in turn."""
    reader = engine.store.reader()
    try:
        everything = Folder()
        everything.fold(reader.batches(0, reader.head()[1], elided()))
        publications = sorted(everything.p.publications, key=lambda p: int(p["position"]))
        folder = Folder()
        after = 0
        results = []
        for published in publications:
            position = int(published["position"])
            upto, head = reader.chain_at(position)
            folder.fold(reader.batches(after, upto, elided()))
            folder.p.position, after = position, upto
            known_at = published.get("known_at")
            document = checkpoint(
                folder.p, dt.date.fromisoformat(published["as_of"]), known_at=known_at
            )
            results.append(
                Reproduction(
                    as_of=published["as_of"],
                    known_at=known_at,
                    position=position,
                    published=published["state_hash"],
                    computed=state_hash(document),
                    head_matches=head.hex() == published["head_hash"],
                )
            )
    finally:
        reader.close()
    return results


# --------------------------------------------------------------------------- export, import


def export(store: Store, out: IO[bytes]) -> Verification:
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
                    "state": _raw(state).decode("utf-8"),
                    "hash": bytes(chained).hex(),
                }
                out.write(orjson.dumps(line) + b"\n")
    finally:
        reader.close()
    return checked


def import_log(
    store: Store, lines: Iterator[bytes], *, expected: str | None = None
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

    def __init__(self, store: Store, *, pinned_at: int | None) -> None:
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
            self.store.recorder.insert_events(self.batch)
            self.batch = []

    def finish(self) -> Verification:
        if self.declared is None:
            raise StoreError("the file is empty: not an exported campaign log")
        if self.batch:
            self.store.recorder.insert_events(self.batch)
        result = Verification(self.position, self.head)
        if self.declared["digest"] != result.digest:
            raise StoreError(
                f"the file ends at {result.digest}, but its header says "
                f"{self.declared['digest']} (lines were cut or added)"
            )
        return result


def _readable(store: Store, event: StoredEvent) -> None:
    """An imported event must be one the engine can read: a known type, a valid shape."""
    try:
        store.log.mapper.to_domain_event(event)
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

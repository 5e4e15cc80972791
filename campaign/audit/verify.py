"""Verify the hash chain (SPEC §7): every stored event beside its link, the chain recomputed
from the stored bytes, so that a modified, deleted, inserted or reordered event breaks it at
its position; a digest `HASH@POSITION` kept outside the store also catches a cut tail. With
snapshots, each projection snapshot is also compared with what the log folds to there.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from campaign.domain.errors import Refused
from campaign.read.fold import Folder
from campaign.read.replay import fold_range
from campaign.read.snapshots import FORMAT, dump
from campaign.store.chain import GENESIS, digest, link, parse_digest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from campaign.app.ports import EventStore
    from campaign.store.readers import Link, LogReader


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
    store: EventStore,
    *,
    expected: str | None = None,
    progress: Callable[[int, int], None] | None = None,
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
    reader: LogReader,
    *,
    expected: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Verification:
    """The chain of one snapshot of the store (see `verify`)."""
    if expected is not None:
        try:
            expected_head, expected_position = parse_digest(expected)
        except ValueError as error:
            raise Refused("digest", expected, str(error)) from None
    chained, _, _ = reader.head()
    result = _walk(reader.links(), progress, chained)
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
    links: Iterator[list[Link]], progress: Callable[[int, int], None] | None, total: int
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
            computed = link(head, originator_id, int(version), topic, raw_state(state))
            if stored is None or computed != bytes(stored):
                return Verification(
                    position - 1,
                    head,
                    "the event's bytes do not match its link (modified, or moved)",
                    position,
                )
            head = computed
        if progress is not None:
            progress(position, total)
    return Verification(position, head)


def raw_state(state: bytes | str) -> bytes:
    """A stored state as bytes (a value rewritten as TEXT by hand is hashed as its UTF-8)."""
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


def _check_digest(
    reader: LogReader, result: Verification, expected: bytes, at: int
) -> Verification:
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


def check_snapshots(reader: LogReader) -> list[int]:
    """The positions of the snapshots (of this engine) that are not what the log folds to
    there: one pass over the log, comparing at each snapshot's position."""
    taken = sorted((at, data) for at, _, data, _ in reader.snapshots_upto(reader.head()[0], FORMAT))
    bad: list[int] = []
    folder = Folder()
    after = done = 0
    for at, data in taken:
        upto, _ = reader.chain_at(at)
        fold_range(folder, reader, (after, upto), (done, at), progress=None, split_min=None)
        folder.p.position = at
        after, done = upto, at
        try:
            same = zlib.decompress(data) == zlib.decompress(dump(folder.p))
        except zlib.error:
            same = False
        if not same:
            bad.append(at)
    return bad

"""What the store offers the read side: a read-only snapshot of the log, typed as Protocols that
each backend implements.

A reader sees one consistent state of the store from its first read (on PostgreSQL, from its
opening) to `close`, whatever is appended meanwhile. Positions count the events of the log from
1 (the hash chain's order); notification ids are the store's own row ids, which on PostgreSQL
may have gaps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

Row = tuple[str | None, bytes]
"""(topic, state) of one event; the topic is None for the topic the caller asked to elide."""


Link = tuple[int, str, int, str, "bytes | str", "int | None", "bytes | None"]
"""(notification id, originator id, version, topic, state, chain position, chain hash) of one
stored event beside its link in the hash chain (None when it has none)."""

Entry = tuple["bytes | None", int, str, bytes]
"""(originator id as UTF-8, version, topic, state) of one stored event, for
`campaign.audit.sweep`: the id comes as None unless it and the version have the types the
engine writes; the topic and the state are as stored, of whatever type (the sweep checks)."""

Candidate = tuple[int, str, int, str, bytes]
"""(position in its span, originator id, version, topic, state) of an event that may pass a
filter of the audit log."""

Snapshot = tuple[int, bytes, bytes, bytes]
"""(position, chain hash at that position, data, digest) of a stored projection snapshot."""


def stored_bytes(value: object) -> bytes:
    """A stored state (or hash) as bytes: TEXT as its UTF-8, NULL or a number (rewritten by
    hand) as no bytes, which no link, node or decoder takes."""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else b""


LAST_ID = 2**63 - 1
"""Past every notification id (a signed 64-bit integer in both stores): a span's end when
none is given."""


def prefix_range(prefix: str) -> tuple[str, str]:
    """The ids that start with `prefix` (not empty), as a range of the primary key's index:
    from `prefix` up to, not including, the first string after every one of them."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def numbered(batches: Iterable[list[tuple[str, int, str, bytes]]]) -> Iterator[list[Candidate]]:
    """Batches of (originator id, version, topic, state) rows of a span, each row with its
    position among the span's events, from 1."""
    counted = 0
    for batch in batches:
        yield [(counted + i, *row) for i, row in enumerate(batch, 1)]
        counted += len(batch)


def may_pass(holds: Callable[[str], str], escape: str, topics: int, words: int) -> str:
    """The SQL test that an event may pass a filter of `topics` types and `words` words (see
    `LogReader.candidates`), in a store's dialect: `holds(column)` tests that the column holds
    the next parameter, `escape` that the state holds a backslash."""
    tests = [f"({' OR '.join([holds('topic')] * topics)})"] if topics else []
    if words:  # every word, or an escape that may spell one
        tests.append(f"({' AND '.join([holds('state')] * words)} OR {escape})")
    return " AND ".join(tests)


class LogReader(Protocol):
    def head(self) -> tuple[int, int, bytes]:
        """(position, notification id, hash) of the last event, or (0, 0, genesis)."""
        ...

    def chain_at(self, position: int) -> tuple[int, bytes]:
        """(notification id, hash) of the event at `position` (0: before the first)."""
        ...

    def state_at(self, position: int) -> bytes:
        """The stored state of the event at `position`."""
        ...

    def event_at(self, position: int) -> tuple[str, int, str, bytes]:
        """(originator id, version, topic, state) of the event at `position`."""
        ...

    def entry_at(self, position: int) -> bytes:
        """The framed bytes of the event at `position`: its leaf in the Merkle tree."""
        ...

    def tree_nodes(self, position: int) -> bytes | None:
        """The stored hashes of the perfect subtrees the event at `position` completes (see
        `campaign.store.tree`); None when none is stored there."""
        ...

    def tree_rows(self) -> Iterator[list[tuple[int, bytes]]]:
        """Every stored (position, nodes) of the tree, in position order, in batches."""
        ...

    def created_states(self, prefix: str, upto: int) -> list[tuple[int, bytes]]:
        """(notification id, state) of the first event of each aggregate whose id starts with
        `prefix`, up to notification id `upto`, latest first (a range of the primary key's
        index, not a scan of the log)."""
        ...

    def batches(self, after: int, upto: int, elide: str | None = None) -> Iterator[list[Row]]:
        """(topic, state) rows with after < notification id <= upto, in log order, in
        batches; rows of the topic `elide` come with None for their topic."""
        ...

    def links(self) -> Iterator[list[Link]]:
        """Every stored event beside its link in the chain, in notification order."""
        ...

    def candidates(
        self, after: int, upto: int | None, topics: Sequence[str], words: Sequence[bytes]
    ) -> Iterator[list[Candidate]]:
        """The events with after < notification id <= upto (None: the end) that may pass a
        filter, in log order, in batches: each with its topic holding one of `topics` (when
        any), and its state holding every one of `words`, or a backslash (an escape may spell
        a word otherwise). The store compares the bytes; the caller reads the few that pass.
        Each comes with its position among the span's events, from 1."""
        ...

    def latest_snapshot(self, fmt: int, key: bytes) -> int:
        """The position of the latest snapshot of format `fmt` taken under the key whose id
        is `key` (0 when there is none), without reading it."""
        ...

    def snapshots_upto(self, position: int, fmt: int) -> Iterator[Snapshot]:
        """The projection snapshots of format `fmt` at or before `position`, latest first."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class FoldReader(LogReader, Protocol):
    """A reader that can share a span of the log out between two processes, for the fold
    (`campaign.read.parallel`): SQLite and PostgreSQL."""

    def batches_without(self, after: int, upto: int, topic: str) -> Iterator[list[Row]]:
        """(topic, state) of the events in the span that are not of `topic`, in log order."""
        ...

    def states_of(self, after: int, upto: int, topic: str) -> list[tuple[int, bytes]]:
        """(notification id, state) of the events of `topic` in a short span, in log order."""
        ...

    def created_between(
        self, prefix: str, topic: str, after: int, upto: int
    ) -> list[tuple[int, bytes]]:
        """(notification id, state) of the first events (of `topic`) of the aggregates whose
        ids start with `prefix` created in the span, in log order."""
        ...

    def reopen(self) -> FoldReader:
        """A reader of its own, for a forked process (connections are not shared), that reads
        the log as this one does."""
        ...

    def shareable(self) -> bool:
        """Whether `reopen` can give such a reader."""
        ...


@runtime_checkable
class SplitReader(FoldReader, Protocol):
    """A reader that can also share `audit verify`'s checks out between two processes
    (SQLite)."""

    def reopen(self) -> SplitReader:
        """See `FoldReader.reopen`."""
        ...

    def extent(self) -> tuple[int, int, int]:
        """(the first and the last notification id of an event, the last position of a tree
        node)."""
        ...

    def links_between(self, after: int | None, upto: int | None) -> Iterator[list[Link]]:
        """`links` for the events with after < notification id <= upto (None: from the first
        stored, whatever its id; to the end)."""
        ...

    def tree_rows_between(self, after: int, upto: int | None) -> Iterator[list[tuple[int, bytes]]]:
        """`tree_rows` for the positions after < position <= upto (None: the end)."""
        ...

    def in_engine_form(self) -> bool:
        """Whether the log's tables are the engine's, as it creates them (see `Entry`)."""
        ...

    def entries_between(self, after: int, upto: int) -> Iterator[list[Entry]]:
        """The events with after < notification id <= upto, in order."""
        ...

    def hashes_between(self, after: int, upto: int | None) -> Iterator[list[tuple[bytes]]]:
        """The chain's hashes at the positions after < position <= upto (None: the end), in
        order, of the links whose notification id is their position (others are left out)."""
        ...


class SnapshotWriter(Protocol):
    def save_snapshot(
        self, position: int, fmt: int, head: bytes, data: bytes, digest: bytes
    ) -> None:
        """Keep a projection snapshot; a cache, so a failure just skips it."""
        ...

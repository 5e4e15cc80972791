"""Verify the hash chain (SPEC §7): every stored event beside its link, the chain recomputed
from the stored bytes, so that a modified, deleted, inserted or reordered event breaks it at
its position; a digest `HASH@POSITION` kept outside the store also catches a cut tail. With
snapshots, each projection snapshot is also compared with what the log folds to there.

A log in the form the engine writes is checked by sweeps, a batch at a time
(`campaign.audit.sweep`), which only say whether every check passed. Where one did not, or the
log is in another form, the walk over the events (`Walk.step`) checks it again, event by event,
and says which check failed and where. Saying why (two events swapped, a node of the tree
changed, a log shorter than a digest cut or rewritten) is done after that, from the store
(`_unlinked`, `_node_problem`, `shorter`).
"""

from __future__ import annotations

import functools
import os
import pickle
import signal
import sqlite3
from dataclasses import dataclass, field
from hashlib import sha256
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from campaign.audit.sweep import Sweep
from campaign.domain.errors import CampaignError, Refused, StoreError
from campaign.read.collector import collector_paused
from campaign.read.fold import Folder
from campaign.read.parallel import two_processes
from campaign.read.replay import alike_on_one_process, fold_range
from campaign.read.snapshots import FORMAT, content, dump
from campaign.store.chain import GENESIS, digest, link_entry, parse_digest
from campaign.store.heads import HEX_ROOT, PUBLICATIONS, stamp_of, stored_tree
from campaign.store.readers import SplitReader, stored_bytes
from campaign.store.tree import Frontier, entry, frontier_of, node_hash

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    from campaign.app.ports import EventStore
    from campaign.store.readers import Link, LogReader


A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class Verification:
    events: int
    head: bytes
    problem: str | None = None
    position: int | None = None
    roots: dict[int, bytes] = field(default_factory=dict)  # the tree's roots asked for

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
    sizes: Collection[int] = (),
) -> Verification:
    """The chain and the tree of one snapshot of the store (see `verify`); the tree's roots
    at `sizes` are kept."""
    if expected is not None:
        try:
            expected_head, expected_position = parse_digest(expected)
        except ValueError as error:
            raise Refused("digest", expected, str(error)) from None
    chained, _, _ = reader.head()
    with collector_paused():  # a million rows and hashes, and no reference cycle among them
        result = _swept(reader, chained, progress, sizes)
        if result is None:  # the walk, event by event, says what is wrong
            split = _split_reader(reader, chained)
            if split is not None:
                result = _walk_in_two(split, progress, chained, sizes)
            else:
                result = walk(reader.links(), progress, chained, reader.tree_rows(), sizes)
    if result.problem == UNLINKED:
        result = _unlinked(reader, result)
    if chained > result.events and (result.ok or result.problem == PAST_TREE):
        # the events end before the chain does: the first missing one is what is wrong,
        # not the tree's nodes that were written beside it and are still there
        result = Verification(
            result.events,
            result.head,
            f"event missing: the chain goes on to position {chained}, the events end at "
            f"position {result.events} (deleted)",
            result.events + 1,
            result.roots,
        )
    if result.ok and expected is not None:
        result = _check_digest(reader, result, expected_head, expected_position)
    return result


UNLINKED = "the event's bytes do not match its link (modified, or moved)"
PAST_TREE = "the Merkle tree has nodes past the last event"

MIN_SPLIT = 200_000
"""Logs at least this long are checked by two processes (SQLite), each half on its own."""


def _split_reader(reader: LogReader, events: int) -> SplitReader | None:
    if isinstance(reader, SplitReader) and two_processes(events, MIN_SPLIT):
        return reader
    return None


def _walk_in_two(
    reader: SplitReader,
    progress: Callable[[int, int], None] | None,
    total: int,
    sizes: Collection[int],
) -> Verification:
    """The first half of the log walked here, the second by a forked process at once. The
    second starts from what the store holds at the middle (the chain's link, the tree's right
    edge, the recorded time), which the first half's walk checks: a result is only as good
    as both halves, so the first half's problem, if any, is the one told."""
    middle = total // 2
    started = _start_at(reader, middle, sizes)
    if started is None:  # the store cannot be read there: one walk finds and names why
        return walk(reader.links(), progress, total, reader.tree_rows(), sizes)
    start, split = started  # the halves part at the middle position's event, by its id
    _, last_event, last_node = reader.extent()

    def second() -> Verification:
        own = reader.reopen()
        return walk(
            own.links_between(split, last_event),
            None,
            total,
            own.tree_rows_between(middle, total),  # by position: past it is the next log's
            sizes,
            start=start,
        )

    first, other = _in_two(
        lambda: walk(
            reader.links_between(None, split),
            _halved(progress, total),
            total,
            reader.tree_rows_between(0, middle),
            sizes,
            ends=False,
        ),
        second,
    )
    if not first.ok or first.events != middle:
        return first if not first.ok else Verification(first.events, first.head, roots=first.roots)
    if isinstance(other, Failed):
        raise StoreError(f"the second half of the log could not be checked: {other.reason}")
    if other.ok and last_node > other.events:
        return Verification(other.events, other.head, PAST_TREE, other.events + 1)
    return Verification(
        other.events, other.head, other.problem, other.position, first.roots | other.roots
    )


def _halved(
    progress: Callable[[int, int], None] | None, total: int
) -> Callable[[int, int], None] | None:
    """Progress through the first half, told as of the whole (the second goes as fast)."""
    if progress is None:
        return None
    return lambda done, _: progress(done * 2, total)


def _ended(status: int, received: bytes) -> str:
    """How the second process ended without its result, from its wait status."""
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        try:
            name = f" ({signal.Signals(-code).name})"
        except ValueError:  # a signal Python has no name for
            name = ""
        return f"it was ended by signal {-code}{name}"
    if code == 0 and not received:
        return "it ended without its result"
    return f"it ended with exit code {code}"


@dataclass(frozen=True, slots=True)
class Failed:
    """The second process's failure, why as it said."""

    reason: str


def _in_two(
    first: Callable[[], A], second: Callable[[], B], stop: Callable[[A], bool] | None = None
) -> tuple[A, B | Failed]:
    """`first()` here and `second()` in a forked process at once; the second is stopped when
    `stop(first())` says its result is not needed."""
    readable, writable = os.pipe()
    child = os.fork()
    if child == 0:  # the second process: its result pickled to the pipe
        status = 1
        try:
            os.close(readable)
            try:
                sent = pickle.dumps(second())
            except Exception as error:  # sent back, to be told in the first process
                sent = pickle.dumps(Failed(str(error) or type(error).__name__))
            with os.fdopen(writable, "wb") as out:
                out.write(sent)
            status = 0
        finally:
            os._exit(status)
    os.close(writable)
    ended = False
    try:
        with os.fdopen(readable, "rb") as pipe:  # closed on every way out
            one = first()
            if stop is not None and stop(one):
                return one, Failed("not needed")
            received = pipe.read()
        _, status = os.waitpid(child, 0)
        ended = True
    finally:
        if not ended:  # stopped, or this process failed: the second is not waited for
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
    if status != 0 or not received:
        return one, Failed(_ended(status, received))
    other: B | Failed = pickle.loads(received)  # our own child's bytes
    return one, other


def _swept(
    reader: LogReader,
    total: int,
    progress: Callable[[int, int], None] | None,
    sizes: Collection[int],
) -> Verification | None:
    """The log checked by sweeps (`campaign.audit.sweep`), its halves by two processes at once
    when the walk's would be; None unless every check passed (the log is not in the form the
    engine writes, or something in it is wrong: the walk finds what)."""
    if not isinstance(reader, SplitReader) or total == 0 or not reader.in_engine_form():
        return None  # another store or form; an empty log is walked at once
    first_id, last_id, last_node = reader.extent()
    if (first_id, last_id) != (1, total) or last_node > total:
        return None  # events, or nodes of the tree, before the chain's first id or past its end
    if _split_reader(reader, total) is None:
        whole = _swept_span(reader, Walk(None, sizes), total, progress, total)
        return None if whole is None else Verification(total, whole.head, roots=whole.roots)
    middle = total // 2
    started = _start_at(reader, middle, sizes)
    if started is None or started[1] != middle:
        return None
    start, _ = started
    edge = (start.head, start.last_time, list(start.stack))
    first, second = _in_two(
        lambda: _swept_span(reader, Walk(None, sizes), middle, _halved(progress, total), total),
        lambda: _swept_span(reader.reopen(), start, total, None, total),
        stop=lambda first: first is None,  # the walk is to run: the second half need not end
    )
    if (
        first is None
        or second is None
        or isinstance(second, Failed)
        or (first.head, first.last_time, first.stack) != edge  # where the second began
    ):
        return None
    return Verification(total, second.head, roots=first.roots | second.roots)


def _swept_span(
    reader: SplitReader,
    start: Walk,
    upto: int,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> Walk | None:
    """The events from `start` up to position `upto` swept (each position the notification
    id of its event), against the links and the tree's nodes up to there (whatever a store
    open for writing holds past `total` is the next log's); the walk's state after them, or
    None."""
    after = start.position
    try:
        passed = Sweep(start).run(
            reader.entries_between(after, upto),
            reader.hashes_between(after, upto),
            reader.tree_rows_between(after, upto),
            progress,
            total,
        )
    except sqlite3.DatabaseError:  # TEXT that is not UTF-8, where the engine writes bytes
        return None
    # so many events in the span of ids: one at each, in order
    return start if passed and start.position == upto else None


def _start_at(reader: SplitReader, middle: int, sizes: Collection[int]) -> tuple[Walk, int] | None:
    """The walk's state after the event at `middle`, as the store holds it (read in this
    process's view of the store, before the second process starts), and that event's
    notification id, where the halves part (the ids of a rewritten log need not be its
    positions): the first half's walk checks every part of it."""
    try:
        split, head = reader.chain_at(middle)
        edge = frontier_of(middle, stored_tree(reader).subtree)
        stamp = stamp_of(reader.state_at(middle))
    except (CampaignError, LookupError, ValueError):
        return None
    if stamp is None:
        return None
    start = Walk(None, sizes)
    start.position, start.head, start.last_time = middle, head, stamp
    start.stack = [block for _, block in edge.blocks]
    return start, split


def walk(
    links: Iterator[list[Link]],
    progress: Callable[[int, int], None] | None,
    total: int,
    tree: Iterator[list[tuple[int, bytes]]] | None = None,
    sizes: Collection[int] = (),
    *,
    start: Walk | None = None,
    ends: bool = True,
) -> Verification:
    """Rows are (notification id, originator id, version, topic, state, chain position,
    chain hash), the chain joined to every stored event in notification order. With `tree`
    (the stored nodes in position order), the Merkle tree is recomputed from the events and
    compared node by node; the roots at `sizes` are kept (`Verification.roots`). From the
    state `start` (the first half's end) when given; `ends`: the rows end the log, so no tree
    node may come after them."""
    walk = Walk(None, sizes) if start is None else start
    walk.nodes = None if tree is None else _flatten(tree)
    for batch in links:
        for row in batch:
            problem = walk.step(row)
            if problem is not None:
                return Verification(walk.position - 1, walk.head, problem, walk.at, walk.roots)
        if progress is not None:
            progress(walk.position, total)
    extra = None if walk.nodes is None else next(walk.nodes, None)
    if extra is not None and not ends:  # a node among the rows read, where no event ends one
        return Verification(
            walk.position, walk.head, _inserted_node(extra[0]), extra[0], walk.roots
        )
    if extra is not None:
        return Verification(walk.position, walk.head, PAST_TREE, extra[0], walk.roots)
    if not ends:
        return Verification(walk.position, walk.head, roots=walk.roots)
    return Verification(walk.position, walk.head, roots=walk.roots)


class Walk:
    """The checks of one event after another: its link, its recorded time, its place in
    the tree."""

    def __init__(self, nodes: Iterator[tuple[int, bytes]] | None, sizes: Collection[int]) -> None:
        self.head = GENESIS
        self.position = 0
        self.at = 0  # where a problem is
        self.last_time = b""
        self.stack: list[bytes] = []  # the hashes of the tree's right edge, largest first
        self.nodes = nodes
        self.sizes = sizes
        self.roots: dict[int, bytes] = {0: Frontier([]).root()} if 0 in sizes else {}

    def _tree(self, completed: bytes) -> str | None:
        assert self.nodes is not None
        found = next(self.nodes, None)
        if found == (self.position, completed):
            return None
        self.at, why = _node_problem(found, self.position, completed, self.nodes)
        return why

    def step(self, row: Link) -> str | None:
        """The checks of the next event; None when it passes. The common case is written out
        (one call per event, the hashes fed without copies): `audit verify` reads every event."""
        notification_id, originator_id, version, topic, state, chained_at, stored = row
        self.position += 1
        position = self.at = self.position
        if chained_at != position or notification_id < 1:
            return _misplaced(chained_at, position, notification_id)
        raw = state if state.__class__ is bytes else stored_bytes(state)
        framed = _framed(originator_id, version, topic, raw)
        hasher = sha256(self.head)
        hasher.update(framed)
        computed = hasher.digest()
        if computed != stored and computed != _as_bytes(stored):
            return UNLINKED
        moment = stamp_of(raw)
        if moment is None:
            return "the event has no recorded time in the engine's form (UTC, to the microsecond)"
        if moment < self.last_time:
            return (
                f"its recorded time {moment.decode()} is earlier than the event before "
                f"({self.last_time.decode()})"
            )
        self.last_time = moment
        self.head = computed
        hasher = sha256(b"\x00")
        hasher.update(framed)
        current = hasher.digest()
        stack = self.stack
        if position & 1:  # an odd position completes no subtree
            stack.append(current)
        else:  # one inner node per trailing zero of the position: RFC 9162's node hash
            completed = []
            size = position
            while not size & 1:
                hasher = sha256(b"\x01")
                hasher.update(stack.pop())
                hasher.update(current)
                current = hasher.digest()
                completed.append(current)
                size >>= 1
            stack.append(current)
            if self.nodes is not None and (wrong := self._tree(b"".join(completed))):
                return wrong
        if position in self.sizes:
            self.roots[position] = self.frontier().root()
        return None

    def frontier(self) -> Frontier:
        """The tree's right edge now: one perfect subtree per binary digit of the size."""
        widths = [1 << bit for bit in reversed(range(self.position.bit_length()))]
        return Frontier(
            list(zip([w for w in widths if self.position & w], self.stack, strict=True))
        )


def _framed(originator_id: Any, version: Any, topic: Any, raw: bytes) -> bytes:
    """The event's entry; for columns rewritten with other types than the engine writes, as
    `entry_at` reads them (no entry when the version is no whole number of 8 bytes: then no
    link can match it)."""
    try:
        if originator_id.__class__ is str and topic.__class__ is str and version.__class__ is int:
            return entry(originator_id, version, topic, raw)
        return entry(str(originator_id), int(str(version)), str(topic), raw)
    except (ValueError, OverflowError):
        return b""


def _node_problem(
    found: tuple[int, bytes] | None,
    position: int,
    completed: bytes,
    following: Iterator[tuple[int, bytes]],
) -> tuple[int, str]:
    """Where and why the stored nodes `found` differ from `completed`, those the event at
    `position` completes (called once they differ). The events up to `position` matched
    their links, and every stored node before these matched the events: a node over more
    than two events that differs is not the hash of the two stored nodes under it, so it was
    changed itself; a node over two events is told apart with the node above it, when the
    store holds it (in `found`, or in the next row of `following`)."""
    if found is None or found[0] > position:
        return position, (
            f"the Merkle tree has no node at position {position}, where the events complete "
            "one (deleted)"
        )
    if found[0] < position:
        return found[0], _inserted_node(found[0])
    stored = found[1]
    levels = len(completed) // 32
    level = next(
        (
            k
            for k in range(levels)
            if completed[32 * k : 32 * k + 32] != stored[32 * k : 32 * k + 32]
        ),
        None,
    )
    if level is None or (len(stored) != len(completed) and 32 * level + 32 > len(stored)):
        # the same nodes as far as both go, and more or fewer stored
        first = position - (2 << (levels - 1 if level is None else level)) + 1
        return first, (
            f"the Merkle tree's row at position {position} holds {len(stored)} bytes of "
            f"nodes, where the events there complete {levels} nodes ({len(completed)} bytes) "
            "(changed)"
        )
    width = 2 << level
    first = position - width + 1
    node = f"the Merkle tree's node over positions {first}–{position} (stored at {position})"
    if level > 0:
        half = first + width // 2
        return first, (
            f"{node} was changed: it is not the hash of the two nodes under it, over positions "
            f"{first}–{half - 1} and {half}–{position}, which match the events"
        )
    return first, _pair_problem(node, position, completed, stored, following)


def _pair_problem(
    node: str,
    position: int,
    completed: bytes,
    stored: bytes,
    following: Iterator[tuple[int, bytes]],
) -> str:
    """Why the stored node over the events at `position` and the one before, which match
    their links, is not their hash: the node above it tells a changed node (it still holds
    the events' hash) from events written again with their links after the tree (it agrees
    with the stored node)."""
    first = position - 1
    above: int | None = None  # the first position under the node above, when it is read
    holds_events = holds_stored = False
    if len(completed) >= 64 and len(stored) >= 64:  # the node above is in the same row
        above, holds_events = first - 2, completed[32:64] == stored[32:64]
    elif (
        position % 4 == 2
        and (after := next(following, None)) is not None
        and after[0] == position + 2
        and len(after[1]) >= 64
    ):
        right, parent = after[1][:32], after[1][32:64]
        above = first
        holds_events = node_hash(completed[:32], right) == parent
        holds_stored = node_hash(stored[:32], right) == parent
    if above is not None and holds_events:
        return (
            f"{node} was changed: it is not the hash of the events there, which match their "
            f"links in the chain, and the node above it (over positions {above}–{above + 3}) "
            "still holds theirs"
        )
    if above is not None and holds_stored:
        return (
            f"the events at positions {first}–{position} match their links in the chain but "
            f"not the Merkle tree's node over them (stored at position {position}), which the "
            f"node above it (over positions {above}–{above + 3}) agrees with: the events were "
            "written again, with their links, after the tree"
        )
    return (
        f"{node} is not the hash of the events there, which match their links in the chain: "
        "the node was changed, or the events were written again, with their links, after "
        "the tree"
    )


def _inserted_node(position: int) -> str:
    return (
        f"the Merkle tree has a node at position {position}, where no event completes one "
        "(inserted)"
    )


def _misplaced(chained_at: int | None, position: int, notification_id: int) -> str | None:
    """What is wrong with the chain's position for the event at `position`, if anything."""
    if notification_id < 1:  # the engine numbers events from 1, and reads them so
        chained = "that is not in the hash chain" if chained_at is None else "linked in the chain"
        return (
            f"an event stored before the log's first, under the id {notification_id}, "
            f"{chained} (inserted, or the log's ids rewritten)"
        )
    if chained_at is None:
        return "an event that is not in the hash chain (inserted)"
    if chained_at > position:
        return f"event missing: the chain goes on at position {chained_at} (deleted)"
    if chained_at < position:
        return "the chain repeats a position"
    return None


def _flatten(batches: Iterator[list[tuple[int, bytes]]]) -> Iterator[tuple[int, bytes]]:
    for batch in batches:
        for position, nodes in batch:
            yield int(position), _as_bytes(nodes) or b""  # no node is b"": a check fails


def _as_bytes(value: object) -> bytes | None:
    """A stored hash or node as bytes; None for a value of another type (TEXT, a number,
    NULL), which no hash equals."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return None


def _check_digest(
    reader: LogReader, result: Verification, expected: bytes, at: int
) -> Verification:
    """The log against a digest kept outside the store. Where it differs, the position whose
    check failed is named, and the positions its first difference lies between, as far as
    the log's own receipts bound them (the digest pins its whole log, not where it
    changed)."""
    if at > result.events:
        return _bounded(result, shorter(reader, result.events, at, "digest"))
    _, stored = reader.chain_at(at)
    if stored == expected:
        return result
    problem = f"the chain at position {at} does not match the digest (history was rewritten)"
    found = _against_receipts(reader, at)
    if found:
        first, said = min(found)
        return _bounded(result, Shorter(f"{problem}: {said}", first, 1))
    return Verification(result.events, result.head, problem, at, result.roots)


def _bounded(result: Verification, why: Shorter) -> Verification:
    """`result` failed for `why`, at its position (where a check failed), with the positions
    the first difference lies between said when they are more than that one."""
    problem = why.problem
    if why.since < why.position:
        problem += f" (the first difference lies between positions {why.since} and {why.position})"
    return Verification(result.events, result.head, problem, why.position, result.roots)


MOVES = 64
"""How far past a failed link `audit verify` looks for where its event went (`_unlinked`)."""


def _unlinked(reader: LogReader, failed: Verification) -> Verification:
    """`failed` (an event whose bytes do not give its link), told as events out of order
    when the event the chain links there is stored a little later, or the event there is
    the one the chain links a little later: read from the store once the walk has failed."""
    at = failed.position
    if at is None:
        return failed
    try:
        _, before = reader.chain_at(at - 1)
        _, linked = reader.chain_at(at)
        here = reader.entry_at(at)
    except (CampaignError, LookupError, TypeError, ValueError, OverflowError):
        return failed
    stored_at = belongs = None  # where the event linked here is; where the event here belongs
    previous = linked
    for later in range(at + 1, at + 1 + MOVES):
        try:
            _, hashed = reader.chain_at(later)
            framed = reader.entry_at(later)
        except (CampaignError, LookupError, TypeError, ValueError, OverflowError):
            break
        if stored_at is None and link_entry(before, framed) == linked:
            stored_at = later
        if belongs is None and link_entry(previous, here) == hashed:
            belongs = later
        if stored_at is not None and belongs is not None:
            break
        previous = hashed
    if stored_at is not None and stored_at == belongs:
        order = "out of order" if stored_at == at + 1 else "in each other's places"
        problem = (
            f"the events at positions {at} and {stored_at} are {order}: each one's bytes give "
            "the other's link in the chain (moved)"
        )
    elif stored_at is not None:
        problem = (
            f"the event the chain links at position {at} is stored at position {stored_at}, "
            f"and the one stored at {at} is not it (moved)"
        )
    elif belongs is not None:
        problem = (
            f"the event stored at position {at} is the one the chain links at position "
            f"{belongs} (moved from there)"
        )
    else:
        return failed
    return Verification(failed.events, failed.head, problem, at, failed.roots)


@dataclass(frozen=True, slots=True)
class Shorter:
    """Why a log is not the longer log a digest or a head pins: its first difference from
    it is at `position` at the latest, and at `since` at the earliest."""

    problem: str
    position: int
    since: int


def shorter(
    reader: LogReader, events: int, size: int, what: str, time: str | None = None
) -> Shorter:
    """Why the log of `events` events, which passed its own checks, is not the log of `size`
    (> `events`) events that a `what` (a digest, a head) kept outside the store pins.

    It is shorter, so it is not that log; whether its events are still that log's first ones
    (events cut from the end) or not (the log rewritten shorter) the digest or the head
    cannot tell: each pins its whole log, not a prefix. What the log holds can, where it
    holds anything: the chain's hash at a position as the receipts of its publications
    recorded it (the digest's chain, as far as the log was the digest's when they were
    written), and, with a head's `time`, every event's recorded time (no event of the head's
    log was recorded after it). A contradiction proves a rewrite and bounds where; nothing
    proves a cut."""
    base = f"the log holds {events} events, fewer than the {what}'s {size}"
    found = _against_receipts(reader, events)
    later = None if time is None else _recorded_after(reader, events, time.encode())
    if later is not None and time is not None:
        at, stamp = later
        found.append(
            (
                at,
                f"its event at position {at} was recorded at {stamp}, after the {what}'s last "
                f"event ({time}), so it is not the {what}'s event there",
            )
        )
    if not found:
        return Shorter(
            f"{base}: events were cut from the end, or the log was rewritten shorter (nothing "
            f"it holds tells which: a {what} pins its whole log, not a shorter one)",
            events + 1,
            1,
        )
    at, why = min(found)
    return Shorter(f"{base}, and it was rewritten, not only cut: {why}", at, 1)


def _against_receipts(reader: LogReader, events: int) -> list[tuple[int, str]]:
    """The log's first `events` events against the receipts of its publications: (position,
    why) of each receipt its chain contradicts. A contradiction bounds a rewrite from above;
    a receipt the log agrees with bounds nothing (whoever rewrote the log could rewrite the
    receipt with it)."""
    found: list[tuple[int, str]] = []
    for at, recorded in _receipts(reader, events):
        if at > events:
            found.append(
                (
                    events + 1,
                    f"a receipt it holds records its chain at position {at}, past its end "
                    "(events were dropped before that receipt)",
                )
            )
        elif reader.chain_at(at)[1] != recorded:
            found.append(
                (
                    at,
                    f"its chain at position {at} is not the one its own receipt recorded there "
                    f"({recorded.hex()[:16]}…)",
                )
            )
    return found


def _receipts(reader: LogReader, events: int) -> list[tuple[int, bytes]]:
    """(position, chain hash there) as the receipts of the log's publications in its first
    `events` events recorded them, in position order (a publication whose receipt is not in
    the engine's form tells nothing)."""
    upto, _ = reader.chain_at(events)
    found = []
    for _, state in reader.created_states(PUBLICATIONS, upto):
        try:
            document = orjson.loads(state)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(document, dict):
            continue
        at, recorded = document.get("position"), document.get("head_hash")
        if (
            isinstance(at, int)
            and not isinstance(at, bool)
            and at >= 0
            and isinstance(recorded, str)
            and HEX_ROOT.fullmatch(recorded)
        ):
            found.append((at, bytes.fromhex(recorded)))
    return sorted(found)


def _recorded_after(reader: LogReader, events: int, time: bytes) -> tuple[int, str] | None:
    """The first of the first `events` positions whose event was recorded after `time` (the
    engine's form), with its time; None when none was. Recorded times never go back along a
    log that passed its checks: a binary search."""

    def stamp(position: int) -> bytes:
        return stamp_of(reader.state_at(position)) or b""

    if events == 0 or stamp(events) <= time:
        return None
    low, high = 1, events  # the answer is in low..high
    while low < high:
        middle = (low + high) // 2
        if stamp(middle) > time:
            high = middle
        else:
            low = middle + 1
    return low, stamp(low).decode()


def check_snapshots(reader: LogReader) -> list[int]:
    """The positions of the snapshots (of this engine) that are not what the log folds to
    there: one pass over the log, comparing at each snapshot's position (again on one
    process where two could not fold a stretch as one would)."""
    return alike_on_one_process(functools.partial(_check_snapshots, reader))


def _check_snapshots(reader: LogReader, *, split_min: int | None) -> list[int]:
    taken = sorted((at, data) for at, _, data, _ in reader.snapshots_upto(reader.head()[0], FORMAT))
    bad: list[int] = []
    folder = Folder()
    after = done = 0
    for at, data in taken:
        upto, _ = reader.chain_at(at)
        fold_range(folder, reader, (after, upto), (done, at), progress=None, split_min=split_min)
        folder.p.position = at
        after, done = upto, at
        try:
            same = content(data) == content(dump(folder.p))
        except ValueError:
            same = False
        if not same:
            bad.append(at)
    return bad

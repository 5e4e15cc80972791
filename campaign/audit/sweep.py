"""The checks of `audit verify`, a batch of events at a time, for a log in the form the engine
writes (SQLite: notification ids that are the positions, columns of the types the engine
writes, every state led by its recorded time).

A sweep only says whether every check of `Walk.step` passes: each event's link recomputed from
its bytes and compared with the stored one, its recorded time in the engine's form and not
earlier than the one before, each node of the Merkle tree recomputed and compared with the
stored row. It is the same work as the walk, with what is per event in Python cut to the
hashes and the framing, and the comparisons made a batch at once. When a sweep does not
pass, for whatever reason, including a log in a form the engine does not write, the walk
checks the log again event by event and says which check failed, where and why: a sweep
passes only where the walk would.
"""

from __future__ import annotations

import re
from hashlib import sha256
from itertools import chain, islice
from operator import itemgetter
from typing import TYPE_CHECKING, Protocol

from campaign.store.heads import STAMP, STAMP_FORM
from campaign.store.tree import LEAF, NODE

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    from campaign.store.readers import Entry
    from campaign.store.tree import Frontier


class WalkState(Protocol):
    """Where the checks stand (`campaign.audit.verify.Walk`)."""

    head: bytes
    position: int
    last_time: bytes
    stack: list[bytes]
    sizes: Collection[int]
    roots: dict[int, bytes]

    def frontier(self) -> Frontier: ...


LED = len(STAMP) + 32 + 1
"""The bytes of a state that lead with its recorded time: `{"timestamp":"…"`."""

STAMPS = re.compile(b"(?:" + re.escape(STAMP) + STAMP_FORM.pattern + b'")*')
"""A batch's leading bytes, one state's after another, each with a time in the engine's form."""

SMALL = 1 << 12
LENGTHS = [n.to_bytes(4, "big") for n in range(SMALL)]
SIZES = [n.to_bytes(8, "big") for n in range(SMALL)]
VERSIONS = {n: n.to_bytes(8, "big") for n in range(SMALL)}  # a dict: no negative index

_first = itemgetter(0)


class Sweep:
    """The walk's state (`Walk`: position, chain head, last recorded time, the tree's right
    edge, the roots asked for), carried from batch to batch."""

    def __init__(self, walk: WalkState) -> None:
        self.walk = walk
        self.topics: dict[str, bytes] = {}
        self.led = STAMP + walk.last_time + b'"' if walk.last_time else b""

    def run(
        self,
        entries: Iterator[list[Entry]],
        links: Iterator[list[tuple[bytes]]],
        nodes: Iterator[list[tuple[int, bytes]]],
        progress: Callable[[int, int], None] | None = None,
        total: int = 0,
    ) -> bool:
        """Whether every event of `entries` passes, against the stored `links` (the chain's
        hashes at the same positions) and tree `nodes` (position, nodes), and nothing of
        either is left over. The caller checks that the entries were the ones asked for (so
        many in a span of notification ids: one at each)."""
        stored_links = chain.from_iterable(links)
        stored_nodes = chain.from_iterable(nodes)
        for batch in entries:
            if not self.batch(batch, stored_links, stored_nodes):
                return False
            if progress is not None:
                progress(self.walk.position, total)
        return next(stored_links, None) is None and next(stored_nodes, None) is None

    def batch(
        self,
        batch: list[Entry],
        stored_links: Iterator[tuple[bytes]],
        stored_nodes: Iterator[tuple[int, bytes]],
    ) -> bool:
        walk = self.walk
        count, first = len(batch), walk.position + 1
        try:  # every id as the walk reads it: UTF-8 (a NUL keeps a broken one broken)
            b"\x00".join(map(_first, batch)).decode()
        except (TypeError, UnicodeDecodeError):
            return False
        links: list[bytes] = []
        stamps: list[bytes] = []
        done: list[tuple[int, bytes]] = []
        start = 0
        for size in sorted(s for s in walk.sizes if first <= s < first + count):
            if not self.events(batch[start : size - first + 1], links, stamps, done):
                return False
            walk.roots[size] = walk.frontier().root()
            start = size - first + 1
        if not self.events(batch[start:] if start else batch, links, stamps, done):
            return False
        led = b"".join(stamps)
        if (
            len(led) != LED * count  # each state's leading bytes whole
            or STAMPS.fullmatch(led) is None
            or stamps[0] < self.led
            or stamps != sorted(stamps)
        ):
            return False
        self.led = stamps[-1]
        walk.last_time = self.led[len(STAMP) : -1]
        return links == list(map(_first, islice(stored_links, count))) and done == list(
            islice(stored_nodes, len(done))
        )

    def events(
        self,
        rows: list[Entry],
        links: list[bytes],
        stamps: list[bytes],
        done: list[tuple[int, bytes]],
    ) -> bool:
        """Fold `rows` into the chain and the tree: the links, the leading bytes of the states
        and the completed tree rows are added to the lists given; False for a row whose
        columns are not of the engine's types."""
        walk = self.walk
        head, position, stack = walk.head, walk.position, walk.stack
        topics, joined = self.topics, b"".join
        link, keep, add, push, pop = (
            links.append,
            stamps.append,
            done.append,
            stack.append,
            stack.pop,
        )
        for oid, version, topic, state in rows:
            try:  # an id of None (other types than the engine's) raises TypeError here
                framed = joined(
                    (
                        LENGTHS[len(oid)],  # type: ignore[arg-type]
                        oid,
                        VERSIONS[version],
                        topics[topic],
                        SIZES[len(state)],
                        state,
                    )
                )
            except (KeyError, IndexError, TypeError):
                framing = self.framed(oid, version, topic, state)
                if framing is None:
                    return False
                framed = framing
            head = sha256(head + framed).digest()
            link(head)
            keep(state[:LED])
            position += 1
            leaf = sha256(LEAF + framed).digest()
            if position & 1:
                push(leaf)
                continue
            node = sha256(NODE + pop() + leaf).digest()
            if position & 2:
                push(node)
                add((position, node))
                continue
            completed = [node]
            size = position >> 1
            while not size & 1:  # one inner node per trailing zero of the position
                node = sha256(NODE + pop() + node).digest()
                completed.append(node)
                size >>= 1
            push(node)
            add((position, joined(completed)))
        walk.head, walk.position = head, position
        return True

    def framed(self, oid: object, version: object, topic: object, state: object) -> bytes | None:
        """The entry of a row outside the tables above (a new topic, a long state), or None
        for columns of other types than the engine writes, or a version no entry can hold
        (the walk says what is wrong)."""
        if not (
            oid.__class__ is bytes
            and version.__class__ is int
            and topic.__class__ is str
            and state.__class__ is bytes
        ):
            return None
        assert isinstance(oid, bytes) and isinstance(version, int)
        assert isinstance(topic, str) and isinstance(state, bytes)
        encoded = topic.encode()
        self.topics[topic] = len(encoded).to_bytes(4, "big") + encoded
        try:
            return b"".join(
                (
                    len(oid).to_bytes(4, "big"),
                    oid,
                    version.to_bytes(8, "big"),
                    self.topics[topic],
                    len(state).to_bytes(8, "big"),
                    state,
                )
            )
        except OverflowError:
            return None

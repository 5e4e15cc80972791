"""The Merkle tree over the log, in the shape of RFC 9162 (Certificate Transparency 2.0, §2.1).

A leaf is one stored event: its hash is SHA-256(0x00 || entry), where the entry is the event's
originator id, version, topic and state, each length-prefixed as the hash chain frames them
(`entry`). An inner node is SHA-256(0x01 || left || right). The tree of the first n events is
RFC 9162's MTH(D[n]): split at the largest power of two below n.

What the store keeps: for each position p (1-based), the hashes of the perfect subtrees that
the event at p completes (sizes 2, 4, 8 ... up to the largest power of two dividing p), written
in the same transaction as the event. Any subtree the proofs need is then a few stored hashes,
so a head, an inclusion proof and a consistency proof each read O(log n) rows; leaves are
hashed again from the events they cover (one event read at most per proof step of size 1).

This module is the arithmetic only (hashlib): the store gives it a way to read a stored node
and a leaf. Proofs are verified by `tools/verify_proof.py`, which anyone can read and run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_SIZE = 32


def entry(originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The bytes of one event as a leaf of the tree (the hash chain frames the same fields)."""
    oid = originator_id.encode()
    top = topic.encode()
    return b"".join(
        (
            len(oid).to_bytes(4, "big"),
            oid,
            version.to_bytes(8, "big"),
            len(top).to_bytes(4, "big"),
            top,
            len(state).to_bytes(8, "big"),
            state,
        )
    )


LEAF, NODE = b"\x00", b"\x01"
"""RFC 9162's prefixes of a leaf's and an inner node's hash."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def levels_completed(position: int) -> int:
    """How many perfect subtrees of size >= 2 the event at `position` (1-based) completes."""
    return (position & -position).bit_length() - 1


@dataclass
class Frontier:
    """The perfect subtrees on the right edge of a tree, largest first: enough to append to
    it and to give its root. (size, hash) pairs; the sizes are the binary digits of the tree's
    size."""

    blocks: list[tuple[int, bytes]]

    @property
    def size(self) -> int:
        return sum(size for size, _ in self.blocks)

    def append(self, leaf: bytes) -> bytes:
        """Add one leaf hash; the hashes of the perfect subtrees it completes (sizes 2, 4 ...),
        concatenated: what the store keeps at the new position."""
        size, current = 1, leaf
        completed = []
        blocks = self.blocks
        while blocks and blocks[-1][0] == size:
            current = node_hash(blocks.pop()[1], current)
            size *= 2
            completed.append(current)
        blocks.append((size, current))
        return b"".join(completed)

    def root(self) -> bytes:
        if not self.blocks:
            return EMPTY_ROOT
        current = self.blocks[-1][1]
        for _, block in reversed(self.blocks[:-1]):
            current = node_hash(block, current)
        return current


def frontier_of(size: int, subtree: Callable[[int, int], bytes]) -> Frontier:
    """The frontier of the tree of `size` leaves, from the stored subtrees: `subtree(start,
    width)` gives the hash of the perfect subtree of `width` leaves from leaf `start` (0-based)."""
    blocks = []
    start = 0
    for bit in reversed(range(size.bit_length())):
        width = 1 << bit
        if size & width:
            blocks.append((width, subtree(start, width)))
            start += width
    return Frontier(blocks)


class Tree:
    """The tree as the store holds it: `node(position, level)` is the stored hash of the
    perfect subtree of 2**level leaves ending at `position` (1-based; level >= 1), and
    `leaf(index)` the leaf hash of the event at position index + 1."""

    def __init__(self, node: Callable[[int, int], bytes], leaf: Callable[[int], bytes]) -> None:
        self.node = node
        self.leaf = leaf

    def subtree(self, start: int, width: int) -> bytes:
        """MTH(D[start:start + width]) for any range the RFC's recursions name."""
        if width == 1:
            return self.leaf(start)
        if width & (width - 1) == 0 and start % width == 0:
            return self.node(start + width, width.bit_length() - 1)
        k = split(width)
        return node_hash(self.subtree(start, k), self.subtree(start + k, width - k))

    def root(self, size: int) -> bytes:
        """MTH(D[size])."""
        return frontier_of(size, self.subtree).root() if size else EMPTY_ROOT

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]) of RFC 9162 §2.1.3.1: the audit path of leaf `index` (0-based)
        in the tree of `size` leaves, leaf side first."""
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        path: list[bytes] = []
        start, width = 0, size
        while width > 1:
            k = split(width)
            if index - start < k:
                path.append(self.subtree(start + k, width - k))
                width = k
            else:
                path.append(self.subtree(start, k))
                start, width = start + k, width - k
        path.reverse()
        return path

    def consistency(self, old: int, new: int) -> list[bytes]:
        """PROOF(old, D[new]) of RFC 9162 §2.1.4.1: that the tree of `old` leaves is a prefix of
        the tree of `new` leaves (empty when old is 0 or old == new)."""
        if not 0 <= old <= new:
            raise ValueError(f"a tree of {old} is not a prefix of a tree of {new}")
        if old in (0, new):
            return []
        proof: list[bytes] = []
        start, m, width, whole = 0, old, new, True
        while m != width:
            k = split(width)
            if m <= k:
                proof.append(self.subtree(start + k, width - k))
                width = k
            else:
                proof.append(self.subtree(start, k))
                start, m, width, whole = start + k, m - k, width - k, False
        if not whole:
            proof.append(self.subtree(start, width))
        proof.reverse()
        return proof


def nodes_at(blob: bytes, level: int) -> bytes:
    """The stored hash of `level` (>= 1) in the blob kept at a position."""
    offset = (level - 1) * HASH_SIZE
    found = blob[offset : offset + HASH_SIZE]
    if len(found) != HASH_SIZE:
        raise LookupError(f"no node of level {level} is stored there")
    return found

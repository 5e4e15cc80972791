"""The Merkle tree over the log: RFC 9162's roots (checked against pymerkle and the RFC 6962
test vectors), the perfect subtrees the store keeps, and proofs that the standalone verifier
accepts, and refuses once any byte changes."""

from __future__ import annotations

import hashlib

import pymerkle
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.store.tree import (
    EMPTY_ROOT,
    Frontier,
    Tree,
    entry,
    frontier_of,
    leaf_hash,
    levels_completed,
    node_hash,
    nodes_at,
)
from tests.proofs import load_verifier

verifier = load_verifier()

# RFC 6962's test leaves and the roots of their first n (certificate-transparency's own vectors)
RFC_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
RFC_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


class Stored:
    """A tree kept as the store keeps it: per position, the completed subtrees' hashes."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = [leaf_hash(data) for data in leaves]
        self.blobs: dict[int, bytes] = {}
        self.frontier = Frontier([])
        self.roots = [EMPTY_ROOT]
        for position, leaf in enumerate(self.leaves, 1):
            blob = self.frontier.append(leaf)
            assert len(blob) == 32 * levels_completed(position)
            self.blobs[position] = blob
            self.roots.append(self.frontier.root())
        self.tree = Tree(lambda p, level: nodes_at(self.blobs[p], level), self.leaves.__getitem__)


def data(n: int) -> list[bytes]:
    return [f"event {i}".encode() for i in range(n)]


def test_the_rfc_6962_vectors() -> None:
    stored = Stored(RFC_LEAVES)
    assert stored.tree.root(0).hex() == hashlib.sha256(b"").hexdigest()
    for size, expected in enumerate(RFC_ROOTS, 1):
        assert stored.roots[size].hex() == expected
        assert stored.tree.root(size).hex() == expected


def test_every_root_equals_pymerkles() -> None:
    leaves = data(130)
    oracle = pymerkle.InmemoryTree(algorithm="sha256")
    stored = Stored(leaves)
    for size, item in enumerate(leaves, 1):
        oracle.append_entry(item)
        expected = oracle.get_root(size)
        assert stored.roots[size] == expected, size  # as appended
        assert stored.tree.root(size) == expected, size  # from the stored subtrees


def test_a_frontier_read_back_from_the_store_appends_as_the_first_did() -> None:
    leaves = data(75)
    stored = Stored(leaves)
    for size in range(76):
        again = frontier_of(size, stored.tree.subtree)
        assert again.root() == stored.roots[size]
        for leaf in stored.leaves[size:]:
            again.append(leaf)
        assert again.root() == stored.roots[75]


def test_a_leaf_is_the_event_framed_as_the_chain_frames_it() -> None:
    framed = entry("report:ZZ-001:2020-06-29", 1, "campaign.domain:DailyReport.Reported", b"{}")
    assert framed == (
        (24).to_bytes(4, "big") + b"report:ZZ-001:2020-06-29" + (1).to_bytes(8, "big")
        + (36).to_bytes(4, "big") + b"campaign.domain:DailyReport.Reported"
        + (2).to_bytes(8, "big") + b"{}"
    )  # fmt: skip
    assert framed == verifier.entry(
        "report:ZZ-001:2020-06-29", 1, "campaign.domain:DailyReport.Reported", b"{}"
    )
    assert leaf_hash(b"x") == verifier.leaf_hash(b"x") != node_hash(b"x"[:0], b"x")


N = 33
STORED = Stored(data(N))


@pytest.mark.parametrize("size", range(1, N + 1))
def test_every_inclusion_proof_of_a_small_log_verifies(size: int) -> None:
    for index in range(size):
        path = STORED.tree.inclusion(index, size)
        root = verifier.root_from_inclusion(index, size, STORED.leaves[index], path)
        assert root == STORED.roots[size]


@pytest.mark.parametrize("new", range(1, N + 1))
def test_every_consistency_proof_between_two_sizes_of_a_small_log_verifies(new: int) -> None:
    for old in range(new + 1):
        proof = STORED.tree.consistency(old, new)
        verifier.check_consistency(old, new, STORED.roots[old], STORED.roots[new], proof)


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))))
def test_consistency_holds_between_any_two_sizes(sizes: tuple[int, int]) -> None:
    new, old = sizes
    stored = BIG
    proof = stored.tree.consistency(old, new)
    verifier.check_consistency(old, new, stored.roots[old], stored.roots[new], proof)


BIG = Stored(data(300))


@given(
    st.integers(2, 300).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(1, n - 1), st.integers(0, 31))
    ),
    st.integers(0, 7),
)
def test_a_changed_bit_anywhere_in_a_consistency_proof_or_root_is_refused(
    case: tuple[int, int, int], bit: int
) -> None:
    new, old, byte = case
    proof = BIG.tree.consistency(old, new)
    roots = [BIG.roots[old], BIG.roots[new]]
    for target in range(len(proof) + 2):
        changed = [*proof]
        olds, news = roots
        if target < len(proof):
            changed[target] = flip(changed[target], byte, bit)
        elif target == len(proof):
            olds = flip(olds, byte, bit)
        else:
            news = flip(news, byte, bit)
        with pytest.raises(verifier.Invalid):
            verifier.check_consistency(old, new, olds, news, changed)


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_a_changed_leaf_or_path_step_is_refused_by_inclusion(case: tuple[int, int]) -> None:
    size, index = case
    path = BIG.tree.inclusion(index, size)
    for target in range(len(path) + 1):
        leaf = BIG.leaves[index]
        changed = [*path]
        if target < len(path):
            changed[target] = flip(changed[target], 0, 0)
        else:
            leaf = flip(leaf, 31, 7)
        assert verifier.root_from_inclusion(index, size, leaf, changed) != BIG.roots[size]
    with pytest.raises(verifier.Invalid):  # a path for another size
        verifier.root_from_inclusion(
            index, size, BIG.leaves[index], [*path, path[0] if path else b"x" * 32]
        )


def flip(value: bytes, byte: int, bit: int) -> bytes:
    changed = bytearray(value)
    changed[byte % len(changed)] ^= 1 << bit
    return bytes(changed)


def test_no_proof_of_what_is_not_in_the_tree() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        STORED.tree.inclusion(5, 5)
    with pytest.raises(ValueError, match="not a prefix"):
        STORED.tree.consistency(6, 5)

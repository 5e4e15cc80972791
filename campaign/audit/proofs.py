"""Proofs for auditors who trust nothing but the office's public key (docs/PROOFS.md).

- `current_head`: the log's signed tree head now.
- `verify_against`: that the log now in the store extends a head kept outside it. The whole
  log is read again: every link, every recorded time, every node of the tree recomputed from
  the events, and the root at the head's size compared with the head's, then the head's time
  with the recorded time of the event at its size; a rewritten middle, a dropped tail or an
  event forged before the head's size fails even when the chain and the tree were written
  again to match. Where it can, the first position that differs is named: from the chain or
  the tree when only the events were changed, else between the signed heads the log's own
  publications carry; a log shorter than the head is told as cut or rewritten from what it
  holds (`campaign.audit.verify.shorter`).
- `inclusion_proof`: one event with its audit path to a signed head, for
  `tools/verify_proof.py`; `extension_proof` (`consistency_proof` from the stored tree): that
  an earlier head is a prefix of a later.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from campaign.audit.verify import Verification, shorter, verify_chain, walk
from campaign.domain import topics
from campaign.domain.errors import Refused, StoreError
from campaign.store.chain import link_entry
from campaign.store.heads import TreeHead, head_at, stamp_of, stored_tree
from campaign.store.tree import node_hash

if TYPE_CHECKING:
    from collections.abc import Callable

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from campaign.app.engine import Engine
    from campaign.store.keys import Signer
    from campaign.store.readers import LogReader
    from campaign.store.tree import Tree

INCLUSION = "campaign-inclusion-proof/1"
CONSISTENCY = "campaign-consistency-proof/1"
PUBLISHED = topics.PUBLISHED


def current_head(engine: Engine) -> TreeHead:
    """The head of the whole log, signed when the engine has the office's key."""
    reader = engine.store.reader()
    try:
        size, _, _ = reader.head()
        return head_at(reader, size, engine.signer)
    finally:
        reader.close()


@dataclass(frozen=True, slots=True)
class Extension:
    """What `verify_against` found: the log's own check, and the head's."""

    log: Verification
    head: TreeHead
    signature: str | None  # why the head's signature does not hold; None when it does
    signature_checked: bool
    problem: str | None = None  # why the log does not extend the head
    position: int | None = None  # the first position that differs, when it can be named
    between: tuple[int, int] | None = None  # else the positions it lies between
    head_problem: str | None = None  # why the head, though the log gives its root, is not its

    @property
    def ok(self) -> bool:
        return (
            self.log.ok
            and self.problem is None
            and self.signature is None
            and self.head_problem is None
        )


def verify_against(
    engine: Engine,
    head: TreeHead,
    *,
    public: Ed25519PublicKey | None = None,
    progress: Callable[[int, int], None] | None = None,
    expected: str | None = None,
) -> Extension:
    """Prove that the log in the store extends `head` (see the module's docstring), in the
    same walk that checks the log itself (and the digest `expected`, when given).

    The head's time is the recorded time of the event at its size, as stored (`head_at`),
    and its root covers that event's bytes, its time among them: a head whose root the log
    gives at its size carries that time exactly. A time later or earlier than it is not the
    log's but the head's own fault (altered after it was made, or not made by the engine
    from this log): it is reported at the head's size, and the log is not blamed."""
    signature: str | None = None
    if public is not None:
        signature = head.check(public)
    reader = engine.store.reader()
    try:
        log = verify_chain(reader, expected=expected, progress=progress, sizes={head.size})
        checked = Extension(log, head, signature, public is not None)
        if not log.ok:
            return checked
        if head.size > log.events:
            why = shorter(reader, log.events, head.size, "head", head.time)
            if why.since == why.position:
                return _with(checked, why.problem, why.position)
            return _with(checked, why.problem, None, (why.since, why.position))
        if log.roots[head.size] != head.root:
            return _locate(reader, checked, public)
        return replace(checked, head_problem=_time_problem(reader, head))
    finally:
        reader.close()


def _time_problem(reader: LogReader, head: TreeHead) -> str | None:
    """Why the head's time is not the recorded time of the event at its size (None when it
    is; see `verify_against`)."""
    stamp = stamp_of(reader.state_at(head.size)) if head.size else None
    recorded = None if stamp is None else stamp.decode()
    if head.time == recorded:
        return None
    if recorded is None:
        return f"the head of the empty log gives a time ({head.time}); it has none"
    if head.time is None:
        return (
            f"the head gives no time, but the event at its size {head.size} was recorded at "
            f"{recorded} (the head was altered, or not made by the engine from this log)"
        )
    order = "later" if head.time > recorded else "earlier"
    return (
        f"the head's time {head.time} is {order} than the recorded time of the event at its "
        f"size {head.size} ({recorded}), whose bytes its root covers: the head's time was "
        "altered, or the head was not made by the engine from this log"
    )


def _with(
    checked: Extension,
    problem: str,
    position: int | None = None,
    between: tuple[int, int] | None = None,
) -> Extension:
    return Extension(
        checked.log,
        checked.head,
        checked.signature,
        checked.signature_checked,
        problem,
        position,
        between,
    )


def _locate(reader: LogReader, checked: Extension, public: Ed25519PublicKey | None) -> Extension:
    """The rewritten log's first differing position, narrowed with the signed heads of the
    log's own publications (a publication signed by the office's key names a size whose root
    the office vouched for); without the public key, the head alone bounds it."""
    size = checked.head.size
    problem = (
        f"the log's first {size} events are not the head's: the root there is "
        f"{checked.log.roots[size].hex()[:16]}…, the head's {checked.head.root.hex()[:16]}… "
        "(history before the head was rewritten)"
    )
    published = _published_heads(reader, size, public) if public is not None else {}
    if size <= 1:
        return _with(checked, problem, size or None)
    if not published:
        return _with(checked, problem, None, (1, size))
    walked = walk(reader.links(), None, 0, None, set(published))
    good, bad = 0, size
    for at in sorted(published):
        if walked.roots.get(at) == published[at]:
            good = max(good, at)
        else:
            bad = min(bad, at)
            break
    if bad == good + 1:
        return _with(checked, problem, bad)
    return _with(checked, problem, None, (good + 1, bad))


def _published_heads(reader: LogReader, size: int, public: Ed25519PublicKey) -> dict[int, bytes]:
    """{size: root} of the heads the log's publications carry, for sizes up to `size`, each
    signed by `public` (forged ones are left out)."""
    found: dict[int, bytes] = {}
    for batch in reader.links():
        for _, _, _, topic, state, _, _ in batch:
            if topic != PUBLISHED:
                continue
            try:
                document = orjson.loads(state)
            except orjson.JSONDecodeError:  # not what the engine writes: no head to trust
                continue
            signed = document.get("signed_head") if isinstance(document, dict) else None
            if not isinstance(signed, dict):
                continue
            try:
                from campaign.store.heads import HeadError, parse_head  # noqa: PLC0415

                head = parse_head(orjson.dumps(signed).decode())
            except HeadError:
                continue
            if head.size <= size and head.check(public) is None:
                found[head.size] = head.root
    return found


def _checked_head(reader: LogReader, against: TreeHead | None, signer: Signer | None) -> TreeHead:
    """`against` when the stored log extends it (its root is the stored tree's at its size),
    else the log's head now, signed with `signer`."""
    size, _, _ = reader.head()
    if against is None:
        return head_at(reader, size, signer)
    if against.size > size:
        raise StoreError(
            f"the log holds {size} events, fewer than the head's {against.size}: "
            "run campaign audit verify --against"
        )
    if stored_tree(reader).root(against.size) != against.root:
        # the stored tree's root, not one recomputed from the events: either may differ
        raise StoreError(
            f"the store's Merkle tree does not give the head's root at its size {against.size} "
            "(the log's first events are not the head's, or the tree kept beside them was "
            "changed): run campaign audit verify --against"
        )
    return against


def inclusion_proof(engine: Engine, position: int, against: TreeHead | None) -> dict[str, Any]:
    """The proof that the event at `position` is in the log of `against` (a head kept by the
    auditor; by default the current head, signed when the engine has the key)."""
    reader = engine.store.reader()
    try:
        head = _checked_head(reader, against, engine.signer)
        if not 1 <= position <= head.size:
            raise Refused("position", position, f"must be between 1 and {head.size}")
        originator_id, version, topic, state = reader.event_at(position)
        tree = stored_tree(reader)
        _check_leaves(reader, tree, position, head.size)
        path = tree.inclusion(position - 1, head.size)
    finally:
        reader.close()
    return {
        "format": INCLUSION,
        "event": {
            "position": position,
            "originator_id": originator_id,
            "originator_version": version,
            "topic": topic,
            "state": base64.b64encode(state).decode(),
        },
        "tree_size": head.size,
        "path": [step.hex() for step in path],
        "head": head.as_json(),
    }


def _check_leaves(reader: LogReader, tree: Tree, position: int, size: int) -> None:
    """The events of the pair `position` belongs to still give the tree's stored node over
    them. The proof's path is the stored nodes above that pair, and its root the stored
    tree's, so this is what a proof the checker refuses could differ in (the last event of
    an odd size has no pair: `check_tail` checked it as the head was given). When they do
    not, each event's link says which of the two was changed, if either was."""
    first = position - 1 if position % 2 == 0 else position
    if first + 1 > size:
        return
    pair = node_hash(tree.leaf(first - 1), tree.leaf(first))
    if pair == tree.subtree(first - 1, 2):
        return
    for at in (first, first + 1):
        if link_entry(reader.chain_at(at - 1)[1], reader.entry_at(at)) != reader.chain_at(at)[1]:
            raise StoreError(
                f"the event at position {at} does not give its link in the chain (it was "
                "changed): no proof is written; run campaign audit verify"
            )
    raise StoreError(
        f"the tree's node over positions {first}–{first + 1} (stored at {first + 1}) is not "
        "the hash of those events, which give their links in the chain (the node was "
        "changed, or the events and the chain were written again after the tree): no proof "
        "is written; run campaign audit verify"
    )


def extension_proof(engine: Engine, since: TreeHead, against: TreeHead | None) -> dict[str, Any]:
    """The proof that the log of `since` (an earlier head an auditor kept) is a prefix of the
    log of `against` (by default the head now, signed when the engine has the key)."""
    reader = engine.store.reader()
    try:
        later = _checked_head(reader, against, engine.signer)
        if since.size > later.size:
            raise Refused(
                "since",
                f"a head of {since.size} events",
                f"cannot be a prefix of the log of {later.size} events",
            )
        _checked_head(reader, since, None)
        return consistency_proof(reader, since, later)
    finally:
        reader.close()


def consistency_proof(reader: LogReader, earlier: TreeHead, later: TreeHead) -> dict[str, Any]:
    """The proof that the log of `earlier` is a prefix of the log of `later`, from the
    stored tree (both heads as kept)."""
    path = stored_tree(reader).consistency(earlier.size, later.size)
    return {
        "format": CONSISTENCY,
        "from": earlier.as_json(),
        "to": later.as_json(),
        "path": [step.hex() for step in path],
    }

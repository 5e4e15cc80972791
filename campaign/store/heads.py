"""Tree heads: the size of the log, the root of its Merkle tree and the recorded time of its
last event, signed with the office's Ed25519 key when one is given (RFC 9162's signed tree
head, in this project's own byte layout: docs/PROOFS.md).

A head is computed from the stored tree in O(log n) reads. The signature covers
`campaign-tree-head/1`, a zero byte, the size (8 bytes), the root (32 bytes) and the time in
microseconds since 1970-01-01 UTC (8 bytes, signed; 0 for the empty log), all big-endian.
Ed25519 signatures are deterministic: the same log and key give the same head, byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from campaign.domain.errors import StoreError
from campaign.store.chain import link_entry
from campaign.store.tree import Tree, leaf_hash, nodes_at

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from campaign.store.keys import Signer
    from campaign.store.readers import LogReader

HEAD_CONTEXT = b"campaign-tree-head/1\x00"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
STAMP = b'{"timestamp":"'


@dataclass(frozen=True, slots=True)
class TreeHead:
    size: int
    root: bytes
    time: str | None  # the recorded time of the event at `size`, as stored (UTC)
    key_id: str | None = None
    signature: bytes | None = None

    @property
    def signed(self) -> bool:
        return self.signature is not None

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return head_message(self.size, self.root, self.time)

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "root": self.root.hex(),
            "time": self.time,
            "key_id": self.key_id,
            "signature": None
            if self.signature is None
            else base64.b64encode(self.signature).decode(),
        }

    def lines(self) -> list[str]:
        """The head as `audit head` prints it: what `--against` reads back."""
        signed = (
            [f"key_id    {self.key_id}", f"signature {base64.b64encode(self.signature).decode()}"]
            if self.signature is not None
            else ["unsigned  (no signing key given: CAMPAIGN_SIGNING_KEY or --key)"]
        )
        return [
            f"size      {self.size}",
            f"root      {self.root.hex()}",
            f"time      {self.time}",
            *signed,
        ]

    def check(self, public: Ed25519PublicKey) -> str | None:
        """Why this head's signature does not hold for `public`, or None when it does."""
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415

        from campaign.store.keys import key_id  # noqa: PLC0415

        if self.signature is None:
            return "the head is unsigned: nothing vouches for its root"
        if self.key_id != key_id(public):
            return f"the head was signed by key {self.key_id}, not by this key ({key_id(public)})"
        try:
            public.verify(self.signature, self.message())
        except InvalidSignature:
            return "the head's signature does not match its size, root and time"
        return None

    def signed_by(self, signer: Signer | None) -> TreeHead:
        if signer is None:
            return self
        return TreeHead(self.size, self.root, self.time, signer.key_id, signer.sign(self.message()))


def head_message(size: int, root: bytes, time: str | None) -> bytes:
    micros = 0
    if time is not None:
        delta = dt.datetime.fromisoformat(time) - EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return HEAD_CONTEXT + size.to_bytes(8, "big") + root + micros.to_bytes(8, "big", signed=True)


def stored_tree(reader: LogReader) -> Tree:
    """The tree as the store keeps it, read through `reader`."""

    def node(position: int, level: int) -> bytes:
        blob = reader.tree_nodes(position)
        if blob is None:
            raise StoreError(
                f"the store's Merkle tree has no node at position {position}: its owner runs "
                "campaign admin migrate"
            )
        return nodes_at(blob, level)

    def leaf(index: int) -> bytes:
        return leaf_hash(reader.entry_at(index + 1))

    return Tree(node, leaf)


STAMP_FORM = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
"""The engine's form of a recorded time: UTC, to the microsecond, fixed width (so that the
bytes of two times compare as the times do)."""


def stamp_of(state: bytes) -> bytes | None:
    """The recorded time of a stored event in the engine's form, or None when it has none in
    that form. `{"timestamp":"...",` leads every state the engine writes; anything else is
    parsed."""
    if state.startswith(STAMP):
        end = len(STAMP) + 32
        moment = state[len(STAMP) : end]
        return moment if state[end : end + 1] == b'"' and STAMP_FORM.fullmatch(moment) else None
    try:
        found = orjson.loads(state)
    except orjson.JSONDecodeError:
        return None
    stamp = found.get("timestamp") if isinstance(found, dict) else None
    if isinstance(stamp, str) and STAMP_FORM.fullmatch(stamp.encode()):
        return stamp.encode()
    return None


def recorded_time(state: bytes) -> str:
    """The recorded time of a stored event, as stored (see `stamp_of`)."""
    stamp = stamp_of(state)
    if stamp is None:
        raise StoreError(
            "a stored event has no recorded time in the engine's form: run campaign audit verify"
        )
    return stamp.decode()


def check_tail(reader: LogReader, position: int) -> None:
    """The event at `position` still gives its link in the chain (three indexed reads): no
    figure is computed, and no head given or signed, from a log whose last event read was
    changed in place (a head's root and time come from that event's bytes)."""
    if position == 0:
        return
    _, stored = reader.chain_at(position)
    _, previous = reader.chain_at(position - 1)
    if link_entry(previous, reader.entry_at(position)) != stored:
        raise StoreError(
            f"the log fails its check at position {position} (the event's bytes do not match "
            "its link): no figures are computed from it and no head is given; run campaign "
            "audit verify"
        )


def head_at(reader: LogReader, size: int, signer: Signer | None = None) -> TreeHead:
    """The head of the first `size` events of the log `reader` sees, whose last event still
    gives its link (`check_tail`); signed with `signer` only when the store's tree still
    extends the last head that key signed into the log."""
    check_tail(reader, size)
    tree = stored_tree(reader)
    time = recorded_time(reader.state_at(size)) if size else None
    if signer is not None and size:
        _check_last_signed(reader, tree, size, signer)
    return TreeHead(size, tree.root(size), time).signed_by(signer)


PUBLICATIONS = "publication:"


def _check_last_signed(reader: LogReader, tree: Tree, size: int, signer: Signer) -> None:
    """Refuse to sign a log whose tree no longer gives, at the size of the latest head this
    key signed into the log (a publication's), the root it signed then: the office would
    otherwise vouch for a history rewritten since (O(log n) reads; the publications are
    found through the primary key's index)."""
    upto, _ = reader.chain_at(size)
    for _, state in reader.created_states(PUBLICATIONS, upto):
        try:
            document = orjson.loads(state)
        except orjson.JSONDecodeError:
            continue
        signed = document.get("signed_head") if isinstance(document, dict) else None
        if not isinstance(signed, dict) or signed.get("key_id") != signer.key_id:
            continue
        try:
            kept = _from_json(signed)
        except HeadError:
            continue
        if kept.size > size or kept.check(signer.public) is not None:
            continue
        if tree.root(kept.size) != kept.root:
            raise StoreError(
                f"the log's first {kept.size} events are not those this key signed in the head "
                f"published with the checkpoint as of {document.get('as_of')}: nothing is "
                "signed; run campaign audit verify --against a head kept outside the store"
            )
        return  # the latest suffices: it was itself checked against the one before


class HeadError(ValueError):
    """A head that cannot be read."""


def parse_head(text: str) -> TreeHead:
    """A head as `audit head` prints it, as its `--json`, or the `signed_head` of a receipt or
    of a checkpoint's JSON document."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            found = orjson.loads(stripped)
        except orjson.JSONDecodeError as error:
            raise HeadError(f"not JSON ({error})") from None
        for key in ("receipt", "signed_head"):
            if isinstance(found, dict) and isinstance(found.get(key), dict):
                found = found[key]
        return _from_json(found)
    fields: dict[str, Any] = {}
    for line in stripped.splitlines():
        name, _, value = line.strip().partition(" ")
        fields[name] = value.strip()
    if "unsigned" in fields:
        fields["key_id"] = fields["signature"] = None
    if not re.fullmatch(r"[0-9]{1,30}", fields.get("size", "")):
        raise HeadError("a head gives its size as a number (as audit head prints it)")
    fields["size"] = int(fields["size"])
    if fields.get("time") == "None":
        fields["time"] = None
    return _from_json(fields)


HEX_ROOT = re.compile(r"[0-9a-f]{64}")
KEY_ID = re.compile(r"[0-9a-f]{16}")


def _from_json(found: Any) -> TreeHead:
    """A head from its JSON fields, each written the one way the engine writes it (so that a
    head kept by an auditor cannot be altered without ceasing to be the head)."""
    if not isinstance(found, dict):
        raise HeadError("a head is an object with size, root, time, key_id and signature")
    size, root, time = found.get("size"), found.get("root"), found.get("time")
    key_id, signature = found.get("key_id"), found.get("signature")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < 1 << 63:
        raise HeadError("a head's size is a whole number of events (below 2**63)")
    if not isinstance(root, str) or not HEX_ROOT.fullmatch(root):
        raise HeadError("a head's root is 64 lower-case hexadecimal digits")
    if time is not None and (not isinstance(time, str) or not STAMP_FORM.fullmatch(time.encode())):
        raise HeadError(
            "a head's time is UTC to the microsecond, as recorded: YYYY-MM-DDTHH:MM:SS.ffffff+00:00"
        )
    raw_signature = None
    if signature is not None:
        if not isinstance(signature, str):
            raise HeadError("a head's signature is base64 text")
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise HeadError("a head's signature is base64") from None
        if len(raw_signature) != 64 or base64.b64encode(raw_signature).decode() != signature:
            raise HeadError("a head's signature is 64 bytes in base64 (88 characters)")
        if not isinstance(key_id, str) or not KEY_ID.fullmatch(key_id):
            raise HeadError("a signed head names its key_id (16 lower-case hexadecimal digits)")
    return TreeHead(
        size, bytes.fromhex(root), time, key_id if raw_signature else None, raw_signature
    )

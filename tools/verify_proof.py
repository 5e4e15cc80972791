#!/usr/bin/env python3
"""Check a campaign log proof offline: python tools/verify_proof.py PROOF.json --public-key KEY

One file, the standard library and `cryptography` only, so that an auditor can read all of it
and run it without the engine: it trusts nothing but the office's public key (a PEM file).

An inclusion proof (`audit prove`) shows that one event, with exactly the bytes it holds, is at
its position in the log whose signed head the proof carries. A consistency proof shows that the
log of an earlier signed head is a prefix of the log of a later one (nothing before the earlier
head's size was changed, dropped or inserted). The tree is RFC 9162's (Certificate Transparency
2.0, §2.1); docs/PROOFS.md gives every byte of the formats, with test vectors.

Exit 0: the proof holds. Exit 1: it does not, or the file is not a proof this tool reads; one
line on stderr names what failed. (A command line it cannot parse exits 2, as argparse does.)
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEAD_CONTEXT = b"campaign-tree-head/1\x00"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EMPTY_ROOT = hashlib.sha256(b"").digest()
LIMIT = 1 << 63  # sizes, positions and versions are below it
HEX = re.compile(r"[0-9a-f]*")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
KEY_ID = re.compile(r"[0-9a-f]{16}")


class Invalid(Exception):
    """The proof does not hold."""


class Unusable(Exception):
    """The file is not a proof this tool reads."""


# ------------------------------------------------------------------------- the tree (RFC 9162)


def entry(originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """One event as a leaf: each field length-prefixed, big-endian (docs/PROOFS.md)."""
    try:
        oid, top = originator_id.encode("utf-8"), topic.encode("utf-8")
    except UnicodeEncodeError:
        raise Unusable("event.originator_id and event.topic must be UTF-8 text") from None
    return (
        len(oid).to_bytes(4, "big")
        + oid
        + version.to_bytes(8, "big")
        + len(top).to_bytes(4, "big")
        + top
        + len(state).to_bytes(8, "big")
        + state
    )


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root that `path` gives for the leaf at `index` of `size`."""
    if not 0 <= index < size:
        raise Invalid(f"leaf index {index} is not inside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Invalid("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid("the audit path is shorter than the tree is deep")
    return r


def check_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, path: list[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: that the tree of `first` leaves is a prefix of the tree of `second`."""
    if not 0 <= first <= second:
        raise Invalid(f"a tree of {first} cannot be a prefix of a tree of {second}")
    if first == 0 and first_hash != EMPTY_ROOT:
        raise Invalid("the empty tree's root is SHA-256 of nothing; the earlier head's is not")
    if first in (0, second):
        if path:
            raise Invalid("from an empty tree, or between equal sizes, the proof must be empty")
        if first == second and first_hash != second_hash:
            raise Invalid("two heads of the same size have different roots")
        return
    if not path:
        raise Invalid("the consistency path is empty")
    fr, sr = roots_from_consistency(first, second, first_hash, path)
    if fr != first_hash:
        raise Invalid("the path does not give the earlier head's root")
    if sr != second_hash:
        raise Invalid("the path does not give the later head's root")


def roots_from_consistency(
    first: int, second: int, first_hash: bytes, path: list[bytes]
) -> tuple[bytes, bytes]:
    """The two roots a consistency path gives (0 < first < second; RFC 9162 §2.1.4.2, 2-6)."""
    if first & (first - 1) == 0:
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Invalid("the consistency path is longer than the trees are deep")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid("the consistency path is shorter than the trees are deep")
    return fr, sr


# ------------------------------------------------------------------------------- signed heads


def head_message(size: int, root: bytes, time: str | None) -> bytes:
    """The bytes an Ed25519 head signature covers (docs/PROOFS.md)."""
    micros = 0
    if time is not None:
        if not TIME.fullmatch(time):
            raise Unusable(
                "a head's time is UTC to the microsecond: YYYY-MM-DDTHH:MM:SS.ffffff+00:00"
            )
        try:
            moment = dt.datetime.fromisoformat(time)
        except ValueError:
            raise Unusable(f"a head's time {time!r} is not a time") from None
        delta = moment - EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return HEAD_CONTEXT + size.to_bytes(8, "big") + root + micros.to_bytes(8, "big", signed=True)


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise Unusable(f"{path}: not a PEM public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Unusable(f"{path}: not an Ed25519 public key")
    return key


def check_head(head: dict[str, Any], key: Ed25519PublicKey, name: str) -> tuple[int, bytes]:
    """(size, root) of a head whose signature the key verifies."""
    size, root = field(head, "size", int, name), hex_bytes(head, "root", name, 32)
    time = head.get("time")
    if time is not None and not isinstance(time, str):
        raise Unusable(f"{name}.time must be a string or null")
    signature = head.get("signature")
    if signature is None:
        raise Invalid(f"{name} is unsigned: nothing vouches for its root")
    if not isinstance(head.get("key_id"), str) or not KEY_ID.fullmatch(head["key_id"]):
        raise Unusable(f"{name}.key_id must be 16 lower-case hexadecimal digits")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if head.get("key_id") != key_id(raw):
        raise Invalid(
            f"{name} was signed by key {head.get('key_id')}, not by this key ({key_id(raw)})"
        )
    try:
        key.verify(b64(signature, f"{name}.signature", 64), head_message(size, root, time))
    except InvalidSignature:
        raise Invalid(f"{name}: the signature does not match its size, root and time") from None
    return size, root


# ------------------------------------------------------------------------------ reading a proof


def field(obj: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value: Any = obj.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Unusable(f"{where}.{name} must be a {kind.__name__}")
    if isinstance(value, int) and not 0 <= value < LIMIT:
        raise Unusable(f"{where}.{name} must be between 0 and 2**63 - 1")
    return value


def hex_bytes(obj: dict[str, Any], name: str, where: str, length: int) -> bytes:
    """Lower-case hexadecimal of exactly `length` bytes: one way to write each value."""
    text = field(obj, name, str, where)
    if len(text) != 2 * length or not HEX.fullmatch(text):
        raise Unusable(f"{where}.{name} must be {2 * length} lower-case hexadecimal digits")
    return bytes.fromhex(text)


def b64(text: Any, where: str, length: int | None = None) -> bytes:
    """Standard base64 with padding, written the one way it encodes (no stray bits)."""
    if not isinstance(text, str):
        raise Unusable(f"{where} must be base64 text")
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Unusable(f"{where} must be base64") from None
    if base64.b64encode(value).decode() != text:
        raise Unusable(f"{where} must be base64 as it encodes (canonical padding)")
    if length is not None and len(value) != length:
        raise Unusable(f"{where} must be {length} bytes")
    return value


def path_of(proof: dict[str, Any]) -> list[bytes]:
    path = proof.get("path")
    if not isinstance(path, list):
        raise Unusable("proof.path must be a list of hashes")
    return [
        hex_bytes({"step": step}, "step", f"proof.path[{i}]", 32) for i, step in enumerate(path)
    ]


def verify_inclusion(proof: dict[str, Any], key: Ed25519PublicKey) -> str:
    head = proof.get("head")
    event = proof.get("event")
    if not isinstance(head, dict) or not isinstance(event, dict):
        raise Unusable("an inclusion proof has a head and an event")
    size, root = check_head(head, key, "head")
    position = field(event, "position", int, "event")
    data = entry(
        field(event, "originator_id", str, "event"),
        field(event, "originator_version", int, "event"),
        field(event, "topic", str, "event"),
        b64(event.get("state"), "event.state"),
    )
    if field(proof, "tree_size", int, "proof") != size:
        raise Invalid(f"the proof is for a tree of {proof['tree_size']}, the head's is {size}")
    if root_from_inclusion(position - 1, size, leaf_hash(data), path_of(proof)) != root:
        raise Invalid(f"event {position}'s bytes and path do not give the head's root")
    what = event["topic"].rpartition(":")[2]
    return f"valid: event {position} ({what}, {event['originator_id']}) is in the log of {size}"


def verify_consistency(proof: dict[str, Any], key: Ed25519PublicKey) -> str:
    first, second = proof.get("from"), proof.get("to")
    if not isinstance(first, dict) or not isinstance(second, dict):
        raise Unusable("a consistency proof has a from head and a to head")
    m, first_root = check_head(first, key, "from")
    n, second_root = check_head(second, key, "to")
    check_consistency(m, n, first_root, second_root, path_of(proof))
    return f"valid: the log of {m} events is a prefix of the log of {n}"


KINDS = {
    "campaign-inclusion-proof/1": verify_inclusion,
    "campaign-consistency-proof/1": verify_consistency,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check a campaign log proof (inclusion or consistency) offline."
    )
    parser.add_argument("proof", type=Path, help="the proof file (JSON)")
    parser.add_argument(
        "--public-key", type=Path, required=True, help="the office's public key (PEM)"
    )
    args = parser.parse_args(argv)
    try:
        try:
            proof = json.loads(args.proof.read_bytes())
        except (OSError, ValueError, RecursionError) as error:
            raise Unusable(f"{args.proof}: not a readable JSON file ({error})") from None
        kind = proof.get("format") if isinstance(proof, dict) else None
        if not isinstance(kind, str) or kind not in KINDS:
            raise Unusable(
                f"{args.proof}: not a proof of a kind this tool reads ({', '.join(KINDS)})"
            )
        key = load_public_key(args.public_key)
        print(KINDS[kind](proof, key))
        return 0
    except Invalid as failure:
        print(f"invalid: {failure}", file=sys.stderr)
    except Unusable as problem:
        print(f"error: {problem}", file=sys.stderr)
    except (ValueError, OverflowError, TypeError, RecursionError) as error:
        print(f"error: {args.proof}: not a proof this tool reads ({error})", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""The hash chain over the log's global order.

Each event's hash covers the previous event's hash and the event's stored bytes (its
originator id, version, topic and state, each length-prefixed so that no two rows encode the
same). The chain is written beside the events, in the same transaction; a digest
`HASH@POSITION` kept outside the store pins the log up to that position.
"""

from __future__ import annotations

import hashlib

from campaign.store.tree import entry

GENESIS = bytes(32)


def link(previous: bytes, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The hash of one event, given the hash of the event before it."""
    return link_entry(previous, entry(originator_id, version, topic, state))


def link_entry(previous: bytes, framed: bytes) -> bytes:
    """The same, from the event's framed bytes (`campaign.store.tree.entry`)."""
    return hashlib.sha256(previous + framed).digest()


def digest(head: bytes, position: int) -> str:
    """The printed form of a chain head: HASH@POSITION."""
    return f"{head.hex()}@{position}"


def parse_digest(text: str) -> tuple[bytes, int]:
    value, _, position = text.strip().partition("@")
    written = "a digest is written HASH@POSITION (64 hex digits, @, a number)"
    try:
        head = bytes.fromhex(value)
    except ValueError:
        raise ValueError(written) from None
    # ASCII digits only: int() would also take 4_9 and other scripts' digits
    if len(head) != 32 or not (position.isascii() and position.isdigit()):
        raise ValueError(written)
    at = int(position)
    if at == 0 and head != GENESIS:
        raise ValueError("a digest at position 0 is the log before its first event: 64 zeros")
    return head, at

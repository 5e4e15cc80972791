"""SPEC §6.7: the receipt every checkpoint carries, and its state hash."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import orjson

from campaign.store.chain import digest
from campaign.version import __version__

if TYPE_CHECKING:
    from campaign.read.replay import Replayed


def state_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) without the receipt."""
    body = {k: v for k, v in document.items() if k != "receipt"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def receipt(document: dict[str, Any], replayed: Replayed) -> dict[str, Any]:
    """The log position read up to, the head hash there, the engine version and the state
    hash of `document`; `digest` is the head as HASH@POSITION, to keep outside the store;
    `signed_head` the Merkle tree's head there (signed when the office's key was given), and
    `tail_verified` whether the last event read was checked against its link."""
    head = replayed.tree_head
    return {
        "position": replayed.position,
        "head_hash": replayed.head_hash.hex(),
        "state_hash": state_hash(document),
        "engine_version": __version__,
        "digest": digest(replayed.head_hash, replayed.position),
        "signed_head": None if head is None else head.as_json(),
        "tail_verified": head is not None,
    }

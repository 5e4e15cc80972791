"""Projection snapshots: the replayed state, persisted and tagged with its log position.

A query folds from the nearest snapshot at or before the position it needs, instead of from
the first event. Snapshots are taken while folding, at the end of each of the campaign's
checkpoint days and at the position folded to when the fold was long (a quarter of `every`, a
setting of the composition root, or more); a bulk write takes them at once (`catch_up`), so
that no query after a load pays for them. They are a cache beside the log, never part of it, and
never change a result: one is used only when the chain hash at its position is the one it was
taken at, and auditors can always ask for a full replay (`--no-snapshot`).

The format is a small JSON header (projects, requests, publications, the campaign's opening
event) followed by the day ledgers as raw 64-bit integers, zlib-compressed; no pickle, so a
snapshot can never run code.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from array import array
from typing import TYPE_CHECKING

import orjson

from campaign.domain.errors import StoreError
from campaign.read.projection import (
    LEDGERS,
    NO_PCT,
    PROJECT_FIELDS,
    REQUEST_FIELDS,
    Projection,
    ProjectState,
    RequestState,
)
from campaign.version import __version__

if TYPE_CHECKING:
    from campaign.store.readers import LogReader, SnapshotWriter

# 2: ledgers in whole yuan; 3: rows as lists, ledgers trimmed; 4: amendments and the marker of
# a report of 0 (ZERO_REPORT)
LAYOUT = 4
# A snapshot is used only by the engine version that took it (a later version may fold
# differently); both go into the number stored beside it.
FORMAT = zlib.crc32(f"{LAYOUT}:{__version__}".encode())


def _trimmed(ledger: array[int], empty: bytes) -> bytes:
    """A day ledger without its trailing empty days (most of the year, mid-year)."""
    raw = ledger.tobytes()
    size = len(raw.rstrip(empty))
    return raw[: -(-size // 8) * 8]


def dump(projection: Projection) -> bytes:
    """The projection as bytes (see the module's docstring for the layout)."""
    ledgers: list[bytes] = []
    rows = []
    for p in projection.projects.values():
        trimmed = (
            _trimmed(p.investment, b"\0"),
            _trimmed(p.funds, b"\0"),
            _trimmed(p.pct, b"\xff"),
        )
        ledgers.extend(trimmed)
        rows.append(
            [
                *(getattr(p, name) for name in PROJECT_FIELDS),
                [r.id for r in p.requests],
                [len(t) for t in trimmed],
            ]
        )
    header = {
        "format": FORMAT,
        "position": projection.position,
        "opened": projection.opened,
        "amended": projection.amended,
        "publications": projection.publications,
        "projects": rows,
        "requests": [
            [getattr(r, name) for name in REQUEST_FIELDS] for r in projection.requests.values()
        ],
    }
    head = orjson.dumps(header)
    body = len(head).to_bytes(8, "big") + head + b"".join(ledgers)
    return zlib.compress(body, 1)


def restore(data: bytes) -> Projection:
    """The projection a snapshot holds (ready to fold the events after it). Lists come back
    where the fold keeps tuples ([since, due] pairs); they are read alike."""
    body = zlib.decompress(data)
    size = int.from_bytes(body[:8], "big")
    header = orjson.loads(body[8 : 8 + size])
    if header.get("format") != FORMAT:
        raise ValueError(f"snapshot format {header.get('format')} is not {FORMAT}")
    projection = Projection()
    if header["opened"] is not None:
        projection.open(header["opened"])
    for amended in header["amended"]:
        projection.amend(amended)
    days = projection.year_days
    empties = (bytes(8 * days), bytes(8 * days), array("q", [NO_PCT] * days).tobytes())
    view = memoryview(body)
    offset = 8 + size
    requests = projection.requests
    for values in header["requests"]:
        request = RequestState.__new__(RequestState)
        for name, value in zip(REQUEST_FIELDS, values, strict=True):
            setattr(request, name, value)
        requests[request.id] = request
    for values in header["projects"]:
        state = ProjectState.__new__(ProjectState)
        *facts, request_ids, sizes = values
        for name, value in zip(PROJECT_FIELDS, facts, strict=True):
            setattr(state, name, value)
        state.requests = [requests[i] for i in request_ids]
        for name, kept, empty in zip(LEDGERS, sizes, empties, strict=True):
            ledger = array("q")
            ledger.frombytes(view[offset : offset + kept])
            ledger.frombytes(empty[kept:])  # the trimmed empty days
            setattr(state, name, ledger)
            offset += kept
        projection.projects[state.code] = state
    projection.publications = header["publications"]
    projection.position = header["position"]
    return projection


def authenticator(key: bytes, position: int, head: bytes, data: bytes, fmt: int = FORMAT) -> bytes:
    """What is stored beside a snapshot: the id of the key that took it (8 bytes) and an
    HMAC-SHA256, under that key, of its format, its position, the chain hash there and its
    data (a snapshot cannot be passed off as another format's, position's or log's)."""
    message = fmt.to_bytes(4, "big") + position.to_bytes(8, "big") + head + data
    return key_id(key) + hmac.new(key, message, hashlib.sha256).digest()


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"campaign-snapshot-key/2\x00" + key).digest()[:8]


AUTHENTICATOR = 8 + 32  # a key id and an HMAC-SHA256


class SnapshotStore:
    """Where snapshots live: a table beside the log, read through the query's snapshot of the
    store and written by the backend on a connection of its own.

    A snapshot is a cache that anyone who can write the store could forge, so each carries an
    HMAC under a key kept outside the store (`campaign.bootstrap.snapshot_key`): a query uses
    only the snapshots its own key authenticates, and names on stderr any that its key took
    but that changed since (`refused`)."""

    def __init__(self, writer: SnapshotWriter, every: int, key: bytes) -> None:
        self.writer = writer
        self.every = every
        self.key = key
        self.refused: list[int] = []  # positions of changed snapshots this query passed over

    def best(self, reader: LogReader, position: int) -> Projection | None:
        """The latest usable snapshot at or before `position`: same format, taken under this
        key and unchanged since, and taken on this very log (the chain hash at its position
        matches)."""
        own = key_id(self.key)
        for at, head, data, digest in reader.snapshots_upto(position, FORMAT):
            if len(digest) == AUTHENTICATOR and digest[:8] != own:
                continue  # another user's: not for this one to trust
            if not hmac.compare_digest(digest, authenticator(self.key, at, head, data)):
                if at not in self.refused:
                    self.refused.append(at)
                continue
            try:
                _, chained = reader.chain_at(at)
            except StoreError:  # the log no longer reaches that far
                continue
            if chained != head:
                continue
            projection = restore(data)
            if projection.position == at:
                return projection
        return None

    def save(self, projection: Projection, head: bytes) -> None:
        data = dump(projection)
        digest = authenticator(self.key, projection.position, head, data)
        self.writer.save_snapshot(projection.position, FORMAT, head, data, digest)

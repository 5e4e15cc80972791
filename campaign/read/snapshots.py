"""Projection snapshots: the replayed state, persisted and tagged with its log position.

A query folds from the nearest snapshot at or before the position it needs, instead of from
the first event. Snapshots are taken while folding, at the end of each of the campaign's
checkpoint days and at the position folded to when the fold was long (a quarter of `every`, a
setting of the composition root, or more); a bulk write takes them at once (`catch_up`), so
that no query after a load pays for them. They are a cache beside the log, never part of it, and
never change a result: one is used only when the chain hash at its position is the one it was
taken at, and auditors can always ask for a full replay (`--no-snapshot`).

The format is a JSON header (the projects' and the requests' columns, publications, the
campaign's opening event, how many days of each ledger are kept) followed by each ledger's block
as raw integers (32-bit when every value fits, else 64-bit), a row per project, without the
days after the last one any project reported (most of the year, mid-year); zlib-compressed, and
no pickle, so a snapshot can never run code. Restoring one builds the columns as the JSON
gives them and copies each block whole: no `ProjectState` or `RequestState`, and no ledger
array, per project.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from typing import TYPE_CHECKING

import orjson

from campaign.domain.errors import StoreError
from campaign.read.projection import LEDGERS, NO_PCT, Projection
from campaign.version import __version__

if TYPE_CHECKING:
    from campaign.store.readers import LogReader, SnapshotWriter

# 2: ledgers in whole yuan; 3: rows as lists, ledgers trimmed; 4: amendments and the marker of
# a report of 0 (ZERO_REPORT); 5: projects and requests as columns; 6: their dates as day
# numbers too
LAYOUT = 6
# A snapshot is used only by the engine version that took it (a later version may fold
# differently); both go into the number stored beside it.
FORMAT = zlib.crc32(f"{LAYOUT}:{__version__}".encode())


EMPTY = {"investment": 0, "funds": 0, "pct": NO_PCT}
"""What each ledger holds on a day without a report."""


def dump(projection: Projection) -> bytes:
    """The projection as bytes (see the module's docstring for the layout)."""
    import numpy as np  # noqa: PLC0415 (a write command that takes no snapshot starts light)

    projects = projection.projects
    ledgers = projects.ledgers
    rows, days = ledgers.rows, ledgers.days
    widths: list[tuple[int, int]] = []
    kept: list[bytes] = []
    for name in LEDGERS:
        matrix = np.frombuffer(ledgers.used(name), dtype=np.int64).reshape(rows, days)
        used = np.flatnonzero((matrix != EMPTY[name]).any(axis=0))
        width = int(used[-1]) + 1 if used.size else 0
        block = matrix[:, :width]
        small = not block.size or (block.min() >= -(2**31) and block.max() < 2**31)
        widths.append((width, 4 if small else 8))
        kept.append(block.astype(np.int32 if small else np.int64).tobytes())
    header = {
        "format": FORMAT,
        "position": projection.position,
        "opened": projection.opened,
        "amended": projection.amended,
        "publications": projection.publications,
        "projects": projects.columns(),
        "ledgers": widths,
        "requests": projection.requests.columns(),
    }
    head = orjson.dumps(header)
    body = len(head).to_bytes(8, "big") + head + b"".join(kept)
    return zlib.compress(body, 1)


def restore(data: bytes) -> Projection:
    """The projection a snapshot holds (ready to fold the events after it): its columns as
    they were kept, and its day ledgers copied into one mapping.
    Lists come back where the fold keeps tuples ([since, due] pairs); they are read alike."""
    import numpy as np  # noqa: PLC0415 (a write command that takes no snapshot starts light)

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
    projection.requests.restore(header["requests"])
    projects = projection.projects
    projects.restore(header["projects"])
    ledgers = projects.ledgers
    rows, days = len(projects), ledgers.days
    ledgers.reserve(rows, set_empty=False)  # every day of every row is written below
    ledgers.rows = rows
    offset = 8 + size
    view = memoryview(body)
    for name, (width, size) in zip(LEDGERS, header["ledgers"], strict=True):
        matrix = np.frombuffer(ledgers.used(name), dtype=np.int64).reshape(rows, days)
        end = offset + rows * width * size
        kept = np.frombuffer(view[offset:end], dtype=np.int32 if size == 4 else np.int64)
        matrix[:, :width] = kept.reshape(rows, width)
        matrix[:, width:] = EMPTY[name]
        offset = end
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

"""Projection snapshots: the replayed state, persisted and tagged with its log position.

A query folds from the nearest snapshot at or before the position it needs, instead of from
the first event. Snapshots are taken while folding, at the end of each of the campaign's
checkpoint days and at the position folded to when the fold was long (a quarter of `every`, a
setting of the composition root, or more); a bulk write takes them at once (`catch_up`), so
that no query after a load pays for them. They are a cache beside the log, never part of it, and
never change a result: one is used only when the chain hash at its position is the one it was
taken at, and auditors can always ask for a full replay (`--no-snapshot`).

The format is a JSON header (the projects' and the requests' columns but their day numbers,
publications, the campaign's opening event, and the name, type and length of each array after
it) followed by the arrays as raw little-endian integers, each in the narrowest type its values
fit: the day-number columns, each request's project row, the day ledgers sparse, as the cells
that hold a report (row × days + day) and each ledger's value there, and the index of each
row's value in a text column of many repeats (a unit, a category, a date), whose header then
holds its distinct values once, in the order first met (`code.<table>.<column>`). The whole is
zstd-compressed, and there is no pickle, so a snapshot can never run code. Restoring one builds
the columns as the JSON gives them and scatters each ledger into its block: no `ProjectState`
or `RequestState`, and no ledger array, per project.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from array import array
from typing import TYPE_CHECKING, Any

import orjson

from campaign.domain.errors import StoreError
from campaign.read.projection import LEDGERS, NO_PCT, PROJECT_DAYS, REQUEST_DAYS, Projection
from campaign.version import __version__

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from campaign.store.readers import LogReader, SnapshotWriter

# 2: ledgers in whole yuan; 3: rows as lists, ledgers trimmed; 4: amendments and the marker of
# a report of 0 (ZERO_REPORT); 5: projects and requests as columns; 6: their dates as day
# numbers too; 7: numbers as typed arrays, ledgers sparse, zstd; 8: text columns of many
# repeats as their distinct values and an index array
LAYOUT = 8
# A snapshot is used only by the engine version that took it (a later version may fold
# differently); both go into the number stored beside it.
FORMAT = zlib.crc32(f"{LAYOUT}:{__version__}".encode())

EMPTY = {"investment": 0, "funds": 0, "pct": NO_PCT}
"""What each ledger holds on a day without a report."""

TYPES = ("|i1", "<i2", "<i4", "<i8")
"""The integer types an array is kept in: the narrowest its values fit."""


def dump(projection: Projection) -> bytes:
    """The projection as bytes (see the module's docstring for the layout)."""
    import numpy as np  # noqa: PLC0415 (a write command that takes no snapshot starts light)
    import zstandard  # noqa: PLC0415

    projects, requests = projection.projects, projection.requests
    ledgers = projects.ledgers
    blocks = {name: ledgers.used(name) for name in LEDGERS}
    full = {name: np.frombuffer(block, dtype=np.int64) for name, block in blocks.items()}
    traced = np.zeros(len(full["pct"]), dtype=bool)
    for name, values in full.items():
        traced |= values != EMPTY[name]
    cells = np.flatnonzero(traced)
    arrays: dict[str, Any] = {
        **{f"project.{name}": projects.days[name] for name in PROJECT_DAYS},
        **{f"request.{name}": requests.days[name] for name in REQUEST_DAYS},
        "request.project": requests.project,
        "cells": cells,
        **{f"ledger.{name}": values[cells] for name, values in full.items()},
    }
    projects_columns = _coded("projects", projects.columns(), arrays)
    requests_columns = _coded("requests", requests.columns(), arrays)
    kept = {name: _narrowest(np.asarray(values, dtype=np.int64)) for name, values in arrays.items()}
    header = {
        "format": FORMAT,
        "position": projection.position,
        "opened": projection.opened,
        "amended": projection.amended,
        "publications": projection.publications,
        "projects": projects_columns,
        "requests": requests_columns,
        "rows": len(projects),
        "arrays": [[name, a.dtype.str, len(a)] for name, a in kept.items()],
    }
    head = orjson.dumps(header)
    body = b"".join([len(head).to_bytes(8, "big"), head, *(a.tobytes() for a in kept.values())])
    return zstandard.ZstdCompressor(level=3).compress(body)


def _coded(table: str, columns: dict[str, Any], arrays: dict[str, Any]) -> dict[str, Any]:
    """The columns, each text column with at least two rows a value kept as its distinct
    values (in the order first met) and, in `arrays`, each row's index into them."""
    kept: dict[str, Any] = {}
    for name, column in columns.items():
        if all(value is None or value.__class__ is str for value in column):
            distinct = {value: i for i, value in enumerate(dict.fromkeys(column))}
            if 2 * len(distinct) <= len(column):
                arrays[f"code.{table}.{name}"] = [distinct[value] for value in column]
                kept[name] = list(distinct)
                continue
        kept[name] = column
    return kept


def _decoded(
    table: str, columns: dict[str, Any], arrays: dict[str, NDArray[Any]], rows: int
) -> None:
    """The text columns `_coded` kept as distinct values, back as a value per row (`rows`)."""
    import numpy as np  # noqa: PLC0415

    prefix = f"code.{table}."
    for coded in arrays:
        if coded.startswith(prefix) and coded[len(prefix) :] not in columns:
            raise ValueError(f"snapshot array {coded} is of no column")
    for name, column in columns.items():
        index = arrays.get(prefix + name)
        if index is None:
            continue
        if index.size != rows:
            raise ValueError(f"snapshot column {table}.{name} has {index.size} rows, not {rows}")
        if index.size and (int(index.min()) < 0 or int(index.max()) >= len(column)):
            raise ValueError(f"snapshot column {table}.{name} has an index out of its values")
        values = np.empty(len(column), dtype=object)
        values[:] = column
        columns[name] = values[index].tolist()


def _narrowest(values: NDArray[np.int64]) -> NDArray[Any]:
    import numpy as np  # noqa: PLC0415

    if not values.size:
        return values.astype("|i1")
    low, high = int(values.min()), int(values.max())
    for name in TYPES:
        info = np.iinfo(name)
        if info.min <= low and high <= info.max:
            return values.astype(name)
    raise AssertionError("an int64 array fits int64")  # pragma: no cover


def content(data: bytes) -> bytes:
    """A snapshot's bytes as dumped, uncompressed (ValueError when they are not a snapshot)."""
    import zstandard  # noqa: PLC0415

    try:
        return bytes(zstandard.ZstdDecompressor().decompress(data))
    except zstandard.ZstdError as error:
        raise ValueError(f"not a snapshot: {error}") from None


def restore(data: bytes) -> Projection:
    """The projection a snapshot holds (ready to fold the events after it): its columns as
    they were kept, and its day ledgers scattered into one fresh mapping.
    Lists come back where the fold keeps tuples ([since, due] pairs); they are read alike."""
    import numpy as np  # noqa: PLC0415 (a write command that takes no snapshot starts light)

    body = content(data)
    size = int.from_bytes(body[:8], "big")
    header = orjson.loads(body[8 : 8 + size])
    if header.get("format") != FORMAT:
        raise ValueError(f"snapshot format {header.get('format')} is not {FORMAT}")
    arrays: dict[str, NDArray[Any]] = {}
    offset = 8 + size
    for name, kind, count in header["arrays"]:
        if kind not in TYPES:
            raise ValueError(f"snapshot array {name} has type {kind}")
        end = offset + count * np.dtype(kind).itemsize
        arrays[name] = np.frombuffer(body, dtype=kind, count=count, offset=offset)
        offset = end
    if offset != len(body):
        raise ValueError(f"snapshot holds {len(body)} bytes, its header {offset}")
    _decoded("projects", header["projects"], arrays, header["rows"])
    _decoded("requests", header["requests"], arrays, arrays["request.project"].size)
    projection = Projection()
    if header["opened"] is not None:
        projection.open(header["opened"])
    for amended in header["amended"]:
        projection.amend(amended)
    requests = projection.requests
    requests.restore(
        header["requests"],
        days={name: _numbers(arrays[f"request.{name}"]) for name in REQUEST_DAYS},
        project=_numbers(arrays["request.project"]),
    )
    projects = projection.projects
    projects.restore(
        header["projects"],
        days={name: _numbers(arrays[f"project.{name}"]) for name in PROJECT_DAYS},
    )
    rows = len(projects)
    if header["rows"] != rows:
        raise ValueError(f"snapshot holds {header['rows']} projects' ledgers, not {rows}")
    ledgers = projects.ledgers
    ledgers.reserve(rows, set_empty=False)  # a fresh mapping: every value 0 until set below
    ledgers.rows = rows
    cells = arrays["cells"]
    for name in LEDGERS:
        block = np.frombuffer(ledgers.used(name), dtype=np.int64)
        if EMPTY[name]:
            block[:] = EMPTY[name]
        block[cells] = arrays[f"ledger.{name}"]
    projection.publications = header["publications"]
    projection.position = header["position"]
    return projection


def _numbers(values: NDArray[Any]) -> array[int]:
    """An array of 64-bit integers, as the fold keeps day numbers and rows."""
    import numpy as np  # noqa: PLC0415

    found = array("q")
    found.frombytes(values.astype(np.int64).tobytes())
    return found


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

"""Projection snapshots: the replayed state, persisted and tagged with its log position.

A query folds from the nearest snapshot at or before the position it needs, instead of from
the first event. Snapshots are taken while folding, every `EVERY` events and at the end of each
of the campaign's checkpoint days; they are a cache beside the log, never part of it, and
never change a result: one is used only when the chain hash at its position is the one it was
taken at, and auditors can always ask for a full replay (`--no-snapshot`).

The format is a small JSON header (projects, requests, publications, the campaign's opening
event) followed by the day ledgers as raw 64-bit integers, zlib-compressed; no pickle, so a
snapshot can never run code.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from typing import Any

import orjson

from campaign.errors import StoreError
from campaign.replay import Folder, Projection, ProjectState, RequestState

FORMAT = 2  # 2: ledgers in whole yuan
EVERY = 100_000

_PROJECT_FIELDS = (
    "code",
    "name",
    "sector",
    "category",
    "unit",
    "leader",
    "total_investment",
    "registered_on",
    "planned_start",
    "planned_completion",
    "industrial",
    "tech_renovation",
    "factory_area",
    "milestones",
    "terminated_on",
)
_REQUEST_FIELDS = (
    "id",
    "code",
    "category",
    "detail",
    "filed_on",
    "sla_due",
    "extensions",
    "escalations",
    "resolved_on",
    "outcome",
)


def dump(projection: Projection) -> bytes:
    """The projection as bytes (see the module's docstring for the layout)."""
    projects = list(projection.projects.values())
    header = {
        "format": FORMAT,
        "position": projection.position,
        "opened": projection.opened,
        "publications": projection.publications,
        "projects": [
            {
                **{name: getattr(p, name) for name in _PROJECT_FIELDS},
                "revisions": p.revisions,
                "requests": [r.id for r in p.requests],
            }
            for p in projects
        ],
        "requests": [
            {name: getattr(r, name) for name in _REQUEST_FIELDS}
            for r in projection.requests.values()
        ],
    }
    head = orjson.dumps(header)
    ledgers = b"".join(
        p.investment.tobytes() + p.funds.tobytes() + p.pct.tobytes() for p in projects
    )
    body = len(head).to_bytes(8, "big") + head + ledgers
    return zlib.compress(body, 1)


def restore(data: bytes) -> Projection:
    """The projection a snapshot holds (ready to fold the events after it)."""
    body = zlib.decompress(data)
    size = int.from_bytes(body[:8], "big")
    header = orjson.loads(body[8 : 8 + size])
    if header.get("format") != FORMAT:
        raise ValueError(f"snapshot format {header.get('format')} is not {FORMAT}")
    projection = Projection()
    folder = Folder(projection)
    if header["opened"] is not None:
        folder.open(header["opened"])
    days = projection.year_days
    width = days * 8
    offset = 8 + size
    requests: dict[str, RequestState] = {}
    for r in header["requests"]:
        request = RequestState(
            request_id=r["id"],
            code=r["code"],
            category=r["category"],
            detail=r["detail"],
            filed_on=r["filed_on"],
            sla_due=r["sla_due"],
        )
        request.extensions = [(a, b) for a, b in r["extensions"]]
        request.escalations = [(a, b) for a, b in r["escalations"]]
        request.resolved_on = r["resolved_on"]
        request.outcome = r["outcome"]
        requests[request.id] = request
    projection.requests.update(requests)
    for p in header["projects"]:
        state = ProjectState.__new__(ProjectState)
        for name in _PROJECT_FIELDS:
            setattr(state, name, p[name])
        state.revisions = [(a, b) for a, b in p["revisions"]]
        state.requests = [requests[i] for i in p["requests"]]
        ledgers = []
        for _ in range(3):
            ledger = array("q")
            ledger.frombytes(body[offset : offset + width])
            ledgers.append(ledger)
            offset += width
        state.investment, state.funds, state.pct = ledgers
        projection.projects[state.code] = state
    projection.publications = header["publications"]
    projection.position = header["position"]
    return projection


def fingerprint(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class SnapshotStore:
    """Where snapshots live: a table beside the log, read through the query's snapshot of the
    store and written by the backend on a connection of its own."""

    def __init__(self, writer: Any, every: int = EVERY) -> None:
        self.writer = writer
        self.every = every

    def best(self, reader: Any, position: int) -> Projection | None:
        """The latest usable snapshot at or before `position`: same format, intact, and taken
        on this very log (the chain hash at its position matches)."""
        for at, head, data, digest in reader.snapshots_upto(position, FORMAT):
            if fingerprint(data) != digest:
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
        self.writer.save_snapshot(projection.position, FORMAT, head, data, fingerprint(data))

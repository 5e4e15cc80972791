"""The replay: what to fold, and from where (SPEC §5).

A query replays the log cut at `known_at` (a prefix: recorded times never decrease along the
log, so a binary search finds its end) and, when reproducing, at a position; it starts from the
nearest usable projection snapshot unless told not to, takes new snapshots on the way, and folds
long stretches of a SQLite log on two processes. What the events do to the projection is
`campaign.read.fold`'s business.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import orjson

from campaign.domain.errors import StoreError
from campaign.domain.time import DEFAULT_TIMEZONE, format_recorded
from campaign.read import parallel
from campaign.read.collector import collector_paused
from campaign.read.fold import Folder, elided
from campaign.store.readers import FoldReader

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from campaign.read.projection import Projection
    from campaign.read.snapshots import SnapshotStore
    from campaign.store.heads import TreeHead
    from campaign.store.readers import LogReader, Row

P = ParamSpec("P")
R = TypeVar("R")


def without_collector(query: Callable[P, R]) -> Callable[P, R]:
    """`query` run with the cyclic collector paused (see `collector_paused`)."""

    @functools.wraps(query)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return query(*args, **kwargs)

    return paused


Progress = Callable[[int, int], None]
"""Called with (events done, events in all) as a replay goes."""


def _recorded(reader: LogReader, position: int) -> str:
    stamp: str = orjson.loads(reader.state_at(position))["timestamp"]
    return stamp


def cut_position(reader: LogReader, known_at: dt.datetime, head: int) -> int:
    """The last position recorded at or before `known_at` (recorded times never decrease
    along the log, so the events known then are a prefix: a binary search finds its end)."""
    bound = format_recorded(known_at)
    low, high = 0, head  # invariant: position low is known (0 = nothing), high+1.. are not
    if head and _recorded(reader, head) <= bound:
        return head
    while low < high:
        middle = (low + high + 1) // 2
        if _recorded(reader, middle) <= bound:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True, slots=True)
class Replayed:
    projection: Projection
    position: int
    head_hash: bytes
    head: int
    tree_head: TreeHead | None = None  # the Merkle tree's head at `position`, once checked


def replay_log(
    reader: LogReader,
    *,
    known_at: dt.datetime | None = None,
    upto: int | None = None,
    progress: Progress | None = None,
    snapshots: SnapshotStore | None = None,
    split_min: int | None = None,
) -> Replayed:
    """Fold the log up to `upto` (a position) and `known_at`: from the nearest usable snapshot
    when `snapshots` is given (taking new ones on the way), else from the first event. Long
    stretches fold on two processes (see `campaign.parallel`; `split_min` events at least),
    and the whole fold again on one where two could not fold a stretch as one would."""
    replay = functools.partial(
        _replay_log, reader, known_at=known_at, upto=upto, progress=progress, snapshots=snapshots
    )
    return alike_on_one_process(replay, split_min)


ONE_PROCESS = 1 << 62
"""A `split_min` no stretch reaches."""


def alike_on_one_process(fold: Callable[..., R], split_min: int | None = None) -> R:
    """`fold(split_min=split_min)`, a whole fold from a fresh start through `fold_range`;
    again on one process (`ONE_PROCESS`) where two could not fold a stretch as one would
    (`parallel.SplitFailed`): a half-folded projection cannot be rewound, so the retry
    belongs to whoever started the fold. An event that names what the log never made
    before it (a project it does not register, a day outside the campaign's year) is what
    the fold refuses with a KeyError: such a log was not written by the engine, and the
    refusal says so in one line."""
    try:
        try:
            return fold(split_min=split_min)
        except parallel.SplitFailed:
            return fold(split_min=ONE_PROCESS)
    except KeyError as error:
        named = error.args[0] if error.args else None
        raise StoreError(
            f"the log holds an event naming {named!r}, which it does not hold before that "
            "event: the engine did not write this log (it was changed by hand, its chain "
            "rebuilt); no figures are computed from it: run campaign audit verify --against "
            "a head kept outside the store"
        ) from None


def _replay_log(
    reader: LogReader,
    *,
    known_at: dt.datetime | None,
    upto: int | None,
    progress: Progress | None,
    snapshots: SnapshotStore | None,
    split_min: int | None,
) -> Replayed:
    head, _, _ = reader.head()
    position = head if upto is None else max(0, min(upto, head))
    if known_at is not None:
        position = cut_position(reader, known_at, position)
    target, head_hash = reader.chain_at(position)
    base = snapshots.best(reader, position) if snapshots is not None else None
    folder = Folder(base)
    start = folder.p.position
    stops = _snapshot_stops(reader, folder.p, start, position) if snapshots else []
    done = start
    after, _ = reader.chain_at(start)
    for stop in [*stops, position]:
        upto_id, stop_hash = (target, head_hash) if stop == position else reader.chain_at(stop)
        fold_range(
            folder,
            reader,
            (after, upto_id),
            (done, position),
            progress=progress,
            split_min=split_min,
        )
        folder.p.position = stop
        if snapshots is not None and (stop != position or stop - done >= snapshots.every // 4):
            # every stop; and the query's own position when it took a long fold to reach,
            # so that asking again (the office asks about the same day many times) is quick
            snapshots.save(folder.p, stop_hash)
        after, done = upto_id, stop
    return Replayed(folder.p, position, head_hash, head)


def fold_range(
    folder: Folder,
    reader: LogReader,
    span: tuple[int, int],
    counts: tuple[int, int],
    *,
    progress: Progress | None,
    split_min: int | None,
) -> None:
    """Fold the events with after < notification id <= upto (the span), on two processes
    when long; `counts` are the events done before and in all, for progress."""
    after, upto = span
    done, total = counts
    minimum = parallel.MIN_EVENTS if split_min is None else split_min
    if folder.p.campaign is None and upto - after > max(minimum, 1):
        # the first event opens the campaign: fold it alone, so that the year is known
        folder.fold(reader.batches(after, after + 1, elided()))
        done += 1
        after += 1
    if parallel.usable(reader, folder.p, upto - after, minimum):
        assert isinstance(reader, FoldReader)
        folder.p.position += parallel.fold_split(folder, reader, after, upto)
        if progress is not None:  # the two sides read different rows: report the whole span
            progress(min(done + upto - after, total), total)  # (PostgreSQL's ids have gaps)
    else:
        folder.fold(_maybe_reporting(reader.batches(after, upto, elided()), done, total, progress))


def _maybe_reporting(
    batches: Iterable[list[Row]],
    done: int,
    total: int,
    progress: Progress | None,
) -> Iterable[list[Row]]:
    return batches if progress is None else _reporting(batches, done, total, progress)


def _snapshot_stops(
    reader: LogReader,
    projection: Projection,
    start: int,
    position: int,
) -> list[int]:
    """Where to take snapshots between start and position: at the end of each of the
    campaign's checkpoint days (as recorded), where known-at queries ask; between them the
    fold runs straight through (on two processes when long), and the query's own position is
    kept at the end. Snapshots every so many events would make the first query after a load
    pay for a dozen snapshots, each fold too short for two processes."""
    stops: set[int] = set()
    opened = projection.opened
    if opened is None and position >= 1:
        opened = orjson.loads(reader.state_at(1))
    if opened is not None:
        days = {dt.date.fromisoformat(day) for day in opened.get("checkpoints", ())}
        if projection.campaign is not None:  # and those named by amendments folded so far
            days |= projection.campaign.every_checkpoint()
        zone = ZoneInfo(opened.get("timezone", DEFAULT_TIMEZONE))
        for day in sorted(days):
            end = dt.datetime.combine(day, dt.time.max, tzinfo=zone)
            stops.add(cut_position(reader, end, position))
    return sorted(s for s in stops if start < s < position)


def _reporting(
    batches: Iterable[list[Row]], done: int, total: int, progress: Progress
) -> Iterator[list[Row]]:
    for batch in batches:
        yield batch
        done += len(batch)
        progress(done, total)
    progress(done, total)

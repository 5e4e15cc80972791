"""Full replays (decode + fold into all projection state) against the floor: the same store's
events read with plain sqlite3 and decoded with orjson, no engine."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import orjson
import pytest

from benchmarks import measure
from campaign import Settings, open_store
from campaign.read.replay import replay_log

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture

TARGET_RATIO = 0.5


def floor(db: Path) -> int:
    count = 0
    with closing(sqlite3.connect(db)) as conn:
        for (state,) in conn.execute("SELECT state FROM stored_events ORDER BY rowid"):
            orjson.loads(state)
            count += 1
    return count


def replay(db: Path) -> int:
    with open_store(Settings(db=str(db)), create=False) as store:
        reader = store.reader()
        replayed = replay_log(reader)
        reader.close()
    assert replayed.position == replayed.head
    return replayed.position


@pytest.mark.benchmark(group="replay")
@pytest.mark.parametrize("size", ["store_100k", "store_1m"])
def test_floor(benchmark: BenchmarkFixture, request: pytest.FixtureRequest, size: str) -> None:
    db = request.getfixturevalue(size)
    events = measure.pedantic(benchmark, floor, args=(db,), rounds=3, iterations=1)
    assert events == measure.events_in(db)


@pytest.mark.benchmark(group="replay")
@pytest.mark.parametrize("size", ["store_100k", "store_1m"])
def test_full_replay(
    benchmark: BenchmarkFixture, request: pytest.FixtureRequest, size: str, measuring: bool
) -> None:
    db = request.getfixturevalue(size)
    events = measure.pedantic(benchmark, replay, args=(db,), rounds=3, iterations=1)
    assert events == measure.events_in(db)
    if measuring:
        assert benchmark.stats is not None  # set once the benchmark has run
        rate = events / benchmark.stats.stats.min
        ratio = rate / measure.floor_rate(db)
        benchmark.extra_info.update(events_per_s=round(rate), ratio_to_floor=round(ratio, 2))
        assert ratio >= TARGET_RATIO

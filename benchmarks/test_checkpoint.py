"""Checkpoints on the 1M-event store: in process (snapshots warm, and a full replay), and the
wall time of a cold `campaign checkpoint` process."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import measure

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture

QUERIES = {"mid-year": ("2020-06-30", None), "known-at": ("2020-05-31", "2020-06-05")}


@pytest.mark.benchmark(group="checkpoint")
@pytest.mark.parametrize("query", QUERIES)
def test_checkpoint_from_snapshots(benchmark: BenchmarkFixture, store_1m: Path, query: str) -> None:
    as_of, known_at = QUERIES[query]
    measure.checkpoint_seconds(store_1m, as_of, known_at)  # takes the snapshots it uses
    measure.pedantic(
        benchmark,
        measure.checkpoint_seconds,
        args=(store_1m, as_of, known_at),
        rounds=3,
        iterations=1,
    )


@pytest.mark.benchmark(group="checkpoint")
def test_checkpoint_full_replay(benchmark: BenchmarkFixture, store_1m: Path) -> None:
    measure.pedantic(
        benchmark,
        measure.checkpoint_seconds,
        args=(store_1m, "2020-06-30", None),
        kwargs={"snapshots": False},
        rounds=2,
        iterations=1,
    )


@pytest.mark.benchmark(group="checkpoint")
@pytest.mark.parametrize("query", QUERIES)
def test_cold_process_checkpoint_wall(
    benchmark: BenchmarkFixture, store_1m: Path, query: str, measuring: bool
) -> None:
    as_of, known_at = QUERIES[query]
    wall = measure.pedantic(
        benchmark,
        measure.cold_checkpoint_wall,
        args=(store_1m, as_of, known_at),
        rounds=1,
        iterations=1,
    )
    benchmark.extra_info["wall_s"] = round(wall, 3)
    if measuring:
        assert wall <= 1.5

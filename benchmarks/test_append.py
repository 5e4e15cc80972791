"""The write path: one command's latency on an empty and on a 100k-event store (the second
must cost what the first did), a cold `campaign` process, and the bulk scenario load."""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

import pytest

from benchmarks import measure, stores
from campaign import Settings, load_scenario, open_engine

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture


@pytest.fixture(scope="module")
def empty_store(scenario_100k: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding only the campaign and one project."""
    folder = tmp_path_factory.mktemp("append")
    opening = folder / "open.jsonl"
    with scenario_100k.open("rb") as source, opening.open("wb") as target:
        target.write(source.readline())
        target.write(source.readline())
    db = folder / "empty.db"
    with open_engine(Settings(db=str(db))) as engine:
        assert load_scenario(engine, opening, actor="benchmark").appended == 2
    return db


@pytest.mark.benchmark(group="append")
def test_one_command_latency_does_not_grow_with_the_log(
    benchmark: BenchmarkFixture,
    empty_store: Path,
    store_100k: Path,
    tmp_path: Path,
    measuring: bool,
) -> None:
    big = stores.copy_of(store_100k, tmp_path)
    on_empty = measure.append_latencies(empty_store)
    on_big = measure.pedantic(
        benchmark, measure.append_latencies, args=(big,), rounds=1, iterations=1
    )
    ratio = median(on_big) / median(on_empty)
    benchmark.extra_info.update(
        empty_ms=round(median(on_empty) * 1000, 2),
        big_ms=round(median(on_big) * 1000, 2),
        ratio=round(ratio, 2),
    )
    if measuring:
        assert ratio <= 1.5


@pytest.mark.benchmark(group="append")
def test_one_command_in_a_cold_process(
    benchmark: BenchmarkFixture, store_100k: Path, tmp_path: Path, measuring: bool
) -> None:
    big = stores.copy_of(store_100k, tmp_path)
    wall = measure.pedantic(
        benchmark, measure.cold_append_wall, args=(big,), rounds=1, iterations=1
    )
    benchmark.extra_info["wall_s"] = round(wall, 3)
    if measuring:
        assert wall <= 0.35


@pytest.mark.benchmark(group="append")
def test_bulk_scenario_load(
    benchmark: BenchmarkFixture, scenario_100k: Path, tmp_path: Path, measuring: bool
) -> None:
    rate = measure.pedantic(
        benchmark, measure.bulk_load_rate, args=(scenario_100k, tmp_path, 1), rounds=2, iterations=1
    )
    benchmark.extra_info["events_per_s"] = round(rate)
    if measuring:
        assert rate >= 20_000

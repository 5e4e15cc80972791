"""The shared store under N writers at once and kill -9 mid-write, on both backends
(benchmarks/shared.py says how): 8 x 50 when measuring, 2 x 3 as a test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import measure, shared
from tests import postgres_server

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

if reason := postgres_server.missing():
    pytest.skip(reason, allow_module_level=True)


@pytest.mark.benchmark(group="shared")
def test_writers_at_once_lose_nothing_and_a_kill_leaves_nothing_partial(
    benchmark: BenchmarkFixture, measuring: bool
) -> None:
    writers, commands, kills = (8, 50, 5) if measuring else (2, 3, 1)
    writes, killed = measure.pedantic(
        benchmark,
        shared.measure,
        args=(writers, commands, kills),
        kwargs={"sizes": (400, 30_000) if measuring else (150, 10_000)},
        rounds=1,
        iterations=1,
    )
    for figures in writes:
        assert figures.held, figures
        benchmark.extra_info[f"{figures.backend}_p50_s"] = round(figures.p50, 3)
        benchmark.extra_info[f"{figures.backend}_p99_s"] = round(figures.p99, 3)
    for k in killed:
        assert k.kills > 0 and k.partial == 0, k
        assert k.reruns_completed == k.verified == k.kills, k

"""Peak memory of a full replay of the 1M-event store, and the audit's chain verification."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import measure

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture


@pytest.mark.benchmark(group="memory")
def test_peak_rss_of_a_full_replay(
    benchmark: BenchmarkFixture, store_1m: Path, measuring: bool
) -> None:
    megabytes = measure.pedantic(
        benchmark, measure.replay_peak_rss_mb, args=(store_1m,), rounds=1, iterations=1
    )
    benchmark.extra_info["peak_rss_mb"] = round(megabytes)
    if measuring:
        assert megabytes <= 600


@pytest.mark.benchmark(group="audit")
def test_audit_verify(benchmark: BenchmarkFixture, store_1m: Path, measuring: bool) -> None:
    rate = measure.pedantic(
        benchmark, measure.verify_rate, args=(store_1m,), rounds=1, iterations=1
    )
    benchmark.extra_info["events_per_s"] = round(rate)
    if measuring:
        assert rate >= 300_000


@pytest.mark.benchmark(group="audit")
def test_below_verify(benchmark: BenchmarkFixture, store_1m: Path, measuring: bool) -> None:
    """The bound under `audit verify` (its reads and hashes alone) reads the whole log, and,
    timed in turn with verify round after round, is below it: a bound that is not would say
    nothing about what verify leaves to cut."""
    least = measure.pedantic(
        benchmark, measure.verify_least_seconds, args=(store_1m,), rounds=1, iterations=1
    )
    benchmark.extra_info["events_per_s"] = round(measure.events_in(store_1m) / least)
    if measuring:
        bound, verified = [least], []
        for _ in range(2):
            verified.append(measure.verify_seconds(store_1m))
            bound.append(measure.verify_least_seconds(store_1m))
        assert min(bound) < min(verified)

"""The report officials circulate: the 通报 on the 1M-event store within twice the checkpoint's
own time (in process, and as cold `campaign` processes), and the checkpoint's tables of 3,000
projects within one and a half times its --json."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import measure

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture

MID_YEAR = "2020-06-30"


@pytest.mark.benchmark(group="report")
def test_the_report_takes_at_most_twice_the_checkpoint(
    benchmark: BenchmarkFixture, store_1m: Path, tmp_path: Path, measuring: bool
) -> None:
    report, checkpoint, ratio = measure.pedantic(
        benchmark,
        measure.report_ratio,
        args=(store_1m, MID_YEAR, tmp_path / "通报.html"),
        rounds=1,
        iterations=1,
    )
    benchmark.extra_info.update(report_s=round(report, 3), checkpoint_s=round(checkpoint, 3))
    assert (tmp_path / "通报.html").stat().st_size > 0
    if measuring:
        assert ratio <= 2


@pytest.mark.benchmark(group="report")
def test_a_cold_report_takes_at_most_twice_a_cold_checkpoint(
    benchmark: BenchmarkFixture, store_1m: Path, tmp_path: Path, measuring: bool
) -> None:
    report, checkpoint, ratio = measure.pedantic(
        benchmark,
        measure.cold_report_ratio,
        args=(store_1m, MID_YEAR, tmp_path / "通报.html"),
        kwargs={"rounds": 3 if measuring else 1},
        rounds=1,
        iterations=1,
    )
    benchmark.extra_info.update(report_s=round(report, 3), checkpoint_s=round(checkpoint, 3))
    if measuring:
        assert ratio <= 2


@pytest.mark.benchmark(group="report")
def test_the_tables_of_3000_projects_take_at_most_one_and_a_half_times_the_json(
    benchmark: BenchmarkFixture, store_3k: Path, measuring: bool
) -> None:
    table, as_json, ratio = measure.pedantic(
        benchmark,
        measure.table_ratio,
        args=(store_3k, MID_YEAR),
        kwargs={"rounds": 3 if measuring else 1},
        rounds=1,
        iterations=1,
    )
    benchmark.extra_info.update(table_s=round(table, 3), json_s=round(as_json, 3))
    if measuring:
        assert ratio <= 1.5

"""Bulk entry: `progress import` of a 10,000-row sheet (.xlsx and .csv) against `scenario run` of
the same reports, measured in the same run (benchmarks/imports.py says how)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import imports, measure

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture


@pytest.mark.benchmark(group="import")
def test_a_sheet_imports_within_one_and_a_half_times_the_scenario_load(
    benchmark: BenchmarkFixture, tmp_path: Path, measuring: bool
) -> None:
    rows = 10_000 if measuring else 200
    figures = measure.pedantic(
        benchmark,
        imports.measure,
        args=(rows, tmp_path),
        kwargs={"rounds": 3 if measuring else 1},
        rounds=1,
        iterations=1,
    )
    benchmark.extra_info.update(
        rows=rows,
        scenario_s=round(figures.scenario_s, 3),
        reports_s=round(figures.reports_s, 3),
        xlsx_s=round(figures.xlsx_s, 3),
        csv_s=round(figures.csv_s, 3),
        xlsx_ratio=round(figures.ratio(figures.xlsx_s), 2),
        csv_ratio=round(figures.ratio(figures.csv_s), 2),
    )
    if measuring:
        assert figures.ratio(figures.xlsx_s) <= imports.TARGET
        assert figures.ratio(figures.csv_s) <= imports.TARGET

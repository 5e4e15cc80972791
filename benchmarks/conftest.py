"""Stores for the benchmark suites. With --benchmark-disable (as CI runs them) the suites run
once each as tests, on small stores; otherwise on 100k- and 1M-event stores, built once from
the generator and cached outside the repository (see benchmarks/stores.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import stores

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="session")
def measuring(request: pytest.FixtureRequest) -> bool:
    """True when timings are taken (and targets checked), False for a quick run as tests."""
    return not request.config.getoption("benchmark_disable")


@pytest.fixture(scope="session")
def store_100k(measuring: bool) -> Path:
    return stores.store(stores.projects_for(100_000) if measuring else 20)


@pytest.fixture(scope="session")
def store_1m(measuring: bool) -> Path:
    return stores.store(stores.projects_for(1_000_000) if measuring else 40)


@pytest.fixture(scope="session")
def scenario_100k(measuring: bool) -> Path:
    return stores.scenario(stores.projects_for(100_000) if measuring else 20)


@pytest.fixture(scope="session")
def store_3k(measuring: bool) -> Path:
    """3,000 projects: the size of the checkpoint's tables the report's targets name."""
    return stores.store(3_000 if measuring else 30)

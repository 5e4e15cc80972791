"""In tests/integration, `harness` and `opened` run the engine on a SQLite file (`sqlite_db`),
not on the in-memory store: these tests look at what the real stores keep."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import Harness


@pytest.fixture
def harness(sqlite_harness: Harness) -> Harness:
    return sqlite_harness


@pytest.fixture
def opened(sqlite_opened: Harness) -> Harness:
    return sqlite_opened

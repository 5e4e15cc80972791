"""`audit verify` sweeps a log in the engine's form a batch at a time and walks it event by
event only when a check fails: over random logs, read in batches of any size, in one process
or in two halves at once, the sweep gives exactly the walk's result (the events, the chain's
head, the tree's roots asked for)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from campaign import Settings, open_store
from campaign.audit import verify as checks
from campaign.store.backends.sqlite import SQLiteLogReader
from tests.strategies import SETTINGS, Tally, build, logs

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

    from campaign.store.readers import Entry

REAL = SQLiteLogReader.entries_between


def test_the_sweep_gives_the_walks_result_on_any_log(
    tmp_path_factory: pytest.TempPathFactory, record_property: Any
) -> None:
    tally = Tally()

    @SETTINGS
    @given(
        log=logs(),
        batch=st.integers(1, 9),
        two=st.booleans(),
        asked=st.sets(st.integers(0, 80), max_size=4),
    )
    def example(log: list[Any], batch: int, two: bool, asked: set[int]) -> None:
        def batches(self: SQLiteLogReader, after: int, upto: int) -> Iterator[list[Entry]]:
            for rows in REAL(self, after, upto):
                yield from (rows[at : at + batch] for at in range(0, len(rows), batch))

        db = tmp_path_factory.mktemp("sweep") / "c.db"
        with build(db, log) as built:
            tally.add(built)
        with (
            mock.patch.object(SQLiteLogReader, "entries_between", batches),
            mock.patch.object(checks, "MIN_SPLIT", 2 if two else checks.MIN_SPLIT),
            mock.patch.dict(os.environ, {"CAMPAIGN_REPLAY_PROCESSES": "2" if two else "1"}),
            open_store(Settings(db=str(db)), create=False) as store,
        ):
            reader = store.reader()
            try:
                total = reader.head()[0]
                sizes = {size for size in asked if size <= total}
                swept = checks._swept(reader, total, None, sizes)
                walked = checks.walk(reader.links(), None, total, reader.tree_rows(), sizes)
            finally:
                reader.close()
        assert walked.ok
        assert swept == walked

    example()
    record_property("accepted", tally.summary())
    tally.check(mean_at_least=10)

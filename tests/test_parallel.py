"""The two-process replay folds exactly what one process folds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from campaign import Engine, FixedClock, Store, parallel
from campaign.replay import replay_log
from campaign.scenario import load
from campaign.snapshots import SnapshotStore, dump
from scenarios.generator import generate
from tests.conftest import SHANGHAI
from tests.test_replay_properties import SETTINGS, build, logs

LATER = FixedClock(dt.datetime(2020, 12, 31, 12, tzinfo=SHANGHAI))
ROOT = Path(__file__).resolve().parent.parent
ONE = 10**12  # a threshold no log reaches: one process
TWO = 1  # any stretch: two processes


def folded(store: Store, split_min: int, **query: Any) -> bytes:
    reader = store.reader()
    try:
        return dump(replay_log(reader, split_min=split_min, **query).projection)
    finally:
        reader.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("parallel")
    scenario = folder / "g.jsonl"
    with scenario.open("w", encoding="utf-8") as handle:
        generate(handle, projects=120, seed=5)
    db = str(folder / "g.db")
    with Store(db) as store:
        load(Engine(store, LATER), scenario, actor="t")
    return db


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"known_at": dt.datetime(2020, 5, 1, 12, tzinfo=SHANGHAI)},
        {"upto": 7_777},
    ],
)
def test_two_processes_fold_the_same_projection_as_one(
    generated: str, query: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    split = parallel.fold_split

    def spy(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        return split(*args, **kwargs)

    monkeypatch.setattr(parallel, "fold_split", spy)
    with Store(generated) as store:
        assert folded(store, TWO, **query) == folded(store, ONE, **query)
    assert calls  # the two-process fold really ran


def test_with_snapshots_on_the_way_the_result_is_the_same(generated: str, tmp_path: Path) -> None:
    with Store(generated, snapshot_every=2_500) as store:
        reader = store.reader()
        cache = SnapshotStore(store.datastore, 2_500)
        split = replay_log(reader, split_min=TWO, snapshots=cache)
        again = replay_log(reader, split_min=TWO, snapshots=cache)  # from the snapshots now
        reader.close()
        assert dump(split.projection) == dump(again.projection) == folded(store, ONE)


@SETTINGS
@given(log=logs())
def test_on_random_logs_two_processes_fold_what_one_does(
    tmp_path_factory: pytest.TempPathFactory, log: list[Any]
) -> None:
    with build(tmp_path_factory.mktemp("par") / "c.db", log) as store:
        assert folded(store, TWO) == folded(store, ONE)

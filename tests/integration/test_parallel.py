"""The two-process replay folds exactly what one process folds."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given

from campaign import FixedClock, Settings, open_engine, open_store
from campaign.app.scenario import load
from campaign.read import parallel
from campaign.read.replay import replay_log
from campaign.read.snapshots import SnapshotStore, dump
from scenarios.generator import generate
from tests.conftest import SHANGHAI
from tests.strategies import SETTINGS, build, logs

if TYPE_CHECKING:
    from campaign.app.ports import EventStore

LATER = FixedClock(dt.datetime(2020, 12, 31, 12, tzinfo=SHANGHAI))
ROOT = Path(__file__).resolve().parents[2]
ONE = 10**12  # a threshold no log reaches: one process
TWO = 1  # any stretch: two processes


@pytest.fixture(autouse=True)
def two_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes whenever a stretch is long enough, however busy the machine is."""
    monkeypatch.setenv(parallel.PROCESSES, "2")


def folded(store: EventStore, split_min: int, **query: Any) -> bytes:
    reader = store.reader()
    try:
        replayed = replay_log(reader, split_min=split_min, **query)
    finally:
        reader.close()
    assert 0 < replayed.position <= replayed.head
    return dump(replayed.projection)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("parallel")
    scenario = folder / "g.jsonl"
    with scenario.open("w", encoding="utf-8") as handle:
        generate(handle, projects=120, seed=5)
    db = str(folder / "g.db")
    with open_engine(Settings(db=db, clock=LATER)) as engine:
        report = load(engine, scenario, actor="t")
    assert report.commands == report.lines > 0
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
    with open_store(Settings(db=generated)) as store:
        assert folded(store, TWO, **query) == folded(store, ONE, **query)
    assert calls  # the two-process fold really ran


def test_with_snapshots_on_the_way_the_result_is_the_same(generated: str, tmp_path: Path) -> None:
    with open_store(Settings(db=generated)) as store:
        reader = store.reader()
        cache = SnapshotStore(store, 2_500, bytes(32))
        split = replay_log(reader, split_min=TWO, snapshots=cache)
        again = replay_log(reader, split_min=TWO, snapshots=cache)  # from the snapshots now
        reader.close()
        assert split.position == again.position == split.head > 0
        assert dump(split.projection) == dump(again.projection) == folded(store, ONE)


@SETTINGS
@given(log=logs())
def test_on_random_logs_two_processes_fold_what_one_does(
    tmp_path_factory: pytest.TempPathFactory, log: list[Any]
) -> None:
    with build(tmp_path_factory.mktemp("par") / "c.db", log) as built:
        assert folded(built.engine.store, TWO) == folded(built.engine.store, ONE)


def test_two_processes_only_when_asked_or_a_core_is_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.two_processes(10, 5)  # asked for (the fixture)
    assert not parallel.two_processes(4, 5)  # too short to be worth a fork
    monkeypatch.setenv(parallel.PROCESSES, "1")
    assert not parallel.two_processes(10, 5)
    monkeypatch.delenv(parallel.PROCESSES)
    for spare in (True, False):
        monkeypatch.setattr(parallel, "spare_core", lambda spare=spare: spare)
        assert parallel.two_processes(10, 5) is spare


def test_a_core_busy_with_another_process_is_not_spare() -> None:
    cores = len(os.sched_getaffinity(0))
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores - 1)]
    try:
        time.sleep(0.3)
        assert not parallel.spare_core()
    finally:
        for process in busy:
            process.kill()
            process.wait()

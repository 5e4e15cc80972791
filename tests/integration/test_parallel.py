"""The two-process replay folds exactly what one process folds."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given

from campaign import Settings, open_engine, open_store, parse_command
from campaign.app.scenario import load
from campaign.domain import topics
from campaign.domain.errors import StoreError
from campaign.domain.topics import PROJECT_ID_PREFIX, REPORT_CORRECTED
from campaign.domain.topics import PROJECT_REGISTERED as REGISTERED
from campaign.read import cores, parallel
from campaign.read.cores import spare_core
from campaign.read.replay import replay_log
from campaign.read.snapshots import SnapshotStore, dump
from campaign.store import codec
from campaign.store.backends.sqlite import SQLiteLogReader
from campaign.store.readers import FoldReader
from scenarios.generator import generate
from tests.conftest import SHANGHAI
from tests.forger import attacker, rechain
from tests.integration.demo import LATER
from tests.strategies import SETTINGS, build, logs

if TYPE_CHECKING:
    from collections.abc import Callable

    from campaign.app.ports import EventStore
    from tests.postgres_server import PostgresServer

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


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The spans the two-process fold folded to their end (a split that fails is folded again
    on one process, which would give the same projection)."""
    done: list[int] = []
    split = parallel.fold_split

    def spy(*args: Any, **kwargs: Any) -> int:
        folded_here = split(*args, **kwargs)
        done.append(folded_here)
        return folded_here

    monkeypatch.setattr(parallel, "fold_split", spy)
    return done


@pytest.mark.parametrize("chunk", [7, 500, parallel.CHUNK])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"known_at": dt.datetime(2020, 5, 1, 12, tzinfo=SHANGHAI)},
        {"upto": 7_777},
    ],
)
def test_two_processes_fold_the_same_projection_as_one(
    generated: str,
    query: dict[str, Any],
    chunk: int,
    monkeypatch: pytest.MonkeyPatch,
    splits: list[int],
) -> None:
    """Whatever the stretches the reports are shared out in: a few, hundreds, one."""
    monkeypatch.setattr(parallel, "CHUNK", chunk)
    with open_store(Settings(db=generated)) as store:
        assert folded(store, TWO, **query) == folded(store, ONE, **query)
    assert splits  # the two-process fold really ran, and to its end


def test_corrections_whose_events_need_upcasting_are_kept_back_whole(
    generated: str, monkeypatch: pytest.MonkeyPatch, splits: list[int]
) -> None:
    """Once a correction's events have a version after the first, the fold's decoder of a
    report no longer reads them: the two-process fold keeps each one back decoded whole and
    folds it through its upcasting handler, as one process folds it."""
    upcast: list[str] = []

    def to_second_version(state: dict[str, Any]) -> dict[str, Any]:
        upcast.append(state["code"])
        if "investment_yuan" in state:  # a change the fold shows, if it folds what is upcast
            state["investment_yuan"] += 1
        return state

    monkeypatch.setitem(topics.VERSIONS, REPORT_CORRECTED, 2)
    monkeypatch.setitem(codec.UPCASTERS, (REPORT_CORRECTED, 1), to_second_version)
    with open_store(Settings(db=generated)) as store:
        two = folded(store, TWO)
        by_two = len(upcast)
        one = folded(store, ONE)
        monkeypatch.delitem(topics.VERSIONS, REPORT_CORRECTED)
        as_stored = folded(store, ONE)
    assert two == one != as_stored
    assert splits  # the two-process fold really ran, and to its end
    assert by_two == len(upcast) - by_two > 0  # each correction upcast, by either fold


@pytest.fixture(scope="module")
def generated_postgres(generated: str, postgres: PostgresServer) -> str:
    """The same campaign loaded into a PostgreSQL store."""
    url = postgres.create_database("parallel_fold")
    open_store(Settings(db=url), mode="init").close()
    scenario = Path(generated).with_name("g.jsonl")
    with open_engine(Settings(db=url, clock=LATER)) as engine:
        load(engine, scenario, actor="t")
    return url


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query", [{}, {"known_at": dt.datetime(2020, 5, 1, 12, tzinfo=SHANGHAI)}, {"upto": 7_777}]
)
def test_on_postgresql_two_processes_fold_the_same_projection_as_one_and_as_sqlite(
    generated: str,
    generated_postgres: str,
    query: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    splits: list[int],
) -> None:
    """Each process reads its own rows on its own connection, in the same snapshot."""
    monkeypatch.setattr(parallel, "CHUNK", 500)
    with open_store(Settings(db=generated_postgres)) as store:
        two = folded(store, TWO, **query)
        assert splits  # the two-process fold really ran, and to its end
        assert two == folded(store, ONE, **query)
    with open_store(Settings(db=generated)) as store:
        assert two == folded(store, ONE, **query)


@pytest.mark.postgres
def test_a_reader_reopened_on_postgresql_reads_the_log_as_the_first_one_did(
    postgres: PostgresServer,
) -> None:
    """Events appended after the first reader began are not read by a reader reopened from
    it: the two processes of a fold see the same log."""
    url = postgres.create_database("parallel_snapshot")
    open_store(Settings(db=url), mode="init").close()
    with open_engine(Settings(db=url, clock=LATER)) as engine:
        opened = {"name": "试", "year": 2020, "start": "2020-03-23", "end": "2020-06-30"}
        engine.execute(parse_command("open_campaign", opened), actor="t")
        reader = engine.store.reader()
        assert isinstance(reader, FoldReader)
        try:
            before = reader.head()
            amend = {"date": "2020-07-03", "reason": "加开调度会", "checkpoints": ["2020-07-15"]}
            engine.execute(parse_command("amend_campaign", amend), actor="t")  # appended after
            later = engine.store.reader()
            try:
                assert later.head() != before
            finally:
                later.close()
            again = reader.reopen()
            try:
                assert again.head() == before
                rows = list(again.batches_without(0, 10, "none"))
                assert len(rows) == 1 and rows == list(reader.batches_without(0, 10, "none"))
            finally:
                again.close()
        finally:
            reader.close()


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
        one = folded(built.engine.store, ONE)
        for chunk in (1, 3, parallel.CHUNK):
            parallel.CHUNK, kept = chunk, parallel.CHUNK
            try:
                assert folded(built.engine.store, TWO) == one
            finally:
                parallel.CHUNK = kept


def test_every_stretch_is_taken_however_the_two_ends_interleave() -> None:
    """The front taken by one process and the back by the other, a call at a time in any
    order of turns: every stretch is taken, none twice. (Calls that overlap in time may both
    take the stretch where the ends meet: see the next test.)"""
    for stretches in range(6):
        for turns in range(1 << 7):
            claims = parallel._Claims(stretches)
            taken: list[int] = []
            ended = [False, False]
            turn = 0
            while not all(ended):
                side = (turns >> (turn % 7)) & 1
                turn += 1
                if ended[side]:
                    side = 1 - side
                k = claims.front() if side == 0 else claims.back()
                if k is None:
                    ended[side] = True
                else:
                    taken.append(k)
            assert sorted(taken) == list(range(stretches))


def test_stretches_both_processes_fold_give_what_one_process_folds(
    generated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both processes fold every stretch, at the same time: a report written twice leaves
    the same cells (reports of 0 and without a physical % included)."""
    monkeypatch.setattr(parallel, "CHUNK", 64)

    class Everything(parallel._Claims):
        def __init__(self, stretches: int) -> None:
            super().__init__(stretches)
            self.next = [0, stretches - 1]

        def front(self) -> int | None:
            k = self.next[0]
            self.next[0] += 1
            return k if k < self.ends[1] else None

        def back(self) -> int | None:
            k = self.next[1]
            self.next[1] -= 1
            return k if k >= 0 else None

    monkeypatch.setattr(parallel, "_Claims", Everything)
    with open_store(Settings(db=generated)) as store:
        assert folded(store, TWO) == folded(store, ONE)


def _steps(reader: SQLiteLogReader, read: Callable[[], object]) -> int:
    """How many hundreds of SQLite's virtual machine steps `read` takes."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    reader.connection.set_progress_handler(count, 100)
    try:
        read()
    finally:
        reader.connection.set_progress_handler(None, 100)
    return steps[0]


def test_the_projects_registered_in_a_span_are_those_the_log_registers_there(
    generated: str,
) -> None:
    """Whichever way SQLite is told to find them (by the index for a long span, by the span
    for a short one); a long span reads the index, not every event in it."""
    reader = SQLiteLogReader(generated)
    try:
        rows = reader.connection.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events"
        ).fetchall()
        last = len(rows)
        registered = [
            (at, state)
            for at, originator_id, version, topic, state in rows
            if originator_id.startswith(PROJECT_ID_PREFIX) and version == 1 and topic == REGISTERED
        ]
        assert len(registered) == 120
        for after, upto in [(0, last), (0, last // 2), (last // 3, last), (100, 900), (5, 6)]:
            found = reader.created_between(PROJECT_ID_PREFIX, REGISTERED, after, upto)
            assert found == [(at, state) for at, state in registered if after < at <= upto]
        whole = _steps(
            reader, lambda: reader.created_between(PROJECT_ID_PREFIX, REGISTERED, 0, last)
        )
        assert 0 < whole * 100 < last  # fewer steps than events: the scan takes several each
        assert _steps(reader, lambda: reader.created_states("publication:", last)) * 100 < last
    finally:
        reader.close()


def test_registrations_the_index_does_not_have_fold_again_on_one_process(
    generated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process gives rows to the projects the index has registered in the span;
    when they are not those the log registers, the span is folded again on one process."""
    monkeypatch.setattr(parallel, "CHUNK", 500)
    with open_store(Settings(db=generated)) as store:
        one = folded(store, ONE)
        found = SQLiteLogReader.created_between
        monkeypatch.setattr(SQLiteLogReader, "created_between", lambda *args: found(*args)[1:])
        failed: list[str] = []
        split = parallel.fold_split

        def spy(*args: Any) -> int:
            try:
                return split(*args)
            except parallel.SplitFailed as error:
                failed.append(str(error))
                raise

        monkeypatch.setattr(parallel, "fold_split", spy)
        assert folded(store, TWO) == one
        assert failed


def test_a_report_before_its_projects_registration_fails_on_two_processes_as_on_one(
    generated: str, tmp_path: Path
) -> None:
    """A store changed by hand (its chain rebuilt) where a report names a project that the
    log registers only later: folded out of order, it must not pass."""
    db = str(tmp_path / "forged.db")
    shutil.copyfile(generated, db)
    with attacker(db) as conn:
        (last,) = conn.execute(
            "SELECT state FROM stored_events WHERE topic LIKE '%Project.Registered' "
            "ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        rowid, state = conn.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%DailyReport.Reported' "
            "ORDER BY rowid LIMIT 1"
        ).fetchone()
        report = json.loads(state)
        report["code"] = json.loads(last)["code"]
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (json.dumps(report).encode(), rowid),
        )
        rechain(conn)
    refused = "the engine did not write this log"
    with open_store(Settings(db=db)) as store:
        with pytest.raises(StoreError, match=refused):
            folded(store, ONE)
        for chunk in (7, 500, parallel.CHUNK):
            parallel.CHUNK, kept = chunk, parallel.CHUNK
            try:
                with pytest.raises(StoreError, match=refused):
                    folded(store, TWO)
            finally:
                parallel.CHUNK = kept


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
    count = len(os.sched_getaffinity(0))
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count - 1)]
    try:
        time.sleep(0.3)
        assert not spare_core()
    finally:
        for process in busy:
            process.kill()
            process.wait()


def test_a_companion_at_work_counts_as_this_process_own() -> None:
    """A second process of this command's own (the report's charts) is not other work: a
    replay beside it may still take the second core."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        alone = cores._own_running()
        cores.companion(busy.pid)
        assert cores._own_running() == alone + 1
        cores.companion(busy.pid, alive=False)
        assert cores._own_running() == alone
    finally:
        busy.kill()
        busy.wait()

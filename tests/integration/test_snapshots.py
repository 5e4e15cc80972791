"""Projection snapshots never change a result; a stale or foreign snapshot is never used."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from campaign import Engine, Settings, open_engine
from campaign.app.queries import catch_up, checkpoint_document
from campaign.app.scenario import load
from campaign.read.replay import replay_log
from campaign.read.snapshots import SnapshotStore, dump, restore
from cli.context import Config
from cli.main import cli
from tests.integration.demo import DEMO, EVENTS, LATER

if TYPE_CHECKING:
    from pathlib import Path

QUERIES = [
    ("2020-03-31", None),
    ("2020-04-30", "2020-04-30"),
    ("2020-05-31", "2020-06-10"),
    ("2020-06-30", "2020-06-30"),
    ("2020-06-30", None),
]


def demo_engine(db: str, every: int) -> Engine:
    """The demo loaded into `db`, in an engine that takes a snapshot every `every` events."""
    engine = open_engine(Settings(db=db, clock=LATER, snapshot_every=every))
    assert load(engine, DEMO, actor="loader").appended == EVENTS
    return engine


def snapshot_positions(db: str) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [
            row[0] for row in conn.execute("SELECT position FROM projection_snapshots ORDER BY 1")
        ]


def test_checkpoints_with_and_without_snapshots_are_identical(sqlite_db: str) -> None:
    with demo_engine(sqlite_db, every=7) as engine:
        for as_of, known_at in QUERIES * 2:  # the second round starts from snapshots
            day = dt.date.fromisoformat(as_of)
            cold = checkpoint_document(engine, day, known_at, snapshots=False)
            warm = checkpoint_document(engine, day, known_at)
            assert warm == cold
    taken = snapshot_positions(sqlite_db)
    # at the end of each checkpoint day as recorded (the demo's last events of 04-30, 05-31
    # and 06-30 are its evening reports at positions 30, 38 and 47), and where a long fold
    # ended; none every so many events
    assert {30, 38, 47}.issubset(taken)
    assert not {7, 14, 21, 28, 35, 42} & set(taken)


def test_a_bulk_write_takes_the_snapshots_so_that_no_query_after_it_does(
    sqlite_db: str,
) -> None:
    with demo_engine(sqlite_db, every=8) as engine:
        assert snapshot_positions(sqlite_db) == []
        assert catch_up(engine) == 49
        taken = snapshot_positions(sqlite_db)
        assert {30, 38, 47, 49}.issubset(taken)
        for as_of in ("2020-03-31", "2020-06-30"):  # as known now: from the head's snapshot
            day = dt.date.fromisoformat(as_of)
            assert checkpoint_document(engine, day, None) == checkpoint_document(
                engine, day, None, snapshots=False
            )
        assert catch_up(engine) == 0  # nothing new since
    assert snapshot_positions(sqlite_db) == taken


def test_a_snapshot_round_trips_the_whole_projection(sqlite_db: str) -> None:
    with demo_engine(sqlite_db, every=1000) as engine:
        reader = engine.store.reader()
        replayed = replay_log(reader)
        reader.close()
    assert (replayed.position, replayed.head) == (EVENTS, EVENTS)
    again = restore(dump(replayed.projection))
    assert dump(again) == dump(replayed.projection)
    assert again.projects.keys() == replayed.projection.projects.keys()


def own_key(engine: Engine) -> bytes:
    assert engine.snapshots is not None
    return engine.snapshots.key


def test_a_snapshot_of_another_history_is_not_used(sqlite_db: str) -> None:
    with demo_engine(sqlite_db, every=10) as engine:
        store = engine.store
        checkpoint_document(engine, dt.date(2020, 6, 30), None)  # takes snapshots
        with sqlite3.connect(sqlite_db) as conn:  # a snapshot whose chain link differs
            conn.execute("UPDATE projection_snapshots SET head = zeroblob(32) WHERE position = 40")
        reader = store.reader()
        best = SnapshotStore(store, 10, own_key(engine)).best(reader, 45)
        reader.close()
        assert best is not None and best.position == 38  # 40's link differs; 38 (05-31) is next
        assert checkpoint_document(engine, dt.date(2020, 6, 30), None) == checkpoint_document(
            engine, dt.date(2020, 6, 30), None, snapshots=False
        )


def test_a_damaged_snapshot_is_skipped(sqlite_db: str) -> None:
    with demo_engine(sqlite_db, every=10) as engine:
        full = checkpoint_document(engine, dt.date(2020, 6, 30), None, snapshots=False)
        checkpoint_document(engine, dt.date(2020, 6, 30), None)
        with sqlite3.connect(sqlite_db) as conn:
            conn.execute("UPDATE projection_snapshots SET data = x'00'")
        assert checkpoint_document(engine, dt.date(2020, 6, 30), None) == full


@pytest.mark.parametrize(
    "failure", [RuntimeError("the second process failed"), KeyboardInterrupt()]
)
def test_a_load_is_kept_whatever_becomes_of_its_snapshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    def fails(*_: object) -> int:
        raise failure

    monkeypatch.setattr("campaign.app.queries.snapshots_behind", lambda _: True)
    monkeypatch.setattr("campaign.app.queries.catch_up", fails)
    db = tmp_path / "kept.db"
    done = CliRunner().invoke(
        cli, ["scenario", "run", str(DEMO), "--db", str(db)], obj=Config(clock=LATER)
    )
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines() == [
        "note: the write is kept; projection snapshots not taken "
        f"({'interrupted' if isinstance(failure, KeyboardInterrupt) else 'they could not be'}): "
        "the next query takes them"
    ]
    with open_engine(Settings(db=str(db), clock=LATER)) as engine:
        assert engine.store.reader().head()[0] == 49

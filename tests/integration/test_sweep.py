"""`audit verify` sweeps a SQLite log in the engine's form a batch at a time
(`campaign.audit.sweep`) and walks it event by event only to say what failed: on an untouched
log the sweep gives the walk's result, and a log in another form, or changed, is left to the
walk, whose verdict stands."""

from __future__ import annotations

import sqlite3

import pytest

from campaign import Settings, open_store
from campaign.audit import verify as checks
from campaign.domain.errors import StoreError
from tests.forger import attacker, rechain
from tests.integration.demo import EVENTS, check

pytestmark = pytest.mark.usefixtures("processes")  # one process, and two halves at once

SIZES = frozenset({0, 1, 2, 3, 23, 24, 25, 32, EVENTS - 1, EVENTS})
"""Tree sizes whose roots are asked for (the proofs do): on both sides of the halves' split."""


def swept_and_walked(
    db: str,
) -> tuple[checks.Verification | None, checks.Verification, list[int]]:
    """(the sweep's result, the walk's, the progress the sweep told)."""
    told: list[int] = []
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        try:
            total = reader.head()[0]
            swept = checks._swept(reader, total, lambda done, _: told.append(done), SIZES)
            walked = checks.walk(reader.links(), None, total, reader.tree_rows(), SIZES)
        finally:
            reader.close()
    return swept, walked, told


def test_an_untouched_log_is_swept_to_the_walks_result(demo: str) -> None:
    swept, walked, told = swept_and_walked(demo)
    assert walked.ok and walked.events == EVENTS and set(walked.roots) == SIZES
    assert swept == walked
    assert told and told == sorted(told) and told[-1] <= EVENTS


def test_a_long_log_is_swept_batch_after_batch(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 5 events: the checks that run once a batch (recorded times, the stored
    links and nodes) meet batch edges inside the log and inside the halves."""
    from campaign.store.backends import sqlite

    real = sqlite.SQLiteLogReader.entries_between

    def in_fives(self: sqlite.SQLiteLogReader, after: int, upto: int):  # type: ignore[no-untyped-def]
        for batch in real(self, after, upto):
            yield from (batch[at : at + 5] for at in range(0, len(batch), 5))

    monkeypatch.setattr(sqlite.SQLiteLogReader, "entries_between", in_fives)
    swept, walked, _ = swept_and_walked(demo)
    assert swept == walked and walked.ok


@pytest.mark.parametrize(
    ("change", "verdict"),
    [
        # the same bytes in another type: the walk names the event, the sweep leaves it
        (
            "UPDATE stored_events SET originator_id = CAST(originator_id AS BLOB) WHERE rowid = 30",
            30,
        ),
        ("UPDATE stored_events SET topic = CAST(topic AS BLOB) WHERE rowid = 30", 30),
        ("UPDATE stored_events SET originator_version = 2.5 WHERE rowid = 30", 30),
        # bytes that are not UTF-8 kept as TEXT: sqlite3 cannot read them back
        ("UPDATE event_chain SET hash = CAST(hash AS TEXT) WHERE position = 30", "store"),
        # a state kept as TEXT is hashed as its UTF-8 by the walk, and passes
        ("UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = 30", None),
        # a tree row moved, or gone, where no event completes one
        ("UPDATE event_tree SET position = 29 WHERE position = 30", 29),
        ("DELETE FROM event_tree WHERE position = 30", 30),
        ("UPDATE event_tree SET nodes = CAST(nodes || x'00' AS BLOB) WHERE position = 32", 1),
        # a link whose id is not its position
        ("UPDATE event_chain SET notification_id = 1000 WHERE position = 30", 30),
        # an event stored under an id below the first, or past the last
        (
            "INSERT INTO stored_events(rowid, originator_id, originator_version, topic, state) "
            "SELECT -1, originator_id, 99, topic, state FROM stored_events WHERE rowid = 30",
            1,
        ),
        (
            "INSERT INTO stored_events(rowid, originator_id, originator_version, topic, state) "
            "SELECT 100, originator_id, 99, topic, state FROM stored_events WHERE rowid = 30",
            EVENTS + 1,
        ),
    ],
)
def test_a_log_not_as_the_engine_writes_it_is_left_to_the_walk(
    demo: str, change: str, verdict: int | str | None
) -> None:
    with attacker(demo) as conn:
        conn.execute(change)
    if verdict == "store":
        with open_store(Settings(db=demo), create=False) as store:
            reader = store.reader()
            assert checks._swept(reader, EVENTS, None, SIZES) is None
            reader.close()
        with pytest.raises((sqlite3.OperationalError, StoreError), match="Could not decode"):
            check(demo)
        return
    swept, walked, _ = swept_and_walked(demo)
    assert swept is None
    result = check(demo)
    assert (result.ok, result.position) == (verdict is None, verdict)
    assert (walked.ok, walked.position) == (result.ok, result.position)


def test_an_event_stored_before_the_first_is_named_by_its_id(demo: str) -> None:
    """SQLite takes any row id: an event stored under -1 is read by its aggregate (by its
    id and version), and is in no chain."""
    with attacker(demo) as conn:
        conn.execute(
            "INSERT INTO stored_events(rowid, originator_id, originator_version, topic, state) "
            "SELECT -1, originator_id, 99, topic, state FROM stored_events WHERE rowid = 30"
        )
    result = check(demo)
    assert (result.ok, result.position) == (False, 1)
    assert "under the id -1" in str(result.problem)


def test_a_rechained_log_whose_times_go_back_is_not_swept(demo: str) -> None:
    """Two events swapped and the chain and the tree written again over them: consistent in
    itself but for the recorded times, which the sweep checks a batch at once."""
    with attacker(demo) as conn:
        rows = conn.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid IN (20, 40) ORDER BY rowid"
        ).fetchall()
        conn.execute("DELETE FROM stored_events WHERE rowid IN (20, 40)")
        for (rowid, *_), (_, *rest) in zip(rows, reversed(rows), strict=True):
            conn.execute(
                "INSERT INTO stored_events(rowid, originator_id, originator_version, topic, "
                "state) VALUES (?, ?, ?, ?, ?)",
                (rowid, *rest),
            )
        rechain(conn)
    swept, walked, _ = swept_and_walked(demo)
    assert swept is None
    assert not walked.ok and "earlier than the event before" in str(walked.problem)

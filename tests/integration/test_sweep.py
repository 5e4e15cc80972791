"""`audit verify` sweeps a SQLite log in the engine's form a batch at a time
(`campaign.audit.sweep`) and walks it event by event only to say what failed: on an untouched
log the sweep gives the walk's result, and a log in another form, or changed, is left to the
walk, whose verdict stands."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from campaign import Settings, open_store
from campaign.audit import verify as checks
from campaign.audit.sweep import Sweep
from campaign.domain.errors import StoreError
from campaign.store.chain import GENESIS
from tests.forger import attacker, cut, exchange, rechain
from tests.integration.demo import EVENTS, check

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from campaign.store.readers import Entry

pytestmark = pytest.mark.usefixtures("processes")  # one process, and two halves at once

SIZES = frozenset({0, 1, 2, 3, 23, 24, 25, 32, EVENTS - 1, EVENTS})
"""Tree sizes whose roots are asked for (the proofs do): on both sides of the halves' split."""


def swept(db: str) -> checks.Verification | None:
    """The sweep's result alone."""
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        try:
            return checks._swept(reader, reader.head()[0], None, SIZES)
        finally:
            reader.close()


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
    found, walked, told = swept_and_walked(demo)
    assert walked.ok and walked.events == EVENTS and set(walked.roots) == SIZES
    assert found == walked
    assert told and told == sorted(told) and told[-1] <= EVENTS


def in_fives(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's events read in batches of 5."""
    from campaign.store.backends import sqlite as backend

    real = backend.SQLiteLogReader.entries_between

    def fives(self: backend.SQLiteLogReader, after: int, upto: int) -> Iterator[list[Entry]]:
        for batch in real(self, after, upto):
            yield from (batch[at : at + 5] for at in range(0, len(batch), 5))

    monkeypatch.setattr(backend.SQLiteLogReader, "entries_between", fives)


def test_a_long_log_is_swept_batch_after_batch(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 5 events: the checks that run once a batch (recorded times, the stored
    links and nodes) meet batch edges inside the log and inside the halves."""
    in_fives(monkeypatch)
    found, walked, _ = swept_and_walked(demo)
    assert found == walked and walked.ok


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
        # an event stored past the last (one below the first: see the test after)
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
        assert swept(demo) is None
        with pytest.raises((sqlite3.OperationalError, StoreError), match="Could not decode"):
            check(demo)
        return
    found, walked, _ = swept_and_walked(demo)
    assert found is None
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


@pytest.mark.parametrize("fives", [False, True], ids=["batches", "batches of 5"])
@pytest.mark.parametrize(
    ("one", "other"),
    [(20, 40), (24, 25), (25, 26)],
    ids=["inside a batch", "at the halves' edge", "at an edge of batches of 5"],
)
def test_a_rechained_log_whose_times_go_back_is_not_swept(
    demo: str, monkeypatch: pytest.MonkeyPatch, one: int, other: int, fives: bool
) -> None:
    """The recorded times are checked a batch at once, and from one batch and one half to
    the next (the demo's halves part at 24)."""
    exchange(demo, one, other)  # and the chain and the tree written again over them
    with attacker(demo) as conn:
        rechain(conn)
    if fives:
        in_fives(monkeypatch)
    found, walked, _ = swept_and_walked(demo)
    assert found is None
    assert not walked.ok and "earlier than the event before" in str(walked.problem)


def test_an_empty_log_with_an_event_stored_under_0_is_walked(tmp_path: Path) -> None:
    """SQLite takes a row id of 0 even with the triggers in place: a log whose chain is empty
    is not swept (there is nothing to gain), and the walk finds the event."""
    db = str(tmp_path / "empty.db")
    with open_store(Settings(db=db)):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO stored_events(rowid, originator_id, originator_version, topic, state) "
            "VALUES (0, 'campaign', 1, 'campaign.domain:Campaign.Opened', x'7b7d')"
        )
    result = check(db)
    assert (result.ok, result.position) == (False, 1)
    assert "under the id 0" in str(result.problem)


def test_an_id_that_is_not_utf8_is_not_swept_even_rechained_over_its_bytes(
    demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TEXT bytes that are not UTF-8 cannot be read back as text (the walk, and every
    command, fails on them): the sweep, which reads the id's bytes, does not pass them."""
    from campaign.store.backends import sqlite as backend

    def raw(oid: bytes, version: int, topic: str, state: bytes) -> bytes | None:
        return Sweep(checks.Walk(None, ())).framed(oid, version, topic, state)  # as it reads

    monkeypatch.setattr(backend, "entry", raw)
    with attacker(demo) as conn:
        conn.execute(
            "UPDATE stored_events SET originator_id = CAST(x'ff' || originator_id AS TEXT) "
            "WHERE rowid = 30"
        )
        rows = conn.execute(
            "SELECT rowid, CAST(originator_id AS BLOB), originator_version, topic, state "
            "FROM stored_events ORDER BY rowid"
        ).fetchall()
        conn.execute("DELETE FROM event_chain")
        conn.execute("DELETE FROM event_tree")
        backend.extend(conn.cursor(), 0, GENESIS, [r[0] for r in rows], [r[1:] for r in rows])
    assert swept(demo) is None
    with pytest.raises((sqlite3.OperationalError, StoreError), match="Could not decode"):
        check(demo)


def test_a_tree_node_inserted_at_an_odd_middle_is_caught_by_two_halves_too(demo: str) -> None:
    """47 events: the halves part at 23, after which no node is due."""
    with attacker(demo) as conn:
        cut(conn, 47)
        conn.execute("INSERT INTO event_tree VALUES (23, ?)", (bytes(32),))
    assert swept(demo) is None
    result = check(demo)
    assert (result.ok, result.position) == (False, 23)
    assert "node at position 23, where no event completes one (inserted)" in str(result.problem)


def test_the_engines_form_is_its_own_tables_in_a_utf8_file(demo: str, tmp_path: Path) -> None:
    from campaign.store.backends.sqlite import SQLiteLogReader

    def in_form(db: str) -> bool:
        reader = SQLiteLogReader(db)
        try:
            return reader.in_engine_form()
        finally:
            reader.close()

    assert in_form(demo)
    utf16 = str(tmp_path / "utf16.db")
    with sqlite3.connect(utf16) as conn, sqlite3.connect(demo) as source:
        conn.execute("PRAGMA encoding = 'UTF-16le'")
        for name, statement in source.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        ).fetchall():
            conn.execute(statement)
            rows = source.execute(f"SELECT * FROM {name}").fetchall()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    assert not in_form(utf16)
    with attacker(demo) as conn:  # the chain's ids no longer unique
        conn.execute("ALTER TABLE event_chain RENAME TO old_chain")
        conn.execute(
            "CREATE TABLE event_chain (position INTEGER PRIMARY KEY, notification_id INTEGER "
            "NOT NULL, hash BLOB NOT NULL)"
        )
        conn.execute("INSERT INTO event_chain SELECT * FROM old_chain")
        conn.execute("DROP TABLE old_chain")
        conn.execute(
            "INSERT INTO event_chain SELECT -1, 30, hash FROM event_chain WHERE position = 30"
        )
    assert not in_form(demo)
    assert swept(demo) is None
    assert not check(demo).ok


@pytest.mark.parametrize("shift", [1, 5])
def test_a_log_whose_ids_were_rewritten_below_1_is_named_though_its_links_match(
    demo: str, shift: int
) -> None:
    """The ids are not hashed: a log renumbered from 1 - shift, its links moved with it,
    matches its chain and a digest kept outside, but the engine reads events from id 1."""
    kept = check(demo).digest
    with attacker(demo) as conn:
        for table, column in (("stored_events", "rowid"), ("event_chain", "notification_id")):
            conn.execute(f"UPDATE {table} SET {column} = {column} + 1000000")
            conn.execute(f"UPDATE {table} SET {column} = {column} - 1000000 - ?", (shift,))
    for result in (check(demo), check(demo, kept)):
        assert (result.ok, result.position) == (False, 1)
        assert f"under the id {1 - shift}, linked in the chain" in str(result.problem)


def test_a_tree_node_past_the_last_event_is_not_swept(demo: str) -> None:
    with attacker(demo) as conn:
        conn.execute("INSERT INTO event_tree VALUES (?, ?)", (EVENTS + 1, bytes(32)))
    assert swept(demo) is None
    result = check(demo)
    assert (result.ok, result.position) == (False, EVENTS + 1)
    assert "past the last event" in str(result.problem)


@pytest.mark.parametrize(
    ("change", "position"),
    [
        ("UPDATE event_chain SET hash = hex(hash) WHERE position = 30", 30),
        ("UPDATE event_chain SET hash = 30 WHERE position = 30", 30),
        ("UPDATE stored_events SET state = NULL WHERE rowid = 30", 30),
        ("UPDATE stored_events SET state = 1000000000000000 WHERE rowid = 30", 30),
        ("UPDATE event_tree SET nodes = hex(nodes) WHERE position = 30", 29),
        # at the middle, where two processes part, and at the head
        ("UPDATE stored_events SET state = NULL WHERE rowid = 24", 24),
        ("UPDATE stored_events SET state = 1000000000000000 WHERE rowid = 24", 24),
        ("UPDATE event_chain SET hash = 1000000000000000 WHERE position = 24", 24),
        ("UPDATE event_chain SET hash = 1000000000000000 WHERE position = 49", 49),
        ("UPDATE event_tree SET nodes = 1000000000000000 WHERE position = 48", 47),
    ],
)
def test_a_value_of_another_type_is_named_not_an_unexpected_error(
    demo: str, change: str, position: int
) -> None:
    with attacker(demo) as conn:
        conn.execute(change)
    result = check(demo)
    assert (result.ok, result.position) == (False, position)

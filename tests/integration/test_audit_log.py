"""`audit log` reads only the events its filter may pass (SPEC §7): the store compares the
bytes of each event's topic and state with the filter's type, project and actor, and the rest
are never decoded. What it lists is exactly what decoding every event and filtering would list,
on both backends, with the same positions, for any span of positions."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from typing import TYPE_CHECKING, Any

import psycopg
import psycopg.sql
import pytest

from campaign import Settings, open_engine, open_store
from campaign.app.scenario import load
from campaign.audit.log import LogFilter, log_entries
from campaign.store.backends.sqlite import SQLiteLogReader
from scenarios.generator import generate
from tests.forger import attacker, rechain
from tests.integration.demo import DEMO, LATER, loaded

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


FILTERS = [
    LogFilter(),
    LogFilter(project="DM-001"),
    LogFilter(project="DM-00"),  # a code that is part of others, and names none
    LogFilter(project="DM-999"),
    LogFilter(types=("Reported",)),
    LogFilter(types=("Corrected", "FactorRequest.Filed")),
    LogFilter(actor="DM-003项目部"),
    LogFilter(actor='a "quoted" name'),
    LogFilter(project="DM-002", types=("Reported",), actor="DM-002项目部"),
    LogFilter(project="DM-001", date_from=dt.date(2020, 5, 1), date_to=dt.date(2020, 6, 30)),
]


@pytest.fixture
def demo(any_db: str) -> str:
    return loaded(any_db)


def every_entry(db: str, where: LogFilter) -> list[dict[str, Any]]:
    """What decoding every event and filtering lists (the unfiltered read, then the filter)."""
    with open_store(Settings(db=db), create=False) as store:
        return [e for e in log_entries(store, LogFilter()) if where.matches(e)]


def entries(db: str, where: LogFilter, **span: Any) -> list[dict[str, Any]]:
    with open_store(Settings(db=db), create=False) as store:
        return list(log_entries(store, where, **span))


@pytest.mark.parametrize("where", FILTERS, ids=repr)
def test_a_filter_lists_what_filtering_every_event_lists(demo: str, where: LogFilter) -> None:
    listed = entries(demo, where)
    assert listed == every_entry(demo, where)
    assert [e["position"] for e in entries(demo, LogFilter())] == list(range(1, 50))


def test_the_filters_pass_over_events_and_find_some(demo: str) -> None:
    """The cases above are not empty by accident: each filter but the impossible finds; and
    the store passes over events, not only the filter after it."""
    found = {repr(where): len(entries(demo, where)) for where in FILTERS}
    assert found[repr(LogFilter())] == 49
    assert sum(1 for n in found.values() if 0 < n < 49) == 6
    with open_store(Settings(db=demo), create=False) as store:
        reader = store.reader()
        try:
            for where in (LogFilter(project="DM-001"), LogFilter(types=("Corrected",))):
                read = [
                    row
                    for batch in reader.candidates(0, None, where.types, where.words())
                    for row in batch
                ]
                assert len(entries(demo, where)) <= len(read) < 49  # the store passed some over
        finally:
            reader.close()


def spans() -> Iterator[tuple[int, int | None]]:
    yield from itertools.chain([(0, None), (0, 49), (48, 49), (49, None)], [(5, 17), (30, 31)])


@pytest.mark.parametrize(("after", "upto"), list(spans()))
def test_a_span_of_positions_lists_its_events_with_their_positions(
    demo: str, after: int, upto: int | None
) -> None:
    for where in (LogFilter(), LogFilter(project="DM-001")):
        listed = entries(demo, where, after=after, upto=upto)
        expected = [
            e
            for e in every_entry(demo, where)
            if after < e["position"] and (upto is None or e["position"] <= upto)
        ]
        assert listed == expected


def test_a_state_that_escapes_its_code_is_still_found(sqlite_db: str) -> None:
    """JSON may spell a character as \\uXXXX: such a state is read and decoded, never passed
    over for not holding the code's bytes."""
    with open_engine(Settings(db=sqlite_db, clock=LATER)) as engine:
        load(engine, DEMO, actor="loader")
    before = entries(sqlite_db, LogFilter(project="DM-001"))
    with attacker(sqlite_db) as conn:
        conn.execute(
            'UPDATE stored_events SET state = replace(state, \'"code":"DM-001"\', '
            '\'"code":"\\u0044M-001"\')'
        )
        rechain(conn)
    with open_store(Settings(db=sqlite_db), create=False) as store:
        reader = store.reader()
        try:
            (state,) = reader.event_at(before[0]["position"])[3:]
        finally:
            reader.close()
    assert b"DM-001" not in state.split(b'"code"')[1][:12]
    assert entries(sqlite_db, LogFilter(project="DM-001")) == before
    assert json.loads(state)["code"] == "DM-001"


def test_many_matches_are_read_within_a_store_allowing_few_parameters(
    tmp_path: Path,
) -> None:
    """SQLite before 3.32 allows 999 parameters a statement: a type that matches thousands
    of events is read a few hundred ids at a time."""
    scenario = tmp_path / "g.jsonl"
    with scenario.open("w", encoding="utf-8") as handle:
        generate(handle, projects=40, seed=3)
    db = str(tmp_path / "g.db")
    with open_engine(Settings(db=db, clock=LATER)) as engine:
        load(engine, scenario, actor="t")
    with open_store(Settings(db=db), create=False) as store:
        reader = store.reader()
        try:
            assert isinstance(reader, SQLiteLogReader)
            reader.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
            found = [
                row for batch in reader.candidates(0, 2**62, ["Reported"], []) for row in batch
            ]
        finally:
            reader.close()
    assert len(found) > 1_000
    listed = [e for e in entries(db, LogFilter()) if e["type"] == "DailyReport.Reported"]
    assert [(row[0], row[1]) for row in found] == [(e["position"], e["aggregate"]) for e in listed]


@pytest.mark.postgres
def test_a_server_reading_backslashes_in_strings_the_old_way_lists_the_same(
    postgres_db: str,
) -> None:
    with open_engine(Settings(db=postgres_db, clock=LATER)) as engine:
        load(engine, DEMO, actor="loader")
    where = LogFilter(project="DM-001")
    before = entries(postgres_db, where)
    with psycopg.connect(postgres_db, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        assert name is not None
        conn.execute(
            psycopg.sql.SQL("ALTER DATABASE {} SET standard_conforming_strings = off").format(
                psycopg.sql.Identifier(name[0])
            )
        )
    assert before and entries(postgres_db, where) == before

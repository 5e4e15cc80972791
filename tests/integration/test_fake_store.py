"""The in-memory store of the rule tests (tests/fakes.py) against the real ones: the same
commands leave the same stored events and read back the same aggregates, a failed unit of work
leaves nothing on either, a nested write is refused by both, and an exported log imports into
it event for event."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from campaign import (
    CampaignError,
    Engine,
    FixedClock,
    Settings,
    StoreError,
    open_engine,
    parse_command,
)
from campaign.audit.transfer import export, import_log
from campaign.domain.campaign import Campaign
from campaign.domain.factor import FactorKey, FactorRequest
from campaign.domain.project import Project
from campaign.domain.report import DailyReport
from tests.conftest import Harness, stored_events
from tests.fakes import MemoryStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from campaign.domain.events import Aggregate


def play(h: Harness) -> list[str]:
    """One of each command (and a refused one, and a repeat) on a fresh store; the ids of the
    aggregates it made."""
    h.open()
    h.register()
    h.register(code="ZZ-002", category="continuing", planned_start="2019-05-01")
    h.run("report_progress", code="ZZ-001", date="2020-04-16", investment="120.5", funds=30)
    h.run("report_progress", code="ZZ-001", date="2020-04-16", investment="120.50", funds=30)
    h.run("correct_progress", code="ZZ-001", date="2020-04-16", investment=99, reason="核对")
    h.run("reach_milestone", code="ZZ-001", milestone="signed", date="2020-02-01")
    h.run("revise_plan", code="ZZ-001", annual_plan="12000", date="2020-06-15", reason="年中")
    request = h.run(
        "file_factor", code="ZZ-001", category="land", detail="供地", date="2020-04-30", key="k"
    ).id
    h.run("extend_factor", id=request, due="2020-06-30", date="2020-05-06", reason="报批")
    h.run("escalate_factor", id=request, level=2, date="2020-05-20", note="约谈")
    h.run("resolve_factor", id=request, outcome="fulfilled", date="2020-06-01", note="办结")
    h.run("terminate_project", code="ZZ-002", date="2020-06-20", reason="撤资")
    with pytest.raises(CampaignError):
        h.run("report_progress", code="ZZ-404", date="2020-04-16", investment="1")
    return [
        Campaign.ID,
        Project.id_for("ZZ-001"),
        Project.id_for("ZZ-002"),
        DailyReport.id_for("ZZ-001", dt.date(2020, 4, 16)),
        FactorRequest.id_for(request),
        FactorKey.id_for("k"),
    ]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, clock: FixedClock) -> Iterator[Engine]:
    """An engine on an empty store of each kind: the in-memory one and both real ones."""
    if request.param == "memory":
        opened = Engine(MemoryStore(), clock)
    else:
        db: str = request.getfixturevalue(f"{request.param}_db")
        opened = open_engine(Settings(db=db, clock=clock))
    with opened:
        yield opened


def test_the_same_commands_keep_the_same_events_and_aggregates(
    any_db: str, clock: FixedClock
) -> None:
    memory = Harness(Engine(MemoryStore(), FixedClock(clock.at)))
    ids = play(memory)
    with open_engine(Settings(db=any_db, clock=clock)) as engine:
        real = Harness(engine)
        assert play(real) == ids
        # a shared store records the database role, with the actor as its display name
        role = real.store.actor_for("")
        shown = [
            (kind, state | {"actor": state["actor"].removeprefix(f"{role} (").removesuffix(")")})
            if role
            else (kind, state)
            for kind, state in stored_events(real.store)
        ]
        assert stored_events(memory.store) == shown
        assert memory.store.head() == real.store.head() == len(stored_events(real.store))
        assert memory.store.last_recorded() == real.store.last_recorded()
        assert memory.store.count_by_topic() == real.store.count_by_topic()
        for aggregate_id in ids:
            found = real.store.get(aggregate_id)
            assert found is not None
            assert memory.store.get(aggregate_id) == found
        assert memory.store.get("project:ZZ-404") is real.store.get("project:ZZ-404") is None
        many = real.store.get_many([*ids, "project:ZZ-404"])
        assert list(many) == sorted(ids)
        assert all(many[i] == real.store.get(i) for i in ids)
        assert memory.store.get_many([*ids, "project:ZZ-404"]) == many


def test_get_many_reads_the_writers_own_events_and_many_ids_at_once(engine: Engine) -> None:
    opening = {"name": "x", "year": 2020, "start": "2020-03-23", "end": "2020-06-30"}
    engine.execute(parse_command("open_campaign", opening), actor="t")
    codes = [f"P-{i:04d}" for i in range(1200)]  # more ids than one SQLite query takes
    with engine.unit_of_work() as work:
        at = engine.recorded_now()
        for code in codes:
            work.run(parse_command("register_project", _project(code)), at, "t")
        work.flush()
        found = engine.store.get_many([Project.id_for(c) for c in codes] + ["project:none"])
    assert len(found) == len(codes)
    project = found[Project.id_for("P-0042")]
    assert isinstance(project, Project)
    assert project.code == "P-0042"


def test_a_preloaded_unit_asks_the_store_nothing_more(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    opening = {"name": "x", "year": 2020, "start": "2020-03-23", "end": "2020-06-30"}
    engine.execute(parse_command("open_campaign", opening), actor="t")
    engine.execute(parse_command("register_project", _project("A-1")), actor="t")
    report = parse_command(
        "report_progress", {"code": "A-1", "date": "2020-06-30", "investment": 1}
    )
    day = DailyReport.id_for("A-1", dt.date(2020, 6, 30))
    asked: list[str] = []
    real_get = engine.store.get

    def get(aggregate_id: str) -> Aggregate | None:
        asked.append(aggregate_id)
        return real_get(aggregate_id)

    with engine.unit_of_work() as work:
        work.session.preload([Campaign.ID, Project.id_for("A-1"), day])
        monkeypatch.setattr(engine.store, "get", get)
        assert work.run(report, engine.recorded_now(), "t").appended == 1
        work.flush()
        # made by this unit: no longer known to be absent, and found after the flush
        assert work.session.find(DailyReport, day) is not None
    assert asked == []


def _project(code: str) -> dict[str, str]:
    return {
        "code": code,
        "name": "n",
        "sector": "lithium",
        "category": "new",
        "unit": "u",
        "leader": "l",
        "total_investment": "10",
        "annual_plan": "5",
        "date": "2020-03-23",
    }


def test_a_unit_of_work_that_fails_leaves_nothing_even_after_a_flush(engine: Engine) -> None:
    opening = {"name": "x", "year": 2020, "start": "2020-03-23", "end": "2020-06-30"}
    engine.execute(parse_command("open_campaign", opening), actor="t")
    before = engine.store.head()
    register = parse_command(
        "register_project",
        {
            "code": "A-1",
            "name": "n",
            "sector": "lithium",
            "category": "new",
            "unit": "u",
            "leader": "l",
            "total_investment": "10",
            "annual_plan": "5",
            "date": "2020-03-23",
        },
    )
    with pytest.raises(RuntimeError, match="after the flush"), engine.unit_of_work() as work:
        work.run(register, engine.recorded_now(), "t")
        assert work.flush() == 1
        assert engine.store.head() == before + 1  # the writer sees its own events
        raise RuntimeError("after the flush")
    assert engine.store.head() == before
    assert engine.store.get(Project.id_for("A-1")) is None


def test_a_nested_write_is_refused(engine: Engine) -> None:
    with (
        engine.store.writing(),
        pytest.raises(StoreError, match="already in progress"),
        engine.store.writing(),
    ):
        pass
    with engine.store.writing():  # the outer write ended cleanly: the lock is free again
        pass


def test_an_exported_log_imports_into_memory_event_for_event(
    opened: Harness, tmp_path: Path
) -> None:
    opened.run("report_progress", code="ZZ-001", date="2020-04-16", investment="1")
    with (tmp_path / "log.jsonl").open("wb") as out:
        exported = export(opened.store, out)
    memory = MemoryStore()
    with (tmp_path / "log.jsonl").open("rb") as handle:
        imported = import_log(memory, iter(handle))
    assert imported.digest == exported.digest
    assert memory.stored_states() == stored_events(opened.store)
    assert memory.get(Project.id_for("ZZ-001")) == opened.store.get(Project.id_for("ZZ-001"))

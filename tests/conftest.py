"""Shared fixtures: a store on a temporary SQLite file or a throwaway PostgreSQL database, an
engine with a fixed clock, and the 2020 campaign calendar."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING, Any

import pytest

from campaign import Engine, FixedClock, Store, parse_command
from scenarios import generator
from tests import postgres_server

if TYPE_CHECKING:
    from collections.abc import Iterator

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# The official 2020 calendar (国务院办公厅 notice, the Spring Festival extended for COVID).
HOLIDAYS_2020 = list(generator.HOLIDAYS_2020)
WORKDAYS_2020 = list(generator.WORKDAYS_2020)

CAMPAIGN_2020: dict[str, Any] = {
    "name": "枣庄高新区百日会战 2020",
    "year": 2020,
    "start": "2020-03-23",
    "end": "2020-06-30",
    "checkpoints": ["2020-04-30", "2020-05-31", "2020-06-30"],
    "holidays": HOLIDAYS_2020,
    "workdays": WORKDAYS_2020,
    "sla_days": {"land": 20, "approval": 7, "power": 10},
    "targets": [{"name": "固定资产投资", "kind": "fixed_asset_investment", "goal": 1000000}],
}

PROJECT: dict[str, Any] = {
    "code": "ZZ-001",
    "name": "锂电池正极材料项目",
    "sector": "lithium",
    "category": "new",
    "unit": "区招商局",
    "leader": "张三",
    "total_investment": "50000",
    "annual_plan": "15000",
    "date": "2020-01-06",
    "planned_start": "2020-04-15",
    "planned_completion": "2021-06-30",
    "industrial": True,
}


def at(text: str) -> dt.datetime:
    """A Shanghai wall-clock time, e.g. at('2020-07-10 10:00')."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Harness:
    """An engine on a store, with a clock the test moves, and shortcuts to run commands."""

    def __init__(self, store: Store, clock: FixedClock) -> None:
        self.store = store
        self.clock = clock
        self.engine = Engine(store, clock)

    def run(self, cmd: str, actor: str = "tester", **fields: Any) -> Any:
        self.clock.advance(seconds=1)
        return self.engine.execute(parse_command(cmd, fields), actor=actor)

    def events(self) -> int:
        return self.store.head()

    def open(self, **changes: Any) -> Any:
        return self.run("open_campaign", **(CAMPAIGN_2020 | changes))

    def register(self, **changes: Any) -> Any:
        return self.run("register_project", **(PROJECT | changes))


_db_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[postgres_server.PostgresServer]:
    server = postgres_server.start()
    if isinstance(server, str):
        pytest.skip(server)
    yield server
    server.stop()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at("2020-07-10 10:00"))


@pytest.fixture
def sqlite_db(tmp_path: Any) -> str:
    return str(tmp_path / "campaign.db")


@pytest.fixture
def postgres_db(postgres: postgres_server.PostgresServer) -> str:
    return postgres.create_database(f"campaign_test_{next(_db_names)}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> str:
    """A fresh store on each backend."""
    name = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    db: str = request.getfixturevalue(name)
    return db


@pytest.fixture
def harness(sqlite_db: str, clock: FixedClock) -> Iterator[Harness]:
    store = Store(sqlite_db)
    yield Harness(store, clock)
    store.close()


@pytest.fixture
def opened(harness: Harness) -> Harness:
    """A store with the 2020 campaign open and project ZZ-001 registered on 2020-01-06."""
    harness.open()
    harness.register()
    return harness


def stored_events(store: Store, after: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """The events stored after position `after`, in log order: (type, e.g. 'Project.Registered',
    and the decoded stored state)."""
    import orjson

    head = store.head()
    if head <= after:
        return []
    found = store.recorder.select_notifications(start=after + 1, limit=head - after)
    return [(n.topic.rpartition(":")[2], orjson.loads(n.state)) for n in found]

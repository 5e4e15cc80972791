"""Shared fixtures: an engine with a fixed clock on the in-memory store (tests/fakes.py), on a
temporary SQLite file or on a throwaway PostgreSQL database, and the 2020 campaign calendar.

`harness` and `opened` run the engine on the in-memory store (the rules, tests/app);
`sqlite_harness` and `sqlite_opened` on a SQLite file (tests that look at the file itself);
`any_db` names a fresh store on each backend, to open with `open_engine(Settings(...))`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from campaign import (
    Engine,
    FixedClock,
    Settings,
    Store,
    open_engine,
    open_store,
    parse_command,
)
from campaign.domain import calendar
from tests import postgres_server
from tests.fakes import MemoryStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from campaign.app.ports import EventStore

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# The official 2020 calendar (国务院办公厅 notice, the Spring Festival extended for COVID).
HOLIDAYS_2020 = [d.isoformat() for d in calendar.HOLIDAYS_2020]
WORKDAYS_2020 = [d.isoformat() for d in calendar.WORKDAYS_2020]

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

    def __init__(self, engine: Engine) -> None:
        if not isinstance(engine.clock, FixedClock):
            raise TypeError("a harness moves its engine's clock: give the engine a FixedClock")
        self.engine = engine
        self.store: EventStore = engine.store
        self.clock: FixedClock = engine.clock

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


@pytest.fixture(scope="session", autouse=True)
def snapshot_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The key that authenticates projection snapshots, made in the session's own folder
    rather than in the user's configuration folder."""
    before = os.environ.get("CAMPAIGN_CACHE_KEY")
    os.environ["CAMPAIGN_CACHE_KEY"] = str(tmp_path_factory.mktemp("keys") / "cache.key")
    yield
    if before is None:
        os.environ.pop("CAMPAIGN_CACHE_KEY", None)
    else:
        os.environ["CAMPAIGN_CACHE_KEY"] = before


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
    """A fresh database with the campaign's schema, made by its owner (`admin init`)."""
    url = postgres.create_database(f"campaign_test_{next(_db_names)}")
    open_store(Settings(db=url), mode="init").close()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> str:
    """A fresh store on each backend."""
    name = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    db: str = request.getfixturevalue(name)
    return db


@pytest.fixture
def harness(clock: FixedClock) -> Harness:
    """The engine on an empty in-memory store (tests/fakes.py)."""
    return Harness(Engine(MemoryStore(), clock))


@pytest.fixture
def opened(harness: Harness) -> Harness:
    """An in-memory store with the 2020 campaign open and project ZZ-001 registered on
    2020-01-06."""
    harness.open()
    harness.register()
    return harness


@pytest.fixture
def sqlite_harness(sqlite_db: str, clock: FixedClock) -> Iterator[Harness]:
    """The engine on an empty SQLite store (the file `sqlite_db`)."""
    with open_engine(Settings(db=sqlite_db, clock=clock)) as engine:
        yield Harness(engine)


@pytest.fixture
def sqlite_opened(sqlite_harness: Harness) -> Harness:
    """`opened`, on the SQLite store `sqlite_db`."""
    sqlite_harness.open()
    sqlite_harness.register()
    return sqlite_harness


def stored_events(store: EventStore, after: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """The events stored after position `after`, in log order: (type, e.g. 'Project.Registered',
    and the decoded stored state)."""
    if isinstance(store, MemoryStore):
        return store.stored_states(after)
    if not isinstance(store, Store):
        raise TypeError(f"cannot list the events of a {type(store).__name__}")
    reader = store.reader()
    try:
        _, last_id, _ = reader.head()
        after_id, _ = reader.chain_at(after)
        rows = [row for batch in reader.batches(after_id, last_id) for row in batch]
    finally:
        reader.close()
    return [(str(topic).rpartition(":")[2], orjson.loads(state)) for topic, state in rows]

"""The shared store: the database itself enforces who may write what, as whom and when, with
real login roles on a real PostgreSQL server; no output ever shows a password."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from getpass import getuser
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest

from campaign import FixedClock, Refused, Settings, StoreError, open_engine, parse_command
from campaign.app.admin import grant
from tests.conftest import CAMPAIGN_2020, PROJECT

if TYPE_CHECKING:
    from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres

CAMPAIGN = str(Path(sys.executable).parent / "campaign")
TEAM, OTHER, OFFICE, AUDITOR = "zz_team_001", "zz_team_002", "zz_office", "zz_audit"


def as_role(url: str, role: str, password: str | None = None) -> str:
    """The same database, as another login role."""
    rest = url.split("@", 1)[1]
    return f"postgresql://{role}{':' + password if password else ''}@{rest}"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CAMPAIGN_", "PG"))}
    return subprocess.run(
        [CAMPAIGN, *args],
        capture_output=True,
        text=True,
        env=environment | (env or {}),
        check=False,
    )


def events(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM campaign_events").fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture
def shared(postgres: PostgresServer, postgres_db: str) -> str:
    """An initialised store with the 2020 campaign, ZZ-001 and ZZ-002, and four roles."""
    postgres.create_roles(TEAM, OTHER, OFFICE, AUDITOR)
    at = dt.datetime(2020, 7, 10, 10, tzinfo=dt.UTC)
    with open_engine(Settings(db=postgres_db, clock=FixedClock(at))) as engine:
        engine.execute(parse_command("open_campaign", CAMPAIGN_2020), actor="owner")
        for code in ("ZZ-001", "ZZ-002"):
            command = parse_command("register_project", PROJECT | {"code": code})
            engine.execute(command, actor="owner")
        grant(engine, TEAM, "team", ("ZZ-001",), actor="owner")
        grant(engine, OTHER, "team", ("ZZ-002",), actor="owner")
        grant(engine, OFFICE, "office", (), actor="owner")
        grant(engine, AUDITOR, "auditor", (), actor="owner")
    return postgres_db


def report(code: str, day: str = "2020-06-29") -> list[str]:
    return ["progress", "report", code, "--date", day, "--investment", "5"]


def test_a_team_appends_its_projects_events_recorded_as_its_role(shared: str) -> None:
    done = cli(*report("ZZ-001"), "--db", as_role(shared, TEAM), "--actor", "张三", "--json")
    assert done.returncode == 0, done.stderr
    with psycopg.connect(shared) as conn:
        row = conn.execute(
            "SELECT convert_from(state, 'UTF8')::jsonb ->> 'actor', "
            "(convert_from(state, 'UTF8')::jsonb ->> 'timestamp')::timestamptz "
            "FROM campaign_events ORDER BY notification_id DESC LIMIT 1"
        ).fetchone()
        assert row is not None
        actor, recorded = row
        now = conn.execute("SELECT now()").fetchone()
        assert now is not None
    assert actor == f"{TEAM} (张三)"
    assert abs((now[0] - recorded).total_seconds()) < 60  # the server's clock


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (report("ZZ-002"), f"project=ZZ-002: role {TEAM} records only for its projects (ZZ-001)"),
        (
            [
                "project",
                "register",
                "--code",
                "ZZ-009",
                "--name",
                "x",
                "--sector",
                "other",
                "--category",
                "new",
                "--unit",
                "u",
                "--leader",
                "l",
                "--total-investment",
                "1",
                "--annual-plan",
                "1",
                "--date",
                "2020-03-01",
            ],
            f"role={TEAM}: a project team records its projects' daily reports, corrections, "
            "milestones and factor requests, not Project.Registered",
        ),
        (["admin", "grant", TEAM, "--as", "office"], "only the store's owner does"),
    ],
)
def test_a_team_is_refused_what_is_not_its_own_in_one_line(
    shared: str, args: list[str], refusal: str
) -> None:
    before = events(shared)
    done = cli(*args, "--db", as_role(shared, TEAM))
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert refusal in line
    assert events(shared) == before


def test_a_teams_forged_insert_typed_in_psql_is_refused_by_the_database(
    postgres: PostgresServer, shared: str
) -> None:
    before = events(shared)
    state = (
        '{"code":"ZZ-002","actor":"zz_team_001","date":"2020-06-28","investment_yuan":1,'
        '"timestamp":"' + dt.datetime.now(dt.UTC).isoformat(timespec="microseconds") + '"}'
    )
    done = postgres.psql(
        as_role(shared, TEAM),
        "INSERT INTO campaign_events (originator_id, originator_version, topic, state) "
        "VALUES ('report:ZZ-002:2020-06-28', 1, 'campaign.domain:DailyReport.Reported', "
        f"convert_to('{state}', 'UTF8'))",
    )
    assert done.returncode != 0
    assert "may not append events of project ZZ-002" in done.stderr
    # and as another actor, or with a time of its own, even for its own project
    for forged, reason in (
        (state.replace("ZZ-002", "ZZ-001").replace('"zz_team_001"', '"zz_office"'), "only as"),
        (
            state.replace("ZZ-002", "ZZ-001").replace('"timestamp":"20', '"timestamp":"21'),
            "is not the server's clock",
        ),
    ):
        done = postgres.psql(
            as_role(shared, TEAM),
            "INSERT INTO campaign_events (originator_id, originator_version, topic, state) "
            "VALUES ('report:ZZ-001:2020-06-28', 1, 'campaign.domain:DailyReport.Reported', "
            f"convert_to('{forged}', 'UTF8'))",
        )
        assert done.returncode != 0 and reason in done.stderr, done.stderr
    assert events(shared) == before


def test_a_team_cannot_write_the_chain_or_change_an_event(
    postgres: PostgresServer, shared: str
) -> None:
    for sql in (
        "INSERT INTO campaign_events_chain VALUES (999, 999, 'x')",
        "UPDATE campaign_events SET topic = 'x' WHERE notification_id = 1",
        "DELETE FROM campaign_events_access",
    ):
        done = postgres.psql(as_role(shared, TEAM), sql)
        assert done.returncode != 0 and "permission denied" in done.stderr, sql


def test_the_office_cannot_disable_a_trigger_or_rewrite_an_event(
    postgres: PostgresServer, shared: str
) -> None:
    office = as_role(shared, OFFICE)
    done = postgres.psql(office, "ALTER TABLE campaign_events DISABLE TRIGGER ALL")
    assert done.returncode != 0 and "must be owner" in done.stderr
    done = postgres.psql(office, "UPDATE campaign_events SET topic = 'x'")
    assert done.returncode != 0
    # but it runs every command
    assert cli(*report("ZZ-002"), "--db", office).returncode == 0


def test_an_auditor_reads_everything_and_writes_nothing(
    postgres: PostgresServer, shared: str
) -> None:
    auditor = as_role(shared, AUDITOR)
    before = events(shared)
    for args in (
        ["status"],
        ["checkpoint", "--as-of", "2020-06-30", "--json"],
        ["replay", "--as-of", "2020-06-30", "--json"],
        ["audit", "verify"],
        ["audit", "log", "--json"],
        ["export", "-"],
    ):
        done = cli(*args, "--db", auditor)
        assert done.returncode == 0, (args, done.stderr)
    done = cli(*report("ZZ-001"), "--db", auditor)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "reads only" in line
    typed = postgres.psql(auditor, "INSERT INTO campaign_events (originator_id) VALUES ('x')")
    assert typed.returncode != 0 and "permission denied" in typed.stderr
    assert events(shared) == before


def test_a_role_without_access_is_refused_clearly(postgres: PostgresServer, shared: str) -> None:
    postgres.create_roles("zz_stranger")
    done = cli("status", "--db", as_role(shared, "zz_stranger"))
    assert done.returncode == 1
    assert "may not read the campaign store" in done.stderr


def test_a_client_clock_that_runs_fast_cannot_stamp_the_log(shared: str) -> None:
    fast = dt.datetime.now(dt.UTC) + dt.timedelta(days=25)
    settings = Settings(db=as_role(shared, TEAM), clock=FixedClock(fast))
    with open_engine(settings) as engine, pytest.raises(StoreError, match="server's clock"):
        fields = {"code": "ZZ-001", "date": "2020-06-20", "investment": "1"}
        command = parse_command("report_progress", fields)
        engine.execute(command, actor="t")


def test_a_revoked_team_can_no_longer_append(shared: str) -> None:
    owner = shared
    assert cli("admin", "revoke", TEAM, "--db", owner).returncode == 0
    done = cli(*report("ZZ-001"), "--db", as_role(shared, TEAM))
    assert done.returncode == 1
    log = cli("audit", "log", "--type", "Access.Revoked", "--json", "--db", owner)
    assert TEAM in log.stdout


def test_only_known_kinds_and_existing_roles_are_granted(shared: str) -> None:
    with (
        pytest.raises(Refused, match="a team is granted its projects"),
        open_engine(Settings(db=shared)) as engine,
    ):
        grant(engine, TEAM, "team", (), actor="owner")
    done = cli("admin", "grant", "nobody_here", "--as", "office", "--db", shared)
    assert done.returncode == 1 and "does not exist" in done.stderr


def test_a_password_never_shows_and_pgpassword_works(postgres: PostgresServer, shared: str) -> None:
    postgres.create_password_role("zz_pw_office", "s3cret-pw")
    with open_engine(Settings(db=shared)) as engine:
        grant(engine, "zz_pw_office", "office", (), actor="owner")
    with_password = as_role(shared, "zz_pw_office", "s3cret-pw")
    without = as_role(shared, "zz_pw_office")
    outputs = [
        cli("status", "--db", with_password),
        cli("status", "--json", "--db", with_password),
        cli(*report("ZZ-002", "2020-06-20"), "--db", with_password),
        cli("status", "--db", as_role(shared, "zz_pw_office", "wrong-pw")),
        cli("status", "--db", with_password.replace("/campaign_test", "/no_such_db")),
    ]
    assert [o.returncode for o in outputs] == [0, 0, 0, 1, 1]
    for done in outputs:
        assert "s3cret-pw" not in done.stdout + done.stderr
        assert "wrong-pw" not in done.stdout + done.stderr
    assert cli("status", "--db", without, env={"PGPASSWORD": "s3cret-pw"}).returncode == 0
    assert cli("status", "--db", without).returncode == 1  # no password at all


def test_an_uninitialised_or_old_store_is_refused_naming_the_fix(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    bare = postgres.create_database(f"campaign_bare_{os.getpid()}_{time.monotonic_ns()}")
    done = cli("status", "--db", bare)
    assert done.returncode == 1 and "campaign admin init" in done.stderr
    assert cli("admin", "init", "--db", bare).returncode == 0
    again = cli("admin", "init", "--db", bare)
    assert again.returncode == 1 and "already initialised" in again.stderr
    with psycopg.connect(bare, autocommit=True) as conn:
        conn.execute("UPDATE campaign_events_schema SET version = 1")
    old = cli("status", "--db", bare)
    assert old.returncode == 1 and "campaign admin migrate" in old.stderr
    assert cli("admin", "migrate", "--db", bare).returncode == 0
    assert cli("status", "--db", bare).returncode == 0


def sheet(folder: Path, *codes: str) -> str:
    path = folder / f"调度表-{len(codes)}.csv"
    rows = [f"{code},2020-06-29,{n}\n" for n, code in enumerate(codes, 5)]
    path.write_text("项目编号,日期,本日完成投资(万元)\n" + "".join(rows), encoding="utf-8")
    return str(path)


def test_a_sheet_is_imported_as_the_role_within_its_rights(shared: str, tmp_path: Path) -> None:
    both = sheet(tmp_path, "ZZ-001", "ZZ-002")
    before = events(shared)
    done = cli("progress", "import", both, "--db", as_role(shared, TEAM), "--actor", "张三")
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "row 3" in line and f"role {TEAM} records only for its projects (ZZ-001)" in line
    assert events(shared) == before
    done = cli("progress", "import", sheet(tmp_path, "ZZ-001"), "--db", as_role(shared, TEAM))
    assert done.returncode == 0, done.stderr
    done = cli("progress", "import", both, "--db", as_role(shared, OFFICE), "--actor", "李四")
    assert done.returncode == 0, done.stderr
    with psycopg.connect(shared) as conn:
        actors = conn.execute(
            "SELECT convert_from(state, 'UTF8')::jsonb ->> 'actor' FROM campaign_events "
            "ORDER BY notification_id DESC LIMIT 2"
        ).fetchall()
    # the office's sheet adds ZZ-002's report (ZZ-001's day was reported already)
    assert [a for (a,) in actors] == [f"{OFFICE} (李四)", f"{TEAM} ({getuser()})"]
    assert events(shared) == before + 2


def test_a_scenario_is_loaded_by_the_owner_only(shared: str, tmp_path: Path) -> None:
    scenario = tmp_path / "s.jsonl"
    scenario.write_text(
        '{"cmd": "open_campaign", "name": "x", "year": 2020, "start": "2020-03-23", '
        '"end": "2020-06-30", "at": "2020-03-20T09:00:00+08:00"}\n',
        encoding="utf-8",
    )
    done = cli("scenario", "run", str(scenario), "--db", as_role(shared, OFFICE))
    assert done.returncode == 1
    assert "only its owner loads one" in done.stderr

"""The read side end to end: checkpoints through the CLI, both backends, receipts, publishing."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from campaign import Refused, Settings, open_engine
from campaign.app.queries import checkpoint_document, publish
from campaign.app.scenario import load
from cli.context import Config
from cli.main import cli
from tests.integration.demo import DEMO, EVENTS, LATER

if TYPE_CHECKING:
    from campaign import Engine
    from tests.conftest import Harness


def loaded(db: str) -> Engine:
    engine = open_engine(Settings(db=db, clock=LATER))
    assert load(engine, DEMO, actor="loader").appended == EVENTS
    return engine


def test_sqlite_and_postgresql_give_the_same_bytes_and_hashes(
    sqlite_db: str, postgres_db: str
) -> None:
    documents = []
    for db in (sqlite_db, postgres_db):
        engine = loaded(db)
        documents.append(checkpoint_document(engine, dt.date(2020, 6, 30), "2020-06-30"))
        engine.store.close()
    first, second = documents
    assert first["receipt"] == second["receipt"]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_the_demo_mid_year_checkpoint_has_the_hand_checked_figures(sqlite_db: str) -> None:
    doc = checkpoint_document(loaded(sqlite_db), dt.date(2020, 6, 30), None)
    zone = doc["zone"]
    # Listed: DM-001..DM-004 (DM-005 terminated 06-10). Plans 24000 + 8000 (revised 06-15)
    # + 6000 + 3000; YTD 15100 (with the 07-03 correction) + 3000 + 3050 + 2150.
    assert (zone["projects"], zone["annual_plan"], zone["ytd_investment"]) == (4, 41000.0, 23300.0)
    assert (zone["investment_rate"], zone["gap_pp"], zone["spi"]) == (0.5683, 6.83, 1.1366)
    assert zone["double_half"] is True
    assert (zone["ytd_funds"], zone["funds_rate"]) == (22000.0, 0.5366)
    assert (
        zone["started"],
        zone["due_to_start"],
        zone["commissioned"],
        zone["due_to_commission"],
    ) == (2, 2, 1, 1)
    factors = doc["factors"]
    # power: filed 04-08, due the 10th working day after (04-22), resolved 04-28: late.
    assert (factors["filed"], factors["resolved"], factors["due"], factors["on_time"]) == (
        4,
        3,
        4,
        2,
    )
    assert factors["median_resolution_wd"] == 15.0
    dm2 = next(p for p in doc["projects"] if p["code"] == "DM-002")
    # finance filed 06-05, due 06-19; (06-19, 06-30] has 6 working days (Dragon Boat, 28th works).
    assert (dm2["light"], dm2["overdue_factors"], dm2["rank"]) == ("red", 1, 4)
    dm5 = next(p for p in doc["projects"] if p["code"] == "DM-005")
    assert (dm5["stage"], dm5["light"], dm5["rank"]) == ("terminated", "na", None)


def test_known_at_leaves_out_late_reports_and_later_corrections(sqlite_db: str) -> None:
    engine = loaded(sqlite_db)
    then = checkpoint_document(engine, dt.date(2020, 6, 30), "2020-06-30")
    now = checkpoint_document(engine, dt.date(2020, 6, 30), None)
    by_code = {p["code"]: p for p in then["projects"]}
    # On June 30 the 06-29 report of DM-003 (recorded 07-02) and DM-001's correction of its
    # 06-30 report (2500 -> 2900, recorded 07-03) were not known yet.
    assert by_code["DM-003"]["ytd_investment"] == 2750.0
    assert by_code["DM-001"]["ytd_investment"] == 14700.0
    assert then["zone"]["ytd_investment"] == now["zone"]["ytd_investment"] - 700
    assert then["receipt"]["position"] < now["receipt"]["position"]


def test_publishing_appends_once_per_query_and_position(sqlite_db: str) -> None:
    engine = loaded(sqlite_db)
    before = engine.store.head()
    document, appended = publish(engine, dt.date(2020, 6, 30), "2020-07-01", actor="office")
    again, appended_again = publish(engine, dt.date(2020, 6, 30), "2020-07-01", actor="office")
    assert (appended, appended_again) == (True, False)
    assert engine.store.head() == before + 1
    assert document["receipt"]["state_hash"] == again["receipt"]["state_hash"]


def run(db: str, *args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--db", db], obj=Config(clock=LATER))
    assert "Traceback" not in result.output
    return result


def test_the_checkpoint_command_prints_json_csv_and_a_report(sqlite_db: str) -> None:
    loaded(sqlite_db).store.close()
    as_json = run(sqlite_db, "checkpoint", "--as-of", "2020-06-30", "--json")
    assert as_json.exit_code == 0
    doc = json.loads(as_json.stdout)
    assert set(doc) >= {
        "campaign",
        "as_of",
        "known_at",
        "time_progress",
        "zone",
        "factors",
        "targets",
        "projects",
        "receipt",
    }
    as_csv = run(sqlite_db, "checkpoint", "--as-of", "2020-06-30", "--csv")
    lines = as_csv.stdout.splitlines()
    assert lines[0].startswith("\ufeff项目编号,项目名称,") and len(lines) == 6
    as_keys = run(sqlite_db, "checkpoint", "--as-of", "2020-06-30", "--csv-keys")
    assert as_keys.stdout.startswith("code,name,") and len(as_keys.stdout.splitlines()) == 6
    report = run(sqlite_db, "checkpoint", "--as-of", "2020-06-30")
    assert "双过半：" in report.stdout and "开工率" in report.stdout and "DM-002" in report.stdout
    series = run(sqlite_db, "checkpoint", "--series", "monthly", "--as-of", "2020-06-30", "--json")
    assert [r["as_of"] for r in json.loads(series.stdout)["rows"]] == [
        "2020-03-31",
        "2020-04-30",
        "2020-05-31",
        "2020-06-30",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2021-01-01"], "as_of=2021-01-01: is not in the campaign year 2020"),
        (["--as-of", "June"], "as_of=June: must be a date"),
        (["--known-at", "yesterday"], "known_at=yesterday"),
        (["--as-of", "2020-06-30", "--known-at", "2020-01-01"], "the campaign was not open yet"),
    ],
)
def test_bad_queries_are_refused_in_one_line(sqlite_db: str, args: list[str], message: str) -> None:
    loaded(sqlite_db).store.close()
    result = run(sqlite_db, "checkpoint", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_replay_shows_open_requests_with_due_dates_and_escalation(sqlite_db: str) -> None:
    loaded(sqlite_db).store.close()
    result = run(sqlite_db, "replay", "--as-of", "2020-04-27", "--project", "DM-001", "--json")
    assert result.exit_code == 0, result.output
    (project,) = json.loads(result.stdout)["projects"]
    (request,) = project["open_requests"]
    # power filed 04-08 (10 working days: due 04-22), escalated by hand to 1 on 04-24;
    # (04-22, 04-27]: 23, 24, 26 (Sunday workday), 27.
    assert (request["due"], request["overdue_wd"], request["escalation_level"]) == (
        "2020-04-22",
        4,
        1,
    )


def test_a_project_row_has_the_keys_of_the_projects_table_in_order(sqlite_db: str) -> None:
    from campaign.figures.checkpoint import PROJECT_KEYS

    doc = checkpoint_document(loaded(sqlite_db), dt.date(2020, 6, 30), None)
    assert all(tuple(p) == PROJECT_KEYS for p in doc["projects"])


@pytest.mark.parametrize(
    "known_at",
    [
        "9999-12-31",  # the end of that day in New York is in the year 10000 in UTC
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00+08:00",  # in UTC, the year before the year 1
        "0001-01-01T00:00:00",  # read in New York: after midnight UTC, so within UTC
    ],
)
def test_a_known_at_at_the_calendars_ends_cuts_before_or_after_every_recorded_time(
    sqlite_harness: Harness, known_at: str
) -> None:
    sqlite_harness.open(timezone="America/New_York")
    sqlite_harness.register()
    sqlite_harness.run(
        "report_progress", code="ZZ-001", date="2020-07-09", investment="120.5"
    )  # today in New York
    as_of = dt.date(2020, 6, 30)
    if known_at.startswith("9999"):
        cut = checkpoint_document(sqlite_harness.engine, as_of, known_at)
        whole = checkpoint_document(sqlite_harness.engine, as_of, None)
        assert cut["known_at"] == known_at
        assert {k: v for k, v in cut.items() if k not in ("known_at", "receipt")} == {
            k: v for k, v in whole.items() if k not in ("known_at", "receipt")
        }
    else:
        with pytest.raises(Refused, match="nothing was known then"):
            checkpoint_document(sqlite_harness.engine, as_of, known_at)

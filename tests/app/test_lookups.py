"""The look-ups (issue 10): the project list, a project's card, the factor requests and the
未报送 list, read from a replayed SQLite log (tests/office_log.py tells its story and the
figures expected from it, worked out by hand on the 2020 calendar).

A late report changes what was known, never what is true as of an earlier date: the
`known_at` views leave it out, the `as_of` views before its date never see it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from campaign import Refused, Settings, open_engine
from campaign.app.lookups import factor_list, missing_reports, project_card, project_list
from campaign.read.projection import has_report
from campaign.read.replay import replay_log
from campaign.read.snapshots import dump, restore
from tests import office_log
from tests.conftest import Harness

if TYPE_CHECKING:
    from campaign import Engine, FixedClock

D = dt.date.fromisoformat
MID_YEAR = D("2020-06-30")


@pytest.fixture
def office(sqlite_harness: Harness) -> Engine:
    """The engine on the SQLite store holding tests/office_log.py's log; its today 07-10."""
    return office_log.write(sqlite_harness).engine


def codes(rows: list[dict[str, Any]]) -> list[str]:
    return [r["code"] for r in rows]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def refused(field: str, value: str, rule: str, query: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(Refused) as caught:
        query(*args, **kwargs)
    message = str(caught.value)
    assert caught.value.field == field
    assert message.startswith(f"{field}={value}: "), message
    assert rule in message and "\n" not in message


# ---------------------------------------------------------------------------- project list


def test_the_list_gives_the_listed_projects_by_code_then_the_terminated_ones(
    office: Engine,
) -> None:
    rows = project_list(office, MID_YEAR, None)["projects"]
    assert codes(rows) == ["ZZ-001", "ZZ-002", "ZZ-004", "ZZ-003"]
    assert [(r["listed"], r["terminated_on"]) for r in rows][-2:] == [
        (True, None),
        (False, "2020-05-20"),
    ]
    zz1 = rows[0]
    # plan 15000; YTD 100 + 0 + 400 + 50 (06-29, late) + 1000; rate 0.1033, spi 0.2067: red
    assert (zz1["annual_plan"], zz1["ytd_investment"]) == (15000.0, 1550.0)
    assert (zz1["investment_rate"], zz1["spi"], zz1["light"]) == (0.1033, 0.2067, "red")
    assert (zz1["unit"], zz1["leader"], zz1["stage"]) == ("区招商局", "张三", "started")


def test_a_terminated_project_keeps_its_figures_with_light_na(office: Engine) -> None:
    (zz3,) = project_list(office, MID_YEAR, None, stage="terminated")["projects"]
    assert (zz3["code"], zz3["ytd_investment"], zz3["light"]) == ("ZZ-003", 200.0, "na")
    assert zz3["last_reported_on"] == "2020-04-15"


def test_a_report_of_zero_investment_is_a_last_report(office: Engine) -> None:
    rows = {r["code"]: r for r in project_list(office, MID_YEAR, None)["projects"]}
    assert rows["ZZ-004"]["last_reported_on"] == "2020-06-30"  # 0, funds 0
    on_0416 = {r["code"]: r for r in project_list(office, D("2020-04-16"), None)["projects"]}
    assert on_0416["ZZ-001"]["last_reported_on"] == "2020-04-16"  # 0 and nothing else


def test_the_list_holds_the_projects_registered_by_as_of(office: Engine) -> None:
    assert codes(project_list(office, D("2020-05-24"), None)["projects"]) == [
        "ZZ-001",
        "ZZ-002",
        "ZZ-003",  # terminated 05-20
    ]
    assert codes(project_list(office, D("2020-05-19"), None)["projects"]) == [
        "ZZ-001",
        "ZZ-002",
        "ZZ-003",  # still listed
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"unit": "区工信局"}, ["ZZ-002", "ZZ-003"]),
        ({"sector": "pharma"}, ["ZZ-003"]),
        ({"stage": "started"}, ["ZZ-001"]),
        ({"stage": "registered"}, ["ZZ-002", "ZZ-004"]),
        ({"unit": "区工信局", "stage": "registered"}, ["ZZ-002"]),
        ({"unit": "区工信局", "sector": "lithium"}, []),
    ],
)
def test_the_filters_combine(office: Engine, filters: dict[str, Any], expected: list[str]) -> None:
    document = project_list(office, MID_YEAR, None, **filters)
    assert codes(document["projects"]) == expected
    assert {k: v for k, v in document["filters"].items() if v is not None} == filters


def test_a_late_report_changes_the_known_at_view_never_an_earlier_as_of(office: Engine) -> None:
    now = {r["code"]: r for r in project_list(office, MID_YEAR, None)["projects"]}
    then = {r["code"]: r for r in project_list(office, MID_YEAR, "2020-06-30")["projects"]}
    assert (now["ZZ-001"]["ytd_investment"], then["ZZ-001"]["ytd_investment"]) == (1550.0, 1500.0)
    # as of 06-28 the 06-29 report does not count, whatever is known
    before = [project_list(office, D("2020-06-28"), k)["projects"][0] for k in (None, "2020-06-30")]
    assert before[0] == before[1]
    assert (before[0]["ytd_investment"], before[0]["last_reported_on"]) == (500.0, "2020-04-30")


def test_an_unknown_unit_is_refused_naming_the_units(office: Engine) -> None:
    refused(
        "unit",
        "区招商",
        "区工信局, 区招商局, 区科技局",
        project_list,
        office,
        MID_YEAR,
        None,
        unit="区招商",
    )


def test_a_sector_or_stage_outside_the_vocabulary_is_refused(office: Engine) -> None:
    refused(
        "sector",
        "石油",
        "must be one of lithium",
        project_list,
        office,
        MID_YEAR,
        None,
        sector="石油",
    )
    refused(
        "stage", "built", "registered, signed", project_list, office, MID_YEAR, None, stage="built"
    )


def test_an_as_of_outside_the_campaign_year_is_refused(office: Engine) -> None:
    refused(
        "as_of", "2021-01-01", "campaign year 2020", project_list, office, D("2021-01-01"), None
    )


# ---------------------------------------------------------------------------- project card


def test_the_card_shows_plan_figures_reports_and_open_requests(office: Engine) -> None:
    document = project_card(office, "ZZ-001", MID_YEAR, None)
    card = document["project"]
    assert document["time_progress"] == 0.5
    assert (card["ytd_investment"], card["ytd_funds"], card["physical_pct"]) == (1550.0, 50.0, 20.0)
    assert (card["gap_pp"], card["spi"], card["light"]) == (-39.67, 0.2067, "red")
    assert card["reasons"] == [
        {"kind": "investment", "investment_rate": 0.1033, "spi": 0.2067, "below": 0.6},
        {"kind": "factor", "request": office_log.LAND, "category": "land", "overdue_wd": 13},
    ]
    assert card["milestones"] == {"signed": "2019-12-20", "started": "2020-04-20"}
    assert (card["stage"], card["started_on"], card["start_overdue_days"]) == (
        "started",
        "2020-04-20",
        0,
    )
    # 04-15, 04-16 (a report of 0), 04-30, 06-29 (late), 06-30
    assert (card["last_reported_on"], card["days_reported"]) == ("2020-06-30", 5)
    assert card["open_requests"] == [
        {
            "id": office_log.LAND,
            "category": "land",
            "detail": "二期用地",
            "filed_on": "2020-04-16",
            "due": "2020-06-10",
            "overdue_wd": 13,
            "escalation_level": 2,
        }
    ]
    assert (card["filed_factors"], card["open_factors"], card["overdue_factors"]) == (1, 1, 1)


def test_the_card_as_known_at_mid_year_leaves_out_the_late_report(office: Engine) -> None:
    card = project_card(office, "ZZ-001", MID_YEAR, "2020-06-30")["project"]
    assert (card["ytd_investment"], card["days_reported"]) == (1500.0, 4)


def test_the_card_shows_the_plan_in_force_and_its_revisions_by_as_of(
    sqlite_harness: Harness,
) -> None:
    h = office_log.write(sqlite_harness)
    h.run("revise_plan", code="ZZ-002", annual_plan="6000", date="2020-07-01", reason="年中调整")
    before = project_card(h.engine, "ZZ-002", MID_YEAR, None)["project"]
    after = project_card(h.engine, "ZZ-002", D("2020-07-01"), None)["project"]
    assert (before["annual_plan"], before["plan_revisions"]) == (8000.0, [])
    assert (after["annual_plan"], after["registered_plan"]) == (6000.0, 8000.0)
    assert after["plan_revisions"] == [{"date": "2020-07-01", "annual_plan": 6000.0}]


def test_a_terminated_projects_card_keeps_its_open_request(office: Engine) -> None:
    card = project_card(office, "ZZ-003", MID_YEAR, None)["project"]
    assert (card["listed"], card["terminated_on"], card["light"], card["rank"]) == (
        False,
        "2020-05-20",
        "na",
        None,
    )
    assert ids(card["open_requests"]) == [office_log.POWER]
    assert card["open_requests"][0]["escalation_level"] == 3  # 20 working days overdue


def test_an_unknown_code_is_refused(office: Engine) -> None:
    refused(
        "project",
        "ZZ-999",
        "is not a registered project",
        project_card,
        office,
        "ZZ-999",
        MID_YEAR,
        None,
    )


def test_a_project_registered_after_as_of_is_refused(office: Engine) -> None:
    refused(
        "project",
        "ZZ-004",
        "was registered on 2020-05-25, after 2020-05-01",
        project_card,
        office,
        "ZZ-004",
        D("2020-05-01"),
        None,
    )


# ------------------------------------------------------------------------------ factor list


def test_the_requests_go_by_filing_date_and_id_with_their_status(office: Engine) -> None:
    rows = factor_list(office, MID_YEAR, None)["requests"]
    assert ids(rows) == [office_log.LAND, office_log.APPROVAL, office_log.POWER]
    land, approval, power = rows
    assert (land["status"], land["due"], land["overdue_wd"], land["escalation_level"]) == (
        "open",
        "2020-06-10",
        13,
        2,
    )
    assert (approval["status"], approval["outcome"], approval["resolved_on"]) == (
        "resolved",
        "fulfilled",
        "2020-05-06",
    )
    assert approval["on_time"] is False  # due 04-26
    assert (power["code"], power["unit"], power["overdue_wd"], power["escalation_level"]) == (
        "ZZ-003",
        "区工信局",
        20,
        3,
    )


def test_overdue_lists_the_open_requests_past_due_most_overdue_first(office: Engine) -> None:
    rows = factor_list(office, MID_YEAR, None, overdue_only=True)["requests"]
    assert [(r["id"], r["overdue_wd"]) for r in rows] == [
        (office_log.POWER, 20),
        (office_log.LAND, 13),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"open_only": True}, [office_log.LAND, office_log.POWER]),
        ({"code": "ZZ-002"}, [office_log.APPROVAL]),
        ({"unit": "区工信局"}, [office_log.APPROVAL, office_log.POWER]),
        ({"category": "land"}, [office_log.LAND]),
        ({"unit": "区工信局", "open_only": True}, [office_log.POWER]),
        ({"code": "ZZ-004"}, []),
    ],
)
def test_the_request_filters_combine(
    office: Engine, filters: dict[str, Any], expected: list[str]
) -> None:
    assert ids(factor_list(office, MID_YEAR, None, **filters)["requests"]) == expected


def test_a_request_is_seen_as_of_a_date_and_as_known_then(office: Engine) -> None:
    as_of = D("2020-05-10")
    now = factor_list(office, as_of, None)["requests"]
    then = factor_list(office, as_of, "2020-05-05")["requests"]
    # 05-10: the extension (from 05-14) is not in force yet; the hand escalation of 05-06 is
    assert [(r["due"], r["escalation_level"]) for r in now] == [
        ("2020-05-15", 1),
        ("2020-04-26", 0),
    ]
    assert now[1]["status"] == "resolved"
    # known on 05-05: neither the escalation nor the resolution (both recorded 05-06);
    # (04-26, 05-10] holds 8 working days (May Day 1–5 rest, Saturday 9 worked)
    assert [(r["status"], r["overdue_wd"], r["escalation_level"]) for r in then] == [
        ("open", 0, 0),
        ("open", 8, 2),
    ]


def test_requests_filed_after_as_of_are_not_listed(office: Engine) -> None:
    assert ids(factor_list(office, D("2020-05-17"), None)["requests"]) == [
        office_log.LAND,
        office_log.APPROVAL,
    ]


def test_an_unknown_project_or_category_is_refused(office: Engine) -> None:
    refused(
        "project",
        "ZZ-999",
        "is not a registered project",
        factor_list,
        office,
        MID_YEAR,
        None,
        code="ZZ-999",
    )
    refused(
        "category",
        "roads",
        "must be one of land",
        factor_list,
        office,
        MID_YEAR,
        None,
        category="roads",
    )


# --------------------------------------------------------------------------------- 未报送


def test_the_missing_list_of_a_day_names_the_listed_projects_without_a_report(
    office: Engine,
) -> None:
    document = missing_reports(office, D("2020-06-29"), None)
    # ZZ-001 reported 06-29 (late); ZZ-003 is terminated; by unit: 区工信局, 区科技局
    assert codes(document["projects"]) == ["ZZ-002", "ZZ-004"]
    assert (document["listed"], document["reported"], document["working_days"]) == (3, 1, 1)
    assert document["projects"][0] == {
        "unit": "区工信局",
        "code": "ZZ-002",
        "name": "光电子器件产业园",
        "leader": "李四",
        "last_reported_on": "2020-04-30",
    }
    assert document["projects"][1]["last_reported_on"] is None  # ZZ-004: never before 06-30


def test_as_known_at_a_time_a_late_report_still_counts_as_missing(office: Engine) -> None:
    then = missing_reports(office, D("2020-06-29"), "2020-06-30")
    assert codes(then["projects"]) == ["ZZ-002", "ZZ-001", "ZZ-004"]  # by unit
    assert (
        then["receipt"]["position"]
        < missing_reports(office, D("2020-06-29"), None)["receipt"]["position"]
    )


def test_a_report_of_zero_investment_is_not_missing(office: Engine) -> None:
    on_0416 = missing_reports(office, D("2020-04-16"), None)
    assert codes(on_0416["projects"]) == ["ZZ-003"]  # ZZ-001 reported 0, ZZ-002 (late) 300
    assert codes(missing_reports(office, D("2020-04-16"), "2020-04-16")["projects"]) == [
        "ZZ-002",
        "ZZ-003",
    ]
    assert codes(missing_reports(office, MID_YEAR, None)["projects"]) == []  # ZZ-004: 0, 0


def test_the_missing_list_of_a_period_names_those_without_any_report_in_it(
    office: Engine,
) -> None:
    period = missing_reports(office, D("2020-06-29"), None, since=D("2020-05-01"))
    assert codes(period["projects"]) == ["ZZ-002", "ZZ-004"]
    assert (period["since"], period["as_of"], period["working_days"]) == (
        "2020-05-01",
        "2020-06-29",
        39,
    )
    known = missing_reports(office, D("2020-06-29"), "2020-06-30", since=D("2020-05-01"))
    assert codes(known["projects"]) == ["ZZ-002", "ZZ-001", "ZZ-004"]
    whole = missing_reports(office, MID_YEAR, None, since=D("2020-04-01"))
    assert codes(whole["projects"]) == []


def test_the_missing_list_defaults_to_the_engines_today(office: Engine) -> None:
    document = missing_reports(office, None, None)
    assert (document["since"], document["as_of"]) == ("2020-07-10", "2020-07-10")
    assert codes(document["projects"]) == ["ZZ-002", "ZZ-001", "ZZ-004"]


def test_the_missing_list_of_one_unit(office: Engine) -> None:
    document = missing_reports(office, D("2020-06-29"), None, unit="区工信局")
    assert (codes(document["projects"]), document["listed"]) == (["ZZ-002"], 1)


def test_a_period_that_starts_after_it_ends_or_outside_the_year_is_refused(
    office: Engine,
) -> None:
    refused(
        "since",
        "2020-07-01",
        "is after",
        missing_reports,
        office,
        MID_YEAR,
        None,
        since=D("2020-07-01"),
    )
    refused(
        "since",
        "2019-12-01",
        "campaign year 2020",
        missing_reports,
        office,
        MID_YEAR,
        None,
        since=D("2019-12-01"),
    )


# ------------------------------------------------------------------ receipts and folding


def test_every_look_up_carries_a_receipt_of_what_it_read(office: Engine) -> None:
    documents = [
        project_list(office, MID_YEAR, "2020-06-30"),
        project_card(office, "ZZ-001", MID_YEAR, "2020-06-30"),
        factor_list(office, MID_YEAR, "2020-06-30"),
        missing_reports(office, MID_YEAR, "2020-06-30"),
    ]
    positions = {d["receipt"]["position"] for d in documents}
    assert positions == {office_log.EVENTS - 1}  # all but the late report of 07-02
    assert len({d["receipt"]["state_hash"] for d in documents}) == 4


def test_reports_of_zero_survive_snapshots_and_the_two_process_fold(
    tmp_path: Any, clock: FixedClock
) -> None:
    db = str(tmp_path / "c.db")
    with open_engine(Settings(db=db, clock=clock, snapshot_every=3)) as engine:
        office_log.write(Harness(engine))
        for day in (D("2020-04-16"), MID_YEAR):
            cold = missing_reports(engine, day, None, snapshots=False)
            assert missing_reports(engine, day, None) == cold  # takes snapshots
            assert missing_reports(engine, day, None) == cold  # starts from one
        reader = engine.store.reader()
        try:
            folded = replay_log(reader, split_min=1).projection  # on two processes
        finally:
            reader.close()
    kept = restore(dump(folded))  # ZZ-004's last day is a report of 0: the end of its ledger
    for projection in (folded, kept):
        zz1, zz4 = projection.projects["ZZ-001"], projection.projects["ZZ-004"]
        assert has_report(zz1, projection.index_of(D("2020-04-16")))
        assert not has_report(zz1, projection.index_of(D("2020-04-17")))
        assert has_report(zz4, projection.index_of(MID_YEAR))
        assert not has_report(zz4, projection.index_of(D("2020-07-01")))

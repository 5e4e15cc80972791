"""Acceptance tests of the write side's rules (SPEC §2–§3, issue 2).

Every refusal is a `campaign.Refused` whose `.field` names the field and whose message names the
value and the rule, and the stored event count does not move. Expectations are written by hand
(the 2020 calendar with its holidays and 调休 workdays is in tests/conftest.py); nothing here is
computed by the code under test.

Unless a test says otherwise the engine's clock reads 2020-07-10 10:00 in Shanghai, so its today
is 2020-07-10; the `opened` store holds the 2020 campaign (sla_days land 20, approval 7,
power 10) and project ZZ-001 registered 2020-01-06 (total 50000, annual plan 15000).

The engine runs on the in-memory store (tests/fakes.py); tests/integration/
test_rules_on_backends.py runs a sample of these tests on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from campaign import Refused
from tests.conftest import CAMPAIGN_2020, PROJECT, Harness, stored_events

# ------------------------------------------------------------------------------- helpers


def refused(h: Harness, cmd: str, *, field: str, value: str, rule: str, **fields: Any) -> Refused:
    """Run `cmd`: refused on `field`, naming `value` and `rule`, and nothing appended."""
    before = h.events()
    with pytest.raises(Refused) as caught:
        h.run(cmd, **fields)
    error = caught.value
    message = str(error)
    assert error.field == field, message
    assert "\n" not in message
    assert message.startswith(f"{field}="), message
    assert value in message, message
    assert rule in message, message
    assert h.events() == before
    return error


def appended(h: Harness, before: int) -> list[tuple[str, dict[str, Any]]]:
    return stored_events(h.store, before)


REPORT: dict[str, Any] = {"code": "ZZ-001", "date": "2020-04-16", "investment": "120.5"}
REQUEST_WATER_0430: dict[str, Any] = {
    "code": "ZZ-001",
    "category": "water",
    "detail": "自来水管网接入",
    "date": "2020-04-30",
}


@pytest.fixture
def filed(opened: Harness) -> tuple[Harness, str]:
    """ZZ-001 filed a water request on 2020-04-30 (no time limit set: 7 days, due 2020-05-13)."""
    result = opened.run("file_factor", **REQUEST_WATER_0430)
    return opened, result.id


# Minimal valid fields of each command but open_campaign (for the store `opened`, and a request
# id `R`), used where the rule under test is the same for every command.
VALID: dict[str, dict[str, Any]] = {
    "register_project": PROJECT | {"code": "ZZ-002"},
    "revise_plan": {
        "code": "ZZ-001",
        "annual_plan": "12000",
        "date": "2020-06-15",
        "reason": "年中调整",
    },
    "report_progress": REPORT,
    "correct_progress": {
        "code": "ZZ-001",
        "date": "2020-04-16",
        "investment": "100",
        "reason": "发票核对",
    },
    "reach_milestone": {"code": "ZZ-001", "milestone": "signed", "date": "2020-02-01"},
    "terminate_project": {"code": "ZZ-001", "date": "2020-06-20", "reason": "投资方撤资"},
    "file_factor": {"code": "ZZ-001", "category": "power", "detail": "10kV", "date": "2020-04-16"},
    "extend_factor": {"id": "R", "due": "2020-05-29", "date": "2020-05-06", "reason": "省厅审批"},
    "escalate_factor": {"id": "R", "level": 1, "date": "2020-05-06", "note": "督办单"},
    "resolve_factor": {"id": "R", "outcome": "fulfilled", "date": "2020-05-08", "note": "已办结"},
}
BY_ID = ("extend_factor", "escalate_factor", "resolve_factor")


def valid(cmd: str, request_id: str = "R", **changes: Any) -> dict[str, Any]:
    fields = VALID[cmd] | changes
    if cmd in BY_ID:
        fields["id"] = request_id
    return fields


# ============================================================ general rules (every command)


@pytest.mark.parametrize("cmd", list(VALID))
def test_every_command_before_a_campaign_is_opened_is_refused(harness: Harness, cmd: str) -> None:
    refused(harness, cmd, field="campaign", value="(none)", rule="open one first", **valid(cmd))
    assert harness.events() == 0


@pytest.mark.parametrize(
    "cmd",
    [
        "revise_plan",
        "report_progress",
        "correct_progress",
        "reach_milestone",
        "terminate_project",
        "file_factor",
    ],
)
def test_a_command_on_an_unknown_project_code_is_refused(opened: Harness, cmd: str) -> None:
    refused(
        opened,
        cmd,
        field="code",
        value="ZZ-404",
        rule="is not a registered project",
        **valid(cmd, code="ZZ-404"),
    )


@pytest.mark.parametrize("cmd", BY_ID)
def test_a_command_on_an_unknown_request_id_is_refused(
    filed: tuple[Harness, str], cmd: str
) -> None:
    h, _ = filed
    refused(
        h,
        cmd,
        field="id",
        value="ZZ-001-20200430-nope",
        rule="is not a filed factor request",
        **valid(cmd, "ZZ-001-20200430-nope"),
    )


MONEY_FIELDS = [
    ("register_project", "total_investment"),
    ("register_project", "annual_plan"),
    ("revise_plan", "annual_plan"),
    ("report_progress", "investment"),
    ("report_progress", "funds"),
    ("correct_progress", "investment"),
    ("correct_progress", "funds"),
]


@pytest.mark.parametrize(("cmd", "field"), MONEY_FIELDS)
@pytest.mark.parametrize("amount", ["1.234", "0.001", 120.125])
def test_money_with_more_than_two_decimals_is_refused(
    opened: Harness, cmd: str, field: str, amount: Any
) -> None:
    opened.run("report_progress", **REPORT)
    refused(
        opened,
        cmd,
        field=field,
        value=str(amount),
        rule="more than 2 decimal places",
        **valid(cmd, **{field: amount}),
    )


@pytest.mark.parametrize(("cmd", "field"), MONEY_FIELDS)
@pytest.mark.parametrize("amount", ["-1", "-0.01", -5])
def test_negative_money_is_refused(opened: Harness, cmd: str, field: str, amount: Any) -> None:
    opened.run("report_progress", **REPORT)
    refused(
        opened,
        cmd,
        field=field,
        value=str(amount),
        rule="must be 0 or more",
        **valid(cmd, **{field: amount}),
    )


@pytest.mark.parametrize(("cmd", "field"), MONEY_FIELDS)
def test_money_that_is_not_a_number_is_refused(opened: Harness, cmd: str, field: str) -> None:
    opened.run("report_progress", **REPORT)
    refused(
        opened,
        cmd,
        field=field,
        value="12万",
        rule="decimal number",
        **valid(cmd, **{field: "12万"}),
    )


@pytest.mark.parametrize(
    ("cmd", "field", "value", "rule"),
    [
        ("report_progress", "physical_pct", "-1", "greater than or equal to 0"),
        ("report_progress", "physical_pct", "100.01", "less than or equal to 100"),
        ("report_progress", "physical_pct", "12.345", "more than 2 decimal places"),
        ("report_progress", "workers", "-1", "greater than or equal to 0"),
        ("correct_progress", "physical_pct", "101", "less than or equal to 100"),
        ("correct_progress", "workers", "-3", "greater than or equal to 0"),
        ("register_project", "factory_area_m2", "-1", "greater than or equal to 0"),
    ],
)
def test_values_out_of_their_range_are_refused(
    opened: Harness, cmd: str, field: str, value: str, rule: str
) -> None:
    opened.run("report_progress", **REPORT)
    refused(opened, cmd, field=field, value=value, rule=rule, **valid(cmd, **{field: value}))


def test_money_is_taken_as_a_json_number_or_a_decimal_string_and_kept_exact(
    opened: Harness,
) -> None:
    before = opened.events()
    opened.run("report_progress", code="ZZ-001", date="2020-04-16", investment=120.1, funds="0.3")
    ((kind, state),) = appended(opened, before)
    assert kind == "DailyReport.Reported"
    # Stored as whole yuan: 120.10 万元 = 1,201,000 yuan, 0.30 万元 = 3,000 yuan.
    assert (state["investment_yuan"], state["funds_yuan"]) == (1_201_000, 3_000)


DATED = [
    ("register_project", "date"),
    ("register_project", "planned_start"),
    ("register_project", "planned_completion"),
    ("revise_plan", "date"),
    ("report_progress", "date"),
    ("correct_progress", "date"),
    ("reach_milestone", "date"),
    ("terminate_project", "date"),
    ("file_factor", "date"),
    ("extend_factor", "date"),
    ("extend_factor", "due"),
    ("escalate_factor", "date"),
    ("resolve_factor", "date"),
]


@pytest.mark.parametrize(("cmd", "field"), DATED)
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("2020-4-16", "YYYY-MM-DD"),
        ("2020/04/16", "YYYY-MM-DD"),
        ("16.04.2020", "YYYY-MM-DD"),
        ("2020-04-16T10:00:00", "YYYY-MM-DD"),
        ("2020-02-30", "not a calendar date"),
    ],
)
def test_a_date_not_written_yyyy_mm_dd_is_refused(
    filed: tuple[Harness, str], cmd: str, field: str, text: str, rule: str
) -> None:
    h, request_id = filed
    refused(h, cmd, field=field, value=text, rule=rule, **valid(cmd, request_id, **{field: text}))


@pytest.mark.parametrize("field", ["start", "end", "checkpoints.0", "holidays.1", "workdays.0"])
def test_a_campaign_date_not_written_yyyy_mm_dd_is_refused(harness: Harness, field: str) -> None:
    name, _, index = field.partition(".")
    value: Any = "2020-5-1"
    if index:
        value = list(CAMPAIGN_2020[name])
        value[int(index)] = "2020-5-1"
    refused(
        harness,
        "open_campaign",
        field=field,
        value="2020-5-1",
        rule="YYYY-MM-DD",
        **CAMPAIGN_2020 | {name: value},
    )
    assert harness.events() == 0


@pytest.mark.parametrize("field", ["targets", "checkpoints", "holidays", "workdays"])
def test_a_list_given_as_something_else_is_refused_as_needing_a_list(
    harness: Harness, field: str
) -> None:
    refused(
        harness,
        "open_campaign",
        field=field,
        value="bad",
        rule="must be a list, written [...]",
        **CAMPAIGN_2020 | {field: {"bad": 1}},
    )


DATED_EFFECTIVE = [
    "register_project",
    "revise_plan",
    "report_progress",
    "reach_milestone",
    "terminate_project",
    "file_factor",
    "extend_factor",
    "escalate_factor",
    "resolve_factor",
]


@pytest.mark.parametrize("cmd", DATED_EFFECTIVE)
def test_an_effective_date_after_the_engines_today_is_refused(
    filed: tuple[Harness, str], cmd: str
) -> None:
    h, request_id = filed
    refused(
        h,
        cmd,
        field="date",
        value="2020-07-11",
        rule="after the engine's today (2020-07-10)",
        **valid(cmd, request_id, date="2020-07-11"),
    )


@pytest.mark.parametrize("cmd", DATED_EFFECTIVE)
def test_an_effective_date_of_today_is_accepted(filed: tuple[Harness, str], cmd: str) -> None:
    h, request_id = filed
    fields = valid(cmd, request_id, date="2020-07-10")
    if cmd == "extend_factor":
        fields["due"] = "2020-07-31"
    if cmd == "reach_milestone":
        fields["milestone"] = "signed"
    before = h.events()
    assert h.run(cmd, **fields).appended >= 1
    assert h.events() > before


def test_planned_dates_due_dates_and_calendar_fields_may_be_after_today(
    harness: Harness,
) -> None:
    harness.open(end="2020-12-31", checkpoints=["2020-09-30", "2020-12-31"])
    harness.register(planned_start="2020-09-01", planned_completion="2022-12-31")
    request = harness.run(
        "file_factor", code="ZZ-001", category="land", detail="供地", date="2020-07-01"
    )
    harness.run("extend_factor", id=request.id, due="2020-12-31", date="2020-07-10", reason="报批")
    assert harness.events() == 4


def test_the_engines_today_is_the_clocks_date_in_shanghai_not_in_utc(harness: Harness) -> None:
    # 2020-07-09 16:30 UTC is already 2020-07-10 00:30 in Shanghai.
    harness.clock.at = dt.datetime(2020, 7, 9, 16, 30, tzinfo=dt.UTC)
    harness.open()
    harness.register()
    assert harness.run("report_progress", **REPORT | {"date": "2020-07-10"}).appended == 1
    refused(
        harness,
        "report_progress",
        field="date",
        value="2020-07-11",
        rule="today (2020-07-10)",
        **REPORT | {"date": "2020-07-11"},
    )


def test_the_engines_today_follows_the_campaigns_own_time_zone(harness: Harness) -> None:
    # The same instant as above is still 2020-07-09 in a campaign kept in UTC.
    harness.clock.at = dt.datetime(2020, 7, 9, 16, 30, tzinfo=dt.UTC)
    harness.open(timezone="UTC")
    harness.register()
    refused(
        harness,
        "report_progress",
        field="date",
        value="2020-07-10",
        rule="today (2020-07-09)",
        **REPORT | {"date": "2020-07-10"},
    )


@pytest.mark.parametrize(
    ("cmd", "field", "value", "rule"),
    [
        ("register_project", "sector", "steel", "'lithium'"),
        ("register_project", "category", "urgent", "'continuing'"),
        ("reach_milestone", "milestone", "topped_out", "'production'"),
        ("file_factor", "category", "money", "'finance'"),
        ("resolve_factor", "outcome", "done", "'rejected'"),
        ("escalate_factor", "level", "0", "greater than or equal to 1"),
        ("escalate_factor", "level", "4", "less than or equal to 3"),
    ],
)
def test_a_value_outside_its_enum_is_refused_naming_the_allowed_ones(
    filed: tuple[Harness, str], cmd: str, field: str, value: str, rule: str
) -> None:
    h, request_id = filed
    refused(h, cmd, field=field, value=value, rule=rule, **valid(cmd, request_id, **{field: value}))


@pytest.mark.parametrize(
    ("changes", "field", "value", "rule"),
    [
        ({"sla_days": {"steel": 3}}, "sla_days", "steel", "'demolition'"),
        ({"sla_days": {"land": 0}}, "sla_days.land", "0", "greater than or equal to 1"),
        (
            {"targets": [{"name": "x", "kind": "gdp", "goal": 1}]},
            "targets.0.kind",
            "gdp",
            "'fixed_asset_investment'",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus", "not a known time zone"),
    ],
)
def test_a_campaign_enum_outside_its_values_is_refused(
    harness: Harness, changes: dict[str, Any], field: str, value: str, rule: str
) -> None:
    refused(
        harness, "open_campaign", field=field, value=value, rule=rule, **CAMPAIGN_2020 | changes
    )
    assert harness.events() == 0


@pytest.mark.parametrize(
    ("cmd", "missing"),
    [
        ("register_project", "total_investment"),
        ("register_project", "leader"),
        ("revise_plan", "reason"),
        ("report_progress", "investment"),
        ("correct_progress", "reason"),
        ("reach_milestone", "milestone"),
        ("terminate_project", "reason"),
        ("file_factor", "detail"),
        ("extend_factor", "due"),
        ("escalate_factor", "note"),
        ("resolve_factor", "outcome"),
    ],
)
def test_a_missing_required_field_is_refused(
    filed: tuple[Harness, str], cmd: str, missing: str
) -> None:
    h, request_id = filed
    fields = valid(cmd, request_id)
    del fields[missing]
    refused(h, cmd, field=missing, value="(none)", rule="is required", **fields)


def test_a_field_the_command_does_not_have_is_refused(opened: Harness) -> None:
    refused(
        opened,
        "report_progress",
        field="investmnet",
        value="5",
        rule="not a field of this command",
        **REPORT | {"investmnet": "5"},
    )


# ===================================================================== open campaign


def test_opening_a_campaign_appends_one_event_with_its_defaults(harness: Harness) -> None:
    result = harness.open()
    ((kind, state),) = appended(harness, 0)
    assert (result.appended, kind) == (1, "Campaign.Opened")
    assert state["name"] == "枣庄高新区百日会战 2020"
    assert (state["start"], state["end"]) == ("2020-03-23", "2020-06-30")
    assert state["timezone"] == "Asia/Shanghai"
    assert state["lights"] == {"green": "0.8", "yellow": "0.6"}
    assert state["sla_days"] == {"land": 20, "approval": 7, "power": 10}
    assert state["simulated"] is False
    assert state["actor"] == "tester"


def test_a_campaign_is_opened_once_per_store(harness: Harness) -> None:
    harness.open()
    refused(
        harness,
        "open_campaign",
        field="name",
        value="second",
        rule="once per store",
        **CAMPAIGN_2020 | {"name": "second"},
    )
    assert harness.events() == 1


def test_a_share_or_a_threshold_written_with_a_percent_sign_reads_as_a_ratio(
    harness: Harness,
) -> None:
    harness.open(
        targets=[{"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "40%"}],
        lights={"green": "80%", "yellow": "６０％"},  # full-width digits and sign read alike
    )
    ((_, opened),) = stored_events(harness.store)
    assert opened["targets"][0]["goal"] == "0.40"
    assert opened["lights"] == {"green": "0.80", "yellow": "0.60"}


def test_a_holiday_may_fall_on_any_day_and_the_official_calendar_opens(harness: Harness) -> None:
    assert harness.open(holidays=[*CAMPAIGN_2020["holidays"], "2020-03-28"]).appended == 1


@pytest.mark.parametrize(
    ("changes", "field", "value", "rule"),
    [
        ({"start": "2020-07-01", "end": "2020-06-30"}, "end", "2020-06-30", "before start"),
        ({"start": "2019-12-20"}, "start", "2019-12-20", "not in the campaign year 2020"),
        ({"end": "2021-01-10"}, "end", "2021-01-10", "not in the campaign year 2020"),
        (
            {"targets": [{"name": "固投", "kind": "fixed_asset_investment", "goal": 0}]},
            "targets.固投.goal",
            "0",
            "greater than 0",
        ),
        (
            {"targets": [{"name": "技改", "kind": "tech_renovation_share", "goal": "-0.4"}]},
            "targets.技改.goal",
            "-0.4",
            "greater than 0",
        ),
        ({"lights": {"green": "0.6", "yellow": "0.8"}}, "lights.yellow", "0.8", "at most green"),
        ({"lights": {"green": "0.8", "yellow": "0"}}, "lights.yellow", "0", "in (0, 1]"),
        ({"lights": {"green": "0.8", "yellow": "-0.1"}}, "lights.yellow", "-0.1", "in (0, 1]"),
        (
            {"lights": {"green": "80", "yellow": "0.6"}},
            "lights.green",
            "80",
            "a ratio of spi in (0, 1]; did you mean 0.80 (or 80%)?",
        ),
        (
            {"targets": [{"name": "技改", "kind": "tech_renovation_share", "goal": "40"}]},
            "targets.技改.goal",
            "40",
            "a share is a ratio in (0, 1]; did you mean 0.40 (or 40%)?",
        ),
        (
            {"targets": [{"name": "开工", "kind": "industrial_projects_started", "goal": "2.5"}]},
            "targets.开工.goal",
            "2.5",
            "counts projects: must be a whole number",
        ),
        (
            {"targets": [{"name": "固投", "kind": "fixed_asset_investment", "goal": "1.005"}]},
            "targets.固投.goal",
            "1.005",
            "more than 2 decimal places",
        ),
        ({"holidays": ["2019-10-01"]}, "holidays", "2019-10-01", "not in the campaign year 2020"),
        ({"workdays": ["2021-01-02"]}, "workdays", "2021-01-02", "not in the campaign year 2020"),
        (
            {"workdays": ["2020-05-08"]},
            "workdays",
            "2020-05-08",
            "is a Friday: an adjusted workday (调休) is a Saturday or Sunday",
        ),
        ({"checkpoints": ["2021-06-30"]}, "checkpoints", "2021-06-30", "not in the campaign year"),
    ],
)
def test_opening_a_campaign_that_breaks_a_rule_is_refused(
    harness: Harness, changes: dict[str, Any], field: str, value: str, rule: str
) -> None:
    refused(
        harness, "open_campaign", field=field, value=value, rule=rule, **CAMPAIGN_2020 | changes
    )
    assert harness.events() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"start": "2020-06-30", "end": "2020-06-30"},
        {"lights": {"green": "0.7", "yellow": "0.7"}},
        {"start": "2020-01-01", "end": "2020-12-31"},
    ],
)
def test_a_campaign_at_the_edges_of_its_rules_is_opened(
    harness: Harness, changes: dict[str, Any]
) -> None:
    assert harness.open(**changes).appended == 1


# =================================================================== register project


def test_registering_a_project_appends_its_registration(opened: Harness) -> None:
    before = opened.events()
    result = opened.register(code="ZZ-002", factory_area_m2="12000.5", tech_renovation=True)
    ((kind, state),) = appended(opened, before)
    assert (result.appended, result.id, kind) == (1, "ZZ-002", "Project.Registered")
    assert state["code"] == "ZZ-002"
    assert (state["total_investment_yuan"], state["annual_plan_yuan"]) == (
        500_000_000,
        150_000_000,
    )
    assert (state["date"], state["planned_start"]) == ("2020-01-06", "2020-04-15")
    assert (state["industrial"], state["tech_renovation"]) == (True, True)
    assert state["factory_area_m2"] == "12000.50"


def test_a_project_registered_without_flags_is_neither_industrial_nor_tech_renovation(
    opened: Harness,
) -> None:
    before = opened.events()
    fields = {k: v for k, v in PROJECT.items() if k not in {"industrial", "planned_start"}}
    opened.run("register_project", **fields | {"code": "ZZ-002"})
    ((_, state),) = appended(opened, before)
    assert (state["industrial"], state["tech_renovation"]) == (False, False)
    assert "planned_start" not in state


def test_a_project_code_is_registered_once(opened: Harness) -> None:
    refused(
        opened,
        "register_project",
        field="code",
        value="ZZ-001",
        rule="already registered",
        **PROJECT | {"name": "另一个项目"},
    )


@pytest.mark.parametrize(
    ("changes", "field", "value", "rule"),
    [
        ({"annual_plan": "50000.01"}, "annual_plan", "50000.01", "more than total_investment"),
        ({"date": "2019-12-31"}, "date", "2019-12-31", "not in the campaign year 2020"),
        (
            {"planned_start": "2020-05-01", "planned_completion": "2020-04-30"},
            "planned_completion",
            "2020-04-30",
            "before planned_start (2020-05-01)",
        ),
        ({"code": "ZZ 001"}, "code", "'ZZ 001'", "letters, digits"),
    ],
)
def test_registering_a_project_that_breaks_a_rule_is_refused(
    opened: Harness, changes: dict[str, Any], field: str, value: str, rule: str
) -> None:
    refused(
        opened,
        "register_project",
        field=field,
        value=value,
        rule=rule,
        **PROJECT | {"code": "ZZ-002"} | changes,
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"annual_plan": "50000"},
        {"annual_plan": "0"},
        {"total_investment": "0", "annual_plan": "0"},
        {"planned_start": "2020-05-01", "planned_completion": "2020-05-01"},
        {"planned_start": "2019-05-01"},
        {"date": "2020-01-01"},
        {"planned_start": None, "planned_completion": "2020-03-01"},
    ],
)
def test_a_project_at_the_edges_of_its_rules_is_registered(
    opened: Harness, changes: dict[str, Any]
) -> None:
    fields = {k: v for k, v in (PROJECT | {"code": "ZZ-002"} | changes).items() if v is not None}
    assert opened.run("register_project", **fields).appended == 1


# ======================================================================== revise plan


def test_revising_a_plan_appends_the_revision(opened: Harness) -> None:
    before = opened.events()
    result = opened.run("revise_plan", **VALID["revise_plan"])
    ((kind, state),) = appended(opened, before)
    assert (result.appended, kind) == (1, "Project.PlanRevised")
    assert (state["code"], state["annual_plan_yuan"], state["date"]) == (
        "ZZ-001",
        120_000_000,
        "2020-06-15",
    )
    assert state["reason"] == "年中调整"


@pytest.mark.parametrize(
    ("changes", "field", "value", "rule"),
    [
        ({"annual_plan": "50000.01"}, "annual_plan", "50000.01", "more than total_investment"),
        ({"date": "2019-12-31"}, "date", "2019-12-31", "not in the campaign year 2020"),
        ({"date": "2020-01-05"}, "date", "2020-01-05", "before project ZZ-001 was registered"),
    ],
)
def test_revising_a_plan_that_breaks_a_rule_is_refused(
    opened: Harness, changes: dict[str, Any], field: str, value: str, rule: str
) -> None:
    refused(
        opened, "revise_plan", field=field, value=value, rule=rule, **VALID["revise_plan"] | changes
    )


def test_a_plan_is_not_revised_after_the_termination(opened: Harness) -> None:
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        opened,
        "revise_plan",
        field="date",
        value="2020-06-11",
        rule="after project ZZ-001 was terminated (2020-06-10)",
        **VALID["revise_plan"] | {"date": "2020-06-11"},
    )
    for day in ("2020-06-10", "2020-06-01"):
        assert opened.run("revise_plan", **VALID["revise_plan"] | {"date": day}).appended == 1


@pytest.mark.parametrize(
    "changes", [{"annual_plan": "50000"}, {"annual_plan": "0"}, {"date": "2020-01-06"}]
)
def test_a_revision_at_the_edges_of_its_rules_is_appended(
    opened: Harness, changes: dict[str, Any]
) -> None:
    assert opened.run("revise_plan", **VALID["revise_plan"] | changes).appended == 1


# ==================================================================== report progress


def test_reporting_progress_appends_the_days_report(opened: Harness) -> None:
    before = opened.events()
    result = opened.run(
        "report_progress",
        **REPORT,
        funds="100",
        physical_pct="12.5",
        workers=85,
        note="桩基施工",
    )
    ((kind, state),) = appended(opened, before)
    assert (result.appended, kind) == (1, "DailyReport.Reported")
    assert state["code"] == "ZZ-001"
    assert state["date"] == "2020-04-16"
    assert (state["investment_yuan"], state["funds_yuan"], state["physical_pct"]) == (
        1_205_000,
        1_000_000,
        12.5,
    )
    assert (state["workers"], state["note"]) == (85, "桩基施工")


def test_the_same_report_again_appends_nothing_and_succeeds(opened: Harness) -> None:
    opened.run("report_progress", **REPORT, funds="100", physical_pct=12)
    before = opened.events()
    again = opened.run(
        "report_progress",
        code="ZZ-001",
        date="2020-04-16",
        investment=120.50,
        funds=100,
        physical_pct="12.00",
    )
    assert again.appended == 0
    assert opened.events() == before


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"investment": "120.51"}, "investment", "120.51"),
        ({"funds": "99"}, "funds", "99"),
        ({"funds": None}, "funds", "(none)"),
        ({"workers": 86}, "workers", "86"),
        ({"note": "另一说明"}, "note", "另一说明"),
    ],
)
def test_a_second_report_for_the_same_day_with_other_values_is_refused(
    opened: Harness, changes: dict[str, Any], field: str, value: str
) -> None:
    first = REPORT | {"funds": "100", "workers": 85, "note": "桩基施工"}
    opened.run("report_progress", **first)
    second = {k: v for k, v in (first | changes).items() if v is not None}
    refused(opened, "report_progress", field=field, value=value, rule="use correct", **second)


def test_after_a_correction_the_corrected_values_repeat_and_the_original_ones_are_refused(
    opened: Harness,
) -> None:
    opened.run("report_progress", **REPORT, funds="100")
    opened.run(
        "correct_progress", code="ZZ-001", date="2020-04-16", investment="102.5", reason="发票核对"
    )
    before = opened.events()
    same = opened.run(
        "report_progress", code="ZZ-001", date="2020-04-16", investment="102.5", funds="100"
    )
    assert same.appended == 0
    assert opened.events() == before
    refused(
        opened,
        "report_progress",
        field="investment",
        value="120.5",
        rule="(102.50)",
        **REPORT,
        funds="100",
    )


@pytest.mark.parametrize(
    ("date", "rule"),
    [
        ("2020-01-05", "before project ZZ-001 was registered (2020-01-06)"),
        ("2019-12-31", "not in the campaign year 2020"),
    ],
)
def test_a_report_dated_outside_the_projects_life_or_year_is_refused(
    opened: Harness, date: str, rule: str
) -> None:
    refused(
        opened, "report_progress", field="date", value=date, rule=rule, **REPORT | {"date": date}
    )


def test_a_report_on_the_registration_day_is_accepted(opened: Harness) -> None:
    assert opened.run("report_progress", **REPORT | {"date": "2020-01-06"}).appended == 1


def test_a_report_after_the_termination_date_is_refused(opened: Harness) -> None:
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        opened,
        "report_progress",
        field="date",
        value="2020-06-11",
        rule="after project ZZ-001 was terminated (2020-06-10)",
        **REPORT | {"date": "2020-06-11"},
    )


@pytest.mark.parametrize("date", ["2020-06-10", "2020-06-09", "2020-03-02"])
def test_a_report_dated_on_or_before_the_termination_but_recorded_after_it_is_accepted(
    opened: Harness, date: str
) -> None:
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    before = opened.events()
    assert opened.run("report_progress", **REPORT | {"date": date}).appended == 1
    assert opened.events() == before + 1


def test_a_day_reported_by_another_project_is_a_separate_report(opened: Harness) -> None:
    opened.register(code="ZZ-002")
    opened.run("report_progress", **REPORT)
    assert opened.run("report_progress", **REPORT | {"code": "ZZ-002", "investment": 9}).appended


# =================================================================== correct progress


def test_correcting_a_report_appends_the_correction_with_only_the_values_given(
    opened: Harness,
) -> None:
    opened.run("report_progress", **REPORT, funds="100")
    before = opened.events()
    result = opened.run("correct_progress", **VALID["correct_progress"])
    ((kind, state),) = appended(opened, before)
    assert (result.appended, kind) == (1, "DailyReport.Corrected")
    assert (state["code"], state["date"], state["investment_yuan"]) == (
        "ZZ-001",
        "2020-04-16",
        1_000_000,
    )
    assert state["reason"] == "发票核对"
    assert "funds_yuan" not in state


def test_a_correction_needs_that_days_report(opened: Harness) -> None:
    opened.run("report_progress", **REPORT)
    refused(
        opened,
        "correct_progress",
        field="date",
        value="2020-04-17",
        rule="no report for that day",
        **VALID["correct_progress"] | {"date": "2020-04-17"},
    )


def test_a_correction_must_give_a_value(opened: Harness) -> None:
    opened.run("report_progress", **REPORT)
    refused(
        opened,
        "correct_progress",
        field="investment",
        value="(none)",
        rule="at least one of",
        code="ZZ-001",
        date="2020-04-16",
        reason="无",
    )


def test_later_corrections_win_and_values_not_given_stay(opened: Harness) -> None:
    opened.run("report_progress", **REPORT, funds="100", workers=80)
    opened.run("correct_progress", code="ZZ-001", date="2020-04-16", investment="110", reason="a")
    opened.run(
        "correct_progress",
        code="ZZ-001",
        date="2020-04-16",
        investment="105",
        funds="90",
        reason="b",
    )
    current: dict[str, Any] = {
        "code": "ZZ-001",
        "date": "2020-04-16",
        "investment": "105",
        "funds": "90",
        "workers": 80,
    }
    assert opened.run("report_progress", **current).appended == 0
    refused(
        opened,
        "report_progress",
        field="investment",
        value="110",
        rule="(105.00)",
        **current | {"investment": "110"},
    )


def test_a_report_is_corrected_after_the_termination_for_days_on_or_before_it(
    opened: Harness,
) -> None:
    opened.run("report_progress", **REPORT | {"date": "2020-06-10"})
    opened.run("report_progress", **REPORT | {"date": "2020-06-01"})
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    for day in ("2020-06-10", "2020-06-01"):
        fields = VALID["correct_progress"] | {"date": day}
        assert opened.run("correct_progress", **fields).appended == 1


def test_a_report_dated_after_a_backdated_termination_is_not_corrected(opened: Harness) -> None:
    opened.run("report_progress", **REPORT | {"date": "2020-06-15"})
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        opened,
        "correct_progress",
        field="date",
        value="2020-06-15",
        rule="after project ZZ-001 was terminated (2020-06-10)",
        **VALID["correct_progress"] | {"date": "2020-06-15"},
    )


# ====================================================================== reach milestone


def milestones(h: Harness, *steps: tuple[str, str]) -> None:
    for milestone, date in steps:
        h.run("reach_milestone", code="ZZ-001", milestone=milestone, date=date)


def test_reaching_a_milestone_appends_it(opened: Harness) -> None:
    before = opened.events()
    result = opened.run("reach_milestone", code="ZZ-001", milestone="signed", date="2020-02-01")
    ((kind, state),) = appended(opened, before)
    assert (result.appended, kind) == (1, "Project.MilestoneReached")
    assert (state["code"], state["milestone"], state["date"]) == ("ZZ-001", "signed", "2020-02-01")


def test_milestones_in_order_each_after_the_one_before_are_accepted(opened: Harness) -> None:
    milestones(
        opened,
        ("signed", "2020-02-01"),
        ("started", "2020-04-18"),
        ("completed", "2020-06-01"),
        ("production", "2020-06-20"),
    )
    assert opened.events() == 2 + 4


def test_production_may_follow_started_directly(opened: Harness) -> None:
    milestones(opened, ("signed", "2020-02-01"), ("started", "2020-04-18"))
    assert (
        opened.run(
            "reach_milestone", code="ZZ-001", milestone="production", date="2020-06-20"
        ).appended
        == 1
    )


def test_milestones_on_the_same_day_are_accepted(opened: Harness) -> None:
    milestones(
        opened,
        ("signed", "2020-04-18"),
        ("started", "2020-04-18"),
        ("completed", "2020-04-18"),
        ("production", "2020-04-18"),
    )
    assert opened.events() == 2 + 4


def test_a_continuing_project_may_have_milestones_in_an_earlier_year(opened: Harness) -> None:
    opened.register(code="ZZ-009", category="continuing", planned_start="2019-05-01")
    for milestone, date in (("signed", "2019-03-15"), ("started", "2019-05-06")):
        result = opened.run("reach_milestone", code="ZZ-009", milestone=milestone, date=date)
        assert result.appended == 1


SIGNED = ("signed", "2020-02-01")
STARTED = ("started", "2020-04-18")


@pytest.mark.parametrize(
    ("reached", "attempt", "refusal"),
    [
        ([SIGNED], ("signed", "2020-03-01"), ("milestone", "signed", "already reached it on")),
        ([], ("started", "2020-04-18"), ("milestone", "started", "needs signed first")),
        ([SIGNED], ("completed", "2020-06-01"), ("milestone", "completed", "needs started")),
        ([SIGNED], ("production", "2020-06-01"), ("milestone", "production", "needs started")),
        (
            [SIGNED, STARTED, ("production", "2020-06-20")],
            ("completed", "2020-06-21"),
            ("milestone", "completed", "comes before production"),
        ),
        ([SIGNED, STARTED], ("signed", "2020-04-19"), ("milestone", "signed", "already reached")),
        ([SIGNED], ("started", "2020-01-31"), ("date", "2020-01-31", "before signed (2020-02-01)")),
        (
            [SIGNED, STARTED],
            ("production", "2020-04-17"),
            ("date", "2020-04-17", "before started (2020-04-18)"),
        ),
    ],
)
def test_a_milestone_out_of_order_or_twice_is_refused(
    opened: Harness,
    reached: list[tuple[str, str]],
    attempt: tuple[str, str],
    refusal: tuple[str, str, str],
) -> None:
    milestones(opened, *reached)
    milestone, date = attempt
    field, value, rule = refusal
    refused(
        opened,
        "reach_milestone",
        field=field,
        value=value,
        rule=rule,
        code="ZZ-001",
        milestone=milestone,
        date=date,
    )


def test_a_milestone_is_not_reached_after_the_termination_date(opened: Harness) -> None:
    milestones(opened, ("signed", "2020-02-01"))
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        opened,
        "reach_milestone",
        field="date",
        value="2020-06-11",
        rule="after project ZZ-001 was terminated (2020-06-10)",
        code="ZZ-001",
        milestone="started",
        date="2020-06-11",
    )
    assert (
        opened.run(
            "reach_milestone", code="ZZ-001", milestone="started", date="2020-06-10"
        ).appended
        == 1
    )


# ==================================================================== terminate project


def test_terminating_a_project_appends_the_termination(opened: Harness) -> None:
    before = opened.events()
    result = opened.run("terminate_project", **VALID["terminate_project"])
    ((kind, state),) = appended(opened, before)
    assert (result.appended, kind) == (1, "Project.Terminated")
    assert (state["code"], state["date"], state["reason"]) == ("ZZ-001", "2020-06-20", "投资方撤资")


def test_a_project_is_terminated_once(opened: Harness) -> None:
    opened.run("terminate_project", **VALID["terminate_project"])
    refused(
        opened,
        "terminate_project",
        field="code",
        value="ZZ-001",
        rule="already terminated on 2020-06-20",
        **VALID["terminate_project"] | {"date": "2020-06-25"},
    )


def test_a_termination_before_the_registration_is_refused(opened: Harness) -> None:
    refused(
        opened,
        "terminate_project",
        field="date",
        value="2020-01-05",
        rule="before project ZZ-001 was registered (2020-01-06)",
        **VALID["terminate_project"] | {"date": "2020-01-05"},
    )
    fields = VALID["terminate_project"] | {"date": "2020-01-06"}
    assert opened.run("terminate_project", **fields).appended == 1


# ================================================================== file factor request


def test_filing_a_request_appends_it_with_its_due_date_and_returns_its_id(
    opened: Harness,
) -> None:
    before = opened.events()
    result = opened.run("file_factor", **REQUEST_WATER_0430)
    ((kind, state),) = appended(opened, before)
    assert (result.appended, kind) == (1, "FactorRequest.Filed")
    assert result.id
    assert state["request_id"] == result.id
    assert (state["code"], state["category"], state["date"]) == ("ZZ-001", "water", "2020-04-30")
    assert state["due"] == "2020-05-13"
    assert "2020-05-13" in result.message


@pytest.mark.parametrize(
    ("category", "date", "due"),
    [
        # 7 days (approval): May 1-5 rest; 6,7,8 May; Sat 9 May is a 调休 workday; 11,12,13 May.
        ("approval", "2020-04-30", "2020-05-13"),
        # filed on a holiday: the same seven working days.
        ("approval", "2020-05-01", "2020-05-13"),
        # no limit set for water: 7 days; 4-6 Apr rest (清明); 7,8,9,10,13,14,15 Apr.
        ("water", "2020-04-03", "2020-04-15"),
        # 10 days (power): Sun 26 Apr is a workday; 26-30 Apr, 6-8 May, Sat 9 May, Mon 11 May.
        ("power", "2020-04-24", "2020-05-11"),
        # 20 days (land): 25-27 Jun rest (端午), Sun 28 Jun worked; 23,24,28,29,30 Jun,
        # 1-3, 6-10, 13-17, 20, 21 Jul.
        ("land", "2020-06-22", "2020-07-21"),
        # an ordinary week: Fri 10 Jul + 7 working days = Tue 21 Jul.
        ("labour", "2020-07-10", "2020-07-21"),
        # land from a Friday before 清明: 3 Apr -> 20 working days -> 2020-05-06.
        ("land", "2020-04-03", "2020-05-06"),
    ],
)
def test_the_due_date_is_the_nth_working_day_after_filing_on_the_2020_calendar(
    opened: Harness, category: str, date: str, due: str
) -> None:
    before = opened.events()
    opened.run("file_factor", code="ZZ-001", category=category, detail="要素", date=date)
    ((_, state),) = appended(opened, before)
    assert state["due"] == due


def test_the_same_key_returns_the_same_id_and_appends_nothing(opened: Harness) -> None:
    first = opened.run("file_factor", **REQUEST_WATER_0430, key="ZZ-001/water-1")
    before = opened.events()
    again = opened.run("file_factor", **REQUEST_WATER_0430, key="ZZ-001/water-1")
    assert (again.id, again.appended) == (first.id, 0)
    assert opened.events() == before
    other = opened.run("file_factor", **REQUEST_WATER_0430, key="ZZ-001/water-2")
    assert other.id != first.id
    assert other.appended >= 1


def test_same_day_twin_requests_filed_again_get_distinct_ids(opened: Harness) -> None:
    first = opened.run("file_factor", **REQUEST_WATER_0430)
    second = opened.run("file_factor", **REQUEST_WATER_0430 | {"again": True})
    third = opened.run("file_factor", **REQUEST_WATER_0430 | {"again": True})
    assert len({first.id, second.id, third.id}) == 3
    assert opened.events() == 2 + 3
    opened.run("resolve_factor", id=second.id, outcome="rejected", date="2020-05-06", note="x")
    assert (
        opened.run(
            "resolve_factor", id=first.id, outcome="fulfilled", date="2020-05-07", note="y"
        ).appended
        == 1
    )


def test_a_second_open_request_of_the_same_day_and_detail_is_refused_as_a_duplicate(
    opened: Harness,
) -> None:
    first = opened.run("file_factor", **REQUEST_WATER_0430)
    refused(
        opened,
        "file_factor",
        field="detail",
        value=REQUEST_WATER_0430["detail"],
        rule=f"is the detail of request {first.id}, filed that day and still open",
        **REQUEST_WATER_0430,
    )


def test_a_same_day_request_with_another_detail_or_after_the_first_closed_is_filed(
    opened: Harness,
) -> None:
    first = opened.run("file_factor", **REQUEST_WATER_0430)
    other = opened.run("file_factor", **REQUEST_WATER_0430 | {"detail": "再生水接入"})
    opened.run("resolve_factor", id=first.id, outcome="fulfilled", date="2020-04-30", note="x")
    again = opened.run("file_factor", **REQUEST_WATER_0430)
    assert (other.appended, again.appended) == (1, 1)
    assert len({first.id, other.id, again.id}) == 3


def test_a_request_before_the_project_is_registered_is_refused(opened: Harness) -> None:
    refused(
        opened,
        "file_factor",
        field="date",
        value="2020-01-05",
        rule="before project ZZ-001 was registered (2020-01-06)",
        **REQUEST_WATER_0430 | {"date": "2020-01-05"},
    )


@pytest.mark.parametrize("date", ["2020-06-10", "2020-06-11", "2020-07-10"])
def test_a_request_on_or_after_the_termination_date_is_refused(opened: Harness, date: str) -> None:
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        opened,
        "file_factor",
        field="date",
        value=date,
        rule="terminated on 2020-06-10, on or before it",
        **REQUEST_WATER_0430 | {"date": date},
    )


def test_a_request_dated_before_the_termination_is_filed_after_it(opened: Harness) -> None:
    opened.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    fields = REQUEST_WATER_0430 | {"date": "2020-06-09"}
    assert opened.run("file_factor", **fields).appended == 1


# ================================================================ extend factor request


def test_extending_a_request_appends_the_extension(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    before = h.events()
    result = h.run(
        "extend_factor", id=request_id, due="2020-05-29", date="2020-05-06", reason="需省厅批复"
    )
    ((kind, state),) = appended(h, before)
    assert (result.appended, kind) == (1, "FactorRequest.Extended")
    assert (state["due"], state["date"], state["reason"]) == (
        "2020-05-29",
        "2020-05-06",
        "需省厅批复",
    )


@pytest.mark.parametrize("due", ["2020-05-13", "2020-05-12", "2020-05-01"])
def test_an_extension_not_later_than_the_sla_due_date_is_refused(
    filed: tuple[Harness, str], due: str
) -> None:
    h, request_id = filed
    refused(
        h,
        "extend_factor",
        field="due",
        value=due,
        rule="not later than the due date in force on 2020-05-06 (2020-05-13)",
        id=request_id,
        due=due,
        date="2020-05-06",
        reason="r",
    )


def test_an_extension_must_be_later_than_the_due_in_force_on_its_date(
    filed: tuple[Harness, str],
) -> None:
    h, request_id = filed
    h.run("extend_factor", id=request_id, due="2020-05-29", date="2020-05-06", reason="一")
    refused(
        h,
        "extend_factor",
        field="due",
        value="2020-05-20",
        rule="in force on 2020-05-08 (2020-05-29)",
        id=request_id,
        due="2020-05-20",
        date="2020-05-08",
        reason="二",
    )
    refused(
        h,
        "extend_factor",
        field="due",
        value="2020-05-29",
        rule="(2020-05-29)",
        id=request_id,
        due="2020-05-29",
        date="2020-05-06",
        reason="二",
    )
    assert (
        h.run(
            "extend_factor", id=request_id, due="2020-05-30", date="2020-05-06", reason="同日再延"
        ).appended
        == 1
    )


def test_an_extension_dated_before_the_last_extension_is_refused(
    filed: tuple[Harness, str],
) -> None:
    h, request_id = filed
    h.run("extend_factor", id=request_id, due="2020-05-29", date="2020-05-08", reason="一")
    refused(
        h,
        "extend_factor",
        field="date",
        value="2020-05-07",
        rule="before the last extension's date (2020-05-08)",
        id=request_id,
        due="2020-06-30",
        date="2020-05-07",
        reason="二",
    )


def test_an_extension_dated_before_the_filing_is_refused(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    refused(
        h,
        "extend_factor",
        field="date",
        value="2020-04-29",
        rule="before the request was filed (2020-04-30)",
        id=request_id,
        due="2020-05-29",
        date="2020-04-29",
        reason="r",
    )
    assert (
        h.run(
            "extend_factor", id=request_id, due="2020-05-29", date="2020-04-30", reason="r"
        ).appended
        == 1
    )


def test_a_resolved_request_is_not_extended(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    h.run("resolve_factor", id=request_id, outcome="rejected", date="2020-05-06", note="不符合条件")
    refused(
        h,
        "extend_factor",
        field="id",
        value=request_id,
        rule="already resolved (rejected) on 2020-05-06",
        id=request_id,
        due="2020-05-29",
        date="2020-05-07",
        reason="r",
    )


def test_an_extension_after_the_projects_termination_is_refused(
    filed: tuple[Harness, str],
) -> None:
    h, request_id = filed
    h.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        h,
        "extend_factor",
        field="date",
        value="2020-06-11",
        rule="after project ZZ-001 was terminated (2020-06-10)",
        id=request_id,
        due="2020-06-30",
        date="2020-06-11",
        reason="r",
    )
    assert (
        h.run(
            "extend_factor", id=request_id, due="2020-06-30", date="2020-06-10", reason="r"
        ).appended
        == 1
    )


# =============================================================== escalate factor request


def test_escalating_a_request_appends_the_escalation(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    before = h.events()
    result = h.run("escalate_factor", id=request_id, level=2, date="2020-05-14", note="约谈")
    ((kind, state),) = appended(h, before)
    assert (result.appended, kind) == (1, "FactorRequest.Escalated")
    assert (state["level"], state["date"], state["note"]) == (2, "2020-05-14", "约谈")


def test_an_escalation_before_the_filing_is_refused(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    refused(
        h,
        "escalate_factor",
        field="date",
        value="2020-04-29",
        rule="before the request was filed (2020-04-30)",
        id=request_id,
        level=1,
        date="2020-04-29",
        note="n",
    )
    assert (
        h.run("escalate_factor", id=request_id, level=1, date="2020-04-30", note="n").appended == 1
    )


def test_a_resolved_request_is_not_escalated(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    h.run("resolve_factor", id=request_id, outcome="fulfilled", date="2020-05-06", note="已办结")
    refused(
        h,
        "escalate_factor",
        field="id",
        value=request_id,
        rule="already resolved (fulfilled) on 2020-05-06",
        id=request_id,
        level=3,
        date="2020-05-20",
        note="n",
    )


def test_an_escalation_after_the_projects_termination_is_refused(
    filed: tuple[Harness, str],
) -> None:
    h, request_id = filed
    h.run("terminate_project", code="ZZ-001", date="2020-06-10", reason="撤资")
    refused(
        h,
        "escalate_factor",
        field="date",
        value="2020-06-11",
        rule="after project ZZ-001 was terminated (2020-06-10)",
        id=request_id,
        level=1,
        date="2020-06-11",
        note="n",
    )
    assert (
        h.run("escalate_factor", id=request_id, level=1, date="2020-06-10", note="n").appended == 1
    )


# ================================================================ resolve factor request


@pytest.mark.parametrize("outcome", ["fulfilled", "rejected"])
def test_resolving_a_request_appends_the_resolution(
    filed: tuple[Harness, str], outcome: str
) -> None:
    h, request_id = filed
    before = h.events()
    result = h.run("resolve_factor", id=request_id, outcome=outcome, date="2020-05-08", note="n")
    ((kind, state),) = appended(h, before)
    assert (result.appended, kind) == (1, "FactorRequest.Resolved")
    assert (state["outcome"], state["date"]) == (outcome, "2020-05-08")


def test_a_request_is_resolved_once(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    h.run("resolve_factor", id=request_id, outcome="fulfilled", date="2020-05-08", note="n")
    refused(
        h,
        "resolve_factor",
        field="id",
        value=request_id,
        rule="already resolved",
        id=request_id,
        outcome="fulfilled",
        date="2020-05-08",
        note="n",
    )


def test_a_resolution_before_the_filing_is_refused(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    refused(
        h,
        "resolve_factor",
        field="date",
        value="2020-04-29",
        rule="before the request was filed (2020-04-30)",
        id=request_id,
        outcome="fulfilled",
        date="2020-04-29",
        note="n",
    )
    assert (
        h.run(
            "resolve_factor", id=request_id, outcome="fulfilled", date="2020-04-30", note="当日办结"
        ).appended
        == 1
    )


def test_a_resolution_before_an_extensions_date_is_refused(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    h.run("extend_factor", id=request_id, due="2020-05-29", date="2020-05-10", reason="r")
    refused(
        h,
        "resolve_factor",
        field="date",
        value="2020-05-09",
        rule="before an extension of this request (2020-05-10)",
        id=request_id,
        outcome="fulfilled",
        date="2020-05-09",
        note="n",
    )
    assert (
        h.run(
            "resolve_factor", id=request_id, outcome="fulfilled", date="2020-05-10", note="n"
        ).appended
        == 1
    )


def test_a_resolution_before_an_escalations_date_is_refused(filed: tuple[Harness, str]) -> None:
    h, request_id = filed
    h.run("escalate_factor", id=request_id, level=1, date="2020-05-14", note="督办")
    h.run("escalate_factor", id=request_id, level=2, date="2020-05-20", note="约谈")
    refused(
        h,
        "resolve_factor",
        field="date",
        value="2020-05-19",
        rule="before an escalation of this request (2020-05-20)",
        id=request_id,
        outcome="fulfilled",
        date="2020-05-19",
        note="n",
    )
    assert (
        h.run(
            "resolve_factor", id=request_id, outcome="fulfilled", date="2020-05-20", note="n"
        ).appended
        == 1
    )


def test_a_request_of_a_terminated_project_stays_open_until_resolved(
    filed: tuple[Harness, str],
) -> None:
    h, request_id = filed
    h.run("terminate_project", code="ZZ-001", date="2020-05-05", reason="撤资")
    assert (
        h.run(
            "resolve_factor",
            id=request_id,
            outcome="rejected",
            date="2020-06-01",
            note="项目已终止",
        ).appended
        == 1
    )


# ============================================================================ one line


@pytest.mark.parametrize(
    ("cmd", "field", "fields"),
    [
        ("report_progress", "note", REPORT),
        ("register_project", "name", PROJECT | {"code": "ZZ-009"}),
        ("register_project", "unit", PROJECT | {"code": "ZZ-009"}),
        ("file_factor", "detail", REQUEST_WATER_0430),
        ("file_factor", "key", REQUEST_WATER_0430),
    ],
)
@pytest.mark.parametrize(
    ("char", "code"),
    [("\n", "U+000A"), ("\x1b", "U+001B"), ("\u202e", "U+202E"), ("\u2066", "U+2066")],
)
def test_text_holding_a_control_or_direction_character_is_refused_in_one_line(
    opened: Harness, *, cmd: str, field: str, fields: dict[str, Any], char: str, code: str
) -> None:
    error = refused(
        opened,
        cmd,
        field=field,
        value="",
        rule=f"holds the control character {code}",
        **fields | {field: f"锂电池{char}二期"},
    )
    assert char not in str(error)


def test_money_written_with_an_underscore_or_an_exponent_is_refused(opened: Harness) -> None:
    for written in ("1_000", "1e3", "Infinity", "12O"):
        refused(
            opened,
            "report_progress",
            field="investment",
            value=written,
            rule="must be a decimal number written with digits",
            **REPORT | {"investment": written},
        )


def test_full_width_digits_read_as_digits(opened: Harness) -> None:
    before = opened.events()
    opened.run("report_progress", **REPORT | {"investment": "１２０．５"})
    ((_, state),) = stored_events(opened.store, before)
    assert state["investment_yuan"] == 1_205_000


def test_an_actor_holding_a_direction_override_is_refused(opened: Harness) -> None:
    before = opened.events()
    with pytest.raises(Refused, match=r"actor=.*control character U\+202E"):
        opened.run("report_progress", actor="张三\u202e办公室", **REPORT)
    assert opened.events() == before


def test_the_same_key_with_another_detail_is_refused_naming_the_difference(
    opened: Harness,
) -> None:
    first = opened.run("file_factor", **REQUEST_WATER_0430, key="k-1")
    refused(
        opened,
        "file_factor",
        field="detail",
        value="再生水接入",
        rule=f"differs from request {first.id} filed under key k-1 (detail 自来水管网接入)",
        **REQUEST_WATER_0430 | {"detail": "再生水接入", "key": "k-1"},
    )
    refused(
        opened,
        "file_factor",
        field="date",
        value="2020-05-06",
        rule=f"differs from request {first.id} filed under key k-1 (date 2020-04-30)",
        **REQUEST_WATER_0430 | {"date": "2020-05-06", "key": "k-1"},
    )
    again = opened.run("file_factor", **REQUEST_WATER_0430, key="k-1")
    assert (again.id, again.appended) == (first.id, 0)

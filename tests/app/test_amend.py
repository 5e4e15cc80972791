"""SPEC §3 amend campaign, the rules: an amendment changes settings from its date, checked like
the opening ones; a refused amendment appends nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from campaign import Refused
from tests.conftest import stored_events

if TYPE_CHECKING:
    from tests.conftest import Harness


def amend(h: Harness, **fields: Any) -> Any:
    return h.run("amend_campaign", **({"date": "2020-05-06", "reason": "区政府通知"} | fields))


def test_an_amendment_records_only_what_it_changes(opened: Harness) -> None:
    before = opened.events()
    result = amend(opened, lights={"green": "0.9"}, sla_days={"land": 15})
    assert result.appended == 1
    ((kind, state),) = stored_events(opened.store, before)
    assert kind == "Campaign.Amended"
    assert state["date"] == "2020-05-06"
    assert state["reason"] == "区政府通知"
    # a threshold not given stays as it is in force (yellow 0.6), SLA days given merge
    assert state["lights"] == {"green": "0.9", "yellow": "0.6"}
    assert state["sla_days"] == {"land": 15}
    assert "targets" not in state and "holidays" not in state


def test_the_sla_days_in_force_on_the_filing_date_set_the_due_date(opened: Harness) -> None:
    amend(opened, date="2020-05-06", sla_days={"water": 3})
    before = opened.run(
        "file_factor", code="ZZ-001", category="water", detail="自来水", date="2020-05-05"
    )
    after = opened.run(
        "file_factor", code="ZZ-001", category="water", detail="中水", date="2020-05-06"
    )
    dues = {s["request_id"]: s["due"] for _, s in stored_events(opened.store) if "due" in s}
    # 7 working days (the default) after 5 May: 6, 7, 8, 9 (a Saturday worked), 11, 12, 13;
    # 3 after 6 May: 7, 8, 9
    assert dues[before.id] == "2020-05-13"
    assert dues[after.id] == "2020-05-09"


def test_a_holiday_added_from_a_date_moves_due_dates_filed_from_then(opened: Harness) -> None:
    holidays = [*opened_holidays(), "2020-05-07"]
    amend(opened, date="2020-05-06", holidays=holidays)
    request = opened.run(
        "file_factor", code="ZZ-001", category="water", detail="x", date="2020-05-06"
    )
    due = next(
        s["due"] for _, s in stored_events(opened.store) if s.get("request_id") == request.id
    )
    # 7 working days after 6 May, 7 May now resting and 9 May (Sat) worked: 8, 9, 11–15 -> 15 May
    assert due == "2020-05-15"


def opened_holidays() -> list[str]:
    from tests.conftest import CAMPAIGN_2020

    return list(CAMPAIGN_2020["holidays"])


@pytest.mark.parametrize(
    ("fields", "field", "value", "rule"),
    [
        ({"lights": {"green": "80"}}, "lights.green", "80", "did you mean 0.80 (or 80%)?"),
        ({"lights": {"yellow": "0.9"}}, "lights.yellow", "0.9", "at most green (0.8)"),
        (
            {"targets": [{"name": "技改", "kind": "tech_renovation_share", "goal": "40"}]},
            "targets.技改.goal",
            "40",
            "did you mean 0.40 (or 40%)?",
        ),
        (
            {"targets": [{"name": "开工", "kind": "tech_renovation_projects", "goal": "2.5"}]},
            "targets.开工.goal",
            "2.5",
            "must be a whole number",
        ),
        ({"holidays": ["2021-01-01"]}, "holidays", "2021-01-01", "not in the campaign year"),
        ({"workdays": ["2020-05-06"]}, "workdays", "2020-05-06", "is a Wednesday"),
        ({"workdays": ["2020-05-02"]}, "workdays", "2020-05-02", "also listed as a holiday"),
        ({"date": "2021-01-04", "lights": {"green": "0.9"}}, "date", "2021-01-04", "campaign year"),
        ({"date": "2020-07-11", "lights": {"green": "0.9"}}, "date", "2020-07-11", "today"),
        ({}, "settings", "(none)", "changes at least one of checkpoints"),
        ({"sla_days": {"land": 0}}, "sla_days.land", "0", "greater than or equal to 1"),
    ],
)
def test_an_amendment_that_breaks_a_rule_is_refused_and_appends_nothing(
    opened: Harness, fields: dict[str, Any], field: str, value: str, rule: str
) -> None:
    before = opened.events()
    with pytest.raises(Refused) as caught:
        amend(opened, **fields)
    message = str(caught.value)
    assert message.startswith(f"{field}="), message
    assert value in message and rule in message, message
    assert opened.events() == before


def test_an_amendment_needs_an_open_campaign(harness: Harness) -> None:
    with pytest.raises(Refused, match="no campaign is open"):
        amend(harness, lights={"green": "0.9"})
    assert harness.events() == 0


def test_opening_again_points_to_amend(opened: Harness) -> None:
    with pytest.raises(Refused, match="campaign amend"):
        opened.open()

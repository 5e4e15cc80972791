"""A sample of the rules of SPEC §3 (tests/app/test_rules.py, which runs on the in-memory store)
on SQLite and PostgreSQL: the same test bodies, on an engine opened by the composition root."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pytest

from campaign import Settings, open_engine
from tests.app import test_rules as rules
from tests.app.test_rules import REPORT, REQUEST_WATER_0430, refused
from tests.conftest import Harness

if TYPE_CHECKING:
    from collections.abc import Callable

    from campaign import FixedClock

Start = Literal["empty", "opened", "filed"]

# (rule test, the store it starts from, its parameters): `opened` holds the campaign and
# ZZ-001, `filed` also ZZ-001's water request of 2020-04-30 (the fixtures of test_rules.py).
SAMPLE: list[tuple[Callable[..., None], Start, dict[str, Any]]] = [
    (
        rules.test_every_command_before_a_campaign_is_opened_is_refused,
        "empty",
        {"cmd": "revise_plan"},
    ),
    (rules.test_a_campaign_is_opened_once_per_store, "empty", {}),
    (rules.test_the_engines_today_follows_the_campaigns_own_time_zone, "empty", {}),
    (rules.test_money_is_taken_as_a_json_number_or_a_decimal_string_and_kept_exact, "opened", {}),
    (rules.test_a_project_code_is_registered_once, "opened", {}),
    (
        rules.test_after_a_correction_the_corrected_values_repeat_and_the_original_ones_are_refused,
        "opened",
        {},
    ),
    (rules.test_later_corrections_win_and_values_not_given_stay, "opened", {}),
    (rules.test_milestones_in_order_each_after_the_one_before_are_accepted, "opened", {}),
    (rules.test_same_day_twin_requests_filed_again_get_distinct_ids, "opened", {}),
    (rules.test_an_extension_must_be_later_than_the_due_in_force_on_its_date, "filed", {}),
    (rules.test_a_resolution_before_an_escalations_date_is_refused, "filed", {}),
    (
        rules.test_a_second_open_request_of_the_same_day_and_detail_is_refused_as_a_duplicate,
        "opened",
        {},
    ),
]


@pytest.mark.parametrize(
    ("rule", "start", "parameters"),
    SAMPLE,
    ids=[rule.__name__.removeprefix("test_")[:60] for rule, _, _ in SAMPLE],
)
def test_a_rule_holds_on_every_backend(
    any_db: str,
    clock: FixedClock,
    rule: Callable[..., None],
    start: Start,
    parameters: dict[str, Any],
) -> None:
    with open_engine(Settings(db=any_db, clock=clock)) as engine:
        h = Harness(engine)
        if start == "empty":
            rule(h, **parameters)
            return
        h.open()
        h.register()
        if start == "opened":
            rule(h, **parameters)
            return
        filed = h.run("file_factor", **REQUEST_WATER_0430)
        rule((h, filed.id), **parameters)


def test_on_every_backend_a_refusal_or_a_repeat_appends_nothing(
    any_db: str, clock: FixedClock
) -> None:
    with open_engine(Settings(db=any_db, clock=clock)) as engine:
        h = Harness(engine)
        h.open()
        h.register()
        h.run("report_progress", **REPORT)
        request = h.run("file_factor", **REQUEST_WATER_0430, key="k-1")
        assert h.events() == 5  # a keyed filing also records its key
        assert h.run("report_progress", **REPORT).appended == 0
        assert h.run("file_factor", **REQUEST_WATER_0430, key="k-1").id == request.id
        refused(
            h,
            "report_progress",
            field="investment",
            value="1.00",
            rule="use correct",
            **REPORT | {"investment": 1},
        )
        refused(
            h,
            "extend_factor",
            field="due",
            value="2020-05-13",
            rule="not later",
            id=request.id,
            due="2020-05-13",
            date="2020-05-06",
            reason="r",
        )
        assert h.events() == 5

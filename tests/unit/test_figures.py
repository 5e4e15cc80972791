"""Each figure of SPEC §6 alone, by its SPEC name, against values computed by hand; every
boundary the SPEC draws (a date equal to as_of, a threshold reached exactly, a holiday or an
adjusted workday at either end of a working-day count) has a case on each side of it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import pytest

from campaign.domain.calendar import HOLIDAYS_2020, WORKDAYS_2020, WorkCalendar
from campaign.domain.values import Target
from campaign.domain.vocabulary import TargetKind
from campaign.figures.factors import (
    closure_rate,
    due_in_force,
    escalation_level,
    factor_figures,
    is_on_time,
    is_resolved,
    manual_level,
    median_resolution_wd,
    on_time_rate,
    overdue_wd,
    view_request,
)
from campaign.figures.investment import (
    double_half,
    gap_pp,
    investment_rate,
    plan_in_force,
    spi,
    time_progress,
    year_to_date,
)
from campaign.figures.lights import factor_light, investment_light, project_light, start_light
from campaign.figures.project import ProjectFigures, physical_pct, stage
from campaign.figures.ranking import rank
from campaign.figures.rates import (
    commissioning_rate,
    early_starts,
    fulfilment_rate,
    funds_rate,
    is_listed,
    start_overdue_days,
    start_rate,
)
from campaign.figures.receipt import state_hash
from campaign.figures.rounding import half_even, rate4, round2, value
from campaign.figures.targets import (
    factory_area_started_m2,
    fixed_asset_investment,
    industrial_projects_started,
    over_half,
    targets,
    tech_renovation_investment,
    tech_renovation_projects,
    tech_renovation_share,
)
from campaign.read.projection import NO_PCT, ProjectState, RequestState

D = dt.date.fromisoformat
CAL_2020 = WorkCalendar(HOLIDAYS_2020, WORKDAYS_2020)
WAN = 10_000  # yuan in a 万元


def working_days(after: str, through: str) -> int:
    return CAL_2020.working_days_between(D(after), D(through))


@dataclass
class Facts:
    """A project as the rates read it."""

    category: str = "new"
    planned_start: str | None = None
    planned_completion: str | None = None
    milestones: dict[str, str] = field(default_factory=dict)
    terminated_on: str | None = None


def request(
    filed_on: str = "2020-04-01",
    sla_due: str = "2020-04-10",
    extensions: list[tuple[str, str]] | None = None,
    escalations: list[tuple[str, int]] | None = None,
    resolved_on: str | None = None,
) -> RequestState:
    r = RequestState(
        request_id="ZZ-001-20200401-land",
        code="ZZ-001",
        category="land",
        detail="用地",
        filed_on=filed_on,
        sla_due=sla_due,
    )
    r.extensions = extensions or []
    r.escalations = escalations or []
    r.resolved_on = resolved_on
    return r


def project(code: str = "ZZ-001", **changes: Any) -> ProjectState:
    registered = {
        "code": code,
        "name": "项目",
        "sector": "lithium",
        "category": "new",
        "unit": "区招商局",
        "leader": "张三",
        "total_investment_yuan": 50_000 * WAN,
        "annual_plan_yuan": 15_000 * WAN,
        "date": "2020-01-06",
    }
    state = ProjectState(registered, 366)
    for name, given in changes.items():
        setattr(state, name, given)
    return state


def figures_of(state: ProjectState, **changes: Any) -> ProjectFigures:
    base: dict[str, Any] = {
        "state": state,
        "listed": True,
        "terminated": False,
        "plan": 100,
        "ytd_investment": 50,
        "ytd_funds": 0,
        "spi_num": 1,
        "spi_den": 1,
        "physical_hundredths": None,
        "stage": "registered",
        "started_on": None,
        "start_overdue_days": 0,
        "requests": [],
        "light": "green",
        "reasons": [],
    }
    return ProjectFigures(**(base | changes))


# ------------------------------------------------------------------------------ rounding


class TestRounding:
    def test_ratios_round_half_even_to_four_places(self) -> None:
        assert rate4((5, 100_000)) == 0.0  # 0.00005 -> the even 0.0000
        assert rate4((15, 100_000)) == 0.0002  # 0.00015 -> the even 0.0002
        assert rate4((25, 100_000)) == 0.0002  # 0.00025 -> the even 0.0002
        assert rate4((26, 100_000)) == 0.0003

    def test_amounts_round_half_even_to_two_places_on_both_sides_of_zero(self) -> None:
        assert round2((5, 1000)) == 0.0  # 0.005
        assert round2((15, 1000)) == 0.02  # 0.015
        assert round2((-15, 1000)) == -0.02  # −0.015 -> −0.02 (2 is even)
        assert round2((-25, 1000)) == -0.02  # −0.025 -> −0.02

    def test_a_zero_denominator_is_null(self) -> None:
        assert rate4((3, 0)) is None
        assert round2((3, 0)) is None
        assert value((3, 0)) is None

    def test_half_even_is_exact_for_huge_integers(self) -> None:
        big = 10**30
        assert half_even(big + 1, 2 * big, 10_000) == 0.5


# ----------------------------------------------------------------------- §6.1 investment


class TestTimeProgress:
    def test_is_one_half_on_30_june(self) -> None:
        assert time_progress(D("2020-06-30")) == Fraction(1, 2)

    def test_is_one_on_the_last_day_of_the_year(self) -> None:
        assert time_progress(D("2020-12-31")) == 1

    def test_counts_the_days_of_a_leap_february(self) -> None:
        # (1 + 15/29) / 12 = 44/348
        assert time_progress(D("2020-02-15")) == Fraction(44, 348)
        assert time_progress(D("2021-02-14")) == Fraction(1, 8)  # (1 + 14/28) / 12

    def test_on_the_first_of_january_is_one_day_of_january(self) -> None:
        assert time_progress(D("2020-01-01")) == Fraction(1, 372)


class TestInvestmentRateGapAndSpi:
    def test_the_reference_mid_year_zone(self) -> None:
        # 5,265 万元 done of 10,000 at 序时 1/2: 52.65%, +2.65 pp, spi 1.053
        ytd, plan, half = 5_265 * WAN, 10_000 * WAN, Fraction(1, 2)
        assert value(investment_rate(ytd, plan)) == Fraction(5265, 10000)
        assert round2(gap_pp(ytd, plan, half)) == 2.65
        assert rate4(spi(ytd, plan, half)) == 1.053

    def test_below_the_time_line_the_gap_is_negative(self) -> None:
        assert round2(gap_pp(1, 3, Fraction(1, 2))) == -16.67  # (1/3 − 1/2) × 100
        assert rate4(spi(1, 3, Fraction(1, 2))) == 0.6667

    def test_a_plan_of_zero_has_no_rate_gap_or_spi(self) -> None:
        half = Fraction(1, 2)
        assert rate4(investment_rate(7, 0)) is None
        assert round2(gap_pp(7, 0, half)) is None
        assert rate4(spi(7, 0, half)) is None


class TestDoubleHalf:
    def test_is_reached_with_exactly_half_done_on_30_june(self) -> None:
        assert double_half(time_progress(D("2020-06-30")), 50, 100)

    def test_is_not_reached_one_yuan_short(self) -> None:
        assert not double_half(Fraction(1, 2), 4_999, 10_000)

    def test_is_not_reached_before_half_the_year_has_gone(self) -> None:
        assert not double_half(time_progress(D("2020-06-29")), 100, 100)

    def test_is_not_reached_without_a_plan(self) -> None:
        assert not double_half(Fraction(1, 2), 0, 0)


class TestPlanInForce:
    REVISIONS: ClassVar[list[tuple[str, int]]] = [
        ("", 100),
        ("2020-06-15", 80),
        ("2020-05-01", 90),
        ("2020-06-15", 70),
    ]

    def test_before_any_revision_the_registered_plan_holds(self) -> None:
        assert plan_in_force(self.REVISIONS, "2020-04-30") == 100

    def test_a_revision_is_in_force_from_its_own_date(self) -> None:
        assert plan_in_force(self.REVISIONS, "2020-05-01") == 90

    def test_the_greatest_date_wins_and_a_tie_goes_to_the_later_in_the_log(self) -> None:
        assert plan_in_force(self.REVISIONS, "2020-06-15") == 70
        assert plan_in_force(self.REVISIONS, "2020-06-14") == 90


class TestYearToDate:
    def test_sums_the_ledger_through_as_of_inclusive(self) -> None:
        assert year_to_date([1, 2, 3, 4], 2) == 6
        assert year_to_date([1, 2, 3, 4], 0) == 1


class TestPhysicalPct:
    def test_is_that_of_the_last_report_on_or_before_as_of_that_gives_one(self) -> None:
        ledger = [NO_PCT, 1_000, NO_PCT, 2_050, NO_PCT]
        assert physical_pct(ledger, 2) == 1_000
        assert physical_pct(ledger, 3) == 2_050
        assert physical_pct(ledger, 4) == 2_050
        assert physical_pct(ledger, 0) is None


# ------------------------------------------------------------------------ listed, stage


class TestListed:
    def test_a_project_registered_on_as_of_is_listed(self) -> None:
        assert is_listed("2020-06-30", None, "2020-06-30")

    def test_a_project_registered_after_as_of_is_not(self) -> None:
        assert not is_listed("2020-07-01", None, "2020-06-30")

    def test_a_project_terminated_on_as_of_is_not_listed(self) -> None:
        assert not is_listed("2020-01-06", "2020-06-30", "2020-06-30")

    def test_a_project_terminated_the_day_after_as_of_is_still_listed(self) -> None:
        assert is_listed("2020-01-06", "2020-07-01", "2020-06-30")


class TestStage:
    def test_is_the_last_milestone_reached_by_as_of(self) -> None:
        state = project(milestones={"signed": "2020-03-01", "started": "2020-06-30"})
        assert stage(state, "2020-06-30", terminated=False) == "started"
        assert stage(state, "2020-06-29", terminated=False) == "signed"
        assert stage(state, "2020-02-29", terminated=False) == "registered"

    def test_termination_comes_before_every_milestone(self) -> None:
        state = project(milestones={"signed": "2020-03-01"})
        assert stage(state, "2020-06-30", terminated=True) == "terminated"


# ---------------------------------------------------------------------- §6.2 four rates


class TestFulfilmentRate:
    def test_counts_signed_projects_and_those_not_terminated(self) -> None:
        projects = [
            Facts(milestones={"signed": "2020-06-30"}),  # signed on as_of: counts, fulfilled
            Facts(milestones={"signed": "2020-07-01"}),  # signed after: not counted
            Facts(milestones={"signed": "2020-03-01"}, terminated_on="2020-06-30"),  # failed
            Facts(milestones={"signed": "2020-03-01"}, terminated_on="2020-07-01"),  # alive
            Facts(),  # never signed
        ]
        assert fulfilment_rate(projects, "2020-06-30") == (2, 3)

    def test_with_nothing_signed_it_is_null(self) -> None:
        assert rate4(fulfilment_rate([Facts()], "2020-06-30")) is None


class TestFundsRate:
    def test_is_ytd_funds_over_the_annual_plans(self) -> None:
        assert rate4(funds_rate(2_200, 4_100)) == 0.5366
        assert rate4(funds_rate(5, 0)) is None


class TestStartRate:
    def test_due_when_planned_on_or_before_as_of_and_started_on_or_before_it(self) -> None:
        projects = [
            Facts(planned_start="2020-06-30", milestones={"started": "2020-06-30"}),
            Facts(planned_start="2020-06-30"),  # due today, not started
            Facts(planned_start="2020-07-01"),  # not due yet
            Facts(planned_start="2020-04-01", milestones={"started": "2020-07-01"}),  # later
            Facts(category="continuing", planned_start="2020-04-01"),  # not a new project
        ]
        assert start_rate(projects, "2020-06-30") == (1, 3)

    def test_an_early_start_is_started_by_as_of_but_planned_after_it(self) -> None:
        projects = [
            Facts(planned_start="2020-07-01", milestones={"started": "2020-06-30"}),  # early
            Facts(planned_start="2020-06-30", milestones={"started": "2020-06-30"}),  # on time
            Facts(planned_start="2020-07-01", milestones={"started": "2020-07-01"}),  # not yet
            Facts(planned_start=None, milestones={"started": "2020-05-01"}),
        ]
        assert early_starts(projects, "2020-06-30") == 1


class TestStartOverdueDays:
    def test_are_calendar_days_from_the_planned_start_to_as_of(self) -> None:
        assert start_overdue_days(Facts(planned_start="2020-05-31"), D("2020-06-30")) == 30

    def test_a_start_planned_on_as_of_is_not_overdue(self) -> None:
        assert start_overdue_days(Facts(planned_start="2020-06-30"), D("2020-06-30")) == 0

    def test_a_start_planned_the_day_before_is_one_day_overdue(self) -> None:
        assert start_overdue_days(Facts(planned_start="2020-06-29"), D("2020-06-30")) == 1

    def test_a_project_started_on_as_of_is_not_overdue(self) -> None:
        started = Facts(planned_start="2020-04-01", milestones={"started": "2020-06-30"})
        assert start_overdue_days(started, D("2020-06-30")) == 0

    def test_a_project_started_after_as_of_was_overdue_then(self) -> None:
        late = Facts(planned_start="2020-06-20", milestones={"started": "2020-07-01"})
        assert start_overdue_days(late, D("2020-06-30")) == 10

    def test_without_a_planned_start_nothing_is_overdue(self) -> None:
        assert start_overdue_days(Facts(), D("2020-06-30")) == 0


class TestCommissioningRate:
    def test_due_when_planned_completion_on_or_before_as_of(self) -> None:
        projects = [
            Facts(planned_completion="2020-06-30", milestones={"completed": "2020-06-30"}),
            Facts(planned_completion="2020-06-30", milestones={"production": "2020-06-01"}),
            Facts(planned_completion="2020-06-01", milestones={"completed": "2020-07-01"}),
            Facts(planned_completion="2020-07-01", milestones={"completed": "2020-06-01"}),
        ]
        assert commissioning_rate(projects, "2020-06-30") == (2, 3)

    def test_with_none_due_it_is_null(self) -> None:
        assert rate4(commissioning_rate([Facts()], "2020-06-30")) is None


# ------------------------------------------------------------------------- §6.3 lights


class TestInvestmentLight:
    GREEN, YELLOW = Fraction(4, 5), Fraction(3, 5)

    def test_green_at_exactly_the_green_threshold(self) -> None:
        assert investment_light((8, 10), self.GREEN, self.YELLOW) == "green"

    def test_yellow_just_below_green_and_at_exactly_yellow(self) -> None:
        assert investment_light((799_999, 1_000_000), self.GREEN, self.YELLOW) == "yellow"
        assert investment_light((6, 10), self.GREEN, self.YELLOW) == "yellow"

    def test_red_just_below_yellow(self) -> None:
        assert investment_light((599_999, 1_000_000), self.GREEN, self.YELLOW) == "red"

    def test_na_without_a_plan(self) -> None:
        assert investment_light((5, 0), self.GREEN, self.YELLOW) == "na"

    def test_follows_the_campaign_thresholds(self) -> None:
        assert investment_light((9, 10), Fraction(1), Fraction(9, 10)) == "yellow"


class TestStartAndFactorLights:
    @pytest.mark.parametrize(
        ("days", "light"), [(0, "green"), (1, "yellow"), (30, "yellow"), (31, "red")]
    )
    def test_start_light_by_days_overdue(self, days: int, light: str) -> None:
        assert start_light(days) == light

    @pytest.mark.parametrize(
        ("wd", "light"), [(0, "green"), (1, "yellow"), (5, "yellow"), (6, "red")]
    )
    def test_factor_light_by_working_days_overdue(self, wd: int, light: str) -> None:
        assert factor_light(wd) == light


class TestProjectLight:
    @pytest.mark.parametrize(
        ("lights", "worst"),
        [
            (("green", "green", "green"), "green"),
            (("na", "green", "green"), "na"),
            (("na", "yellow", "green"), "yellow"),
            (("na", "green", "red"), "red"),
            (("yellow", "red", "green"), "red"),
            (("green", "green", "yellow"), "yellow"),
            (("red", "green", "green"), "red"),
        ],
    )
    def test_is_the_worst_of_the_three(self, lights: tuple[Any, Any, Any], worst: str) -> None:
        assert project_light(*lights) == worst


# --------------------------------------------------------------------- §6.4 the channel


class TestWorkingDays:
    """Working days in (a, b], on the official 2020 calendar."""

    def test_a_holiday_run_between_the_ends_is_skipped(self) -> None:
        assert working_days("2020-04-30", "2020-05-06") == 1  # 1–5 May rest

    def test_an_adjusted_workday_at_the_end_counts(self) -> None:
        assert working_days("2020-05-08", "2020-05-09") == 1  # Saturday 9 May is worked

    def test_a_holiday_at_the_end_does_not_count(self) -> None:
        assert working_days("2020-04-30", "2020-05-01") == 0

    def test_the_start_is_never_counted_holiday_or_workday(self) -> None:
        assert working_days("2020-05-01", "2020-05-07") == 2  # 6 and 7 May
        assert working_days("2020-04-26", "2020-04-28") == 2  # 27 and 28 April

    def test_the_nth_working_day_after_skips_rest_and_takes_adjusted_workdays(self) -> None:
        assert CAL_2020.nth_working_day_after(D("2020-04-30"), 1) == D("2020-05-06")
        assert CAL_2020.nth_working_day_after(D("2020-05-08"), 1) == D("2020-05-09")
        assert CAL_2020.nth_working_day_after(D("2020-04-24"), 1) == D("2020-04-26")


class TestDueInForce:
    def test_before_any_extension_the_sla_due_date_holds(self) -> None:
        r = request(extensions=[("2020-04-08", "2020-04-20")])
        assert due_in_force(r, "2020-04-07") == "2020-04-10"

    def test_an_extension_is_in_force_from_its_own_date(self) -> None:
        r = request(extensions=[("2020-04-08", "2020-04-20")])
        assert due_in_force(r, "2020-04-08") == "2020-04-20"

    def test_a_tie_goes_to_the_later_extension(self) -> None:
        r = request(extensions=[("2020-04-08", "2020-04-20"), ("2020-04-08", "2020-04-25")])
        assert due_in_force(r, "2020-04-09") == "2020-04-25"


class TestResolutionOnTime:
    def test_a_request_resolved_on_as_of_is_resolved(self) -> None:
        assert is_resolved(request(resolved_on="2020-04-10"), "2020-04-10")
        assert not is_resolved(request(resolved_on="2020-04-11"), "2020-04-10")

    def test_resolved_on_the_due_date_is_on_time_and_a_day_later_is_not(self) -> None:
        assert is_on_time(request(resolved_on="2020-04-10"))
        assert not is_on_time(request(resolved_on="2020-04-11"))

    def test_an_extension_in_force_on_the_resolution_date_counts(self) -> None:
        extended = request(extensions=[("2020-04-15", "2020-04-20")], resolved_on="2020-04-15")
        assert is_on_time(extended)

    def test_an_extension_dated_after_the_resolution_does_not(self) -> None:
        late = request(extensions=[("2020-04-16", "2020-04-20")], resolved_on="2020-04-15")
        assert not is_on_time(late)


class TestOverdue:
    def test_a_request_due_on_as_of_is_not_overdue(self) -> None:
        assert overdue_wd("2020-06-30", "2020-06-30", working_days) == 0

    def test_past_due_counts_working_days_after_the_due_date(self) -> None:
        assert overdue_wd("2020-04-30", "2020-05-06", working_days) == 1
        assert overdue_wd("2020-06-24", "2020-06-29", working_days) == 2  # 25–27 rest, 28 worked


class TestEscalation:
    @pytest.mark.parametrize(
        ("manual", "wd", "level"),
        [
            (0, 0, 0),
            (0, 1, 1),
            (0, 5, 1),
            (0, 6, 2),
            (0, 15, 2),
            (0, 16, 3),
            (3, 0, 3),
            (2, 6, 2),
            (1, 16, 3),
        ],
    )
    def test_is_the_higher_of_manual_and_derived(self, manual: int, wd: int, level: int) -> None:
        assert escalation_level(manual, wd) == level

    def test_manual_levels_count_from_their_date(self) -> None:
        r = request(escalations=[("2020-04-12", 1), ("2020-04-20", 3)])
        assert manual_level(r, "2020-04-11") == 0
        assert manual_level(r, "2020-04-20") == 3


class TestChannelRates:
    def test_closure_and_on_time_rates(self) -> None:
        assert rate4(closure_rate(17, 20)) == 0.85
        assert rate4(on_time_rate(12, 16)) == 0.75
        assert rate4(closure_rate(0, 0)) is None

    @pytest.mark.parametrize(
        ("days", "median"),
        [([], None), ([3], 3), ([1, 5], 3), ([4, 1, 3], 3), ([1, 2], Fraction(3, 2))],
    )
    def test_median_resolution_wd(self, days: list[int], median: Fraction | None) -> None:
        assert median_resolution_wd(days) == median

    def test_figures_over_requests_seen_on_as_of(self) -> None:
        day = "2020-04-20"
        views = [
            view_request(request(resolved_on="2020-04-10"), day, working_days),  # on time
            view_request(request(resolved_on="2020-04-14"), day, working_days),  # late
            view_request(request(sla_due="2020-04-20"), day, working_days),  # due today, open
            view_request(request(sla_due="2020-04-14"), day, working_days),  # 4 wd overdue
            view_request(request(sla_due="2020-04-30"), day, working_days),  # not yet due
        ]
        figures = factor_figures(views)
        assert figures["filed"] == 5
        assert figures["resolved"] == 2
        assert figures["closure_rate"] == 0.4
        assert figures["due"] == 4  # two resolved, two whose deadline has come
        assert figures["on_time"] == 1
        assert figures["on_time_rate"] == 0.25
        assert figures["overdue_open"] == 1
        # resolution working days (4–6 April rest): (1 Apr, 10 Apr] = 2, 3, 7–10 = 6;
        # (1 Apr, 14 Apr] = those and 13, 14 = 8; the median of 6 and 8 is 7
        assert figures["median_resolution_wd"] == 7.0
        assert views[3].overdue_wd == 4 and views[3].level == 1


# ------------------------------------------------------------------------ §6.5 targets


class TestTargets:
    YEAR = 2020

    def listed(self) -> list[ProjectFigures]:
        return [
            figures_of(  # industrial, at exactly 1亿, started on 1 January: counts
                project("A", industrial=True, total_investment=10_000 * WAN, factory_area=150),
                started_on="2020-01-01",
                ytd_investment=300 * WAN,
            ),
            figures_of(  # industrial but below 1亿
                project("B", industrial=True, total_investment=9_999 * WAN),
                started_on="2020-03-01",
                ytd_investment=0,
            ),
            figures_of(  # started last year: not in the campaign year
                project("C", industrial=True, total_investment=20_000 * WAN, factory_area=1000),
                started_on="2019-12-31",
                ytd_investment=0,
            ),
            figures_of(  # tech renovation at exactly 500 万元
                project("D", tech_renovation=True, total_investment=500 * WAN),
                ytd_investment=100 * WAN,
            ),
            figures_of(  # tech renovation below 500 万元
                project("E", tech_renovation=True, total_investment=499 * WAN),
                ytd_investment=100 * WAN,
            ),
        ]

    def test_industrial_projects_started_in_the_year_at_one_yi_or_more(self) -> None:
        assert industrial_projects_started(self.listed(), self.YEAR) == 1

    def test_factory_area_started_in_the_year(self) -> None:
        assert factory_area_started_m2(self.listed(), self.YEAR) == Fraction(150, 100)

    def test_tech_renovation_at_500_wan_or_more(self) -> None:
        listed = self.listed()
        assert tech_renovation_projects(listed) == 1
        assert tech_renovation_investment(listed) == 100
        # 100 万元 of the listed projects' 300 + 100 + 100
        assert tech_renovation_share(listed) == Fraction(1, 5)

    def test_fixed_asset_investment_counts_terminated_projects_too(self) -> None:
        registered = [
            figures_of(project("A"), ytd_investment=300 * WAN),
            figures_of(project("B"), ytd_investment=200 * WAN, listed=False, terminated=True),
        ]
        assert fixed_asset_investment(registered) == 500

    def test_a_share_with_no_listed_investment_is_null(self) -> None:
        assert tech_renovation_share([figures_of(project("A"), ytd_investment=0)]) is None

    def test_over_half_at_exactly_half_and_a_share_at_exactly_its_goal(self) -> None:
        assert over_half(TargetKind.fixed_asset_investment, 50, Fraction(100))
        assert not over_half(TargetKind.fixed_asset_investment, Fraction(4999, 100), Fraction(100))
        assert over_half(TargetKind.tech_renovation_share, Fraction(2, 5), Fraction(2, 5))
        assert not over_half(TargetKind.tech_renovation_share, Fraction(39, 100), Fraction(2, 5))
        assert not over_half(TargetKind.tech_renovation_share, None, Fraction(2, 5))

    def test_rows_write_a_share_to_four_places_and_an_amount_to_two(self) -> None:
        wanted = (
            Target.of("tech_renovation_share", "0.4"),
            Target.of("fixed_asset_investment", 1000),
        )
        rows = targets(wanted, self.listed(), self.YEAR)
        share, fixed = rows
        assert share["actual"] == 0.2 and share["ratio"] == 0.5 and not share["over_half"]
        assert fixed["actual"] == 500.0 and fixed["ratio"] == 0.5 and fixed["over_half"]
        assert share["goal"] == 0.4 and fixed["goal"] == 1000


# ------------------------------------------------------------------------ §6.6 ranking


class TestRank:
    def test_by_spi_descending_with_no_spi_last_and_ties_by_code(self) -> None:
        figures = [
            figures_of(project("C"), spi_num=1, spi_den=2),
            figures_of(project("A"), spi_num=1, spi_den=0),  # no plan: last
            figures_of(project("B"), spi_num=2, spi_den=4),  # equal to C exactly: by code
            figures_of(project("D"), spi_num=3, spi_den=2),
            figures_of(project("E"), listed=False, terminated=True, spi_num=9, spi_den=1),
        ]
        rank(figures)
        assert {f.state.code: f.rank for f in figures} == {
            "D": 1,
            "B": 2,
            "C": 3,
            "A": 4,
            "E": None,
        }

    def test_values_that_share_a_double_are_still_ranked_exactly(self) -> None:
        third = 3 * 10**17
        figures = [
            figures_of(project("A"), spi_num=10**17, spi_den=third),
            figures_of(project("B"), spi_num=10**17 + 1, spi_den=third),
        ]
        assert figures[0].spi_key() == figures[1].spi_key()
        rank(figures)
        assert [f.rank for f in figures] == [2, 1]


# ------------------------------------------------------------------------ §6.7 receipt


class TestStateHash:
    def test_is_sha256_of_the_sorted_compact_json_without_the_receipt(self) -> None:
        document = {"b": 1, "a": "序时", "receipt": {"position": 9}}
        expected = hashlib.sha256('{"a":"序时","b":1}'.encode()).hexdigest()
        assert state_hash(document) == expected

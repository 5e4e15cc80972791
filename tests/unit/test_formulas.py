"""The pure arithmetic of SPEC §6 and the working-day calendar, against hand-computed values."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from campaign.domain.calendar import WorkCalendar
from campaign.figures.factors import escalation_level, median_resolution_wd
from campaign.figures.investment import investment_figures, time_progress
from campaign.figures.lights import factor_light, investment_light, project_light, start_light
from campaign.figures.rounding import exact, rate4, ratio, round2, value
from tests.conftest import HOLIDAYS_2020, WORKDAYS_2020

D = dt.date.fromisoformat
CAL_2020 = WorkCalendar([D(d) for d in HOLIDAYS_2020], [D(d) for d in WORKDAYS_2020])


class TestTimeProgress:
    @pytest.mark.parametrize("month", range(1, 13))
    def test_is_exactly_m_twelfths_at_each_month_end(self, month: int) -> None:
        last = (dt.date(2020, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
            days=1
        )
        assert time_progress(last) == Fraction(month, 12)

    def test_is_one_half_on_30_june(self) -> None:
        assert time_progress(D("2020-06-30")) == Fraction(1, 2)

    def test_within_a_month_counts_the_days_of_that_month(self) -> None:
        # (3 + 16/30) / 12 = 106/360
        assert time_progress(D("2020-04-16")) == Fraction(106, 360)
        assert rate4(exact(time_progress(D("2020-04-16")))) == 0.2944
        # February 2020 has 29 days: (1 + 10/29) / 12
        assert time_progress(D("2020-02-10")) == (1 + Fraction(10, 29)) / 12


class TestRounding:
    def test_rates_round_half_even_to_four_places(self) -> None:
        assert rate4(exact(Fraction(1, 32))) == 0.0312  # 0.03125 -> even
        assert rate4(exact(Fraction(3, 32))) == 0.0938  # 0.09375 -> even (8)
        assert rate4(exact(Fraction(5, 80000) + Fraction(1, 10))) == 0.1001  # 0.1000625 -> up

    def test_amount_places_round_half_even(self) -> None:
        assert round2(exact(Fraction(1, 8))) == 0.12
        assert round2(exact(Fraction(3, 8))) == 0.38

    def test_a_zero_denominator_gives_none(self) -> None:
        assert value(ratio(5, 0)) is None
        assert rate4(ratio(0, 0)) is None

    def test_gap_and_spi_follow_the_rate(self) -> None:
        assert investment_figures(3, 8, Fraction(1, 2)) == {
            "investment_rate": 0.375,
            "gap_pp": -12.5,
            "spi": 0.75,
        }
        # 1/3 of plan at 序时 1/2: gap (1/3 − 1/2) × 100 = −16.666…, spi 2/3
        assert investment_figures(1, 3, Fraction(1, 2)) == {
            "investment_rate": 0.3333,
            "gap_pp": -16.67,
            "spi": 0.6667,
        }
        assert investment_figures(3, 0, Fraction(1, 2)) == {
            "investment_rate": None,
            "gap_pp": None,
            "spi": None,
        }


class TestLights:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (Fraction(8, 10), "green"),
            (Fraction(7999, 10000), "yellow"),
            (Fraction(6, 10), "yellow"),
            (Fraction(5999, 10000), "red"),
            (None, "na"),
        ],
    )
    def test_investment_light_compares_unrounded_spi(
        self, value: Fraction | None, expected: str
    ) -> None:
        numerator, denominator = (0, 0) if value is None else (value.numerator, value.denominator)
        assert (
            investment_light((numerator, denominator), Fraction(8, 10), Fraction(6, 10)) == expected
        )

    @pytest.mark.parametrize(
        ("days", "expected"), [(0, "green"), (1, "yellow"), (30, "yellow"), (31, "red")]
    )
    def test_start_light(self, days: int, expected: str) -> None:
        assert start_light(days) == expected

    @pytest.mark.parametrize(
        ("wd", "expected"), [(0, "green"), (1, "yellow"), (5, "yellow"), (6, "red")]
    )
    def test_factor_light(self, wd: int, expected: str) -> None:
        assert factor_light(wd) == expected

    def test_the_project_light_is_the_worst_and_na_only_when_all_else_is_green(self) -> None:
        assert project_light("green", "yellow", "green") == "yellow"
        assert project_light("yellow", "green", "red") == "red"
        assert project_light("na", "green", "green") == "na"
        assert project_light("na", "yellow", "green") == "yellow"
        assert project_light("na", "green", "red") == "red"


class TestFactorArithmetic:
    def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(self) -> None:
        assert median_resolution_wd([7, 2, 15, 4]) == Fraction(11, 2)
        assert median_resolution_wd([3]) == 3
        assert median_resolution_wd([]) is None

    @pytest.mark.parametrize(
        ("manual", "overdue", "expected"),
        [(0, 0, 0), (0, 1, 1), (0, 5, 1), (0, 6, 2), (0, 15, 2), (0, 16, 3), (2, 1, 2), (3, 0, 3)],
    )
    def test_escalation_is_the_higher_of_manual_and_derived(
        self, manual: int, overdue: int, expected: int
    ) -> None:
        assert escalation_level(manual, overdue) == expected


class TestWorkingDays:
    def test_may_day_holidays_and_the_saturday_workday(self) -> None:
        # (2020-04-30, 2020-05-11]: May 1-5 rest, 6, 7, 8 work, 9 (Sat) works, 10 (Sun) rests, 11.
        assert CAL_2020.working_days_between(D("2020-04-30"), D("2020-05-11")) == 5
        assert CAL_2020.nth_working_day_after(D("2020-04-30"), 4) == D("2020-05-09")
        assert CAL_2020.nth_working_day_after(D("2020-04-30"), 7) == D("2020-05-13")

    def test_dragon_boat_festival_and_the_sunday_workday(self) -> None:
        # (2020-06-19, 2020-06-30]: 22, 23, 24 work, 25-27 rest, 28 (Sun) works, 29, 30.
        assert CAL_2020.working_days_between(D("2020-06-19"), D("2020-06-30")) == 6

    def test_the_interval_is_open_on_the_left_and_closed_on_the_right(self) -> None:
        assert CAL_2020.working_days_between(D("2020-04-16"), D("2020-04-16")) == 0
        assert CAL_2020.working_days_between(D("2020-04-16"), D("2020-04-17")) == 1
        assert CAL_2020.working_days_between(D("2020-04-17"), D("2020-04-16")) == 0

    def test_the_first_half_of_2020_has_121_working_days(self) -> None:
        # 182 days, 52 weekend days, 13 weekday holidays, 4 weekend workdays (Jan 19, Apr 26,
        # May 9, Jun 28): 182 - 52 - 13 + 4 = 121.
        assert CAL_2020.working_days_between(D("2019-12-31"), D("2020-06-30")) == 121

"""How figures read to people (campaign.report.words): the reasons a project lags, in Chinese
and in English, with the figures as the tables show them; numbers as officials write them; the
columns of the CSV files."""

from __future__ import annotations

import pytest

from campaign.report import words


class TestReasons:
    def test_an_investment_reason_reads_as_percentages_of_plan_and_of_time_progress(
        self,
    ) -> None:
        found = {"kind": "investment", "investment_rate": 0.3811, "spi": 0.7622, "below": 0.8}
        assert words.reason(found) == "投资完成38.11%，为序时进度的76.22%（低于80%）"
        assert words.reason(found, "en") == (
            "investment 38.11% of plan, 76.22% of time progress (below 80%)"
        )

    def test_a_threshold_that_is_not_round_keeps_its_decimals(self) -> None:
        found = {"kind": "investment", "investment_rate": 0.3, "spi": 0.6, "below": 0.625}
        assert words.reason(found).endswith("（低于62.50%）")

    def test_a_start_reason_says_the_days_and_the_planned_start(self) -> None:
        found = {"kind": "start", "overdue_days": 9, "planned_start": "2020-06-21"}
        assert words.reason(found) == "开工逾期9天（计划2020-06-21）"
        assert words.reason(found, "en") == "start overdue 9 days (planned 2020-06-21)"

    def test_a_factor_reason_names_the_request_and_its_category(self) -> None:
        found = {
            "kind": "factor",
            "request": "ZZ-001-20200416-power",
            "category": "power",
            "overdue_wd": 6,
        }
        assert words.reason(found) == "要素ZZ-001-20200416-power（用电）逾期6个工作日"
        assert words.reason(found, "en") == (
            "factor ZZ-001-20200416-power (power) overdue 6 working days"
        )

    def test_a_reason_of_a_kind_this_engine_does_not_know_is_shown_not_dropped(self) -> None:
        assert "later" in words.reason({"kind": "later", "x": 1})

    def test_reasons_follow_one_another(self) -> None:
        found = [
            {"kind": "start", "overdue_days": 1, "planned_start": "2020-06-29"},
            {"kind": "start", "overdue_days": 2, "planned_start": "2020-06-28"},
        ]
        assert words.reasons(found).count("；") == 1 and words.reasons(found, "en").count("; ") == 1


class TestNumbers:
    @pytest.mark.parametrize(
        ("value", "shown"), [(0.5265, "52.65%"), (1.0, "100.00%"), (0.0, "0.00%"), (None, "—")]
    )
    def test_a_rate_is_a_percentage_with_two_decimals(self, value: float, shown: str) -> None:
        assert words.pct(value) == shown

    def test_points_are_signed(self) -> None:
        assert (words.pp(2.65), words.pp(-11.89), words.pp(0.0)) == ("+2.65", "-11.89", "+0.00")

    def test_money_in_wan_has_separators_and_two_places(self) -> None:
        assert (words.wan(12000.0), words.wan(964960.0), words.wan0(508016.66)) == (
            "12,000.00",
            "964,960.00",
            "508,017",
        )

    def test_a_sentence_says_large_amounts_in_yi(self) -> None:
        assert words.money(508016.66) == "50.80亿元"
        assert words.money(10000.0) == "1.00亿元"
        assert words.money(4000.0) == "4,000.00万元"
        assert words.yi(12345678.9) == "1,234.57"

    def test_the_gap_to_time_progress_as_officials_say_it(self) -> None:
        assert words.against_time(2.65) == "超序时进度 2.65 个百分点"
        assert words.against_time(-11.89, spaced=False) == "低于序时进度11.89个百分点"
        assert words.against_time(0.0) == "与序时进度持平"
        assert words.against_time(2.65, "en") == "2.65 pp ahead of time progress"

    def test_the_headline_states_the_share_the_points_and_the_verdict(self) -> None:
        zone = {"investment_rate": 0.5265, "gap_pp": 2.65, "double_half": True}
        assert words.headline(zone) == (
            "双过半：已实现 — 完成年度计划 52.65%，超序时进度 2.65 个百分点"
        )
        behind = {"investment_rate": 0.4811, "gap_pp": -1.89, "double_half": False}
        assert words.headline(behind) == (
            "双过半：未实现 — 完成年度计划 48.11%，低于序时进度 1.89 个百分点"
        )

    @pytest.mark.parametrize(
        ("row", "shown"),
        [
            ({"change": 3, "new": False}, "↑3"),
            ({"change": -2, "new": False}, "↓2"),
            ({"change": 0, "new": False}, "—"),
            ({"change": None, "new": True}, "新"),
            ({"change": None, "new": False}, ""),
        ],
    )
    def test_a_change_in_rank(self, row: dict[str, object], shown: str) -> None:
        assert words.change(row) == shown


class TestColumns:
    def test_for_people_labels_are_chinese_and_money_has_two_places(self) -> None:
        assert words.header("annual_plan") == "年度计划(万元)"
        assert words.cell("annual_plan", 12000.0) == "12000.00"
        assert words.cell("investment_rate", 0.5265) == "52.65%"
        assert (words.cell("sector", "lithium"), words.cell("light", "red")) == ("锂电", "红")
        assert words.cell("stage", "production") == "投产"
        assert words.cell("rank", None) == ""

    def test_for_people_a_text_that_would_start_a_formula_is_quoted(self) -> None:
        assert words.cell("name", "=1+1") == "'=1+1"
        assert words.cell("name", "-项目") == "'-项目"
        assert words.cell("code", "ZZ-001") == "ZZ-001"

    def test_for_machines_the_json_figures_and_spec_words(self) -> None:
        assert words.key_cell("annual_plan", 12000.0) == "12000.00"
        assert words.key_cell("investment_rate", 0.5265) == "0.5265"
        assert words.key_cell("sector", "lithium") == "lithium"
        assert words.key_cell("double_half", True) == "true"

    def test_a_vocabulary_word_unknown_to_this_engine_is_shown_as_it_is(self) -> None:
        assert words.label("sector", "space_mining") == "space_mining"
        assert words.label("sector", "space_mining", "en") == "space mining"

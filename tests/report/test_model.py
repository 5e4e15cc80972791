"""The report's content (campaign.report.model): the checkpoint it carries is the checkpoint,
and what it adds — the burn-up by day, the change in rank, the lists — agrees with the
checkpoints of the days it speaks of."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from campaign import Settings, build_report, open_engine
from campaign.app.queries import replay
from campaign.figures.checkpoint import checkpoint
from campaign.figures.table import ranks_on
from tests.report.conftest import clock

if TYPE_CHECKING:
    from pathlib import Path

    from campaign.report.model import Report
    from tests.conftest import Harness


def test_the_report_carries_the_checkpoint_document_and_its_receipt(
    reference_report: Report, reference_checkpoint: dict[str, Any]
) -> None:
    assert reference_report.document == reference_checkpoint


def test_the_burn_up_on_each_day_is_that_days_zone_investment_rate(
    reference_db: Path, reference_report: Report
) -> None:
    burnup = reference_report.burnup
    assert burnup is not None
    assert burnup.dates[0] == "2020-01-01" and burnup.dates[-1] == "2020-06-30"
    with open_engine(Settings(db=str(reference_db), clock=clock()), create=False) as engine:
        projection = replay(engine, None, "Asia/Shanghai").projection
    for i in range(0, len(burnup.dates), 5):
        day = dt.date.fromisoformat(burnup.dates[i])
        zone = checkpoint(projection, day)["zone"]
        assert burnup.rates[i] == zone["investment_rate"], day
        assert burnup.time[i] == checkpoint(projection, day)["time_progress"]
    assert burnup.rates[-1] == reference_report.zone["investment_rate"] == 0.5265


def test_the_burn_up_marks_the_checkpoints_in_force_up_to_as_of(reference_report: Report) -> None:
    assert reference_report.burnup is not None
    assert reference_report.burnup.marks == ["2020-03-31", "2020-04-30", "2020-05-31", "2020-06-30"]


def test_the_change_in_rank_is_counted_from_the_previous_checkpoint_day(
    reference_db: Path, reference_report: Report
) -> None:
    assert reference_report.previous == "2020-05-31"
    with open_engine(Settings(db=str(reference_db), clock=clock()), create=False) as engine:
        projection = replay(engine, None, "Asia/Shanghai").projection
    then = ranks_on(projection, dt.date(2020, 5, 31))
    ranked = [p for p in reference_report.ranking if p["rank"] is not None]
    assert [p["rank"] for p in ranked] == list(range(1, len(ranked) + 1))
    for p in ranked:
        assert p["change"] == then[p["code"]] - p["rank"]
    terminated = reference_report.ranking[-1]
    assert (terminated["rank"], terminated["change"], terminated["new"]) == (None, None, False)


@pytest.mark.parametrize("day", ["2020-03-31", "2020-04-30", "2020-05-31", "2020-06-30"])
def test_ranks_on_a_day_are_the_checkpoints_ranks(reference_db: Path, day: str) -> None:
    with open_engine(Settings(db=str(reference_db), clock=clock()), create=False) as engine:
        projection = replay(engine, None, "Asia/Shanghai").projection
    document = checkpoint(projection, dt.date.fromisoformat(day))
    ranks = {p["code"]: p["rank"] for p in document["projects"] if p["rank"] is not None}
    assert ranks_on(projection, dt.date.fromisoformat(day)) == ranks


def test_the_lists_agree_with_the_checkpoints_counts(reference_report: Report) -> None:
    zone, factors = reference_report.zone, reference_report.document["factors"]
    late = reference_report.start_overdue
    assert [(p["code"], p["overdue_days"]) for p in late] == [
        ("ZZ-005", 62),
        ("ZZ-054", 15),
        ("ZZ-011", 9),
    ]
    assert len(reference_report.overdue_requests) == factors["overdue_open"] == 2
    assert [r["level"] for r in reference_report.overdue_requests] == [2, 2]
    due = [c for c in reference_report.completions if c["due"]]
    assert len(due) == zone["due_to_commission"]
    assert sum(1 for c in due if c["done"]) == zone["commissioned"]


def test_each_breakdown_row_has_its_gap_to_time_progress(reference_report: Report) -> None:
    units = {row["unit"]: row for row in reference_report.groups["units"]}
    assert (units["区卫健局"]["investment_rate"], units["区卫健局"]["gap_pp"]) == (0.1531, -34.69)
    for key in ("categories", "sectors", "units"):
        assert reference_report.groups[key] == [
            {**row, "gap_pp": shown["gap_pp"]}
            for row, shown in zip(
                reference_report.document[key], reference_report.groups[key], strict=True
            )
        ]


def test_a_project_listed_since_the_previous_checkpoint_is_new_in_the_ranking(
    sqlite_opened: Harness,
) -> None:
    h = sqlite_opened
    h.run("report_progress", code="ZZ-001", date="2020-04-20", investment="3000")
    h.run(
        "register_project",
        code="ZZ-002",
        name="后来的项目",
        sector="pharma",
        category="new",
        unit="区发改局",
        leader="李四",
        total_investment="1000",
        annual_plan="500",
        date="2020-05-10",
    )
    h.run("report_progress", code="ZZ-002", date="2020-05-20", investment="400")  # 80% of plan
    report = build_report(h.engine, dt.date(2020, 5, 31), None)
    assert report.previous == "2020-04-30"
    shown = {p["code"]: (p["change"], p["new"]) for p in report.ranking}
    assert shown == {"ZZ-001": (-1, False), "ZZ-002": (None, True)}


def test_without_an_earlier_checkpoint_there_is_no_change_in_rank(
    sqlite_opened: Harness,
) -> None:
    report = build_report(sqlite_opened.engine, dt.date(2020, 4, 30), None)
    assert report.previous is None
    assert [(p["change"], p["new"]) for p in report.ranking] == [(None, False)]


def test_a_terminated_project_leaves_the_burn_up_on_its_termination_day(
    sqlite_opened: Harness,
) -> None:
    h = sqlite_opened
    h.run(
        "register_project",
        code="ZZ-002",
        name="退出的项目",
        sector="pharma",
        category="new",
        unit="区发改局",
        leader="李四",
        total_investment="10000",
        annual_plan="5000",
        date="2020-01-06",
    )
    h.run("report_progress", code="ZZ-001", date="2020-03-02", investment="1500")
    h.run("report_progress", code="ZZ-002", date="2020-03-02", investment="2500")
    h.run("revise_plan", code="ZZ-001", annual_plan="3000", date="2020-03-10", reason="调整")
    h.run("terminate_project", code="ZZ-002", date="2020-03-20", reason="撤资")
    report = build_report(h.engine, dt.date(2020, 3, 31), None)
    assert report.burnup is not None
    by_day = dict(zip(report.burnup.dates, report.burnup.rates, strict=True))
    assert by_day["2020-03-01"] == 0.0  # plans 15000 + 5000
    assert by_day["2020-03-02"] == 0.2  # 4000 / 20000
    assert by_day["2020-03-10"] == 0.5  # 4000 / (3000 + 5000)
    assert by_day["2020-03-20"] == 0.5  # ZZ-002 gone: 1500 / 3000
    assert by_day["2020-03-31"] == report.zone["investment_rate"] == 0.5


def test_before_the_first_registration_the_burn_up_has_no_rate(sqlite_harness: Harness) -> None:
    harness = sqlite_harness
    harness.open()
    harness.register(date="2020-02-01")
    report = build_report(harness.engine, dt.date(2020, 2, 3), None)
    assert report.burnup is not None
    assert report.burnup.rates[:31] == [None] * 31
    assert report.burnup.rates[31] == 0.0

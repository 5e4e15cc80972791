"""Where 图1 puts the labels of its checkpoint marks: never one over another."""

from __future__ import annotations

from campaign.report.charts import _mark_labels

SCALE = (2.8, 1.5)  # points per day, per percentage point: 图1 over half a year


def test_marks_far_apart_keep_their_labels_where_they_ask() -> None:
    marked = [(30, 0.10, True), (120, 0.30, False)]
    assert _mark_labels(marked, SCALE) == [(30, 0.10, (True, True)), (120, 0.30, (False, False))]


def test_a_close_earlier_mark_of_the_same_value_is_told_once_by_the_latest() -> None:
    """The as-of day ten days after a checkpoint, nothing reported between: one label."""
    marked = [(120, 0.2988, False), (130, 0.2988, False)]
    assert _mark_labels(marked, SCALE) == [(130, 0.2988, (False, False))]


def test_a_close_earlier_mark_of_another_value_goes_below_its_line() -> None:
    marked = [(120, 0.2988, False), (130, 0.3012, False)]
    assert _mark_labels(marked, SCALE) == [
        (120, 0.2988, (False, True)),
        (130, 0.3012, (False, False)),
    ]


def test_the_latest_mark_always_has_its_label() -> None:
    marked = [(128, 0.30, False), (129, 0.30, True), (130, 0.30, False)]
    assert _mark_labels(marked, SCALE)[-1] == (130, 0.30, (False, False))

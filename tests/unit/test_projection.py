"""Which days of a project's ledgers have a report: every report counts, a report of 0
investment with nothing else included, and no correction ever takes a day's report away."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import orjson
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.figures.project import physical_pct
from campaign.read import parallel
from campaign.read.fold import CORRECTED, Folder, read_report, reporter
from campaign.read.projection import (
    LEDGERS,
    NO_PCT,
    ZERO_REPORT,
    Ledgers,
    Projection,
    ProjectState,
    days_with_report,
    has_report,
    last_report,
    record_day,
    reported_between,
)
from campaign.read.snapshots import content, dump, restore

WAN = 10_000  # yuan in a 万元
REGISTERED = {
    "code": "ZZ-001",
    "name": "项目",
    "sector": "lithium",
    "category": "new",
    "unit": "区招商局",
    "leader": "张三",
    "total_investment_yuan": 50_000 * WAN,
    "annual_plan_yuan": 15_000 * WAN,
    "date": "2020-01-06",
}


def folded(*reports: tuple[int, dict[str, Any]]) -> ProjectState:
    """A project whose ledgers hold the (day, stored report or correction) given, in order."""
    state = ProjectState(REGISTERED, 366)
    for day, e in reports:
        record_day(state.investment, state.funds, state.pct, day, e)
    return state


def test_a_day_without_a_report_has_none() -> None:
    state = folded()
    assert not has_report(state, 100)
    assert last_report(state, 365) is None
    assert days_with_report(state, 0, 365) == 0
    assert not reported_between(state, 0, 365)


def test_a_report_of_investment_has_its_day() -> None:
    state = folded((100, {"investment_yuan": 120 * WAN}))
    assert has_report(state, 100)
    assert (last_report(state, 100), last_report(state, 99)) == (100, None)


def test_a_report_of_zero_investment_and_nothing_else_still_has_its_day() -> None:
    state = folded((100, {"investment_yuan": 0}), (102, {"investment_yuan": 0, "funds_yuan": 0}))
    assert has_report(state, 100) and has_report(state, 102)
    assert not has_report(state, 101)
    assert last_report(state, 200) == 102
    assert days_with_report(state, 100, 102) == 2
    assert reported_between(state, 100, 100) and reported_between(state, 101, 102)
    assert not reported_between(state, 101, 101) and not reported_between(state, 103, 365)


def test_the_mark_of_a_zero_report_is_not_a_physical_percentage() -> None:
    state = folded(
        (90, {"investment_yuan": 0, "physical_pct": 12.5}), (100, {"investment_yuan": 0})
    )
    assert state.pct[100] == ZERO_REPORT
    assert physical_pct(state.pct, 100) == 1250  # the report of day 90 still gives it


def test_a_correction_to_zero_keeps_the_days_report() -> None:
    state = folded(
        (100, {"investment_yuan": 50 * WAN}),
        (100, {"investment_yuan": 0, "funds_yuan": 0}),  # the correction
    )
    assert (state.investment[100], state.funds[100], state.pct[100]) == (0, 0, ZERO_REPORT)
    assert has_report(state, 100)


def test_a_physical_percentage_given_later_replaces_the_mark() -> None:
    state = folded((100, {"investment_yuan": 0}), (100, {"physical_pct": 30}))
    assert state.pct[100] == 3000
    assert has_report(state, 100)


def test_a_report_with_a_physical_percentage_leaves_other_days_alone() -> None:
    state = folded((100, {"investment_yuan": 10 * WAN, "physical_pct": 5}))
    assert state.pct[99] == state.pct[101] == NO_PCT
    assert days_with_report(state, 0, 365) == 1


def test_every_kind_of_trace_is_a_report_in_a_period() -> None:
    funds_only = folded((10, {"investment_yuan": 0, "funds_yuan": 5 * WAN}))
    pct_only = folded((20, {"investment_yuan": 0, "physical_pct": 0}))
    invested = folded((30, {"investment_yuan": 1}))
    for state, day in ((funds_only, 10), (pct_only, 20), (invested, 30)):
        assert reported_between(state, day, day) and reported_between(state, 0, 365)
        assert not reported_between(state, day + 1, 365) and not reported_between(state, 0, day - 1)


def test_ledgers_keep_every_row_as_their_mapping_grows() -> None:
    ledgers = Ledgers(5, capacity=1)
    for row in range(9):
        assert ledgers.add() == row
        ledgers.ledger("investment", row)[row % 5] = row + 1
    assert ledgers.capacity >= 9
    for row in range(9):
        assert ledgers.ledger("investment", row).tolist() == [
            row + 1 if day == row % 5 else 0 for day in range(5)
        ]
        assert ledgers.ledger("pct", row).tolist() == [NO_PCT] * 5


def test_rows_reserved_are_added_without_a_write_or_a_new_mapping() -> None:
    ledgers = Ledgers(3, capacity=1)
    ledgers.reserve(4)
    mapping = ledgers.memory
    ledgers.pct[5] = 7  # row 1's last day, written before the row is added (another process)
    for _ in range(4):
        ledgers.add()
    assert ledgers.memory is mapping
    assert ledgers.ledger("pct", 1).tolist() == [NO_PCT, NO_PCT, 7]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a process")
def test_shared_ledgers_keep_their_rows_and_take_a_forked_process_s_writes() -> None:
    ledgers = Ledgers(3, capacity=2)
    ledgers.add()
    ledgers.ledger("funds", 0)[2] = 11
    assert not ledgers.shared
    ledgers.reserve(2, shared=True)
    assert ledgers.shared and ledgers.capacity == 2
    assert ledgers.ledger("funds", 0).tolist() == [0, 0, 11]
    child = os.fork()
    if child == 0:
        status = 1
        try:
            ledgers.investment[4] = 9  # row 1, day 1, before this side adds the row
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    assert status == 0
    assert ledgers.add() == 1
    assert ledgers.ledger("investment", 1).tolist() == [0, 9, 0]
    assert ledgers.ledger("pct", 1).tolist() == [NO_PCT] * 3
    ledgers.add()  # a new mapping as the rows grow stays shared
    assert ledgers.shared and ledgers.ledger("investment", 1).tolist() == [0, 9, 0]


@pytest.mark.parametrize("value", [1, 2**31 - 1, 2**31, -(2**31) - 1, 2**62])
def test_a_snapshot_gives_back_every_ledger_value(value: int) -> None:
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    state = projection.projects.get("ZZ-001")
    assert state is None
    row = projection.projects.register(REGISTERED)
    investment, funds, pct = (projection.projects.ledgers.ledger(n, row) for n in LEDGERS)
    e = {"investment_yuan": value, "funds_yuan": 3, "physical_pct": 12.5}
    record_day(investment, funds, pct, 40, e)
    again = restore(dump(projection))
    kept = again.projects["ZZ-001"]
    assert (kept.investment[40], kept.funds[40], kept.pct[40]) == (value, 3, 1250)
    assert kept.pct[41] == NO_PCT and kept.investment[365] == 0
    assert dump(again) == dump(projection)


CELLS = st.lists(
    st.tuples(
        st.integers(0, 4),  # the project's row
        st.integers(0, 365),  # the day
        st.sampled_from([0, 1, -7, 2**31, -(2**40), 2**62]),
        st.sampled_from([0, 5, 2**33]),
        st.sampled_from([None, 0.0, 12.5, 100.0]),
    ),
    max_size=40,
)


@settings(deadline=None)  # no example is timed: this machine is shared
@given(cells=CELLS, projects=st.integers(0, 5))
def test_a_snapshot_gives_back_every_ledger_as_it_was(
    cells: list[tuple[int, int, int, int, float | None]], projects: int
) -> None:
    """Sparse ledgers, narrowed arrays: whatever the rows hold (a report of 0 marked, values
    past 32 bits, rows without a report), a restored snapshot holds the same, day by day."""
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    for n in range(projects):
        projection.projects.register({**REGISTERED, "code": f"ZZ-{n:03d}"})
    ledgers = projection.projects.ledgers
    for row, day, investment, funds, pct in cells:
        if row < projects:
            e = {"investment_yuan": investment, "funds_yuan": funds, "physical_pct": pct}
            investment_row, funds_row, pct_row = (ledgers.ledger(n, row) for n in LEDGERS)
            record_day(investment_row, funds_row, pct_row, day, e)
    again = restore(dump(projection))
    # lists come back where the fold keeps tuples (read alike): compared as JSON
    assert orjson.dumps(again.projects.columns()) == orjson.dumps(projection.projects.columns())
    assert again.projects.days == projection.projects.days
    for name in LEDGERS:
        assert again.projects.ledgers.used(name).tolist() == ledgers.used(name).tolist()


STORED_REPORTS = st.lists(
    st.tuples(
        st.integers(0, 2),  # the project's row
        st.integers(0, 365),  # the day
        st.fixed_dictionaries(
            {},
            optional={
                "investment_yuan": st.one_of(st.none(), st.integers(-(2**62), 2**62)),
                "funds_yuan": st.one_of(st.none(), st.integers(-(2**40), 2**40)),
                "physical_pct": st.one_of(
                    st.none(),
                    st.integers(0, 100),
                    st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2)),
                ),
                "note": st.text(max_size=5),
                "actor": st.text(max_size=5),
            },
        ),
    ),
    max_size=30,
)


@settings(deadline=None)  # no example is timed: this machine is shared
@given(reports=STORED_REPORTS)
def test_the_fold_reads_a_stored_report_as_record_day_reads_it_decoded(
    reports: list[tuple[int, int, dict[str, Any]]],
) -> None:
    """The fold's decoder of a daily report (`reporter`: five fields, the rest skipped) writes
    the same cells as `record_day` given the whole state decoded: reports and corrections of
    0, null and missing values, whole and fractional percentages, values past 32 bits."""
    by_reporter, by_record = Projection(), Projection()
    for projection in (by_reporter, by_record):
        projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
        for n in range(3):
            projection.projects.register({**REGISTERED, "code": f"ZZ-{n:03d}"})
    report = reporter(by_reporter.projects, by_reporter.day_index)
    ledgers = by_record.projects.ledgers
    for row, day, fields in reports:
        date = (dt.date(2020, 1, 1) + dt.timedelta(days=day)).isoformat()
        stored = {"timestamp": "2020-03-16T09:00:16.000000+00:00", "date": date}
        stored |= {"code": f"ZZ-{row:03d}", **fields}
        report(orjson.dumps(stored))
        at = row * ledgers.days + by_record.day_index[date]
        record_day(
            ledgers.investment, ledgers.funds, ledgers.pct, at, orjson.loads(orjson.dumps(stored))
        )
    for name in LEDGERS:
        assert by_reporter.projects.ledgers.used(name).tolist() == ledgers.used(name).tolist()


@settings(deadline=None)  # no example is timed: this machine is shared
@given(corrections=STORED_REPORTS)
def test_corrections_kept_back_by_two_processes_fold_as_the_handler_folds_them(
    corrections: list[tuple[int, int, dict[str, Any]]],
) -> None:
    """The two-process fold reads each correction as a report is read (`read_report`) while
    the reports are folded, and folds them after, in log order (`_correct`): the same cells as
    the correction's handler given each state decoded whole."""
    kept, handled = Folder(), Folder()
    for folder in (kept, handled):
        folder.p.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
        for n in range(3):
            folder.p.projects.register({**REGISTERED, "code": f"ZZ-{n:03d}"})
    states = []
    for row, day, fields in corrections:
        date = (dt.date(2020, 1, 1) + dt.timedelta(days=day)).isoformat()
        stored = {"timestamp": "2020-03-16T09:00:16.000000+00:00", "date": date}
        states.append(orjson.dumps(stored | {"code": f"ZZ-{row:03d}", "reason": "核", **fields}))
    parallel._correct(kept, [read_report(state) for state in states])
    for state in states:
        handled.handlers[CORRECTED](orjson.loads(state))
    for name in LEDGERS:
        assert (
            kept.p.projects.ledgers.used(name).tolist()
            == handled.p.projects.ledgers.used(name).tolist()
        )


@pytest.mark.parametrize(
    "state",
    [
        b'{"code":"ZZ-001","date":"2020-03-02","reason":"r","investment_yuan":1.5}',
        b'{"code":"ZZ-001","date":"2020-03-02","reason":"r","physical_pct":"12"}',
        b'{"code":"ZZ-999","date":"2020-03-02","reason":"r","investment_yuan":1}',
    ],
)
def test_a_correction_of_another_shape_kept_back_fails_as_its_handler_does(state: bytes) -> None:
    """Read whole when the fold's decoder does not take it, and given to the handler: the
    same error as folded in log order."""
    kept, handled = Folder(), Folder()
    for folder in (kept, handled):
        folder.p.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
        folder.p.projects.register(REGISTERED)
    with pytest.raises(Exception) as by_handler:
        handled.handlers[CORRECTED](orjson.loads(state))
    with pytest.raises(type(by_handler.value)):
        parallel._correct(kept, [read_report(state)])


@pytest.mark.parametrize(
    ("state", "error"),
    [
        (b'{"code":"ZZ-001","date":"2020-03-02","investment_yuan":"12"}', TypeError),
        (b'{"code":"ZZ-001","date":"2020-03-02","investment_yuan":1.5}', TypeError),
        (b'{"code":"ZZ-999","date":"2020-03-02","investment_yuan":1}', KeyError),
        (b'{"code":"ZZ-001","investment_yuan":1}', KeyError),
        (b'{"code":"ZZ-001","date":"2020-03-02",', orjson.JSONDecodeError),
        (
            b'{"code":"ZZ-001","date":"2020-03-02","investment_yuan":18446744073709551616}',
            TypeError,
        ),
    ],
)
def test_a_stored_report_of_another_shape_fails_as_it_always_has(
    state: bytes, error: type[Exception]
) -> None:
    """A state the fold's decoder does not take is decoded whole and given to `record_day`:
    the same failure as before, and no cell written."""
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    projection.projects.register(REGISTERED)
    report = reporter(projection.projects, projection.day_index)
    with pytest.raises(error):
        report(state)
    ledgers = projection.projects.ledgers
    assert set(ledgers.used("investment").tolist()) == {0}
    assert set(ledgers.used("pct").tolist()) == {NO_PCT}


REQUESTS = st.lists(
    st.tuples(
        st.integers(0, 2),  # the project's row
        st.sampled_from(["land", "power", "energy", "劳动力"]),
        st.sampled_from(["用地报批", "35kV 专线送电", ""]),
        st.integers(0, 365),  # filed on
        st.one_of(st.none(), st.sampled_from(["met", "partly", "not_met"])),
    ),
    max_size=30,
)


@settings(deadline=None)  # no example is timed: this machine is shared
@given(requests=REQUESTS, extended=st.sets(st.integers(0, 29)))
def test_a_snapshot_gives_back_every_text_column_whether_its_values_repeat_or_not(
    requests: list[tuple[int, str, str, int, str | None]], extended: set[int]
) -> None:
    """Text columns of many repeats are kept as their distinct values and an index: a
    restored snapshot holds the same columns, row by row, with the same values, None kept."""
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    for n in range(3):
        projection.projects.register({**REGISTERED, "code": f"ZZ-{n:03d}", "unit": "区发改局"})
    table = projection.requests
    for n, (row, category, detail, day, outcome) in enumerate(requests):
        date = (dt.date(2020, 1, 1) + dt.timedelta(days=day)).isoformat()
        e = {"request_id": f"R-{n}", "code": f"ZZ-{row:03d}", "category": category}
        filed = table.file({**e, "detail": detail, "date": date, "due": date}, row)
        projection.projects.requests[row].append(filed)
        if outcome is not None:
            table.resolve(filed, date, outcome)
        if n in extended:
            table.extend(filed, date, date)
    again = restore(dump(projection))
    for restored, kept in ((again.requests, table), (again.projects, projection.projects)):
        assert orjson.dumps(restored.columns()) == orjson.dumps(kept.columns())
        assert restored.row_of == kept.row_of
    assert again.requests.with_history == table.with_history
    assert again.requests.days == table.days and again.requests.project == table.project


@pytest.mark.parametrize(
    "extra",
    [
        {"physical_pct": 2**53 + 1},  # a whole number past a double's: kept whole
        {"investment_yuan": 2**63 - 1, "funds_yuan": -(2**63)},  # the ends of a cell
        {"note": [[[0]]]},  # a skipped field of any shape
    ],
)
def test_the_fold_reads_the_edges_of_a_stored_report_as_record_day_does(
    extra: dict[str, Any],
) -> None:
    expected = folded_both({"investment_yuan": 5, **extra})
    assert expected[0] == expected[1]


def test_a_stored_report_nested_deeper_than_the_decoder_goes_is_folded_as_before() -> None:
    nested = b"[" * 1000 + b"]" * 1000  # orjson reads it; msgspec stops short of it
    state = b'{"code":"ZZ-001","date":"2020-03-02","investment_yuan":7,"note":' + nested + b"}"
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    projection.projects.register(REGISTERED)
    reporter(projection.projects, projection.day_index)(state)
    assert projection.projects.ledgers.investment[projection.day_index["2020-03-02"]] == 7


def folded_both(fields: dict[str, Any]) -> tuple[list[list[int]], list[list[int]]]:
    """The ledgers after one stored report, folded by `reporter` and by `record_day`."""
    found = []
    for way in ("reporter", "record_day"):
        projection = Projection()
        projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
        projection.projects.register(REGISTERED)
        state = orjson.dumps({"code": "ZZ-001", "date": "2020-03-02", **fields})
        ledgers = projection.projects.ledgers
        if way == "reporter":
            reporter(projection.projects, projection.day_index)(state)
        else:
            at = projection.day_index["2020-03-02"]
            record_day(ledgers.investment, ledgers.funds, ledgers.pct, at, orjson.loads(state))
        found.append([ledgers.used(name).tolist() for name in LEDGERS])
    return found[0], found[1]


def _tampered(data: bytes, change: Any) -> bytes:
    """A snapshot's bytes with its header changed by `change` (the arrays left as they are)."""
    body = content(data)
    size = int.from_bytes(body[:8], "big")
    header = orjson.loads(body[8 : 8 + size])
    change(header)
    head = orjson.dumps(header)
    rebuilt = len(head).to_bytes(8, "big") + head + body[8 + size :]
    return zstandard.ZstdCompressor().compress(rebuilt)


def test_a_snapshot_whose_coded_column_is_not_its_tables_length_is_refused() -> None:
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    for n in range(4):
        projection.projects.register({**REGISTERED, "code": f"ZZ-{n:03d}"})
    data = dump(projection)
    assert restore(data).projects.unit == ["区招商局"] * 4

    def renamed(header: dict[str, Any]) -> None:  # the index of "unit" now of no column
        header["arrays"] = [
            ["code.projects.units" if a[0] == "code.projects.unit" else a[0], *a[1:]]
            for a in header["arrays"]
        ]

    def shorter(header: dict[str, Any]) -> None:  # the index says 4 rows, the table 3
        header["rows"] = 3

    with pytest.raises(ValueError, match="of no column"):
        restore(_tampered(data, renamed))
    with pytest.raises(ValueError, match="has 4 rows, not 3"):
        restore(_tampered(data, shorter))

"""The figures over arrays (`campaign.figures.table`) against the named functions they apply to
whole columns: project by project and request by request (`project.project_figures`,
`factors.view_request`, `ranking.rank`), on campaigns of both generators at days across the
year; and each column function against its scalar one on random values, huge ones included
(where the columns fall back to Python integers)."""

from __future__ import annotations

import datetime as dt
from array import array
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.heldout import generate as heldout
from campaign import FixedClock, Settings
from campaign.bootstrap import open_store
from campaign.domain.values import Target
from campaign.domain.vocabulary import TargetKind
from campaign.figures.checkpoint import PROJECT_KEYS, _project_row, figures_on, summary
from campaign.figures.factors import factor_figures
from campaign.figures.investment import below_half, investment_figures, year_to_date
from campaign.figures.project import AsOf, physical_pct, project_figures
from campaign.figures.ranking import group, rank, ranked
from campaign.figures.rates import commissioning_rate, early_starts, fulfilment_rate, start_rate
from campaign.figures.rounding import amount, half_even
from campaign.figures.table import (
    DAYS_MARKED,
    FITS,
    _working_day_counts,
    amounts,
    half_even_all,
    integers,
    investment_columns,
    physical_pct_all,
    rank_order,
    year_to_date_all,
)
from campaign.figures.targets import (
    INDUSTRIAL_MIN,
    factory_area_started_m2,
    fixed_asset_investment,
    industrial_projects_started,
    target_lines,
    targets,
    tech_renovation_investment,
    tech_renovation_projects,
    tech_renovation_share,
)
from campaign.read.projection import NEVER, Projection, day_number
from campaign.read.replay import replay_log
from cli.context import Config
from cli.main import cli
from scenarios.generator import generate

if TYPE_CHECKING:
    from pathlib import Path


LATER = FixedClock(dt.datetime(2021, 3, 1, tzinfo=dt.UTC))
DAYS = [dt.date(2020, 1, 1) + dt.timedelta(days=d) for d in range(0, 366, 17)] + [
    dt.date(2020, 6, 30),
    dt.date(2020, 12, 31),
]


@pytest.fixture(scope="module", params=["generator", "heldout"])
def projection(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Projection:
    folder = tmp_path_factory.mktemp("table")
    scenario: Path = folder / "scenario.jsonl"
    with scenario.open("w", encoding="utf-8") as handle:
        if request.param == "generator":
            generate(handle, projects=80, seed=5)
        else:
            heldout(handle, projects=80, seed=5)
    db = folder / "store.db"
    result = CliRunner().invoke(
        cli, ["scenario", "run", str(scenario), "--db", str(db)], obj=Config(clock=LATER)
    )
    assert result.exit_code == 0, result.output
    with open_store(Settings(db=str(db)), create=False) as store:
        reader = store.reader()
        try:
            return replay_log(reader).projection
        finally:
            reader.close()


def named_rows(projection: Projection, day: dt.date) -> list[Any]:
    """Each registered project's figures by SPEC §6's named functions, ranked, in code order."""
    at = AsOf(projection, day)
    rows = [
        project_figures(state, at)
        for state in sorted(projection.projects.values(), key=lambda s: s.code)
        if state.registered_on <= at.text
    ]
    rank(rows)
    return rows


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_every_row_is_what_the_named_functions_give(projection: Projection, day: dt.date) -> None:
    at = AsOf(projection, day)
    expected = named_rows(projection, day)
    _, table = figures_on(projection, day)
    assert len(table) == len(expected)
    assert list(table) == expected
    # and the columns the document is written from
    assert table.light_names == [f.light for f in expected]
    assert table.open_factors.tolist() == [sum(v.open for v in f.requests) for f in expected]
    assert table.overdue_factors.tolist() == [sum(v.overdue for v in f.requests) for f in expected]
    assert table.requests.figures() == factor_figures(v for f in expected for v in f.requests)
    shown = investment_columns(table.ytd_investment, table.plan, at.progress)
    for k, f in enumerate(expected):
        assert {key: column[k] for key, column in shown.items()} == investment_figures(
            f.ytd_investment, f.plan, at.progress
        )


def test_the_campaigns_have_what_the_columns_must_handle(projection: Projection) -> None:
    """Not a vacuous comparison: the campaigns read have late requests, extensions,
    escalations, resolutions, terminations and projects with no plan in force."""
    requests = list(projection.requests.values())
    assert any(r.extensions for r in requests)
    assert any(r.escalations for r in requests)
    assert any(r.resolved_on for r in requests)
    assert any(s.terminated_on for s in projection.projects.values())
    _, table = figures_on(projection, dt.date(2020, 6, 30))
    assert int(table.requests.overdue.sum()) > 0
    assert set(table.light_names) >= {"green", "yellow", "red"}


money = st.integers(min_value=-(10**20), max_value=10**20)
small = st.integers(min_value=-(FITS - 1), max_value=FITS - 1)


@given(st.lists(st.tuples(st.one_of(small, money), st.integers(0, 10**20)), max_size=30))
def test_half_even_of_columns_is_half_even_of_each(pairs: list[tuple[int, int]]) -> None:
    numerators = integers([n for n, _ in pairs])
    denominators = integers([d for _, d in pairs])
    for scale in (100, 10_000):
        assert half_even_all(numerators, denominators, scale) == [
            None if d == 0 else half_even(n, d, scale) for n, d in pairs
        ]


@given(st.lists(st.one_of(small, money), max_size=30))
def test_amounts_of_a_column_are_each_amount(values: list[int]) -> None:
    assert amounts(integers(values)) == [amount(v) for v in values]


@given(
    st.integers(1, 20).flatmap(
        lambda width: st.lists(
            st.lists(
                st.one_of(small, st.integers(-(2**62), 2**62)), min_size=width, max_size=width
            ),
            min_size=1,
            max_size=8,
        )
    )
)
def test_year_to_date_of_a_matrix_is_each_rows(rows: list[list[int]]) -> None:
    matrix = np.array(rows, dtype=np.int64)
    width = matrix.shape[1]
    assert year_to_date_all(matrix).tolist() == [
        year_to_date(array("q", row), width - 1) for row in rows
    ]


@given(
    st.integers(1, 20).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(-2, 10_000), min_size=width, max_size=width),
            min_size=1,
            max_size=8,
        )
    )
)
def test_physical_pct_of_a_matrix_is_each_rows(rows: list[list[int]]) -> None:
    matrix = np.array(rows, dtype=np.int64)
    width = matrix.shape[1]
    expected = [physical_pct(row, width - 1) for row in rows]
    assert physical_pct_all(matrix).tolist() == [-1 if e is None else e for e in expected]


def _registered(code: str, plan: int) -> dict[str, object]:
    return {
        "code": code,
        "name": f"项目{code}",
        "sector": "other",
        "category": "continuing",
        "unit": "区发改局",
        "leader": "李四",
        "total_investment_yuan": 10 * FITS,
        "annual_plan_yuan": plan,
        "date": "2020-01-06",
    }


def test_ranks_settle_spi_that_share_a_double_exactly_and_keep_no_spi_last() -> None:
    """On 30 June (time progress 1/2) spi = 2 ytd / plan: C and D hold neighbouring
    fractions whose spi differ by 2 / (plan_C plan_D), far below a double's step (D's the
    greater); A has an spi of 0, B none (a plan of 0), E is terminated."""
    a, b = 20_000_012_347, 60_000_000_001
    d = -pow(a, -1, b) % b  # c/d follows a/b with c b - a d = 1
    c = (1 + a * d) // b
    assert c * b - a * d == 1 and 2 * a / b == 2 * c / d  # distinct, one double
    projection = Projection()
    projection.open({"name": "试", "year": 2020, "start": "2020-03-01", "end": "2020-06-30"})
    projects = projection.projects
    for code, plan, ytd in (("A", 100, 0), ("B", 0, 5), ("C", b, a), ("D", d, c), ("E", 10, 9)):
        row = projects.register(_registered(code, plan))
        projects.ledgers.ledger("investment", row)[40] = ytd
    projects.terminate(projects.row_of["E"], "2020-05-01")
    day = dt.date(2020, 6, 30)
    expected = [project_figures(s, AsOf(projection, day)) for s in projects.values()]
    rank(expected)
    _, table = figures_on(projection, day)
    assert table.ranks == [f.rank for f in expected] == [3, 4, 2, 1, None]


@given(
    st.lists(st.tuples(st.integers(-(2**45), 2**45), st.integers(0, 50)), min_size=1, max_size=30)
)
def test_half_even_of_64_bit_columns_beyond_a_doubles_integers(
    pairs: list[tuple[int, int]],
) -> None:
    """spi's terms are 64-bit columns (ytd × 372 at most, over a plan that may be small), so a
    quotient can pass 2^53, where a double no longer holds every integer."""
    numerators = np.array([n for n, _ in pairs], dtype=np.int64)
    denominators = np.array([d for _, d in pairs], dtype=np.int64)
    assert half_even_all(numerators, denominators, 10_000) == [
        None if d == 0 else half_even(n, d, 10_000) for n, d in pairs
    ]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_zone_figures_are_the_named_functions_of_the_rows(
    projection: Projection, day: dt.date
) -> None:
    """The zone's rates and counts, computed over masks, against `rates`, `investment` and
    `lights` applied to the rows one by one."""
    at, table = figures_on(projection, day)
    rows = list(table)
    listed = [f for f in rows if f.listed]
    states = [f.state for f in listed]
    text = at.text
    zone = summary(at, table, breakdowns=False)["zone"]
    fulfilled, signed = fulfilment_rate((f.state for f in rows), text)
    started, due_to_start = start_rate(states, text)
    commissioned, due_to_commission = commissioning_rate(states, text)
    assert (zone["fulfilled"], zone["signed"]) == (fulfilled, signed)
    assert (zone["started"], zone["due_to_start"]) == (started, due_to_start)
    assert (zone["commissioned"], zone["due_to_commission"]) == (commissioned, due_to_commission)
    assert zone["early_starts"] == early_starts(states, text)
    assert zone["below_half"] == sum(below_half(f.ytd_investment, f.plan) for f in listed)
    assert zone["lights"] == {
        light: sum(f.light == light for f in listed) for light in ("green", "yellow", "red", "na")
    }


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_targets_over_columns_are_the_named_functions_of_the_rows(
    projection: Projection, day: dt.date
) -> None:
    """Each zone target's actual over columns (`Figures.target_actual`) against `targets`'
    named functions applied to the rows one by one, the kind (int or Fraction) included."""
    at, table = figures_on(projection, day)
    rows = list(table)
    listed = [f for f in rows if f.listed]
    year = at.campaign.year
    expected = {
        TargetKind.industrial_projects_started: industrial_projects_started(listed, year),
        TargetKind.factory_area_started_m2: factory_area_started_m2(listed, year),
        TargetKind.fixed_asset_investment: fixed_asset_investment(rows),
        TargetKind.tech_renovation_projects: tech_renovation_projects(listed),
        TargetKind.tech_renovation_investment: tech_renovation_investment(listed),
        TargetKind.tech_renovation_share: tech_renovation_share(listed),
    }
    for kind, value in expected.items():
        found = table.target_actual(kind)
        assert (found, type(found)) == (value, type(value)), kind
    wanted = tuple(Target.of(kind, 1) for kind in TargetKind)
    assert target_lines(wanted, table.target_actual) == targets(wanted, rows, year)


def test_the_campaigns_have_what_the_targets_must_count(projection: Projection) -> None:
    """Not vacuous: projects that count toward each target, and some that do not."""
    _, table = figures_on(projection, dt.date(2020, 6, 30))
    rows = list(table)
    started = [f for f in rows if f.listed and f.started_on is not None]
    assert any(f.state.industrial and f.state.total_investment >= INDUSTRIAL_MIN for f in started)
    assert any(f.state.tech_renovation for f in rows)
    assert any(not f.state.tech_renovation for f in rows)
    assert any(f.state.factory_area for f in started)
    assert any(f.started_on is None for f in rows)
    assert any((f.started_on or "") < f"{table.at.campaign.year}-01-01" for f in started)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_factor_figures_by_key_are_each_keys_figures(projection: Projection, day: dt.date) -> None:
    """`Requests.figures_by` (every key at once) against `Requests.figures` over each key's
    mask, which the test above holds to `factors.factor_figures`."""
    _, table = figures_on(projection, day)
    requests = table.requests
    units = table.categories("unit")
    unit_of = table.column("unit")
    for names, codes, keys in (
        (*requests.categories("category"), requests.column("category")),
        (units.names, units.codes[requests.owner], [unit_of[i] for i in requests.owner.tolist()]),
    ):
        column = np.array(keys, dtype=object)
        assert requests.figures_by(names, codes) == {
            key: requests.figures(column == key) for key in sorted(set(keys))
        }


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_groups_are_sums_of_their_listed_rows(projection: Projection, day: dt.date) -> None:
    """`ranking.group` (summed over columns) against its listed rows summed one by one."""
    at, table = figures_on(projection, day)
    listed = [f for f in table if f.listed]
    for key in ("unit", "sector", "category"):
        rows = group(table, key, at.progress)
        assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
        assert sorted(row[key] for row in rows) == sorted({getattr(f.state, key) for f in listed})
        for row in rows:
            members = [f for f in listed if getattr(f.state, key) == row[key]]
            plan = sum(f.plan for f in members)
            ytd = sum(f.ytd_investment for f in members)
            shown = investment_figures(ytd, plan, at.progress)
            assert row["projects"] == len(members)
            assert (row["annual_plan"], row["ytd_investment"]) == (amount(plan), amount(ytd))
            assert (row["investment_rate"], row["spi"]) == (shown["investment_rate"], shown["spi"])
            assert row["red"] == sum(f.light == "red" for f in members)
            assert row["yellow"] == sum(f.light == "yellow" for f in members)


def _close_spi() -> st.SearchStrategy[tuple[int, int]]:
    """spi terms: small ones that often tie, none (a denominator of 0), and pairs of
    neighbouring fractions that share a double."""
    a, b = 20_000_012_347, 60_000_000_001
    d = -pow(a, -1, b) % b
    c = (1 + a * d) // b
    return st.one_of(
        st.tuples(st.integers(0, 6), st.integers(0, 3)),
        st.sampled_from([(a, b), (c, d), (2 * a, 2 * b), (0, 0)]),
    )


@given(st.lists(_close_spi(), max_size=40))
def test_rank_order_of_columns_is_ranked(terms: list[tuple[int, int]]) -> None:
    """`rank_order` (sorted on doubles, runs of equal doubles settled exactly) against
    `ranking.ranked`, the named function, on columns full of ties and near-ties."""
    codes = [f"P{k:03d}" for k in range(len(terms))]
    num = np.array([n for n, _ in terms], dtype=np.int64).reshape(len(terms))
    den = np.array([d for _, d in terms], dtype=np.int64).reshape(len(terms))
    where = {code: k for k, code in enumerate(codes)}
    entries = [(code, n, d) for code, (n, d) in zip(codes, terms, strict=True)]
    assert rank_order(num, den, codes) == [where[code] for code in ranked(entries)]


def test_a_project_row_has_the_project_keys_in_order_each_with_its_own_value() -> None:
    values: tuple[Any, ...] = PROJECT_KEYS  # each column's value: its own key
    row = _project_row(*values)
    assert list(row.items()) == [(key, key) for key in PROJECT_KEYS]


@pytest.mark.parametrize("far", ["2020-12-31", "2200-01-01"], ids=["marked", "sorted"])
def test_working_day_counts_are_the_calendars_for_any_span_of_days(
    projection: Projection, far: str
) -> None:
    """The distinct days are found by marking them over a span of days and, past
    DAYS_MARKED days of span, by sorting: both give each day's working-day count."""
    at = AsOf(projection, dt.date(2020, 6, 30))
    texts = ["2020-01-02", "2020-05-01", "2020-05-06", far, "2020-05-01"]
    days = np.array([day_number(t) for t in texts] + [NEVER], dtype=np.int64)
    span = max(days[days != NEVER]) - min(days)
    assert (span >= DAYS_MARKED) == (far > "2100")
    counts = _working_day_counts(at, [days[:3], days[3:]], day_number("2020-06-30"))
    assert counts(days[:-1]).tolist() == [at.working_days_count(t) for t in texts]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_lagging_is_red_then_yellow_each_by_rank(projection: Projection, day: dt.date) -> None:
    rows = named_rows(projection, day)  # ranked by the named functions, not by the table
    _, table = figures_on(projection, day)
    expected = sorted(
        (i for i, f in enumerate(rows) if f.light in ("red", "yellow")),
        key=lambda i: (rows[i].light != "red", rows[i].rank or 0),
    )
    assert table.lagging() == expected
    assert table.rank_numbers.tolist() == [f.rank or 0 for f in rows]

"""Invariants of the replay, over random logs (hypothesis).

Random commands (tests/strategies.py) are run through the engine, which refuses the invalid
ones, so every log here is one the engine could really hold. Each test counts the commands the
engine accepted over its examples and fails if the logs were near-empty; the count is recorded
as the test's `accepted` property and printed at the end of the run (tests/property/conftest.py),
and `--hypothesis-show-statistics` shows how it spread.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from hypothesis import given
from hypothesis import strategies as st

from campaign import Engine, FixedClock
from campaign.app.queries import checkpoint_document
from tests.conftest import SHANGHAI
from tests.strategies import DAYS, SETTINGS, START, Tally, as_of_days, build, cut_hours, logs

if TYPE_CHECKING:
    import pytest

# Accepted commands per example, on average, below which the logs count as near-empty (the
# strategies give 30 to 45).
MEAN_ACCEPTED = 10
LATER = FixedClock(dt.datetime(2020, 12, 31, tzinfo=SHANGHAI))


def doc(engine: Engine, as_of: str, known_at: str | None = None) -> dict[str, Any]:
    """The checkpoint, queried later than anything in the log was recorded."""
    later = Engine(engine.store, LATER, engine.snapshots)
    return checkpoint_document(later, dt.date.fromisoformat(as_of), known_at)


def test_the_state_cut_at_known_at_equals_the_state_of_the_log_recorded_by_then(
    tmp_path_factory: pytest.TempPathFactory, record_property: Any
) -> None:
    tally = Tally()

    @SETTINGS
    @given(log=logs(), cut=cut_hours, as_of=as_of_days)
    def example(log: list[Any], cut: int, as_of: dt.date) -> None:
        folder = tmp_path_factory.mktemp("cut")
        known_at = (START + dt.timedelta(hours=cut, minutes=30)).isoformat()
        with (
            build(folder / "full.db", log) as full,
            build(folder / "prefix.db", log, upto_hour=cut) as prefix,
        ):
            tally.add(full)
            cut_view = doc(full.engine, as_of.isoformat(), known_at)
            prefix_view = doc(prefix.engine, as_of.isoformat(), known_at)
            whole_prefix = doc(prefix.engine, as_of.isoformat(), None)
        assert cut_view["receipt"]["state_hash"] == prefix_view["receipt"]["state_hash"]
        assert cut_view["receipt"]["head_hash"] == prefix_view["receipt"]["head_hash"]
        assert {k: v for k, v in cut_view.items() if k not in ("receipt", "known_at")} == {
            k: v for k, v in whole_prefix.items() if k not in ("receipt", "known_at")
        }

    example()
    record_property("accepted", tally.summary())
    tally.check(mean_at_least=MEAN_ACCEPTED)


def test_at_a_fixed_known_at_ytd_sums_never_decrease_as_as_of_grows(
    tmp_path_factory: pytest.TempPathFactory, record_property: Any
) -> None:
    tally = Tally()

    @SETTINGS
    @given(log=logs(), cut=st.one_of(st.none(), cut_hours))
    def example(log: list[Any], cut: int | None) -> None:
        known_at = None if cut is None else (START + dt.timedelta(hours=cut)).isoformat()
        with build(tmp_path_factory.mktemp("mono") / "c.db", log) as built:
            tally.add(built)
            previous: dict[str, tuple[float, float]] = {}
            zone_before = (0.0, 0.0)
            for day in DAYS[::4]:
                document = doc(built.engine, day.isoformat(), known_at)
                for project in document["projects"]:
                    now = (project["ytd_investment"], project["ytd_funds"])
                    before = previous.get(project["code"], (0.0, 0.0))
                    assert now[0] >= before[0] and now[1] >= before[1]
                    previous[project["code"]] = now
                fixed = next(
                    t for t in document["targets"] if t["kind"] == "fixed_asset_investment"
                )
                zone_now = (fixed["actual"], document["factors"]["filed"])
                assert zone_now[0] >= zone_before[0] and zone_now[1] >= zone_before[1]
                zone_before = zone_now

    example()
    record_property("accepted", tally.summary())
    tally.check(mean_at_least=MEAN_ACCEPTED)


def test_the_same_log_gives_the_same_state_hash_and_bytes_in_two_runs(
    tmp_path_factory: pytest.TempPathFactory, record_property: Any
) -> None:
    tally = Tally()

    @SETTINGS
    @given(log=logs(), as_of=as_of_days)
    def example(log: list[Any], as_of: dt.date) -> None:
        with build(tmp_path_factory.mktemp("det") / "c.db", log) as built:
            tally.add(built)
            first = doc(built.engine, as_of.isoformat())
            second = doc(built.engine, as_of.isoformat())
        assert first == second
        assert first["receipt"]["state_hash"] == second["receipt"]["state_hash"]

    example()
    record_property("accepted", tally.summary())
    tally.check(mean_at_least=MEAN_ACCEPTED)

"""Invariants of the replay, over random logs (hypothesis).

Random commands are run through the engine, which refuses the invalid ones, so every log here
is one the engine could really hold.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import CampaignError, Engine, FixedClock, Store, parse_command
from campaign.queries import checkpoint_document
from tests.conftest import CAMPAIGN_2020, SHANGHAI

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

CODES = ["P1", "P2", "P3"]
FIRST = dt.date(2020, 1, 6)
MONEY = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
days = st.integers(0, 175)
Step = tuple[int, int, str, dict[str, Any]]  # (recorded day, hour, command, fields)


def on(offset: int) -> str:
    return (FIRST + dt.timedelta(days=offset)).isoformat()


@st.composite
def report_steps(draw: Any, code: str) -> list[Step]:
    day = draw(days)
    late = draw(st.sampled_from([0] * 8 + [1, 3, 9]))
    fields: dict[str, Any] = {"code": code, "date": on(day), "investment": str(draw(MONEY))}
    if draw(st.booleans()):
        fields["funds"] = str(draw(MONEY))
    if draw(st.booleans()):
        fields["physical_pct"] = str(draw(st.integers(0, 100)))
    steps: list[Step] = [(day + late, 18, "report_progress", fields)]
    if draw(st.integers(0, 4)) == 0:  # a correction, days later
        correction = {"code": code, "date": on(day), "reason": "核对"}
        correction[draw(st.sampled_from(["investment", "funds"]))] = str(draw(MONEY))
        steps.append((day + late + draw(st.integers(0, 20)), 20, "correct_progress", correction))
    return steps


@st.composite
def request_steps(draw: Any, code: str) -> list[Step]:
    filed = draw(days)
    category = draw(st.sampled_from(["land", "approval", "power", "labour"]))
    request = f"{code}-{on(filed).replace('-', '')}-{category}"
    steps: list[Step] = [
        (
            filed,
            10,
            "file_factor",
            {"code": code, "category": category, "detail": "x", "date": on(filed)},
        )
    ]
    last = filed
    for _ in range(draw(st.integers(0, 2))):
        last += draw(st.integers(0, 15))
        due = on(last + draw(st.integers(5, 40)))
        steps.append(
            (
                last,
                11,
                "extend_factor",
                {"id": request, "due": due, "reason": "r", "date": on(last)},
            )
        )
    if draw(st.booleans()):
        last += draw(st.integers(0, 10))
        steps.append(
            (
                last,
                12,
                "escalate_factor",
                {"id": request, "level": draw(st.integers(1, 3)), "note": "n", "date": on(last)},
            )
        )
    if draw(st.booleans()):
        last += draw(st.integers(0, 40))
        outcome = draw(st.sampled_from(["fulfilled", "fulfilled", "rejected"]))
        steps.append(
            (
                last,
                13,
                "resolve_factor",
                {"id": request, "outcome": outcome, "note": "ok", "date": on(last)},
            )
        )
    return steps


@st.composite
def project_steps(draw: Any, code: str) -> list[Step]:
    steps: list[Step] = []
    for group in draw(st.lists(report_steps(code), max_size=12)):
        steps.extend(group)
    for group in draw(st.lists(request_steps(code), max_size=3)):
        steps.extend(group)
    reached = draw(st.integers(0, 4))
    day = draw(st.integers(0, 60))
    for milestone in ["signed", "started", "completed", "production"][:reached]:
        steps.append(
            (day, 9, "reach_milestone", {"code": code, "milestone": milestone, "date": on(day)})
        )
        day += draw(st.integers(0, 40))
    for _ in range(draw(st.integers(0, 2))):
        day = draw(days)
        plan = str(draw(MONEY))
        steps.append(
            (
                day,
                8,
                "revise_plan",
                {"code": code, "annual_plan": plan, "date": on(day), "reason": "调整"},
            )
        )
    if draw(st.integers(0, 5)) == 0:
        day = draw(days)
        steps.append(
            (
                day + draw(st.integers(0, 5)),
                21,
                "terminate_project",
                {"code": code, "date": on(day), "reason": "退出"},
            )
        )
    return steps


@st.composite
def logs(draw: Any) -> list[tuple[int, str, dict[str, Any]]]:
    """Commands in recorded order, with the hour (from START) at which each is recorded."""
    steps: list[Step] = []
    for code in CODES:
        steps.extend(draw(project_steps(code)))
    steps.sort(key=lambda s: (s[0], s[1]))
    return [(day * 24 + hour, cmd, fields) for day, hour, cmd, fields in steps]


DAYS = [FIRST + dt.timedelta(days=n) for n in range(0, 180, 3)]


START = dt.datetime(2020, 1, 6, 0, 0, tzinfo=SHANGHAI)


def build(
    db: Path, log: list[tuple[int, str, dict[str, Any]]], upto_hour: int | None = None
) -> Store:
    """A store holding the campaign, three projects, and the commands the engine accepts."""
    store = Store(str(db))
    clock = FixedClock(START)
    engine = Engine(store, clock)
    engine.execute(parse_command("open_campaign", CAMPAIGN_2020), actor="office")
    for code in CODES:
        fields = {
            "code": code,
            "name": f"项目{code}",
            "sector": "lithium",
            "category": "new",
            "unit": f"unit-{code[-1]}",
            "leader": "l",
            "total_investment": "90000",
            "annual_plan": "12000",
            "date": "2020-01-06",
            "planned_start": "2020-03-01",
            "planned_completion": "2020-05-31",
        }
        engine.execute(parse_command("register_project", fields), actor="office")
    for hours, cmd, fields in log:
        if upto_hour is not None and hours > upto_hour:
            break
        clock.at = START + dt.timedelta(hours=hours)
        with contextlib.suppress(CampaignError):
            engine.execute(parse_command(cmd, fields), actor="team")
    return store


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def doc(store: Store, as_of: str, known_at: str | None = None) -> dict[str, Any]:
    clock = FixedClock(dt.datetime(2020, 12, 31, tzinfo=SHANGHAI))
    return checkpoint_document(Engine(store, clock), dt.date.fromisoformat(as_of), known_at)


@SETTINGS
@given(log=logs(), cut=st.integers(0, 5000), as_of=st.sampled_from(DAYS))
def test_the_state_cut_at_known_at_equals_the_state_of_the_log_recorded_by_then(
    tmp_path_factory: pytest.TempPathFactory, log: list[Any], cut: int, as_of: dt.date
) -> None:
    folder = tmp_path_factory.mktemp("cut")
    known_at = (START + dt.timedelta(hours=cut, minutes=30)).isoformat()
    with (
        build(folder / "full.db", log) as full,
        build(folder / "prefix.db", log, upto_hour=cut) as prefix,
    ):
        cut_view = doc(full, as_of.isoformat(), known_at)
        prefix_view = doc(prefix, as_of.isoformat(), known_at)
        whole_prefix = doc(prefix, as_of.isoformat(), None)
    assert cut_view["receipt"]["state_hash"] == prefix_view["receipt"]["state_hash"]
    assert cut_view["receipt"]["head_hash"] == prefix_view["receipt"]["head_hash"]
    assert {k: v for k, v in cut_view.items() if k not in ("receipt", "known_at")} == {
        k: v for k, v in whole_prefix.items() if k not in ("receipt", "known_at")
    }


@SETTINGS
@given(log=logs(), cut=st.one_of(st.none(), st.integers(0, 5000)))
def test_at_a_fixed_known_at_ytd_sums_never_decrease_as_as_of_grows(
    tmp_path_factory: pytest.TempPathFactory, log: list[Any], cut: int | None
) -> None:
    known_at = None if cut is None else (START + dt.timedelta(hours=cut)).isoformat()
    with build(tmp_path_factory.mktemp("mono") / "c.db", log) as store:
        previous: dict[str, tuple[float, float]] = {}
        zone_before = (0.0, 0.0)
        for day in DAYS[::4]:
            document = doc(store, day.isoformat(), known_at)
            for project in document["projects"]:
                now = (project["ytd_investment"], project["ytd_funds"])
                before = previous.get(project["code"], (0.0, 0.0))
                assert now[0] >= before[0] and now[1] >= before[1]
                previous[project["code"]] = now
            fixed = next(t for t in document["targets"] if t["kind"] == "fixed_asset_investment")
            zone_now = (fixed["actual"], document["factors"]["filed"])
            assert zone_now[0] >= zone_before[0] and zone_now[1] >= zone_before[1]
            zone_before = zone_now


@SETTINGS
@given(log=logs(), as_of=st.sampled_from(DAYS))
def test_the_same_log_gives_the_same_state_hash_and_bytes_in_two_runs(
    tmp_path_factory: pytest.TempPathFactory, log: list[Any], as_of: dt.date
) -> None:
    with build(tmp_path_factory.mktemp("det") / "c.db", log) as store:
        first = doc(store, as_of.isoformat())
        second = doc(store, as_of.isoformat())
    assert first == second
    assert first["receipt"]["state_hash"] == second["receipt"]["state_hash"]

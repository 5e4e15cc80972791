"""The hypothesis strategies of the test suite, and what runs their examples.

`logs()` draws the commands of a campaign's three projects over half a year (reports, some of
them late or corrected, factor requests with their extensions, escalations and resolutions,
milestones, plan revisions, terminations), each with the hour it is recorded at. `build` runs
such a log through the engine, which refuses the invalid commands, so every store built here
is one the engine could really hold; `Tally` counts the commands it accepted over a property
test's examples, so that a strategy that drifts into generating only refused commands (an
empty log proves nothing) fails the test instead of passing it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, event, note, settings
from hypothesis import strategies as st

from campaign import CampaignError, Engine, FixedClock, Settings, open_engine, parse_command
from tests.conftest import CAMPAIGN_2020, SHANGHAI

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

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
as_of_days = st.sampled_from(DAYS)
"""An as_of every third day of the first half of 2020."""
cut_hours = st.integers(0, 5000)
"""A known_at, in hours after START (the log's commands run from 0 to about 4,700)."""

START = dt.datetime(2020, 1, 6, 0, 0, tzinfo=SHANGHAI)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Log = list[tuple[int, str, dict[str, Any]]]


@dataclass
class Built:
    """An engine on the store `build` made, and how many of the log's commands it ran."""

    engine: Engine
    offered: int
    accepted: int

    def __enter__(self) -> Built:
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.close()


def build(
    db: Path,
    log: Log,
    upto_hour: int | None = None,
    *,
    snapshot_every: int | None = None,
    before: Callable[[Engine, int], None] | None = None,
) -> Built:
    """A store holding the campaign, three projects, and the commands the engine accepts
    (those recorded by `upto_hour`). `before(engine, hours)` runs before each command, given
    the hour it is recorded at; `snapshot_every` is the engine's setting, when given."""
    clock = FixedClock(START)
    settings = Settings(db=str(db), clock=clock)
    if snapshot_every is not None:
        settings = dataclasses.replace(settings, snapshot_every=snapshot_every)
    engine = open_engine(settings)
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
    offered = accepted = 0
    for hours, cmd, fields in log:
        if upto_hour is not None and hours > upto_hour:
            break
        if before is not None:
            before(engine, hours)
        clock.at = START + dt.timedelta(hours=hours)
        offered += 1
        with contextlib.suppress(CampaignError):
            engine.execute(parse_command(cmd, fields), actor="team")
            accepted += 1
    return Built(engine, offered, accepted)


class Tally:
    """The generated commands the engine accepted, over the examples of one property test."""

    def __init__(self) -> None:
        self.examples = 0
        self.offered = 0
        self.accepted = 0

    def add(self, built: Built) -> None:
        """Count one example's log (and say how much of it the engine took)."""
        self.examples += 1
        self.offered += built.offered
        self.accepted += built.accepted
        note(f"the engine accepted {built.accepted} of {built.offered} generated commands")
        event("commands accepted", _bucket(built.accepted))

    def summary(self) -> str:
        return (
            f"{self.accepted} of {self.offered} generated commands accepted "
            f"over {self.examples} examples"
        )

    def check(self, *, mean_at_least: float) -> None:
        """Fail when the logs were near-empty: fewer accepted commands per example than
        `mean_at_least` on average."""
        assert self.examples > 0, "no example ran"
        mean = self.accepted / self.examples
        assert mean >= mean_at_least, (
            f"near-empty logs: {self.summary()} ({mean:.1f} per example, "
            f"fewer than {mean_at_least})"
        )


def _bucket(count: int) -> str:
    """A range for hypothesis's statistics (--hypothesis-show-statistics)."""
    for upper in (0, 9, 49, 99):
        if count <= upper:
            return f"<= {upper}"
    return ">= 100"

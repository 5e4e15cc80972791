"""The projection: the campaign's state as known at a cut of the log (SPEC §5).

Per project: the plan and its revisions, a day-by-day ledger of investment, funds and physical
progress (as corrected) for the campaign year, milestones, termination, and every factor
request with its history. Which days have a report at all is read from the ledgers
(`has_report`: a report of 0 investment is still a report, and the 未报送 lists need it).
Dates are ISO text (they order as dates do), money integer yuan, percentages integer
hundredths: the fold never builds a date, a Decimal or a pydantic model. Which revision or
extension is in force on a day is `campaign.domain.history.in_force`.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from campaign.domain.settings import Amendment, CampaignSettings, settings_on
from campaign.domain.time import DEFAULT_TIMEZONE
from campaign.domain.values import Lights, Target

if TYPE_CHECKING:
    from typing import Protocol

    class Ledger(Protocol):
        """A day ledger: an array, or a view of one in shared memory."""

        def __getitem__(self, i: int, /) -> int: ...
        def __setitem__(self, i: int, value: int, /) -> None: ...


NO_PCT = -1
"""A day of the physical-progress ledger with no report that gives one."""

ZERO_REPORT = -2
"""A day of the physical-progress ledger whose report gives no physical % and 0 investment:
such a report leaves no other trace in the ledgers (a day without any report reads 0, 0,
NO_PCT), so it marks its day here. Like NO_PCT, it is not a physical %."""


def cents(text: str) -> int:
    """'120.50' -> 12050 (the stored form always has two places; anything else is parsed)."""
    if len(text) > 3 and text[-3] == ".":
        return int(text[:-3] + text[-2:])
    return int((Decimal(text) * 100).to_integral_value())


def _dates(days: list[str] | None) -> tuple[dt.date, ...] | None:
    return None if days is None else tuple(dt.date.fromisoformat(d) for d in days)


@dataclass(slots=True)
class CampaignInfo:
    name: str
    year: int
    start: dt.date
    end: dt.date
    opening: CampaignSettings
    timezone: str
    simulated: bool
    amendments: list[Amendment] = field(default_factory=list)

    @classmethod
    def opened(cls, e: dict[str, Any]) -> CampaignInfo:
        """From the campaign's Opened event, as stored."""
        return cls(
            name=e["name"],
            year=e["year"],
            start=dt.date.fromisoformat(e["start"]),
            end=dt.date.fromisoformat(e["end"]),
            opening=CampaignSettings(
                checkpoints=_dates(e.get("checkpoints")) or (),
                holidays=_dates(e.get("holidays")) or (),
                workdays=_dates(e.get("workdays")) or (),
                sla_days=dict(e.get("sla_days", {})),
                targets=tuple(Target.model_validate(t) for t in e.get("targets", ())),
                lights=Lights.model_validate(e.get("lights", {})),
            ),
            timezone=e.get("timezone", DEFAULT_TIMEZONE),
            simulated=e.get("simulated", False),
        )

    def amend(self, e: dict[str, Any]) -> None:
        """Take an Amended event, as stored."""
        targets, lights = e.get("targets"), e.get("lights")
        self.amendments.append(
            Amendment(
                date=dt.date.fromisoformat(e["date"]),
                checkpoints=_dates(e.get("checkpoints")),
                holidays=_dates(e.get("holidays")),
                workdays=_dates(e.get("workdays")),
                sla_days=e.get("sla_days"),
                targets=None
                if targets is None
                else tuple(Target.model_validate(t) for t in targets),
                lights=None if lights is None else Lights.model_validate(lights),
            )
        )

    def settings_on(self, day: dt.date) -> CampaignSettings:
        """The settings in force on `day`."""
        return settings_on(self.opening, self.amendments, day)

    def every_checkpoint(self) -> set[dt.date]:
        """Every checkpoint day the campaign has named, at opening or since."""
        days = set(self.opening.checkpoints)
        for amendment in self.amendments:
            days.update(amendment.checkpoints or ())
        return days


REQUEST_FIELDS = (
    "id",
    "code",
    "category",
    "detail",
    "filed_on",
    "sla_due",
    "extensions",
    "escalations",
    "resolved_on",
    "outcome",
)
"""A request's state, in the order snapshots keep it."""


class RequestState:
    """A factor request and its history, as known at the cut."""

    __slots__ = REQUEST_FIELDS

    def __init__(
        self, *, request_id: str, code: str, category: str, detail: str, filed_on: str, sla_due: str
    ) -> None:
        self.id = request_id
        self.code = code
        self.category = category
        self.detail = detail
        self.filed_on = filed_on
        self.sla_due = sla_due
        self.extensions: list[tuple[str, str]] = []  # (in force from, due), in log order
        self.escalations: list[tuple[str, int]] = []  # (date, level)
        self.resolved_on: str | None = None
        self.outcome: str | None = None


PROJECT_FIELDS = (
    "code",
    "name",
    "sector",
    "category",
    "unit",
    "leader",
    "total_investment",
    "registered_on",
    "planned_start",
    "planned_completion",
    "industrial",
    "tech_renovation",
    "factory_area",
    "milestones",
    "terminated_on",
    "revisions",
)
"""A project's facts, in the order snapshots keep them (its ledgers and requests aside)."""

LEDGERS = ("investment", "funds", "pct")
"""A project's day ledgers: investment and funds in yuan, physical % in hundredths."""


class ProjectState:
    """One project as known at the cut; dates are ISO text, money integer yuan."""

    __slots__ = (*PROJECT_FIELDS, *LEDGERS, "requests")

    def __init__(self, e: dict[str, Any], days: int) -> None:
        """From the project's Registered event, as stored, with empty ledgers of `days`."""
        self.code: str = e["code"]
        self.name: str = e["name"]
        self.sector: str = e["sector"]
        self.category: str = e["category"]
        self.unit: str = e["unit"]
        self.leader: str = e["leader"]
        self.total_investment: int = e["total_investment_yuan"]
        self.registered_on: str = e["date"]
        self.planned_start: str | None = e.get("planned_start")
        self.planned_completion: str | None = e.get("planned_completion")
        self.industrial: bool = e.get("industrial", False)
        self.tech_renovation: bool = e.get("tech_renovation", False)
        area = e.get("factory_area_m2")
        self.factory_area = cents(area) if area is not None else 0  # m², hundredths
        # The registered plan, then each revision (in force from, plan), in log order.
        self.revisions: list[tuple[str, int]] = [("", e["annual_plan_yuan"])]
        self.investment = array("q", bytes(8 * days))
        self.funds = array("q", bytes(8 * days))
        self.pct = array("q", [NO_PCT]) * days
        self.milestones: dict[str, str] = {}
        self.terminated_on: str | None = None
        self.requests: list[RequestState] = []


def record_day(
    investment: Ledger,
    funds: Ledger,
    pct: Ledger,
    i: int,
    e: dict[str, Any],
) -> None:
    """A daily report's values, as stored, into day `i` of a project's ledgers (a report
    gives investment and perhaps the others; a correction gives only what it changes)."""
    v = e.get("investment_yuan")
    if v is not None:
        investment[i] = v
        if not v and pct[i] == NO_PCT:  # a report of 0 (or a correction to 0) marks its day
            pct[i] = ZERO_REPORT
    v = e.get("funds_yuan")
    if v is not None:
        funds[i] = v
    v = e.get("physical_pct")
    if v is not None:
        pct[i] = round(v * 100)


def has_report(state: ProjectState, i: int) -> bool:
    """Day `i` has a report (as corrected): any trace in the ledgers (see ZERO_REPORT)."""
    return state.investment[i] != 0 or state.funds[i] != 0 or state.pct[i] != NO_PCT


def last_report(state: ProjectState, index: int) -> int | None:
    """The index of the last day with a report on or before day `index`; None for none."""
    for i in range(index, -1, -1):
        if has_report(state, i):
            return i
    return None


def days_with_report(state: ProjectState, first: int, last: int) -> int:
    """How many days from day `first` through day `last` have a report."""
    return sum(1 for i in range(first, last + 1) if has_report(state, i))


def reported_between(state: ProjectState, first: int, last: int) -> bool:
    """Some day from day `first` through day `last` has a report (`has_report`, a ledger at
    a time: the office asks this of every project over weeks)."""
    days = slice(first, last + 1)
    pct = state.pct[days]
    return any(state.investment[days]) or any(state.funds[days]) or pct.count(NO_PCT) < len(pct)


@dataclass
class Projection:
    """Everything the queries need, folded from the log up to `position`."""

    campaign: CampaignInfo | None = None
    opened: dict[str, Any] | None = None  # the campaign's Opened event, as stored
    amended: list[dict[str, Any]] = field(default_factory=list)  # its Amended events, as stored
    projects: dict[str, ProjectState] = field(default_factory=dict)
    requests: dict[str, RequestState] = field(default_factory=dict)
    publications: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    day_index: dict[str, int] = field(default_factory=dict)

    @property
    def year_days(self) -> int:
        return len(self.day_index)

    def date_of(self, index: int) -> str:
        """The ISO date of the day at `index` in the ledgers (the inverse of `index_of`)."""
        assert self.campaign is not None
        return (dt.date(self.campaign.year, 1, 1) + dt.timedelta(days=index)).isoformat()

    def index_of(self, day: dt.date) -> int:
        """Day-of-year index of `day` (clamped to the campaign year)."""
        assert self.campaign is not None
        first = dt.date(self.campaign.year, 1, 1)
        return max(0, min((day - first).days, self.year_days - 1))

    def open(self, e: dict[str, Any]) -> None:
        """Open the campaign (its Opened event, as stored): the year's days and its settings."""
        first = dt.date(e["year"], 1, 1)
        days = (dt.date(e["year"] + 1, 1, 1) - first).days
        self.day_index.clear()
        self.day_index.update({(first + dt.timedelta(days=i)).isoformat(): i for i in range(days)})
        self.campaign = CampaignInfo.opened(e)
        self.opened = e

    def amend(self, e: dict[str, Any]) -> None:
        """Amend the campaign's settings (its Amended event, as stored)."""
        assert self.campaign is not None
        self.campaign.amend(e)
        self.amended.append(e)

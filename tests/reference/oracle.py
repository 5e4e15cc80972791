"""An independent reference implementation ("oracle") of the checkpoint (SPEC §5, §6).

It reads the parsed lines of a scenario file (SPEC §8) and computes the §6.8 document without its
receipt, by the plainest possible means: it replays the lines into a few dictionaries, then
evaluates each formula of §6 directly, with exact `Fraction` arithmetic, rounding only on output.
It shares no code with the engine (`campaign`), and is meant to be read, not to be fast.

Every line is assumed to have been accepted by the engine (the scenario is valid).

`checkpoint(lines, as_of, known_at)` returns the document in the representation of the engine's
JSON output: amounts (万元, m²) are floats rounded half-even to 2 places, rates / ratios /
time_progress / spi floats rounded half-even to 4 places, gap_pp 2 places, counts `int`s,
physical_pct a float or None, median_resolution_wd a float or None; a rate with denominator 0 is
None. `checkpoint_exact` gives the same document with `Decimal`s in place of those floats.
`project_states(lines, as_of, known_at)` gives, per registered project, its open requests with
the due date in force, overdue working days and escalation level (not part of the §6.8 document).

`as_of` is a date or a "YYYY-MM-DD" string; `known_at` is None, a bare date "YYYY-MM-DD" (the end
of that day in the campaign time zone) or an ISO time with an offset; the document's "known_at"
echoes the string given.

Run as a script to print a checkpoint (or, with --states, the project states) of a scenario file:
    python -m tests.reference.oracle FILE --as-of 2020-06-30 [--known-at 2020-06-30] [--states]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_SLA_DAYS = 7
DEFAULT_LIGHTS = {"green": Fraction(4, 5), "yellow": Fraction(3, 5)}
MILESTONES = ("signed", "started", "completed", "production")
REPORT_FIELDS = ("investment", "funds", "physical_pct", "workers", "note")
LIGHT_ORDER = {"green": 0, "yellow": 1, "red": 2}

# --------------------------------------------------------------------------------------------
# Values


def as_decimal(value: Any) -> Decimal:
    """A decimal given as a JSON number (int / Decimal, or a float as written: its shortest repr,
    which is what a JSON reader with parse_float=Decimal would see) or a decimal string."""
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"not a number: {value!r}")


def number(value: Any) -> Fraction:
    """A decimal given as a JSON number or a decimal string, exactly."""
    return Fraction(as_decimal(value))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def quantize(value: Fraction, places: int) -> Decimal:
    """`value` rounded half-even to `places` decimals, exactly (Fraction rounds half to even)."""
    scaled = round(value * 10**places)
    return Decimal(scaled).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def amount(value: Fraction) -> Decimal:
    return quantize(value, 2)


def rate(value: Fraction | None) -> Decimal | None:
    return None if value is None else quantize(value, 4)


def ratio(numerator: Fraction | int, denominator: Fraction | int) -> Fraction | None:
    """numerator / denominator, or None when the denominator is 0."""
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / Decimal(2)


# --------------------------------------------------------------------------------------------
# Calendar


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def is_working_day(self, d: dt.date) -> bool:
        if d in self.holidays:
            return False
        if d in self.workdays:
            return True
        return d.weekday() < 5

    def working_days_between(self, after: dt.date, until: dt.date) -> int:
        """The number of working days d with after < d <= until (0 when until <= after)."""
        count = 0
        d = after + dt.timedelta(days=1)
        while d <= until:
            if self.is_working_day(d):
                count += 1
            d += dt.timedelta(days=1)
        return count

    def nth_working_day_after(self, after: dt.date, n: int) -> dt.date:
        """The smallest d with n working days in (after, d]."""
        d = after
        while self.working_days_between(after, d) < n:
            d += dt.timedelta(days=1)
        return d


def time_progress(as_of: dt.date) -> Fraction:
    next_month = dt.date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)
    days_in_month = (next_month - dt.date(as_of.year, as_of.month, 1)).days
    return (as_of.month - 1 + Fraction(as_of.day, days_in_month)) / 12


# --------------------------------------------------------------------------------------------
# State replayed from the lines


@dataclass
class Campaign:
    name: str
    year: int
    calendar: Calendar
    sla_days: dict[str, int]
    lights: dict[str, Fraction]
    targets: list[dict[str, Any]]
    timezone: str


@dataclass
class Project:
    code: str
    category: str
    unit: str
    total_investment: Fraction
    registered_plan: Fraction
    registered_on: dt.date
    planned_start: dt.date | None
    planned_completion: dt.date | None
    industrial: bool
    tech_renovation: bool
    factory_area_m2: Fraction
    revisions: list[tuple[dt.date, Fraction]] = field(default_factory=list)  # in log order
    reports: dict[dt.date, dict[str, Any]] = field(default_factory=dict)  # as corrected
    milestones: dict[str, dt.date] = field(default_factory=dict)
    terminated_on: dt.date | None = None


@dataclass
class FactorRequest:
    ref: str
    code: str
    category: str
    filed_on: dt.date
    sla_due: dt.date
    extensions: list[tuple[dt.date, dt.date]] = field(
        default_factory=list
    )  # (date, due), log order
    escalations: list[tuple[dt.date, int]] = field(default_factory=list)  # (date, level)
    resolved_on: dt.date | None = None
    outcome: str | None = None

    def due_on(self, when: dt.date) -> dt.date:
        """The due date in force on `when`: the extension with the greatest date <= when (ties:
        the later in the log), else the SLA due date."""
        due = self.sla_due
        best: dt.date | None = None
        for date, extended_due in self.extensions:
            if date <= when and (best is None or date >= best):
                best, due = date, extended_due
        return due


@dataclass
class State:
    campaign: Campaign
    projects: dict[str, Project]
    requests: list[FactorRequest]  # in filing order


def parse_recorded(text: str) -> dt.datetime:
    recorded = dt.datetime.fromisoformat(text)
    if recorded.tzinfo is None:
        raise ValueError(f"recorded time without an offset: {text}")
    return recorded


def campaign_timezone(lines: list[dict[str, Any]]) -> str:
    for line in lines:
        if line["cmd"] == "open_campaign":
            return str(line.get("timezone") or DEFAULT_TIMEZONE)
    return DEFAULT_TIMEZONE


def parse_known_at(text: str, tz: str = DEFAULT_TIMEZONE) -> dt.datetime:
    """A bare date means the end of that day in the campaign time zone; a full ISO time is taken
    as is (one without an offset is read in the campaign time zone)."""
    if len(text) == len("YYYY-MM-DD"):
        return dt.datetime.combine(day(text), dt.time.max, tzinfo=ZoneInfo(tz))
    known_at = dt.datetime.fromisoformat(text)
    if known_at.tzinfo is None:
        known_at = known_at.replace(tzinfo=ZoneInfo(tz))
    return known_at


def replay(lines: list[dict[str, Any]], known_at: dt.datetime | None) -> State:  # noqa: PLR0912
    """Fold the lines recorded at or before `known_at` (all when None) into state."""
    campaign: Campaign | None = None
    projects: dict[str, Project] = {}
    requests: dict[str, FactorRequest] = {}
    keys: dict[str, FactorRequest] = {}
    for line in lines:
        if known_at is not None and parse_recorded(line["at"]) > known_at:
            continue
        cmd = line["cmd"]
        if cmd == "open_campaign":
            lights = line.get("lights") or {}
            campaign = Campaign(
                name=line["name"],
                year=int(line["year"]),
                calendar=Calendar(
                    holidays=frozenset(day(d) for d in line.get("holidays", [])),
                    workdays=frozenset(day(d) for d in line.get("workdays", [])),
                ),
                sla_days={k: int(v) for k, v in (line.get("sla_days") or {}).items()},
                lights={
                    "green": number(lights["green"])
                    if "green" in lights
                    else DEFAULT_LIGHTS["green"],
                    "yellow": (
                        number(lights["yellow"]) if "yellow" in lights else DEFAULT_LIGHTS["yellow"]
                    ),
                },
                targets=list(line.get("targets") or []),
                timezone=str(line.get("timezone") or DEFAULT_TIMEZONE),
            )
        elif cmd == "register_project":
            projects[line["code"]] = Project(
                code=line["code"],
                category=line["category"],
                unit=line["unit"],
                total_investment=number(line["total_investment"]),
                registered_plan=number(line["annual_plan"]),
                registered_on=day(line["date"]),
                planned_start=day(line["planned_start"]) if line.get("planned_start") else None,
                planned_completion=(
                    day(line["planned_completion"]) if line.get("planned_completion") else None
                ),
                industrial=bool(line.get("industrial", False)),
                tech_renovation=bool(line.get("tech_renovation", False)),
                factory_area_m2=(
                    number(line["factory_area_m2"])
                    if line.get("factory_area_m2") is not None
                    else Fraction(0)
                ),
            )
        elif cmd == "revise_plan":
            projects[line["code"]].revisions.append(
                (day(line["date"]), number(line["annual_plan"]))
            )
        elif cmd == "report_progress":
            reports = projects[line["code"]].reports
            date = day(line["date"])
            if date not in reports:  # a repeat with identical values appends nothing
                reports[date] = {k: line[k] for k in REPORT_FIELDS if line.get(k) is not None}
        elif cmd == "correct_progress":
            report = projects[line["code"]].reports[day(line["date"])]
            report.update({k: line[k] for k in REPORT_FIELDS if line.get(k) is not None})
        elif cmd == "reach_milestone":
            projects[line["code"]].milestones[line["milestone"]] = day(line["date"])
        elif cmd == "terminate_project":
            projects[line["code"]].terminated_on = day(line["date"])
        elif cmd == "file_factor":
            assert campaign is not None
            key = line.get("key")
            if key is not None and key in keys:  # the same key again: the same request
                requests[line["ref"]] = keys[key]
                continue
            filed_on = day(line["date"])
            sla = campaign.sla_days.get(line["category"], DEFAULT_SLA_DAYS)
            request = FactorRequest(
                ref=line["ref"],
                code=line["code"],
                category=line["category"],
                filed_on=filed_on,
                sla_due=campaign.calendar.nth_working_day_after(filed_on, sla),
            )
            requests[line["ref"]] = request
            if key is not None:
                keys[key] = request
        elif cmd == "extend_factor":
            requests[line["ref"]].extensions.append((day(line["date"]), day(line["due"])))
        elif cmd == "escalate_factor":
            requests[line["ref"]].escalations.append((day(line["date"]), int(line["level"])))
        elif cmd == "resolve_factor":
            request = requests[line["ref"]]
            request.resolved_on = day(line["date"])
            request.outcome = line["outcome"]
        else:
            raise ValueError(f"unknown command {cmd!r}")
    if campaign is None:
        raise ValueError("no open_campaign line at or before known_at")
    unique: list[FactorRequest] = []
    for request in requests.values():
        if all(request is not seen for seen in unique):
            unique.append(request)
    return State(campaign, projects, unique)


# --------------------------------------------------------------------------------------------
# Per-project facts at as_of


def is_registered(project: Project, as_of: dt.date) -> bool:
    return project.registered_on <= as_of


def is_terminated(project: Project, as_of: dt.date) -> bool:
    return project.terminated_on is not None and project.terminated_on <= as_of


def is_listed(project: Project, as_of: dt.date) -> bool:
    return is_registered(project, as_of) and not is_terminated(project, as_of)


def reached(project: Project, milestone: str, as_of: dt.date) -> bool:
    date = project.milestones.get(milestone)
    return date is not None and date <= as_of


def plan_in_force(project: Project, as_of: dt.date) -> Fraction:
    plan = project.registered_plan
    best: dt.date | None = None
    for date, revised in project.revisions:
        if date <= as_of and (best is None or date >= best):
            best, plan = date, revised
    return plan


def ytd_reports(project: Project, year: int, as_of: dt.date) -> list[dict[str, Any]]:
    return [r for d, r in project.reports.items() if dt.date(year, 1, 1) <= d <= as_of]


def ytd_sum(project: Project, what: str, year: int, as_of: dt.date) -> Fraction:
    return sum((number(r.get(what, 0)) for r in ytd_reports(project, year, as_of)), Fraction(0))


def physical_pct(project: Project, as_of: dt.date) -> Decimal | None:
    carrying = [d for d, r in project.reports.items() if d <= as_of and "physical_pct" in r]
    if not carrying:
        return None
    return amount(number(project.reports[max(carrying)]["physical_pct"]))


def stage(project: Project, as_of: dt.date) -> str:
    if is_terminated(project, as_of):
        return "terminated"
    latest = "registered"
    for milestone in MILESTONES:
        if reached(project, milestone, as_of):
            latest = milestone
    return latest


def start_overdue_days(project: Project, as_of: dt.date) -> int:
    if not is_listed(project, as_of) or reached(project, "started", as_of):
        return 0
    if project.planned_start is None or project.planned_start >= as_of:
        return 0
    return (as_of - project.planned_start).days


def started_in_year(project: Project, year: int, as_of: dt.date) -> bool:
    date = project.milestones.get("started")
    return date is not None and dt.date(year, 1, 1) <= date <= as_of


@dataclass(frozen=True)
class Investment:
    """The exact investment figures of a project or of the zone."""

    annual_plan: Fraction
    ytd_investment: Fraction
    ytd_funds: Fraction
    tp: Fraction

    @property
    def investment_rate(self) -> Fraction | None:
        return ratio(self.ytd_investment, self.annual_plan)

    @property
    def gap_pp(self) -> Fraction | None:
        r = self.investment_rate
        return None if r is None else (r - self.tp) * 100

    @property
    def spi(self) -> Fraction | None:
        r = self.investment_rate
        return None if r is None else r / self.tp

    def output(self) -> dict[str, Any]:
        gap = self.gap_pp
        return {
            "annual_plan": amount(self.annual_plan),
            "ytd_investment": amount(self.ytd_investment),
            "investment_rate": rate(self.investment_rate),
            "gap_pp": None if gap is None else quantize(gap, 2),
            "spi": rate(self.spi),
        }


def project_investment(project: Project, year: int, as_of: dt.date) -> Investment:
    return Investment(
        annual_plan=plan_in_force(project, as_of),
        ytd_investment=ytd_sum(project, "investment", year, as_of),
        ytd_funds=ytd_sum(project, "funds", year, as_of),
        tp=time_progress(as_of),
    )


# --------------------------------------------------------------------------------------------
# Factor requests at as_of


def is_filed(request: FactorRequest, as_of: dt.date) -> bool:
    return request.filed_on <= as_of


def is_resolved(request: FactorRequest, as_of: dt.date) -> bool:
    return request.resolved_on is not None and request.resolved_on <= as_of


def is_open(request: FactorRequest, as_of: dt.date) -> bool:
    return is_filed(request, as_of) and not is_resolved(request, as_of)


def is_overdue_open(request: FactorRequest, as_of: dt.date) -> bool:
    return is_open(request, as_of) and request.due_on(as_of) < as_of


def overdue_wd(request: FactorRequest, as_of: dt.date, calendar: Calendar) -> int:
    """Working days in (due in force on as_of, as_of] of an open request (0 when not overdue)."""
    if not is_open(request, as_of):
        return 0
    return calendar.working_days_between(request.due_on(as_of), as_of)


def escalation_level(request: FactorRequest, as_of: dt.date, calendar: Calendar) -> int:
    """Of an open request: max(manual levels dated <= as_of, 1/2/3 at 1/6/16 overdue wd)."""
    if not is_open(request, as_of):
        return 0
    levels = [level for date, level in request.escalations if date <= as_of]
    late = overdue_wd(request, as_of, calendar)
    if late >= 16:
        levels.append(3)
    elif late >= 6:
        levels.append(2)
    elif late >= 1:
        levels.append(1)
    return max(levels, default=0)


def factor_figures(
    requests: list[FactorRequest], as_of: dt.date, calendar: Calendar
) -> dict[str, Any]:
    filed = [r for r in requests if is_filed(r, as_of)]
    resolved = [r for r in filed if is_resolved(r, as_of)]
    due = [r for r in filed if is_resolved(r, as_of) or r.due_on(as_of) <= as_of]
    on_time = [
        r
        for r in due
        if is_resolved(r, as_of)
        and r.resolved_on is not None
        and r.resolved_on <= r.due_on(r.resolved_on)
    ]
    overdue_open = [r for r in filed if is_overdue_open(r, as_of)]
    durations = [
        calendar.working_days_between(r.filed_on, r.resolved_on)
        for r in resolved
        if r.resolved_on is not None
    ]
    return {
        "filed": len(filed),
        "resolved": len(resolved),
        "closure_rate": rate(ratio(len(resolved), len(filed))),
        "due": len(due),
        "on_time": len(on_time),
        "on_time_rate": rate(ratio(len(on_time), len(due))),
        "overdue_open": len(overdue_open),
        "median_resolution_wd": median(durations),
    }


def grouped_factor_figures(
    requests: list[FactorRequest], group: dict[str, str], as_of: dt.date, calendar: Calendar
) -> dict[str, dict[str, Any]]:
    """`group` maps a request's ref to its group; a key for each group with a filed request."""
    keys = sorted({group[r.ref] for r in requests if is_filed(r, as_of)})
    return {
        key: factor_figures([r for r in requests if group[r.ref] == key], as_of, calendar)
        for key in keys
    }


# --------------------------------------------------------------------------------------------
# Lights


def investment_light(invest: Investment, lights: dict[str, Fraction]) -> str:
    spi = invest.spi
    if spi is None:
        return "na"
    if spi >= lights["green"]:
        return "green"
    if spi >= lights["yellow"]:
        return "yellow"
    return "red"


def start_light(overdue_days: int) -> str:
    if overdue_days > 30:
        return "red"
    if overdue_days >= 1:
        return "yellow"
    return "green"


def factor_light(requests: list[FactorRequest], as_of: dt.date, calendar: Calendar) -> str:
    worst = max((overdue_wd(r, as_of, calendar) for r in requests), default=0)
    if worst >= 6:
        return "red"
    if worst >= 1:
        return "yellow"
    return "green"


def project_light(
    project: Project,
    invest: Investment,
    requests: list[FactorRequest],
    campaign: Campaign,
    as_of: dt.date,
) -> str:
    if not is_listed(project, as_of):
        return "na"
    lights = [
        investment_light(invest, campaign.lights),
        start_light(start_overdue_days(project, as_of)),
        factor_light(requests, as_of, campaign.calendar),
    ]
    rated = [light for light in lights if light != "na"]
    if lights[0] == "na" and all(light == "green" for light in rated):
        return "na"
    return max(rated, key=LIGHT_ORDER.__getitem__)


# --------------------------------------------------------------------------------------------
# Targets


def target_figures(  # noqa: PLR0912 (one branch per target kind, as in §6.5)
    target: dict[str, Any],
    campaign: Campaign,
    registered: list[Project],
    as_of: dt.date,
) -> dict[str, Any]:
    year = campaign.year
    listed = [p for p in registered if is_listed(p, as_of)]
    kind = target["kind"]
    goal = as_decimal(target["goal"])

    def ytd(projects: list[Project]) -> Fraction:
        return sum((ytd_sum(p, "investment", year, as_of) for p in projects), Fraction(0))

    tech = [p for p in listed if p.tech_renovation and p.total_investment >= 500]
    actual: Fraction | int | None
    if kind == "industrial_projects_started":
        actual = sum(
            1
            for p in listed
            if p.industrial and p.total_investment >= 10000 and started_in_year(p, year, as_of)
        )
    elif kind == "factory_area_started_m2":
        actual = sum(
            (p.factory_area_m2 for p in listed if started_in_year(p, year, as_of)), Fraction(0)
        )
    elif kind == "fixed_asset_investment":
        actual = ytd(registered)
    elif kind == "tech_renovation_projects":
        actual = len(tech)
    elif kind == "tech_renovation_investment":
        actual = ytd(tech)
    elif kind == "tech_renovation_share":
        actual = ratio(ytd(tech), ytd(listed))
    else:
        raise ValueError(f"unknown target kind {kind!r}")

    if actual is None:
        shown: Decimal | int | None = None
        target_ratio = None
        over_half = False
    else:
        target_ratio = ratio(actual, Fraction(goal))
        if isinstance(actual, int):
            shown = actual
        elif kind == "tech_renovation_share":
            shown = quantize(actual, 4)
        else:
            shown = amount(actual)
        if kind == "tech_renovation_share":
            over_half = actual >= Fraction(goal)
        else:
            over_half = target_ratio is not None and target_ratio >= Fraction(1, 2)
    return {
        "name": target["name"],
        "kind": kind,
        "goal": goal,
        "actual": shown,
        "ratio": rate(target_ratio),
        "over_half": over_half,
    }


# --------------------------------------------------------------------------------------------
# The checkpoint


Query = tuple[dt.date, dt.datetime | None, str | None]


def query(
    lines: list[dict[str, Any]], as_of: dt.date | str, known_at: dt.datetime | str | None
) -> Query:
    """(as_of as a date, the known_at cutoff as an aware time or None, known_at as given)."""
    if isinstance(as_of, str):
        as_of = day(as_of)
    if known_at is None:
        return as_of, None, None
    if isinstance(known_at, dt.datetime):
        return as_of, known_at, known_at.isoformat()
    return as_of, parse_known_at(known_at, campaign_timezone(lines)), known_at


def checkpoint(
    lines: list[dict[str, Any]], as_of: dt.date | str, known_at: dt.datetime | str | None = None
) -> dict[str, Any]:
    """The §6.8 document (without its receipt) at `as_of`, as known at `known_at`, in the
    representation of the engine's JSON output (floats for amounts and rates)."""
    result: dict[str, Any] = to_json(checkpoint_exact(lines, as_of, known_at))
    return result


def checkpoint_exact(
    lines: list[dict[str, Any]], as_of: dt.date | str, known_at: dt.datetime | str | None = None
) -> dict[str, Any]:
    """The §6.8 document (without its receipt) with `Decimal` amounts and rates."""
    as_of, cutoff, known_at_text = query(lines, as_of, known_at)
    state = replay(lines, cutoff)
    campaign = state.campaign
    calendar = campaign.calendar
    year = campaign.year
    tp = time_progress(as_of)

    registered = sorted(
        (p for p in state.projects.values() if is_registered(p, as_of)), key=lambda p: p.code
    )
    listed = [p for p in registered if is_listed(p, as_of)]
    registered_codes = {p.code for p in registered}
    requests = [r for r in state.requests if r.code in registered_codes]
    requests_of = {p.code: [r for r in requests if r.code == p.code] for p in registered}
    invest = {p.code: project_investment(p, year, as_of) for p in registered}
    light = {
        p.code: project_light(p, invest[p.code], requests_of[p.code], campaign, as_of)
        for p in registered
    }

    # Ranking: unrounded spi descending, None last, equal spi by code.
    def rank_key(p: Project) -> tuple[int, Fraction, str]:
        spi = invest[p.code].spi
        return (1, Fraction(0), p.code) if spi is None else (0, -spi, p.code)

    rank = {p.code: position for position, p in enumerate(sorted(listed, key=rank_key), 1)}

    # Zone investment.
    zone_invest = Investment(
        annual_plan=sum((invest[p.code].annual_plan for p in listed), Fraction(0)),
        ytd_investment=sum((invest[p.code].ytd_investment for p in listed), Fraction(0)),
        ytd_funds=sum((invest[p.code].ytd_funds for p in listed), Fraction(0)),
        tp=tp,
    )
    zone_rate = zone_invest.investment_rate

    # The four rates.
    signed = [p for p in registered if reached(p, "signed", as_of)]
    alive = [p for p in signed if not is_terminated(p, as_of)]
    due_to_start = [
        p
        for p in listed
        if p.category == "new" and p.planned_start is not None and p.planned_start <= as_of
    ]
    started = [p for p in due_to_start if reached(p, "started", as_of)]
    early_starts = [
        p
        for p in listed
        if reached(p, "started", as_of) and p.planned_start is not None and p.planned_start > as_of
    ]
    due_to_commission = [
        p for p in listed if p.planned_completion is not None and p.planned_completion <= as_of
    ]
    commissioned = [
        p
        for p in due_to_commission
        if reached(p, "completed", as_of) or reached(p, "production", as_of)
    ]

    zone = {
        "projects": len(listed),
        **zone_invest.output(),
        "double_half": tp >= Fraction(1, 2)
        and zone_rate is not None
        and zone_rate >= Fraction(1, 2),
        "ytd_funds": amount(zone_invest.ytd_funds),
        "funds_rate": rate(ratio(zone_invest.ytd_funds, zone_invest.annual_plan)),
        "fulfilment_rate": rate(ratio(len(alive), len(signed))),
        "start_rate": rate(ratio(len(started), len(due_to_start))),
        "started": len(started),
        "due_to_start": len(due_to_start),
        "early_starts": len(early_starts),
        "commissioning_rate": rate(ratio(len(commissioned), len(due_to_commission))),
        "commissioned": len(commissioned),
        "due_to_commission": len(due_to_commission),
        "lights": {
            color: sum(1 for p in listed if light[p.code] == color)
            for color in ("green", "yellow", "red", "na")
        },
    }

    category_of = {r.ref: r.category for r in requests}
    unit_of = {r.ref: state.projects[r.code].unit for r in requests}
    factors = {
        **factor_figures(requests, as_of, calendar),
        "by_category": grouped_factor_figures(requests, category_of, as_of, calendar),
        "by_unit": grouped_factor_figures(requests, unit_of, as_of, calendar),
    }

    targets = [target_figures(t, campaign, registered, as_of) for t in campaign.targets]

    projects = []
    for p in registered:
        own = requests_of[p.code]
        started_on = p.milestones.get("started")
        projects.append(
            {
                "code": p.code,
                **invest[p.code].output(),
                "light": light[p.code],
                "stage": stage(p, as_of),
                "started_on": (
                    started_on.isoformat()
                    if started_on is not None and started_on <= as_of
                    else None
                ),
                "start_overdue_days": start_overdue_days(p, as_of),
                "ytd_funds": amount(invest[p.code].ytd_funds),
                "physical_pct": physical_pct(p, as_of),
                "open_factors": sum(1 for r in own if is_open(r, as_of)),
                "overdue_factors": sum(1 for r in own if is_overdue_open(r, as_of)),
                "rank": rank.get(p.code),
            }
        )

    return {
        "campaign": campaign.name,
        "as_of": as_of.isoformat(),
        "known_at": known_at_text,
        "time_progress": rate(tp),
        "zone": zone,
        "factors": factors,
        "targets": targets,
        "projects": projects,
    }


def project_states(
    lines: list[dict[str, Any]], as_of: dt.date | str, known_at: dt.datetime | str | None = None
) -> dict[str, Any]:
    """Per project registered by as_of (by code): its open requests (filed, not resolved by
    as_of, in filing order) with the due date in force on as_of, the overdue working days and the
    escalation level (§6.4). Not part of the §6.8 checkpoint document."""
    as_of, cutoff, known_at_text = query(lines, as_of, known_at)
    state = replay(lines, cutoff)
    calendar = state.campaign.calendar
    projects = []
    for p in sorted(state.projects.values(), key=lambda p: p.code):
        if not is_registered(p, as_of):
            continue
        open_requests = [
            {
                "category": r.category,
                "filed_on": r.filed_on.isoformat(),
                "due": r.due_on(as_of).isoformat(),
                "overdue_wd": overdue_wd(r, as_of, calendar),
                "escalation_level": escalation_level(r, as_of, calendar),
            }
            for r in state.requests
            if r.code == p.code and is_open(r, as_of)
        ]
        projects.append({"code": p.code, "open_requests": open_requests})
    return {
        "campaign": state.campaign.name,
        "as_of": as_of.isoformat(),
        "known_at": known_at_text,
        "projects": projects,
    }


# --------------------------------------------------------------------------------------------
# Script


def read_scenario(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line, parse_float=Decimal) for line in handle if line.strip()]


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The oracle's checkpoint of a scenario file.")
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--as-of", required=True, type=day)
    parser.add_argument("--known-at")
    parser.add_argument("--states", action="store_true", help="print the project states instead")
    args = parser.parse_args(argv)
    lines = read_scenario(args.scenario)
    if args.states:
        document = to_json(project_states(lines, args.as_of, args.known_at))
    else:
        document = checkpoint(lines, args.as_of, args.known_at)
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

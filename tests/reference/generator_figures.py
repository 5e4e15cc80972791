"""Figures of a generated scenario, computed from its lines alone (no engine, no store).

The generator's calibration is checked against these: the category and sector mix, sizes and
plan ratios, and the mid-year picture (SPEC §6 definitions, simplified where a check needs no
more): the zone's investment rate over the plans in force, projects under half and stalled, the
start and commissioning rates, factor requests filed per project-month and closed by mid-year,
and the zone targets.

Run as a script to print them:
    python -m tests.reference.generator_figures FILE [--as-of 2020-06-30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass
class _Project:
    line: dict[str, Any]
    registered: dt.date
    revisions: list[tuple[dt.date, float]] = field(default_factory=list)
    reports: dict[dt.date, dict[str, Any]] = field(default_factory=dict)
    milestones: dict[str, dt.date] = field(default_factory=dict)
    terminated: dt.date | None = None


@dataclass
class _Request:
    code: str
    category: str
    filed: dt.date
    due: dt.date
    extensions: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    resolved: dt.date | None = None


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class _Calendar:
    def __init__(self, holidays: Iterable[str], workdays: Iterable[str]) -> None:
        self.holidays = {_day(d) for d in holidays}
        self.workdays = {_day(d) for d in workdays}

    def working(self, d: dt.date) -> bool:
        if d in self.workdays:
            return True
        return d not in self.holidays and d.weekday() < 5

    def nth_after(self, d: dt.date, n: int) -> dt.date:
        while n:
            d += dt.timedelta(days=1)
            n -= self.working(d)
        return d


def figures(lines: Iterable[str], as_of: dt.date | None = None) -> dict[str, Any]:
    """The figures of a scenario at `as_of` (default: the campaign's end)."""
    projects: dict[str, _Project] = {}
    requests: dict[str, _Request] = {}
    commands: Counter[str] = Counter()
    campaign: dict[str, Any] = {}
    calendar = _Calendar((), ())
    for text in lines:
        if not text.strip():
            continue
        line = json.loads(text)
        cmd = line["cmd"]
        commands[cmd] += 1
        if cmd == "open_campaign":
            campaign = line
            calendar = _Calendar(line["holidays"], line["workdays"])
        elif cmd == "register_project":
            projects[line["code"]] = _Project(line, _day(line["date"]))
        elif cmd == "revise_plan":
            projects[line["code"]].revisions.append((_day(line["date"]), line["annual_plan"]))
        elif cmd == "report_progress":
            projects[line["code"]].reports.setdefault(_day(line["date"]), dict(line))
        elif cmd == "correct_progress":
            report = projects[line["code"]].reports[_day(line["date"])]
            report.update({k: v for k, v in line.items() if k in {"investment", "funds"}})
        elif cmd == "reach_milestone":
            projects[line["code"]].milestones[line["milestone"]] = _day(line["date"])
        elif cmd == "terminate_project":
            projects[line["code"]].terminated = _day(line["date"])
        elif cmd == "file_factor":
            sla = campaign["sla_days"].get(line["category"], 7)
            filed = _day(line["date"])
            requests[line["ref"]] = _Request(
                line["code"], line["category"], filed, calendar.nth_after(filed, sla)
            )
        elif cmd == "extend_factor":
            requests[line["ref"]].extensions.append((_day(line["date"]), _day(line["due"])))
        elif cmd == "resolve_factor":
            requests[line["ref"]].resolved = _day(line["date"])
    as_of = as_of or _day(campaign["end"])
    return _compute(campaign, projects, requests, commands, as_of)


def _plan_in_force(p: _Project, as_of: dt.date) -> float:
    plan = float(p.line["annual_plan"])
    for day, value in p.revisions:  # in log order: ties go to the later
        if day <= as_of:
            plan = float(value)
    return plan


def _compute(
    campaign: dict[str, Any],
    projects: dict[str, _Project],
    requests: dict[str, _Request],
    commands: Counter[str],
    as_of: dt.date,
) -> dict[str, Any]:
    year = int(campaign["year"])
    all_p = list(projects.values())
    listed = [
        p for p in all_p if p.registered <= as_of and (p.terminated is None or p.terminated > as_of)
    ]

    def ytd(p: _Project, what: str = "investment") -> float:
        return sum(
            float(r.get(what) or 0) for d, r in p.reports.items() if d.year == year and d <= as_of
        )

    plans = {id(p): _plan_in_force(p, as_of) for p in listed}
    zone_plan = sum(plans.values())
    zone_ytd = sum(ytd(p) for p in listed)
    rates = {p.line["code"]: ytd(p) / plans[id(p)] for p in listed if plans[id(p)] > 0}
    month_ago = as_of - dt.timedelta(days=30)
    stalled = [
        p.line["code"]
        for p in listed
        if p.line["category"] != "preparatory"
        and not any(
            float(r["investment"]) > 0 for d, r in p.reports.items() if month_ago < d <= as_of
        )
    ]

    def started_by(p: _Project) -> bool:
        return "started" in p.milestones and p.milestones["started"] <= as_of

    due_start = [
        p
        for p in listed
        if p.line["category"] == "new"
        and "planned_start" in p.line
        and _day(p.line["planned_start"]) <= as_of
    ]
    due_complete = [
        p
        for p in listed
        if "planned_completion" in p.line and _day(p.line["planned_completion"]) <= as_of
    ]
    commissioned = [
        p
        for p in due_complete
        if any(m in p.milestones and p.milestones[m] <= as_of for m in ("completed", "production"))
    ]
    # Factor requests: every registered project's, terminated ones included.
    filed = [r for r in requests.values() if r.filed <= as_of]
    resolved = [r for r in filed if r.resolved is not None and r.resolved <= as_of]

    def due_on(r: _Request, day: dt.date) -> dt.date:
        due = r.due
        for since, extended in r.extensions:
            if since <= day:
                due = extended
        return due

    came_due = [r for r in filed if r in resolved or due_on(r, as_of) <= as_of]
    on_time = [r for r in resolved if r.resolved and r.resolved <= due_on(r, r.resolved)]
    months = 0.0
    for p in all_p:
        last = min(as_of, p.terminated or as_of)
        months += max(0, (last - p.registered).days + 1) / 30.4375
    # Targets (SPEC §6.5).
    started_in_year = [
        p for p in listed if started_by(p) and p.milestones["started"] >= dt.date(year, 1, 1)
    ]
    tr = [p for p in listed if p.line.get("tech_renovation") and p.line["total_investment"] >= 500]
    tr_ytd = sum(ytd(p) for p in tr)
    actual = {
        "industrial_projects_started": sum(
            1
            for p in started_in_year
            if p.line.get("industrial") and p.line["total_investment"] >= 10_000
        ),
        "factory_area_started_m2": sum(p.line.get("factory_area_m2", 0) for p in started_in_year),
        "fixed_asset_investment": sum(ytd(p) for p in all_p if p.registered <= as_of),
        "tech_renovation_projects": len(tr),
        "tech_renovation_investment": tr_ytd,
        "tech_renovation_share": tr_ytd / zone_ytd if zone_ytd else None,
    }
    targets = {}
    for target in campaign.get("targets", []):
        kind, goal = target["kind"], float(target["goal"])
        value = actual[kind]
        targets[kind] = {
            "actual": value,
            "goal": goal,
            "ratio": None if value is None else value / goal,
        }
    # The list as registered.
    totals = [float(p.line["total_investment"]) for p in all_p]
    by_sector: dict[str, float] = defaultdict(float)
    for p in all_p:
        by_sector[p.line["sector"]] += float(p.line["total_investment"])
    ratios: dict[str, list[float]] = defaultdict(list)
    for p in all_p:
        ratios[p.line["category"]].append(
            float(p.line["annual_plan"]) / float(p.line["total_investment"])
        )
    return {
        "as_of": as_of.isoformat(),
        "lines": sum(commands.values()),
        "commands": dict(sorted(commands.items())),
        "projects": len(all_p),
        "categories": dict(Counter(p.line["category"] for p in all_p)),
        "sectors": dict(Counter(p.line["sector"] for p in all_p)),
        "sector_investment_share": {k: v / sum(totals) for k, v in sorted(by_sector.items())},
        "total_median": statistics.median(totals),
        "total_max": max(totals),
        "over_100000": sum(t > 100_000 for t in totals),
        "plan_ratio_median": {k: statistics.median(v) for k, v in sorted(ratios.items())},
        "plan_ratio_range": {k: (min(v), max(v)) for k, v in sorted(ratios.items())},
        "listed": len(listed),
        "terminated": sum(p.terminated is not None and p.terminated <= as_of for p in all_p),
        "zone_plan": zone_plan,
        "zone_ytd": zone_ytd,
        "zone_rate": zone_ytd / zone_plan if zone_plan else None,
        "funds_rate": sum(ytd(p, "funds") for p in listed) / zone_plan if zone_plan else None,
        "below_half": sorted(code for code, rate in rates.items() if rate < 0.5),
        "stalled": sorted(stalled),
        "start_rate": (
            sum(map(started_by, due_start)) / len(due_start) if due_start else None,
            len(due_start),
        ),
        "commissioning_rate": (
            len(commissioned) / len(due_complete) if due_complete else None,
            len(due_complete),
        ),
        "revisions": sum(len(p.revisions) for p in all_p),
        "requests_filed": len(filed),
        "requests_per_project_month": len(filed) / months if months else None,
        "closure_rate": len(resolved) / len(filed) if filed else None,
        "on_time_rate": len(on_time) / len(came_due) if came_due else None,
        "request_categories": dict(Counter(r.category for r in filed).most_common()),
        "targets": targets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat)
    args = parser.parse_args()
    with args.file.open(encoding="utf-8") as handle:
        result = figures(handle, args.as_of)
    for key, value in result.items():
        print(f"{key:28} {value}")


if __name__ == "__main__":
    main()

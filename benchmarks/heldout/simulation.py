"""The held-out campaign's year, simulated one calendar day at a time and written as it goes.

Every line is decided on its effective day and filed under the day it is recorded: the same
evening for most reports, one to ten days later for the late ones (补报), days or weeks later for
corrections. A day's lines are written, sorted by recorded time, once the simulation has passed
that day, so the file's recorded times never go back and memory holds only the lines still
waiting (a few days' worth), never the file.

Each rule of SPEC §3 that a line could break is kept by construction: nothing is dated after
the day it is recorded, a correction follows its report, a resolution follows its request's
extensions and escalations, a terminated project stops on its termination day.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from benchmarks.heldout import words
from benchmarks.heldout.days import ONE_DAY, Calendar
from benchmarks.heldout.projects import (
    CAMPAIGN_END,
    CAMPAIGN_START,
    Project,
    draw,
    pick,
    turns,
)
from campaign import HOLIDAYS_2020, WORKDAYS_2020

OPEN_DAY = dt.date(2020, 3, 16)
LIST_DAYS = 5  # the list is registered over the opening week
ADDED_SHARE = 0.06  # projects added to the list later (增补)
HOUR = 3600

SLA_DAYS = {
    "land": 20,
    "energy": 15,
    "environment": 12,
    "water": 8,
    "power": 10,
    "gas_heat": 10,
    "road_pipe": 15,
    "finance": 10,
    "labour": 5,
    "approval": 5,
    "demolition": 30,
    "other": 7,
}
"""Working days to resolve a request, by category (opened with the campaign)."""

FACTORS_BY_STAGE: dict[str, tuple[tuple[str, float], ...]] = {
    "registered": (
        ("land", 0.22),
        ("approval", 0.22),
        ("environment", 0.12),
        ("power", 0.12),
        ("demolition", 0.08),
        ("energy", 0.08),
        ("water", 0.06),
        ("finance", 0.06),
        ("other", 0.04),
    ),
    "started": (
        ("labour", 0.18),
        ("finance", 0.20),
        ("power", 0.12),
        ("road_pipe", 0.10),
        ("gas_heat", 0.06),
        ("water", 0.08),
        ("approval", 0.10),
        ("energy", 0.06),
        ("other", 0.10),
    ),
    "completed": (
        ("power", 0.2),
        ("gas_heat", 0.15),
        ("energy", 0.2),
        ("finance", 0.2),
        ("labour", 0.15),
        ("other", 0.1),
    ),
}
FILING_RATE = {"registered": 0.032, "started": 0.022, "completed": 0.014, "production": 0.009}
"""The chance a project files a request on a working day, by stage (the hundred days; after
30 June the office sees fewer, see H2_FILING)."""
H2_FILING = 0.6

STAGE_PACE = {"registered": 0.1, "started": 1.0, "completed": 0.15, "production": 0.05}
"""A report's investment, as a share of the building pace, by stage."""

MONTH_PACE = (0.0, 0.6, 0.6, 0.85, 1.0, 1.1, 1.3, 0.75, 0.7, 0.8, 0.7, 0.75, 0.9)
LATE_DAYS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
LATE_WEIGHTS = (0.42, 0.2, 0.1, 0.07, 0.06, 0.04, 0.04, 0.03, 0.02, 0.02)
"""How many days after its date a late report is recorded (补报): mostly the next day."""
CORRECTED = 0.045  # share of reports corrected later
CORRECTED_TWICE = 0.22  # of those, corrected a second time
RESENT = 0.003  # identical re-sends (they append nothing)
REJECTED = 0.06


@dataclass(slots=True)
class Request:
    ref: str
    project: Project
    category: str
    open: bool = True


@dataclass(slots=True)
class Tally:
    """What was written, for the summary and the tests."""

    lines: int = 0
    commands: Counter[str] = field(default_factory=Counter)
    late_reports: int = 0
    resends: int = 0
    double_corrections: int = 0
    rejected: int = 0

    @property
    def events(self) -> int:
        """Events the file appends: every line but the identical re-sends."""
        return self.lines - self.resends


class Timeline:
    """Lines waiting for the day they are recorded, written in recorded-time order."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.waiting: dict[dt.date, list[tuple[int, int, str]]] = {}
        self.written_through = OPEN_DAY - ONE_DAY
        self.sequence = 0
        self.tally = Tally()

    def add(self, day: dt.date, second: int, cmd: str, actor: str, fields: dict[str, Any]) -> None:
        if day <= self.written_through:
            raise RuntimeError(f"a {cmd} line for {day} comes after that day was written")
        second = min(second, 24 * HOUR - 1)
        at = f"{day.isoformat()}T{second // HOUR:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        line = json.dumps(
            {"at": at + "+08:00", "cmd": cmd, "actor": actor, **fields},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        self.sequence += 1  # ties keep the order in which they were decided
        self.waiting.setdefault(day, []).append((second, self.sequence, line))
        self.tally.lines += 1
        self.tally.commands[cmd] += 1

    def write(self, day: dt.date) -> None:
        lines = self.waiting.pop(day, [])
        lines.sort()
        self.out.writelines(line + "\n" for _, _, line in lines)
        self.written_through = day


def money(hundredths: int) -> float:
    """A JSON number with at most two decimals (the float nearest a two-decimal value prints
    as that value)."""
    return hundredths / 100


class Simulation:
    def __init__(self, out: IO[str], *, projects: int, seed: int, through: dt.date) -> None:
        self.rng = random.Random(f"heldout/{seed}")
        self.calendar = Calendar(dt.date(2020, 1, 1), dt.date(2021, 12, 31))
        self.timeline = Timeline(out)
        self.through = through
        self.agenda: dict[dt.date, list[tuple[Any, ...]]] = {}
        self.listed: list[Project] = []
        self.requests: dict[str, list[Request]] = {}  # the open ones, by project
        self.pending = self._draw_list(projects)

    # --- the list -------------------------------------------------------------------------

    def _draw_list(self, count: int) -> dict[dt.date, list[Project]]:
        rng = self.rng
        first = [self.calendar.after(OPEN_DAY - ONE_DAY, k + 1) for k in range(LIST_DAYS)]
        later = [d for d in self.calendar.days if dt.date(2020, 4, 7) <= d <= dt.date(2020, 6, 19)]
        added = round(count * ADDED_SHARE)
        days = sorted(
            [first[k * LIST_DAYS // (count - added)] for k in range(count - added)]
            + [rng.choice(later) for _ in range(added)]
        )
        drawn = [draw(rng, index, day, self.calendar) for index, day in enumerate(days, 1)]
        turns(rng, drawn, self.calendar)
        by_day: dict[dt.date, list[Project]] = {}
        for p in drawn:
            by_day.setdefault(p.registered, []).append(p)
        return by_day

    def open_campaign(self) -> None:
        everyone = [p for day in self.pending.values() for p in day]
        big_industrial = [p for p in everyone if p.industrial and p.total >= 1_000_000]
        tech = [p for p in everyone if p.tech_renovation]
        targets = [
            ("亿元以上工业项目开工", "industrial_projects_started", len(big_industrial) * 0.6),
            (
                "标准厂房开工面积(m²)",
                "factory_area_started_m2",
                sum(p.factory_area or 0 for p in everyone) * 0.7,
            ),
            ("固定资产投资(万元)", "fixed_asset_investment", sum(p.plan for p in everyone) / 100),
            ("500万元以上技改项目", "tech_renovation_projects", len(tech) * 0.9),
            ("技改投资(万元)", "tech_renovation_investment", sum(p.plan for p in tech) / 100),
        ]
        self.timeline.add(
            OPEN_DAY,
            8 * HOUR + 30 * 60,
            "open_campaign",
            words.OFFICE,
            {
                "name": "青山高新区重点项目百日攻坚 2020",
                "year": 2020,
                "start": CAMPAIGN_START.isoformat(),
                "end": CAMPAIGN_END.isoformat(),
                "checkpoints": [
                    "2020-03-31",
                    "2020-04-30",
                    "2020-05-31",
                    "2020-06-30",
                    "2020-09-30",
                    "2020-12-31",
                ],
                "holidays": [d.isoformat() for d in HOLIDAYS_2020],
                "workdays": [d.isoformat() for d in WORKDAYS_2020],
                "sla_days": SLA_DAYS,
                "targets": [
                    {"name": name, "kind": kind, "goal": max(1, round(goal))}
                    for name, kind, goal in targets
                ]
                + [{"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "0.4"}],
                "lights": {"green": "0.85", "yellow": "0.6"},
                "timezone": "Asia/Shanghai",
            },
        )

    def register(self, day: dt.date) -> None:
        joining = self.pending.pop(day, [])
        if not joining:
            return
        # the opening list fills the office's day; an addition is recorded first thing
        first, span = (9 * HOUR, 8 * HOUR) if day < CAMPAIGN_START else (9 * HOUR, HOUR - 60)
        for k, p in enumerate(joining):
            second = first + k * span // len(joining)
            fields: dict[str, Any] = {
                "code": p.code,
                "name": p.name,
                "sector": p.sector,
                "category": p.category,
                "unit": p.unit,
                "leader": p.leader,
                "total_investment": money(p.total),
                "annual_plan": money(p.plan),
                "date": day.isoformat(),
            }
            if p.planned_start is not None:
                fields["planned_start"] = p.planned_start.isoformat()
            if p.planned_completion is not None:
                fields["planned_completion"] = p.planned_completion.isoformat()
            fields["industrial"] = p.industrial
            fields["tech_renovation"] = p.tech_renovation
            if p.factory_area is not None:
                fields["factory_area_m2"] = p.factory_area
            self.timeline.add(day, second, "register_project", words.OFFICE, fields)
            for milestone, when in p.past:
                self.timeline.add(
                    day,
                    second,
                    "reach_milestone",
                    words.OFFICE,
                    {"code": p.code, "milestone": milestone, "date": when.isoformat()},
                )
            p.last_report = day - ONE_DAY
            if p.complete_day is not None:
                left = self.calendar.between(day, p.complete_day)
                p.physical_step = max(0.05, (99 - p.physical) / max(1, left))
            for milestone, planned in (
                ("started", p.start_day),
                ("completed", p.complete_day),
                ("production", p.production_day),
            ):
                if planned is not None:
                    self._plan(planned, ("milestone", p, milestone))
            if p.terminate_day is not None:
                self._plan(p.terminate_day, ("terminate", p))
            for when, plan in p.revisions:
                self._plan(when, ("revise", p, plan))
            self.listed.append(p)

    def _plan(self, day: dt.date, action: tuple[Any, ...]) -> None:
        self.agenda.setdefault(day, []).append(action)

    # --- a day ----------------------------------------------------------------------------

    def run(self) -> Tally:
        self.open_campaign()
        day = OPEN_DAY
        while day <= self.through or self.timeline.waiting:
            if day <= self.through:
                self.simulate(day)
            self.timeline.write(day)
            day += ONE_DAY
        return self.timeline.tally

    def simulate(self, day: dt.date) -> None:
        self.register(day)
        for action in self.agenda.pop(day, []):
            self._act(day, action)
        if not self.calendar.is_working(day):
            return
        rng = self.rng
        nxt = self.calendar.after(day, 1)
        in_campaign = day <= CAMPAIGN_END
        week_end = in_campaign and nxt.isocalendar()[1] != day.isocalendar()[1]
        xun_end = not in_campaign and (
            nxt.month != day.month or (day.day <= 10 < nxt.day) or (day.day <= 20 < nxt.day)
        )
        week_close = not in_campaign and nxt.isocalendar()[1] != day.isocalendar()[1]
        filing = 1.0 if in_campaign else H2_FILING
        for p in self.listed:
            if p.terminated:
                continue
            building = p.stage == "started"
            daily = in_campaign and building
            # after the hundred days: weekly dispatch for sites at work, every 旬 for the rest
            due = daily or week_end or (week_close if building else xun_end)
            if p.registered == day or (due and rng.random() < p.reliability):
                self._report(day, p, daily=daily)
            if p.registered < day and rng.random() < FILING_RATE[p.stage] * filing:
                self._file(day, p)

    def _act(self, day: dt.date, action: tuple[Any, ...]) -> None:
        kind = action[0]
        if kind in ("extend", "escalate", "resolve"):
            request: Request = action[1]
            if request.open and not request.project.terminated:
                self._factor_step(day, request, kind, action[2])
            return
        p: Project = action[1]
        if p.terminated:
            return
        if kind == "milestone":
            self._milestone(day, p, action[2])
        elif kind == "terminate":
            self._terminate(day, p)
        else:
            self.timeline.add(
                day,
                self.rng.randint(9 * HOUR, 16 * HOUR),
                "revise_plan",
                words.OFFICE,
                {
                    "code": p.code,
                    "annual_plan": money(action[2]),
                    "date": day.isoformat(),
                    "reason": self.rng.choice(
                        words.REVISION_REASONS[:3] if day.month < 8 else words.REVISION_REASONS[3:]
                    ),
                },
            )

    def _milestone(self, day: dt.date, p: Project, milestone: str) -> None:
        rng = self.rng
        p.stage = milestone
        if milestone == "completed":
            p.physical = 100.0
        recorded, second = day, rng.randint(10 * HOUR, 16 * HOUR - 1)
        if rng.random() < 0.2:  # entered a few days late
            recorded = day + dt.timedelta(days=rng.randint(1, 4))
        self.timeline.add(
            recorded,
            second,
            "reach_milestone",
            f"{p.code}项目部",
            {"code": p.code, "milestone": milestone, "date": day.isoformat()},
        )

    def _terminate(self, day: dt.date, p: Project) -> None:
        rng = self.rng
        p.terminated = True
        second = rng.randint(10 * HOUR, 12 * HOUR)
        reason = rng.choice(words.TERMINATION_REASONS)
        self.timeline.add(
            day,
            second,
            "terminate_project",
            words.OFFICE,
            {"code": p.code, "date": day.isoformat(), "reason": reason},
        )
        for request in self.requests.pop(p.code, []):
            if request.open and rng.random() < 0.5:  # the rest stay open, as offices leave them
                self._resolve(day, request, "rejected", words.REJECTED_NOTES[2], second + HOUR)
            request.open = False

    # --- progress reports -----------------------------------------------------------------

    def _report(self, day: dt.date, p: Project, *, daily: bool) -> None:
        rng = self.rng
        covered = max(1, self.calendar.between(p.last_report, day))
        p.last_report = day
        pace = p.pace * STAGE_PACE.get(p.stage, 0.05) * MONTH_PACE[day.month]
        amount = round(pace * covered * rng.uniform(0.5, 1.5))
        if daily and rng.random() < 0.04:
            amount = 0  # rain, an inspection, a stop: nothing that day
        fields: dict[str, Any] = {"code": p.code, "date": day.isoformat()}
        note = None
        if p.registered == day:
            amount += p.opening
            note = words.FIRST_NOTE
        fields["investment"] = money(amount)
        if rng.random() < 0.75:
            fields["funds"] = money(round(amount * rng.uniform(0.6, 1.3)))
        if p.stage == "started":
            p.physical = min(99.0, p.physical + p.physical_step * covered * rng.uniform(0.5, 1.5))
        if p.physical > 0 and rng.random() < 0.65:
            fields["physical_pct"] = round(p.physical, 1)
        if rng.random() < 0.55:
            fields["workers"] = round(p.workers * rng.uniform(0.7, 1.3))
        recorded, second, note = self._sent(day, p, note)
        if note is not None:
            fields["note"] = note
        actor = f"{p.code}项目部"
        self.timeline.add(recorded, second, "report_progress", actor, fields)
        if rng.random() < RESENT:  # the same report sent again: appends nothing
            again = second + rng.randint(60, 1800)
            self.timeline.add(recorded, again, "report_progress", actor, fields)
            self.timeline.tally.resends += 1
        if rng.random() < CORRECTED:
            self._corrections(recorded, p, fields)

    def _sent(self, day: dt.date, p: Project, note: str | None) -> tuple[dt.date, int, str | None]:
        """When a report dated `day` is recorded (the evening, or days later), and its note."""
        rng = self.rng
        if rng.random() < p.lateness:
            delay = rng.choices(LATE_DAYS, LATE_WEIGHTS)[0]
            self.timeline.tally.late_reports += 1
            if rng.random() < 0.5:
                note = rng.choice(words.LATE_NOTES)
            second = rng.randint(8 * HOUR + 30 * 60, 12 * HOUR)
            return day + dt.timedelta(days=delay), second, note
        if note is None and rng.random() < 0.06:
            note = rng.choice(words.NOTES)
        return day, rng.randint(17 * HOUR, 22 * HOUR - 1), note

    def _corrections(self, recorded: dt.date, p: Project, report: dict[str, Any]) -> None:
        rng = self.rng
        when = recorded
        times = 2 if rng.random() < CORRECTED_TWICE else 1
        if times == 2:
            self.timeline.tally.double_corrections += 1
        for _ in range(times):
            when += dt.timedelta(days=rng.randint(1, 12))
            old = round(report["investment"] * 100)
            reason = rng.choice(words.CORRECTION_REASONS)
            if reason.startswith("小数点") and old >= 1000:
                new = old // 10
            else:
                new = max(1, round(old * rng.uniform(0.5, 1.5)))
            fields: dict[str, Any] = {
                "code": report["code"],
                "date": report["date"],
                "investment": money(new),
            }
            if "funds" in report and rng.random() < 0.45:
                fields["funds"] = money(round(new * rng.uniform(0.7, 1.2)))
            if "physical_pct" in report and rng.random() < 0.1:
                pct = report["physical_pct"] + rng.choice((-2.0, -1.0, 1.0, 2.0))
                fields["physical_pct"] = round(min(100.0, max(0.0, pct)), 1)
            fields["reason"] = reason
            self.timeline.add(
                when,
                rng.randint(9 * HOUR, 17 * HOUR - 1),
                "correct_progress",
                f"{p.code}项目部",
                fields,
            )

    # --- factor requests ------------------------------------------------------------------

    def _file(self, day: dt.date, p: Project) -> None:
        rng = self.rng
        calendar = self.calendar
        stage = "completed" if p.stage == "production" else p.stage
        category = pick(rng, FACTORS_BY_STAGE[stage])
        p.requests += 1
        request = Request(f"{p.code}-R{p.requests:02d}", p, category)
        self.requests.setdefault(p.code, []).append(request)
        detail = rng.choice(words.FACTOR_DETAILS[category]).format(n=rng.randint(2, 40) * 10)
        self.timeline.add(
            day,
            rng.randint(8 * HOUR + 30 * 60, 12 * HOUR - 1),
            "file_factor",
            f"{p.code}项目部",
            {
                "ref": request.ref,
                "code": p.code,
                "category": category,
                "detail": detail,
                "date": day.isoformat(),
            },
        )
        due = calendar.after(day, SLA_DAYS[category])
        extensions, resolved = self._course(day, category, due)
        for when, until in extensions:
            self._plan(when, ("extend", request, until))
        final = extensions[-1][1] if extensions else due
        for overdue, level, chance in ((2, 1, 0.75), (8, 2, 0.6), (16, 3, 0.45)):
            when = calendar.after(final, overdue)
            if (resolved is None or when < resolved) and rng.random() < chance:
                self._plan(when, ("escalate", request, level))
        if resolved is not None:
            outcome = "rejected" if rng.random() < REJECTED else "fulfilled"
            self._plan(resolved, ("resolve", request, outcome))

    def _course(
        self, day: dt.date, category: str, due: dt.date
    ) -> tuple[list[tuple[dt.date, dt.date]], dt.date | None]:
        """A request's extensions (date, new due) and the day it is resolved, if this year:
        on time for most, late for some, extended once or twice, or left open."""
        rng = self.rng
        calendar = self.calendar
        sla = SLA_DAYS[category]
        extensions: list[tuple[dt.date, dt.date]] = []
        roll = rng.random()
        if roll < 0.58:  # on time
            return extensions, calendar.after(day, rng.randint(1, sla))
        if roll < 0.76:  # late
            return extensions, calendar.after(due, rng.randint(1, max(2, sla)))
        if roll >= 0.90:  # left open
            return extensions, None
        if rng.random() < 0.7:
            extended = calendar.after(day, rng.randint(max(1, sla // 2), sla))
        else:  # asked for only once overdue
            extended = calendar.after(due, rng.randint(1, 3))
        extensions.append((extended, calendar.after(max(due, extended), rng.randint(5, 20))))
        if rng.random() < 0.25:
            last, until = extensions[-1]
            again = calendar.after(last, rng.randint(1, calendar.between(last, until)))
            extensions.append((again, calendar.after(until, rng.randint(5, 15))))
        last, until = extensions[-1]
        if rng.random() < 0.75:
            return extensions, calendar.after(last, rng.randint(1, calendar.between(last, until)))
        return extensions, calendar.after(until, rng.randint(1, 10))

    def _factor_step(self, day: dt.date, request: Request, kind: str, value: Any) -> None:
        rng = self.rng
        handler = words.HANDLERS[request.category]
        if kind == "extend":
            self.timeline.add(
                day,
                rng.randint(9 * HOUR, 12 * HOUR - 1),
                "extend_factor",
                handler,
                {
                    "ref": request.ref,
                    "due": value.isoformat(),
                    "date": day.isoformat(),
                    "reason": rng.choice(words.EXTENSION_REASONS),
                },
            )
        elif kind == "escalate":
            self.timeline.add(
                day,
                rng.randint(9 * HOUR, 12 * HOUR - 1),
                "escalate_factor",
                words.INSPECTORS,
                {
                    "ref": request.ref,
                    "level": value,
                    "date": day.isoformat(),
                    "note": words.ESCALATION_NOTES[value - 1],
                },
            )
        else:
            notes = words.RESOLVED_NOTES if value == "fulfilled" else words.REJECTED_NOTES[:2]
            self._resolve(day, request, value, rng.choice(notes), rng.randint(14 * HOUR, 18 * HOUR))

    def _resolve(
        self, day: dt.date, request: Request, outcome: str, note: str, second: int
    ) -> None:
        request.open = False
        waiting = self.requests.get(request.project.code)
        if waiting:  # a terminated project's list is gone already
            waiting.remove(request)
        if outcome == "rejected":
            self.timeline.tally.rejected += 1
        self.timeline.add(
            day,
            second,
            "resolve_factor",
            words.HANDLERS[request.category],
            {"ref": request.ref, "outcome": outcome, "date": day.isoformat(), "note": note},
        )

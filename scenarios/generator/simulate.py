"""The simulation, day by day: what the teams and the office record, written as scenario lines
in recorded-time order (a line recorded late waits in a heap keyed by its recorded time)."""

from __future__ import annotations

import heapq
import math
from typing import IO, TYPE_CHECKING, Any

import orjson

from campaign import TARGET_LABELS
from scenarios.generator.days import Days, official_days
from scenarios.generator.plan import Project, Settings, uniform_int, weighted, zone_goals
from scenarios.generator.report import GenerateReport
from scenarios.generator.vocabulary import (
    CORRECTION_REASONS,
    DETAIL,
    ESCALATION,
    EXTEND_REASON,
    FULFILLED,
    HANDLER,
    LONG_TAIL,
    MIX_BUILD,
    MIX_COVID,
    MIX_PRE,
    MIX_PREPRODUCTION,
    OFFICE,
    REFERENCE_PROJECTS,
    REFERENCE_SEED,
    RESOLUTION,
    SLA_DAYS,
    STALL_REASONS,
    SUPERVISION,
    WORK_NOTES,
)

if TYPE_CHECKING:
    import random


def money(x: float) -> int | float:
    """万元 with at most two decimals, as a JSON number (whole amounts without a fraction)."""
    return from_cents(round(x * 100))


def from_cents(cents: int) -> int | float:
    # cents / 100 is the double nearest the 2-place decimal, and prints as exactly that decimal.
    return cents // 100 if cents % 100 == 0 else cents / 100


CHUNK = 1024


class Out:
    """Lines wait here, keyed by recorded time, until the day they were recorded is over."""

    def __init__(self, handle: IO[str], cal: Days) -> None:
        self.handle = handle
        self.cal = cal
        self.heap: list[tuple[int, int, str]] = []
        self.seq = 0
        self.lines = 0
        self.written = 0  # the recorded time of the last line written

    def at_text(self, at: int) -> str:
        day, second = divmod(at, 86400)
        hour, rest = divmod(second, 3600)
        return f"{self.cal.iso(day)}T{hour:02d}:{rest // 60:02d}:{rest % 60:02d}+08:00"

    def emit(self, at: int, cmd: str, actor: str, fields: dict[str, Any]) -> None:
        line = {"at": self.at_text(at), "cmd": cmd, "actor": actor, **fields}
        self.seq += 1
        # Decoded at once: orjson's bytes keep a 4 KiB buffer each while they wait.
        heapq.heappush(self.heap, (at, self.seq, orjson.dumps(line).decode()))

    def flush_before(self, at: int) -> None:
        """Write, in recorded-time order, every line recorded before `at` (in small chunks)."""
        heap, chunk = self.heap, []
        while heap and heap[0][0] < at:
            when, _, line = heapq.heappop(heap)
            if when < self.written:  # a line was queued after its time was written: a bug
                raise RuntimeError(f"recorded times out of order at {self.at_text(when)}")
            self.written = when
            chunk.append(line)
            if len(chunk) == CHUNK:
                self._write(chunk)
                chunk = []
        if chunk:
            self._write(chunk)

    def _write(self, chunk: list[str]) -> None:
        self.handle.write("\n".join(chunk) + "\n")
        self.lines += len(chunk)


class Simulation:
    """One block's campaign, day by day: work accrues, teams report, requests are handled."""

    def __init__(
        self,
        s: Settings,
        cal: Days,
        rng: random.Random,
        projects: list[Project],
        base: list[float],
    ) -> None:
        self.s = s
        self.cal = cal
        self.rng = rng
        self.projects = projects
        self.base = base
        self.out: Out
        self.reports = 0
        self.requests = 0

    # ------------------------------------------------------------------ the whole scenario

    def run(self, handle: IO[str], *, first: bool) -> GenerateReport:
        """Write this block's lines in recorded-time order; the first block opens the campaign."""
        s, cal = self.s, self.cal
        self.out = Out(handle, cal)
        if first:
            self._open()
        for p in sorted(self.projects, key=lambda p: (p.reg_at, p.index)):
            if p.reg == s.list_day:
                self._register(p)
        # The list is in by 09:10 and nothing later that day is recorded before 09:30.
        self.out.flush_before(s.list_day * 86400 + 9 * 3600 + 1200)
        late = sorted(
            (p for p in self.projects if p.reg != s.list_day), key=lambda p: (p.reg, p.index)
        )
        late_i = 0
        for d in range(s.list_day, s.end + 1):
            self.out.flush_before(d * 86400)
            while late_i < len(late) and late[late_i].reg == d:
                self._register(late[late_i])
                late_i += 1
            working = cal.is_working(d)
            month_end = cal.month_end(d)
            for p in self.projects:
                if p.reg <= d <= p.last_day:
                    self._day(p, d, working, month_end)
        self.out.flush_before(10**12)
        return GenerateReport(
            lines=self.out.lines,
            projects=len(self.projects),
            reports=self.reports,
            factor_requests=self.requests,
        )

    def _open(self) -> None:
        s, cal = self.s, self.cal
        holidays, workdays = official_days(s.year)
        checkpoints = [d for d in range(s.start, s.end + 1) if cal.month_end(d)]
        if s.end not in checkpoints:
            checkpoints.append(s.end)
        goals = zone_goals(s.projects)
        kinds = (
            "industrial_projects_started",
            "factory_area_started_m2",
            "fixed_asset_investment",
            "tech_renovation_projects",
            "tech_renovation_investment",
        )
        # The reference names its tech-renovation projects after the "双千" programme.
        names = {str(kind): name for kind, name in TARGET_LABELS.items()}
        names["tech_renovation_projects"] = "500万元以上技改项目(双千)"
        targets: list[dict[str, Any]] = [
            {"name": names[kind], "kind": kind, "goal": goals[kind]} for kind in kinds
        ]
        share = "tech_renovation_share"
        targets.append({"name": names[share], "kind": share, "goal": "0.4"})
        reference = s.projects == REFERENCE_PROJECTS and s.seed == REFERENCE_SEED
        name = f"枣庄高新区重点项目百日会战 {s.year}"
        if not reference:
            name += f" (模拟: {s.projects} 个项目, seed {s.seed})"
        self.out.emit(
            s.list_day * 86400 + 8 * 3600,
            "open_campaign",
            OFFICE,
            {
                "name": name,
                "year": s.year,
                "start": cal.iso(s.start),
                "end": cal.iso(s.end),
                "checkpoints": [cal.iso(d) for d in checkpoints],
                "holidays": [d.isoformat() for d in holidays],
                "workdays": [d.isoformat() for d in workdays],
                "sla_days": SLA_DAYS,
                "targets": targets,
                "lights": {"green": "0.8", "yellow": "0.6"},
                "timezone": "Asia/Shanghai",
            },
        )

    def _register(self, p: Project) -> None:
        cal = self.cal
        fields: dict[str, Any] = {
            "code": p.code,
            "name": p.name,
            "sector": p.sector,
            "category": p.category,
            "unit": p.unit,
            "leader": p.leader,
            "total_investment": money(p.total),
            "annual_plan": money(p.plan),
            "date": cal.iso(p.reg),
        }
        if p.planned_start is not None:
            fields["planned_start"] = cal.iso(p.planned_start)
        if p.planned_completion is not None:
            fields["planned_completion"] = cal.iso(p.planned_completion)
        if p.industrial:
            fields["industrial"] = True
        if p.tr:
            fields["tech_renovation"] = True
        if p.factory_area:
            fields["factory_area_m2"] = p.factory_area
        self.out.emit(p.reg_at, "register_project", OFFICE, fields)
        # Milestones already reached (last year's, or before the project joined the list).
        at = p.reg_at
        while p.ms_next < len(p.milestones) and p.milestones[p.ms_next][0] <= p.reg:
            day, milestone = p.milestones[p.ms_next]
            at += 2
            self.out.emit(
                at,
                "reach_milestone",
                OFFICE,
                {"code": p.code, "milestone": milestone, "date": cal.iso(day)},
            )
            p.ms_next += 1
        p.last_ms_at = at

    # -------------------------------------------------------------------- one project-day

    def _day(self, p: Project, d: int, working: bool, month_end: bool) -> None:
        rng = self.rng
        segments = p.segments
        while p.seg_i + 1 < len(segments) and segments[p.seg_i + 1][0] <= d:
            p.seg_i += 1
        factor = segments[p.seg_i][1] if segments else 0.0
        if factor:
            work = p.k * self.base[d] * factor * (0.6 + 0.8 * rng.random())
            p.pending += work
            p.pending_funds += work * p.funds_factor
        if p.ms_next < len(p.milestones) and p.milestones[p.ms_next][0] == d:
            self._milestones(p, d)
        if p.revision is not None and p.revision[0] == d:
            self._revise(p, d)
        covid_stop = p.pause <= d < p.resume
        if working and (p.terminated is None or d < p.terminated):
            self._maybe_file(p, d, covid_stop)
        if not covid_stop:
            self._maybe_report(p, d, working, month_end)
        if p.terminated == d:
            self._terminate(p, d)

    def _milestones(self, p: Project, d: int) -> None:
        rng = self.rng
        late = rng.random() < 0.15
        at = d * 86400 + (
            uniform_int(rng, 1, 3) * 86400 + 9 * 3600 + int(rng.random() * 7200)
            if late
            else 10 * 3600 + int(rng.random() * 6 * 3600)
        )
        while p.ms_next < len(p.milestones) and p.milestones[p.ms_next][0] == d:
            _, milestone = p.milestones[p.ms_next]
            at = max(at, p.last_ms_at + 60)
            self.out.emit(
                at,
                "reach_milestone",
                p.actor,
                {"code": p.code, "milestone": milestone, "date": self.cal.iso(d)},
            )
            p.last_ms_at = at
            p.ms_next += 1

    def _revise(self, p: Project, d: int) -> None:
        assert p.revision is not None
        _, plan, reason = p.revision
        at = d * 86400 + 9 * 3600 + 1800 + int(self.rng.random() * 7200)
        self.out.emit(
            at,
            "revise_plan",
            OFFICE,
            {
                "code": p.code,
                "annual_plan": money(plan),
                "date": self.cal.iso(d),
                "reason": reason,
            },
        )

    def _terminate(self, p: Project, d: int) -> None:
        at = d * 86400 + 10 * 3600 + int(self.rng.random() * 7200)
        reason = "投资方调整战略, 项目退出" if p.category == "new" else "前期论证未通过, 项目退出"
        self.out.emit(
            at,
            "terminate_project",
            OFFICE,
            {"code": p.code, "date": self.cal.iso(d), "reason": reason},
        )

    # -------------------------------------------------------------------------- reports

    def _maybe_report(self, p: Project, d: int, working: bool, month_end: bool) -> None:
        stalled = p.stall is not None and d >= p.stall
        if self._reports_on(p, d, working, month_end, stalled):
            self._report(p, d, stalled)

    def _reports_on(
        self, p: Project, d: int, working: bool, month_end: bool, stalled: bool
    ) -> bool:
        """Whether the team reports that day: most working days, and every month's end."""
        s, u = self.s, self.rng.random()
        if stalled:  # a stalled site answers the weekly dispatch (Mondays), with nothing done
            return (working and self.cal.weekday(d) == 0 and u < 0.8) or (month_end and u < 0.5)
        if p.stall == d + 1 or p.terminated == d:
            return True  # its last day of work, or its last day on the list
        if p.category == "preparatory":  # weekly, on Fridays
            return month_end or (working and self.cal.weekday(d) == 4 and u < 0.8 * s.density)
        if month_end:
            return u < 0.97
        if working:
            return u < min(0.97, 0.86 * p.diligence * s.density)
        return u < (0.12 if s.start <= d <= s.end else 0.03) * s.density

    def _report(self, p: Project, d: int, stalled: bool) -> None:
        rng, cal = self.rng, self.cal
        cents = round(p.pending * 100)
        p.pending -= cents / 100
        p.cum += cents / 100
        fields: dict[str, Any] = {
            "code": p.code,
            "date": cal.iso(d),
            "investment": from_cents(cents),
        }
        month_end = cal.month_end(d)
        if p.pending_funds > 0 and (month_end or rng.random() < 0.35):
            fields["funds"] = money(p.pending_funds)
            p.pending_funds = 0.0
        phase = self._phase(p, d)
        if phase != "pre" and (month_end or rng.random() < 0.5):
            fields["physical_pct"] = self._physical(p, d)
        if not stalled and (month_end or rng.random() < 0.6):
            fields["workers"] = self._workers(p, d, phase)
        at, note = self._recorded(p, d)
        if stalled:
            note = "停工: " + STALL_REASONS[p.index % len(STALL_REASONS)]
        elif note is None and d == p.resume:
            note = "复工复产, 防疫措施落实到位"
        elif note is None and rng.random() < 0.06:
            notes = WORK_NOTES[phase]
            note = notes[int(rng.random() * len(notes))]
        if note is not None:
            fields["note"] = note
        self.out.emit(at, "report_progress", p.actor, fields)
        self.reports += 1
        u = rng.random()
        if u < 0.002:  # sent twice (a retry): identical, so the engine appends nothing
            self.out.emit(at + uniform_int(rng, 120, 900), "report_progress", p.actor, fields)
        elif u < 0.008 and cents > 0:
            self._correct(p, d, at, cents, fields)

    def _recorded(self, p: Project, d: int) -> tuple[int, str | None]:
        """When a report of day d is recorded: the same evening mostly, some days late."""
        rng = self.rng
        u = rng.random()
        if p.backfill and d < p.resume < 10**6:  # the January reports, caught up on resuming
            return p.resume * 86400 + 9 * 3600 + d * 60 + int(rng.random() * 50), "春节前日报补录"
        if u < 0.85:
            return d * 86400 + 17 * 3600 + int(rng.random() * 5.5 * 3600), None
        if u < 0.94:
            return (d + 1) * 86400 + 8 * 3600 + int(rng.random() * 3 * 3600), None
        if u < 0.99:
            late = uniform_int(rng, 2, 6)
            return (d + late) * 86400 + 8 * 3600 + int(rng.random() * 9 * 3600), "迟报"
        late = uniform_int(rng, 7, 20)
        return (d + late) * 86400 + 9 * 3600 + int(rng.random() * 8 * 3600), "迟报: 补录"

    def _correct(self, p: Project, d: int, at: int, cents: int, fields: dict[str, Any]) -> None:
        rng = self.rng
        day = at // 86400 + uniform_int(rng, 1, 10)
        later = day * 86400 + 9 * 3600 + int(rng.random() * 8 * 3600)
        fixed = round(cents * (0.8 + 0.28 * rng.random()))
        p.cum += (fixed - cents) / 100
        correction: dict[str, Any] = {
            "code": p.code,
            "date": fields["date"],
            "investment": from_cents(fixed),
        }
        if "funds" in fields and rng.random() < 0.3:
            correction["funds"] = money(float(fields["funds"]) * (0.9 + 0.2 * rng.random()))
        correction["reason"] = CORRECTION_REASONS[int(rng.random() * len(CORRECTION_REASONS))]
        self.out.emit(later, "correct_progress", p.actor, correction)

    def _phase(self, p: Project, d: int) -> str:
        if p.is_new_before_start(d):
            return "pre"
        if p.completed is not None and d >= p.completed:
            return "after"
        return "build"

    def _physical(self, p: Project, d: int) -> float:
        if p.completed is not None and d >= p.completed:
            value = 100.0
        elif p.category == "new":
            if p.started is not None and p.cum_at_start == 0.0 and d >= p.started:
                p.cum_at_start = max(p.cum, 0.01)
            value = min(95.0, 100 * 1.3 * max(p.cum - p.cum_at_start, 0.0) / p.total)
        else:
            value = min(98.0, 100 * (p.before + 1.4 * p.cum) / p.total)
        p.phys = max(p.phys, math.floor(value * 10) / 10)
        return p.phys

    def _workers(self, p: Project, d: int, phase: str) -> int:
        rng = self.rng
        scale = 0.15 if phase == "pre" else 0.35 if phase == "after" else 1.0
        if d >= p.resume:
            scale *= min(1.0, 0.4 + 0.6 * (d - p.resume) / 25)
        return max(2, int(p.crew * scale * (0.85 + 0.25 * rng.random())))

    # ------------------------------------------------------------------ factor requests

    def _maybe_file(self, p: Project, d: int, covid_stop: bool) -> None:
        rng, s = self.rng, self.s
        if covid_stop:  # labour and logistics while sites are shut (2020)
            rate, mix = 0.3, MIX_COVID
        elif p.stall is not None and d >= p.stall:
            rate, mix = 0.35, MIX_BUILD
        elif p.is_new_before_start(d):
            rate, mix = 0.7, MIX_PRE
        elif p.completed is not None or (
            p.planned_completion is not None and p.planned_completion - d <= 120
        ):
            rate, mix = 0.55, MIX_PREPRODUCTION
        else:
            rate, mix = 0.35, MIX_BUILD
        if rng.random() >= rate * s.density / 21.0:
            return
        self._file(p, d, weighted(rng, mix))

    def _file(self, p: Project, d: int, category: str) -> None:
        rng, cal, s, out = self.rng, self.cal, self.s, self.out
        p.requests += 1
        self.requests += 1
        ref = f"{p.code}-R{p.requests:02d}"
        details = DETAIL[category]
        detail = details[int(rng.random() * len(details))].format(
            n=(1 + int(rng.random() * 20)) * (10 if category in {"land", "labour"} else 100)
        )
        at = max(d * 86400 + 9 * 3600 + 1800 + int(rng.random() * 7 * 3600), p.reg_at + 60)
        out.emit(
            at,
            "file_factor",
            p.actor,
            {
                "ref": ref,
                "code": p.code,
                "category": category,
                "detail": detail,
                "date": cal.iso(d),
            },
        )
        handler = HANDLER[category]
        sla = SLA_DAYS[category]
        due = cal.nth_working_day_after(d, sla)
        median, sigma = RESOLUTION[category]
        days = rng.lognormvariate(math.log(median * sla), sigma)
        if category in LONG_TAIL and rng.random() < 0.08:
            days *= 3.0
        resolved = cal.nth_working_day_after(d, max(1, round(days)))
        outcome, note = "fulfilled", FULFILLED[category]
        if rng.random() < 0.06:
            outcome, note = "rejected", "不符合政策条件, 已书面答复"
        stop = s.end if p.terminated is None else min(s.end, p.terminated)
        steps: list[tuple[int, int, str, dict[str, Any]]] = []  # (day, hour, cmd, fields)
        # Extension: asked for near the due date when the handling will clearly take longer.
        if resolved > due and rng.random() < (0.6 if category in EXTEND_REASON else 0.35):
            day = max(d, cal.working_day_on_or_before(due - uniform_int(rng, 0, 3)))
            due = cal.nth_working_day_after(due, max(1, round(sla * (0.5 + 0.5 * rng.random()))))
            if day <= stop:
                reason = EXTEND_REASON.get(category, "需上级部门审批, 申请延期")
                steps.append((day, 10, "extend_factor", {"due": cal.iso(due), "reason": reason}))
        # Escalations (督办) while it stays overdue.
        if resolved > due:
            afters = (uniform_int(rng, 1, 3), uniform_int(rng, 6, 8), 16)
            chances = (0.75, 0.6, 0.5)
            for (level, note_text), after, chance in zip(ESCALATION, afters, chances, strict=True):
                day = cal.nth_working_day_after(due, after)
                if day > resolved or day > stop or rng.random() >= chance:
                    break
                steps.append((day, 9, "escalate_factor", {"level": level, "note": note_text}))
        if p.terminated is not None and resolved > p.terminated:
            resolved, outcome, note = p.terminated, "rejected", "项目终止, 诉求撤销"
        if resolved <= s.end:
            steps.append((resolved, 14, "resolve_factor", {"outcome": outcome, "note": note}))
        last = at
        for day, hour, cmd, fields in steps:
            when = day * 86400 + hour * 3600 + int(rng.random() * 4 * 3600)
            if cmd == "resolve_factor" and rng.random() < 0.08:
                when = cal.working_day_on_or_after(day + 1) * 86400 + 8 * 3600 + 1800
            when = max(when, last + 60)
            actor = SUPERVISION if cmd == "escalate_factor" else handler
            out.emit(when, cmd, actor, {"ref": ref, **fields, "date": cal.iso(day)})
            last = when

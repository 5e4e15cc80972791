"""Small constructed scenarios with hand-computed checkpoint figures (SPEC §6).

Each `Case` is a scenario (a list of SPEC §8 lines: dicts with "at", "cmd" and the fields of §3,
factor requests named by "ref"), a query (`as_of`, `known_at`) and the figures expected in the
§6.8 checkpoint document at that query, written as literals worked out by hand (the arithmetic is
in the comments). Nothing here imports the engine or the oracle: the same cases run against
tests/reference/oracle.py (tests/reference/test_oracle_cases.py) and against the engine (write
`scenario_text(case)` to a file, `campaign scenario run` it, then
`campaign checkpoint --as-of AS_OF [--known-at KNOWN_AT] --json`).

Expectations are paths into the document, looked up with `lookup`: dict keys by name, and list
items by their "code" (projects), "kind" (targets) or "category" (open requests), e.g.
"zone.funds_rate", "projects.ZZ-001.light", "factors.by_category.land.on_time",
"targets.tech_renovation_share.over_half". `ABSENT` expects the path not to exist (a project not
yet registered, a category with no filed request). Values are written as they appear in the JSON
output: rates / ratios / time_progress / spi floats rounded half-even to 4 decimals, amounts
(万元, m²) and gap_pp floats to 2 decimals, median_resolution_wd a float, counts ints, None for
null.

`expect_state` holds figures that the §6.8 document does not carry (the due date in force, the
overdue working days and the escalation level of each open request, §6.4); its paths address the
project-state document (`projects` by code, each with `open_requests` addressed by category:
{"category", "filed_on", "due", "overdue_wd", "escalation_level"}), as the engine's project state
query and the oracle's `project_states` give it.

The 2020 calendar is the one of DOMAIN.md. Working days used below (2020):
- April: 1–3, 7–10, 13–17, 20–24, 26 (Sun, 调休), 27–30; 4–6 清明 rest.
- May: 6–8, 9 (Sat, 调休), 11–15, 18–22, 25–29; 1–5 rest.
- June: 1–5, 8–12, 15–19, 22–24, 28 (Sun, 调休), 29, 30; 25–27 端午 rest.
SLA days of the test campaign: approval 5, power 10, land 20; any other category 7. So:
- approval filed Thu 04-30 -> due Mon 05-11 (05-06, 07, 08, 09, 11);
- approval filed Fri 04-24 -> due Thu 04-30 (04-26 Sun, 27, 28, 29, 30);
- finance / environment (7) filed 04-30 -> due Wed 05-13 (05-06, 07, 08, 09, 11, 12, 13).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import HOLIDAYS_2020, WORKDAYS_2020

# --------------------------------------------------------------------------------------------
# The case format


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""Expected value of a path that must not exist in the document."""

LIST_KEYS = ("code", "kind", "category")
"""List items are addressed by the value of one of these keys."""


@dataclass(frozen=True)
class Case:
    name: str
    lines: list[dict[str, Any]]
    as_of: str
    known_at: str | None
    expect: dict[str, Any]
    expect_state: dict[str, Any] = field(default_factory=dict)


def lookup(document: Any, path: str) -> Any:
    """The value at `path` ("a.b.c") in `document`, or ABSENT. Dict keys by name; list items by
    the value of their "code", "kind" or "category" (exactly one item must match)."""
    node = document
    for part in path.split("."):
        if isinstance(node, dict):
            if part not in node:
                return ABSENT
            node = node[part]
        elif isinstance(node, list):
            matches = [
                item
                for item in node
                if isinstance(item, dict) and any(item.get(key) == part for key in LIST_KEYS)
            ]
            if not matches:
                return ABSENT
            if len(matches) > 1:
                raise ValueError(f"{path}: {len(matches)} items are named {part!r}")
            node = matches[0]
        else:
            return ABSENT
    return node


def scenario_text(case: Case) -> str:
    """The case's lines as a scenario file (JSON Lines, SPEC §8)."""
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in case.lines)


# --------------------------------------------------------------------------------------------
# Line builders (SPEC §3 fields in snake_case; `at` defaults to noon of the effective date)

SLA_DAYS = {"approval": 5, "power": 10, "land": 20}
CAMPAIGN_NAME = "测试会战 2020"
REGISTERED = "2020-01-06"


def at(date: str, time: str = "12:00") -> str:
    return f"{date}T{time}:00+08:00"


def _line(cmd: str, when: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"at": when, "cmd": cmd, **fields}


def campaign(**fields: Any) -> dict[str, Any]:
    line = {
        "name": CAMPAIGN_NAME,
        "year": 2020,
        "start": "2020-03-23",
        "end": "2020-06-30",
        "checkpoints": ["2020-04-30", "2020-05-31", "2020-06-30"],
        "holidays": HOLIDAYS_2020,
        "workdays": WORKDAYS_2020,
        "sla_days": SLA_DAYS,
    }
    line.update(fields)
    return _line("open_campaign", at("2020-01-02", "08:00"), line)


def register(
    code: str,
    date: str = REGISTERED,
    *,
    when: str | None = None,
    category: str = "continuing",
    unit: str = "区发改局",
    total_investment: int | str = 10000,
    annual_plan: int | str = 1000,
    **optional: Any,
) -> dict[str, Any]:
    fields = {
        "code": code,
        "name": f"{code} 项目",
        "sector": "lithium",
        "category": category,
        "unit": unit,
        "leader": "王副区长",
        "total_investment": total_investment,
        "annual_plan": annual_plan,
        "date": date,
        **optional,
    }
    return _line("register_project", when or at(date, "09:00"), fields)


def report(
    code: str, date: str, investment: int | str, *, when: str | None = None, **optional: Any
) -> dict[str, Any]:
    fields = {"code": code, "date": date, "investment": investment, **optional}
    return _line("report_progress", when or at(date, "18:00"), fields)


def correct(code: str, date: str, *, when: str, **values: Any) -> dict[str, Any]:
    return _line("correct_progress", when, {"code": code, "date": date, **values, "reason": "核对"})


def revise(
    code: str, date: str, annual_plan: int | str, *, when: str | None = None
) -> dict[str, Any]:
    fields = {"code": code, "annual_plan": annual_plan, "date": date, "reason": "年中调整"}
    return _line("revise_plan", when or at(date), fields)


def milestone(code: str, name: str, date: str, *, when: str | None = None) -> dict[str, Any]:
    return _line(
        "reach_milestone", when or at(date), {"code": code, "milestone": name, "date": date}
    )


def terminate(code: str, date: str, *, when: str | None = None) -> dict[str, Any]:
    return _line(
        "terminate_project", when or at(date), {"code": code, "date": date, "reason": "退出"}
    )


def file(
    ref: str, code: str, category: str, date: str, *, when: str | None = None
) -> dict[str, Any]:
    fields = {
        "ref": ref,
        "code": code,
        "category": category,
        "detail": f"{category} 要素 ({ref})",
        "date": date,
    }
    return _line("file_factor", when or at(date, "10:00"), fields)


def extend(ref: str, due: str, date: str, *, when: str | None = None) -> dict[str, Any]:
    fields = {"ref": ref, "due": due, "date": date, "reason": "需上级审批"}
    return _line("extend_factor", when or at(date, "11:00"), fields)


def escalate(ref: str, level: int, date: str, *, when: str | None = None) -> dict[str, Any]:
    fields = {"ref": ref, "level": level, "date": date, "note": "督办"}
    return _line("escalate_factor", when or at(date, "11:30"), fields)


def resolve(
    ref: str, date: str, outcome: str = "fulfilled", *, when: str | None = None
) -> dict[str, Any]:
    fields = {"ref": ref, "outcome": outcome, "date": date, "note": "办结"}
    return _line("resolve_factor", when or at(date, "16:00"), fields)


# --------------------------------------------------------------------------------------------
# 6.1 Time progress, investment rate, gap, spi, 双过半

ONE_PROJECT_JUNE = [
    campaign(),
    register("ZZ-001", annual_plan=1000),
    report("ZZ-001", "2020-03-31", 200, funds=150),
    report("ZZ-001", "2020-06-30", 300, funds=250),
]

DOUBLE_HALF_BEFORE_30_JUNE = [
    campaign(),
    register("ZZ-001", annual_plan=1000),
    report("ZZ-001", "2020-03-31", 200),
    report("ZZ-001", "2020-06-29", 400),
]

MID_APRIL = [campaign(), register("ZZ-001"), report("ZZ-001", "2020-04-16", 100)]

LEAP_FEBRUARY = [campaign(), register("ZZ-001"), report("ZZ-001", "2020-02-15", 100)]

YEAR_END = [campaign(), register("ZZ-001"), report("ZZ-001", "2020-12-31", 1100)]

HALF_EVEN = [
    campaign(),
    register("HE-1", annual_plan=3200),
    register("HE-2", annual_plan=8000),
    report("HE-1", "2020-06-30", 100, funds="15.12"),
    report("HE-2", "2020-06-30", 4010),
]

TIME_AND_INVESTMENT = [
    Case(
        "time_progress_is_one_half_on_30_june_and_double_half_holds",
        ONE_PROJECT_JUNE,
        "2020-06-30",
        None,
        {
            "campaign": CAMPAIGN_NAME,
            "as_of": "2020-06-30",
            "known_at": None,
            "time_progress": 0.5,
            "zone.projects": 1,
            "zone.annual_plan": 1000.0,
            "zone.ytd_investment": 500.0,  # 200 + 300
            "zone.investment_rate": 0.5,
            "zone.gap_pp": 0.0,
            "zone.spi": 1.0,
            "zone.double_half": True,
            "zone.ytd_funds": 400.0,
            "zone.funds_rate": 0.4,
            "projects.ZZ-001.light": "green",
            "projects.ZZ-001.rank": 1,
            "projects.ZZ-001.stage": "registered",
        },
    ),
    Case(
        # tp = (5 + 29/30)/12 = 179/360 = 0.49722; rate 600/1000 = 0.6;
        # gap = (0.6 - 0.49722) * 100 = 10.2778; spi = 0.6 * 360/179 = 216/179 = 1.20670
        "double_half_needs_time_progress_of_one_half",
        DOUBLE_HALF_BEFORE_30_JUNE,
        "2020-06-29",
        None,
        {
            "time_progress": 0.4972,
            "zone.investment_rate": 0.6,
            "zone.gap_pp": 10.28,
            "zone.spi": 1.2067,
            "zone.double_half": False,
        },
    ),
    Case(
        # tp = (3 + 16/30)/12 = 53/180 = 0.29444; rate 0.1; gap = -19.444;
        # spi = 0.1 * 180/53 = 18/53 = 0.33962 < 0.6 -> red
        "time_progress_mid_month",
        MID_APRIL,
        "2020-04-16",
        None,
        {
            "time_progress": 0.2944,
            "projects.ZZ-001.investment_rate": 0.1,
            "projects.ZZ-001.gap_pp": -19.44,
            "projects.ZZ-001.spi": 0.3396,
            "projects.ZZ-001.light": "red",
        },
    ),
    Case(
        # February 2020 has 29 days: tp = (1 + 15/29)/12 = 11/87 = 0.126437;
        # spi = 0.1 * 87/11 = 0.790909 -> yellow; gap = (0.1 - 0.126437) * 100 = -2.6437
        "time_progress_in_leap_february",
        LEAP_FEBRUARY,
        "2020-02-15",
        None,
        {
            "time_progress": 0.1264,
            "projects.ZZ-001.spi": 0.7909,
            "projects.ZZ-001.gap_pp": -2.64,
            "projects.ZZ-001.light": "yellow",
        },
    ),
    Case(
        "time_progress_is_one_at_year_end",
        YEAR_END,
        "2020-12-31",
        None,
        {
            "time_progress": 1.0,
            "projects.ZZ-001.investment_rate": 1.1,
            "projects.ZZ-001.gap_pp": 10.0,
            "projects.ZZ-001.spi": 1.1,
        },
    ),
    Case(
        # HE-1: 100/3200 = 0.03125 -> 0.0312 (half-even); gap (0.03125 - 0.5)*100 = -46.875
        #   -> -46.88; spi 0.0625.
        # HE-2: 4010/8000 = 0.50125 -> 0.5012; gap 0.125 -> 0.12; spi 1.0025.
        # zone: 4110/11200 = 0.366964 -> 0.367; gap -13.3036; spi 0.733929;
        #   funds 15.12/11200 = 0.00135 -> 0.0014 (half-even, up to the even digit).
        "half_even_rounding_of_rates_and_gaps",
        HALF_EVEN,
        "2020-06-30",
        None,
        {
            "projects.HE-1.investment_rate": 0.0312,
            "projects.HE-1.gap_pp": -46.88,
            "projects.HE-1.spi": 0.0625,
            "projects.HE-2.investment_rate": 0.5012,
            "projects.HE-2.gap_pp": 0.12,
            "projects.HE-2.spi": 1.0025,
            "zone.ytd_investment": 4110.0,
            "zone.investment_rate": 0.367,
            "zone.gap_pp": -13.3,
            "zone.spi": 0.7339,
            "zone.ytd_funds": 15.12,
            "zone.funds_rate": 0.0014,
        },
    ),
]

# --------------------------------------------------------------------------------------------
# known_at: late reports and corrections

LATE = [
    campaign(),
    register("ZZ-001", annual_plan=1000),
    report("ZZ-001", "2020-04-16", 100),
    report("ZZ-001", "2020-04-30", 50, when="2020-04-30T23:59:00+08:00"),
    correct("ZZ-001", "2020-04-30", investment=60, when="2020-05-01T00:30:00+08:00"),
    report("ZZ-001", "2020-04-28", 200, when="2020-05-03T10:00:00+08:00"),
]

CORRECTED = [
    campaign(),
    register("ZZ-001", annual_plan=1000),
    report("ZZ-001", "2020-04-16", 100, funds=80, when="2020-04-16T18:00:00+08:00"),
    correct("ZZ-001", "2020-04-16", funds=90, when="2020-04-20T10:00:00+08:00"),
    correct("ZZ-001", "2020-04-16", investment=120, physical_pct=12.5, when=at("2020-04-22")),
]

PHYSICAL = [
    campaign(),
    register("ZZ-001"),
    report("ZZ-001", "2020-04-10", 10, physical_pct=10),
    report("ZZ-001", "2020-04-20", 10),
    correct("ZZ-001", "2020-04-20", physical_pct=15, when=at("2020-04-23")),
    report("ZZ-001", "2020-04-25", 10, physical_pct=30),
]

KNOWN_AT = [
    Case(
        # known by the end of 30 April: 100 + 50 (the 23:59 report); the 00:30 correction of
        # 1 May and the 28 April report recorded on 3 May are left out. tp = 1/3:
        # rate 0.15, spi 0.45, gap 15 - 33.333 = -18.333
        "known_at_end_of_day_leaves_out_late_report_and_correction",
        LATE,
        "2020-04-30",
        "2020-04-30",
        {
            "known_at": "2020-04-30",
            "time_progress": 0.3333,
            "projects.ZZ-001.ytd_investment": 150.0,
            "projects.ZZ-001.investment_rate": 0.15,
            "projects.ZZ-001.spi": 0.45,
            "projects.ZZ-001.gap_pp": -18.33,
            "projects.ZZ-001.light": "red",
        },
    ),
    Case(
        # everything known: 100 + 200 + 60 = 360; rate 0.36, spi 1.08, gap 36 - 33.333 = 2.667
        "late_report_and_correction_count_when_known",
        LATE,
        "2020-04-30",
        None,
        {
            "projects.ZZ-001.ytd_investment": 360.0,
            "projects.ZZ-001.spi": 1.08,
            "projects.ZZ-001.gap_pp": 2.67,
            "projects.ZZ-001.light": "green",
        },
    ),
    Case(
        # known by 21 April: the funds correction (20 April) only
        "correction_known_at_before_the_second_correction",
        CORRECTED,
        "2020-04-30",
        "2020-04-21",
        {
            "projects.ZZ-001.ytd_investment": 100.0,
            "projects.ZZ-001.ytd_funds": 90.0,
            "projects.ZZ-001.physical_pct": None,
            "zone.ytd_funds": 90.0,
            "zone.funds_rate": 0.09,
        },
    ),
    Case(
        # both corrections, field by field: investment 120 (2nd), funds 90 (1st), physical added
        "corrections_field_by_field_when_all_known",
        CORRECTED,
        "2020-04-30",
        None,
        {
            "projects.ZZ-001.ytd_investment": 120.0,
            "projects.ZZ-001.ytd_funds": 90.0,
            "projects.ZZ-001.physical_pct": 12.5,
            "projects.ZZ-001.investment_rate": 0.12,
        },
    ),
    Case(
        # latest report <= 22 April carrying physical_pct, as known on 22 April: 10 April
        "physical_pct_of_latest_report_carrying_one",
        PHYSICAL,
        "2020-04-22",
        "2020-04-22",
        {"projects.ZZ-001.physical_pct": 10.0, "projects.ZZ-001.ytd_investment": 20.0},
    ),
    Case(
        # the correction recorded on 23 April gives the 20 April report a physical_pct
        "physical_pct_added_by_a_correction",
        PHYSICAL,
        "2020-04-22",
        None,
        {"projects.ZZ-001.physical_pct": 15.0},
    ),
]

# --------------------------------------------------------------------------------------------
# Plan revisions, zero plans

REVISED = [
    campaign(),
    register("ZZ-001", annual_plan=1000),
    report("ZZ-001", "2020-06-10", 400),
    revise("ZZ-001", "2020-06-15", 800),
    revise("ZZ-001", "2020-06-20", 900, when="2020-06-20T10:00:00+08:00"),
    revise("ZZ-001", "2020-06-20", 700, when="2020-06-20T11:00:00+08:00"),
]

ZERO_PLAN_ONLY = [
    campaign(),
    register("ZP-1", category="preparatory", total_investment=5000, annual_plan=0),
    report("ZP-1", "2020-06-30", 50, funds=20),
]

ZERO_PLAN_LIGHTS = [
    campaign(),
    register("ZP-1", category="new", annual_plan=0, planned_start="2020-06-20"),
    register("ZP-2", annual_plan=0),
    register("ZP-3", annual_plan=0),
    register("ZZ-1", annual_plan=1000),
    file("zp2-approval", "ZP-2", "approval", "2020-06-01"),
    report("ZZ-1", "2020-06-30", 500),
]

PLANS = [
    Case(
        # tp = (5 + 10/30)/12 = 4/9; rate 0.4; spi 0.9; gap (0.4 - 0.4444)*100 = -4.444
        "registered_plan_before_any_revision",
        REVISED,
        "2020-06-10",
        None,
        {
            "time_progress": 0.4444,
            "projects.ZZ-001.annual_plan": 1000.0,
            "projects.ZZ-001.spi": 0.9,
            "projects.ZZ-001.gap_pp": -4.44,
        },
    ),
    Case(
        # in force on 19 June: the 15 June revision (800); rate 0.5; tp = (5 + 19/30)/12 =
        # 169/360 = 0.469444; spi = 180/169 = 1.065089; gap = 3.0556
        "revision_in_force_by_its_date",
        REVISED,
        "2020-06-19",
        None,
        {
            "time_progress": 0.4694,
            "projects.ZZ-001.annual_plan": 800.0,
            "projects.ZZ-001.investment_rate": 0.5,
            "projects.ZZ-001.spi": 1.0651,
            "projects.ZZ-001.gap_pp": 3.06,
            "zone.annual_plan": 800.0,
        },
    ),
    Case(
        # two revisions dated 20 June: the later in the log (700) wins; rate 4/7 = 0.571429,
        # spi 8/7 = 1.142857, gap 7.142857
        "revisions_on_the_same_date_later_in_log_wins",
        REVISED,
        "2020-06-30",
        None,
        {
            "projects.ZZ-001.annual_plan": 700.0,
            "projects.ZZ-001.investment_rate": 0.5714,
            "projects.ZZ-001.spi": 1.1429,
            "projects.ZZ-001.gap_pp": 7.14,
        },
    ),
    Case(
        "zero_annual_plan_gives_null_rates_and_na_light",
        ZERO_PLAN_ONLY,
        "2020-06-30",
        None,
        {
            "projects.ZP-1.annual_plan": 0.0,
            "projects.ZP-1.ytd_investment": 50.0,
            "projects.ZP-1.investment_rate": None,
            "projects.ZP-1.gap_pp": None,
            "projects.ZP-1.spi": None,
            "projects.ZP-1.light": "na",
            "projects.ZP-1.rank": 1,
            "zone.annual_plan": 0.0,
            "zone.investment_rate": None,
            "zone.gap_pp": None,
            "zone.spi": None,
            "zone.double_half": False,
            "zone.funds_rate": None,
            "zone.fulfilment_rate": None,  # nobody signed
            "zone.start_rate": None,  # no new project due
            "zone.commissioning_rate": None,  # no completion due
            "zone.lights": {"green": 0, "yellow": 0, "red": 0, "na": 1},
        },
    ),
    Case(
        # ZP-1: new, planned 06-20, not started: 10 days overdue -> yellow.
        # ZP-2: approval filed Mon 06-01 -> due Mon 06-08 (06-02..05, 06-08); open on 06-30:
        #   overdue wd in (06-08, 06-30] = 06-09..12 (4), 15..19 (9), 22..24 (12), 28 (13),
        #   29 (14), 30 (15) = 15 -> red, escalation 2 (< 16).
        # ZP-3: nothing wrong -> na. ZZ-1: 500/1000 = 0.5, spi 1.0 -> green.
        "zero_plan_light_is_na_only_when_start_and_factor_are_green",
        ZERO_PLAN_LIGHTS,
        "2020-06-30",
        None,
        {
            "projects.ZP-1.start_overdue_days": 10,
            "projects.ZP-1.light": "yellow",
            "projects.ZP-2.light": "red",
            "projects.ZP-2.overdue_factors": 1,
            "projects.ZP-3.light": "na",
            "projects.ZZ-1.light": "green",
            "zone.lights": {"green": 1, "yellow": 1, "red": 1, "na": 1},
            "zone.investment_rate": 0.5,
        },
        expect_state={
            "projects.ZP-2.open_requests.approval.due": "2020-06-08",
            "projects.ZP-2.open_requests.approval.overdue_wd": 15,
            "projects.ZP-2.open_requests.approval.escalation_level": 2,
        },
    ),
]

# --------------------------------------------------------------------------------------------
# 6.2 The four rates

FULFILMENT = [
    campaign(),
    register("F-1"),
    register("F-2"),
    register("F-3"),
    register("F-4"),
    register("F-5"),
    milestone("F-1", "signed", "2020-03-01"),
    milestone("F-2", "signed", "2020-03-05"),
    milestone("F-3", "signed", "2020-03-10"),
    terminate("F-3", "2020-05-10"),
    terminate("F-4", "2020-05-12"),
    milestone("F-5", "signed", "2020-07-05"),
    register("F-6", "2020-07-10"),
    milestone("F-6", "signed", "2020-07-10"),
]

FUNDS = [
    campaign(),
    register("FR-1", annual_plan=1000),
    register("FR-2", annual_plan=3000),
    register("FR-3", annual_plan=1000),
    report("FR-1", "2020-04-10", 100, funds=150),
    report("FR-3", "2020-04-10", 50, funds=500),
    report("FR-2", "2020-04-15", 200, funds=1150),
    report("FR-1", "2020-04-20", 100),
    terminate("FR-3", "2020-04-25"),
    report("FR-2", "2020-05-06", 100, funds=100),
]

STARTS = [
    campaign(),
    register("N-1", category="new", annual_plan=0, planned_start="2020-04-10"),
    register("N-2", category="new", annual_plan=0, planned_start="2020-04-20"),
    register("N-3", category="new", annual_plan=0, planned_start="2020-03-01"),
    register("N-4", category="new", annual_plan=0, planned_start="2020-05-15"),
    register("N-5", category="new", annual_plan=0, planned_start="2020-04-30"),
    register("N-6", category="new", annual_plan=0),
    register("N-7", category="new", annual_plan=0, planned_start="2020-04-05"),
    register("C-1", category="continuing", annual_plan=0, planned_start="2020-04-01"),
    milestone("N-1", "signed", "2020-04-01"),
    milestone("N-1", "started", "2020-04-15"),
    milestone("N-4", "signed", "2020-04-20"),
    terminate("N-7", "2020-04-20"),
    milestone("N-4", "started", "2020-04-25"),
]

START_BOUNDARIES = [
    campaign(),
    register("S-30", category="new", annual_plan=0, planned_start="2020-03-31"),
    register("S-31", category="new", annual_plan=0, planned_start="2020-03-30"),
    register("S-19", category="continuing", annual_plan=0, planned_start="2019-05-01"),
    milestone("S-19", "signed", "2019-03-01", when=at("2020-01-06", "10:00")),
    milestone("S-19", "started", "2019-06-01", when=at("2020-01-06", "10:01")),
]

COMMISSIONING = [
    campaign(),
    register("K-1", category="completing", annual_plan=0, planned_completion="2020-06-15"),
    register("K-2", category="completing", annual_plan=0, planned_completion="2020-06-30"),
    register("K-3", category="completing", annual_plan=0, planned_completion="2020-05-31"),
    register("K-4", category="completing", annual_plan=0, planned_completion="2020-07-31"),
    register("K-5", category="completing", annual_plan=0, planned_completion="2020-05-01"),
    register("K-6", category="completing", annual_plan=0, planned_completion="2020-06-01"),
    *[milestone(code, "signed", "2020-01-10") for code in ("K-1", "K-2", "K-3", "K-4", "K-6")],
    *[milestone(code, "started", "2020-02-10") for code in ("K-1", "K-2", "K-3", "K-4", "K-6")],
    terminate("K-5", "2020-05-20"),
    milestone("K-1", "completed", "2020-06-10"),
    milestone("K-4", "completed", "2020-06-20"),
    milestone("K-2", "production", "2020-06-28"),
    milestone("K-6", "completed", "2020-07-02"),
]

RATES = [
    Case(
        # signed by 06-30: F-1, F-2, F-3 (F-5 signs on 07-05, F-6 is registered on 07-10);
        # not terminated: F-1, F-2 -> 2/3. F-4 was never signed.
        "fulfilment_rate_counts_signed_projects_terminated_included",
        FULFILMENT,
        "2020-06-30",
        None,
        {
            "zone.fulfilment_rate": 0.6667,
            "zone.projects": 3,  # F-1, F-2, F-5
            "projects.F-1.stage": "signed",
            "projects.F-3.stage": "terminated",
            "projects.F-3.light": "na",
            "projects.F-3.rank": None,
            "projects.F-4.stage": "terminated",
            "projects.F-5.stage": "registered",
            "projects.F-6": ABSENT,
        },
    ),
    Case(
        # listed: FR-1, FR-2 (FR-3 terminated 04-25); plans 1000 + 3000 = 4000;
        # funds 150 (+ nothing on 04-20) + 1150 = 1300 -> 0.325; the 05-06 report is after as_of
        "funds_rate_over_listed_projects_missing_funds_count_zero",
        FUNDS,
        "2020-04-30",
        None,
        {
            "zone.annual_plan": 4000.0,
            "zone.ytd_investment": 400.0,
            "zone.ytd_funds": 1300.0,
            "zone.funds_rate": 0.325,
            "projects.FR-1.ytd_funds": 150.0,
            "projects.FR-3.ytd_funds": 500.0,
            "projects.FR-3.ytd_investment": 50.0,
        },
    ),
    Case(
        # due to start (listed, new, planned_start <= 04-30): N-1, N-2, N-3, N-5 (N-6 has no
        # planned start, N-7 is terminated, C-1 is continuing, N-4 is planned for 05-15);
        # started: N-1 -> 1/4. Early: N-4 (started 04-25, planned 05-15).
        # overdue days: N-2 04-20 -> 10, N-3 03-01 -> 60, C-1 04-01 -> 29 (any category),
        # N-5 planned on as_of itself -> 0. All plans are 0, so the start light decides.
        "start_rate_early_starts_and_start_overdue_days",
        STARTS,
        "2020-04-30",
        None,
        {
            "zone.start_rate": 0.25,
            "zone.started": 1,
            "zone.due_to_start": 4,
            "zone.early_starts": 1,
            "projects.N-1.started_on": "2020-04-15",
            "projects.N-1.stage": "started",
            "projects.N-1.light": "na",
            "projects.N-2.start_overdue_days": 10,
            "projects.N-2.light": "yellow",
            "projects.N-3.start_overdue_days": 60,
            "projects.N-3.light": "red",
            "projects.N-4.started_on": "2020-04-25",
            "projects.N-5.start_overdue_days": 0,
            "projects.N-5.light": "na",
            "projects.C-1.start_overdue_days": 29,
            "projects.C-1.light": "yellow",
            "projects.N-7.start_overdue_days": 0,
            "projects.N-7.stage": "terminated",
            "zone.lights": {"green": 0, "yellow": 2, "red": 1, "na": 4},
        },
    ),
    Case(
        # S-30: 03-31 -> 04-30 = 30 days -> yellow; S-31: 03-30 -> 31 days -> red.
        # S-19 started in 2019: not overdue, not an early start, not due (continuing).
        "start_light_boundaries_and_a_start_in_an_earlier_year",
        START_BOUNDARIES,
        "2020-04-30",
        None,
        {
            "projects.S-30.start_overdue_days": 30,
            "projects.S-30.light": "yellow",
            "projects.S-31.start_overdue_days": 31,
            "projects.S-31.light": "red",
            "projects.S-19.start_overdue_days": 0,
            "projects.S-19.started_on": "2019-06-01",
            "projects.S-19.stage": "started",
            "zone.due_to_start": 2,
            "zone.started": 0,
            "zone.start_rate": 0.0,
            "zone.early_starts": 0,
        },
    ),
    Case(
        # due (listed, planned_completion <= 06-30): K-1, K-2, K-3, K-6 (K-4 planned 07-31,
        # K-5 terminated); commissioned: K-1 (completed 06-10), K-2 (production 06-28 straight
        # after started) -> 2/4. K-6 completes on 07-02, after as_of.
        "commissioning_rate_completed_or_in_production",
        COMMISSIONING,
        "2020-06-30",
        None,
        {
            "zone.commissioning_rate": 0.5,
            "zone.commissioned": 2,
            "zone.due_to_commission": 4,
            "zone.start_rate": None,
            "projects.K-1.stage": "completed",
            "projects.K-2.stage": "production",
            "projects.K-3.stage": "started",
            "projects.K-4.stage": "completed",
            "projects.K-5.stage": "terminated",
            "projects.K-6.stage": "started",
            "projects.K-6.started_on": "2020-02-10",
        },
    ),
]

# --------------------------------------------------------------------------------------------
# 6.3 Investment lights

INVESTMENT_LIGHTS = [
    campaign(),
    register("L-G", annual_plan=1000),
    register("L-Y", annual_plan=1000),
    register("L-R", annual_plan=2000),
    register("L-U", total_investment=200000, annual_plan=100000),
    report("L-G", "2020-06-30", 400),
    report("L-Y", "2020-06-30", 300),
    report("L-R", "2020-06-30", 599),
    report("L-U", "2020-06-30", 39998),
]

CUSTOM_LIGHTS = [
    campaign(lights={"green": "0.9", "yellow": "0.7"}),
    register("L-1"),
    register("L-2"),
    register("L-3"),
    report("L-1", "2020-06-30", 400),
    report("L-2", "2020-06-30", 450),
    report("L-3", "2020-06-30", 345),
]

LIGHTS = [
    Case(
        # tp 0.5: spi = 2 * rate. L-G 0.8 green (boundary), L-Y 0.6 yellow (boundary),
        # L-R 599/2000 = 0.2995 -> spi 0.599 red, L-U 39998/100000 = 0.39998 -> spi 0.79996:
        # shown as 0.8 but yellow (lights use the unrounded spi)
        "investment_light_thresholds_use_unrounded_spi",
        INVESTMENT_LIGHTS,
        "2020-06-30",
        None,
        {
            "projects.L-G.light": "green",
            "projects.L-Y.light": "yellow",
            "projects.L-R.investment_rate": 0.2995,
            "projects.L-R.spi": 0.599,
            "projects.L-R.light": "red",
            "projects.L-U.investment_rate": 0.4,
            "projects.L-U.spi": 0.8,
            "projects.L-U.light": "yellow",
            "zone.lights": {"green": 1, "yellow": 2, "red": 1, "na": 0},
        },
    ),
    Case(
        # thresholds green 0.9, yellow 0.7: spi 0.8 yellow, 0.9 green, 0.69 red
        "investment_light_with_the_campaign_thresholds",
        CUSTOM_LIGHTS,
        "2020-06-30",
        None,
        {
            "projects.L-1.light": "yellow",
            "projects.L-2.light": "green",
            "projects.L-3.spi": 0.69,
            "projects.L-3.light": "red",
        },
    ),
]

# --------------------------------------------------------------------------------------------
# 6.4 Factor support

OVERDUE = [
    campaign(),
    register("FL-1", annual_plan=0),
    file("fl1-approval", "FL-1", "approval", "2020-04-30"),
]

DUE_FRIDAY = [
    campaign(),
    register("DF-1", annual_plan=0),
    file("df1-approval", "DF-1", "approval", "2020-06-05"),
]

SLA = [
    campaign(),
    register("SL-1", annual_plan=0),
    file("sl1-land", "SL-1", "land", "2020-04-01"),
    file("sl1-approval", "SL-1", "approval", "2020-04-24"),
    file("sl1-other", "SL-1", "other", "2020-06-19"),
    file("sl1-power", "SL-1", "power", "2020-07-02"),
]

EXTENSIONS = [
    campaign(),
    register("EX-1", annual_plan=0),
    file("e1", "EX-1", "approval", "2020-04-30"),
    file("e2", "EX-1", "approval", "2020-04-30"),
    file("e3", "EX-1", "approval", "2020-04-30"),
    file("e4", "EX-1", "finance", "2020-04-30"),
    file("e5", "EX-1", "environment", "2020-04-30"),
    extend("e1", "2020-05-20", "2020-05-08"),
    extend("e4", "2020-05-20", "2020-05-08", when="2020-05-08T11:00:00+08:00"),
    extend("e4", "2020-05-22", "2020-05-08", when="2020-05-08T11:05:00+08:00"),
    extend("e3", "2020-05-25", "2020-05-12"),
    resolve("e2", "2020-05-13"),
    resolve("e3", "2020-05-14"),
    resolve("e1", "2020-05-15"),
    extend("e5", "2020-05-29", "2020-05-22"),
]

ESCALATIONS = [
    campaign(),
    register("ME-1", annual_plan=0),
    file("me-a", "ME-1", "approval", "2020-04-30"),
    file("me-f", "ME-1", "finance", "2020-04-30"),
    file("me-e", "ME-1", "environment", "2020-04-30"),
    escalate("me-f", 2, "2020-05-08"),
    escalate("me-e", 1, "2020-05-14"),
    escalate("me-a", 3, "2020-05-15"),
]

MEDIAN = [
    campaign(),
    register("MD-1", annual_plan=0),
    file("r4", "MD-1", "approval", "2020-04-01"),
    resolve("r4", "2020-04-16", "rejected"),
    file("r3", "MD-1", "land", "2020-04-24"),
    file("r1", "MD-1", "approval", "2020-04-27"),
    file("r2", "MD-1", "approval", "2020-04-29"),
    resolve("r1", "2020-04-29"),
    resolve("r3", "2020-05-06"),
    resolve("r2", "2020-05-07"),
    file("r6", "MD-1", "approval", "2020-05-25"),
]

UNITS = [
    campaign(),
    register("U-1", unit="区发改局", annual_plan=0),
    register("U-2", unit="区招商局", annual_plan=0),
    register("U-3", unit="区科技局", annual_plan=0),
    file("u1-approval", "U-1", "approval", "2020-05-06"),
    file("u2-power", "U-2", "power", "2020-05-06"),
    resolve("u1-approval", "2020-05-08"),
    terminate("U-2", "2020-05-20"),
]


def _overdue_case(name: str, as_of: str, light: str, overdue_wd: int, level: int) -> Case:
    return Case(
        name,
        OVERDUE,
        as_of,
        None,
        {
            "projects.FL-1.light": light,
            "projects.FL-1.open_factors": 1,
            "projects.FL-1.overdue_factors": 1,
            "factors.overdue_open": 1,
            "factors.due": 1,
            "factors.on_time": 0,
            "factors.on_time_rate": 0.0,
            "factors.closure_rate": 0.0,
            "factors.median_resolution_wd": None,
        },
        expect_state={
            "projects.FL-1.open_requests.approval.due": "2020-05-11",
            "projects.FL-1.open_requests.approval.overdue_wd": overdue_wd,
            "projects.FL-1.open_requests.approval.escalation_level": level,
        },
    )


FACTORS = [
    # approval filed Thu 04-30 -> due Mon 05-11 (the May Day holiday skipped, Sat 05-09 worked).
    # overdue wd in (05-11, 05-18] = 12, 13, 14, 15, 18 = 5 -> yellow, level 1;
    # (05-11, 05-19] = 6 -> red, level 2; (05-11, 06-02] = 4 + 5 + 5 + 06-01, 06-02 = 16 -> 3.
    _overdue_case("factor_light_yellow_at_5_overdue_working_days", "2020-05-18", "yellow", 5, 1),
    _overdue_case("factor_light_red_at_6_overdue_working_days", "2020-05-19", "red", 6, 2),
    _overdue_case("derived_escalation_3_at_16_overdue_working_days", "2020-06-02", "red", 16, 3),
    Case(
        # approval filed Fri 06-05 -> due Fri 06-12 (06-08..12). On the due date itself: due
        # (the deadline has come) but not overdue.
        "request_on_its_due_date_is_due_but_not_overdue",
        DUE_FRIDAY,
        "2020-06-12",
        None,
        {
            "factors.filed": 1,
            "factors.resolved": 0,
            "factors.due": 1,
            "factors.on_time": 0,
            "factors.on_time_rate": 0.0,
            "factors.overdue_open": 0,
            "projects.DF-1.overdue_factors": 0,
            "projects.DF-1.light": "na",
        },
        expect_state={"projects.DF-1.open_requests.approval.overdue_wd": 0},
    ),
    Case(
        # on Sunday 06-14 the request is overdue (due 06-12 < as_of) but 0 working days late
        # (06-13 and 06-14 rest): counted overdue, factor light still green, no escalation.
        "overdue_over_a_weekend_is_zero_working_days",
        DUE_FRIDAY,
        "2020-06-14",
        None,
        {
            "factors.overdue_open": 1,
            "projects.DF-1.overdue_factors": 1,
            "projects.DF-1.light": "na",
        },
        expect_state={
            "projects.DF-1.open_requests.approval.overdue_wd": 0,
            "projects.DF-1.open_requests.approval.escalation_level": 0,
        },
    ),
    Case(
        # land (20) filed Wed 04-01 -> 04-29 (04-02, 03, 07..10, 13..17, 20..24, 26 Sun, 27..29);
        # approval (5) filed Fri 04-24 -> Thu 04-30 (Sun 04-26 is a workday);
        # other (not in sla_days -> 7) filed Fri 06-19 -> Wed 07-01 (06-22..24, 28 Sun, 29, 30,
        # 07-01). Power is filed on 07-02, after as_of: no "power" key.
        # overdue wd on 06-30: approval (04-30, 06-30] = May 19 (05-06..09, 11..15, 18..22,
        # 25..29) + June 21 (1..5, 8..12, 15..19, 22..24, 28, 29, 30) = 40 -> level 3;
        # land (04-29, 06-30] = 41.
        "sla_due_dates_over_holidays_and_adjusted_workdays",
        SLA,
        "2020-06-30",
        None,
        {
            "factors.filed": 3,
            "factors.due": 2,
            "factors.overdue_open": 2,
            "factors.on_time_rate": 0.0,
            "factors.by_category.other.filed": 1,
            "factors.by_category.other.due": 0,
            "factors.by_category.other.on_time_rate": None,
            "factors.by_category.other.closure_rate": 0.0,
            "factors.by_category.other.overdue_open": 0,
            "factors.by_category.land.overdue_open": 1,
            "factors.by_category.power": ABSENT,
            "projects.SL-1.open_factors": 3,
            "projects.SL-1.overdue_factors": 2,
            "projects.SL-1.light": "red",
        },
        expect_state={
            "projects.SL-1.open_requests.land.due": "2020-04-29",
            "projects.SL-1.open_requests.approval.due": "2020-04-30",
            "projects.SL-1.open_requests.other.due": "2020-07-01",
            "projects.SL-1.open_requests.approval.overdue_wd": 40,
            "projects.SL-1.open_requests.approval.escalation_level": 3,
            "projects.SL-1.open_requests.land.overdue_wd": 41,
            "projects.SL-1.open_requests.other.overdue_wd": 0,
        },
    ),
    Case(
        # filed 04-30. approval SLA due 05-11, finance / environment (7) 05-13.
        # e1: extended on 05-08 to 05-20, resolved 05-15 -> on time; 9 wd (05-06..09, 11..15).
        # e2: resolved 05-13 > 05-11 -> late; 7 wd. e3: extended on 05-12 (after its SLA due)
        # to 05-25, resolved 05-14 -> on time (due in force on 05-14); 8 wd.
        # e4: two extensions dated 05-08, the later in the log (05-22) is in force -> open,
        # not yet due on 05-21. e5: its extension is dated 05-22, after as_of -> due 05-13,
        # overdue wd (05-13, 05-21] = 14, 15, 18, 19, 20, 21 = 6 -> red.
        # filed 5, resolved 3, due 3 + e5 = 4, on time 2, median of 7, 8, 9 = 8.
        "extensions_in_force_by_date_and_on_time_at_resolution",
        EXTENSIONS,
        "2020-05-21",
        None,
        {
            "factors.filed": 5,
            "factors.resolved": 3,
            "factors.closure_rate": 0.6,
            "factors.due": 4,
            "factors.on_time": 2,
            "factors.on_time_rate": 0.5,
            "factors.overdue_open": 1,
            "factors.median_resolution_wd": 8.0,
            "factors.by_category.approval.on_time": 2,
            "factors.by_category.approval.due": 3,
            "factors.by_category.finance.due": 0,
            "projects.EX-1.open_factors": 2,
            "projects.EX-1.overdue_factors": 1,
            "projects.EX-1.light": "red",
        },
        expect_state={
            "projects.EX-1.open_requests.finance.due": "2020-05-22",
            "projects.EX-1.open_requests.finance.overdue_wd": 0,
            "projects.EX-1.open_requests.environment.due": "2020-05-13",
            "projects.EX-1.open_requests.environment.overdue_wd": 6,
            "projects.EX-1.open_requests.environment.escalation_level": 2,
        },
    ),
    Case(
        # on 05-22 e5's extension (to 05-29) is in force: not due, not overdue; e4 is due on
        # 05-22 = as_of: due, not overdue. due = 3 + e4 = 4, on time 2.
        "extension_in_force_from_its_date",
        EXTENSIONS,
        "2020-05-22",
        None,
        {
            "factors.due": 4,
            "factors.on_time_rate": 0.5,
            "factors.overdue_open": 0,
            "factors.by_category.environment.due": 0,
            "factors.by_category.finance.due": 1,
            "projects.EX-1.overdue_factors": 0,
            "projects.EX-1.light": "na",
        },
        expect_state={
            "projects.EX-1.open_requests.environment.due": "2020-05-29",
            "projects.EX-1.open_requests.finance.due": "2020-05-22",
        },
    ),
    Case(
        # as known on 05-21, e5's extension (recorded 05-22) does not exist: due 05-13,
        # overdue wd (05-13, 05-22] = 7. due = 3 + e4 + e5 = 5, on time 2 -> 0.4.
        "extension_not_yet_known",
        EXTENSIONS,
        "2020-05-22",
        "2020-05-21",
        {
            "factors.due": 5,
            "factors.on_time_rate": 0.4,
            "factors.overdue_open": 1,
            "projects.EX-1.light": "red",
        },
        expect_state={
            "projects.EX-1.open_requests.environment.due": "2020-05-13",
            "projects.EX-1.open_requests.environment.overdue_wd": 7,
        },
    ),
    Case(
        # on 05-12: approval overdue 1 wd (05-12) -> 1; finance manually 2 on 05-08, not overdue
        # (due 05-13) -> 2; environment's manual 1 is dated 05-14 -> 0. Worst overdue 1: yellow.
        "manual_escalation_counts_from_its_date",
        ESCALATIONS,
        "2020-05-12",
        None,
        {"projects.ME-1.light": "yellow", "projects.ME-1.overdue_factors": 1},
        expect_state={
            "projects.ME-1.open_requests.approval.escalation_level": 1,
            "projects.ME-1.open_requests.finance.escalation_level": 2,
            "projects.ME-1.open_requests.finance.overdue_wd": 0,
            "projects.ME-1.open_requests.environment.escalation_level": 0,
        },
    ),
    Case(
        # on 05-21: approval overdue (05-11, 05-21] = 8 wd -> 2, manual 3 -> 3; finance
        # (05-13, 05-21] = 6 -> 2, manual 2 -> 2; environment 6 -> 2 > manual 1 -> 2.
        "escalation_is_the_max_of_manual_and_derived",
        ESCALATIONS,
        "2020-05-21",
        None,
        {"projects.ME-1.light": "red", "projects.ME-1.overdue_factors": 3},
        expect_state={
            "projects.ME-1.open_requests.approval.overdue_wd": 8,
            "projects.ME-1.open_requests.approval.escalation_level": 3,
            "projects.ME-1.open_requests.finance.escalation_level": 2,
            "projects.ME-1.open_requests.environment.escalation_level": 2,
        },
    ),
    Case(
        # r4 approval 04-01 (due 04-09), rejected 04-16: 10 wd (04-02, 03, 07..10, 13..16), late.
        # r3 land 04-24 (due 05-25), resolved 05-06: 6 wd (04-26, 27..30, 05-06), on time.
        # r1 approval 04-27 (due 05-07), resolved 04-29: 2 wd, on time.
        # r2 approval 04-29 (due 05-09), resolved 05-07: 3 wd (04-30, 05-06, 07), on time.
        # r6 approval 05-25 (due 06-01): open, not due on 05-31.
        # total: median of 2, 3, 6, 10 = 4.5; approval: 2, 3, 10 -> 3; land: 6.
        "median_of_an_even_count_and_a_rejection_closes",
        MEDIAN,
        "2020-05-31",
        None,
        {
            "time_progress": 0.4167,
            "factors.filed": 5,
            "factors.resolved": 4,
            "factors.closure_rate": 0.8,
            "factors.due": 4,
            "factors.on_time": 3,
            "factors.on_time_rate": 0.75,
            "factors.overdue_open": 0,
            "factors.median_resolution_wd": 4.5,
            "factors.by_category.approval": {
                "filed": 4,
                "resolved": 3,
                "closure_rate": 0.75,
                "due": 3,
                "on_time": 2,
                "on_time_rate": 0.6667,
                "overdue_open": 0,
                "median_resolution_wd": 3.0,
            },
            "factors.by_category.land.median_resolution_wd": 6.0,
            "factors.by_category.land.on_time_rate": 1.0,
            "projects.MD-1.open_factors": 1,
            "projects.MD-1.overdue_factors": 0,
        },
    ),
    Case(
        # U-1 approval 05-06 (due 05-12) resolved 05-08: 2 wd, on time. U-2 power 05-06
        # (10 wd -> due 05-19), U-2 terminated 05-20: its request still counts, open and
        # overdue ((05-19, 05-31] = 8 wd). U-3 filed nothing: no key for 区科技局.
        # Zone lights count U-1 and U-3 only (plans 0, nothing wrong -> na).
        "by_unit_and_requests_of_a_terminated_project",
        UNITS,
        "2020-05-31",
        None,
        {
            "factors.filed": 2,
            "factors.resolved": 1,
            "factors.closure_rate": 0.5,
            "factors.due": 2,
            "factors.on_time": 1,
            "factors.overdue_open": 1,
            "factors.median_resolution_wd": 2.0,
            "factors.by_unit.区发改局.on_time_rate": 1.0,
            "factors.by_unit.区招商局.filed": 1,
            "factors.by_unit.区招商局.closure_rate": 0.0,
            "factors.by_unit.区招商局.overdue_open": 1,
            "factors.by_unit.区招商局.median_resolution_wd": None,
            "factors.by_unit.区科技局": ABSENT,
            "factors.by_category.power.overdue_open": 1,
            "projects.U-2.open_factors": 1,
            "projects.U-2.overdue_factors": 1,
            "projects.U-2.light": "na",
            "projects.U-2.rank": None,
            "zone.projects": 2,
            "zone.lights": {"green": 0, "yellow": 0, "red": 0, "na": 2},
        },
        expect_state={"projects.U-2.open_requests.power.overdue_wd": 8},
    ),
]

# --------------------------------------------------------------------------------------------
# Terminations, mid-year registrations, rankings

TERMINATED = [
    campaign(targets=[{"name": "固定资产投资", "kind": "fixed_asset_investment", "goal": 1000}]),
    register("T-1", category="new", annual_plan=1000, planned_start="2020-03-01"),
    register("K-1", annual_plan=1000),
    report("T-1", "2020-03-31", 200, funds=100),
    report("K-1", "2020-03-31", 300, funds=200),
    terminate("T-1", "2020-05-15"),
    report("K-1", "2020-06-30", 200, funds=100),
]

MID_YEAR = [
    campaign(),
    register("M-1", annual_plan=1000),
    report("M-1", "2020-05-10", 100),
    register("M-2", "2020-05-15", annual_plan=2000),
    report("M-2", "2020-05-20", 300),
]

RANKING = [
    campaign(),
    register("A-1", annual_plan=2000),
    register("A-2", annual_plan=3000),
    register("A-3", annual_plan=1000),
    register("A-4", annual_plan=0),
    register("A-5", annual_plan=1000),
    register("A-6", annual_plan=1000),
    register("A-7", annual_plan=3000),
    report("A-6", "2020-05-30", 900),
    terminate("A-6", "2020-06-01"),
    report("A-1", "2020-06-30", 1000),
    report("A-2", "2020-06-30", 1800),
    report("A-3", "2020-06-30", 500),
    report("A-4", "2020-06-30", 100),
    report("A-7", "2020-06-30", "1500.01"),
]

LIFECYCLE = [
    Case(
        # T-1 terminated 05-15 keeps its figures: 200/1000 = 0.2, spi 0.4, gap -30; light na,
        # rank null, start_overdue_days 0 though planned 03-01 and never started.
        # Zone over K-1 only; the fixed-asset target counts T-1: 200 + 500 = 700 -> 0.7.
        "terminated_project_keeps_its_figures_outside_the_zone",
        TERMINATED,
        "2020-06-30",
        None,
        {
            "projects.T-1.annual_plan": 1000.0,
            "projects.T-1.ytd_investment": 200.0,
            "projects.T-1.investment_rate": 0.2,
            "projects.T-1.spi": 0.4,
            "projects.T-1.gap_pp": -30.0,
            "projects.T-1.ytd_funds": 100.0,
            "projects.T-1.light": "na",
            "projects.T-1.rank": None,
            "projects.T-1.start_overdue_days": 0,
            "projects.T-1.stage": "terminated",
            "zone.projects": 1,
            "zone.annual_plan": 1000.0,
            "zone.ytd_investment": 500.0,
            "zone.ytd_funds": 300.0,
            "zone.funds_rate": 0.3,
            "zone.due_to_start": 0,
            "zone.start_rate": None,
            "targets.fixed_asset_investment.actual": 700.0,
            "targets.fixed_asset_investment.ratio": 0.7,
            "targets.fixed_asset_investment.over_half": True,
            "targets.fixed_asset_investment.goal": 1000.0,
            "targets.fixed_asset_investment.name": "固定资产投资",
        },
    ),
    Case(
        # before its termination T-1 is listed: 03-01 -> 05-14 = 30 + 30 + 14 = 74 days -> red
        "project_listed_until_its_termination_date",
        TERMINATED,
        "2020-05-14",
        None,
        {
            "projects.T-1.start_overdue_days": 74,
            "projects.T-1.light": "red",
            "projects.T-1.stage": "registered",
            "zone.projects": 2,
            "zone.due_to_start": 1,
            "zone.start_rate": 0.0,
        },
    ),
    Case(
        "project_registered_mid_year_is_not_listed_before_its_date",
        MID_YEAR,
        "2020-05-10",
        None,
        {"projects.M-2": ABSENT, "zone.projects": 1, "zone.annual_plan": 1000.0},
    ),
    Case(
        # 400/3000 = 0.133333; tp 5/12 = 0.416667; spi 0.32; gap 13.3333 - 41.6667 = -28.3333
        "project_registered_mid_year_is_listed_from_its_date",
        MID_YEAR,
        "2020-05-31",
        None,
        {
            "zone.projects": 2,
            "zone.annual_plan": 3000.0,
            "zone.ytd_investment": 400.0,
            "zone.investment_rate": 0.1333,
            "zone.spi": 0.32,
            "zone.gap_pp": -28.33,
            "projects.M-2.ytd_investment": 300.0,
        },
    ),
    Case(
        # spi: A-2 1.2; A-7 1500.01/3000 * 2 = 1.0000067 (shown 1.0); A-1 1.0 and A-3 1.0
        # (an exact tie: by code); A-5 0; A-4 null (plan 0) last; A-6 terminated: no rank.
        "ranking_by_unrounded_spi_ties_by_code_null_last",
        RANKING,
        "2020-06-30",
        None,
        {
            "projects.A-2.rank": 1,
            "projects.A-7.rank": 2,
            "projects.A-7.spi": 1.0,
            "projects.A-7.investment_rate": 0.5,
            "projects.A-1.rank": 3,
            "projects.A-3.rank": 4,
            "projects.A-5.rank": 5,
            "projects.A-5.spi": 0.0,
            "projects.A-5.light": "red",
            "projects.A-4.rank": 6,
            "projects.A-6.rank": None,
            "projects.A-6.ytd_investment": 900.0,
            "zone.projects": 6,
        },
    ),
]

# --------------------------------------------------------------------------------------------
# 6.5 Zone targets

ALL_TARGETS = [
    {"name": "工业项目落地", "kind": "industrial_projects_started", "goal": 2},
    {"name": "标准厂房开工", "kind": "factory_area_started_m2", "goal": 100000},
    {"name": "固定资产投资", "kind": "fixed_asset_investment", "goal": 12000},
    {"name": "技改项目", "kind": "tech_renovation_projects", "goal": 4},
    {"name": "技改投资", "kind": "tech_renovation_investment", "goal": 3000},
    {"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "0.4"},
]

TARGETS = [
    campaign(targets=ALL_TARGETS),
    register(
        "I-1", industrial=True, total_investment=10000, annual_plan=2000, factory_area_m2=30000
    ),
    register(
        "I-2", industrial=True, total_investment="9999.99", annual_plan=2000, factory_area_m2=20000
    ),
    register(
        "I-3", industrial=True, total_investment=50000, annual_plan=5000, factory_area_m2=40000
    ),
    register(
        "I-4", industrial=True, total_investment=20000, annual_plan=3000, factory_area_m2=10000
    ),
    register(
        "I-5", industrial=True, total_investment=15000, annual_plan=1000, factory_area_m2=5000
    ),
    register("T-1", tech_renovation=True, total_investment=500, annual_plan=500),
    register("T-2", tech_renovation=True, total_investment="499.99", annual_plan=400),
    register("T-3", tech_renovation=True, total_investment=3000, annual_plan=1500),
    milestone("I-3", "signed", "2019-06-01", when=at(REGISTERED, "10:00")),
    milestone("I-3", "started", "2019-08-01", when=at(REGISTERED, "10:01")),
    milestone("I-4", "signed", "2020-02-20"),
    milestone("I-1", "signed", "2020-03-01"),
    milestone("I-4", "started", "2020-03-01"),
    milestone("I-2", "signed", "2020-04-01"),
    milestone("I-1", "started", "2020-04-15"),
    milestone("I-2", "started", "2020-05-10"),
    report("I-4", "2020-05-31", 800),
    milestone("I-5", "signed", "2020-06-01"),
    terminate("I-4", "2020-06-10"),
    report("I-1", "2020-06-30", 1000),
    report("I-2", "2020-06-30", 500),
    report("I-3", "2020-06-30", 1500),
    report("T-1", "2020-06-30", 300),
    report("T-2", "2020-06-30", 200),
    report("T-3", "2020-06-30", 700),
    milestone("I-5", "started", "2020-07-05"),
]

SHARE_WITHOUT_INVESTMENT = [
    campaign(
        targets=[
            {"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "0.4"},
            {"name": "技改项目", "kind": "tech_renovation_projects", "goal": 1},
            {"name": "工业项目落地", "kind": "industrial_projects_started", "goal": 20},
        ]
    ),
    register("T-1", tech_renovation=True, total_investment=1000, annual_plan=500),
]

SHARE_REACHED = [
    campaign(
        targets=[
            {"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "0.4"},
            {"name": "标准厂房开工", "kind": "factory_area_started_m2", "goal": 5000},
        ]
    ),
    register("T-1", tech_renovation=True, total_investment=1000, annual_plan=800),
    register("P-1", annual_plan=800, factory_area_m2=1234.5),
    milestone("P-1", "signed", "2020-03-02"),
    milestone("P-1", "started", "2020-03-10"),
    report("T-1", "2020-03-31", 600),
    report("P-1", "2020-03-31", 400),
]

TARGET_CASES = [
    Case(
        # industrial, total >= 10000, started in 2020 by 06-30, listed: I-1 only (I-2 total
        #   9999.99; I-3 started in 2019; I-4 terminated; I-5 starts 07-05) -> 1/2 = 0.5.
        # factory area of listed projects started in 2020: I-1 30000 + I-2 20000 = 50000 -> 0.5.
        # fixed-asset: all registered, I-4 included: 1000 + 500 + 1500 + 800 + 300 + 200 + 700
        #   = 5000 -> 5000/12000 = 0.416667.
        # tech renovation (flag, total >= 500, listed): T-1, T-3 -> 2/4; investment 300 + 700 =
        #   1000 -> 1000/3000; share 1000 / listed YTD (5000 - 800 = 4200) = 0.238095, ratio
        #   0.238095/0.4 = 0.595238 >= 0.5 but over_half is actual >= goal -> false.
        "the_six_target_kinds",
        TARGETS,
        "2020-06-30",
        None,
        {
            "targets.industrial_projects_started.actual": 1,
            "targets.industrial_projects_started.ratio": 0.5,
            "targets.industrial_projects_started.over_half": True,
            "targets.industrial_projects_started.name": "工业项目落地",
            "targets.factory_area_started_m2.actual": 50000.0,
            "targets.factory_area_started_m2.ratio": 0.5,
            "targets.factory_area_started_m2.over_half": True,
            "targets.fixed_asset_investment.actual": 5000.0,
            "targets.fixed_asset_investment.ratio": 0.4167,
            "targets.fixed_asset_investment.over_half": False,
            "targets.tech_renovation_projects.actual": 2,
            "targets.tech_renovation_projects.ratio": 0.5,
            "targets.tech_renovation_projects.over_half": True,
            "targets.tech_renovation_investment.actual": 1000.0,
            "targets.tech_renovation_investment.ratio": 0.3333,
            "targets.tech_renovation_investment.over_half": False,
            "targets.tech_renovation_share.actual": 0.2381,
            "targets.tech_renovation_share.ratio": 0.5952,
            "targets.tech_renovation_share.over_half": False,
            "targets.tech_renovation_share.goal": 0.4,
            "zone.ytd_investment": 4200.0,
        },
    ),
    Case(
        # no listed YTD investment: the share's actual and ratio are null, over_half false
        "share_without_listed_investment_is_null",
        SHARE_WITHOUT_INVESTMENT,
        "2020-06-30",
        None,
        {
            "targets.tech_renovation_share.actual": None,
            "targets.tech_renovation_share.ratio": None,
            "targets.tech_renovation_share.over_half": False,
            "targets.tech_renovation_projects.actual": 1,
            "targets.tech_renovation_projects.ratio": 1.0,
            "targets.tech_renovation_projects.over_half": True,
            "targets.industrial_projects_started.actual": 0,
            "targets.industrial_projects_started.ratio": 0.0,
            "targets.industrial_projects_started.over_half": False,
        },
    ),
    Case(
        # share 600 / (600 + 400) = 0.6 >= 0.4 -> over_half; ratio 1.5.
        # factory area 1234.5 m² -> ratio 1234.5/5000 = 0.2469. tp 3/12 = 0.25.
        "share_reached_and_a_fractional_factory_area",
        SHARE_REACHED,
        "2020-03-31",
        None,
        {
            "time_progress": 0.25,
            "targets.tech_renovation_share.actual": 0.6,
            "targets.tech_renovation_share.ratio": 1.5,
            "targets.tech_renovation_share.over_half": True,
            "targets.factory_area_started_m2.actual": 1234.5,
            "targets.factory_area_started_m2.ratio": 0.2469,
            "targets.factory_area_started_m2.over_half": False,
        },
    ),
]

CASES: list[Case] = [
    *TIME_AND_INVESTMENT,
    *KNOWN_AT,
    *PLANS,
    *RATES,
    *LIGHTS,
    *FACTORS,
    *LIFECYCLE,
    *TARGET_CASES,
]

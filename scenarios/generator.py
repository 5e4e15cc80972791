"""The seeded scenario generator: a realistic simulated 百日会战 for any number of projects.

`generate` writes a scenario file (SPEC §8) line by line: the campaign, its key projects, and
half a year of what their teams and the campaign office record — daily progress reports (most the
same evening, some late, a few back-filled or corrected), milestones, factor-support requests with
their extensions, escalations (督办) and resolutions, mid-year plan revisions and a few
terminations. The same arguments give the same bytes: one `random.Random(seed)` is drawn in a
fixed order, and every line's keys are written in a fixed order.

How it is built, and why it stays fast and flat in memory:
1. *Plan* the projects (a compact record each): category and sector by quota, total investment
   (log-normal, one lithium anchor per 54 projects), annual plan, the dates of every milestone,
   the COVID stop and resumption, stalls, terminations, plan revisions, and each project's
   performance at mid-year; then calibrate sizes and flags to the zone's targets (DOMAIN.md).
2. *Simulate* day by day from the registration of the list to the campaign's end. Work accrues
   every day along the year's investment curve; a report carries what accrued since the last one.
   A line recorded later than its day (a late report, a request's whole handling) waits in a heap
   keyed by its recorded time, so the file comes out in recorded-time order while the memory held
   is the project records plus a few days of lines, whatever the number of projects.

Where the figures come from is written down in scenarios/README.md. Only the stdlib and orjson are
used; nothing here imports the engine: a scenario is just JSON lines, checked when it is loaded.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import IO, Any

import orjson

__all__ = ["REFERENCE_PROJECTS", "REFERENCE_SEED", "GenerateReport", "generate"]

REFERENCE_PROJECTS = 54
REFERENCE_SEED = 2020
# Projects planned and simulated together: memory is bounded by a block, whatever the total.
BLOCK = 2000

# ------------------------------------------------------------------------------ the calendar

# 国务院办公厅 notice for 2020, with the Spring Festival extended for COVID (DOMAIN.md).
HOLIDAYS_2020 = (
    "2020-01-01",
    *(f"2020-01-{d}" for d in range(24, 32)),
    "2020-02-01",
    "2020-02-02",
    "2020-04-04",
    "2020-04-05",
    "2020-04-06",
    *(f"2020-05-0{d}" for d in range(1, 6)),
    "2020-06-25",
    "2020-06-26",
    "2020-06-27",
    *(f"2020-10-0{d}" for d in range(1, 9)),
)
WORKDAYS_2020 = (
    "2020-01-19",
    "2020-04-26",
    "2020-05-09",
    "2020-06-28",
    "2020-09-27",
    "2020-10-10",
)
_SPRING_FESTIVAL_2020 = ("2020-01-24", "2020-02-02")


def _official_days(year: int) -> tuple[list[str], list[str]]:
    """Holidays and adjusted workdays (调休): the official list for 2020; for another year only
    the fixed-date holidays (New Year, Labour Day, National Day), as the lunar ones move."""
    if year == 2020:
        return list(HOLIDAYS_2020), list(WORKDAYS_2020)
    fixed = [f"{year}-01-01", *(f"{year}-05-0{d}" for d in (1, 2, 3))]
    fixed += [f"{year}-10-0{d}" for d in range(1, 8)]
    return fixed, []


class _Calendar:
    """Days as indexes from 1 January of the year (negative before it), and working days."""

    def __init__(self, year: int, holidays: list[str], workdays: list[str]) -> None:
        self.year = year
        self.jan1 = dt.date(year, 1, 1).toordinal()
        self.holidays = frozenset(self.index(dt.date.fromisoformat(d)) for d in holidays)
        self.workdays = frozenset(self.index(dt.date.fromisoformat(d)) for d in workdays)
        self.days_in_year = 366 if _is_leap(year) else 365
        # Working days of the year and some way past it (due dates run over the year's end).
        self.working = [self._is_working(d) for d in range(self.days_in_year + 200)]
        self._iso: dict[int, str] = {}

    def index(self, day: dt.date) -> int:
        return day.toordinal() - self.jan1

    def date(self, d: int) -> dt.date:
        return dt.date.fromordinal(self.jan1 + d)

    def iso(self, d: int) -> str:
        text = self._iso.get(d)
        if text is None:
            text = self._iso[d] = self.date(d).isoformat()
        return text

    def weekday(self, d: int) -> int:
        return (self.jan1 + d - 1) % 7  # ordinal 1 (0001-01-01) is a Monday

    def _is_working(self, d: int) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return self.weekday(d) < 5

    def is_working(self, d: int) -> bool:
        if 0 <= d < len(self.working):
            return self.working[d]
        return self._is_working(d)

    def nth_working_day_after(self, d: int, n: int) -> int:
        """The smallest day with n working days in (d, day]; SPEC §2."""
        while n > 0:
            d += 1
            if self.is_working(d):
                n -= 1
        return d

    def working_day_on_or_after(self, d: int) -> int:
        while not self.is_working(d):
            d += 1
        return d

    def working_day_on_or_before(self, d: int) -> int:
        while not self.is_working(d):
            d -= 1
        return d

    def month_end(self, d: int) -> bool:
        return self.date(d + 1).day == 1


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --------------------------------------------------------------------------- the vocabulary

# Category and sector mixes of the reference (DOMAIN.md: ≈ 20 / 24 / 6 / 4 of 54; 锂光医智大).
_CATEGORY_SHARES = (
    ("continuing", 20 / 54),
    ("new", 24 / 54),
    ("completing", 6 / 54),
    ("preparatory", 4 / 54),
)
_SECTOR_SHARES = (
    ("lithium", 0.30),
    ("photonics", 0.12),
    ("pharma", 0.15),
    ("smart_manufacturing", 0.22),
    ("big_data", 0.08),
    ("livelihood", 0.13),
)
_INDUSTRIAL = frozenset({"lithium", "photonics", "pharma", "smart_manufacturing"})
# Median total investment by sector, 万元 (all sectors together: ≈ 30,000, DOMAIN.md).
_SECTOR_MEDIAN = {
    "lithium": 17_000.0,
    "photonics": 38_000.0,
    "pharma": 36_000.0,
    "smart_manufacturing": 38_000.0,
    "big_data": 36_000.0,
    "livelihood": 31_000.0,
}
_SIZE_SIGMA = 0.9
_SIZE_RANGE = (2_000.0, 450_000.0)
_ANCHOR_RANGE = (900_000.0, 1_600_000.0)  # as drawn; calibrated within the limits
_ANCHOR_LIMITS = (500_000.0, 2_000_000.0)
_HEALTHY = 0.99  # the least pace of a project on track (0.99 × 53% of plan by 30 June)

# The year's investment curve: share of the annual plan done in each month, % (DOMAIN.md: a
# normal year reaches 52% at June's end and 110% at December's; 2020 lost February to COVID).
_MONTHLY_NORMAL = (3.0, 4.0, 11.0, 10.0, 11.0, 13.0, 8.0, 8.0, 10.0, 10.0, 10.0, 12.0)
_MONTHLY_2020 = (3.0, 0.6, 10.5, 12.0, 13.0, 14.0, 8.0, 8.0, 10.0, 10.0, 10.0, 10.0)

# Factor requests: working-day time limits, resolution time (median as a share of the limit,
# log-normal sigma), which department handles them, and what the lines say.
_SLA_DAYS = {
    "land": 20,
    "energy": 15,
    "environment": 15,
    "water": 10,
    "power": 10,
    "gas_heat": 10,
    "road_pipe": 15,
    "finance": 10,
    "labour": 3,
    "approval": 7,
    "demolition": 30,
    "other": 5,
}
_RESOLUTION = {
    "land": (0.9, 0.7),
    "energy": (0.9, 0.7),
    "environment": (0.8, 0.55),
    "water": (0.7, 0.5),
    "power": (0.75, 0.5),
    "gas_heat": (0.8, 0.5),
    "road_pipe": (0.8, 0.55),
    "finance": (0.75, 0.55),
    "labour": (0.8, 0.5),
    "approval": (0.6, 0.5),
    "demolition": (0.9, 0.7),
    "other": (0.8, 0.6),
}
_LONG_TAIL = frozenset({"land", "energy", "demolition"})
_HANDLER = {
    "land": "区自然资源局",
    "energy": "区发改局",
    "environment": "区生态环境分局",
    "water": "区水务局",
    "power": "区供电中心",
    "gas_heat": "区燃气热力办",
    "road_pipe": "区住建局",
    "finance": "区金融服务中心",
    "labour": "区人社局",
    "approval": "区行政审批服务局",
    "demolition": "区征收办",
    "other": "区重点项目办",
}
_DETAIL = {
    "land": ("{n} 亩建设用地供地手续", "用地指标调剂 {n} 亩", "土地证办理"),
    "energy": ("能耗指标 {n} 吨标煤", "节能审查意见"),
    "environment": ("环评批复", "排污许可办理", "环评报告专家评审"),
    "water": ("供水管网接入", "工业用水指标 {n} 吨/日"),
    "power": ("10kV 双回路接入", "临时用电报装", "{n} kVA 专变增容"),
    "gas_heat": ("天然气管道接入", "蒸汽供热接入"),
    "road_pipe": ("配套道路及雨污管网", "厂区外道路打通"),
    "finance": ("流动资金贷款 {n} 万元", "设备贷款贴息 {n} 万元", "产业基金投资 {n} 万元"),
    "labour": ("返岗用工 {n} 人", "技术工人招聘 {n} 人"),
    "approval": ("施工许可证并联审批", "规划许可证办理", "消防设计审查", "竣工联合验收"),
    "demolition": ("地上附着物拆迁", "高压线迁改"),
    "other": ("防疫物资保障", "物流通行证办理", "人才公寓安排"),
}
_FULFILLED = {
    "land": "已挂牌出让, 交地到位",
    "energy": "能耗指标已统筹解决",
    "environment": "已出具批复",
    "water": "已通水",
    "power": "已送电",
    "gas_heat": "已通气",
    "road_pipe": "已完工通行",
    "finance": "资金已到位",
    "labour": "已协调到位",
    "approval": "容缺受理, 已发证",
    "demolition": "拆迁完成, 场地移交",
    "other": "已协调解决",
}
_EXTEND_REASON = {
    "land": "需报省厅审批用地指标",
    "energy": "能耗指标需市级统筹",
    "environment": "需组织专家评审",
    "demolition": "征迁协商未完成",
}
_ESCALATION = (
    (1, "下发督办单"),
    (2, "约谈责任单位, 分管领导督办"),
    (3, "主要领导召开专题协调会"),
)
# Requests per project-month by phase, and their category mix (DOMAIN.md).
_Mix = tuple[tuple[str, int], ...]
_MIX_PRE: _Mix = (
    ("approval", 40),
    ("land", 30),
    ("environment", 8),
    ("energy", 6),
    ("finance", 8),
    ("demolition", 5),
    ("other", 3),
)
_MIX_BUILD: _Mix = (
    ("approval", 22),
    ("land", 8),
    ("power", 9),
    ("water", 5),
    ("gas_heat", 3),
    ("road_pipe", 6),
    ("finance", 16),
    ("labour", 8),
    ("environment", 6),
    ("energy", 4),
    ("demolition", 5),
    ("other", 8),
)
_MIX_PREPRODUCTION: _Mix = (
    ("power", 25),
    ("water", 10),
    ("gas_heat", 10),
    ("road_pipe", 5),
    ("approval", 20),
    ("environment", 8),
    ("finance", 8),
    ("labour", 6),
    ("other", 8),
)
_MIX_COVID: _Mix = (("labour", 45), ("other", 35), ("finance", 20))

_NAMES = {
    "lithium": (
        "年产{g}GWh锂离子动力电池项目",
        "年产{t}万吨锂电池正极材料项目",
        "锂电池隔膜生产线项目",
        "锂电池负极材料项目",
        "储能电池PACK生产线项目",
        "锂电池电解液项目",
        "废旧锂电池综合利用项目",
        "锂电池精密结构件项目",
    ),
    "photonics": (
        "光通信器件产业化项目",
        "激光器及光学模组项目",
        "光电显示模组生产线项目",
        "LED芯片封装项目",
        "光纤预制棒项目",
        "红外热成像组件项目",
    ),
    "pharma": (
        "生物医药中试基地项目",
        "原料药绿色工艺技改项目",
        "医疗器械产业园项目",
        "中药饮片加工项目",
        "医用防护用品生产线项目",
        "体外诊断试剂项目",
    ),
    "smart_manufacturing": (
        "智能装备制造项目",
        "数控机床生产线项目",
        "工业机器人集成项目",
        "高端轴承技改项目",
        "新能源汽车零部件项目",
        "智能仓储物流装备项目",
        "精密铸造技改项目",
    ),
    "big_data": (
        "大数据中心项目",
        "云计算产业园项目",
        "软件和信息服务产业园项目",
        "工业互联网平台项目",
        "5G应用创新中心项目",
    ),
    "livelihood": (
        "安置房建设项目",
        "学校新建项目",
        "医院门诊综合楼项目",
        "道路提升改造工程",
        "污水处理厂扩建工程",
        "城市公园提升工程",
        "人才公寓项目",
    ),
}
_FIRMS = (
    "鲁南",
    "华睿",
    "恒远",
    "博润",
    "正和",
    "瑞达",
    "金泰",
    "新元",
    "天益",
    "盛源",
    "凤鸣",
    "泰鑫",
    "润丰",
    "远航",
    "德晟",
    "宏宇",
)
_PLACES = ("高新区", "兴仁街道", "张范街道", "兴城街道")
_UNITS = {
    "lithium": ("区招商局", "区工信局", "兴仁街道"),
    "photonics": ("区招商局", "区科技局", "张范街道"),
    "pharma": ("区科技局", "区工信局", "兴城街道"),
    "smart_manufacturing": ("区工信局", "区发改局", "兴仁街道"),
    "big_data": ("区大数据中心", "区科技局"),
    "livelihood": ("区住建局", "区教体局", "区卫健局", "张范街道", "兴城街道"),
}
_LEADERS = {
    "区招商局": "刘副主任",
    "区工信局": "王副主任",
    "区科技局": "陈副主任",
    "区发改局": "孙副主任",
    "区大数据中心": "陈副主任",
    "区住建局": "赵副主任",
    "区教体局": "李副主任",
    "区卫健局": "李副主任",
    "兴仁街道": "周书记",
    "张范街道": "吴书记",
    "兴城街道": "郑书记",
}
_OFFICE = "区重点项目办"
_SUPERVISION = "区督查室"
_WORK_NOTES = {
    "pre": ("场地平整", "土地款支付", "设计方案深化", "设备订购"),
    "build": ("土方开挖", "桩基施工", "主体施工", "钢结构吊装", "主体封顶", "设备安装调试"),
    "after": ("设备调试", "试生产", "竣工验收准备", "尾款结算"),
}
_STALL_REASONS = ("资金链紧张", "股东变更", "规划调整", "设备供应商违约")
_CORRECTION_REASONS = (
    "监理核定工程量调减",
    "发票核对",
    "重复填报, 予以更正",
    "月末结算补差",
    "统计口径核对",
)

# ------------------------------------------------------------------------------ the report


@dataclass(frozen=True, slots=True)
class GenerateReport:
    """What a run wrote: lines, and some of what they hold."""

    lines: int
    projects: int
    reports: int
    factor_requests: int


# -------------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class _Settings:
    projects: int
    seed: int
    year: int
    start: int  # day indexes of the campaign year
    end: int
    mid: int  # 30 June: the 双过半 checkpoint the sizes are calibrated to
    list_day: int  # the day the key-project list is registered
    covid: bool
    density: float


def _settings(
    calendar: _Calendar,
    *,
    projects: int,
    seed: int,
    start: dt.date | None,
    end: dt.date | None,
    density: float,
) -> _Settings:
    year = calendar.year
    if projects < 1:
        raise ValueError("projects must be at least 1")
    if not 0 < density <= 10:
        raise ValueError("density must be greater than 0 and at most 10")
    if start is None and end is None:
        end = dt.date(year, 6, 30)
    if end is None:
        assert start is not None
        end = min(start + dt.timedelta(days=99), dt.date(year, 12, 31))
    if start is None:
        start = max(end - dt.timedelta(days=99), dt.date(year, 1, 1))
    for name, day in (("start", start), ("end", end)):
        if day.year != year:
            raise ValueError(f"{name} {day} is not in the campaign year {year}")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    list_day = calendar.working_day_on_or_after(calendar.index(dt.date(year, 1, 2)))
    end_i = calendar.index(end)
    if end_i < list_day + 14:
        raise ValueError(
            f"end {end} is too early: the simulation runs from the registration of the list "
            f"({calendar.iso(list_day)}) and needs at least two weeks"
        )
    return _Settings(
        projects=projects,
        seed=seed,
        year=year,
        start=calendar.index(start),
        end=end_i,
        mid=calendar.index(dt.date(year, 6, 30)),
        list_day=list_day,
        covid=year == 2020,
        density=density,
    )


# ---------------------------------------------------------------------------- the projects


class _Project:
    """One key project: what is planned for it, and the state the simulation carries."""

    __slots__ = (
        "actor",
        "anchor",
        "backfill",
        "before",
        "category",
        "code",
        "completed",
        "crew",
        "cum",
        "cum_at_start",
        "diligence",
        "factory_area",
        "funds_factor",
        "index",
        "industrial",
        "k",
        "last_day",
        "last_ms_at",
        "leader",
        "milestones",
        "ms_next",
        "name",
        "pause",
        "pending",
        "pending_funds",
        "phys",
        "plan",
        "planned_completion",
        "planned_start",
        "production",
        "reg",
        "reg_at",
        "requests",
        "resume",
        "revision",
        "rho",
        "sector",
        "seg_i",
        "segments",
        "signed",
        "stall",
        "started",
        "terminated",
        "total",
        "tr",
        "unit",
    )

    def __init__(self, index: int, code: str, category: str, sector: str) -> None:
        self.index = index
        self.code = code
        self.actor = f"{code}项目部"
        self.category = category
        self.sector = sector
        self.anchor = False
        self.name = ""
        self.unit = ""
        self.leader = ""
        self.total = 0.0  # 万元, before calibration; later rounded
        self.plan = 0.0
        self.before = 0.0  # investment done before the year
        self.reg = 0
        self.reg_at = 0
        self.signed: int | None = None
        self.started: int | None = None
        self.completed: int | None = None
        self.production: int | None = None
        self.planned_start: int | None = None
        self.planned_completion: int | None = None
        self.pause = 10**6  # the COVID stop: no work in [pause, resume)
        self.resume = 10**6
        self.stall: int | None = None
        self.terminated: int | None = None
        self.revision: tuple[int, float, str] | None = None
        self.rho = 1.0  # performance at mid-year against the zone's curve
        self.industrial = False
        self.tr = False
        self.factory_area = 0
        self.backfill = False
        self.diligence = 1.0
        self.funds_factor = 1.0
        self.crew = 0
        self.k = 0.0
        self.segments: list[tuple[int, float]] = []
        self.seg_i = 0
        self.last_day = 0
        self.milestones: list[tuple[int, str]] = []
        self.ms_next = 0
        self.last_ms_at = 0
        self.pending = 0.0
        self.pending_funds = 0.0
        self.cum = 0.0
        self.cum_at_start = 0.0
        self.phys = 0.0
        self.requests = 0

    def is_new_before_start(self, d: int) -> bool:
        return self.category in {"new", "preparatory"} and (
            self.started is None or d < self.started
        )


def _apportion(n: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    """n labels in the given shares by largest remainder (ties in the order given)."""
    raw = [(label, n * share) for label, share in shares]
    counts = {label: int(x) for label, x in raw}
    left = n - sum(counts.values())
    by_remainder = sorted(raw, key=lambda lx: -(lx[1] - int(lx[1])))
    for label, _ in by_remainder[:left]:
        counts[label] += 1
    return [label for label, _ in shares for _ in range(counts[label])]


def _spread(n: int, shares: tuple[tuple[str, float], ...], rng: random.Random) -> list[str]:
    """The labels of `_apportion`, in an order where every stretch holds each in its share."""
    counts = dict.fromkeys((label for label, _ in shares), 0)
    for label in _apportion(n, shares):
        counts[label] += 1
    dealt = dict.fromkeys(counts, 0)
    out = []
    for k in range(1, n + 1):
        label = max(counts, key=lambda x: counts[x] * k / n - dealt[x])
        dealt[label] += 1
        out.append(label)
    turn = int(rng.random() * n) if n else 0
    return out[turn:] + out[:turn]


def _uniform_int(rng: random.Random, low: int, high: int) -> int:
    """A day (or count) drawn uniformly from [low, high]; low when the range is empty."""
    if high <= low:
        return low
    return low + int(rng.random() * (high - low + 1))


def _weighted(rng: random.Random, mix: _Mix) -> str:
    total = sum(w for _, w in mix)
    x = rng.random() * total
    for label, w in mix:
        x -= w
        if x < 0:
            return label
    return mix[-1][0]


def _plan_projects(
    s: _Settings, cal: _Calendar, rng: random.Random, prefix: list[float], block: range
) -> list[_Project]:
    """The projects numbered `block` (0-based), planned and calibrated as a list of their own."""
    n = len(block)
    categories = _apportion(n, _CATEGORY_SHARES)
    rng.shuffle(categories)
    # Sectors spread evenly over the categories: go through the projects category by category
    # and deal the sectors in a low-discrepancy order, so every category gets its share.
    order = sorted(range(n), key=lambda j: (categories[j], rng.random()))
    sectors = [""] * n
    for j, sector in zip(order, _spread(n, _SECTOR_SHARES, rng), strict=True):
        sectors[j] = sector
    width = max(3, len(str(s.projects)))
    projects = [
        _Project(i, f"ZZ-{i + 1:0{width}d}", categories[j], sectors[j]) for j, i in enumerate(block)
    ]
    _choose_anchors(projects, rng)
    _draw_sizes(projects, rng)
    for p in projects:
        _describe(p, rng)
    _register(projects, s, cal, rng)
    new = [p for p in projects if p.category == "new"]
    rng.shuffle(new)
    first_half = {p.index for p in new[: round(len(new) * 0.8)]}
    for p in projects:
        _schedule(p, s, cal, rng, first_half=p.index in first_half)
    _decide_starts(projects, s, cal, rng)
    _decide_completions(projects, s, cal, rng)
    _decide_signatures(projects, s, rng)
    _decide_terminations(projects, s, rng)
    _decide_performance(projects, s, cal, rng)
    _calibrate_pace(projects, s, rng, prefix[s.mid + 1])
    _calibrate_sizes(projects, rng, prefix[s.mid + 1])
    _flag(projects, s, rng)
    _decide_revisions(projects, s, cal, rng)
    for p in projects:
        _finish(p, s, cal, prefix)
    return projects


def _choose_anchors(projects: list[_Project], rng: random.Random) -> None:
    """One lithium anchor (a 50–200亿 base, DOMAIN.md) per 54 projects, continuing if possible."""
    wanted = max(1, round(len(projects) / REFERENCE_PROJECTS))
    order = list(projects)
    rng.shuffle(order)
    order.sort(key=lambda p: p.category != "continuing")
    lithium = [p for p in order if p.sector == "lithium"]
    for p in order[:wanted]:
        p.anchor = True
        if p.sector != "lithium":
            # Swap sectors with a non-anchor lithium project, so that the quotas stay.
            donor = next((q for q in lithium if not q.anchor and q.sector == "lithium"), None)
            if donor is not None:
                donor.sector = p.sector
            p.sector = "lithium"


def _draw_sizes(projects: list[_Project], rng: random.Random) -> None:
    """Total investment: log-normal by sector, drawn stratified (each of a sector's k projects
    from its own k-quantile band), so that even a short list has the distribution's shape."""
    normal = NormalDist()
    for sector, _ in _SECTOR_SHARES:
        group = [p for p in projects if p.sector == sector and not p.anchor]
        bands = list(range(len(group)))
        rng.shuffle(bands)
        for p, band in zip(group, bands, strict=True):
            q = (band + 0.02 + 0.96 * rng.random()) / len(group)
            total = _SECTOR_MEDIAN[sector] * math.exp(_SIZE_SIGMA * normal.inv_cdf(q))
            p.total = min(max(total, _SIZE_RANGE[0]), _SIZE_RANGE[1])
    low, high = _ANCHOR_RANGE
    for p in projects:
        if p.anchor:
            p.total = math.exp(math.log(low) + rng.random() * math.log(high / low))
        _plan_of(p, rng)


def _plan_of(p: _Project, rng: random.Random) -> None:
    """The annual plan as a share of the total (DOMAIN.md), and the work done before the year."""
    if p.anchor:  # a multi-phase base: 10–20% a year
        p.plan = p.total * (0.12 + 0.06 * rng.random())
        p.before = p.total * (0.05 + 0.1 * rng.random())
        return
    scale = math.log(p.total / 30_000.0)
    if p.category == "new":  # new small plants 30–50%, large multi-phase 10–20%
        ratio = 0.38 - 0.02 * scale + rng.gauss(0.0, 0.04)
        ratio = min(max(ratio, 0.12), 0.55)
    elif p.category == "continuing":
        ratio = 0.32 - 0.02 * scale + rng.gauss(0.0, 0.04)
        ratio = min(max(ratio, 0.12), 0.45)
    elif p.category == "completing":  # the rest of the work, finished this year
        ratio = 0.2 + 0.2 * rng.random()
    else:  # preparatory: near 0 (design and other early costs, or nothing)
        ratio = 0.0 if rng.random() < 0.4 else 0.005 + 0.015 * rng.random()
    p.plan = p.total * ratio
    if p.category == "continuing":
        p.before = p.total * (0.1 + min(0.5, 0.95 - ratio - 0.1) * rng.random())
    elif p.category == "completing":
        p.before = p.total - p.plan * (1.0 + 0.1 * rng.random())
        p.before = max(p.before, 0.0)


def _describe(p: _Project, rng: random.Random) -> None:
    units = _UNITS[p.sector]
    p.unit = units[int(rng.random() * len(units))]
    p.leader = _LEADERS[p.unit]
    templates = _NAMES[p.sector]
    template = templates[int(rng.random() * len(templates))]
    gwh = 1 + int(rng.random() * 9)
    tons = 1 + int(rng.random() * 5)
    if p.anchor:
        firm = _FIRMS[int(rng.random() * len(_FIRMS))]
        p.name = f"{firm}锂电新能源产业基地项目"
    elif p.sector == "livelihood":
        p.name = _PLACES[int(rng.random() * len(_PLACES))] + template
    else:
        firm = _FIRMS[int(rng.random() * len(_FIRMS))]
        p.name = firm + template.format(g=gwh, t=tons)
    if p.category in {"continuing", "completing"} and rng.random() < 0.3:
        p.name += "(二期)" if rng.random() < 0.5 else "(一期)"


def _register(projects: list[_Project], s: _Settings, cal: _Calendar, rng: random.Random) -> None:
    """The list is registered on its first working day; ~6% are added later (增补), all new."""
    late_window = (
        max(s.list_day + 30, cal.index(dt.date(s.year, 2, 10))),
        min(cal.index(dt.date(s.year, 4, 30)), s.end - 20),
    )
    new = [p for p in projects if p.category == "new" and not p.anchor]
    late = set()
    if late_window[0] <= late_window[1]:
        wanted = round(len(projects) * 0.06)
        rng.shuffle(new)
        late = {p.index for p in new[:wanted]}
    listed = 0
    step = 3600 / max(1, len(projects) - len(late))
    for p in projects:
        if p.index in late:
            p.reg = cal.working_day_on_or_after(_uniform_int(rng, *late_window))
            p.reg_at = p.reg * 86400 + 9 * 3600 + int(rng.random() * 1800)
        else:
            p.reg = s.list_day
            p.reg_at = s.list_day * 86400 + 8 * 3600 + 600 + int(listed * step)
            listed += 1


def _schedule(
    p: _Project, s: _Settings, cal: _Calendar, rng: random.Random, *, first_half: bool
) -> None:
    """Planned dates, earlier milestones, and the COVID stop of 2020.

    80% of the new projects plan to start in the first half (`first_half`), the rest later.
    """
    year_days = cal.days_in_year
    if p.category == "continuing":
        p.signed = _uniform_int(rng, -3 * 365, -420)
        p.started = min(p.signed + _uniform_int(rng, 30, 300), -15)
        p.planned_start = p.started - _uniform_int(rng, 0, 20)
        p.planned_completion = _uniform_int(rng, 272, 2 * year_days + 180)
    elif p.category == "completing":
        p.signed = _uniform_int(rng, -3 * 365, -500)
        p.started = min(p.signed + _uniform_int(rng, 30, 200), -100)
        p.planned_start = p.started - _uniform_int(rng, 0, 15)
        if rng.random() < 0.5:
            p.planned_completion = _uniform_int(rng, 91, 181)  # April to June
        else:
            p.planned_completion = _uniform_int(rng, 182, year_days - 1)
    elif p.category == "new":
        if first_half:
            # The campaign's push: starts planned from mid-February to June, most in Mar–May.
            month = _weighted(rng, (("2", 8), ("3", 27), ("4", 30), ("5", 22), ("6", 13)))
            first = cal.index(dt.date(s.year, int(month), 15 if month == "2" else 1))
            last = cal.index(dt.date(s.year, int(month) + 1, 1)) - 1
            p.planned_start = _uniform_int(rng, first, last)
        else:
            p.planned_start = _uniform_int(rng, 182, 304)  # July to October
        p.planned_start = max(p.planned_start, p.reg + 10)
        p.planned_completion = p.planned_start + _uniform_int(rng, 180, 900)
    else:  # preparatory: next year
        p.planned_start = year_days + _uniform_int(rng, 0, 180)
        p.planned_completion = p.planned_start + _uniform_int(rng, 365, 1000)
    if p.anchor:
        p.planned_completion = max(p.planned_completion or 0, year_days + 365)
    if s.covid:
        # Sites stop for the Spring Festival and stay shut by COVID until they resume, from
        # 10 February (Shandong's first key projects) to mid-March.
        p.pause = cal.index(dt.date(s.year, 1, 15)) + _uniform_int(rng, 0, 7)
        feb10 = cal.index(dt.date(s.year, 2, 10))
        p.resume = min(feb10 + int(rng.expovariate(1 / 11)), feb10 + 35)
        if p.reg >= p.resume:
            p.pause = p.resume = 10**6
        p.backfill = rng.random() < 0.08
    p.diligence = 0.85 + 0.25 * rng.random()
    p.funds_factor = 0.85 + 0.35 * rng.random()


def _lower_start_bound(p: _Project, s: _Settings) -> int:
    bound = p.reg + 1
    if s.covid and p.resume < 10**6:
        bound = max(bound, p.resume)
    if p.signed is not None and p.signed >= 0:
        bound = max(bound, p.signed)
    return bound


def _decide_starts(
    projects: list[_Project], s: _Settings, cal: _Calendar, rng: random.Random
) -> None:
    """New projects due by the end mostly start (开工率 70–90%); a few others start early."""
    new = [p for p in projects if p.category == "new"]
    due = [p for p in new if p.planned_start is not None and p.planned_start <= s.end]
    # Which due projects miss their start: more often the ones planned late.
    late_first = sorted(due, key=lambda p: -(p.planned_start or 0) * (0.5 + rng.random()))
    missing = {p.index for p in late_first[: round(len(due) * (0.12 + 0.16 * rng.random()))]}
    for p in new:
        assert p.planned_start is not None
        low = _lower_start_bound(p, s)
        if p.planned_start <= s.end:
            if p.index in missing or low > s.end:
                continue
            day = p.planned_start + int(rng.gauss(5.0, 12.0))
            if day > s.end:
                day = s.end - _uniform_int(rng, 0, 5)
            day = max(day, low)
            if abs(day - s.start) <= 7 and s.start >= low and rng.random() < 0.5:
                day = s.start  # 百日会战启动暨集中开工
        elif rng.random() < 0.12:
            day = max(s.end - _uniform_int(rng, 3, 40), low)
        else:
            continue
        if day > s.end:
            continue
        started = cal.working_day_on_or_after(day)
        if started > s.end:
            started = cal.working_day_on_or_before(day)
        p.started = started if low <= started <= s.end else day


def _decide_completions(
    projects: list[_Project], s: _Settings, cal: _Calendar, rng: random.Random
) -> None:
    """Projects due to complete by the end mostly do (竣工投产); a few finish early."""
    due = [
        p
        for p in projects
        if p.started is not None
        and p.planned_completion is not None
        and p.planned_completion <= s.end
    ]
    rng.shuffle(due)
    done = {p.index for p in due[: round(len(due) * (0.78 + 0.15 * rng.random()))]}
    for p in projects:
        if p.started is None or p.planned_completion is None or p.anchor:
            continue
        low = max(p.started + 30, p.resume if p.resume < 10**6 else 0, p.reg, 0)
        if p.index in done:
            day = p.planned_completion + int(rng.gauss(-3.0, 10.0))
        elif p.category == "completing" and p.planned_completion > s.end and rng.random() < 0.08:
            day = p.planned_completion - _uniform_int(rng, 10, 60)
        else:
            continue
        day = min(max(day, low), s.end)
        if day < low:
            continue
        p.completed = day
        if rng.random() < 0.7:
            production = day + _uniform_int(rng, 0, 30)
            if production <= s.end:
                p.production = production


def _decide_signatures(projects: list[_Project], s: _Settings, rng: random.Random) -> None:
    """New projects signed last year (70%) or this year before they start; some preparatory."""
    for p in projects:
        if p.category == "new":
            latest = (p.started if p.started is not None else p.planned_start or s.end) - 5
            latest = min(latest, s.end)
            if rng.random() < 0.7 or latest <= p.reg:
                p.signed = -_uniform_int(rng, 20, 240)
            else:
                p.signed = _uniform_int(rng, p.reg, latest)
        elif p.category == "preparatory":
            if rng.random() < 0.35:
                p.signed = _uniform_int(rng, p.reg + 5, min(s.end - 5, p.reg + 140))
                if p.signed > s.end:
                    p.signed = None
            elif rng.random() < 0.5:
                p.signed = -_uniform_int(rng, 30, 300)


def _last_milestone(p: _Project) -> int:
    days = [d for d in (p.signed, p.started, p.completed, p.production) if d is not None]
    return max(days) if days else -(10**6)


def _decide_terminations(projects: list[_Project], s: _Settings, rng: random.Random) -> None:
    """One or two per 54 leave the list near the end (投资方撤资), mostly ones not due to start."""
    wanted = round(len(projects) * (0.018 + 0.019 * rng.random()))

    def rank(p: _Project) -> int:
        if p.category == "preparatory" or (p.planned_start or 0) > s.end:
            return 0  # not due to start yet
        return 1 if p.started is None else 2

    candidates = [p for p in projects if not p.anchor and p.category in {"new", "preparatory"}]
    rng.shuffle(candidates)
    candidates.sort(key=rank)
    for p in candidates[:wanted]:
        low = max(p.reg + 1, _last_milestone(p), s.end - 28)
        day = _uniform_int(rng, low, s.end - 4)
        if day <= s.end:
            p.terminated = day


def _decide_performance(
    projects: list[_Project], s: _Settings, cal: _Calendar, rng: random.Random
) -> None:
    """Who is ahead, who lags and who stalls at mid-year (3–8 of 54 under half, 1–3 stalled)."""
    n = len(projects)
    eligible = [p for p in projects if p.category != "preparatory" and p.terminated is None]
    below = round(n * (0.065 + 0.055 * rng.random()))
    stalled_n = min(below, max(1 if n >= 20 else 0, round(n * (0.02 + 0.025 * rng.random()))))
    chosen: set[int] = set()
    # Stalls: projects under construction that stop (停工) in April or May.
    stallable = [
        p for p in eligible if not p.anchor and p.started is not None and p.completed is None
    ]
    rng.shuffle(stallable)
    for p in stallable:
        if len(chosen) >= stalled_n:
            break
        assert p.started is not None
        low = max(p.started + 10, (p.resume if p.resume < 10**6 else p.reg) + 20, p.reg + 20)
        high = min(s.end - 40, s.mid - 40)
        if low > high:
            continue
        p.stall = _uniform_int(rng, low, high)
        p.rho = 0.1 + 0.3 * rng.random()
        chosen.add(p.index)
    # Laggards: first the new projects that missed their start, then any others.
    missed = [
        p
        for p in eligible
        if p.category == "new"
        and p.started is None
        and p.planned_start is not None
        and p.planned_start <= s.end
        and p.index not in chosen
    ]
    missed_ids = {p.index for p in missed}
    rest = [
        p for p in eligible if p.index not in chosen and not p.anchor and p.index not in missed_ids
    ]
    rng.shuffle(missed)
    rng.shuffle(rest)
    for p in missed + rest:
        if len(chosen) >= below:
            break
        p.rho = 0.5 + 0.38 * rng.random()
        chosen.add(p.index)
    for p in projects:
        if p.index in chosen:
            continue
        if p.terminated is not None:
            p.rho = 0.4 + 0.5 * rng.random()
        elif p.category == "preparatory":
            p.rho = 1.0 + 0.4 * rng.random()
        elif p.anchor:
            p.rho = 0.99 + 0.1 * rng.random()
        else:
            p.rho = max(_HEALTHY, rng.gauss(1.04, 0.07))


def _curve(s: _Settings, cal: _Calendar) -> list[float]:
    """Share of the annual plan done on each day of the year (the portfolio's curve)."""
    monthly = _MONTHLY_2020 if s.covid else _MONTHLY_NORMAL
    first, last = (cal.index(dt.date.fromisoformat(d)) for d in _SPRING_FESTIVAL_2020)
    festival = range(first, last + 1) if s.covid else range(0)
    weights = []
    for d in range(cal.days_in_year):
        if d in festival:
            w = 0.0
        elif cal.working[d]:
            w = 1.0
        elif s.start <= d <= s.end:
            w = 0.4  # the campaign works weekends (5+2, 白+黑)
        else:
            w = 0.15
        weights.append(w)
    base = [0.0] * cal.days_in_year
    for month in range(12):
        first = cal.index(dt.date(s.year, month + 1, 1))
        last = cal.index(dt.date(s.year, month + 2, 1)) if month < 11 else cal.days_in_year
        total = sum(weights[first:last])
        for d in range(first, last):
            base[d] = monthly[month] / 100 * weights[d] / total if total else 0.0
    return base


def _segments(p: _Project) -> list[tuple[int, float]]:
    """How much of its daily share a project works, as (from day, factor) steps."""
    cuts = {p.reg, p.pause, p.resume}
    for day in (p.started, p.completed, p.production):
        if day is not None:
            cuts.add(day)
    if p.stall is not None:
        cuts.add(p.stall)
    if p.terminated is not None:
        cuts.add(p.terminated + 1)
    steps: list[tuple[int, float]] = []
    for day in sorted(c for c in cuts if c >= p.reg):
        steps.append((day, _factor_on(p, day)))
    return steps


def _factor_on(p: _Project, d: int) -> float:
    """The share of its daily work a project does on day d."""
    if (
        p.pause <= d < p.resume
        or (p.stall is not None and d >= p.stall)
        or (p.terminated is not None and d > p.terminated)
    ):
        return 0.0
    if p.category == "new" and (p.started is None or d < p.started):
        return 0.3  # before the start: land, design, deposits
    if p.production is not None and d >= p.production:
        return 0.15  # in production: the last payments
    return 0.3 if p.completed is not None and d >= p.completed else 1.0


def _integral(segments: list[tuple[int, float]], prefix: list[float], upto: int) -> float:
    """The sum of factor × curve over the days from the first step through `upto`."""
    total = 0.0
    for i, (day, factor) in enumerate(segments):
        if day > upto:
            break
        stop = segments[i + 1][0] if i + 1 < len(segments) else upto + 1
        stop = min(stop, upto + 1)
        if factor and stop > day:
            total += factor * (prefix[stop] - prefix[day])
    return total


def _calibrate_pace(
    projects: list[_Project], s: _Settings, rng: random.Random, at_mid: float
) -> None:
    """Nudge the healthy projects' pace so that the zone is just over half at mid-year (52–56%).

    Real mid-year reports show a zone just past 双过半 (DOMAIN.md); the laggards and stalled
    projects keep their pace, and a healthy project never drops under half.
    """
    listed = [p for p in projects if p.terminated is None and p.plan > 0]
    plan = sum(p.plan for p in listed)
    if not plan:
        return
    wanted = (0.52 + 0.04 * rng.random()) / at_mid * plan
    healthy = [p for p in listed if p.rho >= _HEALTHY]
    fixed = sum(p.plan * p.rho for p in listed if p.rho < _HEALTHY)

    def done(factor: float) -> float:
        return fixed + sum(p.plan * max(_HEALTHY, p.rho * factor) for p in healthy)

    low, high = 0.5, 2.0
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if done(middle) < wanted else (low, middle)
    for p in healthy:
        p.rho = max(_HEALTHY, p.rho * low)


def _calibrate_sizes(projects: list[_Project], rng: random.Random, at_mid: float) -> None:
    """Size the list to the zone's goal: mid-year investment 49–52% of fixed-asset investment.

    The anchor (50–200亿, the widest range) takes up the difference first; the other projects
    are scaled only by what is left, so their drawn sizes mostly stay as drawn.
    """
    goal = _goals(len(projects))["fixed_asset_investment"] * (0.49 + 0.03 * rng.random())
    anchors = [p for p in projects if p.anchor]
    others = [p for p in projects if not p.anchor]
    rest = sum(p.plan * p.rho * at_mid for p in others)
    unit = sum(p.plan * p.rho * at_mid for p in anchors)
    if unit > 0:
        factor = min(max((goal - rest) / unit, 0.7), 1.3)
        for p in anchors:
            total = min(max(p.total * factor, _ANCHOR_LIMITS[0]), _ANCHOR_LIMITS[1])
            _rescale(p, total / p.total)
    left = goal - sum(p.plan * p.rho * at_mid for p in anchors)
    if rest > 0 and left > 0:
        for p in others:
            _rescale(p, min(left / rest, _SIZE_RANGE[1] / p.total))
    for p in projects:
        p.total = max(round(p.total / 100) * 100, 600.0)
        p.plan = min(round(p.plan / 10) * 10, p.total)
        p.before = min(p.before, p.total - p.plan)


def _rescale(p: _Project, factor: float) -> None:
    p.total *= factor
    p.plan *= factor
    p.before *= factor


def _goals(n: int) -> dict[str, float]:
    """The zone's targets for 54 projects (DOMAIN.md), scaled to n projects."""
    scale = n / REFERENCE_PROJECTS
    return {
        "industrial_projects_started": max(1, round(20 * scale)),
        "factory_area_started_m2": max(100, round(200_000 * scale / 100) * 100),
        "fixed_asset_investment": max(10_000, round(1_000_000 * scale / 10_000) * 10_000),
        "tech_renovation_projects": max(1, round(21 * scale)),
        "tech_renovation_investment": max(100, round(250_000 * scale / 100) * 100),
    }


def _flag(projects: list[_Project], s: _Settings, rng: random.Random) -> None:
    """Industrial, tech-renovation (双千) and factory-area flags, calibrated to the targets.

    At mid-year a real report shows about half of each count and area target done. Flagged 技改
    projects: 52–62% of the target's count, big enough to carry just over 40% of the list's
    investment. Standard factories: the new industrial projects that start by mid-year build
    52–60% of the area target.
    """
    goals = _goals(len(projects))
    for p in projects:
        p.industrial = p.sector in _INDUSTRIAL
    # Tech renovation: existing enterprises' upgrades, the big ones first until the share holds.
    wanted = round(goals["tech_renovation_projects"] * (0.52 + 0.1 * rng.random()))
    candidates = [
        p
        for p in projects
        if p.industrial
        and not p.anchor
        and p.category != "preparatory"
        and p.terminated is None
        and p.total >= 500
    ]
    listed_ytd = sum(p.plan * p.rho for p in projects if p.terminated is None)
    share_goal = 0.405 + 0.025 * rng.random()
    by_size = sorted(candidates, key=lambda p: -p.plan * p.rho)
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    # When even the biggest ones cannot carry the share, flag a few more (up to 85% of the goal).
    cap = min(len(candidates), max(wanted, round(goals["tech_renovation_projects"] * 0.85)))
    wanted = min(wanted, len(candidates))
    biggest = sum(p.plan * p.rho for p in by_size[:wanted])
    while wanted < cap and biggest < share_goal * listed_ytd:
        biggest += by_size[wanted].plan * by_size[wanted].rho
        wanted += 1

    def pick(top: int) -> list[_Project]:
        head = by_size[:top]
        chosen = {p.index for p in head}
        tail = [p for p in shuffled if p.index not in chosen][: wanted - top]
        return head + tail

    low, high = 0, wanted
    while low < high:  # the fewest "big ones first" that reach the share
        middle = (low + high) // 2
        share = sum(p.plan * p.rho for p in pick(middle)) / listed_ytd if listed_ytd else 0
        if share >= share_goal:
            high = middle
        else:
            low = middle + 1
    for p in pick(low):
        p.tr = True
    # Standard factories: most new industrial projects build some.
    builders = [p for p in projects if p.category == "new" and p.industrial]
    weights: dict[int, float] = {}
    for p in builders:
        if rng.random() < 0.75:
            weights[p.index] = math.sqrt(p.total) * (0.7 + 0.6 * rng.random())
    cutoff = min(s.end, s.mid)
    started = sum(
        w
        for p in builders
        if (w := weights.get(p.index)) and p.started is not None and p.started <= cutoff
    )
    if started > 0:
        area_per_weight = goals["factory_area_started_m2"] * (0.52 + 0.08 * rng.random()) / started
    else:
        area_per_weight = 8.0
    for p in builders:
        w = weights.get(p.index)
        if w:
            p.factory_area = max(1000, round(w * area_per_weight / 100) * 100)


def _decide_revisions(
    projects: list[_Project], s: _Settings, cal: _Calendar, rng: random.Random
) -> None:
    """Mid-year plan revisions (年中调整) for 4–8% of the list, late in the campaign."""
    wanted = round(len(projects) * (0.04 + 0.04 * rng.random()))
    candidates = [
        p
        for p in projects
        if p.category != "preparatory" and p.terminated is None and p.stall is None and p.plan > 0
    ]
    rng.shuffle(candidates)
    for p in candidates[:wanted]:
        day = cal.working_day_on_or_before(_uniform_int(rng, s.end - 20, s.end - 3))
        if day < p.reg:
            continue
        if p.rho >= 1.15 and rng.random() < 0.5:
            plan = min(p.plan * (1.05 + 0.07 * rng.random()), p.total)
            reason = "年中调整: 进度超前, 调增年度计划"
        else:
            plan = p.plan * (0.75 + 0.15 * rng.random())
            reason = (
                "年中调整: 受疫情影响, 调减年度计划"
                if s.covid
                else "年中调整: 二期推迟至明年, 调减年度计划"
            )
        p.revision = (day, round(plan / 10) * 10, reason)


def _finish(p: _Project, s: _Settings, cal: _Calendar, prefix: list[float]) -> None:
    """The daily work factor, its scale, the milestones to record, and the crew size."""
    p.segments = _segments(p)
    plan = p.plan if p.plan > 0 else p.total * 0.004
    target = plan * p.rho * prefix[s.mid + 1]
    weight = _integral(p.segments, prefix, s.mid)
    if weight <= 0:  # nothing to do before mid-year: scale on the year instead
        weight = _integral(p.segments, prefix, cal.days_in_year - 1)
        target = plan * p.rho
    p.k = target / weight if weight > 0 else 0.0
    p.last_day = min(s.end, p.terminated if p.terminated is not None else s.end)
    milestones = (
        (p.signed, "signed"),
        (p.started, "started"),
        (p.completed, "completed"),
        (p.production, "production"),
    )
    p.milestones = [(d, m) for d, m in milestones if d is not None]
    p.crew = max(8, min(3000, round(2.5 * math.sqrt(max(p.plan, 100.0)))))


def _prefix(values: list[float]) -> list[float]:
    out = [0.0]
    for v in values:
        out.append(out[-1] + v)
    return out


# -------------------------------------------------------------------------------- the lines


def _money(x: float) -> int | float:
    """万元 with at most two decimals, as a JSON number (whole amounts without a fraction)."""
    return _from_cents(round(x * 100))


def _from_cents(cents: int) -> int | float:
    # cents / 100 is the double nearest the 2-place decimal, and prints as exactly that decimal.
    return cents // 100 if cents % 100 == 0 else cents / 100


_CHUNK = 1024


class _Out:
    """Lines wait here, keyed by recorded time, until the day they were recorded is over."""

    def __init__(self, handle: IO[str], cal: _Calendar) -> None:
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
            if len(chunk) == _CHUNK:
                self._write(chunk)
                chunk = []
        if chunk:
            self._write(chunk)

    def _write(self, chunk: list[str]) -> None:
        self.handle.write("\n".join(chunk) + "\n")
        self.lines += len(chunk)


class _Simulation:
    """One block's campaign, day by day: work accrues, teams report, requests are handled."""

    def __init__(
        self,
        s: _Settings,
        cal: _Calendar,
        rng: random.Random,
        projects: list[_Project],
        base: list[float],
    ) -> None:
        self.s = s
        self.cal = cal
        self.rng = rng
        self.projects = projects
        self.base = base
        self.out: _Out
        self.reports = 0
        self.requests = 0

    # ------------------------------------------------------------------ the whole scenario

    def run(self, handle: IO[str], *, first: bool) -> GenerateReport:
        """Write this block's lines in recorded-time order; the first block opens the campaign."""
        s, cal = self.s, self.cal
        self.out = _Out(handle, cal)
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
        holidays, workdays = _official_days(s.year)
        checkpoints = [d for d in range(s.start, s.end + 1) if cal.month_end(d)]
        if s.end not in checkpoints:
            checkpoints.append(s.end)
        goals = _goals(s.projects)
        labels = (
            ("亿元以上工业项目开工", "industrial_projects_started"),
            ("标准厂房开工面积(m²)", "factory_area_started_m2"),
            ("固定资产投资(万元)", "fixed_asset_investment"),
            ("500万元以上技改项目(双千)", "tech_renovation_projects"),
            ("技改投资(万元)", "tech_renovation_investment"),
        )
        targets: list[dict[str, Any]] = [
            {"name": name, "kind": kind, "goal": goals[kind]} for name, kind in labels
        ]
        targets.append({"name": "技改投资占比", "kind": "tech_renovation_share", "goal": "0.4"})
        reference = s.projects == REFERENCE_PROJECTS and s.seed == REFERENCE_SEED
        name = f"枣庄高新区重点项目百日会战 {s.year}"
        if not reference:
            name += f" (模拟: {s.projects} 个项目, seed {s.seed})"
        self.out.emit(
            s.list_day * 86400 + 8 * 3600,
            "open_campaign",
            _OFFICE,
            {
                "name": name,
                "year": s.year,
                "start": cal.iso(s.start),
                "end": cal.iso(s.end),
                "checkpoints": [cal.iso(d) for d in checkpoints],
                "holidays": holidays,
                "workdays": workdays,
                "sla_days": _SLA_DAYS,
                "targets": targets,
                "lights": {"green": "0.8", "yellow": "0.6"},
                "timezone": "Asia/Shanghai",
            },
        )

    def _register(self, p: _Project) -> None:
        cal = self.cal
        fields: dict[str, Any] = {
            "code": p.code,
            "name": p.name,
            "sector": p.sector,
            "category": p.category,
            "unit": p.unit,
            "leader": p.leader,
            "total_investment": _money(p.total),
            "annual_plan": _money(p.plan),
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
        self.out.emit(p.reg_at, "register_project", _OFFICE, fields)
        # Milestones already reached (last year's, or before the project joined the list).
        at = p.reg_at
        while p.ms_next < len(p.milestones) and p.milestones[p.ms_next][0] <= p.reg:
            day, milestone = p.milestones[p.ms_next]
            at += 2
            self.out.emit(
                at,
                "reach_milestone",
                _OFFICE,
                {"code": p.code, "milestone": milestone, "date": cal.iso(day)},
            )
            p.ms_next += 1
        p.last_ms_at = at

    # -------------------------------------------------------------------- one project-day

    def _day(self, p: _Project, d: int, working: bool, month_end: bool) -> None:
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

    def _milestones(self, p: _Project, d: int) -> None:
        rng = self.rng
        late = rng.random() < 0.15
        at = d * 86400 + (
            _uniform_int(rng, 1, 3) * 86400 + 9 * 3600 + int(rng.random() * 7200)
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

    def _revise(self, p: _Project, d: int) -> None:
        assert p.revision is not None
        _, plan, reason = p.revision
        at = d * 86400 + 9 * 3600 + 1800 + int(self.rng.random() * 7200)
        self.out.emit(
            at,
            "revise_plan",
            _OFFICE,
            {
                "code": p.code,
                "annual_plan": _money(plan),
                "date": self.cal.iso(d),
                "reason": reason,
            },
        )

    def _terminate(self, p: _Project, d: int) -> None:
        at = d * 86400 + 10 * 3600 + int(self.rng.random() * 7200)
        reason = "投资方调整战略, 项目退出" if p.category == "new" else "前期论证未通过, 项目退出"
        self.out.emit(
            at,
            "terminate_project",
            _OFFICE,
            {"code": p.code, "date": self.cal.iso(d), "reason": reason},
        )

    # -------------------------------------------------------------------------- reports

    def _maybe_report(self, p: _Project, d: int, working: bool, month_end: bool) -> None:
        stalled = p.stall is not None and d >= p.stall
        if self._reports_on(p, d, working, month_end, stalled):
            self._report(p, d, stalled)

    def _reports_on(
        self, p: _Project, d: int, working: bool, month_end: bool, stalled: bool
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

    def _report(self, p: _Project, d: int, stalled: bool) -> None:
        rng, cal = self.rng, self.cal
        cents = round(p.pending * 100)
        p.pending -= cents / 100
        p.cum += cents / 100
        fields: dict[str, Any] = {
            "code": p.code,
            "date": cal.iso(d),
            "investment": _from_cents(cents),
        }
        month_end = cal.month_end(d)
        if p.pending_funds > 0 and (month_end or rng.random() < 0.35):
            fields["funds"] = _money(p.pending_funds)
            p.pending_funds = 0.0
        phase = self._phase(p, d)
        if phase != "pre" and (month_end or rng.random() < 0.5):
            fields["physical_pct"] = self._physical(p, d)
        if not stalled and (month_end or rng.random() < 0.6):
            fields["workers"] = self._workers(p, d, phase)
        at, note = self._recorded(p, d)
        if stalled:
            note = "停工: " + _STALL_REASONS[p.index % len(_STALL_REASONS)]
        elif note is None and d == p.resume:
            note = "复工复产, 防疫措施落实到位"
        elif note is None and rng.random() < 0.06:
            notes = _WORK_NOTES[phase]
            note = notes[int(rng.random() * len(notes))]
        if note is not None:
            fields["note"] = note
        self.out.emit(at, "report_progress", p.actor, fields)
        self.reports += 1
        u = rng.random()
        if u < 0.002:  # sent twice (a retry): identical, so the engine appends nothing
            self.out.emit(at + _uniform_int(rng, 120, 900), "report_progress", p.actor, fields)
        elif u < 0.008 and cents > 0:
            self._correct(p, d, at, cents, fields)

    def _recorded(self, p: _Project, d: int) -> tuple[int, str | None]:
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
            late = _uniform_int(rng, 2, 6)
            return (d + late) * 86400 + 8 * 3600 + int(rng.random() * 9 * 3600), "迟报"
        late = _uniform_int(rng, 7, 20)
        return (d + late) * 86400 + 9 * 3600 + int(rng.random() * 8 * 3600), "迟报: 补录"

    def _correct(self, p: _Project, d: int, at: int, cents: int, fields: dict[str, Any]) -> None:
        rng = self.rng
        day = at // 86400 + _uniform_int(rng, 1, 10)
        later = day * 86400 + 9 * 3600 + int(rng.random() * 8 * 3600)
        fixed = round(cents * (0.8 + 0.28 * rng.random()))
        p.cum += (fixed - cents) / 100
        correction: dict[str, Any] = {
            "code": p.code,
            "date": fields["date"],
            "investment": _from_cents(fixed),
        }
        if "funds" in fields and rng.random() < 0.3:
            correction["funds"] = _money(float(fields["funds"]) * (0.9 + 0.2 * rng.random()))
        correction["reason"] = _CORRECTION_REASONS[int(rng.random() * len(_CORRECTION_REASONS))]
        self.out.emit(later, "correct_progress", p.actor, correction)

    def _phase(self, p: _Project, d: int) -> str:
        if p.is_new_before_start(d):
            return "pre"
        if p.completed is not None and d >= p.completed:
            return "after"
        return "build"

    def _physical(self, p: _Project, d: int) -> float:
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

    def _workers(self, p: _Project, d: int, phase: str) -> int:
        rng = self.rng
        scale = 0.15 if phase == "pre" else 0.35 if phase == "after" else 1.0
        if d >= p.resume:
            scale *= min(1.0, 0.4 + 0.6 * (d - p.resume) / 25)
        return max(2, int(p.crew * scale * (0.85 + 0.25 * rng.random())))

    # ------------------------------------------------------------------ factor requests

    def _maybe_file(self, p: _Project, d: int, covid_stop: bool) -> None:
        rng, s = self.rng, self.s
        if covid_stop:  # labour and logistics while sites are shut (2020)
            rate, mix = 0.3, _MIX_COVID
        elif p.stall is not None and d >= p.stall:
            rate, mix = 0.35, _MIX_BUILD
        elif p.is_new_before_start(d):
            rate, mix = 0.7, _MIX_PRE
        elif p.completed is not None or (
            p.planned_completion is not None and p.planned_completion - d <= 120
        ):
            rate, mix = 0.55, _MIX_PREPRODUCTION
        else:
            rate, mix = 0.35, _MIX_BUILD
        if rng.random() >= rate * s.density / 21.0:
            return
        self._file(p, d, _weighted(rng, mix))

    def _file(self, p: _Project, d: int, category: str) -> None:
        rng, cal, s, out = self.rng, self.cal, self.s, self.out
        p.requests += 1
        self.requests += 1
        ref = f"{p.code}-R{p.requests:02d}"
        details = _DETAIL[category]
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
        handler = _HANDLER[category]
        sla = _SLA_DAYS[category]
        due = cal.nth_working_day_after(d, sla)
        median, sigma = _RESOLUTION[category]
        days = rng.lognormvariate(math.log(median * sla), sigma)
        if category in _LONG_TAIL and rng.random() < 0.08:
            days *= 3.0
        resolved = cal.nth_working_day_after(d, max(1, round(days)))
        outcome, note = "fulfilled", _FULFILLED[category]
        if rng.random() < 0.06:
            outcome, note = "rejected", "不符合政策条件, 已书面答复"
        stop = s.end if p.terminated is None else min(s.end, p.terminated)
        steps: list[tuple[int, int, str, dict[str, Any]]] = []  # (day, hour, cmd, fields)
        # Extension: asked for near the due date when the handling will clearly take longer.
        if resolved > due and rng.random() < (0.6 if category in _EXTEND_REASON else 0.35):
            day = max(d, cal.working_day_on_or_before(due - _uniform_int(rng, 0, 3)))
            due = cal.nth_working_day_after(due, max(1, round(sla * (0.5 + 0.5 * rng.random()))))
            if day <= stop:
                reason = _EXTEND_REASON.get(category, "需上级部门审批, 申请延期")
                steps.append((day, 10, "extend_factor", {"due": cal.iso(due), "reason": reason}))
        # Escalations (督办) while it stays overdue.
        if resolved > due:
            afters = (_uniform_int(rng, 1, 3), _uniform_int(rng, 6, 8), 16)
            chances = (0.75, 0.6, 0.5)
            for (level, note_text), after, chance in zip(_ESCALATION, afters, chances, strict=True):
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
            actor = _SUPERVISION if cmd == "escalate_factor" else handler
            out.emit(when, cmd, actor, {"ref": ref, **fields, "date": cal.iso(day)})
            last = when


# ------------------------------------------------------------------------------ the entry


def generate(
    handle: IO[str],
    *,
    projects: int,
    seed: int,
    year: int = 2020,
    start: dt.date | None = None,
    end: dt.date | None = None,
    density: float = 1.0,
) -> GenerateReport:
    """Write a simulated campaign of `projects` key projects to `handle`, streamed.

    `start`/`end` default to the hundred days ending 30 June; `density` scales how often teams
    report and file requests (1 = the reference). The same arguments give the same bytes.
    Raises ValueError for arguments no campaign can have.
    """
    holidays, workdays = _official_days(year)
    cal = _Calendar(year, holidays, workdays)
    s = _settings(cal, projects=projects, seed=seed, start=start, end=end, density=density)
    base = _curve(s, cal)
    prefix = _prefix(base)
    count = -(-projects // BLOCK)
    blocks = [range(projects * b // count, projects * (b + 1) // count) for b in range(count)]

    def run_block(b: int, out: IO[str]) -> GenerateReport:
        rng = random.Random(seed if b == 0 else f"{seed}:{b}")
        planned = _plan_projects(s, cal, rng, prefix, blocks[b])
        return _Simulation(s, cal, rng, planned, base).run(out, first=b == 0)

    if count == 1:
        return run_block(0, handle)
    # Each block is written, in recorded-time order, to a file of its own; then the files are
    # merged on the recorded time that opens every line (one offset, so text order is time
    # order; equal times keep block order).
    reports = []
    with tempfile.TemporaryDirectory(prefix="campaign-scenario-") as folder:
        paths = [Path(folder) / f"block-{b:05d}.jsonl" for b in range(count)]
        for b, path in enumerate(paths):
            with path.open("w", encoding="utf-8", newline="\n") as part:
                reports.append(run_block(b, part))
        with ExitStack() as stack:
            parts = [stack.enter_context(p.open(encoding="utf-8", newline="\n")) for p in paths]
            handle.writelines(heapq.merge(*parts, key=_recorded_text))
    return GenerateReport(
        lines=sum(r.lines for r in reports),
        projects=projects,
        reports=sum(r.reports for r in reports),
        factor_requests=sum(r.factor_requests for r in reports),
    )


def _recorded_text(line: str) -> str:
    return line[7:32]  # {"at":"2020-01-02T08:00:00+08:00",...

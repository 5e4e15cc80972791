"""The look-ups' tables for people (the project list, a project's card, the factor requests,
未报送), in Chinese, on 80 columns.

A row stays on one line: free text is shortened, never codes or figures, and lines carry no
trailing blanks (`cli.tables`, which the checkpoint's tables share).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from campaign.domain.vocabulary import (
    CATEGORY_LABELS,
    FACTOR_CATEGORY_LABELS,
    SECTOR_LABELS,
    STAGE_LABELS,
    Category,
    FactorCategory,
    Sector,
    Stage,
)
from campaign.report.words import against_time, reason
from cli.tables import Column, emit, fitted, head_lines

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


LIGHT_LABELS = {"green": "绿", "yellow": "黄", "red": "红", "na": "—"}
LIGHT_STYLES = {"green": "green", "yellow": "yellow", "red": "bold red", "na": "dim"}
STATUS_LABELS = {"open": "在办", "fulfilled": "办结", "rejected": "驳回"}
MILESTONE_LABELS = {"signed": "签约", "started": "开工", "completed": "竣工", "production": "投产"}
NONE = "—"


def _t(value: Any, style: str = "") -> Text:
    return Text("" if value is None else str(value), style=style)


def _wan(value: float | None) -> str:
    """万元 rounded to whole 万 with separators (a list's width; the card keeps cents)."""
    return NONE if value is None else f"{value:,.0f}"


def _wan2(value: float | None) -> str:
    return NONE if value is None else f"{value:,.2f}"


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.2f}%"


def _day(date: str | None) -> str:
    """A date of the campaign year, short: MM-DD."""
    return NONE if date is None else date[5:]


def _light(light: str) -> Text:
    return Text(LIGHT_LABELS[light], style=LIGHT_STYLES[light])


def _label(labels: dict[Any, str], kind: Any, value: str) -> str:
    try:
        return labels[kind(value)]
    except ValueError:
        return value


def sector_label(value: str) -> str:
    return _label(SECTOR_LABELS, Sector, value)


def category_label(value: str) -> str:
    return _label(CATEGORY_LABELS, Category, value)


def stage_label(value: str) -> str:
    return _label(STAGE_LABELS, Stage, value)


def factor_label(value: str) -> str:
    return _label(FACTOR_CATEGORY_LABELS, FactorCategory, value)


def _view(doc: dict[str, Any]) -> str:
    known = f", 截至 {doc['known_at']} 所知" if doc.get("known_at") else ""
    return f"{doc['as_of']}{known}"


FILTERS: dict[str, tuple[str, Any]] = {
    "unit": ("单位", str),
    "sector": ("行业", sector_label),
    "stage": ("阶段", stage_label),
    "project": ("项目", str),
    "category": ("要素", factor_label),
    "open": ("在办", None),
    "overdue": ("逾期", None),
}


def _filters(filters: dict[str, Any]) -> str:
    """The filters given, in Chinese: " (筛选: 单位 区招商局、阶段 开工)"; "" for none."""
    shown = []
    for key, value in filters.items():
        label, show = FILTERS[key]
        if value is True:
            shown.append(label)
        elif value is not None and value is not False:
            shown.append(f"{label} {show(value)}")
    return f" (筛选: {'、'.join(shown)})" if shown else ""


def _receipt(doc: dict[str, Any]) -> list[Text]:
    r = doc["receipt"]
    return [
        Text(f"receipt  position {r['position']}, engine {r['engine_version']}", style="dim"),
        Text(f"digest   {r['digest']}", style="dim"),
        Text(f"state    {r['state_hash']}", style="dim"),
        *(Text(line, style="dim") for line in head_lines(r, "en")),
    ]


# ------------------------------------------------------------------------------- tables


def print_project_list(doc: dict[str, Any], console: Console) -> None:
    columns = [
        Column("代码"),
        Column("项目", shortest=8),
        Column("单位", shortest=6),
        Column("领导", shortest=4),
        Column("行业"),
        Column("类别"),
        Column("阶段"),
        Column("计划", right=True),
        Column("累计", right=True),
        Column("完成率", right=True),
        Column("灯"),
        Column("报送"),
    ]
    rows = []
    for p in doc["projects"]:
        style = "" if p["listed"] else "dim"
        rows.append(
            [
                _t(p["code"], style),
                _t(p["name"], style),
                _t(p["unit"], style),
                _t(p["leader"], style),
                _t(sector_label(p["sector"]), style),
                _t(category_label(p["category"]), style),
                _t(stage_label(p["stage"]), style),
                _t(_wan(p["annual_plan"]), style),
                _t(_wan(p["ytd_investment"]), style),
                _t(_pct(p["investment_rate"]), style),
                _light(p["light"]),
                _t(_day(p["last_reported_on"]), style),
            ]
        )
    listed = sum(1 for p in doc["projects"] if p["listed"])
    terminated = len(doc["projects"]) - listed
    filters = _filters(doc["filters"])
    emit(
        console,
        Text(f"{doc['campaign']} — 项目 {_view(doc)}", style="bold"),
        Text(f"在列 {listed} 个" + (f", 终止 {terminated} 个" if terminated else "") + filters),
        fitted(columns, rows, console.width),
        Text("计划: 在用的年度计划; 累计: 年初至今完成投资 (万元); 报送: 最近报送日"),
        *_receipt(doc),
    )


def print_project_card(doc: dict[str, Any], console: Console) -> None:
    p = doc["project"]
    card = Table.grid(padding=(0, 2))
    card.add_column(no_wrap=True)
    card.add_column(overflow="fold")

    def line(label: str, value: str | Text) -> None:
        card.add_row(Text(label, style="bold"), value)

    line("单位 / 领导", f"{p['unit']} / {p['leader']}")
    line(
        "行业 / 类别",
        f"{sector_label(p['sector'])} / {category_label(p['category'])}, 阶段 "
        f"{stage_label(p['stage'])}",
    )
    registered = f"{p['registered_on']}, 总投资 {_wan2(p['total_investment'])} 万元"
    if p["terminated_on"]:
        registered += f", {p['terminated_on']} 终止"
    line("登记", registered)
    line("计划开工 / 竣工", f"{p['planned_start'] or NONE} / {p['planned_completion'] or NONE}")
    flags = [
        name
        for name, given in (("工业项目", p["industrial"]), ("技改项目", p["tech_renovation"]))
        if given
    ]
    if p["factory_area_m2"]:
        flags.append(f"标准厂房 {p['factory_area_m2']:,.2f} m²")
    if flags:
        line("标记", "、".join(flags))
    plan = f"{_wan2(p['annual_plan'])} 万元"
    if p["plan_revisions"]:
        changes = "; ".join(
            f"{r['date']} 调整为 {_wan2(r['annual_plan'])}" for r in p["plan_revisions"]
        )
        plan += f" (登记 {_wan2(p['registered_plan'])}; {changes})"
    line("年度计划", plan)
    done = f"{_wan2(p['ytd_investment'])} 万元, 完成率 {_pct(p['investment_rate'])}"
    if p["gap_pp"] is not None:
        done += f", {against_time(p['gap_pp'])}, 为序时进度的 {_pct(p['spi'])}"
    line("累计完成", done + f" (序时进度 {_pct(doc['time_progress'])})")
    line("资金到位", f"{_wan2(p['ytd_funds'])} 万元")
    rank = "" if p["rank"] is None else f" (在列项目排名第 {p['rank']})"
    line("灯", Text.assemble(_light(p["light"]), rank))
    for i, why in enumerate(p["reasons"]):  # one a line: each reads whole at 80 columns
        line("原因" if i == 0 else "", reason(why))
    milestones = ", ".join(f"{MILESTONE_LABELS[m]} {d}" for m, d in p["milestones"].items())
    line("里程碑", milestones or NONE)
    if p["start_overdue_days"]:
        line("开工逾期", f"{p['start_overdue_days']} 天")
    line("形象进度", NONE if p["physical_pct"] is None else f"{p['physical_pct']:g}%")
    line(
        "报送",
        f"最近 {p['last_reported_on'] or NONE}, 年初至今 {p['days_reported']} 天有报送",
    )
    line(
        "要素",
        f"提出 {p['filed_factors']}, 办结 {p['resolved_factors']}, 在办 {p['open_factors']}, "
        f"逾期 {p['overdue_factors']}",
    )
    renderables: list[RenderableType] = [
        Text(f"{p['code']} {p['name']} — {_view(doc)}", style="bold"),
        card,
    ]
    if p["open_requests"]:
        columns = [
            Column("编号"),
            Column("要素"),
            Column("事项", shortest=8),
            Column("提出"),
            Column("期限"),
            Column("逾期", right=True),
            Column("督办", right=True),
        ]
        rows = [
            [
                _t(r["id"]),
                _t(factor_label(r["category"])),
                _t(r["detail"]),
                _t(_day(r["filed_on"])),
                _t(_day(r["due"])),
                _t(r["overdue_wd"] or "", "bold red" if r["overdue_wd"] >= 6 else ""),
                _t(r["escalation_level"] or ""),
            ]
            for r in p["open_requests"]
        ]
        renderables += [Text("在办要素", style="bold"), fitted(columns, rows, console.width)]
    emit(console, *renderables, *_receipt(doc))


def print_factor_list(doc: dict[str, Any], console: Console) -> None:
    columns = [
        Column("编号"),
        Column("项目"),
        Column("单位", shortest=4),
        Column("要素"),
        Column("事项", shortest=6),
        Column("提出"),
        Column("期限"),
        Column("状态"),
        Column("逾期", right=True),
        Column("督办", right=True),
    ]
    rows = []
    for r in doc["requests"]:
        status = r["outcome"] if r["status"] == "resolved" else "open"
        rows.append(
            [
                _t(r["id"]),
                _t(r["code"]),
                _t(r["unit"]),
                _t(factor_label(r["category"])),
                _t(r["detail"]),
                _t(_day(r["filed_on"])),
                _t(_day(r["due"])),
                _t(STATUS_LABELS[status], "dim" if status != "open" else ""),
                _t(r["overdue_wd"] or "", "bold red" if r["overdue_wd"] >= 6 else ""),
                _t(r["escalation_level"] or ""),
            ]
        )
    open_count = sum(1 for r in doc["requests"] if r["status"] == "open")
    emit(
        console,
        Text(f"{doc['campaign']} — 要素保障 {_view(doc)}", style="bold"),
        Text(f"{len(doc['requests'])} 件, 在办 {open_count} 件" + _filters(doc["filters"])),
        fitted(columns, rows, console.width),
        Text("期限 = 当日有效的办理期限; 逾期 = 超期工作日; 督办 = 督办级别 (1-3)"),
        *_receipt(doc),
    )


def print_missing(doc: dict[str, Any], console: Console) -> None:
    columns = [
        Column("单位", shortest=6),
        Column("代码"),
        Column("项目", shortest=8),
        Column("领导", shortest=4),
        Column("最近报送"),
    ]
    rows = []
    previous = None
    for p in doc["projects"]:
        rows.append(
            [
                _t(p["unit"] if p["unit"] != previous else ""),
                _t(p["code"]),
                _t(p["name"]),
                _t(p["leader"]),
                _t(p["last_reported_on"] or "从未报送"),
            ]
        )
        previous = p["unit"]
    if doc["since"] == doc["as_of"]:
        period = doc["as_of"] + ("" if doc["working_days"] else " (休息日)")
    else:
        period = f"{doc['since']} 至 {doc['as_of']} ({doc['working_days']} 个工作日)"
    known = f", 截至 {doc['known_at']} 所知" if doc.get("known_at") else ""
    missing = len(doc["projects"])
    unit = doc["filters"]["unit"]
    emit(
        console,
        Text(f"{doc['campaign']} — 未报送 {period}{known}", style="bold"),
        Text(
            f"在列 {doc['listed']} 个项目{f' ({unit})' if unit else ''}: 已报送 "
            f"{doc['reported']}, 未报送 {missing}"
        ),
        *([fitted(columns, rows, console.width)] if rows else []),
        *_receipt(doc),
    )

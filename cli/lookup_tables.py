"""The look-ups' tables for people (the project list, a project's card, the factor requests,
未报送) and the projects' states (`campaign replay`), in Chinese, on 80 columns.

A row stays on one line: free text is shortened, never codes or figures, and lines carry no
trailing blanks (`cli.tables`, which the checkpoint's tables share). On a narrow console a list
leaves out its least useful columns rather than cut every name to a character or two, and
says which (`cli.tables.narrowed`); a project's state is wrapped, never cut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from campaign.domain.vocabulary import (
    CATEGORY_LABELS,
    FACTOR_CATEGORY_LABELS,
    MILESTONE_LABELS,
    SECTOR_LABELS,
    STAGE_LABELS,
    Category,
    FactorCategory,
    Sector,
    Stage,
)
from campaign.report.words import against_time, reason
from cli.tables import (
    Column,
    emit,
    emit_lines,
    fitted,
    hidden_note,
    narrowed,
    packed,
    receipt_lines,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from cli.tables import Cell


LIGHT_LABELS = {"green": "绿", "yellow": "黄", "red": "红", "na": "—"}
LIGHT_STYLES = {"green": "green", "yellow": "yellow", "red": "bold red", "na": "dim"}
STATUS_LABELS = {"open": "在办", "fulfilled": "办结", "rejected": "驳回"}
NONE = "—"
NAME = 17
"""The narrowest a name or a detail is shortened to: eight Chinese characters and "…"."""
UNIT = 9
"""The narrowest a unit or a leader is shortened to: four Chinese characters and "…"."""


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
    "sector": ("领域", sector_label),
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
    return [Text(line, style="dim") for line in receipt_lines(doc["receipt"])]


def _table(columns: list[Column], rows: list[list[Text]], width: int) -> list[RenderableType]:
    """The table at `width`, its least useful columns left out if it must be, and the line
    that says which."""
    narrow = narrowed(columns, rows, width)
    note = hidden_note(narrow)
    table = fitted(narrow.columns, narrow.rows, width)
    return [table, Text(note, style="dim")] if note else [table]


# ------------------------------------------------------------------------------- tables


def print_project_list(doc: dict[str, Any], console: Console) -> None:
    columns = [
        Column("代码"),
        Column("项目", shortest=NAME),
        Column("单位", shortest=UNIT, drop=1),
        Column("领导", shortest=UNIT, drop=4),
        Column("领域", drop=3),
        Column("类别", drop=2),
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
        *_table(columns, rows, console.width),
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
        "领域 / 类别",
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
    line("到位资金", f"{_wan2(p['ytd_funds'])} 万元")
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
            Column("事项", shortest=NAME),
            Column("提出", drop=1),
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
        renderables += [Text("在办要素", style="bold"), *_table(columns, rows, console.width)]
    emit(console, *renderables, *_receipt(doc))


def print_factor_list(doc: dict[str, Any], console: Console) -> None:
    columns = [
        Column("编号"),
        Column("项目", drop=3),  # the id starts with the project's code
        Column("单位", shortest=UNIT, drop=1),
        Column("要素"),
        Column("事项", shortest=NAME),
        Column("提出", drop=2),  # the id holds the filing date
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
    table = _table(columns, rows, console.width)
    legend = [Text("期限 = 当日有效的办理期限; 逾期 = 超期工作日; 督办 = 督办级别 (1-3)")]
    if len(table) > 1:  # columns left out: what the id still tells of them
        legend.append(Text("编号 = 项目代码-提出日期-要素"))
    emit(
        console,
        Text(f"{doc['campaign']} — 要素保障 {_view(doc)}", style="bold"),
        Text(f"{len(doc['requests'])} 件, 在办 {open_count} 件" + _filters(doc["filters"])),
        *table,
        *legend,
        *_receipt(doc),
    )


def print_missing(doc: dict[str, Any], console: Console) -> None:
    columns = [
        Column("单位", shortest=UNIT),
        Column("代码"),
        Column("项目", shortest=NAME),
        Column("领导", shortest=UNIT, drop=1),
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
        *(_table(columns, rows, console.width) if rows else []),
        *_receipt(doc),
    )


# -------------------------------------------------------------------- projects' states


def print_project_states(doc: dict[str, Any], console: Console) -> None:
    """`campaign replay`: each project's state on as_of, a few lines each, wrapped at the
    console's width: who, the plan and YTD figures, the milestones reached, the open factor
    requests."""
    width = console.width
    lines: list[Cell] = [
        Text(line, style="bold")
        for line in packed([doc["campaign"], "—", "项目状态", _view(doc)], width, sep=" ")
    ]
    lines.append("金额单位: 万元; 形象进度: 最近一次报送的形象进度")
    for p in doc["projects"]:
        lines.extend(Text(line, style="bold") for line in packed(_state_head(p), width, sep=" "))
        physical = NONE if p["physical_pct"] is None else f"{p['physical_pct']:g}%"
        figures = [
            f"年度计划 {_wan2(p['annual_plan'])}",
            f"累计完成 {_wan2(p['ytd_investment'])}",
            f"到位资金 {_wan2(p['ytd_funds'])}",
            f"形象进度 {physical}",
        ]
        lines.extend(packed(figures, width, indent=2))
        reached = [f"{MILESTONE_LABELS.get(m, m)} {d}" for m, d in p["milestones"].items()]
        reached = reached or [NONE]
        reached[0] = f"里程碑: {reached[0]}"
        lines.extend(packed(reached, width, sep=", ", indent=2))
        for r in p["open_requests"]:
            lines.extend(packed(_open_request(r), width, indent=2))
    lines.extend(Text(line, style="dim") for line in receipt_lines(doc["receipt"]))
    emit_lines(console, lines)


def _state_head(p: dict[str, Any]) -> list[str]:
    head = [p["code"], p["name"], f"({p['unit']} / {p['leader']})"]
    if p["terminated_on"]:
        head.append(f"{p['terminated_on']} 终止")
    return head


def _open_request(r: dict[str, Any]) -> list[str]:
    items = [f"在办要素 {r['id']}", f"{factor_label(r['category'])}: {r['detail']}"]
    items.append(f"期限 {r['due']}")
    if r["overdue_wd"]:
        items.append(f"逾期 {r['overdue_wd']} 个工作日")
    if r["escalation_level"]:
        items.append(f"督办 {r['escalation_level']} 级")
    return items

"""The checkpoint and its series as text for people, in Chinese (or English, `--lang en`), on
80 columns: the 双过半 headline with the share that decides it, the zone, the four rates with
their numerators and denominators, the targets, the green channel, the lights, the tables by
category, sector and unit, the ranking with its change since the previous checkpoint, the
lagging projects with their reasons, and the receipt.

Tables fit the console by shortening free text only (`cli.tables`); `--wide` shows every
column, with money to the cent, and shortens nothing. Lines are laid out here and printed as
they are (never wrapped by the console, no trailing blanks), which keeps a ranking of
thousands of projects quick to print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text

from campaign.report import words
from campaign.report.words import NONE, label, pct, pp, wan, wan0
from cli.tables import Column, emit_lines, receipt_lines, table_lines

if TYPE_CHECKING:
    from rich.console import Console

    from campaign.report.model import Report
    from campaign.report.words import Lang
    from cli.tables import Cell

LIGHT_STYLES = {"green": "green", "yellow": "yellow", "red": "bold red", "na": "dim"}

TITLES: dict[str, tuple[str, str]] = {
    "checkpoint": ("调度", "checkpoint"),
    "known": ("截至 {} 所知", "as known at {}"),
    "time": ("序时进度", "time progress"),
    "zone": ("全区（在列项目）", "Zone (listed projects)"),
    "rates": ("“四率”", "The four rates"),
    "targets": ("目标任务", "Zone targets"),
    "factors": ("要素保障（绿色通道）", "Factor green channel (要素保障)"),
    "factor_units": ("要素保障：按帮包单位", "… by unit (帮包单位)"),
    "lights": ("灯", "Lights"),
    "below_half": ("完成不足年度计划一半", "below half of plan"),
    "categories": ("按项目类别", "By category"),
    "sectors": ("按产业领域", "By sector"),
    "units": ("按帮包单位", "By unit (帮包单位)"),
    "ranking": ("项目排名（按投资完成率）", "Ranking (by investment rate)"),
    "change": (
        "变化：较上期调度节点 {} 的名次变化（+ 上升，- 下降，新 为上期未在列）",
        "move: places gained (+) or lost (-) since the previous checkpoint, {}",
    ),
    "lagging": ("红灯、黄灯项目及原因", "Lagging projects (red and yellow) and why"),
    "none_lagging": ("无红灯、黄灯项目", "No red or yellow project"),
    "all": ("合计", "all"),
    "money": ("金额单位：万元", "money in 万元 (10,000 yuan)"),
    "early": ("另提前开工 {} 个", "+{} early"),
}
HEADERS: dict[str, tuple[str, str]] = {
    "projects": ("项目", "projects"),
    "plan": ("年度计划", "plan"),
    "ytd": ("累计完成", "YTD"),
    "rate": ("完成率", "of plan"),
    "gap": ("比序时", "± pp"),
    "spi": ("为序时的", "of time"),
    "funds": ("到位资金", "funds"),
    "registered": ("登记", "registered"),
    "terminated": ("终止", "terminated"),
    "rate_name": ("指标", "rate"),
    "value": ("完成率", "value"),
    "of": ("分子 / 分母", "of"),
    "meaning": ("口径", "meaning"),
    "target": ("目标", "target"),
    "goal": ("年度目标", "goal"),
    "actual": ("完成", "actual"),
    "ratio": ("完成比例", "of goal"),
    "half": ("过半", "half?"),
    "category": ("要素", "category"),
    "unit": ("单位", "unit"),
    "filed": ("提出", "filed"),
    "resolved": ("办结", "done"),
    "closure": ("办结率", "done %"),
    "due": ("应办", "due"),
    "on_time": ("按期", "timely"),
    "on_time_rate": ("按期率", "timely %"),
    "open": ("在办", "open"),
    "overdue": ("逾期", "late"),
    "escalated": ("督办", "督办"),
    "median": ("用时", "med wd"),
    "rank": ("名次", "#"),
    "change": ("变化", "move"),
    "code": ("代码", "code"),
    "name": ("项目", "name"),
    "leader": ("领导", "leader"),
    "sector": ("领域", "sector"),
    "kind": ("类别", "category"),
    "light": ("灯", "light"),
    "stage": ("阶段", "stage"),
    "red": ("红", "red"),
    "yellow": ("黄", "yel"),
    "started": ("开工日期", "started"),
    "start_late": ("开工逾期", "start late"),
    "physical": ("形象进度", "physical"),
    "factors_open": ("在办要素", "open req."),
    "factors_late": ("逾期要素", "late req."),
    "as_of": ("日期", "as of"),
    "double_half": ("双过半", "双过半"),
    "funds_rate": ("到位率", "funds"),
    "start_rate": ("开工率", "starts"),
    "commissioning": ("投产率", "commiss."),
    "on_time_factors": ("按期办结", "on time"),
    "lights": ("绿/黄/红", "g/y/r"),
    "unit_leader": ("单位 / 领导", "unit / leader"),
}
GROUP_KEYS = (("categories", "category"), ("sectors", "sector"), ("units", "unit"))


class Page:
    """The lines of one text report, in one language, at one width."""

    def __init__(self, lang: Lang, width: int, *, wide: bool) -> None:
        self.lang: Lang = lang
        self.width = width
        self.wide = wide
        self.lines: list[Cell] = []

    def t(self, key: str, *args: object) -> str:
        return TITLES[key][0 if self.lang == "zh" else 1].format(*args)

    def h(self, key: str) -> str:
        return HEADERS[key][0 if self.lang == "zh" else 1]

    def money(self, value: float | None) -> str:
        """万元 to the cent with --wide, else to the whole 万 (a narrow table's room)."""
        return wan(value) if self.wide else wan0(value)

    def title(self, text: str) -> None:
        if self.lines:
            self.lines.append("")
        self.lines.append(Text(text, style="bold"))

    def text(self, text: str | Text, *, indent: int = 0) -> None:
        """A paragraph, wrapped at the width (by cells: a Chinese character is two)."""
        plain = text.plain if isinstance(text, Text) else text
        if self.wide or cell_len(plain) + indent <= self.width:
            self.lines.append(
                Text(" " * indent) + text if isinstance(text, Text) else " " * indent + text
            )
            return
        self.lines.extend(wrapped(plain, self.width, indent))

    def table(self, columns: list[Column], rows: list[list[Cell]], gap: int = 2) -> None:
        width = 10**6 if self.wide else self.width
        self.lines.extend(table_lines(columns, rows, width, gap=gap))


def wrapped(text: str, width: int, indent: int = 0) -> list[Cell]:
    """`text` in lines of at most `width` cells, each indented by `indent`: broken at the last
    space that fits (English), else between characters (Chinese has no spaces to break at)."""
    lines: list[Cell] = []
    room = max(width - indent, 1)
    rest = text
    while cell_len(rest) > room:
        cut, used = 0, 0
        for i, char in enumerate(rest):
            used += cell_len(char)
            if used > room:
                break
            cut = i + 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            cut = space
        lines.append(" " * indent + rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" ")
    lines.append(" " * indent + rest)
    return lines


def light(value: str, lang: Lang) -> Text:
    return Text(label("light", value, lang), style=LIGHT_STYLES.get(value, ""))


def print_checkpoint(
    report: Report,
    console: Console,
    *,
    lang: Lang = "zh",
    wide: bool = False,
    note: str | None = None,
) -> None:
    """The checkpoint report; `note` says why this as_of (a bare checkpoint chose it)."""
    page = Page(lang, console.width, wide=wide)
    heading(page, report, note)
    zone_table(page, report)
    rates_table(page, report)
    targets_table(page, report)
    factor_tables(page, report)
    lights_line(page, report)
    for key, field in GROUP_KEYS:
        group_table(page, report, key, field)
    ranking_table(page, report)
    lagging_list(page, report)
    add_receipt(page, report.receipt)
    emit_lines(console, page.lines)


def heading(page: Page, report: Report, note: str | None) -> None:
    doc = report.document
    known = f"（{page.t('known', doc['known_at'])}）" if doc["known_at"] else ""
    if page.lang == "en" and known:
        known = f", {page.t('known', doc['known_at'])}"
    page.text(Text(f"{doc['campaign']} — {page.t('checkpoint')} {doc['as_of']}{known}", "bold"))
    if note:
        page.text(note)
    page.text(f"{page.t('time')} {pct(doc['time_progress'])}")
    zone = report.zone
    style = "bold green" if zone["double_half"] else "bold red"
    page.lines.extend(
        Text(line.plain if isinstance(line, Text) else line, style=style)
        for line in wrapped(words.headline(zone, page.lang), 10**6 if page.wide else page.width)
    )


def zone_table(page: Page, report: Report) -> None:
    zone = report.zone
    page.title(f"{page.t('zone')}  {page.t('money')}")
    columns = [
        Column(page.h("projects"), right=True),
        Column(page.h("plan"), right=True),
        Column(page.h("ytd"), right=True),
        Column(page.h("rate"), right=True),
        Column(page.h("gap"), right=True),
        Column(page.h("funds"), right=True),
    ]
    row: list[Cell] = [
        str(zone["projects"]),
        wan(zone["annual_plan"]),
        wan(zone["ytd_investment"]),
        pct(zone["investment_rate"]),
        pp(zone["gap_pp"]),
        wan(zone["ytd_funds"]),
    ]
    if page.wide:
        columns += [
            Column(page.h("spi"), right=True),
            Column(page.h("registered"), right=True),
            Column(page.h("terminated"), right=True),
        ]
        row += [pct(zone["spi"]), str(zone["registered"]), str(zone["terminated"])]
    page.table(columns, [row])


def rates_table(page: Page, report: Report) -> None:
    zone = report.zone
    page.title(page.t("rates"))
    columns = [
        Column(page.h("rate_name")),
        Column(page.h("value"), right=True),
        Column(page.h("of"), right=True),
    ]
    if page.wide:
        columns.append(Column(page.h("meaning")))
    rows: list[list[Cell]] = []
    for rate in report.rates():
        name, meaning = words.RATE_NAMES[page.lang][rate["key"]]
        shown = wan if rate["money"] else str
        of = f"{shown(rate['numerator'])} / {shown(rate['denominator'])}"
        if rate["key"] == "start_rate" and zone["early_starts"]:
            of += (
                f"（{page.t('early', zone['early_starts'])}）"
                if page.lang == "zh"
                else (f" ({page.t('early', zone['early_starts'])})")
            )
        rows.append([name, pct(rate["rate"]), of, *([meaning] if page.wide else [])])
    page.table(columns, rows)


def targets_table(page: Page, report: Report) -> None:
    targets = report.document["targets"]
    if not targets:
        return
    page.title(page.t("targets"))
    columns = [
        Column(page.h("target"), shortest=8),
        Column(page.h("goal"), right=True),
        Column(page.h("actual"), right=True),
        Column(page.h("ratio"), right=True),
        Column(page.h("half")),
    ]
    yes, no = words.FLAGS[page.lang]
    rows: list[list[Cell]] = []
    for t in targets:
        share = t["kind"] == "tech_renovation_share"
        rows.append(
            [
                t["name"],
                pct(t["goal"]) if share else words.count(t["goal"]),
                pct(t["actual"]) if share else words.count(t["actual"]),
                pct(t["ratio"]),
                Text(yes, style="green") if t["over_half"] else Text(no, style="red"),
            ]
        )
    page.table(columns, rows)


FACTOR_KEYS = (
    ("filed", "filed"),
    ("resolved", "resolved"),
    ("closure_rate", "closure"),
    ("due", "due"),
    ("on_time", "on_time"),
    ("on_time_rate", "on_time_rate"),
    ("open", "open"),
    ("overdue_open", "overdue"),
    ("escalated_open", "escalated"),
    ("median_resolution_wd", "median"),
)


def _factor_cells(figures: dict[str, Any]) -> list[Cell]:
    cells: list[Cell] = []
    for key, _ in FACTOR_KEYS:
        value = figures.get(key)
        if key.endswith("_rate"):
            cells.append(pct(value))
        elif key == "median_resolution_wd":
            cells.append(words.days_of(value))
        elif key == "overdue_open" and value:
            cells.append(Text(str(value), style="bold red"))
        else:
            cells.append(NONE if value is None else str(value))
    return cells


def factor_tables(page: Page, report: Report) -> None:
    factors = report.document["factors"]
    page.title(page.t("factors"))
    numbers = [Column(page.h(header), right=True) for _, header in FACTOR_KEYS]
    by_category = sorted(factors["by_category"].items(), key=lambda kv: (-kv[1]["filed"], kv[0]))
    rows: list[list[Cell]] = [[Text(page.t("all"), style="bold"), *_factor_cells(factors)]]
    rows += [[label("factor", k, page.lang), *_factor_cells(f)] for k, f in by_category]
    page.table([Column(page.h("category"), shortest=4), *numbers], rows)
    by_unit = factors.get("by_unit") or {}
    if by_unit:
        page.title(page.t("factor_units"))
        rows = [[unit, *_factor_cells(f)] for unit, f in by_unit.items()]
        page.table([Column(page.h("unit"), shortest=4), *numbers], rows)


def lights_line(page: Page, report: Report) -> None:
    zone = report.zone
    counts = zone["lights"]
    line = Text(f"{page.t('lights')}  ", style="bold")
    for key in ("green", "yellow", "red", "na"):
        name = words.LIGHT_NAMES[page.lang][key]
        line.append(f"{name} {counts[key]}  ", style=LIGHT_STYLES[key])
    line.append(f"  {page.t('below_half')}: {zone['below_half']}")
    page.lines.append("")
    page.text(line)


def group_table(page: Page, report: Report, key: str, field: str) -> None:
    rows_in = report.groups.get(key) or []
    if not rows_in:
        return
    page.title(page.t(key))
    columns = [
        Column(page.h("rank"), right=True),
        Column(page.h("kind" if field == "category" else field), shortest=4),
        Column(page.h("projects"), right=True),
        Column(page.h("plan"), right=True),
        Column(page.h("ytd"), right=True),
        Column(page.h("rate"), right=True),
        Column(page.h("gap"), right=True),
        Column(page.h("red"), right=True),
        Column(page.h("yellow"), right=True),
    ]
    rows: list[list[Cell]] = []
    for g in rows_in:
        name = g[field] if field == "unit" else label(field, g[field], page.lang)
        rows.append(
            [
                str(g["rank"]),
                name,
                str(g["projects"]),
                page.money(g["annual_plan"]),
                page.money(g["ytd_investment"]),
                pct(g["investment_rate"]),
                pp(g["gap_pp"]),
                Text(str(g["red"]), style="bold red") if g["red"] else "",
                Text(str(g["yellow"]), style="yellow") if g["yellow"] else "",
            ]
        )
    page.table(columns, rows)


def ranking_table(page: Page, report: Report) -> None:
    page.title(page.t("ranking"))
    if report.previous:
        page.text(page.t("change", report.previous))
    with_change = report.previous is not None
    columns = [Column(page.h("rank"), right=True)]
    if with_change:
        columns.append(Column(page.h("change"), right=True))
    columns += [
        Column(page.h("code")),
        Column(page.h("name"), shortest=8),
        Column(page.h("unit"), shortest=4),
    ]
    if page.wide:
        columns += [
            Column(page.h("leader")),
            Column(page.h("sector")),
            Column(page.h("kind")),
        ]
    if page.wide:  # the amounts: on 80 columns the names keep their room instead
        columns += [Column(page.h("plan"), right=True), Column(page.h("ytd"), right=True)]
    columns += [Column(page.h("rate"), right=True), Column(page.h("gap"), right=True)]
    if page.wide:
        columns += [
            Column(page.h("spi"), right=True),
            Column(page.h("funds"), right=True),
            Column(page.h("physical"), right=True),
            Column(page.h("started")),
            Column(page.h("start_late"), right=True),
            Column(page.h("factors_open"), right=True),
            Column(page.h("factors_late"), right=True),
        ]
    columns += [Column(page.h("light")), Column(page.h("stage"))]
    lang, money = page.lang, page.money
    rows: list[list[Cell]] = []
    for p in report.ranking:
        row: list[Cell] = [NONE if p["rank"] is None else str(p["rank"])]
        if with_change:
            row.append(_ascii_change(p, lang))
        row += [p["code"], p["name"], p["unit"]]
        if page.wide:
            row += [
                p["leader"],
                label("sector", p["sector"], lang),
                label("category", p["category"], lang),
            ]
        if page.wide:
            row += [money(p["annual_plan"]), money(p["ytd_investment"])]
        row += [pct(p["investment_rate"]), pp(p["gap_pp"])]
        if page.wide:
            row += [
                pct(p["spi"]),
                wan(p["ytd_funds"]),
                NONE if p["physical_pct"] is None else f"{p['physical_pct']:.2f}%",
                p["started_on"] or NONE,
                str(p["start_overdue_days"] or ""),
                str(p["open_factors"] or ""),
                str(p["overdue_factors"] or ""),
            ]
        # a green light stays plain text: the row prints quickly; the others are coloured
        shown = p["light"]
        row.append(label("light", shown, lang) if shown == "green" else light(shown, lang))
        row.append(label("stage", p["stage"], lang))
        rows.append(row)
    page.table(columns, rows)


def _ascii_change(p: dict[str, Any], lang: Lang) -> str:
    """The change in rank with signs a terminal of any font aligns (+3, -2; the page draws
    arrows): "新"/"new" for a project not listed then, "" without a rank."""
    if p.get("new"):
        return "新" if lang == "zh" else "new"
    moved = p.get("change")
    if moved is None:
        return ""
    return "0" if moved == 0 else f"{moved:+d}"


def lagging_list(page: Page, report: Report) -> None:
    """Each red and yellow project on a line (light, code, name, unit / leader), then its
    reasons, one a line, whole: a reason carries figures and is never cut."""
    lagging = report.document["lagging"]
    page.title(page.t("lagging"))
    if not lagging:
        page.text(page.t("none_lagging"))
        return
    columns = [
        Column(page.h("light")),
        Column(page.h("code")),
        Column(page.h("name"), shortest=8),
        Column(page.h("unit_leader"), shortest=8),
    ]
    rows: list[list[Cell]] = [
        [
            light(row["light"], page.lang),
            row["code"],
            row["name"],
            f"{row['unit']} / {row['leader']}",
        ]
        for row in lagging
    ]
    lines = table_lines(columns, rows, 10**6 if page.wide else page.width)
    page.lines.append(lines[0])
    for line, row in zip(lines[1:], lagging, strict=True):
        page.lines.append(line)
        for reason in row["reasons"]:
            page.text(f"· {words.reason(reason, page.lang)}", indent=4)


def add_receipt(page: Page, receipt: dict[str, Any]) -> None:
    """The receipt under the page, after a blank line (`cli.tables.receipt_lines`)."""
    page.lines.append("")
    lines = receipt_lines(receipt, page.lang, wide=page.wide)
    page.lines.extend(Text(line, style="dim") for line in lines)


# ------------------------------------------------------------------------------- series


def print_series(
    doc: dict[str, Any], console: Console, *, lang: Lang = "zh", wide: bool = False
) -> None:
    """The zone's figures at each period end, one line each."""
    page = Page(lang, console.width, wide=wide)
    known = f"（{page.t('known', doc['known_at'])}）" if doc["known_at"] else ""
    period = {"weekly": "每周", "xun": "每旬", "monthly": "每月", "checkpoints": "调度节点"}
    name = period.get(doc["series"], doc["series"]) if lang == "zh" else doc["series"]
    page.text(
        Text(f"{doc['campaign']} — {name}{'序列' if lang == 'zh' else ' series'}{known}", "bold")
    )
    page.text(page.t("money"))
    columns = [
        Column(page.h("as_of")),
        Column("序时" if lang == "zh" else "time", right=True),
        Column(page.h("ytd"), right=True),
        Column(page.h("rate"), right=True),
        Column(page.h("gap"), right=True),
        Column(page.h("double_half")),
        Column(page.h("funds_rate"), right=True),
        Column(page.h("start_rate"), right=True),
        Column(page.h("commissioning"), right=True),
    ]
    if wide:
        columns += [
            Column(page.h("spi"), right=True),
            Column(page.h("closure"), right=True),
            Column(page.h("on_time_factors"), right=True),
        ]
    columns.append(Column(page.h("lights"), right=True))
    yes, no = words.FLAGS[lang]
    rows: list[list[Cell]] = []
    for row in doc["rows"]:
        lights = row["lights"]
        cells: list[Cell] = [
            row["as_of"] if wide else row["as_of"][5:],
            pct(row["time_progress"]),
            page.money(row["ytd_investment"]),
            pct(row["investment_rate"]),
            pp(row["gap_pp"]),
            Text(yes, style="green") if row["double_half"] else no,
            pct(row["funds_rate"]),
            pct(row["start_rate"]),
            pct(row["commissioning_rate"]),
        ]
        if wide:
            cells += [
                pct(row["spi"]),
                pct(row["factors"]["closure_rate"]),
                pct(row["factors"]["on_time_rate"]),
            ]
        cells.append(f"{lights['green']}/{lights['yellow']}/{lights['red']}")
        rows.append(cells)
    page.table(columns, rows, gap=1)  # ten figures a line: one space between them
    add_receipt(page, doc["receipt"])
    emit_lines(console, page.lines)

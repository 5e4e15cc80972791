"""The report's charts (图1–图5), drawn by matplotlib as SVG to be written into the page.

Text stays text (`svg.fonttype: none`): the reader's own fonts draw the Chinese, so that no
font is shipped or installed, and the page's style names the fonts to use. matplotlib lays
the text out with its own DejaVu Sans alone (whatever fonts the machine has), which knows no
Chinese glyph: the room for labels is therefore reserved here from the labels' widths, a
Chinese character a full em. That, a fixed hash salt per chart and no date in the metadata
make the same report give the same bytes on any machine with the same matplotlib.

Each chart's ids carry its own prefix, so that several charts can share one page.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from campaign.domain.errors import printable
from campaign.report.words import label, pct

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from campaign.report.model import Report

NAMES = ("burnup", "units", "lights", "factors", "targets")
"""The charts, in the page's order (图1–图5): each drawn by its function in `DRAW`."""
COLOURS = {
    "green": "#2e7d32",
    "yellow": "#e0a100",
    "red": "#c62828",
    "na": "#9e9e9e",
    "plan": "#1f4e79",
    "time": "#c00000",
    "late": "#ef8f00",
    "open": "#8fa9c6",
    "grid": "#d9d9d9",
    "text": "#333333",
}
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6}
"""Behind a bar's value, so that a line it crosses does not strike it through."""
FONT_SIZE = 10.5
WIDTH = 6.0  # inches: an A4 page holds it with room to spare; a phone shows it whole
RC: dict[Any, Any] = {  # matplotlib's keys are a Literal type; these are known good
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans"],  # measured with matplotlib's own font only (see above)
    "font.size": FONT_SIZE,
    "text.parse_math": False,  # a "$" in a stored name is a dollar, not mathematics
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": COLOURS["text"],
    "xtick.color": COLOURS["text"],
    "ytick.color": COLOURS["text"],
    "text.color": COLOURS["text"],
    "legend.frameon": False,
    "svg.image_inline": True,
}
_HEADER = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_TAG = re.compile(r"<[^>]+>")
_IDS = re.compile(r'(\bid="|url\(#|xlink:href="#)')


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of `text` in inches, a wide (Chinese) character a full em, others about
    0.6 em (DejaVu Sans' digits and letters)."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
    return ems * size / 72


def charts(report: Report, names: Sequence[str] = NAMES) -> dict[str, str | None]:
    """The charts `names` of the report (all five by default) as SVG markup, by name; None
    for a chart with nothing to show (no unit, no factor request, no target)."""
    return {name: DRAW[name](report) for name in names}


def shown(report: Report) -> dict[str, bool]:
    """Which charts have something to show: those `charts` draws, told without drawing."""
    return {name: SHOWN[name](report) for name in NAMES}


def svg(figure: Figure, name: str) -> str:
    """The figure as SVG markup for a page: no XML prolog or metadata (no date), and every id
    prefixed with the chart's name."""
    import matplotlib  # noqa: PLC0415

    buffer = io.StringIO()
    with matplotlib.rc_context({**RC, "svg.hashsalt": f"campaign-report-{name}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _HEADER.sub("", buffer.getvalue(), count=1))
    # inside tags only: a label's text (escaped, so never a tag) is left as it is
    return _TAG.sub(lambda tag: _IDS.sub(lambda m: f"{m.group(1)}{name}-", tag.group()), text)


@contextmanager
def _drawing(height: float, left: float, right: float) -> Iterator[tuple[Figure, Axes]]:
    """A figure with one axes, drawn with the report's settings; its Chinese text is measured
    by DejaVu Sans, which lacks the glyphs (see the module's docstring): matplotlib's warning
    about them is expected and silenced."""
    import matplotlib  # noqa: PLC0415 (only a report draws: the command line starts light)
    from matplotlib.figure import Figure  # noqa: PLC0415

    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = Figure(figsize=(WIDTH, height))
        figure.subplots_adjust(
            left=left / WIDTH, right=1 - right / WIDTH, top=1 - 0.45 / height, bottom=0.5 / height
        )
        yield figure, figure.add_subplot()


def _percent_axis(axes: Axes, which: str) -> None:
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    formatter = FuncFormatter(lambda value, _: f"{value:.0f}%")
    (axes.xaxis if which == "x" else axes.yaxis).set_major_formatter(formatter)


def _left_for(labels: Sequence[str]) -> float:
    return max((text_width(t) for t in labels), default=0.0) + 0.25


def burnup(report: Report) -> str | None:
    """图1: the zone's YTD ÷ plan by day against the 序时 line, the checkpoints marked."""
    if not _has_burnup(report):
        return None
    with _drawing(3.4, left=0.6, right=0.3) as (figure, axes):
        _burnup(report, axes)
        return svg(figure, "burnup")


def _has_burnup(report: Report) -> bool:
    b = report.burnup
    return b is not None and any(r is not None for r in b.rates)


def _burnup(report: Report, axes: Axes) -> None:
    b = report.burnup
    assert b is not None  # burnup() draws only a report with its burn-up
    shown = [(i, r) for i, r in enumerate(b.rates) if r is not None]
    index = {d: i for i, d in enumerate(b.dates)}
    start, end = report.campaign_start, report.campaign_end
    if start in index or end in index:
        first = index.get(start, 0)
        last = index.get(end, len(b.dates) - 1)
        axes.axvspan(first, last, color="#fbe9e7", linewidth=0, zorder=0)
        axes.text(
            first + 1,
            2,
            "百日会战",
            color="#b04a3a",
            fontsize=9.5,
            va="bottom",
            ha="left",
            zorder=1,
        )
    axes.plot(
        range(len(b.time)),
        [t * 100 for t in b.time],
        color=COLOURS["time"],
        linestyle="--",
        linewidth=1.2,
        label="序时进度",
    )
    axes.plot(
        [i for i, _ in shown],
        [r * 100 for _, r in shown],
        color=COLOURS["plan"],
        linewidth=2,
        label="累计完成投资 ÷ 年度计划",
    )
    rates = dict(shown)
    top = max([*(r * 100 for _, r in shown), *(t * 100 for t in b.time), 10.0])
    marked = []
    for day in b.marks:
        i = index.get(day)
        if i is None:
            continue
        axes.axvline(i, color=COLOURS["grid"], linewidth=0.8, linestyle=":", zorder=1)
        if i in rates:
            axes.plot([i], [rates[i] * 100], marker="o", color=COLOURS["plan"], markersize=4)
            below = rates[i] < b.time[i]  # the label goes on the side away from 序时
            last = i > 0.85 * len(b.dates)  # near the right edge: the label goes to the left
            marked.append((i, rates[i], below and not last))
    for i, rate, side in _mark_labels(marked, _points_per_unit(axes, len(b.dates) - 1, top)):
        axes.annotate(
            pct(rate),
            (i, rate * 100),
            textcoords="offset points",
            xytext=_LABEL_AT[side],
            ha="left" if side[0] else "right",
            fontsize=9.5,
            color=COLOURS["plan"],
        )
    months = [(i, d) for i, d in enumerate(b.dates) if d.endswith("-01")]
    axes.set_xticks([i for i, _ in months], [f"{int(d[5:7])}月" for _, d in months])
    axes.set_xlim(0, max(len(b.dates) - 1, 1))
    axes.set_ylim(0, top * 1.15)
    _percent_axis(axes, "y")
    axes.grid(axis="y", color=COLOURS["grid"], linewidth=0.6)
    axes.legend(loc="upper left", fontsize=9.5)


def _points_per_unit(axes: Axes, days: int, top: float) -> tuple[float, float]:
    """Points per day and per percentage point in 图1's axes, as the figure lays them out
    (days 0..`days` across, 0 to 1.15 × `top` % up)."""
    box = axes.get_position()
    width, height = axes.get_figure().get_size_inches()  # type: ignore[union-attr]
    return 72 * width * box.width / max(days, 1), 72 * height * box.height / (top * 1.15)


_LABEL_AT = {  # (to the right, below): the label's offset from its mark, in points
    (True, True): (5, -13),
    (True, False): (5, 6),
    (False, False): (-6, 6),
    (False, True): (-6, -13),
}


def _mark_labels(
    marked: list[tuple[int, float, bool]], scale: tuple[float, float]
) -> list[tuple[int, float, tuple[bool, bool]]]:
    """Where the checkpoint marks' labels go (day, rate, its side): each mark (day, rate,
    whether its label goes right and below, else left and above) where it asks, unless it
    would print over a later mark's label; then on the other side of its line, or, when
    that label tells the same value or no side is free, not at all. The latest mark (the
    as-of day) always has its label."""
    per_day, per_point = scale
    height = 9.5  # points
    kept: list[tuple[float, float, float, float, str]] = []  # boxes in points, and the text
    chosen = []
    for i, rate, asked in reversed(marked):
        text = pct(rate)
        width = text_width(text, 9.5) * 72
        x, y = i * per_day, rate * 100 * per_point
        for side in ((asked, asked), (asked, not asked)):
            dx, dy = _LABEL_AT[side]
            left = x + dx if side[0] else x + dx - width
            box = (left, left + width, y + dy, y + dy + height)
            hit = [k for k in kept if _overlap(k, box)]
            if any(k[4] == text for k in hit):
                break  # the same value is told right beside it
            if not hit:
                kept.append((*box, text))
                chosen.append((i, rate, side))
                break
    return chosen[::-1]


def _overlap(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Whether two boxes (left, right, bottom, top) overlap."""
    return bool(a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3])


def units(report: Report) -> str | None:
    """图2: the investment rate of each 帮包单位 against 序时, best first."""
    rows = _unit_rows(report)
    if not rows:
        return None
    names = [printable(str(u["unit"])) for u in rows]
    time = report.document["time_progress"] * 100
    return _bars(
        "units",
        names,
        [u["investment_rate"] for u in rows],
        [COLOURS["plan"] if u["investment_rate"] * 100 >= time else COLOURS["late"] for u in rows],
        line=(time, f"序时进度 {pct(report.document['time_progress'])}"),
    )


def _unit_rows(report: Report) -> list[dict[str, Any]]:
    return [u for u in report.document.get("units", []) if u["investment_rate"] is not None]


def targets(report: Report) -> str | None:
    """图5: each zone target's actual ÷ goal against half (a share against its goal)."""
    rows = _target_rows(report)
    if not rows:
        return None
    return _bars(
        "targets",
        [printable(str(t["name"])) for t in rows],
        [t["ratio"] for t in rows],
        [COLOURS["green"] if t["over_half"] else COLOURS["red"] for t in rows],
        line=(50.0, "过半 50%"),
        marks=[100.0 if t["kind"] == "tech_renovation_share" else 50.0 for t in rows],
    )


def _target_rows(report: Report) -> list[dict[str, Any]]:
    return [t for t in report.document.get("targets", []) if t["ratio"] is not None]


def _bars(
    name: str,
    labels: list[str],
    ratios: list[float],
    colours: list[str],
    *,
    line: tuple[float, str],
    marks: list[float] | None = None,
) -> str:
    """Horizontal bars of ratios (in %), the first on top, each with its value, and a
    vertical line to reach."""
    with _drawing(0.9 + 0.3 * len(labels), left=_left_for(labels), right=0.7) as (figure, axes):
        _draw_bars(axes, labels, ratios, colours, line=line, marks=marks)
        return svg(figure, name)


def _draw_bars(
    axes: Axes,
    labels: list[str],
    ratios: list[float],
    colours: list[str],
    *,
    line: tuple[float, str],
    marks: list[float] | None,
) -> None:
    positions = list(range(len(labels)))[::-1]
    values = [r * 100 for r in ratios]
    axes.barh(positions, values, color=colours, height=0.62, zorder=2)
    for y, value, ratio in zip(positions, values, ratios, strict=True):
        axes.text(
            value,
            y,
            f" {pct(ratio)}",
            va="center",
            ha="left",
            fontsize=9.5,
            zorder=4,
            bbox=LABEL_BOX,
        )
    for y, mark in zip(positions, marks or [], strict=False):
        axes.plot([mark, mark], [y - 0.4, y + 0.4], color=COLOURS["text"], linewidth=1.2, zorder=3)
    at, text = line
    axes.axvline(at, color=COLOURS["time"], linestyle="--", linewidth=1.1, zorder=3)
    axes.annotate(
        text,
        (at, len(labels) - 0.45),
        textcoords="offset points",
        xytext=(4, 0),
        color=COLOURS["time"],
        fontsize=9.5,
        ha="left",
        va="bottom",
    )
    axes.set_yticks(positions, labels)
    axes.tick_params(axis="y", length=0)
    axes.set_xlim(0, max([*values, at, 10.0]) * 1.18)
    axes.set_ylim(-0.6, len(labels) - 0.1)
    _percent_axis(axes, "x")
    axes.grid(axis="x", color=COLOURS["grid"], linewidth=0.6, zorder=0)


def lights(report: Report) -> str | None:
    """图3: the listed projects by light."""
    if not _has_lights(report):
        return None
    counts = report.zone["lights"]
    # as wide as the others (their text then reads the same size on a page), the bars centred
    with _drawing(2.6, left=1.5, right=1.2) as (figure, axes):
        _lights(counts, axes)
        return svg(figure, "lights")


LIGHTS = ("green", "yellow", "red", "na")


def _has_lights(report: Report) -> bool:
    counts = report.zone["lights"]
    return any(counts[k] for k in LIGHTS)


def _lights(counts: dict[str, int], axes: Axes) -> None:
    keys = list(LIGHTS)
    names = [label("light", k) + ("灯" if k != "na" else "") for k in keys]
    names[-1] = "无灯（无计划）"
    bars = axes.bar(
        range(len(keys)), [counts[k] for k in keys], color=[COLOURS[k] for k in keys], width=0.6
    )
    for bar, key in zip(bars, keys, strict=True):
        axes.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            f"{counts[key]}个",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    axes.set_xticks(range(len(keys)), names)
    axes.set_ylim(0, max(counts[k] for k in keys) * 1.2 + 1)
    axes.set_ylabel("项目数")
    axes.grid(axis="y", color=COLOURS["grid"], linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)


FACTOR_PARTS: tuple[tuple[str, str, str], ...] = (
    ("on_time", "按期办结", "green"),
    ("late", "逾期办结", "late"),
    ("overdue_open", "在办已逾期", "red"),
    ("pending", "在办未逾期", "open"),
)


def factor_parts(figures: dict[str, Any]) -> dict[str, int]:
    """A category's filed requests in four parts: resolved on time, resolved late, open past
    due, open within the time limit."""
    return {
        "on_time": figures["on_time"],
        "late": figures["resolved"] - figures["on_time"],
        "overdue_open": figures["overdue_open"],
        "pending": figures["open"] - figures["overdue_open"],
    }


def factors(report: Report) -> str | None:
    """图4: factor requests by category: resolved on time, late, open past due, open."""
    rows = _factor_rows(report)
    if not rows:
        return None
    labels = [label("factor", k) for k, _ in rows]
    with _drawing(1.1 + 0.3 * len(labels), left=_left_for(labels), right=0.5) as (figure, axes):
        _factors(rows, labels, axes)
        return svg(figure, "factors")


def _factor_rows(report: Report) -> list[tuple[str, dict[str, Any]]]:
    by_category = report.document["factors"].get("by_category", {})
    return sorted(by_category.items(), key=lambda kv: (-kv[1]["filed"], kv[0]))


def _factors(rows: list[tuple[str, dict[str, Any]]], labels: list[str], axes: Axes) -> None:
    positions = list(range(len(labels)))[::-1]
    left = [0] * len(rows)
    for key, name, colour in FACTOR_PARTS:
        values = [factor_parts(f)[key] for _, f in rows]
        axes.barh(positions, values, left=left, color=COLOURS[colour], height=0.62, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, (_, f) in zip(positions, rows, strict=True):
        axes.text(f["filed"], y, f" {f['filed']}", va="center", ha="left", fontsize=9.5)
    axes.set_yticks(positions, labels)
    axes.tick_params(axis="y", length=0)
    axes.set_xlim(0, max(f["filed"] for _, f in rows) * 1.12 + 1)
    axes.set_ylim(-0.6, len(labels) + 0.4)
    axes.set_xlabel("件")
    axes.grid(axis="x", color=COLOURS["grid"], linewidth=0.6)
    axes.set_axisbelow(True)
    axes.legend(loc="lower right", ncol=4, fontsize=9.5, bbox_to_anchor=(1.0, 1.0))


DRAW: dict[str, Callable[[Report], str | None]] = {
    "burnup": burnup,
    "units": units,
    "lights": lights,
    "factors": factors,
    "targets": targets,
}
"""Each chart's drawing, by name (`NAMES`)."""
SHOWN: dict[str, Callable[[Report], bool]] = {
    "burnup": _has_burnup,
    "units": lambda report: bool(_unit_rows(report)),
    "lights": _has_lights,
    "factors": lambda report: bool(_factor_rows(report)),
    "targets": lambda report: bool(_target_rows(report)),
}
"""Whether each chart has something to show, as its drawing decides it."""

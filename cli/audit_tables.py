"""The audit's text for people: the log an event to a row (`audit log`), and each
publication's verdict (`audit reproduce`), in Chinese, at the terminal's width (80 columns on
a pipe); `--json` gives both whole, for machines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cli.tables import width_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from campaign.audit.reproduce import Reproduction
    from cli.tables import Cell


def shown_fields(fields: dict[str, Any]) -> str:
    """An event's fields for people: money (stored as whole yuan) in 万元, like everywhere."""
    shown = []
    for key, value in fields.items():
        if key == "request_id":
            continue
        if key.endswith("_yuan") and isinstance(value, int):
            shown.append(f"{key.removesuffix('_yuan')}={value / 10_000:,.2f}万元")
        else:
            shown.append(f"{key}={value}")
    return ", ".join(shown)


LOG_HEADERS = ("位置", "记录时间", "业务日期", "事件类型")
"""The columns of an event's first line, in the order they give way on a narrow console."""

LOG_CHUNK = 200
"""The audit log is printed this many events at a time: the first rows of a log of a million
events show at once, and memory stays that of one chunk."""

GAP = "  "
"""Between two columns of an event's first line, and between the items under it."""


def print_log(
    entries: Iterable[dict[str, Any]], timezone: str, out: Console, *, events: int
) -> int:
    """The audit log of a store of `events` events, an event to a row: its position, its
    recorded time, its effective date, its type and its project on the first line, as many
    as the console's width holds (80 columns on a pipe; the others go under it); under it,
    indented, the actor, the request and the fields, wrapped at that width. Every column is
    as wide whatever the events, so that the chunks line up and a width always gives the
    same lines. Printed chunk by chunk (`LOG_CHUNK`); the number of events printed."""
    from itertools import islice

    from rich.text import Text

    from campaign.audit.log import event_types
    from campaign.domain.errors import printable
    from campaign.domain.time import in_zone
    from cli.tables import emit_lines, wrapped

    width, gap = out.width, len(GAP)
    sizes = [max(width_of(LOG_HEADERS[0]), len(str(events))), len("2020-01-01T00:00:00+08:00")]
    sizes += [len("2020-01-01"), max(len(kind) for kind in event_types())]
    kept = 1  # the position always leads the row
    while kept < len(sizes) and sum(sizes[: kept + 1]) + gap * kept <= width:
        kept += 1
    beside = kept == len(sizes) and sum(sizes) + gap * kept + width_of("项目") <= width
    header = [" " * (sizes[0] - width_of(LOG_HEADERS[0])) + LOG_HEADERS[0]]
    header += [_padded(h, n) for h, n in zip(LOG_HEADERS[1:kept], sizes[1:kept], strict=True)]
    lines: list[Cell] = [Text(GAP.join([*header, "项目"] if beside else header), style="bold")]
    shown = 0
    rows = iter(entries)
    while True:
        chunk = list(islice(rows, LOG_CHUNK))
        for e in chunk:
            cells = [in_zone(e["recorded"], timezone), e["date"] or "", e["type"]]
            row = [str(e["position"]).rjust(sizes[0])]
            row += [c.ljust(n) for c, n in zip(cells[: kept - 1], sizes[1:kept], strict=True)]
            line = GAP.join(row)
            under = [
                f"{h} {c}" for h, c in zip(LOG_HEADERS[kept:], cells[kept - 1 :], strict=True) if c
            ]
            project = printable(e["project"] or "")
            if beside and project and width_of(line) + gap + width_of(project) <= width:
                line += GAP + project
            elif project:
                under.append(f"项目 {project}")
            lines.append(line.rstrip())
            if e["actor"]:
                under.append(f"记录人 {printable(e['actor'])}")
            if e["request"]:
                under.append(f"要素请求 {printable(e['request'])}")
            if fields := printable(shown_fields(e["fields"])):
                under.append(fields)
            if under:
                lines.extend(wrapped(GAP.join(under), width, indent=sizes[0] + gap))
        emit_lines(out, lines)
        lines = []
        shown += len(chunk)
        if len(chunk) < LOG_CHUNK:
            return shown


def _padded(text: str, size: int) -> str:
    """`text` padded with spaces to `size` cells (a Chinese character takes two)."""
    return text + " " * (size - width_of(text))


def reproduction_json(r: Reproduction) -> dict[str, Any]:
    """One publication for machines: the query and the hashes as the log holds them, the
    verdict (`status`), and, when it is not ok, the field, the value and the rule."""
    return {
        "as_of": r.as_of,
        "known_at": r.known_at,
        "position": r.position,
        "published": r.published,
        "computed": r.computed,
        "ok": r.ok,
        "status": r.status,
        "published_at": r.at,
        "head_hash": r.head_hash,
        "log_head_hash": r.log_head_hash,
        "engine_version": r.engine_version,
        "problem": None if r.problem is None else r.problem.document(),
    }


STATUS_WORDS = {
    "ok": "一致",
    "log_differs": "日志不符",
    "figures_differ": "数字不符",
    "not_reproducible": "无法复核",
}
"""Each verdict of `audit reproduce` for people (--json gives its machine word)."""

RULE_WORDS = {
    "not_object": "不是 JSON 对象：此发布不是引擎写入的",
    "not_whole": "不是整数（应为日志位置）",
    "not_position": "不是日志中的位置（位置从 1 起）",
    "past_head": "超出日志末尾（日志共 {} 条事件）",
    "not_before": "不在此发布之前（发布本身在位置 {}）：发布只读它之前的日志",
    "no_campaign": "读至此位置的日志中没有开启的会战",
    "not_date": "不是 YYYY-MM-DD 格式的日期",
    "not_in_year": "不在会战年度 {} 内",
    "not_known_at": "既不是日期（YYYY-MM-DD）也不是 ISO-8601 时间",
    "not_hash": "不是 SHA-256 哈希（64 位小写十六进制）",
}
"""Why a field of a publication keeps it from reproducing, for people; `{}` is what the rule
names (--json gives the rule in the engine's words)."""

SHOWN_VALUE = 60
"""The most cells of a stored value a line shows (--json gives it whole)."""


def _value(value: Any) -> str:
    """A stored value as a line shows it: as JSON writes it (a text in quotes, so that "47"
    and 47 differ), unsafe characters escaped, shortened to `SHOWN_VALUE` cells."""
    from campaign.domain.errors import printable
    from cli.tables import shortened

    text = json.dumps(value, ensure_ascii=False, default=str)
    return shortened(printable(text), SHOWN_VALUE)


def _cell(value: Any) -> str:
    """A stored query field in a table cell: a text as it is (unsafe characters escaped),
    anything else as JSON, nothing as a dash."""
    from campaign.domain.errors import printable

    if value is None:
        return "—"
    return printable(value) if isinstance(value, str) else _value(value)


def _known(r: Reproduction) -> str:
    """What the publication knew: up to its known_at, or all that was recorded when it was
    published."""
    return "发布时" if r.known_at is None else _cell(r.known_at)


def _publication(r: Reproduction) -> str:
    """Which publication, in words: its own position, its query and the position it read."""
    known = "发布时所知" if r.known_at is None else f"截至 {_cell(r.known_at)} 所知"
    return f"位置 {r.at} 的发布（调度 {_cell(r.as_of)}，{known}，读至位置 {_cell(r.position)}）"


VERIFY = "请用库外保存的树头核查：campaign audit verify --against HEAD"
"""What to run when the log is not the one a publication read: only a head kept outside the
store (or a digest: --digest) tells where it was changed, the chain being written again to
match."""


def _why(r: Reproduction) -> list[str]:
    """What a publication's verdict rests on, for people: a sentence, what to run next when
    the log is at fault, and the hashes compared."""
    from campaign.version import __version__

    problem = r.problem
    if problem is None:
        return [f"状态哈希 {r.computed}"]
    if problem.rule in ("log_differs", "unreadable", "uncomputable"):
        return [*_log_at_fault(r), VERIFY]
    if problem.rule == "figures_differ":
        engines = ""
        if r.engine_version != __version__:
            engines = f"（发布时引擎 {_cell(r.engine_version)}，现为 {__version__}）"
        return [
            f"读至位置 {r.position} 处的日志正是此发布所读的日志（链哈希相符），但按其查询重算"
            f"的状态哈希与发布所记不同{engines}",
            f"发布所记 {r.published}",
            f"重算所得 {r.computed}",
        ]
    if problem.rule == "missing":
        return [f"缺少字段 {problem.field}"]
    rule = RULE_WORDS[problem.rule].format(problem.bound)
    return [f"{problem.field}={_value(problem.value)} {rule}"]


def _log_at_fault(r: Reproduction) -> list[str]:
    """Why the log up to a publication's position is not the one it read, or not one the
    engine wrote: a sentence, then the chain hashes compared when they differ."""
    from campaign.audit.reproduce import Unfolded
    from campaign.domain.errors import printable

    problem = r.problem
    assert problem is not None
    b = problem.bound
    if problem.rule == "log_differs":
        return [
            f"读至位置 {r.position} 处的日志已不是此发布所读的日志（链哈希与发布所记不同）："
            "此前的历史被改写，或此发布系伪造",
            f"发布所记 {r.head_hash}",
            f"日志现为 {r.log_head_hash}",
        ]
    if isinstance(b, Unfolded):
        what = f"引用了 {printable(repr(b.named))}，而日志在它之前并无此项"
        if b.named is None:
            what = f"无法读取（{printable(b.error or '')}）"
        return [
            f"读至位置 {r.position} 的日志无法折叠：位置 {b.first} 至 {b.last} 之间的事件{what}"
            "：此日志不是引擎写入的"
        ]
    return [
        f"读至位置 {r.position} 的日志算不出此发布所查询的调度（{printable(str(b))}）："
        "此日志不是引擎写入的"
    ]


def error_line(r: Reproduction) -> str:
    """A publication that does not reproduce, in one line: which, its verdict, and why."""
    why = _why(r)
    said = why[0] + (f"；{VERIFY}" if VERIFY in why else "")
    return f"{_publication(r)}{STATUS_WORDS[r.status]}：{said}"


def print_reproductions(results: list[Reproduction]) -> None:
    """The publications as a table, each with what its verdict rests on under it, then the
    count of each verdict; as wide as the terminal, 80 columns on a pipe."""
    from rich.text import Text

    from campaign.audit.reproduce import STATUSES
    from cli.tables import Column, console, emit_lines, table_lines, wrapped

    out = console()
    columns = [
        Column("发布位置", right=True),
        Column("调度日期", shortest=10),
        Column("截至所知", shortest=10),
        Column("读至位置", right=True, shortest=8),
        Column("结果"),
    ]
    rows = [
        [str(r.at), _cell(r.as_of), _known(r), _cell(r.position), STATUS_WORDS[r.status]]
        for r in results
    ]
    drawn = table_lines(columns, rows, out.width)
    lines: list[Cell] = [drawn[0]] if results else []
    for r, line in zip(results, drawn[1:], strict=True):
        lines.append(line if r.ok else Text(str(line), style="bold red"))
        for why in _why(r):
            lines.extend(wrapped(why, out.width, indent=2))
    counts = [
        f"{STATUS_WORDS[s]} {n} 个" for s in STATUSES if (n := sum(r.status == s for r in results))
    ]
    total = f"已发布的调度 {len(results)} 个" + (f"：{'，'.join(counts)}" if counts else "")
    lines.extend(wrapped(total, out.width))
    emit_lines(out, lines)

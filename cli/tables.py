"""Tables for people on a terminal or in a file: as wide as the terminal, 80 columns on a pipe,
one line a row, no trailing blanks (so that they can be piped, diffed and mailed).

When a table is wider than the console, its free-text columns (names, units, leaders,
details) are shortened with "…", the widest first, never below a few characters; codes, ids,
dates and figures are never shortened, so that two rows whose names shorten alike still
differ by their code. `fit_widths` is that rule; `fitted` draws the table with rich (the
look-ups' tables), `table_lines` draws it line by line, quickly (the checkpoint's ranking of
thousands of projects).

A table whose free text would shrink below its readable width even so leaves out its least
useful columns first (`narrowed`, for the columns that may go) and says which, and at what
width they come back (`hidden_note`): a list whose every name is cut to a character or two
tells nobody anything. Text that is not a table (a project's state) is `packed` into lines,
wrapped between its items, never cut. `receipt_lines` is the receipt under every table.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from campaign.report.words import Lang

WIDTH = 80
"""The console's width on a pipe (unless COLUMNS says otherwise)."""

Cell = str | Text


def console() -> Console:
    """A console as wide as the terminal, or as COLUMNS says; 80 columns on a pipe."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        width = shutil.get_terminal_size((WIDTH, 24)).columns
    else:
        width = WIDTH
    return Console(highlight=False, width=width)


def emit(console: Console, *renderables: RenderableType) -> None:
    """Print each renderable line by line, without the blanks rich pads lines with."""
    segments: list[Segment] = []
    for renderable in renderables:
        for line in console.render_lines(renderable, console.options, pad=False):
            segments.extend(_rstripped(line))
            segments.append(Segment.line())
    console.print(Segments(segments), soft_wrap=True, end="")


def emit_lines(console: Console, lines: Sequence[Cell]) -> None:
    """Print lines that are already laid out (never wrapped, never cut), without trailing
    blanks: as plain text when the console shows no colour (a pipe, a file), which is quick
    for thousands of lines; else with their styles."""
    if not console.is_terminal or console.no_color:
        plain = (line.plain if isinstance(line, Text) else line for line in lines)
        console.file.write("".join(f"{text.rstrip()}\n" for text in plain))
        console.file.flush()
        return
    shown = Text("\n").join(
        Text(line.rstrip()) if isinstance(line, str) else _rstrip(line) for line in lines
    )
    console.print(shown, soft_wrap=True, crop=False)


def _rstrip(text: Text) -> Text:
    text = text.copy()
    text.rstrip()
    return text


def _rstripped(line: list[Segment]) -> list[Segment]:
    line = list(line)
    while line and not line[-1].control and not line[-1].text.rstrip():
        line.pop()
    if line and not line[-1].control:
        last = line[-1]
        line[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return line


@dataclass(frozen=True)
class Column:
    """A table column; `shortest` > 0 makes it free text that may be shortened to that many
    cells when the table is too wide; `drop` > 0 lets `narrowed` leave it out when the table
    would not fit otherwise, the highest `drop` first."""

    header: str
    right: bool = False
    shortest: int = 0
    drop: int = 0


def shortened(text: str, width: int) -> str:
    """`text` in at most `width` cells: cut, with "…" in place of the rest."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for char in text:
        if cell_len(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def width_of(text: str) -> int:
    """The cells `text` takes: its length when it is ASCII (quick: most cells are figures and
    codes), else rich's measure (a Chinese character takes two)."""
    return len(text) if text.isascii() else cell_len(text)


def _len(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else width_of(cell)


def fit_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int, *, gap: int = 1
) -> list[int]:
    """Each column's width: its widest cell (or header), the free columns shrunk, the widest
    first, until the table fits `width` (with `gap` cells between columns) or none can
    shrink further."""
    widths = [width_of(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _len(cell))
    excess = sum(widths) + gap * (len(columns) - 1) - width
    while excess > 0:
        free = [i for i, c in enumerate(columns) if c.shortest and widths[i] > c.shortest]
        if not free:
            break
        widest = max(free, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def least_width(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *, gap: int = 1) -> int:
    """The narrowest the table can be drawn: each column as wide as its widest cell (or
    header), free text shortened to its `shortest`, `gap` cells between columns."""
    widths = [width_of(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _len(cell))
    least = [min(w, c.shortest) if c.shortest else w for c, w in zip(columns, widths, strict=True)]
    return sum(least) + gap * (len(columns) - 1)


@dataclass(frozen=True)
class Narrowed:
    """A table with the columns `narrowed` kept: `hidden` are the headers of those left out,
    `full` the width at which every column is shown."""

    columns: list[Column]
    rows: list[list[Text]]
    hidden: list[str]
    full: int


def narrowed(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int, *, gap: int = 1
) -> Narrowed:
    """The table without the columns that must go for it to fit `width` with its free text
    no shorter than its `shortest`: the droppable columns (`drop` > 0) leave, the highest
    `drop` first, only while the table is still too wide. Every column stays when the table
    fits; a table too wide even without them is left to `fitted`, which shortens it."""
    full = least_width(columns, rows, gap=gap)
    kept = list(range(len(columns)))
    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
        if (
            least_width([columns[k] for k in kept], [[r[k] for k in kept] for r in rows], gap=gap)
            <= width
        ):
            break
        kept.remove(i)
    return Narrowed(
        columns=[columns[k] for k in kept],
        rows=[[row[k] for k in kept] for row in rows],
        hidden=[c.header for i, c in enumerate(columns) if i not in kept],
        full=full,
    )


def hidden_note(narrow: Narrowed) -> str:
    """What a narrowed table left out and how to see it; "" when it left out nothing."""
    if not narrow.hidden:
        return ""
    return (
        f"未列: {'、'.join(narrow.hidden)} (终端宽 {narrow.full} 列以上或 COLUMNS={narrow.full} "
        "时列出; --json 含全部字段)"
    )


def fitted(columns: list[Column], rows: list[list[Text]], width: int) -> Table:
    """A borderless table of `rows` (one cell per column) no wider than `width` when the free
    columns can shrink that far (the widest shrinks first), one space between columns."""
    widths = fit_widths(columns, rows, width)
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, show_edge=False)
    for c in columns:
        table.add_column(c.header, justify="right" if c.right else "left", no_wrap=True)
    for row in rows:  # each column as wide as its widest cell once shortened
        table.add_row(*(_fit(cell, w) for cell, w in zip(row, widths, strict=True)))
    return table


def _fit(cell: Text, width: int) -> Text:
    if cell.cell_len <= width:
        return cell
    return Text(shortened(cell.plain, width), style=cell.style)


def table_lines(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    *,
    gap: int = 2,
) -> list[Cell]:
    """The table as lines: the header (bold), then one line a row, each column as wide as
    `fit_widths` makes it, `gap` spaces between columns. A row of plain strings stays a
    string (quick to print); a row with a styled cell becomes a Text."""
    widths = fit_widths(columns, rows, width, gap=gap)
    space = " " * gap
    rights = [c.right for c in columns]
    header = space.join(
        _pad(shortened(c.header, w), w, c.right) for c, w in zip(columns, widths, strict=True)
    )
    lines: list[Cell] = [Text(header, style="bold")]
    for row in rows:
        cells = [
            _fitted(cell, w, right) for cell, w, right in zip(row, widths, rights, strict=True)
        ]
        if any(isinstance(c, Text) for c in cells):
            lines.append(Text(space).join(Text(c) if isinstance(c, str) else c for c in cells))
        else:
            lines.append(space.join(str(c) for c in cells))
    return lines


def _fitted(cell: Cell, width: int, right: bool) -> Cell:
    """A cell shortened to `width` if it is longer (only free text can be: `fit_widths` makes
    every other column as wide as its widest cell), then padded to it."""
    if isinstance(cell, Text):
        shown = cell if cell.cell_len <= width else Text(shortened(cell.plain, width), cell.style)
        blank = Text(" " * (width - shown.cell_len))
        return blank + shown if right else shown + blank
    text, size = cell, width_of(cell)
    if size > width:
        text = shortened(cell, width)
        size = cell_len(text)
    padding = " " * (width - size)
    return padding + text if right else text + padding


def _pad(text: str, width: int, right: bool) -> str:
    padding = " " * (width - width_of(text))
    return padding + text if right else text + padding


def packed(
    items: Sequence[str], width: int, *, sep: str = "  ", indent: int = 0, hang: int = 4
) -> list[str]:
    """`items` in order, `sep` between two on a line, in lines of at most `width` cells: the
    first indented by `indent`, the others by `hang`. An item moves whole to the next line
    when it does not fit; only an item wider than a line is split, between characters (a
    Chinese character takes two cells), never cut off."""
    lines: list[str] = []
    line, used, empty = " " * indent, indent, True
    gap = width_of(sep)
    for item in items:
        rest, size = item, width_of(item)
        if not empty and used + gap + size <= width:
            line, used = line + sep + rest, used + gap + size
            continue
        if not empty:
            lines.append(line)
            line, used = " " * hang, hang
        while used + size > width:
            head, rest = _split(rest, width - used)
            lines.append(line + head)
            line, used = " " * hang, hang
            size = width_of(rest)
        line, used, empty = line + rest, used + size, False
    lines.append(line)
    return lines


BREAKS = re.compile(r".*?(?:, +|  +|[，、；：]|\Z)")
"""The pieces a line may break after: each runs to a list's ", ", to two spaces (between the
items of a line) or to a Chinese comma, colon or semicolon. A single space does not break:
a label stays beside its value, a command line whole."""


def wrapped(text: str, width: int, *, indent: int = 0) -> list[str]:
    """`text` in lines of at most `width` cells, each indented by `indent`: broken after one of
    `BREAKS` where one falls in the line, else between two characters (a Chinese character
    takes two cells); nothing is cut off, and a width always gives the same lines."""
    room = max(width - indent, 8)
    margin = " " * indent
    if width_of(text) <= room:  # most lines: at once
        return [margin + text]
    lines: list[str] = []
    line = ""
    for piece in filter(None, BREAKS.findall(text)):
        rest = piece if line else piece.lstrip(" ")
        while rest:
            if width_of((line + rest).rstrip()) <= room:
                line += rest
                break
            if line:
                lines.append(line.rstrip())
                line, rest = "", rest.lstrip(" ")
                continue
            head, rest = _split(rest, room)  # a piece wider than a line
            lines.append(head)
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return [margin + line for line in lines]


def _split(text: str, room: int) -> tuple[str, str]:
    """`text` split after as many characters as fit `room` cells (one at least)."""
    used = 0
    for i, char in enumerate(text):
        used += cell_len(char)
        if used > room:
            return text[: max(i, 1)], text[max(i, 1) :]
    return text, ""


def receipt_lines(receipt: dict[str, Any], lang: Lang = "zh", *, wide: bool = False) -> list[str]:
    """The receipt under a table for people, in Chinese or English: the log position read
    and the engine, the log's head (HASH@POSITION), the state hash and the tree head (its
    root whole with `wide`)."""
    if lang == "zh":
        lines = [
            f"凭据    日志位置 {receipt['position']}，引擎 {receipt['engine_version']}",
            f"日志头  {receipt['digest']}",
            f"状态    {receipt['state_hash']}",
        ]
    else:
        lines = [
            f"receipt  position {receipt['position']}, engine {receipt['engine_version']}",
            f"digest   {receipt['digest']}",
            f"state    {receipt['state_hash']}",
        ]
    return lines + head_lines(receipt, lang, wide=wide)


def head_lines(receipt: dict[str, Any], lang: Lang, *, wide: bool = False) -> list[str]:
    """The receipt's tree head in one line: its root (abridged unless `wide`; audit head
    prints it whole) and who signed it."""
    head = receipt.get("signed_head")
    if not head:
        return []
    root = head["root"] if wide else f"{head['root'][:16]}…"
    if lang == "zh":
        signer = f"密钥 {head['key_id']} 签署" if head["signature"] else "未签名（unsigned）"
        return [f"树根    {root}，{signer}"]
    signer = f"signed by key {head['key_id']}" if head["signature"] else "unsigned"
    return [f"root     {root}, {signer}"]

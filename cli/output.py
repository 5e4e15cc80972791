"""How commands print: one JSON document, CSV, the results of writes, a console for tables, and
progress on stderr when stderr is a terminal."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from campaign import Result

Tick = Callable[[int, int | None], None]
"""Progress so far: (done, total or None when unknown)."""


def print_json(document: Any, *, compact: bool = False, err: bool = False) -> None:
    """One JSON document (indented, unless `compact`), on stdout unless `err`: its UTF-8
    bytes as orjson writes them, where the stream takes bytes (a checkpoint of 30,000 projects
    is 30 MB, and a round trip through text would only decode and encode them again); as text
    on a stream of text only, and on Windows, whose console click writes text to itself."""
    from orjson import OPT_INDENT_2, dumps

    data = dumps(document, option=None if compact else OPT_INDENT_2)
    click.echo(data.decode() if _text_only(sys.stderr if err else sys.stdout) else data, err=err)


def _text_only(stream: Any) -> bool:
    """Whether JSON goes to `stream` as text, not as its bytes (see `print_json`)."""
    return sys.platform == "win32" or getattr(stream, "buffer", None) is None


JSON_BUFFER = 1 << 16
"""Bytes of a JSON list gathered before they are written (one write per item would be a
million writes for a whole log)."""


def print_json_list(items: Iterable[Any]) -> int:
    """A JSON list on stdout, item by item as `items` yields them: the same bytes as
    `print_json(list(items))`, without holding the list (an audit log of a million events);
    the number of items."""
    from orjson import OPT_INDENT_2, dumps

    text = _text_only(sys.stdout)
    pending = bytearray(b"[")

    def write() -> None:
        click.echo(pending.decode() if text else bytes(pending), nl=False)
        pending.clear()

    count = 0
    for item in items:
        # an item indented as orjson indents it inside a list (no string holds a raw newline)
        pending += b"\n  " if count == 0 else b",\n  "
        pending += dumps(item, option=OPT_INDENT_2).replace(b"\n", b"\n  ")
        count += 1
        if len(pending) >= JSON_BUFFER:
            write()
    pending += b"\n]\n" if count else b"]\n"
    write()
    return count


def print_csv(
    rows: list[dict[str, Any]], columns: list[str] | None = None, *, keys: bool = False
) -> None:
    """A table as CSV: a header, then one line per row (nested figures left out).

    For people (the default), what Excel opens as it should: a UTF-8 byte-order mark (else
    Excel reads the Chinese as mojibake), Chinese headers and labels, money with two places,
    rates as percentages (Excel reads 52.65% as 0.5265), and a stored text that would start
    a formula written with a leading apostrophe. With `keys`, for machines: SPEC's field
    names and words, the JSON's figures (money with two places), no byte-order mark (a
    program would read it into the first header)."""
    from campaign.report.words import cell, header, key_cell

    if columns is None:
        first = rows[0] if rows else {}
        columns = [k for k, v in first.items() if not isinstance(v, (dict, list))]
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    if keys:
        writer.writerow(columns)
        for row in rows:
            writer.writerow(key_cell(k, row.get(k)) for k in columns)
        return
    out.write("\ufeff")
    writer.writerow(header(k) for k in columns)
    for row in rows:
        writer.writerow(cell(k, row.get(k)) for k in columns)


def emit_results(results: list[Result], as_json: bool) -> None:
    """What each command of a write did: one line each, or one JSON document."""
    if as_json:
        docs = [
            {
                "command": r.command,
                "appended": r.appended,
                "id": r.id,
                "message": r.message,
                "position": r.position,
                "head": r.head,
            }
            for r in results
        ]
        if len(docs) == 1:
            print_json(docs[0])
        else:
            last = results[-1]
            appended = sum(r.appended for r in results)
            print_json(
                {
                    "results": docs,
                    "appended": appended,
                    "position": last.position,
                    "head": last.head,
                }
            )
        return
    from campaign.domain.errors import printable

    for r in results:
        suffix = f" ({counted(r.appended, 'event')} appended)" if r.appended else ""
        # One line per result, even when a message quotes stored text with a control character.
        click.echo(f"{printable(r.message)}{suffix}")
    if results:
        click.echo(f"receipt {results[-1].receipt}")


def counted(number: int, noun: str) -> str:
    """`number` and `noun`, plural unless it is one: "1 event", "5,097 events"."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def console() -> Console:
    import shutil

    from rich.console import Console

    # Reports are wide tables: on a pipe or in a file, never squeeze them into 80 columns.
    width = shutil.get_terminal_size((200, 50)).columns if sys.stdout.isatty() else 200
    return Console(highlight=False, width=max(width, 120))


@contextmanager
def progress(label: str, *, unit: str = "events") -> Iterator[Tick | None]:
    """A progress line on stderr, only when stderr is a terminal: a bar once the total is
    known, else a running count; `unit` "bytes" shows sizes."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TimeRemainingColumn,
    )

    counter = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        BarColumn(),
        counter,
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield tick

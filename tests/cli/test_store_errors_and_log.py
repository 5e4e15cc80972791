"""Clear store errors (an unreachable server, a kind of URL the engine does not open, never a
password in any output) and the audit log as a clerk and an auditor read it."""

from __future__ import annotations

import io
import json
import socket
import time
from typing import TYPE_CHECKING, Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from cli.audit_tables import LOG_CHUNK, LOG_HEADERS, print_log
from tests.cli.test_cli import DEMO, Campaign, one_line

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_postgresql_is_refused_within_three_seconds_naming_host_and_port(
    tmp_path: Path,
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://app:s3cretpw@127.0.0.1:{port}/campaign"
    started = time.monotonic()
    result = Campaign(tmp_path)("status", "--db", url, db=False)
    assert time.monotonic() - started < 3
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert f"cannot reach PostgreSQL at 127.0.0.1:{port}" in line
    assert "refused" in line.lower()
    assert "s3cretpw" not in result.output


@pytest.mark.parametrize("url", ["mysql://u:pw@host/db", "sqlite:///tmp/x.db", "http://x/y"])
def test_a_url_of_another_kind_of_store_is_refused_by_name(tmp_path: Path, url: str) -> None:
    result = Campaign(tmp_path)("status", "--db", url, db=False)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "is not a kind of store this engine opens" in line
    assert ":pw@" not in line
    assert not list(tmp_path.iterdir())  # no file was made of it


def test_the_audit_log_names_each_request_and_gives_times_in_the_campaign_zone(
    demo: Campaign,
) -> None:
    result = demo.ok("audit", "log", "--type", "FactorRequest.Filed", "--json")
    entries = json.loads(result.stdout)
    assert entries and all(e["request"] for e in entries)
    assert all(e["recorded"].endswith("+08:00") for e in entries)
    assert all("request_id" not in e["fields"] for e in entries)
    table = demo.ok("audit", "log", "--type", "Filed").stdout
    for e in entries:
        assert e["request"] in table
        assert e["recorded"][:19] in table  # the same time in both forms


def test_an_unknown_event_type_is_refused_naming_the_known_ones(demo: Campaign) -> None:
    result = demo("audit", "log", "--type", "Foo")
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "type=Foo: is not an event type" in line
    assert "DailyReport.Corrected" in line and "FactorRequest.Filed" in line
    assert result.stdout == ""


def test_a_suffix_of_a_known_type_filters(demo: Campaign) -> None:
    entries = json.loads(demo.ok("audit", "log", "--type", "Corrected", "--json").stdout)
    assert entries and {e["type"] for e in entries} == {"DailyReport.Corrected"}


def test_filing_the_same_request_again_needs_again(demo: Campaign) -> None:
    args = ["factor", "file", "DM-001", "--category", "water", "--detail", "中水回用"]
    args += ["--date", "2020-06-29"]
    first = demo.ok(*args)
    before = demo.events()
    refused = demo(*args)
    assert refused.exit_code == 1
    assert "--again" in one_line(refused.stderr)
    assert demo.events() == before
    second = demo.ok(*args, "--again")
    assert demo.events() == before + 1
    assert first.stdout.split()[1] != second.stdout.split()[1]  # "filed <id>, due ..."


def test_a_scenario_filing_the_same_request_again_is_told_of_its_own_fields(
    tmp_path: Path,
) -> None:
    """The engine's refusal names no option of the command line: a scenario line says
    "again" or gives a "key"."""
    line = {
        "at": "2020-07-05T10:00:00+08:00",
        "cmd": "file_factor",
        "code": "DM-001",
        "category": "water",
        "detail": "中水回用",
        "date": "2020-06-29",
    }
    twice = [json.dumps(line | {"at": f"2020-07-05T10:0{i}:00+08:00"}) for i in (1, 2)]
    scenario = tmp_path / "twice.jsonl"
    scenario.write_text(DEMO.read_text(encoding="utf-8") + "\n".join(twice) + "\n", "utf-8")
    refused = Campaign(tmp_path)("scenario", "run", str(scenario))
    assert refused.exit_code == 1
    said = one_line(refused.stderr)
    assert "must say it is another (again), or each must carry its own key" in said
    assert "--" not in said


def _entry(position: int, actor: str, project: str) -> dict[str, Any]:
    return {
        "position": position,
        "recorded": "2020-04-16T10:00:00+00:00",
        "date": "2020-04-16",
        "actor": actor,
        "type": "DailyReport.Reported",
        "project": project,
        "request": None,
        "fields": {"investment_yuan": 1_205_000},
    }


def test_a_long_log_is_drawn_chunk_by_chunk_with_its_columns_lined_up() -> None:
    """The first chunk is drawn before the next is read. Every event's first line puts its
    position, times and type where the header put them, whatever its actor (under the row)."""
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False)
    drawn_before: list[int] = []

    def entries() -> Iterator[dict[str, Any]]:
        for position in range(1, 2 * LOG_CHUNK + 6):
            if position == LOG_CHUNK + 1:
                drawn_before.append(out.getvalue().count("\n"))
            longer = position > LOG_CHUNK
            yield _entry(position, "区重点项目办公室" if longer else "张三", "HD-0001")

    assert print_log(entries(), "Asia/Shanghai", console, events=10_000) == 2 * LOG_CHUNK + 5
    lines = out.getvalue().splitlines()
    assert drawn_before == [1 + 2 * LOG_CHUNK]  # the header and the first chunk's two lines each
    header, rows = lines[0], lines[1::2]
    assert header.split() == [*LOG_HEADERS, "项目"]
    assert [row.split()[0] for row in rows] == [str(p) for p in range(1, 2 * LOG_CHUNK + 6)]
    assert {cell_len(row[: row.index("2020-04-16T18")]) for row in rows} == {
        cell_len(header[: header.index("记录时间")])
    }
    assert {cell_len(row[: row.index("Daily")]) for row in rows} == {
        cell_len(header[: header.index("事件类型")])
    }
    assert {line.rstrip()[-1] for line in lines[2::2]} == {"元"}


def test_an_empty_log_is_drawn_as_its_header() -> None:
    out = io.StringIO()
    assert print_log(iter([]), "Asia/Shanghai", Console(file=out, width=200), events=0) == 0
    assert out.getvalue().split() == [*LOG_HEADERS, "项目"]


@pytest.mark.parametrize("width", [120, 140, 200])
def test_a_log_on_a_narrow_console_folds_its_fields_and_loses_no_character(width: int) -> None:
    def entries() -> Iterator[dict[str, Any]]:
        for position in range(1, LOG_CHUNK + 30):
            entry = _entry(position, "区重点项目办公室" * (1 + position // LOG_CHUNK), "HD-0001")
            entry["fields"] = {"reason": "监理核定工程量调减，" * 8, "investment_yuan": position}
            yield entry

    def drawn(on: int) -> tuple[list[str], str]:
        out = io.StringIO()
        print_log(entries(), "Asia/Shanghai", Console(file=out, width=on), events=10_000)
        return out.getvalue().splitlines(), "".join(out.getvalue().split())

    lines, characters = drawn(width)
    assert max(cell_len(line) for line in lines) <= width
    assert sorted(characters) == sorted(drawn(1_000)[1])


@pytest.mark.parametrize(
    "state", ["x'7b'", "1000000000000000", "NULL"], ids=["cut", "number", "null"]
)
@pytest.mark.parametrize(
    "command",
    [("checkpoint", "--as-of", "2020-06-30", "--no-snapshot"), ("audit", "log")],
    ids=["checkpoint", "audit log"],
)
def test_a_stored_state_that_is_not_json_is_told_in_one_line(
    demo: Campaign, state: str, command: tuple[str, ...]
) -> None:
    """Written by hand into the file: every reader names the store and points at verify,
    and verify names the event."""
    from tests.forger import attacker

    with attacker(demo.db) as conn:
        conn.execute(f"UPDATE stored_events SET state = {state} WHERE rowid = 30")
    result = demo(*command)
    assert result.exit_code == 1
    warning, line = result.stderr.splitlines()  # the triggers the forger dropped, put back
    assert warning.startswith("warning: ") and "triggers" in warning
    assert "holds an event the engine could not have written" in line
    assert "run campaign audit verify" in line
    verified = demo("audit", "verify")
    assert verified.exit_code == 1 and "position 30" in verified.stderr


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE stored_events SET originator_version = 'abc' WHERE rowid = 49",
        "UPDATE stored_events SET originator_version = -1 WHERE rowid = 49",
        "UPDATE event_chain SET hash = 1000000000000000 WHERE position = 49",
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ("checkpoint", "--as-of", "2020-06-30"),
        ("project", "milestone", "DM-001", "竣工", "--date", "2020-06-30"),
    ],
    ids=["read", "write"],
)
def test_a_last_event_rewritten_with_another_type_is_refused_in_one_line(
    demo: Campaign, change: str, command: tuple[str, ...]
) -> None:
    """The check of the log's tail before a read or a write names the event."""
    from tests.forger import attacker

    with attacker(demo.db) as conn:
        conn.execute(change)
    result = demo(*command)
    assert result.exit_code == 1
    assert "position 49" in result.stderr.splitlines()[-1]
    assert demo.events() == 49

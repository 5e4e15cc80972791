"""`audit reproduce`, `audit log` and `audit verify --public-key` as an auditor reads them
(SPEC §6.7, §7): in Chinese first, at the terminal's width (80 columns on a pipe), and an
audit claim that says truthfully what is wrong and where.

The store holds the demo scenario (49 events) and two publications: the checkpoint of
2020-06-30 as known at 2020-07-01 (appended at position 50), then that of 2020-05-31 as
known at publication (position 51, reading the log up to position 50). The forger holds the
SQLite file: it rewrites stored events and writes the chain and the tree again, so that
`audit verify` passes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, get_args

import pytest
from rich.cells import cell_len

from campaign.audit.reproduce import Problem, Reproduction, Rule, Unfolded
from cli.audit_tables import STATUS_WORDS, error_line, shown_fields
from tests.forger import attacker, rechain

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from click.testing import Result

    from tests.cli.test_cli import Campaign

FIRST, SECOND = 50, 51  # the positions of the two publications


@pytest.fixture
def published(demo: Campaign) -> Campaign:
    demo.ok("checkpoint", "publish", "--as-of", "2020-06-30", "--known-at", "2020-07-01")
    demo.ok("checkpoint", "publish", "--as-of", "2020-05-31")
    assert demo.events() == SECOND
    return demo


def rewrite_publication(db: str, at: int, edit: Callable[[dict[str, Any]], None]) -> None:
    """The publication stored at position `at` edited, and the chain and the tree written
    again to match (the demo's positions are its rowids)."""
    with attacker(db) as conn:
        (state,) = conn.execute("SELECT state FROM stored_events WHERE rowid = ?", (at,)).fetchone()
        document = json.loads(state)
        assert "state_hash" in document  # a publication
        edit(document)
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        stored = text.encode() if isinstance(state, bytes) else text
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (stored, at))
        rechain(conn)


def reproduced(run: Campaign) -> tuple[Result, dict[str, Any]]:
    """`audit reproduce` for people, and its --json."""
    table = run("audit", "reproduce", env={"COLUMNS": "80"})
    document = json.loads(run("audit", "reproduce", "--json").stdout)
    return table, document


def at_width(run: Campaign, columns: str | None, *args: str) -> Result:
    """A command that succeeds, run with COLUMNS set to `columns` (None: unset, a pipe)."""
    result = run(*args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    return result


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error: ")]


def fits(text: str, width: int) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, line
        assert line == line.rstrip(), line


# ------------------------------------------------------------------- a malformed publication


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.__setitem__(key, value)


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.pop(key)


MALFORMED = [
    ("position", _set("position", "abc"), '"abc"', "不是整数"),
    ("position", _set("position", 999), "999", "超出日志末尾（日志共 51 条事件）"),
    ("position", _set("position", 3.5), "3.5", "不是整数"),
    ("position", _set("position", 0), "0", "不是日志中的位置"),
    ("position", _set("position", SECOND), "51", "不在此发布之前"),
    ("position", _drop("position"), None, "缺少字段 position"),
    ("as_of", _set("as_of", "2020-13-01"), '"2020-13-01"', "不是 YYYY-MM-DD 格式的日期"),
    ("as_of", _set("as_of", "2019-05-31"), '"2019-05-31"', "不在会战年度 2020 内"),
    ("as_of", _drop("as_of"), None, "缺少字段 as_of"),
    ("known_at", _set("known_at", "yesterday"), '"yesterday"', "既不是日期"),
    ("state_hash", _drop("state_hash"), None, "缺少字段 state_hash"),
    ("head_hash", _set("head_hash", "not a hash"), '"not a hash"', "不是 SHA-256 哈希"),
]
MALFORMED_IDS = [
    "position is text",
    "position past the head",
    "position a fraction",
    "position zero",
    "position not before the publication",
    "position missing",
    "as_of not a date",
    "as_of in another year",
    "as_of missing",
    "known_at neither a date nor a time",
    "state_hash missing",
    "head_hash not a hash",
]


@pytest.mark.parametrize(("field", "edit", "shown", "rule"), MALFORMED, ids=MALFORMED_IDS)
def test_a_malformed_publication_is_named_not_reproducible_and_the_others_are_still_checked(
    published: Campaign,
    field: str,
    edit: Callable[[dict[str, Any]], None],
    shown: str | None,
    rule: str,
) -> None:
    """Given the later publication rewritten with a field that is missing or not of its
    kind, and the log chained again over it (it verifies in itself), when the auditor
    reproduces, then that publication is named not reproducible with the field, the value
    and the rule, in the table, on stderr and in --json, the earlier one still reproduces,
    and the command exits 1 without an unexpected error."""
    rewrite_publication(published.db, SECOND, edit)
    assert published("audit", "verify").exit_code == 0  # consistent in itself

    table, document = reproduced(published)

    assert table.exit_code == 1
    assert "unexpected" not in table.stderr
    named = f"{field}={shown}" if shown is not None else field
    assert named in table.stdout and rule in table.stdout
    assert "无法复核" in table.stdout
    assert "一致" in table.stdout  # the earlier publication, still checked
    (line,) = errors(table)
    assert f"位置 {SECOND} 的发布" in line and named in line and rule in line
    first, second = document["checkpoints"]
    assert (first["ok"], first["status"]) == (True, "ok")
    assert (second["ok"], second["status"]) == (False, "not_reproducible")
    assert second["published_at"] == SECOND
    assert second["problem"]["field"] == field
    if shown is not None:
        assert json.dumps(second["problem"]["value"]) == shown
    assert document["mismatches"] == 1
    assert document["by_status"] == {
        "ok": 1,
        "log_differs": 0,
        "figures_differ": 0,
        "not_reproducible": 1,
    }
    fits(table.stdout, 80)


def test_a_publication_that_is_not_json_is_named_not_reproducible(published: Campaign) -> None:
    with attacker(published.db) as conn:
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (b"{oops", SECOND))
        rechain(conn)

    table, document = reproduced(published)

    assert table.exit_code == 1
    assert "unexpected" not in table.stderr
    assert "state=" in table.stdout and "不是 JSON 对象" in table.stdout
    assert [c["status"] for c in document["checkpoints"]] == ["ok", "not_reproducible"]
    assert document["checkpoints"][1]["problem"]["field"] == "state"


# -------------------------------------------------- the log at fault, or the figures


def test_a_history_rewritten_before_a_publication_blames_the_log_and_points_to_verify(
    published: Campaign,
) -> None:
    """Given a daily report rewritten and the chain written again (verify passes), when the
    auditor reproduces, then each publication is named as having read another log than the
    one the store now holds at its position, with both chain hashes, and `audit verify` is
    the next step; the publication is not said to be wrongly published."""
    with attacker(published.db) as conn:
        conn.execute(
            "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), '18000000', "
            "'19000000') AS BLOB) WHERE rowid = 18"
        )
        rechain(conn)
    assert published("audit", "verify").exit_code == 0

    table, document = reproduced(published)

    assert table.exit_code == 1
    assert sum(line.endswith("  日志不符") for line in table.stdout.splitlines()) == 2
    assert "已发布的调度 2 个：日志不符 2 个" in table.stdout
    assert "已不是此发布所读的日志" in table.stdout
    assert "campaign audit verify" in table.stdout
    for line in errors(table):
        assert "日志不符" in line and "campaign audit verify" in line
        assert "published as" not in line and "数字不符" not in line
    for c in document["checkpoints"]:
        assert (c["ok"], c["status"]) == (False, "log_differs")
        assert c["problem"]["field"] == "head_hash"
        assert c["log_head_hash"] != c["head_hash"]
        assert c["head_hash"] in table.stdout and c["log_head_hash"] in table.stdout
        assert "campaign audit verify" in c["problem"]["rule"]
    fits(table.stdout, 80)


def test_a_publication_whose_state_hash_was_changed_is_told_apart_as_figures_that_differ(
    published: Campaign,
) -> None:
    """Given the later publication's state hash rewritten (the log it read untouched), when
    the auditor reproduces, then the log is said to be the one it read and the figures to
    differ, with both state hashes."""
    rewrite_publication(published.db, SECOND, _set("state_hash", "0" * 64))

    table, document = reproduced(published)

    assert table.exit_code == 1
    first, second = document["checkpoints"]
    assert first["status"] == "ok"
    assert (second["status"], second["problem"]["field"]) == ("figures_differ", "state_hash")
    assert second["head_hash"] == second["log_head_hash"]
    assert "数字不符" in table.stdout and "链哈希相符" in table.stdout
    assert "0" * 64 in table.stdout and second["computed"] in table.stdout
    (line,) = errors(table)
    assert "数字不符" in line and "日志不符" not in line


def test_the_publication_before_a_rewritten_one_reads_a_log_that_changed_under_it(
    published: Campaign,
) -> None:
    """The earlier publication rewritten (a malformed as_of) lies inside the log the later
    one read: the earlier is not reproducible, the later's log differs; neither ends the
    command early."""
    rewrite_publication(published.db, FIRST, _set("as_of", "2020-13-01"))

    table, document = reproduced(published)

    assert table.exit_code == 1
    assert [c["status"] for c in document["checkpoints"]] == ["not_reproducible", "log_differs"]
    assert len(errors(table)) == 2


# ------------------------------------------------------------------------- Chinese first


@pytest.mark.parametrize("rule", get_args(Rule))
def test_every_reason_a_publication_does_not_reproduce_is_said_in_chinese(rule: Rule) -> None:
    """Whatever keeps a publication from reproducing, its one line names the publication,
    the verdict and the reason in Chinese."""
    bound = Unfolded(31, 47, "DM-991", None) if rule == "unreadable" else 7
    reproduction = Reproduction(
        at=51,
        as_of="2020-06-30",
        known_at=None,
        position=47,
        published="a" * 64,
        computed="b" * 64,
        problem=Problem("position", 47, rule, bound),
    )

    line = error_line(reproduction)

    assert line.startswith("位置 51 的发布（调度 2020-06-30，发布时所知，读至位置 47）")
    verdict, _, reason = line.partition("）")[2].partition("：")
    assert verdict == STATUS_WORDS[reproduction.status]
    assert any("\u4e00" <= c <= "\u9fff" for c in reason), reason


def test_reproduce_speaks_chinese_first_and_keeps_its_json_fields(published: Campaign) -> None:
    table, document = reproduced(published)

    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == [
        "发布位置",
        "调度日期",
        "截至所知",
        "读至位置",
        "结果",
    ]
    assert sum(line.endswith("  一致") for line in table.stdout.splitlines()) == 2
    assert "已发布的调度 2 个：一致 2 个" in table.stdout
    for english in ("ok ", "MISMATCH", "published checkpoints", "mismatches"):
        assert english not in table.stdout
    assert {"published", "mismatches", "checkpoints"} <= document.keys()
    for c in document["checkpoints"]:
        assert {"as_of", "known_at", "position", "published", "computed", "ok"} <= c.keys()
        assert c["published"] == c["computed"] and c["computed"] in table.stdout
    assert [(c["as_of"], c["known_at"]) for c in document["checkpoints"]] == [
        ("2020-06-30", "2020-07-01"),
        ("2020-05-31", None),
    ]
    fits(table.stdout, 80)


def test_a_store_without_publications_says_so(demo: Campaign) -> None:
    result = demo.ok("audit", "reproduce")
    assert result.stdout.strip() == "已发布的调度 0 个"


# ----------------------------------------------------------------------------- audit log

HEADER = ["位置", "记录时间", "业务日期", "事件类型", "项目"]


@pytest.mark.parametrize("columns", ["80", "60", "120"])
def test_the_audit_log_fits_the_terminal_and_wraps_the_fields_under_the_row(
    demo: Campaign, columns: str
) -> None:
    """Every line fits the width COLUMNS gives; each event's first line leads with its
    position and recorded time, and its fields follow under it, every character kept."""
    width = int(columns)
    result = at_width(demo, columns, "audit", "log")
    entries = json.loads(demo.ok("audit", "log", "--json").stdout)

    fits(result.stdout, width)
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.split()[0].isdigit()]
    assert [int(row.split()[0]) for row in rows] == [e["position"] for e in entries]
    assert all(e["recorded"][:19] in rows[i] for i, e in enumerate(entries))
    squeezed = "".join(result.stdout.split())
    for e in entries:
        assert "".join(shown_fields(e["fields"]).split()) in squeezed
        assert e["actor"] in squeezed
    assert "共 49 条事件" in result.stderr


def test_the_audit_log_on_a_pipe_is_80_columns_and_the_same_every_time(demo: Campaign) -> None:
    first = at_width(demo, None, "audit", "log")
    again = at_width(demo, None, "audit", "log")

    assert first.stdout == again.stdout
    fits(first.stdout, 80)
    assert max(cell_len(line) for line in first.stdout.splitlines()) > 60  # the width is used
    assert first.stdout.splitlines()[0].split() == HEADER


def test_the_audit_log_of_a_filter_passing_nothing_is_its_header(demo: Campaign) -> None:
    result = at_width(demo, "80", "audit", "log", "--project", "NO-SUCH")
    assert result.stdout.split() == HEADER
    assert "共 0 条事件" in result.stderr


def test_the_audit_log_shows_a_forged_control_character_as_an_escape(demo: Campaign) -> None:
    """An actor rewritten behind the triggers to clear the screen: the table shows the
    escape, never the character itself."""
    with attacker(demo.db) as conn:
        conn.execute(
            'UPDATE stored_events SET state = replace(state, \'"actor":"\', '
            '\'"actor":"\\u001b[2J\') WHERE rowid = 2'
        )
        rechain(conn)

    result = at_width(demo, "80", "audit", "log", "--limit", "3")

    assert "\x1b" not in result.stdout
    assert "记录人 \\x1b[2J" in result.stdout


def test_audit_diff_shows_a_forged_control_character_as_an_escape(demo: Campaign) -> None:
    """The same in the events a diff names: an actor rewritten to clear the screen."""
    with attacker(demo.db) as conn:
        conn.execute(
            'UPDATE stored_events SET state = replace(state, \'"actor":"\', '
            '\'"actor":"\\u001b[2J\') WHERE rowid = 48'
        )
        rechain(conn)

    args = ("--as-of", "2020-06-30", "--known-at", "2020-06-30", "--vs", "2020-07-10")
    result = at_width(demo, "80", "audit", "diff", *args)

    assert "\x1b" not in result.stdout
    assert "\\x1b[2JDM-003项目部" in result.stdout


# ------------------------------------------------------------------ verify --public-key


def test_a_public_key_without_a_head_to_check_is_a_usage_error(
    demo: Campaign, tmp_path: Path
) -> None:
    """--public-key checks the signature of the head --against gives: alone it would be
    ignored, so it is a usage error naming the option, the file and the rule."""
    keygen = demo("audit", "keygen", "--out", str(tmp_path / "office.key"), db=False)
    assert keygen.exit_code == 0
    (tmp_path / "office.pub").write_text(keygen.stdout)

    result = demo("audit", "verify", "--public-key", str(tmp_path / "office.pub"))

    assert result.exit_code == 2
    line = result.stderr.splitlines()[-1]
    assert (
        line.startswith(f"Error: --public-key {tmp_path / 'office.pub'}: ") and "--against" in line
    )
    assert result.stdout == ""

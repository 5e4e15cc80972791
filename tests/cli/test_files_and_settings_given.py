"""What a user names on the command line or in the environment (a file to write, a settings
file, a kept head, the store, the lock timeout): anything wrong with it is one refusal line,
and nothing is appended."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.cli.test_cli import DEMO, Campaign, one_line

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--as-of", "2020-06-30", "--out"),
        ("report", "--as-of", "2020-06-30", "--xlsx"),
        ("checkpoint", "--as-of", "2020-06-30", "--xlsx"),
    ],
)
def test_a_report_written_into_a_folder_that_does_not_exist_is_refused_in_one_line(
    demo: Campaign, args: tuple[str, ...]
) -> None:
    target = demo.folder / "no-such-folder" / "out.file"
    result = demo(*args, str(target))
    assert result.exit_code == 1
    assert one_line(result.stderr) == (f"Error: cannot write {target}: No such file or directory")


def test_a_settings_file_saved_with_a_byte_order_mark_is_read(demo: Campaign) -> None:
    settings = demo.folder / "amend.json"
    fields = {"date": "2020-06-01", "reason": "端午调休", "holidays": ["2020-06-26"]}
    settings.write_bytes(b"\xef\xbb\xbf" + json.dumps(fields, ensure_ascii=False).encode())
    result = demo("amend", "--from", str(settings))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("content", [b"\xff\xfe{}", '{"reason": "端午"}'.encode("gbk")])
def test_a_settings_file_that_is_not_utf8_is_refused_in_one_line(
    demo: Campaign, content: bytes
) -> None:
    settings = demo.folder / "amend.json"
    settings.write_bytes(content)
    before = demo.events()
    result = demo("amend", "--from", str(settings))
    assert result.exit_code == 1
    assert "is not UTF-8 text" in one_line(result.stderr)
    assert demo.events() == before


def test_a_scenario_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    scenario = tmp_path / "bom.jsonl"
    scenario.write_bytes(b"\xef\xbb\xbf" + DEMO.read_bytes())
    run = Campaign(tmp_path)
    run.ok("scenario", "run", str(scenario))
    assert run.events() == 49


def test_a_kept_head_that_is_no_file_is_named_as_missing(demo: Campaign) -> None:
    result = demo("audit", "verify", "--against", "nothere.json")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: head=nothere.json: no such file (a head is a file kept from `audit head`, or "
        "its JSON text)"
    )


def test_an_empty_store_name_is_refused_rather_than_taken_for_the_default(
    demo: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = demo.folder / "elsewhere"  # where ./campaign.db would be made
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = demo(
        "progress",
        "report",
        "DM-001",
        "--date",
        "2020-06-29",
        "--investment",
        "1",
        "--db",
        "",
        db=False,
    )
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: db='': names no store: give a SQLite file or a postgresql:// URL"
    )
    assert not any(elsewhere.iterdir())
    assert demo.events() == 49


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "٣"])
def test_a_lock_timeout_that_is_no_whole_number_of_seconds_is_refused(
    demo: Campaign, value: str
) -> None:
    result = demo("status", env={"CAMPAIGN_LOCK_TIMEOUT": value})
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        f"Error: CAMPAIGN_LOCK_TIMEOUT={value}: must be a whole number of seconds"
    )


@pytest.mark.parametrize(
    ("position", "rule"),
    [
        ("4_9", "a digest is written HASH@POSITION"),
        ("٤٩", "a digest is written HASH@POSITION"),
        ("0", "a digest at position 0 is the log before its first event: 64 zeros"),
    ],
)
def test_a_digest_is_read_only_in_its_own_form(demo: Campaign, position: str, rule: str) -> None:
    result = demo("audit", "verify", "--digest", f"{'ab' * 32}@{position}")
    assert result.exit_code == 1
    assert rule in one_line(result.stderr)


def test_a_later_reading_that_is_no_time_is_named_as_vs(demo: Campaign) -> None:
    args = ("audit", "diff", "--as-of", "2020-06-30", "--known-at", "2020-06-30")
    result = demo(*args, "--vs", "garbage")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("Error: vs=garbage: ")


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"short", "holds 5 bytes, not a key of 32 (name another file, or a new one)"),
        (None, "cannot be read (Is a directory)"),
    ],
)
def test_a_cache_key_that_is_no_key_is_refused_rather_than_snapshots_silently_off(
    demo: Campaign, content: bytes | None, rule: str
) -> None:
    key = demo.folder / "cache.key"
    if content is None:
        key.mkdir()
    else:
        key.write_bytes(content)
    write = ("progress", "report", "DM-001", "--date", "2020-06-29", "--investment", "1")
    result = demo(*write, env={"CAMPAIGN_CACHE_KEY": str(key)})
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith("Error: CAMPAIGN_CACHE_KEY=")
    assert line.endswith(f": {rule}")
    assert demo.events() == 49


def test_a_cache_key_that_is_no_key_leaves_no_new_store_behind(tmp_path: Path) -> None:
    key = tmp_path / "cache.key"
    key.write_bytes(b"short")
    run = Campaign(tmp_path / "new")
    (tmp_path / "new").mkdir()
    opening = ("open", "x", "--year", "2020", "--start", "2020-03-23", "--end", "2020-06-30")
    result = run(*opening, env={"CAMPAIGN_CACHE_KEY": str(key)})
    assert result.exit_code == 1
    assert list((tmp_path / "new").iterdir()) == []


def test_a_cache_key_named_where_none_is_yet_is_made_there(demo: Campaign) -> None:
    key = demo.folder / "keys" / "cache.key"
    result = demo("checkpoint", "--as-of", "2020-06-30", env={"CAMPAIGN_CACHE_KEY": str(key)})
    assert result.exit_code == 0, result.output
    assert len(key.read_bytes()) == 32
    assert key.stat().st_mode & 0o777 == 0o600


def test_revoking_on_a_sqlite_store_says_it_has_no_roles(demo: Campaign) -> None:
    result = demo("admin", "revoke", "zz_team_001")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "Error: a SQLite store has no roles: the file's own permissions say who may read and "
        "write it"
    )

"""Every `--help` fits an 80-column terminal, measured in cells (a Chinese character takes two,
though click wraps help by characters), and the receipt under a table is printed by one
function in either language."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

import cli.checkpoint_tables
import cli.tables
from cli.main import cli as campaign

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.cli.test_cli import Campaign

WIDTH = 80


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and group under `command`, as the words that name it."""
    yield path
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None
            yield from command_paths(sub, (*path, name))


def each_command() -> list[Any]:
    return [pytest.param(path, id=" ".join(path) or "campaign") for path in command_paths(campaign)]


def overflowing(path: tuple[str, ...], width: int = WIDTH) -> list[str]:
    """The lines of `campaign PATH --help` wider than `width` cells, at that terminal width."""
    result = CliRunner().invoke(
        campaign, [*path, "--help"], terminal_width=width, env={"COLUMNS": str(width)}
    )
    assert result.exit_code == 0, result.output
    return [
        f"{cell_len(line)} cells: {line}"
        for line in result.stdout.splitlines()
        if cell_len(line) > width
    ]


@pytest.mark.parametrize("path", each_command())
def test_every_help_fits_an_80_column_terminal(path: tuple[str, ...]) -> None:
    assert overflowing(path) == []


def test_a_vocabulary_in_help_is_laid_out_in_lines_that_fit() -> None:
    text = CliRunner().invoke(campaign, ["factor", "list", "--help"], terminal_width=WIDTH)
    assert "  --category CATEGORY  Only this category, by name or in Chinese:" in text.stdout
    assert "land 用地, energy 能耗, environment 环评," in text.stdout
    assert "road_pipe 道路管网" in text.stdout


# ------------------------------------------------------------------------------ receipt


def test_the_checkpoint_and_the_look_ups_print_one_receipt() -> None:
    assert vars(cli.checkpoint_tables)["receipt_lines"] is cli.tables.receipt_lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_checkpoints_receipt_is_the_receipt_in_its_language(demo: Campaign, lang: str) -> None:
    query = ("checkpoint", "--as-of", "2020-06-30", "--lang", lang)
    receipt = json.loads(demo.ok(*query, "--json").stdout)["receipt"]
    text = demo.ok(*query).stdout
    lines = cli.tables.receipt_lines(receipt, "en" if lang == "en" else "zh")
    assert text.splitlines()[-len(lines) :] == lines
    assert lines[0].startswith("receipt  position 49" if lang == "en" else "凭据    日志位置 49")


def test_a_wide_checkpoint_shows_the_tree_root_whole(demo: Campaign) -> None:
    query = ("checkpoint", "--as-of", "2020-06-30")
    root = json.loads(demo.ok(*query, "--json").stdout)["receipt"]["signed_head"]["root"]
    assert f"树根    {root}，" in demo.ok(*query, "--wide").stdout
    assert f"树根    {root[:16]}…，" in demo.ok(*query).stdout


def test_every_type_of_event_status_counts_has_its_chinese_words() -> None:
    from campaign.audit.log import event_types
    from cli.commands.campaign import EVENT_WORDS

    assert set(EVENT_WORDS) == set(event_types())

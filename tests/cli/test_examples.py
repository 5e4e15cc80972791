"""The first ten minutes of a newcomer: every example in `--help` and in the README's tour runs
as typed, in order, in a fresh folder holding the repository's scenarios and tools (the files
examples name are there), with the real `campaign` command in a shell."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.main import cli
from tests import postgres_server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# The help examples tell one story, command after command, as a newcomer would run them; the
# root's "Start with" is a story of its own (a fresh folder). A command missing here fails the
# test: every command's examples must run.
STORIES: dict[str, list[str]] = {
    "start": [""],
    # the owner shares a PostgreSQL store (CAMPAIGN_DB names it; the roles exist)
    "shared": ["admin init", "admin migrate", "admin grant", "admin revoke"],
    "tour": [
        "open",
        "amend",
        "project register",
        "project revise",
        "project milestone",
        "progress report",
        "progress correct",
        "progress template",
        "progress import",
        "factor file",
        "factor import",
        "factor extend",
        "factor escalate",
        "factor resolve",
        "project terminate",
        "status",
        "scenario generate",
        "scenario run",  # demo.db: a simulated campaign, for views as known in 2020
        "project list",
        "project show",
        "factor list",
        "progress missing",
        "checkpoint",
        "checkpoint publish",
        "report",  # demo.db: the 通报 and the 调度表 of the simulated campaign
        "replay",
        "audit log",
        "audit diff",
        "audit reproduce",
        "audit keygen",
        "audit head",
        "audit verify",
        "audit prove",
        "export",
        "import",
    ],
}
HEADINGS = re.compile(r"^\s*(Examples?|Start with)\b.*:\s*$")


def commands() -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}

    def walk(command: click.Command, path: list[str]) -> None:
        found[" ".join(path)] = command
        if isinstance(command, click.Group):
            for name in command.list_commands(click.Context(command)):
                sub = command.get_command(click.Context(command), name)
                assert sub is not None
                assert sub.name == name  # a group's table of lazy commands names them right
                walk(sub, [*path, name])

    walk(cli, [])
    return found


def examples(text: str) -> list[str]:
    """The command lines under an Example(s) / Start with heading of a help text, each with its
    continuation lines joined."""
    lines, taking, current = [], False, ""
    for raw in text.splitlines():
        line = raw.strip()
        if HEADINGS.match(raw):
            taking = True
            continue
        if not taking:
            continue
        if current:
            current += " " + line.removesuffix("\\").strip()
            if not line.endswith("\\"):
                lines.append(current)
                current = ""
        elif line.startswith("campaign "):
            if line.endswith("\\"):
                current = line.removesuffix("\\").strip()
            else:
                lines.append(line)
        elif line and not line.startswith("#"):
            taking = False
    return lines


def readme_tour(
    heading: str = "## A tour of the command line", starts: tuple[str, ...] = ("campaign ",)
) -> list[tuple[str, str | None]]:
    """(command line, expected error line or None) of every command in a README section (the
    tour, unless `heading` names another) whose line starts with one of `starts`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text.split(heading, 1)[1].split("\n## ", 1)[0]
    found: list[tuple[str, str | None]] = []
    for block in re.findall(r"```\n(.*?)```", tour, flags=re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("$ campaign "):  # shown with its refusal on the next line
                found.append((line[2:], lines[i + 1]))
                i += 2
                continue
            if line.startswith(starts):
                command = line
                while command.rstrip().endswith("\\"):
                    i += 1
                    command = command.rstrip().removesuffix("\\") + " " + lines[i].strip()
                found.append((command, None))
            i += 1
    return found


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A fresh folder as a newcomer's, with the repository's scenarios in it."""
    shutil.copytree(
        ROOT / "scenarios",
        tmp_path / "scenarios",
        ignore=shutil.ignore_patterns("*.py", "__pycache__", "generator"),
    )
    shutil.copytree(
        ROOT / "tools", tmp_path / "tools", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


SHARED_ROLES = ("zz_office", "zz_team_001", "zz_audit")


def shell(
    line: str, folder: Path, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    env |= extra or {}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "80"
    return subprocess.run(
        ["bash", "-c", line], cwd=folder, env=env, capture_output=True, text=True, check=False
    )


def test_every_command_has_an_example_and_a_place_in_a_story() -> None:
    placed = {name for story in STORIES.values() for name in story}
    for name, command in commands().items():
        if isinstance(command, click.Group) and name:
            continue  # a group's examples live on its commands
        assert examples(command.help or ""), f"campaign {name} has no example in its help"
        assert name in placed, f"campaign {name}: give its examples a place in STORIES"


@pytest.mark.parametrize(
    "story",
    [pytest.param(s, marks=pytest.mark.postgres) if s == "shared" else s for s in STORIES],
)
def test_every_help_example_runs_as_typed_in_order(
    story: str, folder: Path, request: pytest.FixtureRequest
) -> None:
    extra: dict[str, str] = {}
    if story == "shared":
        server: postgres_server.PostgresServer = request.getfixturevalue("postgres")
        db = server.create_database(f"campaign_examples_{os.getpid()}")
        server.create_roles(*SHARED_ROLES)
        extra["CAMPAIGN_DB"] = db
    known = commands()
    for name in STORIES[story]:
        for line in examples(known[name].help or ""):
            done = shell(line, folder, extra)
            assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"


def run_in_order(lines: list[tuple[str, str | None]], folder: Path, extra: dict[str, str]) -> None:
    for line, refusal in lines:
        done = shell(line, folder, extra)
        if refusal is None:
            assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
        else:
            assert done.returncode == 1, f"{line}\n{done.stdout}{done.stderr}"
            assert done.stderr.strip() == refusal.strip(), line


def test_the_readme_tour_runs_as_typed_in_order(folder: Path) -> None:
    tour = readme_tour(starts=("campaign ", "python tools/"))
    assert len(tour) > 30
    assert any(line.startswith("python tools/verify_proof.py") for line, _ in tour)
    run_in_order(tour, folder, {})


@pytest.mark.postgres
def test_the_readme_shared_deployment_runs_as_typed_in_order(folder: Path) -> None:
    """On a server of its own (the steps create roles and a database by fixed names), as
    `localhost` on its default port: PGPORT says where this one listens, as libpq reads it."""
    server = postgres_server.start()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        steps = readme_tour("## Sharing a store", ("campaign ", "psql ", "echo "))
        assert len(steps) >= 14
        run_in_order(steps, folder, {"PGPORT": str(server.port), "HOME": str(folder)})
        assert (folder / ".pgpass").stat().st_mode & 0o777 == 0o600
    finally:
        server.stop()


LOADED = """
import atexit, sys
loaded = lambda: sorted(m for m in sys.modules if m.startswith("cli.commands."))
atexit.register(lambda: print(" ".join(loaded()), file=sys.stderr))
sys.argv = ["campaign", "progress", "report", "--help"]
from cli.main import main
main()
"""


def test_a_command_imports_its_own_module_only() -> None:
    """`campaign progress report` loads the progress commands, not every other command's
    module (the look-ups, the sheets, the audit, the report): a clerk's command starts quick."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stderr.split() == ["cli.commands.progress"]

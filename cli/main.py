"""The `campaign` command: a thin click adapter over the engine.

Data goes to stdout (one JSON document with `--json`), diagnostics to stderr. Exit 0 on success,
1 when a rule refuses the command (nothing appended), 2 on a usage error. The engine is imported
only when a command runs, so that `--help` and a single append stay quick.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn

import click

from cli.context import Config
from cli.lazy import LazyGroup

COMMANDS = {
    "admin": "cli.commands.admin:admin",
    "amend": "cli.commands.campaign:amend_campaign",
    "audit": "cli.commands.audit:audit",
    "checkpoint": "cli.commands.checkpoint:checkpoint",
    "export": "cli.commands.audit:export_command",
    "factor": "cli.commands.factor:factor",
    "import": "cli.commands.audit:import_command",
    "open": "cli.commands.campaign:open_campaign",
    "progress": "cli.commands.progress:progress",
    "project": "cli.commands.project:project",
    "replay": "cli.commands.checkpoint:replay_command",
    "report": "cli.commands.report:report",
    "scenario": "cli.commands.scenario:scenario",
    "status": "cli.commands.campaign:status",
}
"""Each command and where it is defined: a command imports its own module only."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="campaign", prog_name="campaign")
def cli() -> None:
    """百日会战 progress engine: an append-only log of a hundred-day campaign on key projects.

    Project teams record daily progress and factor-support requests; the office and auditors
    read the log back. Every command takes the store as --db (a SQLite file or a
    postgresql:// URL), else CAMPAIGN_DB, else campaign.db here. A command without --date
    records today: a past campaign (2020, below) is recorded with --date.

    \b
    Start with:
      campaign open "高新区百日会战 2020" --year 2020 \\
          --start 2020-03-23 --end 2020-06-30
      campaign project register --code ZZ-001 --name "锂电池项目" \\
          --sector lithium --category new --unit 招商局 --leader 张三 \\
          --total-investment 50000 --annual-plan 15000 --date 2020-03-23
      campaign progress report ZZ-001 --date 2020-03-24 \\
          --investment 120.5 --funds 100
      campaign status
    """


def main() -> None:
    """Entry point: no traceback ever reaches a user.

    A command is one short process, so Python's cyclic collector is off for all of it: what a
    command makes is freed by reference counting, and the rest with the process. Left on, it
    would scan every object a query made once the query is done (0.05 s after a checkpoint of
    12,658 projects), and the modules' objects again and again as they are imported."""
    gc.disable()
    try:
        cli.main(standalone_mode=False, obj=Config())
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        leave(1)
    except click.ClickException as error:
        error.show()
        leave(error.exit_code)
    except click.exceptions.Exit as done:
        leave(done.exit_code)
    except BrokenPipeError:
        leave(1)
    except Exception as error:  # the last line of defence: one line, never a traceback
        if os.environ.get("CAMPAIGN_DEBUG"):
            raise
        click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
        leave(1)
    leave(0)


def leave(code: int) -> NoReturn:
    """End the process with `code` as any exit does (the output flushed, the exit handlers
    run), but without taking the interpreter apart object by object: that took a sixth of a
    one-report command. Every store and file a command opens is closed by the command itself.
    With a thread still running, the ordinary exit waits for it."""
    if threading.active_count() > 1:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that closed the pipe, or a closed stream
            code = code or 1
    atexit._run_exitfuncs()
    os._exit(code)

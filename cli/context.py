"""What a command runs with: its configuration (tests give their own clock), the engine opened
from `--db` through the composition root, and the refusal every engine error becomes."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from campaign import Clock, Engine


@dataclass
class Config:
    """What the command line is run with; tests give their own clock."""

    clock: Clock | None = None
    lock_timeout: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Refusal(click.ClickException):
    """A command refused by a rule: one line on stderr, exit 1; `cause`, the engine's error
    it tells, when it tells one."""

    exit_code = 1

    def __init__(self, message: str, cause: Exception | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Write a file the user named: a folder that does not exist, a name that is a folder or a
    file that may not be written is one refusal line."""
    try:
        yield
    except OSError as error:
        raise Refusal(f"cannot write {path}: {error.strerror or error}") from None


@contextmanager
def engine_for(db: str, *, create: bool, signing_key: str | None = None) -> Iterator[Engine]:
    """The engine on the store `db` names (signing tree heads with `signing_key`, else the
    key CAMPAIGN_SIGNING_KEY names); any engine error becomes one refusal line."""
    from campaign import CampaignError, Settings, open_engine, store_trouble

    config = click.get_current_context().find_object(Config) or Config()
    try:
        settings = Settings.resolve(
            db, lock_timeout=config.lock_timeout, clock=config.clock, signing_key=signing_key
        )
        engine = open_engine(settings, create=create)
    except CampaignError as error:
        raise Refusal(str(error), error) from None
    if dropped := engine.store.dropped_guards:
        again = "" if engine.store.read_only else " (put back now)"
        click.echo(
            f"warning: {dropped} of the triggers that keep the store append-only had been "
            f"dropped or changed{again}: run campaign audit verify",
            err=True,
        )
    try:
        yield engine
        for at in engine.snapshots.refused if engine.snapshots else []:
            click.echo(
                f"warning: the projection snapshot at position {at} changed since it was taken: "
                "not used, these figures come from the log",
                err=True,
            )
    except CampaignError as error:
        raise Refusal(str(error), error) from None
    except Exception as error:
        if (line := store_trouble(error, settings.db)) is None:
            raise
        raise Refusal(line) from None
    finally:
        engine.close()


def execute(db: str, actor: str, as_json: bool, cmd: str, fields: dict[str, Any]) -> None:
    """Validate and run one command, print what it did."""
    from campaign import CampaignError, LikelyDuplicate, Refused, parse_command
    from cli.output import emit_results

    given = {k: v for k, v in fields.items() if v is not None}
    try:
        command = parse_command(cmd, given)
    except CampaignError as error:
        raise Refusal(str(error), error) from None
    with engine_for(db, create=cmd == "open_campaign") as engine:
        try:
            result = engine.execute(command, actor=actor)
        except LikelyDuplicate as error:  # advice in factor file's own options
            why = error.rule.partition(": ")[0]
            advice = "give --again to file another, or --key to name each request"
            reworded = Refused("detail", error.value, f"{why}: {advice}")
            raise Refusal(str(reworded), reworded) from None
    emit_results([result], as_json)


def parse_date(value: str | None, field: str = "as_of") -> Any:
    """A date typed on the command line (None stays None), by the engine's rule."""
    from campaign.domain.time import date_written

    if value is None:
        return None
    try:
        return date_written(value)
    except ValueError as error:
        raise Refusal(f"{field}={value}: {error}") from None


def keep_snapshots(db: str) -> None:
    """After a bulk write has committed: take the projection snapshots a query would take,
    now (progress on stderr at a terminal, once there is something to fold), so that no query
    after a load pays for them. A cache: nothing that goes wrong here, an interruption
    included, undoes or fails the write; a line on stderr says the snapshots were not taken."""
    import click

    from campaign.app.queries import catch_up, snapshots_behind
    from cli.output import progress

    try:
        with engine_for(db, create=False) as engine:
            if snapshots_behind(engine):
                with progress("taking projection snapshots") as tick:
                    catch_up(engine, tick)
    except (Exception, KeyboardInterrupt) as error:  # a cache: the write stands
        why = "interrupted" if isinstance(error, KeyboardInterrupt) else "they could not be"
        click.echo(
            f"note: the write is kept; projection snapshots not taken ({why}): the next query "
            "takes them",
            err=True,
        )

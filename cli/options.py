"""The options commands share: the store, the actor, JSON output, and the two time axes; the
choices come from the engine's own vocabulary."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

from campaign.bootstrap import DEFAULT_DB
from campaign.domain.vocabulary import (
    CATEGORY_LABELS,
    FACTOR_CATEGORY_LABELS,
    OUTCOME_LABELS,
    SECTOR_LABELS,
)

if TYPE_CHECKING:
    from enum import StrEnum

F = TypeVar("F", bound=Callable[..., Any])
E = TypeVar("E", bound="StrEnum")


def choices(labels: Mapping[E, str]) -> str:
    """The words of a vocabulary as help lists them: each name with its Chinese label."""
    return ", ".join(f"{member} {label}" for member, label in labels.items())


SECTORS = choices(SECTOR_LABELS)
CATEGORIES = choices(CATEGORY_LABELS)
FACTOR_CATEGORIES = choices(FACTOR_CATEGORY_LABELS)
OUTCOMES = choices(OUTCOME_LABELS)


def named(
    labels: Mapping[E, str],
) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """An option's callback: a word of the vocabulary given by its Chinese label (锂电) is
    passed on by its name (lithium); anything else is passed on as given, for the command's
    own check to name."""
    names = {label: str(member) for member, label in labels.items()}

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        return None if value is None else names.get(value.strip(), value)

    return callback


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def store_options(func: F) -> F:
    return click.option(
        "--db",
        envvar="CAMPAIGN_DB",
        default=DEFAULT_DB,
        show_default=True,
        metavar="PATH|URL",
        help="The store: a SQLite file, or a postgresql:// URL (env CAMPAIGN_DB).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(func)


def write_options(func: F) -> F:
    func = json_option(func)
    func = click.option(
        "--actor",
        envvar="CAMPAIGN_ACTOR",
        default=default_actor,
        show_default="your user name",
        help="Who records this (env CAMPAIGN_ACTOR).",
    )(func)
    return store_options(func)


def key_option(func: F) -> F:
    return click.option(
        "--key",
        "signing_key",
        envvar="CAMPAIGN_SIGNING_KEY",
        metavar="FILE",
        help="The office's signing key, kept outside the store (env CAMPAIGN_SIGNING_KEY): "
        "signs the log's tree head on the receipt. Without it the head is unsigned.",
    )(func)


def read_options(func: F) -> F:
    return store_options(json_option(func))


def query_options(func: F) -> F:
    """--as-of and --known-at: which facts count, and what was known."""
    func = click.option(
        "--known-at",
        help="Only what was recorded by then: a date (end of that day) or an ISO time.",
    )(func)
    return click.option(
        "--as-of", help="The effective date (default: today, within the campaign year)."
    )(func)

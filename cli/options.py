"""The options commands share: the store, the actor, JSON output, and the two time axes; and
the words of the engine's vocabulary, which a clerk may give by name or by Chinese name
(`Vocabulary`, for the look-ups' filters and the write commands alike)."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from unicodedata import east_asian_width

import click

from campaign.bootstrap import DEFAULT_DB
from campaign.domain.errors import Refused, shown
from campaign.domain.vocabulary import (
    CATEGORY_LABELS,
    FACTOR_CATEGORY_LABELS,
    MILESTONE_LABELS,
    OUTCOME_LABELS,
    SECTOR_LABELS,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cli.context import Refusal

F = TypeVar("F", bound=Callable[..., Any])

TYPED = "campaign.typed"
"""Where `Vocabulary` keeps, in the context's meta, the Chinese words it translated: the
parameter's name to the word as typed."""


def cells(text: str) -> int:
    """The terminal cells `text` takes: a Chinese character takes two (click's help measures
    characters, so help lines holding Chinese are laid out here)."""
    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


class Vocabulary(click.ParamType[str]):
    """A word of one of the engine's vocabularies, given by its name (lithium) or its Chinese
    label (锂电); the name is passed on.

    A filter (`strict`) refuses any other word as a usage error that lists the words. A write
    option passes it on as typed, so that the engine's refusal names it (exit 1); with
    `as_typed` around the command, that refusal also lists the Chinese names, and a refusal
    of a translated word shows it as typed: "milestone=投产 (production): ...".
    """

    def __init__(self, name: str, labels: Mapping[Any, str], *, strict: bool) -> None:
        self.name = name
        self.labels = {str(member): label for member, label in labels.items()}
        self.strict = strict
        self.names = {**{n: n for n in self.labels}, **{c: n for n, c in self.labels.items()}}

    def name_of(self, word: str) -> str | None:
        """The name `word` stands for (its name or its Chinese label), else None."""
        return self.names.get(word.strip())

    def listing(self) -> str:
        """The words on one line, each name with its Chinese label (for messages)."""
        return ", ".join(f"{name} {label}" for name, label in self.labels.items())

    def help(self, lead: str, width: int = 46) -> str:
        """An option's help: `lead`, then the words, each name with its Chinese label, in
        lines of at most `width` cells, laid out here (a `\\b` block click does not rewrap)."""
        lines = [lead]
        line = ""
        for name, label in self.labels.items():
            word = f"{name} {label}"
            if line and cells(f"{line} {word},") > width:
                lines.append(line)
                line = ""
            line = f"{line} {word}," if line else f"{word},"
        lines.append(line.removesuffix(",") + ".")
        return "\b\n" + "\n".join(lines)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        name = self.name_of(text)
        if name is None:
            if self.strict:
                self.fail(f"{value!r} is not one of: {self.listing()}", param, ctx)
            return text
        if name != text.strip() and ctx is not None and param is not None and param.name:
            ctx.meta.setdefault(TYPED, {})[param.name] = text.strip()
        return name


SECTOR = Vocabulary("sector", SECTOR_LABELS, strict=False)
CATEGORY = Vocabulary("category", CATEGORY_LABELS, strict=False)
MILESTONE = Vocabulary("milestone", MILESTONE_LABELS, strict=False)
FACTOR_CATEGORY = Vocabulary("category", FACTOR_CATEGORY_LABELS, strict=False)
OUTCOME = Vocabulary("outcome", OUTCOME_LABELS, strict=False)
"""The write options' words: an unknown one is passed on, for the engine's refusal."""


@contextmanager
def as_typed() -> Iterator[None]:
    """Around a write command whose options are `Vocabulary` words: the engine's refusal of
    such a word names it as the user typed it, with the name it stands for,
    "milestone=投产 (production): ..."; a refusal of an unknown word, whose list of words the
    engine gives by name only, lists the Chinese names too."""
    from cli.context import Refusal

    ctx = click.get_current_context()
    try:
        yield
    except Refusal as refusal:
        raise Refusal(_as_typed(refusal, ctx), refusal.cause) from None


def _as_typed(refusal: Refusal, ctx: click.Context) -> str:
    """The refusal's line, its word as typed (see `as_typed`)."""
    cause = refusal.cause
    if not isinstance(cause, Refused):
        return refusal.message
    param = next((p for p in ctx.command.params if p.name == cause.field), None)
    value = ctx.params.get(cause.field)
    if (
        param is None
        or not isinstance(param.type, Vocabulary)
        or not isinstance(value, str)
        or value != cause.value
    ):
        return refusal.message
    said = f"{cause.field}={shown(cause.value)}:"  # how the refusal begins (`Refused`)
    typed: dict[str, str] = ctx.meta.get(TYPED, {})
    if cause.field in typed:
        rest = refusal.message.removeprefix(said)
        return f"{cause.field}={typed[cause.field]} ({value}):{rest}"
    if param.type.name_of(value) is None:
        chinese = ", ".join(param.type.labels.values())
        return f"{refusal.message} (or in Chinese, in that order: {chinese})"
    return refusal.message


def sla_days(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """--sla CATEGORY=DAYS with the factor category by its name or its Chinese label:
    用地=20 is land=20. Anything else is passed on as given, for the command to refuse."""
    given = []
    for text in values:
        key, sep, days = text.partition("=")
        name = FACTOR_CATEGORY.name_of(key)
        given.append(f"{name}={days}" if sep and name is not None else text)
    return tuple(given)


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

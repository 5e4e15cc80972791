"""Recompute every published checkpoint from the log as it stood at the position it read, and
compare state hashes (SPEC §6.7).

Each publication gets one of four verdicts, so that an auditor knows where to look:
`ok`; `log_differs` when the log's chain link at the position the publication read is no
longer the head hash it recorded (the history before it was rewritten, or the publication
forged: `audit verify` against a head kept outside the store finds where); `figures_differ`
when the log there is the one it read but the checkpoint of its query hashes otherwise; and
`not_reproducible` when the publication cannot be reproduced at all (a field missing, a
position that is not one of the log's, a date that is not a date), or the log up to its
position cannot be folded. Such a publication is named, and the others are still checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import orjson

from campaign.domain import topics
from campaign.domain.time import known_at_cut
from campaign.domain.values import parse_date
from campaign.figures.checkpoint import checkpoint
from campaign.figures.receipt import state_hash
from campaign.read.fold import Folder, elided
from campaign.store.heads import HEX_ROOT

if TYPE_CHECKING:
    from campaign.app.engine import Engine
    from campaign.store.readers import LogReader

Status = Literal["ok", "log_differs", "figures_differ", "not_reproducible"]
STATUSES: tuple[Status, ...] = ("ok", "log_differs", "figures_differ", "not_reproducible")

Rule = Literal[
    "not_object",
    "missing",
    "not_whole",
    "not_position",
    "past_head",
    "not_before",
    "unreadable",
    "uncomputable",
    "no_campaign",
    "not_date",
    "not_in_year",
    "not_known_at",
    "not_hash",
    "log_differs",
    "figures_differ",
]

RULES: dict[Rule, str] = {
    "not_object": "is not a JSON object: the engine did not write this publication",
    "missing": "is missing",
    "not_whole": "must be a whole number (a log position)",
    "not_position": "is not a position of the log (they start at 1)",
    "past_head": "lies past the log's head ({} events)",
    "not_before": "is not before the publication itself (at position {}): a publication reads "
    "only the log before it",
    "unreadable": "the log up to it cannot be folded: an event between positions {} and {} {}: "
    "the engine did not write this log; run campaign audit verify --against a head kept "
    "outside the store",
    "uncomputable": "the checkpoint of its query cannot be computed from the log up to it "
    "({}): the engine did not write this log; run campaign audit verify --against a head kept "
    "outside the store",
    "no_campaign": "the log up to it opens no campaign: a publication reads a campaign",
    "not_date": "must be a date written YYYY-MM-DD",
    "not_in_year": "is not in the campaign year {}",
    "not_known_at": "is neither a date (YYYY-MM-DD) nor an ISO-8601 time",
    "not_hash": "must be a SHA-256 hash (64 lowercase hex digits)",
    "log_differs": "differs from the log's chain link at that position ({}): the log there is "
    "not the log the publication read (the history before it was rewritten, or the "
    "publication forged); check the log against a head or digest kept outside the store: "
    "campaign audit verify --against HEAD (or --digest HASH@POSITION)",
    "figures_differ": "differs from the state hash recomputed from the same log ({}): the "
    "figures differ",
}
"""Each rule in words, for machines; `{}` stands for what the rule names (`Problem.bound`)."""


@dataclass(frozen=True, slots=True)
class Unfolded:
    """Where the fold of the log stopped: an event between positions `first` and `last`
    names what the log does not hold before it (`named`: the fold's KeyError, as a project
    never registered) or cannot be read at all (`error`)."""

    first: int
    last: int
    named: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Problem:
    """What keeps a publication from reproducing: the field, the value it holds (as stored;
    None when missing), the rule it breaks, and what the rule names: the log's size, the
    publication's own position, the campaign year, the other hash, or, for a log that cannot
    be folded, `Unfolded`."""

    field: str
    value: Any
    rule: Rule
    bound: Any = None

    def text(self) -> str:
        """The rule in words, for machines and logs (the command line words it for people)."""
        b = self.bound
        if isinstance(b, Unfolded):
            what = f"names {b.named!r}, which the log does not hold before that event"
            if b.named is None:
                what = f"cannot be read ({b.error})"
            return RULES[self.rule].format(b.first, b.last, what)
        return RULES[self.rule].format(b)

    def document(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "rule": self.text()}


@dataclass(frozen=True, slots=True)
class Reproduction:
    """One publication reproduced: its query and position as stored (as_of, known_at and
    position hold what the log holds, whatever its type, when the publication is
    malformed), the state hash it published and the one recomputed (None when none could be),
    the head hash it recorded and the log's chain link at its position."""

    at: int
    """The publication's own position in the log."""
    as_of: Any
    known_at: Any
    position: Any
    published: str | None
    computed: str | None
    head_hash: str | None = None
    log_head_hash: str | None = None
    engine_version: Any = None
    problem: Problem | None = None

    @property
    def status(self) -> Status:
        if self.problem is None:
            return "ok"
        if self.problem.rule == "log_differs":
            return "log_differs"
        if self.problem.rule == "figures_differ":
            return "figures_differ"
        return "not_reproducible"

    @property
    def ok(self) -> bool:
        return self.problem is None


def reproduce(engine: Engine) -> list[Reproduction]:
    """Recompute every published checkpoint from the log as it stood at the position it read:
    one pass to find the publications, one pass over the log (no snapshots), stopping at each
    publication's position in turn. The results come in the order of the publications in
    the log."""
    reader = engine.store.reader()
    try:
        size, last, _ = reader.head()
        found = _publications(reader, last)
        results: dict[int, Reproduction] = {}
        readable: list[tuple[int, int, dict[str, Any]]] = []
        for at, stored in found:
            problem = _position_problem(stored, at, size)
            if problem is None:
                readable.append((stored["position"], at, stored))
            else:
                results[at] = _as_stored(at, stored, problem)
        folder = Folder()
        after = folded = 0
        broken: Problem | None = None
        for position, at, stored in sorted(readable, key=lambda r: (r[0], r[1])):
            upto, head = reader.chain_at(position)
            if broken is None:
                try:
                    folder.fold(reader.batches(after, upto, elided()))
                except (KeyError, ValueError, TypeError) as error:
                    # a log the engine did not write: nothing after this can be folded
                    why = _refusal(error, folded, position)
                    broken = Problem("position", position, "unreadable", why)
                folder.p.position, after, folded = position, upto, position
            if broken is not None:
                results[at] = _as_stored(at, stored, broken, head.hex())
                continue
            results[at] = _reproduced(folder, at, stored, position, head.hex())
    finally:
        reader.close()
    return [results[at] for at, _ in found]


def _publications(reader: LogReader, last: int) -> list[tuple[int, Any]]:
    """(own position, stored state decoded) of every publication in the log, in log order;
    a state that is not JSON stays as its bytes."""
    found: list[tuple[int, Any]] = []
    position = 0
    for batch in reader.batches(0, last, elided()):
        for topic, state in batch:
            position += 1
            if topic == topics.PUBLISHED:
                try:
                    found.append((position, orjson.loads(state)))
                except orjson.JSONDecodeError:
                    found.append((position, bytes(state)))
    return found


def _position_problem(stored: Any, at: int, size: int) -> Problem | None:
    """Why the position a publication read is not one to fold the log to, if it is not."""
    if not isinstance(stored, dict):
        shown = stored.decode(errors="replace") if isinstance(stored, bytes) else stored
        return Problem("state", shown, "not_object")
    position = stored.get("position")
    problem = None
    if "position" not in stored:
        problem = Problem("position", None, "missing")
    elif not isinstance(position, int) or isinstance(position, bool):
        problem = Problem("position", position, "not_whole")
    elif position < 1:
        problem = Problem("position", position, "not_position")
    elif position > size:
        problem = Problem("position", position, "past_head", size)
    elif position >= at:
        problem = Problem("position", position, "not_before", at)
    return problem


def _query_problem(stored: dict[str, Any], folder: Folder) -> Problem | None:
    """Why the query and the hashes a publication recorded cannot be reproduced on the log
    folded to its position, if they cannot: the first field in the order of the query."""
    campaign = folder.p.campaign
    if campaign is None:
        return Problem("position", stored["position"], "no_campaign")
    as_of, known_at = stored.get("as_of"), stored.get("known_at")
    day = _date(as_of)
    problem = None
    if "as_of" not in stored:
        problem = Problem("as_of", None, "missing")
    elif day is None:
        problem = Problem("as_of", as_of, "not_date")
    elif day.year != campaign.year:
        problem = Problem("as_of", as_of, "not_in_year", campaign.year)
    elif known_at is not None and not _known_at(known_at, campaign.timezone):
        problem = Problem("known_at", known_at, "not_known_at")
    else:
        problem = next(filter(None, (_hash_problem(stored, k) for k in HASHES)), None)
    return problem


HASHES = ("head_hash", "state_hash")


def _hash_problem(stored: dict[str, Any], name: str) -> Problem | None:
    if name not in stored:
        return Problem(name, None, "missing")
    value = stored[name]
    if not isinstance(value, str) or not HEX_ROOT.fullmatch(value):
        return Problem(name, value, "not_hash")
    return None


def _known_at(value: Any, timezone: str) -> bool:
    """Whether `value` is a known_at a query takes (a date, or an ISO-8601 time)."""
    if not isinstance(value, str):
        return False
    try:
        known_at_cut(value, timezone)
    except ValueError:
        return False
    return True


def _date(value: Any) -> dt.date | None:
    """`value` as a date when it is one written YYYY-MM-DD, else None."""
    try:
        day = parse_date(value)
    except ValueError:
        return None
    return day if isinstance(day, dt.date) else None


def _reproduced(
    folder: Folder, at: int, stored: dict[str, Any], position: int, head: str
) -> Reproduction:
    problem = _query_problem(stored, folder)
    if problem is not None:
        return _as_stored(at, stored, problem, head)
    known_at = stored.get("known_at")
    day = dt.date.fromisoformat(stored["as_of"])
    try:
        computed = state_hash(checkpoint(folder.p, day, known_at=known_at))
    except (KeyError, ValueError, TypeError) as error:  # figures of a log the engine did not write
        problem = Problem("position", position, "uncomputable", f"{type(error).__name__}: {error}")
        return _as_stored(at, stored, problem, head)
    published, recorded = stored["state_hash"], stored["head_hash"]
    if recorded != head:
        problem = Problem("head_hash", recorded, "log_differs", head)
    elif published != computed:
        problem = Problem("state_hash", published, "figures_differ", computed)
    return _as_stored(at, stored, problem, head, computed)


def _as_stored(
    at: int,
    stored: Any,
    problem: Problem | None,
    head: str | None = None,
    computed: str | None = None,
) -> Reproduction:
    """A publication as it holds its query and hashes (None for what it does not hold in the
    engine's form), the state hash `computed` from the log when one could be, why it does not
    reproduce (None when it does), and the log's chain link at the position it read when that
    position is one of the log's (`head`)."""
    fields = stored if isinstance(stored, dict) else {}
    hashes = [fields.get(name) for name in ("state_hash", "head_hash")]
    published, recorded = (h if isinstance(h, str) else None for h in hashes)
    return Reproduction(
        at=at,
        as_of=fields.get("as_of"),
        known_at=fields.get("known_at"),
        position=fields.get("position"),
        published=published,
        computed=computed,
        head_hash=recorded,
        log_head_hash=head,
        engine_version=fields.get("engine_version"),
        problem=problem,
    )


def _refusal(error: Exception, after: int, upto: int) -> Unfolded:
    """What the fold refused in the events after position `after` up to `upto`."""
    if isinstance(error, KeyError):
        return Unfolded(after + 1, upto, str(error.args[0] if error.args else None), None)
    return Unfolded(after + 1, upto, None, str(error))

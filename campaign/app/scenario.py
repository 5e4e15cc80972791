"""Loading a scenario file (SPEC §8) into an empty store as a simulated campaign.

Each line is one command, `{"at": ..., "cmd": ..., ...fields}`, run through the same handlers
and rules as the command line, with the line's `at` as its recorded time. The whole file is one
transaction: a bad line appends nothing from the file, and the error names its line number.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

import msgspec

from campaign.app.commands import FileFactor, OpenCampaign, parse_command
from campaign.app.engine import check_actor
from campaign.domain.errors import CampaignError, LineError, Refused, StoreError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from campaign.app.engine import Engine, UnitOfWork

FLUSH_EVERY = 2000
_DECODER = json.JSONDecoder(parse_float=Decimal)  # money stays exact, never a float
_FAST_DECODER = msgspec.json.Decoder(float_hook=Decimal)
"""The same reading, several times faster; a line it does not take is read again by _DECODER,
which accepts what it accepts (NaN) and refuses the rest with the words people see."""
_BY_REF = ("extend_factor", "escalate_factor", "resolve_factor")
_FUTURE = "is in the future: a simulated campaign is in the past"


@dataclass(frozen=True, slots=True)
class ScenarioReport:
    lines: int
    commands: int
    appended: int
    first_recorded: dt.datetime | None
    last_recorded: dt.datetime | None
    position: int
    head: str


def read_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Numbered non-blank lines, as bytes (json reads UTF-8 bytes itself); a file saved as
    "UTF-8 with BOM" (Windows Notepad) reads as UTF-8."""
    for number, line in enumerate(handle, 1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]  # noqa: PLW2901 (the mark is no part of the first line)
        if line.strip():
            yield number, line


def parse_at(value: Any) -> tuple[dt.datetime, dt.datetime]:
    """A line's `at`, as written and in UTC: a scenario compares and records its times in UTC
    (two times in one zone object compare field by field, in different ones through their
    offsets: 0.2 to 0.4 µs a line)."""
    if not isinstance(value, str):
        raise Refused("at", value, "must be an ISO-8601 time with an offset")
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Refused("at", value, "is not an ISO-8601 time") from None
    if at.tzinfo is None:
        raise Refused("at", value, "has no UTC offset (write e.g. 2020-04-16T18:00:00+08:00)")
    try:
        return at, at.astimezone(dt.UTC)
    except OverflowError:  # UTC cannot hold it: in UTC its day is before the year 1 or after 9999
        if at.year > 1:
            raise Refused("at", value, _FUTURE) from None
        raise Refused(
            "at", value, "is outside the times that can be recorded (in UTC, before the year 1)"
        ) from None


def load(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> ScenarioReport:
    """Load the scenario at `path`; `progress` gets the bytes read so far and the file's size,
    now and then."""
    store = engine.store
    try:
        handle = path.open("rb")
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    size = path.stat().st_size
    with handle, engine.unit_of_work(batch=True, simulated=True) as work:
        if work.rights is not None:
            raise StoreError(
                f"a scenario is recorded at its own simulated times: on the shared store "
                f"{store.db} only its owner loads one"
            )
        held = store.head()
        if held:
            raise StoreError(
                f"the store {store.db} already holds {held} events; "
                "a scenario loads only into an empty store"
            )
        loader = _Loader(work, actor, now=engine.clock.now())
        appended = lines = 0
        for number, line in read_lines(handle):
            lines = number
            try:
                loader.run_line(number, line)
            except CampaignError as error:
                raise LineError(f"line {number}", error) from None
            if loader.commands % FLUSH_EVERY == 0:
                appended += work.flush()
                if progress is not None:
                    progress(handle.tell(), size)
        if loader.commands == 0:
            raise StoreError(f"{path} holds no commands")
        appended += work.flush()
    position, head = work.tip
    return ScenarioReport(
        lines, loader.commands, appended, loader.first, loader.previous, position, head.hex()
    )


class _Loader:
    """The state carried from line to line: the last `at`, and the factor requests' refs."""

    def __init__(self, work: UnitOfWork, actor: str, *, now: dt.datetime) -> None:
        self.work = work
        self.actor = actor
        self.now = now.astimezone(dt.UTC)
        self.latest = dt.datetime.min.replace(tzinfo=dt.UTC)  # the line before's, in UTC
        self.refs: dict[str, tuple[str, int]] = {}
        self.actors: dict[str, str] = {}  # each actor named in the file, as checked
        self.first: dt.datetime | None = None
        self.previous: dt.datetime | None = None
        self.commands = 0

    def run_line(self, number: int, line: bytes) -> None:
        fields = _json_object(line)
        written = fields.pop("at", None)
        at, moment = parse_at(written)
        if moment < self.latest:
            assert self.previous is not None  # the line before, as it was written
            raise Refused(
                "at", written, f"is earlier than the line before ({self.previous.isoformat()})"
            )
        if moment > self.now:
            # the log's recorded times never go back, so a future one would hold every later
            # command's clock hostage
            raise Refused("at", written, _FUTURE)
        cmd = fields.pop("cmd", None)
        if not isinstance(cmd, str):
            raise Refused("cmd", cmd, "is required: the command's name")
        actor = fields.pop("actor", self.actor)
        if not isinstance(actor, str) or not actor.strip():
            raise Refused("actor", actor, "must be a name")
        checked = self.actors.get(actor)
        if checked is None:  # a file names the same few clerks on line after line
            checked = self.actors[actor] = check_actor(actor)
        actor = checked
        ref = self._take_ref(cmd, fields)
        command = parse_command(cmd, fields)
        if self.commands == 0 and not isinstance(command, OpenCampaign):
            raise Refused("cmd", cmd, "the first command of a scenario must be open_campaign")
        try:
            result = self.work.run(command, moment, actor)
        except Refused as error:
            if error.field != "at":
                raise
            # the campaign's zone cannot hold the time (`Session.begin`): named as written
            raise Refused("at", written, error.rule) from None
        if ref is not None and result.id is not None:
            self.refs[ref] = (result.id, number)
        self.first = self.first or at
        self.previous = at
        self.latest = moment
        self.commands += 1

    def _take_ref(self, cmd: str, fields: dict[str, Any]) -> str | None:
        """A filing names its request by `ref`; later lines use that ref in place of `id`."""
        if cmd == FileFactor.cmd:
            ref: str | None = fields.pop("ref", None)
            if ref is not None:
                if not isinstance(ref, str) or not ref:
                    raise Refused("ref", ref, "must be a non-empty name")
                if ref in self.refs:
                    raise Refused("ref", ref, f"is already used by line {self.refs[ref][1]}")
            return ref
        if cmd in _BY_REF and "ref" in fields:
            named = fields.pop("ref")
            if "id" in fields:
                raise Refused("ref", named, "give either ref or id, not both")
            if not isinstance(named, str) or named not in self.refs:
                raise Refused("ref", named, "names no factor request filed earlier in the file")
            fields["id"] = self.refs[named][0]
        return None


def _json_object(line: bytes) -> dict[str, Any]:
    try:
        fields = _FAST_DECODER.decode(line)
    except (msgspec.MsgspecError, RecursionError):
        fields = _slow_json(line)
    if not isinstance(fields, dict):
        raise Refused("line", _shown(line), "must be a JSON object")
    return fields


def _slow_json(line: bytes) -> Any:
    try:
        return _DECODER.decode(line.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise Refused("line", _shown(line), f"is not valid JSON ({error.msg})") from None
    except UnicodeDecodeError:
        raise Refused("line", _shown(line), "is not UTF-8 text") from None
    except RecursionError:
        raise Refused("line", _shown(line), "nests its values too deeply") from None
    except ValueError:  # an integer of thousands of digits
        raise Refused("line", _shown(line), "holds a number too long to read") from None


def _shown(line: bytes) -> str:
    return line.strip()[:40].decode("utf-8", errors="replace")

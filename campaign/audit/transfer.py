"""Export and import of the whole log as JSON Lines (SPEC §7): a header, then one line per event
with its exact stored bytes and its link in the chain.

An import checks every event as `audit verify` checks a stored one (its link, its recorded
time in the engine's form and never earlier than the one before: `Walk`), reads it back as the
engine reads it (its type and shape; its values by the command that records it, its field and
model validators alike, money in whole cents of 万元; its bytes as the engine writes them),
checks it against the log before it as the engine's aggregates would have (`_Rules`, reading
the fold's own state: a campaign opened once, a plan within its total, milestones once each and
in order, a report or a request within its project's registration and termination, a request's
due date, id, key and history), and folds it as every query does (`Folder`: an event naming a
project the log does not register before it, or a day outside the campaign's year, is refused
there). Its aggregate must be the one the engine gives it: created once, at version 1, under
the id its class derives from the event's fields (a report's project and day, a project's
code), and named alike by every later event, whose versions follow one by one; and no
effective date may be after the day the event was recorded. A file whose chain was written
again to match is still refused when it holds what the engine would not have written. The
first line that fails is named, with the field, the value and the rule, and nothing is stored:
the whole import is one transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from typing import IO, TYPE_CHECKING, Any, NamedTuple, cast
from zoneinfo import ZoneInfo

import orjson
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic
from pydantic import ValidationError, create_model

from campaign.app import commands
from campaign.audit.verify import UNLINKED, Verification, Walk, verify_chain
from campaign.domain import topics
from campaign.domain.access import check_kind, check_role
from campaign.domain.errors import CampaignError, LineError, Refused, StoreError
from campaign.domain.events import Aggregate
from campaign.domain.factor import FactorRequest
from campaign.domain.history import in_force
from campaign.domain.settings import check_settings
from campaign.domain.time import format_recorded, today_in
from campaign.domain.values import YUAN_PER_WAN, from_yuan
from campaign.domain.vocabulary import MILESTONE_NEEDS, MILESTONE_ORDER, Milestone
from campaign.read.fold import Folder
from campaign.store.chain import GENESIS, parse_digest
from campaign.store.codec import EventMapper, OrjsonTranscoder
from campaign.store.heads import STAMP, stamp_of
from campaign.store.readers import stored_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from campaign.app.ports import EventStore
    from campaign.read.projection import Projection

EXPORT_FORMAT = "campaign-log"
EXPORT_VERSION = 1
BATCH = 5000
"""Events an import stores at a time, all in its one transaction."""


def export(store: EventStore, out: IO[bytes]) -> Verification:
    """Write the whole log as JSON Lines: a header, then one line per event with its exact
    stored bytes and its link in the chain. The chain is verified first, on the same snapshot
    of the store that is then written."""
    reader = store.reader()
    try:
        checked = verify_chain(reader)
        if not checked.ok:
            raise StoreError(
                f"the log fails verification at position {checked.position} "
                f"({checked.problem}); not exported"
            )
        header = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "events": checked.events,
            "digest": checked.digest,
        }
        out.write(orjson.dumps(header) + b"\n")
        position = 0
        for batch in reader.links():
            for _, originator_id, version, topic, state, _, chained in batch:
                position += 1
                if position > checked.events:
                    break
                line = {
                    "position": position,
                    "originator_id": originator_id,
                    "originator_version": int(version),
                    "topic": topic,
                    "state": stored_bytes(state).decode("utf-8"),
                    "hash": bytes(chained or b"").hex(),
                }
                out.write(orjson.dumps(line) + b"\n")
    finally:
        reader.close()
    return checked


def import_log(
    store: EventStore, lines: Iterator[bytes], *, expected: str | None = None
) -> Verification:
    """Load an exported log into an empty store, checking every event as the module's
    docstring says before it is kept; the first line that fails is named and nothing is
    stored. With `expected` (HASH@POSITION), the file's chain must also pass through that
    digest."""
    pinned = None
    if expected is not None:
        try:
            pinned = parse_digest(expected)
        except ValueError as error:
            raise Refused("digest", expected, str(error)) from None
    with store.writing():
        if store.head():
            raise StoreError(
                f"the store {store.db} already holds events; import needs an empty store"
            )
        importer = _Importer(store, pinned_at=None if pinned is None else pinned[1])
        for number, raw in enumerate(lines, 1):
            if raw.strip():
                importer.take(number, raw)
        result = importer.finish()
        if pinned is not None:
            expected_head, at = pinned
            if at > result.events:
                raise StoreError(
                    f"the file's log ends at position {result.events}, "
                    f"before the digest's position {at}"
                )
            if importer.pinned_head != expected_head:
                raise StoreError(
                    f"the file's chain at position {at} is not the digest's: not the log you meant"
                )
    return result


class _Importer:
    """The header, then each event checked (see the module's docstring) and stored in
    batches, in the one transaction of the import."""

    def __init__(self, store: EventStore, *, pinned_at: int | None) -> None:
        self.store = store
        self.pinned_at = pinned_at
        self.pinned_head = GENESIS if pinned_at == 0 else None
        self.walk = Walk(None, ())
        self.folder = Folder()
        self.rules = _Rules(self.folder.p)
        self.mapper = EventMapper(OrjsonTranscoder())
        self.versions: dict[str, int] = {}  # each aggregate's last version so far
        self.codes: dict[str, str] = {}  # the project of each aggregate whose id does not name it
        self.declared: dict[str, Any] | None = None
        self.batch: list[StoredEvent] = []

    @property
    def position(self) -> int:
        return self.walk.position

    def take(self, number: int, raw: bytes) -> None:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            shown = raw[:40].decode(errors="replace")
            raise LineError(f"line {number}", Refused("line", shown, "is not valid JSON")) from None
        if self.declared is None:
            self.declared = _header(record)
            return
        position = self.position + 1
        self.rules.line = number
        try:
            event, chained = _event(record, position)
            self._check(event, chained, record.get("hash"))
        except CampaignError as error:
            raise LineError(f"line {number}", error) from None
        if self.position == self.pinned_at:
            self.pinned_head = self.walk.head
        self.batch.append(event)
        if len(self.batch) >= BATCH:
            self.store.insert_stored(self.batch)
            self.batch = []

    def _check(self, event: StoredEvent, chained: bytes, shown_hash: Any) -> None:
        """The event's link and recorded time (as `audit verify` checks a stored event),
        its type, shape, values and bytes, its version, the rules that need the log before
        it, its place in the log's state (the fold), then its aggregate's id and its date
        against the day it was recorded."""
        position = self.position + 1
        last_time = self.walk.last_time
        row = (position, str(event.originator_id), event.originator_version, event.topic)
        problem = self.walk.step((*row, event.state, position, chained))
        if problem == UNLINKED:
            raise Refused(
                "hash", shown_hash, f"does not match the event at position {position} (tampered)"
            )
        decoded, state = _readable(self.store, event)
        if problem is not None:
            raise _time_refused(event.state, state, last_time)
        _check_values(event.topic, state)
        kind = _kind_of(event.topic)
        self._check_written(event, decoded, kind)
        self._check_version(event, kind)
        self.rules.check(event.topic, state, decoded)
        try:  # the fold's own handler of the event, given its state already decoded
            handler = self.folder.handler(event.topic)
            if handler is not None:
                handler(state)
        except KeyError as error:
            raise _unknown(state, error.args[0] if error.args else None) from None
        except (ValueError, TypeError, IndexError, OverflowError) as error:
            raise Refused(
                "event", event.topic, f"cannot be folded into the log's state ({error})"
            ) from None
        self._check_identity(kind, decoded)
        self._check_recorded_day(event.topic, state)

    def _check_written(self, event: StoredEvent, decoded: Any, kind: _Kind) -> None:
        """The event's bytes are the ones the engine writes for what they hold: a value its
        model reads alike in another form (a date as 2020-3-20, money as 1000.0, a value
        given as null) or the same fields in another order or spacing is not what it
        wrote."""
        if not kind.current:  # an older shape, upcast as it is read
            return
        state = event.state
        if kind.exact:
            # the common case, without the recorded time that leads the state (`Walk` has
            # checked its form): the rest as the event's model writes it
            body = kind.serializer.to_json(decoded, exclude_none=True, exclude=_NOT_IN_BODY)
            if (
                len(state) == _BODY_AT + len(body) - 1
                and state.endswith(body[1:])
                and state.startswith(STAMP)
                and state[_BODY_AT - 2 : _BODY_AT] == b'",'
            ):
                return
        written = self.mapper.to_stored_event(decoded)  # as the engine writes it: what differs?
        if written.topic != event.topic:
            raise Refused(
                "topic", event.topic, f"is not written as the engine writes it ({written.topic})"
            )
        if written.state == state:
            return
        expected, given = orjson.loads(written.state), orjson.loads(state)
        for name, value in given.items():
            if name not in expected:
                raise Refused(name, value, "is a value the engine leaves out (it writes no null)")
            if orjson.dumps(value) != orjson.dumps(expected[name]):
                shown = orjson.dumps(expected[name]).decode()
                raise Refused(name, value, f"is not written as the engine writes it ({shown})")
        raise Refused(
            "state",
            state[:60].decode(errors="replace"),
            "is not written as the engine writes it (its fields in their order, no spaces)",
        )

    def _check_version(self, event: StoredEvent, kind: _Kind) -> None:
        """The engine appends each aggregate's events once, as versions 1, 2, 3..., the first
        the event that creates it and only that one: a version repeated or skipped, or an
        aggregate created twice, is refused here, not by the store's key at the insert."""
        oid = str(event.originator_id)
        last = self.versions.get(oid, 0)
        if event.originator_version != last + 1:
            raise Refused(
                "originator_version",
                event.originator_version,
                f"should be {last + 1}: "
                + (
                    f"the log holds {oid} up to version {last} before it"
                    if last
                    else f"the log holds no event of {oid} before it"
                )
                + " (the engine appends an aggregate's versions once each, in order)",
            )
        if kind.creates and last:
            raise Refused(
                "originator_version",
                event.originator_version,
                f"is not 1, yet a {kind.name} event creates its aggregate: the log creates "
                f"{oid} before it (the engine creates an aggregate once)",
            )
        if not kind.creates and not last:
            raise Refused(
                "originator_version",
                event.originator_version,
                f"is 1, yet a {kind.name} event does not create its aggregate: the log creates "
                f"no {oid} before it",
            )
        self.versions[oid] = last + 1

    def _check_identity(self, kind: _Kind, decoded: Any) -> None:
        """The event's aggregate is the one the engine gives it: the id its class derives
        from the event's fields (`create_id`), of the class whose events it is; and an
        aggregate whose id does not name its project (a factor request) names the same
        project in every event."""
        oid = decoded.originator_id
        values = [getattr(decoded, name) for name in kind.params]
        expected = kind.aggregate.create_id(*values)
        if expected != oid:
            named = ", ".join(
                f"{name} {value}" for name, value in zip(kind.params, values, strict=True)
            )
            raise Refused(
                "originator_id",
                oid,
                f"is not {expected}, the id the engine gives the aggregate of a {kind.name} "
                "event" + (f" of {named}" if named else ""),
            )
        if kind.creates:
            if decoded.originator_topic != kind.aggregate.TOPIC:
                raise Refused(
                    "originator_topic",
                    decoded.originator_topic,
                    f"is not {kind.aggregate.TOPIC}, the aggregate a {kind.name} event creates",
                )
            if kind.keeps_code:
                self.codes[oid] = decoded.code
        elif kind.keeps_code and decoded.code != self.codes.get(oid, decoded.code):
            raise Refused(
                "code",
                decoded.code,
                f"is not {self.codes[oid]}, the project {oid} was created for (every event of "
                "an aggregate names the same project)",
            )

    def _check_recorded_day(self, topic: str, state: dict[str, Any]) -> None:
        """No effective date is after the engine's today: the day the event was recorded,
        in the campaign's time zone (a simulated campaign's too: its recorded times are its
        today). Told by text: a recorded time before the first moment of the date."""
        campaign = self.folder.p.campaign
        if topic not in COMMANDS or campaign is None:
            return
        date = state["date"]
        if state["timestamp"] < _first_moment(date, campaign.timezone):
            try:
                recorded = dt.datetime.fromisoformat(state["timestamp"])
                today = str(today_in(recorded, campaign.timezone))
            except OverflowError:  # recorded in the year 1 (UTC), a day earlier in the zone
                today = "before the year 1"
            raise Refused(
                "date",
                date,
                f"is after the day it was recorded ({today} in {campaign.timezone}): no "
                "effective date is after the engine's today",
            )

    def finish(self) -> Verification:
        if self.declared is None:
            raise StoreError("the file is empty: not an exported campaign log")
        if (unassigned := self.rules.unassigned()) is not None:
            line, refusal = unassigned
            raise LineError(f"line {line}", refusal)
        if self.batch:
            self.store.insert_stored(self.batch)
        result = Verification(self.position, self.walk.head)
        if self.declared["digest"] != result.digest:
            raise StoreError(
                f"the file ends at {result.digest}, but its header says "
                f"{self.declared['digest']} (lines were cut or added)"
            )
        return result


_NOT_IN_BODY = frozenset({"originator_id", "originator_version", "timestamp"})
"""What a state's body leaves out: the columns of the stored event, and the recorded time
that leads it."""

_BODY_AT = len(STAMP) + 34
"""Where a state's body starts: after `{"timestamp":"`, the 32 characters of the time, `",`."""


@functools.lru_cache(maxsize=4096)
def _first_moment(date: str, timezone: str) -> str:
    """The first moment of a day in a time zone, as a recorded time is stored (text that
    orders as the times do)."""
    return format_recorded(
        dt.datetime.combine(dt.date.fromisoformat(date), dt.time(), ZoneInfo(timezone))
    )


def _readable(store: EventStore, event: StoredEvent) -> tuple[Any, dict[str, Any]]:
    """An imported event must be one the engine can read: a known type, a valid shape. The
    event as the engine reads it, and its state decoded."""
    try:
        decoded = store.decode(event)
    except ValidationError as error:  # the event's model refuses a field
        raise _refusal(error, event.topic, orjson.loads(event.state)) from None
    except Exception as error:  # an unknown topic, bad JSON
        reason = str(error).splitlines()[0][:120]
        raise Refused("event", event.topic, f"is not an event of this engine ({reason})") from None
    state: dict[str, Any] = orjson.loads(event.state)
    return decoded, state


def _refusal(error: ValidationError, topic: str, state: Any) -> Refused:
    """The first field an event's model refuses, as one refusal (field, value, rule), in the
    command line's words (`refusal_from`)."""
    refused = commands.refusal_from(error, state if isinstance(state, dict) else {})
    kind = topic.rpartition(":")[2]
    return Refused(refused.field, refused.value, f"{refused.rule} (in a {kind} event)")


def _time_refused(raw: bytes, state: dict[str, Any], last_time: bytes) -> Refused:
    """Why the event's recorded time failed `Walk.step`'s checks: not in the engine's form,
    or earlier than the event before."""
    stamp = stamp_of(raw)
    if stamp is None:
        return Refused(
            "timestamp",
            state.get("timestamp"),
            "is not a recorded time in the engine's form (UTC, to the microsecond: "
            "YYYY-MM-DDTHH:MM:SS.ffffff+00:00)",
        )
    return Refused(
        "timestamp",
        stamp.decode(),
        f"is earlier than the recorded time of the event before it ({last_time.decode()}): "
        "recorded times never go back along the log",
    )


class _Kind(NamedTuple):
    """What an import needs to know of the events of one topic (`_kind_of`)."""

    name: str  # as a refusal names it: DailyReport.Reported
    aggregate: type[Aggregate]  # the class of the aggregate its events belong to
    params: tuple[str, ...]  # the event's fields its aggregate's id derives from (`create_id`)
    creates: bool  # an event that creates its aggregate (`Aggregate.Created`)
    keeps_code: bool  # an event that names a project its aggregate's id does not name
    current: bool  # stored in its class's current shape (not upcast as it is read)
    exact: bool  # the topic its class is stored under, not another name that resolves to it
    serializer: Any  # the event class's own JSON serializer (pydantic's)


@functools.cache
def _kind_of(topic: str) -> _Kind:
    """The `_Kind` of the events stored under `topic` (a topic the engine reads)."""
    event = resolve_topic(topic)
    aggregate: type[Aggregate] = resolve_topic(topic.rpartition(".")[0])
    params = tuple(inspect.signature(aggregate.create_id).parameters)
    return _Kind(
        name=topic.rpartition(":")[2],
        aggregate=aggregate,
        params=params,
        creates=issubclass(event, Aggregate.Created),
        keeps_code="code" in event.model_fields and "code" not in params,
        current=topics.version(topic) == 1,
        exact=topic == event.TOPIC,
        serializer=event.__pydantic_serializer__,
    )


COMMANDS: dict[str, type[commands.Command]] = {
    topics.CAMPAIGN_OPENED: commands.OpenCampaign,
    topics.CAMPAIGN_AMENDED: commands.AmendCampaign,
    topics.REPORT_REPORTED: commands.ReportProgress,
    topics.REPORT_CORRECTED: commands.CorrectProgress,
    topics.PROJECT_REGISTERED: commands.RegisterProject,
    topics.PROJECT_PLAN_REVISED: commands.RevisePlan,
    topics.PROJECT_MILESTONE_REACHED: commands.ReachMilestone,
    topics.PROJECT_TERMINATED: commands.TerminateProject,
    topics.REQUEST_FILED: commands.FileFactor,
    topics.REQUEST_EXTENDED: commands.ExtendFactor,
    topics.REQUEST_ESCALATED: commands.EscalateFactor,
    topics.REQUEST_RESOLVED: commands.ResolveFactor,
}
"""The command that records each type of event, whose rules its values must keep: a field of
the event checked by the command's field of the same name (money, stored as whole yuan in a
field named `..._yuan`, by the field without the suffix, in 万元; see also EVENT_NAMES)."""

EVENT_NAMES = {"id": "request_id"}
"""A command's field that its events hold under another name."""

YUAN_PER_CENT = YUAN_PER_WAN // 100
"""Money is 万元 to two places: stored in whole yuan, always a multiple of this."""


def _check_values(topic: str, state: dict[str, Any]) -> None:
    """The event's values by the rules of the command that records it (`COMMANDS`), through
    the command's own class: its field validators (a negative investment, a percentage over
    100, a code of other characters) and its model validators (a correction that changes
    nothing, a campaign that ends before it starts). Money must be whole yuan, a multiple of
    100 (whole cents of 万元)."""
    found = _command(topic)
    if found is None:
        return
    command, fields = found
    given = {}
    for name, field, money in fields:
        value = state.get(name)
        if value is None:
            continue
        if money:
            if value.__class__ is not int:
                raise Refused(name, value, "is not a whole number of yuan, as money is stored")
            if value % YUAN_PER_CENT:
                raise Refused(
                    name,
                    value,
                    f"is not a multiple of {YUAN_PER_CENT} yuan: money is 万元 to 2 places, "
                    "stored in whole yuan",
                )
            value = from_yuan(value)
        given[field] = value
    try:
        command.model_validate(given)
    except ValidationError as error:
        refused = commands.refusal_from(error, given)
    except Refused as error:  # a model validator's own refusal, naming the command's field
        refused = error
    else:
        return
    head, dot, rest = refused.field.partition(".")
    name = next((n for n, f, _ in fields if f == head), head)
    if name == head:
        raise refused from None
    shown = f"{given[head]} 万元" if name.endswith("_yuan") and head in given else None
    rule = f"{refused.rule} (as {head}{', ' + shown if shown else ''})"
    raise Refused(name + dot + rest, state.get(name), rule) from None


@functools.cache
def _command(topic: str) -> tuple[type[commands.Command], tuple[tuple[str, str, bool], ...]] | None:
    """The command that records the events of `topic`, as it checks them, and the fields of
    such an event it checks: (the name in the event, in the command, money in whole yuan?).
    A required field of the command that its events do not hold is made optional: not
    holding it is no fault of the event."""
    command = COMMANDS.get(topic)
    if command is None:
        return None
    carried = resolve_topic(topic).model_fields
    fields = []
    absent: dict[str, Any] = {}
    for field, info in command.model_fields.items():
        for name, money in (
            (field, False),
            (f"{field}_yuan", True),
            (EVENT_NAMES.get(field), False),
        ):
            if name in carried:
                fields.append((str(name), field, money))
                break
        else:
            if info.is_required():
                absent[field] = (Any, None)
    if absent:
        command = cast(
            "type[commands.Command]",
            create_model(f"{command.__name__}AsStored", __base__=command, **absent),
        )
    return command, tuple(fields)


class _Rules:
    """The rules of SPEC §3 that need the log before an event, as the aggregates' command
    methods check them (`campaign.domain`), read from the fold's state as it stands before
    the event is folded. An event naming a project or a request the log does not hold is left
    to the fold, which refuses it."""

    def __init__(self, projection: Projection) -> None:
        self.p = projection
        self.keys: dict[str, str] = {}  # each idempotency key filed: its request
        self.filed_at: dict[str, int] = {}  # each key filed: the file's line of its filing
        self.assigned: set[str] = set()  # each key its FactorKey.Assigned gives
        self.line = 0  # the file's line of the event being checked (blank lines count)
        self.access: dict[str, bool] = {}  # each database role granted: whether it has access
        self.by_topic: dict[str, Callable[[dict[str, Any], Any], None]] = {
            topics.CAMPAIGN_OPENED: self._opened,
            topics.CAMPAIGN_AMENDED: self._amended,
            topics.PROJECT_REGISTERED: self._registered,
            topics.PROJECT_PLAN_REVISED: self._plan_revised,
            topics.PROJECT_MILESTONE_REACHED: self._milestone,
            topics.PROJECT_TERMINATED: self._terminated,
            topics.REPORT_REPORTED: self._reported,
            topics.REPORT_CORRECTED: self._corrected,
            topics.REQUEST_FILED: self._filed,
            topics.REQUEST_EXTENDED: self._extended,
            topics.REQUEST_ESCALATED: self._escalated,
            topics.REQUEST_RESOLVED: self._resolved,
            topics.KEY_ASSIGNED: self._key_assigned,
            topics.ACCESS_GRANTED: self._granted,
            topics.ACCESS_REGRANTED: self._granted,
            topics.ACCESS_REVOKED: self._revoked,
        }

    def check(self, topic: str, s: dict[str, Any], e: Any) -> None:
        """`s`: the event's state as stored (dates ISO text, as the fold keeps them); `e`:
        the event as the engine reads it."""
        rule = self.by_topic.get(topic)
        if rule is None:
            return
        if self.p.campaign is None and topic in COMMANDS and topic != topics.CAMPAIGN_OPENED:
            raise Refused(
                "event",
                topic,
                "comes before the log opens its campaign: the engine records nothing before",
            )
        rule(s, e)

    # The campaign.

    def _opened(self, s: dict[str, Any], e: Any) -> None:
        if self.p.campaign is not None:
            raise Refused(
                "name", s["name"], "a campaign is already open in this log (once per store)"
            )

    def _amended(self, s: dict[str, Any], e: Any) -> None:
        campaign = self.p.campaign
        assert campaign is not None  # `check` refuses an event before the campaign
        self._in_year(s["date"])
        check_settings(
            campaign.year,
            checkpoints=e.checkpoints,
            holidays=e.holidays,
            workdays=e.workdays,
            targets=e.targets,
            lights=e.lights,
        )
        now = campaign.settings_on(e.date)  # the calendar as it will stand
        check_settings(
            campaign.year,
            holidays=now.holidays if e.holidays is None else e.holidays,
            workdays=now.workdays if e.workdays is None else e.workdays,
        )

    def _in_year(self, date: str) -> None:
        if date not in self.p.day_index:
            year = self.p.campaign.year if self.p.campaign else None
            raise Refused("date", date, f"is not in the campaign year {year}")

    # A project (`Project`).

    def _registered(self, s: dict[str, Any], e: Any) -> None:
        if s["code"] in self.p.projects.row_of:
            raise Refused("code", s["code"], "is already registered")
        self._in_year(s["date"])
        self._plan_within(s["annual_plan_yuan"], s["total_investment_yuan"])
        start, completion = s.get("planned_start"), s.get("planned_completion")
        if start is not None and completion is not None and completion < start:
            raise Refused("planned_completion", completion, f"is before planned_start ({start})")

    def _plan_within(self, plan: int, total: int) -> None:
        if plan > total:
            raise Refused(
                "annual_plan_yuan",
                plan,
                f"is more than total_investment_yuan ({total}): an annual plan is at most the "
                f"total investment (as annual_plan, {from_yuan(plan)} 万元)",
            )

    def _plan_revised(self, s: dict[str, Any], e: Any) -> None:
        row = self.p.projects.row_of.get(s["code"])
        if row is None:
            return
        self._plan_within(s["annual_plan_yuan"], self.p.projects.total_investment[row])
        self._in_year(s["date"])
        self._registered_by(row, s["date"])
        self._not_after_termination(row, s["date"])

    def _milestone(self, s: dict[str, Any], e: Any) -> None:
        projects = self.p.projects
        row = projects.row_of.get(s["code"])
        if row is None:
            return
        code, milestone, date = s["code"], s["milestone"], s["date"]
        reached = projects.milestones[row]
        if milestone in reached:
            raise Refused(
                "milestone", milestone, f"project {code} already reached it on {reached[milestone]}"
            )
        order = MILESTONE_ORDER[Milestone(milestone)]
        later = [m for m in reached if MILESTONE_ORDER[Milestone(m)] > order]
        if later:
            raise Refused(
                "milestone",
                milestone,
                f"comes before {later[0]}, which project {code} already reached "
                "(order: signed → started → completed → production)",
            )
        needed = MILESTONE_NEEDS[milestone]
        if needed is not None and needed not in reached:
            raise Refused("milestone", milestone, f"needs {needed} first (project {code} has not)")
        if reached:
            previous, previous_date = max(reached.items(), key=lambda kv: kv[1])
            if date < previous_date:
                raise Refused(
                    "date", date, f"is before {previous} ({previous_date}) of project {code}"
                )
        self._not_after_termination(row, date)

    def _terminated(self, s: dict[str, Any], e: Any) -> None:
        row = self.p.projects.row_of.get(s["code"])
        if row is None:
            return
        terminated = self.p.projects.terminated_on[row]
        if terminated is not None:
            raise Refused("code", s["code"], f"was already terminated on {terminated}")
        self._registered_by(row, s["date"])

    def _registered_by(self, row: int, date: str) -> None:
        projects = self.p.projects
        if date < projects.registered_on[row]:
            raise Refused(
                "date",
                date,
                f"is before project {projects.code[row]} was registered "
                f"({projects.registered_on[row]})",
            )

    def _not_after_termination(self, row: int, date: str) -> None:
        terminated = self.p.projects.terminated_on[row]
        if terminated is not None and date > terminated:
            raise Refused(
                "date",
                date,
                f"is after project {self.p.projects.code[row]} was terminated ({terminated})",
            )

    # A daily report (`DailyReport`).

    def _reported(self, s: dict[str, Any], e: Any) -> None:
        row = self.p.projects.row_of.get(s["code"])
        if row is not None:
            self._registered_by(row, s["date"])
            self._not_after_termination(row, s["date"])

    def _corrected(self, s: dict[str, Any], e: Any) -> None:
        row = self.p.projects.row_of.get(s["code"])
        if row is not None:
            self._not_after_termination(row, s["date"])

    # A factor request (`FactorRequest`, `FactorKey`).

    def _filed(self, s: dict[str, Any], e: Any) -> None:
        projects, campaign = self.p.projects, self.p.campaign
        row = projects.row_of.get(s["code"])
        if row is None or campaign is None:
            return
        code, date = s["code"], s["date"]
        self._in_year(date)
        self._registered_by(row, date)
        terminated = projects.terminated_on[row]
        if terminated is not None and date >= terminated:
            raise Refused(
                "date", date, f"project {code} was terminated on {terminated}, on or before it"
            )
        settings = campaign.settings_on(e.date)
        days = settings.sla_for(s["category"])
        due = settings.calendar.nth_working_day_after(e.date, days)
        if e.due != due:
            raise Refused(
                "due",
                s["due"],
                f"is not {due}, the time limit of {s['category']} in force on {date} "
                f"({days} working days after it)",
            )
        self._request_id(s["request_id"], FactorRequest.base_request_id(code, e.category, e.date))
        key = s.get("key")
        if key is not None:
            if key in self.keys:
                raise Refused(
                    "key", key, f"already names request {self.keys[key]} (a key is filed once)"
                )
            self.keys[key] = s["request_id"]
            self.filed_at[key] = self.line

    def _request_id(self, request_id: str, base: str) -> None:
        """The id the engine gives a request: its project, filing date and category, with
        -2, -3... for the same day's twins, each after the one before it."""
        if request_id == base:
            return
        twin = request_id.removeprefix(f"{base}-")
        if twin.isascii() and twin.isdigit() and twin == str(int(twin)) and int(twin) >= 2:
            before = base if twin == "2" else f"{base}-{int(twin) - 1}"
            if before in self.p.requests.row_of:
                return
        raise Refused(
            "request_id",
            request_id,
            f"is not the id the engine gives this request: {base}, or {base}-2, -3... for a "
            "twin filed after one of the same project, day and category",
        )

    def _request(self, s: dict[str, Any]) -> int | None:
        """The request's row, if it is filed and unresolved, and `s["date"]` not before its
        filing."""
        requests = self.p.requests
        row = requests.row_of.get(s["request_id"])
        if row is None:
            return None
        resolved = requests.resolved_on[row]
        if resolved is not None:
            raise Refused(
                "request_id",
                s["request_id"],
                f"was already resolved ({requests.outcome[row]}) on {resolved}",
            )
        if s["date"] < requests.filed_on[row]:
            raise Refused(
                "date", s["date"], f"is before the request was filed ({requests.filed_on[row]})"
            )
        return row

    def _extended(self, s: dict[str, Any], e: Any) -> None:
        requests = self.p.requests
        row = self._request(s)
        if row is None:
            return
        date, extensions = s["date"], requests.extensions[row]
        if extensions and date < extensions[-1][0]:
            raise Refused(
                "date", date, f"is before the last extension's date ({extensions[-1][0]})"
            )
        self._not_after_termination(requests.project[row], date)
        due = in_force(extensions, date, requests.sla_due[row])
        if s["due"] <= due:
            raise Refused(
                "due", s["due"], f"is not later than the due date in force on {date} ({due})"
            )

    def _escalated(self, s: dict[str, Any], e: Any) -> None:
        row = self._request(s)
        if row is not None:
            self._not_after_termination(self.p.requests.project[row], s["date"])

    def _resolved(self, s: dict[str, Any], e: Any) -> None:
        requests = self.p.requests
        row = self._request(s)
        if row is None:
            return
        for since, _ in requests.extensions[row]:
            if s["date"] < since:
                raise Refused(
                    "date", s["date"], f"is before an extension of this request ({since})"
                )
        for since, _ in requests.escalations[row]:
            if s["date"] < since:
                raise Refused(
                    "date", s["date"], f"is before an escalation of this request ({since})"
                )

    def _key_assigned(self, s: dict[str, Any], e: Any) -> None:
        filed = self.keys.get(s["key"])
        if filed != s["request_id"]:
            raise Refused(
                "request_id",
                s["request_id"],
                f"is not the request filed with key {s['key']}"
                + (f" ({filed})" if filed else ": the log files none before it"),
            )
        self.assigned.add(s["key"])

    def unassigned(self) -> tuple[int, Refused] | None:
        """The first request filed with a key that the log never assigns (the engine writes
        the key's FactorKey.Assigned with the filing, in the same command): its line, and
        the refusal."""
        missing = [(at, key) for key, at in self.filed_at.items() if key not in self.assigned]
        if not missing:
            return None
        at, key = min(missing)
        return at, Refused(
            "key",
            key,
            f"files request {self.keys[key]}, but the log never assigns the key "
            "(FactorKey.Assigned): the engine writes that with every filing that has a key",
        )

    # Access to a shared store (`Access`).

    def _granted(self, s: dict[str, Any], e: Any) -> None:
        check_role(s["role"])
        check_kind(s["kind"], tuple(s.get("projects", ())))
        self.access[s["role"]] = True

    def _revoked(self, s: dict[str, Any], e: Any) -> None:
        if not self.access.get(s["role"]):
            raise Refused("role", s["role"], "has no access to revoke")
        self.access[s["role"]] = False


def _unknown(state: dict[str, Any], named: Any) -> Refused:
    """An event the fold refused: it names `named`, which the log does not hold before it."""
    field = next((k for k, v in state.items() if v == named), "event")
    rule = {
        "code": "names a project the log does not register before this event",
        "date": "is not a day of the campaign's year (or the log opens no campaign before it)",
        "request_id": "names a factor request the log does not file before this event",
    }.get(field, "names what the log does not hold before this event")
    return Refused(field, named, f"{rule}: the engine would refuse it")


def _header(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT:
        raise StoreError("line 1 is not the header of an exported campaign log")
    if record.get("version") != EXPORT_VERSION:
        raise StoreError(f"exported log version {record.get('version')} is not supported")
    return record


def _event(record: Any, position: int) -> tuple[StoredEvent, bytes]:
    if not isinstance(record, dict):
        raise Refused("line", record, "must be a JSON object")
    if record.get("position") != position:
        raise Refused(
            "position", record.get("position"), f"should be {position} (lines missing or moved)"
        )
    try:
        event = StoredEvent(
            originator_id=str(record["originator_id"]),
            originator_version=int(record["originator_version"]),
            topic=str(record["topic"]),
            state=str(record["state"]).encode("utf-8"),
        )
        expected = bytes.fromhex(record["hash"])
    except (KeyError, TypeError, ValueError) as error:
        raise Refused("line", position, f"is not an exported event ({error})") from None
    return event, expected

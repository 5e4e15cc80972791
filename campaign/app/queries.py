"""The read-side use cases: checkpoints, series and project states, each with its receipt.

A query replays the log (cut at `known_at`, and at a position when reproducing a published
checkpoint) and computes from the projection. Publishing appends the query and its state hash
to the log, so that auditors can reproduce it later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from campaign.domain.errors import Refused
from campaign.domain.time import known_at_cut, today_in
from campaign.figures.checkpoint import checkpoint
from campaign.figures.project import AsOf, project_figures
from campaign.figures.receipt import receipt
from campaign.figures.rounding import amount, percent
from campaign.figures.series import PERIODS, period_ends, series_rows
from campaign.read.replay import Replayed, replay_log, without_collector
from campaign.read.snapshots import FORMAT, key_id
from campaign.store.heads import head_at

if TYPE_CHECKING:
    from campaign.app.engine import Engine
    from campaign.figures.factors import RequestView
    from campaign.read.projection import CampaignInfo
    from campaign.read.replay import Progress


def resolve_as_of(engine: Engine, as_of: dt.date | None) -> tuple[dt.date, str]:
    """The as_of a user means (default: the engine's today, clamped to the campaign year),
    and the campaign's time zone."""
    campaign = open_campaign(engine)
    if as_of is None:
        today = today_in(engine.clock.now(), campaign.timezone)
        as_of = min(max(today, dt.date(campaign.year, 1, 1)), dt.date(campaign.year, 12, 31))
    return in_year(campaign, as_of), campaign.timezone


def open_campaign(engine: Engine) -> CampaignInfo:
    """The campaign as a query reads it; refused when none is open in the store."""
    campaign = engine.campaign_info()
    if campaign is None:
        raise Refused("campaign", None, "no campaign is open in this store")
    return campaign


def in_year(campaign: CampaignInfo, as_of: dt.date) -> dt.date:
    """`as_of`, refused unless it is in the campaign year."""
    if as_of.year != campaign.year:
        raise Refused("as_of", as_of, f"is not in the campaign year {campaign.year}")
    return as_of


@dataclass(frozen=True, slots=True)
class AsOfChoice:
    """The as_of a query reads, and why that day: `given` (typed), `checkpoint` (the latest
    checkpoint day in force not after today), `today` (no checkpoint day has come yet),
    `campaign_end` (the campaign is over and names no checkpoint day) or `year_start` (its
    year has not begun)."""

    day: dt.date
    why: Literal["given", "checkpoint", "today", "campaign_end", "year_start"]
    today: dt.date


def choose_as_of(engine: Engine, as_of: dt.date | None) -> AsOfChoice:
    """The day a checkpoint is read on when none is given: what the office last reported on,
    i.e. the campaign's latest checkpoint day (in force today) not after today; before the
    first one comes, today (within the campaign year); after a campaign that names none, its
    last day. A day given is kept (it must be in the campaign year)."""
    campaign = open_campaign(engine)
    today = today_in(engine.clock.now(), campaign.timezone)
    if as_of is not None:
        return AsOfChoice(in_year(campaign, as_of), "given", today)
    first, last = dt.date(campaign.year, 1, 1), dt.date(campaign.year, 12, 31)
    in_force = campaign.settings_on(min(max(today, first), last)).checkpoints
    passed = [d for d in in_force if d <= today]
    if passed:
        return AsOfChoice(max(passed), "checkpoint", today)
    if today > campaign.end:
        return AsOfChoice(campaign.end, "campaign_end", today)
    if today < first:
        return AsOfChoice(first, "year_start", today)
    return AsOfChoice(today, "today", today)


def replay(
    engine: Engine,
    known_at: str | None,
    timezone: str,
    *,
    upto: int | None = None,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> Replayed:
    """Replay the log as known at `known_at` (and up to position `upto`); from the nearest
    projection snapshot unless `snapshots` is False (a full replay from the first event)."""
    cut = None
    if known_at is not None:
        try:
            cut = known_at_cut(known_at, timezone)
        except ValueError as error:
            raise Refused("known_at", known_at, str(error).split(": ", 1)[-1]) from None
    reader = engine.store.reader()
    cache = engine.snapshots if snapshots else None
    try:
        replayed = replay_log(reader, known_at=cut, upto=upto, progress=progress, snapshots=cache)
        head = head_at(reader, replayed.position, engine.signer)  # after `check_tail`
    finally:
        reader.close()
    replayed = dataclasses.replace(replayed, tree_head=head)
    if replayed.projection.campaign is None:
        raise Refused("known_at", known_at, "nothing was known then: the campaign was not open yet")
    return replayed


def snapshots_behind(engine: Engine) -> bool:
    """Whether the log has grown, since the latest snapshot taken under this engine's key, by
    a quarter of the snapshot interval or more (two indexed reads, no snapshot read)."""
    snapshots = engine.snapshots
    if snapshots is None:
        return False
    reader = engine.store.reader()
    try:
        head, _, _ = reader.head()
        return head - reader.latest_snapshot(FORMAT, key_id(snapshots.key)) >= snapshots.every // 4
    finally:
        reader.close()


@without_collector
def catch_up(engine: Engine, progress: Progress | None = None) -> int:
    """After a bulk write (a load, an import): fold the log from its latest snapshot to its
    head, keeping the snapshots a query would keep (the ends of checkpoint days, the head), so
    that no query after a load pays for them. Nothing when the snapshots are not behind
    (`snapshots_behind`). Returns the position reached (0: nothing folded)."""
    if engine.snapshots is None or not snapshots_behind(engine):
        return 0
    reader = engine.store.reader()
    try:
        return replay_log(reader, progress=progress, snapshots=engine.snapshots).position
    finally:
        reader.close()


@without_collector
def checkpoint_document(
    engine: Engine,
    as_of: dt.date | None,
    known_at: str | None,
    *,
    upto: int | None = None,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """The checkpoint of SPEC §6 with its receipt."""
    day, timezone = resolve_as_of(engine, as_of)
    replayed = replay(engine, known_at, timezone, upto=upto, progress=progress, snapshots=snapshots)
    document = checkpoint(replayed.projection, day, known_at=known_at)
    document["receipt"] = receipt(document, replayed)
    return document


@without_collector
def series_document(
    engine: Engine,
    period: str,
    as_of: dt.date | None,
    known_at: str | None,
    *,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """The zone figures at each period end, from one pass over the log."""
    if period not in PERIODS:
        raise Refused("series", period, f"must be one of {', '.join(PERIODS)}")
    day, timezone = resolve_as_of(engine, as_of)
    replayed = replay(engine, known_at, timezone, progress=progress, snapshots=snapshots)
    campaign = replayed.projection.campaign
    assert campaign is not None
    ends = period_ends(campaign, period, day)
    document: dict[str, Any] = {
        "campaign": campaign.name,
        "series": period,
        "known_at": known_at,
        "rows": series_rows(replayed.projection, ends),
    }
    document["receipt"] = receipt(document, replayed)
    return document


def open_request(v: RequestView) -> dict[str, Any]:
    """An open factor request as a project's state and its card list it."""
    return {**request_row(v), "escalation_level": v.level}


def request_row(v: RequestView) -> dict[str, Any]:
    """What every list of open factor requests shows of one: which, when filed, the due date
    in force and how far past it."""
    return {
        "id": v.request.id,
        "category": v.request.category,
        "detail": v.request.detail,
        "filed_on": v.request.filed_on,
        "due": v.due,
        "overdue_wd": v.overdue_wd,
    }


@without_collector
def project_states(
    engine: Engine,
    as_of: dt.date | None,
    known_at: str | None,
    code: str | None,
    *,
    progress: Progress | None = None,
    snapshots: bool = True,
) -> dict[str, Any]:
    """Each project's state on as_of: YTD totals, physical %, milestones, open requests."""
    day, timezone = resolve_as_of(engine, as_of)
    replayed = replay(engine, known_at, timezone, progress=progress, snapshots=snapshots)
    projection = replayed.projection
    campaign = projection.campaign
    assert campaign is not None
    text = day.isoformat()
    if code is not None and code not in projection.projects:
        raise Refused("project", code, "is not a registered project (as known then)")
    at = AsOf(projection, day)
    rows = []
    for state in sorted(projection.projects.values(), key=lambda s: s.code):
        if (code is not None and state.code != code) or state.registered_on > text:
            continue
        f = project_figures(state, at)
        rows.append(
            {
                "code": state.code,
                "name": state.name,
                "unit": state.unit,
                "leader": state.leader,
                "registered_on": state.registered_on,
                "terminated_on": state.terminated_on if f.terminated else None,
                "annual_plan": amount(f.plan),
                "ytd_investment": amount(f.ytd_investment),
                "ytd_funds": amount(f.ytd_funds),
                "physical_pct": None
                if f.physical_hundredths is None
                else percent(f.physical_hundredths),
                "milestones": {m: d for m, d in state.milestones.items() if d <= text},
                "open_requests": [open_request(v) for v in f.requests if v.open],
            }
        )
    document: dict[str, Any] = {
        "campaign": campaign.name,
        "as_of": text,
        "known_at": known_at,
        "projects": rows,
    }
    document["receipt"] = receipt(document, replayed)
    return document


@without_collector
def publish(
    engine: Engine, as_of: dt.date | None, known_at: str | None, *, actor: str
) -> tuple[dict[str, Any], bool]:
    """Compute a checkpoint and append its publication: the query, the log position read and
    the state hash. Publishing the same query again, with the same result, appends nothing.

    A publication is what officials are judged by, so it is computed from the log itself,
    never from a projection snapshot (a cache beside the log, outside its hash chain), and only
    for a view that can no longer change: known_at, when given, must have passed."""
    day, timezone = resolve_as_of(engine, as_of)
    now = engine.recorded_now()
    if known_at is not None:
        try:
            cut = known_at_cut(known_at, timezone)
        except ValueError as error:
            raise Refused("known_at", known_at, str(error).split(": ", 1)[-1]) from None
        if cut > now:
            raise Refused("known_at", known_at, "has not passed yet: that view could still change")
    replayed = replay(engine, known_at, timezone, snapshots=False)
    document = checkpoint(replayed.projection, day, known_at=known_at)
    document["receipt"] = r = receipt(document, replayed)
    for earlier in replayed.projection.publications:
        if (earlier["as_of"], earlier.get("known_at"), earlier["state_hash"]) == (
            day.isoformat(),
            known_at,
            r["state_hash"],
        ):
            return document, False
    from campaign.app.commands import PublishCheckpoint  # noqa: PLC0415 (the write side)

    command = PublishCheckpoint(
        as_of=day,
        known_at=known_at,
        position=r["position"],
        head_hash=r["head_hash"],
        state_hash=r["state_hash"],
        engine_version=r["engine_version"],
        signed_head=r["signed_head"],
    )
    return document, engine.execute(command, actor=actor).appended > 0

"""The read-side use cases: checkpoints, series and project states, each with its receipt.

A query replays the log (cut at `known_at`, and at a position when reproducing a published
checkpoint) and computes from the projection. Publishing appends the query and its state hash
to the log, so that auditors can reproduce it later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from campaign.chain import digest
from campaign.checkpoint import AsOf, checkpoint, project_figures, series_rows, state_hash
from campaign.domain import Publication
from campaign.errors import Refused
from campaign.formulas import amount, percent
from campaign.replay import Replayed, known_at_cut, replay_log
from campaign.snapshots import SnapshotStore
from campaign.version import __version__

if TYPE_CHECKING:
    from campaign.engine import Engine
    from campaign.replay import CampaignInfo

Progress = Callable[[int, int], None]
PERIODS = ("weekly", "xun", "monthly", "checkpoints")


def engine_version() -> str:
    return __version__


def resolve_as_of(engine: Engine, as_of: dt.date | None) -> tuple[dt.date, str]:
    """The as_of a user means (default: the engine's today, clamped to the campaign year),
    and the campaign's time zone."""
    campaign = engine.campaign()
    if campaign is None:
        raise Refused("campaign", None, "no campaign is open in this store")
    if as_of is None:
        today = engine.clock.now().astimezone(ZoneInfo(campaign.timezone)).date()
        as_of = min(max(today, dt.date(campaign.year, 1, 1)), dt.date(campaign.year, 12, 31))
    elif as_of.year != campaign.year:
        raise Refused("as_of", as_of, f"is not in the campaign year {campaign.year}")
    return as_of, campaign.timezone


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
    cache = (
        SnapshotStore(engine.store.datastore, engine.store.snapshot_every) if snapshots else None
    )
    try:
        replayed = replay_log(reader, known_at=cut, upto=upto, progress=progress, snapshots=cache)
    finally:
        reader.close()
    if replayed.projection.campaign is None:
        raise Refused("known_at", known_at, "nothing was known then: the campaign was not open yet")
    return replayed


def receipt(document: dict[str, Any], replayed: Replayed) -> dict[str, Any]:
    return {
        "position": replayed.position,
        "head_hash": replayed.head_hash.hex(),
        "state_hash": state_hash(document),
        "engine_version": engine_version(),
        "digest": digest(replayed.head_hash, replayed.position),
    }


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


def period_ends(campaign: CampaignInfo, period: str, last: dt.date) -> list[dt.date]:
    """Period ends within the campaign (start..end), up to `last`: weekly (Sundays), 旬
    (10th, 20th, month end), monthly (month ends) or the campaign's checkpoints; the
    campaign's end closes every series."""
    if period == "checkpoints":
        days = list(campaign.checkpoints)
    else:
        days = []
        day = campaign.start
        while day <= campaign.end:
            month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
            if (
                (period == "weekly" and day.weekday() == 6)
                or (period == "xun" and (day.day in (10, 20) or day == month_end))
                or (period == "monthly" and day == month_end)
            ):
                days.append(day)
            day += dt.timedelta(days=1)
        if campaign.end not in days:
            days.append(campaign.end)
    return sorted(d for d in set(days) if d <= last)


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
                "open_requests": [
                    {
                        "id": v.request.id,
                        "category": v.request.category,
                        "detail": v.request.detail,
                        "filed_on": v.request.filed_on,
                        "due": v.due,
                        "overdue_wd": v.overdue_wd,
                        "escalation_level": v.level,
                    }
                    for v in f.requests
                    if v.open
                ],
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
    with engine.store.writing():
        if engine.store.get(Publication.create_id(day, known_at, r["position"])) is not None:
            return document, False
        at = engine.recorded_now()
        today = at.astimezone(ZoneInfo(timezone)).date()
        if day > today:
            raise Refused(
                "as_of", day, f"is after the engine's today ({today}): nothing to publish"
            )
        publication = Publication(
            as_of=day,
            known_at=known_at,
            position=r["position"],
            head_hash=r["head_hash"],
            state_hash=r["state_hash"],
            engine_version=r["engine_version"],
            date=day,
            actor=actor,
            timestamp=at,
        )
        engine.store.append(list(publication.collect_events()))
    return document, True

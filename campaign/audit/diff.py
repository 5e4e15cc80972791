"""What changed in a checkpoint between two views of the log, and the events that did it (SPEC
§7 `audit diff`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from campaign.app.queries import checkpoint_document
from campaign.audit.log import LogFilter, log_entries
from campaign.domain.errors import Refused
from campaign.domain.time import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    import datetime as dt

    from campaign.app.engine import Engine


@dataclass
class Difference:
    """What changed in a checkpoint between two views of the log, and the events that did it."""

    as_of: str
    known_at: str
    vs: str
    positions: tuple[int, int]
    changes: list[dict[str, Any]] = field(default_factory=list)
    causes: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "known_at": self.known_at,
            "vs": self.vs,
            "positions": list(self.positions),
            "changes": self.changes,
            "events": self.causes,
        }


def _flatten(document: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    flat.update({f"zone.{k}": v for k, v in document["zone"].items() if k != "lights"})
    flat.update({f"zone.lights.{k}": v for k, v in document["zone"]["lights"].items()})
    flat["time_progress"] = document["time_progress"]
    for key, value in document["factors"].items():
        if key in ("by_category", "by_unit"):
            for name, figures in value.items():
                flat.update({f"factors.{key}.{name}.{k}": v for k, v in figures.items()})
        else:
            flat[f"factors.{key}"] = value
    for target in document["targets"]:
        for k in ("actual", "ratio", "over_half"):
            flat[f"targets.{target['kind']}.{k}"] = target[k]
    for project in document["projects"]:
        for k, v in project.items():
            if k not in ("code", "name", "sector", "category", "unit", "leader"):
                flat[f"projects.{project['code']}.{k}"] = v
    return flat


def diff(engine: Engine, as_of: dt.date, known_at: str, vs: str) -> Difference:
    """Compare the checkpoint at `as_of` as known at `known_at` with it as known at `vs`."""
    before = checkpoint_document(engine, as_of, known_at, snapshots=False)
    try:
        after = checkpoint_document(engine, as_of, vs, snapshots=False)
    except Refused as error:  # the later reading is given as --vs: name it so
        if error.field != "known_at":
            raise
        raise Refused("vs", error.value, error.rule) from None
    old, new = _flatten(before), _flatten(after)
    result = Difference(
        as_of.isoformat(),
        known_at,
        vs,
        (before["receipt"]["position"], after["receipt"]["position"]),
    )
    for key in sorted(set(old) | set(new), key=_key_order):
        if old.get(key) != new.get(key):
            result.changes.append({"figure": key, "before": old.get(key), "after": new.get(key)})
    low, high = sorted(result.positions)
    touched = {
        c["figure"].split(".")[1] for c in result.changes if c["figure"].startswith("projects.")
    }
    day = as_of.isoformat()
    campaign = engine.campaign()
    zone = campaign.timezone if campaign is not None else DEFAULT_TIMEZONE
    # nothing before the earlier reading or after the later can have moved a figure
    for entry in log_entries(engine.store, LogFilter(), timezone=zone, after=low, upto=high):
        counts = entry["date"] is None or entry["date"] <= day or entry["type"].endswith("Resolved")
        if counts and (entry["project"] in touched or entry["project"] is None or not touched):
            result.causes.append(entry)
    return result


def _key_order(key: str) -> tuple[int, str]:
    order = ("time_progress", "zone.", "targets.", "factors.", "projects.")
    return next((i for i, p in enumerate(order) if key.startswith(p)), len(order)), key

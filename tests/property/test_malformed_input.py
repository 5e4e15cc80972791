"""No input, however malformed, reaches an unexpected error: every scenario line and every
command's fields are either taken or refused with a CampaignError that names where."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import (
    COMMANDS,
    CampaignError,
    FixedClock,
    LineError,
    Settings,
    load_scenario,
    open_engine,
    parse_command,
)
from tests.conftest import CAMPAIGN_2020, at

if TYPE_CHECKING:
    from pathlib import Path

FIELDS = sorted({name for cls in COMMANDS.values() for name in cls.model_fields} | {"ref", "at"})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["2020-04-16", "1_000", "１２０.５", "1E+2147483647", "40%", "NaN", "\x1b[31m"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
fields = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cmd=st.sampled_from(sorted(COMMANDS)), given_fields=fields)
def test_any_fields_of_any_command_are_taken_or_refused_as_a_campaign_error(
    cmd: str, given_fields: dict[str, Any]
) -> None:
    with contextlib.suppress(CampaignError):
        parse_command(cmd, given_fields)


OPEN = json.dumps({"at": "2020-01-02T08:00:00+08:00", "cmd": "open_campaign", **CAMPAIGN_2020})
lines = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(str.encode),
    st.builds(
        lambda cmd, f: json.dumps(
            {"at": "2020-03-01T09:00:00+08:00", "cmd": cmd, **f}, default=str
        ).encode(),
        st.sampled_from(sorted(COMMANDS)),
        fields,
    ),
    st.integers(min_value=1, max_value=3000).map(lambda depth: b'{"at": ' + b"[" * depth),
    st.integers(min_value=4000, max_value=6000).map(lambda n: b'{"workers": ' + b"9" * n + b"}"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad=st.lists(lines, min_size=1, max_size=3))
def test_a_scenario_line_of_any_bytes_is_loaded_or_refused_naming_its_line(
    bad: list[bytes], tmp_path_factory: Any
) -> None:
    folder: Path = tmp_path_factory.mktemp("scenario")
    path = folder / "bad.jsonl"
    path.write_bytes(OPEN.encode() + b"\n" + b"\n".join(line.replace(b"\n", b" ") for line in bad))
    settings_ = Settings(db=str(folder / "s.db"), clock=FixedClock(at("2026-01-01 00:00")))
    with open_engine(settings_) as engine:
        try:
            load_scenario(engine, path, actor="fuzz")
        except LineError as error:
            assert str(error).startswith("line ")
            assert engine.store.head() == 0  # all or nothing
        except CampaignError:
            pass

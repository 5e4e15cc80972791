"""The same log and query give the same bytes, run after run and change after change: every
pinned output of tests/reference/golden.py is compared with what the engine printed when the
goldens were recorded."""

from __future__ import annotations

import json

import pytest

from tests.reference import golden

MANIFEST = json.loads(golden.MANIFEST.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "projects", "seed"), golden.SCENARIOS, ids=[s[0] for s in golden.SCENARIOS]
)
def test_every_output_is_the_recorded_bytes(
    name: str, projects: int | None, seed: int | None
) -> None:
    expected = MANIFEST[name]
    found = golden.outputs(name, projects, seed)

    assert golden.state_hashes(found) == expected["state_hashes"]
    for output, data in found.items():
        kept = golden.HERE / f"{name}-{output}"
        if kept.exists():  # kept in full: show the difference, not just a digest
            assert data.decode() == kept.read_text(encoding="utf-8"), output
    digests = expected["digests"]
    changed = sorted(o for o, data in found.items() if golden.digest(data) != digests.get(o))
    assert changed == [], f"outputs that changed: {changed}"
    assert sorted(found) == sorted(expected["digests"])

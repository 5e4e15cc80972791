"""Fixtures of the command-line tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.cli.test_cli import DEMO, Campaign

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def demo(tmp_path: Path) -> Campaign:
    """The command line on a store holding the demo scenario (49 events)."""
    run = Campaign(tmp_path)
    run.ok("scenario", "run", str(DEMO))
    return run

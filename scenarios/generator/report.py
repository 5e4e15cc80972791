"""What a run of the generator wrote."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GenerateReport:
    """What a run wrote: lines, and some of what they hold."""

    lines: int
    projects: int
    reports: int
    factor_requests: int

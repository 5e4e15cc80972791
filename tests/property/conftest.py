"""At the end of the run, how many generated commands each property test's engine accepted
(the `accepted` property the tests record): a near-empty log would prove nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [
        f"{report.nodeid.rpartition('::')[2]}: {value}"
        for outcome in ("passed", "failed")
        for report in terminalreporter.getreports(outcome)
        if report.when == "call"
        for name, value in report.user_properties
        if name == "accepted"
    ]
    if lines:
        terminalreporter.write_sep("-", "generated logs (tests/property)")
        for line in lines:
            terminalreporter.write_line(line)

"""The engine's errors: one base, so that the command line can turn any of them into one line.

A refusal names the field, the value and the rule, so that a clerk can act on it without
reading code. Nothing that raises one of these has appended anything.
"""

from __future__ import annotations

from typing import Any


class CampaignError(Exception):
    """Base of every error the engine raises on purpose."""


class Refused(CampaignError):
    """A command broke a rule of SPEC §3; nothing was appended."""

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        # One line, always: a rule may quote stored text (a note) that holds a line break.
        super().__init__(_one_line(f"{field}={_show(value)}: {rule}"))


class StoreError(CampaignError):
    """The store cannot be used as asked (busy, not a campaign store, not empty...)."""


class LineError(CampaignError):
    """An error located in an input file (a scenario line, a CSV row)."""

    def __init__(self, where: str, error: CampaignError) -> None:
        self.where = where
        self.error = error
        super().__init__(f"{where}: {error}")


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    text = str(value)
    if text == "" or any(c.isspace() for c in text) or len(text) > 60:
        shown = text if len(text) <= 60 else text[:57] + "..."
        return repr(shown)
    return text

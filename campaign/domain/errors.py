"""The engine's errors: one base, so that the command line can turn any of them into one line.

A refusal names the field, the value and the rule, so that a clerk can act on it without
reading code. Nothing that raises one of these has appended anything.
"""

from __future__ import annotations

import re
import unicodedata
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
        super().__init__(_one_line(f"{field}={shown(value)}: {rule}"))


class LikelyDuplicate(Refused):
    """A request like one filed that day and still open (`request_id`): the same project,
    category and detail, with no key to tell them apart."""

    def __init__(self, detail: str, request_id: str) -> None:
        self.request_id = request_id
        super().__init__(
            "detail",
            detail,
            f"is the detail of request {request_id}, filed that day and still open: another "
            "such request must say it is another (again), or each must carry its own key",
        )


class StoreError(CampaignError):
    """The store cannot be used as asked (busy, not a campaign store, not empty...)."""


class LineError(CampaignError):
    """An error located in an input file (a scenario line, a CSV row)."""

    def __init__(self, where: str, error: CampaignError) -> None:
        self.where = where
        self.error = error
        super().__init__(f"{where}: {error}")


BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Characters that reorder the text around them on screen (right-to-left overrides, isolates)."""


def is_unsafe(char: str) -> bool:
    """A control character (ESC, a line break...) or a bidirectional control: text that shows
    something else than it holds."""
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS


UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
"""The characters `is_unsafe` refuses, as one search: Unicode's control characters (category
Cc) are these 65 code points in every version, and a test holds the two to each other."""


def printable(text: str) -> str:
    """`text` with every unsafe character written as an escape (\\x1b, \\u202e): what a terminal
    or a page shows is then what the text holds."""
    if not UNSAFE.search(text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if is_unsafe(c) else c for c in text)


def _one_line(text: str) -> str:
    return printable(text)


def shown(value: Any) -> str:
    """A value as a refusal names it: quoted when empty, spaced or long."""
    if value is None:
        return "(none)"
    text = str(value)
    if text == "" or any(c.isspace() for c in text) or len(text) > 60:
        cut = text if len(text) <= 60 else text[:57] + "..."
        return repr(cut)  # quoted, every unprintable character escaped
    return printable(text)

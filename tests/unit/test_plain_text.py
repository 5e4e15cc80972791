"""The refusal of text that shows something else than it holds: one search (`UNSAFE`) finds
exactly the characters `is_unsafe` names, in every code point of Unicode."""

from __future__ import annotations

import re
import sys

import pytest

from campaign.domain.errors import UNSAFE, is_unsafe, printable
from campaign.domain.values import plain_text


def test_the_search_finds_exactly_the_unsafe_characters() -> None:
    found = [c for c in range(sys.maxunicode + 1) if UNSAFE.fullmatch(chr(c))]
    named = [c for c in range(sys.maxunicode + 1) if is_unsafe(chr(c))]
    assert found == named
    assert len(named) == 65 + 12  # the C0 and C1 controls and DEL; the bidirectional ones


@pytest.mark.parametrize(
    ("text", "first"),
    [("锂电池\n二期\x1b", "U+000A"), ("张三\u202e办公室", "U+202E"), ("\x9f", "U+009F")],
)
def test_plain_text_names_the_first_unsafe_character(text: str, first: str) -> None:
    with pytest.raises(ValueError, match=f"control character {re.escape(first)};"):
        plain_text(text)


@pytest.mark.parametrize("text", ["", "锂电池二期 (一)", "Ω ≥ 50%", "\u00a0tab-free", "😀"])
def test_plain_text_keeps_text_without_one(text: str) -> None:
    assert plain_text(text) is text
    assert printable(text) is text

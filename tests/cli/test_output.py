"""A JSON document is printed as the UTF-8 bytes orjson writes where the stream takes bytes,
and as the same text where it takes text only."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from typing import TYPE_CHECKING

import orjson

from cli.output import print_json

if TYPE_CHECKING:
    import pytest

DOCUMENT = {"campaign": "百日会战", "rate": 0.5265, "projects": [{"code": "ZZ-001"}]}


def test_a_document_goes_to_a_binary_stream_as_its_bytes(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    print_json(DOCUMENT)
    out = capsysbinary.readouterr().out
    assert out == orjson.dumps(DOCUMENT, option=orjson.OPT_INDENT_2) + b"\n"


def test_a_document_goes_to_a_stream_of_text_only_as_the_same_text() -> None:
    stream = io.StringIO()
    with redirect_stdout(stream):
        print_json(DOCUMENT, compact=True)
    assert stream.getvalue() == orjson.dumps(DOCUMENT).decode() + "\n"

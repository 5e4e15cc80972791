"""A JSON document is printed as the UTF-8 bytes orjson writes where the stream takes bytes,
and as the same text where it takes text only; a long list is printed item by item, with the
same bytes."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from typing import TYPE_CHECKING

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.output import JSON_BUFFER, print_json, print_json_list

if TYPE_CHECKING:
    from collections.abc import Iterator

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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=5),
            st.recursive(
                st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3)
                ),
                max_leaves=6,
            ),
            max_size=4,
        ),
        max_size=5,
    )
)
def test_a_list_printed_item_by_item_is_the_bytes_of_the_whole_list(
    items: list[dict[str, object]],
) -> None:
    whole, streamed = io.BytesIO(), io.BytesIO()
    with redirect_stdout(io.TextIOWrapper(whole, encoding="utf-8")) as out:
        print_json(items)
        out.flush()
    with redirect_stdout(io.TextIOWrapper(streamed, encoding="utf-8")) as out:
        assert print_json_list(iter(items)) == len(items)
        out.flush()
    assert streamed.getvalue() == whole.getvalue()


def test_a_long_list_is_printed_before_the_items_after_it_are_read(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    item = {"note": "x" * 1_000}
    written: list[int] = []

    def items() -> Iterator[dict[str, str]]:
        for _ in range(2 * JSON_BUFFER // 1_000):
            yield item
            written.append(len(capsysbinary.readouterr().out))

    count = print_json_list(items())
    assert count == 2 * JSON_BUFFER // 1_000
    assert sum(written[: count // 2 + 1]) > 0  # a first part before half the items were read

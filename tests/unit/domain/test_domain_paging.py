"""Keyset cursors: codec, binding to what they page, and walking a list that changes."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credmatch.domain.paging import (
    check_first,
    decode_cursor,
    encode_cursor,
    keyset_page,
    scope_digest,
)
from credmatch.errors import ConfigError, InputError

SCOPE = scope_digest({"job": "job-a", "filter": [0.0, False]})
KEYS = st.tuples(st.text(max_size=40)) | st.tuples(st.text(max_size=20), st.integers())


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@given(KEYS)
def test_cursor_round_trips(key: tuple[str | int, ...]) -> None:
    cursor = encode_cursor("candidates", SCOPE, key)
    assert decode_cursor("candidates", SCOPE, cursor) == key


def test_cursor_of_another_job_filter_or_list_is_refused() -> None:
    cursor = encode_cursor("candidates", SCOPE, ("0000000001" + "0001" + "did:x",))
    other_job = scope_digest({"job": "job-b", "filter": [0.0, False]})
    other_filter = scope_digest({"job": "job-a", "filter": [0.5, False]})
    for kind, scope in (("candidates", other_job), ("candidates", other_filter),
                        ("jobPostings", SCOPE)):  # fmt: skip
        with pytest.raises(InputError, match="belongs to another list"):
            decode_cursor(kind, scope, cursor)


def test_edited_cursor_is_refused() -> None:
    cursor = encode_cursor("candidates", SCOPE, ("0000000001" + "0001" + "did:x",))
    body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    body["p"] = ["0000000000" + "0001" + "did:x"]  # jump ahead, checksum left as it was
    forged = b64(json.dumps(body))
    with pytest.raises(InputError, match="not a cursor this API made"):
        decode_cursor("candidates", SCOPE, forged)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "abc",
        b64("credmatch:rank:v1:3"),  # the old offset cursors
        b64("[1, 2]"),
        b64('{"v": 2}'),
        b64('{"v": 2, "k": "candidates", "s": "x", "p": [true], "c": "0"}'),
        "é" * 10,
        "A" * 5000,
    ],
)
def test_malformed_cursor_raises_input_error_naming_after(cursor: str) -> None:
    with pytest.raises(InputError, match="`after`"):
        decode_cursor("candidates", SCOPE, cursor)


@pytest.mark.parametrize("first", [-1, 6, True])
def test_first_out_of_range_raises_naming_first(first: int) -> None:
    with pytest.raises(InputError, match=r"`first` is .*between 0 and 5"):
        check_first(first, 5)


def test_bad_page_size_limit_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        check_first(0, 0)


def _page(rows: list[str], after: str | None, first: int) -> tuple[list[str], str | None, bool]:
    """Keyset-page a sorted list the way the queries do: rows whose key is after the cursor."""
    start = "" if after is None else str(decode_cursor("t", SCOPE, after)[0])
    rest = [r for r in rows if r > start]
    chunk = rest[:first]
    p = keyset_page(chunk, [(r,) for r in chunk], "t", SCOPE, len(rows) - len(rest), len(rows))
    return p.items, p.end_cursor, p.has_next


@given(
    rows=st.lists(st.text("abcdefgh", min_size=1, max_size=3), unique=True, max_size=30),
    changes=st.lists(st.text("abcdefgh", min_size=1, max_size=3), max_size=10),
    first=st.integers(1, 6),
)
def test_rows_that_stay_are_seen_exactly_once_while_others_come_and_go(
    rows: list[str], changes: list[str], first: int
) -> None:
    """Between pages, rows are inserted or removed anywhere; every row present from start to
    end is returned exactly once (an offset cursor fails this when a row above it goes)."""
    current = sorted(rows)
    stayed = set(rows)
    seen: list[str] = []
    after: str | None = None
    for step in range(len(rows) + len(changes) + 2):
        items, after_next, has_next = _page(current, after, first)
        seen.extend(items)
        if step < len(changes):  # toggle one row: remove it if present, else add it
            row = changes[step]
            current = sorted(set(current) ^ {row})
            stayed.discard(row)
        if not has_next or after_next is None:
            break
        after = after_next
    assert all(seen.count(r) == 1 for r in stayed), (seen, stayed)
    assert stayed <= set(seen)

"""Relay cursors over the ranking: codec and page slicing."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credmatch.domain.paging import decode_cursor, encode_cursor, page
from credmatch.errors import ConfigError, InputError

ITEMS = [f"learner-{i}" for i in range(1, 8)]  # ranks 1..7


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@given(st.integers(min_value=1, max_value=10**12))
def test_cursor_round_trips(rank: int) -> None:
    cursor = encode_cursor(rank)
    assert decode_cursor(cursor) == rank
    assert not cursor.isdecimal()  # opaque: not the bare rank


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "abc",  # bad padding
        b64("credmatch:rank:v1:"),
        b64("credmatch:rank:v1:0"),
        b64("credmatch:rank:v1:-3"),
        b64("credmatch:rank:v1:007"),
        b64("credmatch:rank:v1:1.5"),
        b64("credmatch:rank:v2:3"),
        b64("rank:3"),
        b64("3"),
        b64("credmatch:rank:v1:٣"),  # Arabic-Indic digit 3: not ASCII
        b64("credmatch:rank:v1:3").rstrip("="),  # not the canonical spelling
        b64("credmatch:rank:v1:3") + "AAAA",
        "é" * 10,
        b64("credmatch:rank:v1:" + "9" * 100),
    ],
)
def test_malformed_cursor_raises_input_error_naming_after(cursor: str) -> None:
    with pytest.raises(InputError, match="`after`"):
        decode_cursor(cursor)


@pytest.mark.parametrize("rank", [0, -1, True])
def test_cannot_encode_a_rank_below_one(rank: int) -> None:
    with pytest.raises(InputError, match="ranks start at 1"):
        encode_cursor(rank)


def test_first_page() -> None:
    items, has_next, has_prev, start, end = page(ITEMS, first=3, after=None, max_first=5)
    assert items == ["learner-1", "learner-2", "learner-3"]
    assert (has_next, has_prev) == (True, False)
    assert start is not None and end is not None
    assert (decode_cursor(start), decode_cursor(end)) == (1, 3)


def test_middle_and_last_pages() -> None:
    p = page(ITEMS, first=3, after=encode_cursor(3), max_first=5)
    assert p.items == ["learner-4", "learner-5", "learner-6"]
    assert (p.has_next, p.has_previous) == (True, True)
    last = page(ITEMS, first=3, after=p.end_cursor, max_first=5)
    assert last.items == ["learner-7"]
    assert (last.has_next, last.has_previous) == (False, True)
    assert last.start_cursor == last.end_cursor == encode_cursor(7)


def test_page_that_exactly_ends_the_list_has_no_next() -> None:
    p = page(ITEMS, first=7, after=None, max_first=10)
    assert p.items == ITEMS
    assert not p.has_next


def test_after_the_last_item_or_beyond_is_an_empty_page() -> None:
    for rank in (7, 50):
        p = page(ITEMS, first=3, after=encode_cursor(rank), max_first=5)
        assert p.items == []
        assert (p.has_next, p.has_previous) == (False, True)
        assert (p.start_cursor, p.end_cursor) == (None, None)


def test_first_zero_returns_no_items_but_reports_next() -> None:
    p = page(ITEMS, first=0, after=None, max_first=5)
    assert (p.items, p.has_next, p.start_cursor, p.end_cursor) == ([], True, None, None)


def test_empty_list() -> None:
    assert tuple(page([], first=5, after=None, max_first=5)) == ([], False, False, None, None)


@pytest.mark.parametrize("first", [-1, 6, True])
def test_first_out_of_range_raises_naming_first(first: int) -> None:
    with pytest.raises(InputError, match=r"`first` is .*between 0 and 5"):
        page(ITEMS, first=first, after=None, max_first=5)


def test_bad_page_size_limit_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        page(ITEMS, first=0, after=None, max_first=0)


def test_malformed_after_is_rejected_by_page() -> None:
    with pytest.raises(InputError, match="`after`"):
        page(ITEMS, first=2, after="garbage", max_first=5)


@given(n=st.integers(0, 30), first=st.integers(1, 6))
def test_walking_all_pages_visits_every_item_once(n: int, first: int) -> None:
    items = list(range(n))
    seen: list[int] = []
    after: str | None = None
    for _ in range(n + 2):
        p = page(items, first=first, after=after, max_first=6)
        seen.extend(p.items)
        assert p.has_previous == (after is not None and bool(seen))
        if not p.has_next:
            break
        after = p.end_cursor
    assert seen == items

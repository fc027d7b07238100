"""Relay cursor pagination over a ranked list.

A cursor encodes only the 1-based position in the ranking (the rank), so the same
query over the same data pages the same way.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Generic, NamedTuple, TypeVar

from credmatch.errors import ConfigError, InputError

T = TypeVar("T")

# Versioned so that a future cursor format can reject or translate old cursors.
_PREFIX = "credmatch:rank:v1:"
_MAX_CURSOR_LEN = 64


class Page(NamedTuple, Generic[T]):
    """One page of results with the Relay PageInfo fields; unpacks as a 5-tuple."""

    items: list[T]
    has_next: bool
    has_previous: bool
    start_cursor: str | None
    end_cursor: str | None


def encode_cursor(rank: int) -> str:
    """The opaque cursor for the item at 1-based ``rank``."""
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise InputError(f"cannot make a cursor for rank {rank!r}; ranks start at 1")
    return base64.urlsafe_b64encode(f"{_PREFIX}{rank}".encode("ascii")).decode("ascii")


def _bad_cursor(cursor: str) -> InputError:
    shown = cursor if len(cursor) <= _MAX_CURSOR_LEN else cursor[:_MAX_CURSOR_LEN] + "…"
    return InputError(
        f"argument `after` is not a valid cursor ({shown!r}); pass a cursor from "
        "pageInfo.endCursor of the same query, or omit `after` to start from the top"
    )


def decode_cursor(cursor: str) -> int:
    """The rank a cursor from :func:`encode_cursor` stands for; InputError if malformed."""
    if not isinstance(cursor, str) or len(cursor) > _MAX_CURSOR_LEN:
        raise _bad_cursor(str(cursor))
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError) as e:
        raise _bad_cursor(cursor) from e
    digits = text.removeprefix(_PREFIX)
    # isdecimal alone admits non-ASCII digits; the ascii decode above already excludes them.
    if digits == text or not digits.isdecimal() or digits.startswith("0"):
        raise _bad_cursor(cursor)
    if encode_cursor(int(digits)) != cursor:  # one canonical spelling per rank
        raise _bad_cursor(cursor)
    return int(digits)


def page(items: Sequence[T], first: int, after: str | None, max_first: int) -> Page[T]:
    """Slice ``items`` Relay-style: up to ``first`` items after the cursor ``after``.

    Returns Page(items, has_next, has_previous, start_cursor, end_cursor); cursors are the
    items' 1-based positions. ``first`` must be 0..``max_first``.
    """
    start = page_offset(first, after, max_first)
    return page_of(list(items[start : start + first]), start, len(items))


def page_offset(first: int, after: str | None, max_first: int) -> int:
    """Check ``first`` and ``after``; the 0-based offset of the page they ask for."""
    if max_first < 1:
        raise ConfigError(f"the page size limit is {max_first}; set it to 1 or more")
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= max_first:
        raise InputError(f"argument `first` is {first!r}; it must be between 0 and {max_first}")
    return 0 if after is None else decode_cursor(after)


def page_of(chunk: list[T], start: int, total: int) -> Page[T]:
    """The Page for ``chunk``, the items at 0-based ``start`` of ``total`` in all (for pages
    cut by the database rather than from a list in memory)."""
    end = start + len(chunk)
    return Page(
        items=chunk,
        has_next=end < total,
        has_previous=start > 0,
        start_cursor=encode_cursor(start + 1) if chunk else None,
        end_cursor=encode_cursor(end) if chunk else None,
    )

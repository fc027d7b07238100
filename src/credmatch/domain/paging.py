"""Relay keyset cursors: a cursor names the last row a client has seen, not a position.

A cursor carries the sort key of that row (for candidates: the rank key, see
``graph/queries/matches.py``), the kind of list it pages and a digest of *what* it pages (the
job or skill set, the filter, the policy, the caller's scope). The next page is the rows whose
sort key comes after the cursor's in the current order, so a row is never returned twice or
skipped because rows before it came or went. A cursor from another list, another job or
filter, an edited one, or an old offset cursor is refused with BAD_INPUT. A cursor is
checksummed, not secret: whoever builds one by hand can only start the same list at a point
of their choosing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from credmatch.errors import ConfigError, InputError

MAX_PAGE_SIZE = 100
"""The largest ``first`` any connection or list field accepts."""

T = TypeVar("T")

_VERSION = 2
_MAX_CURSOR_LEN = 2048
_SHOWN = 64
SortKey = tuple[str | int, ...]


class Page(NamedTuple, Generic[T]):
    """One page of results with the Relay PageInfo fields; unpacks as a 5-tuple."""

    items: list[T]
    has_next: bool
    has_previous: bool
    start_cursor: str | None
    end_cursor: str | None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def scope_digest(scope: Mapping[str, Any]) -> str:
    """A short digest of what a list pages (JSON-serialisable values only)."""
    return hashlib.sha256(_canonical(scope).encode()).hexdigest()[:24]


def _check(kind: str, scope: str, key: SortKey) -> str:
    return hashlib.sha256(_canonical([_VERSION, kind, scope, list(key)]).encode()).hexdigest()[:16]


def encode_cursor(kind: str, scope: str, key: SortKey) -> str:
    """The opaque cursor after the row whose sort key is ``key`` in list ``kind`` / ``scope``."""
    body = {"v": _VERSION, "k": kind, "s": scope, "p": list(key), "c": _check(kind, scope, key)}
    return base64.urlsafe_b64encode(_canonical(body).encode()).decode("ascii").rstrip("=")


def _bad(cursor: str, why: str) -> InputError:
    shown = cursor if len(cursor) <= _SHOWN else cursor[:_SHOWN] + "…"
    return InputError(
        f"argument `after` ({shown!r}) {why}; pass pageInfo.endCursor from the same query "
        "(same job or skills, filter and arguments), or omit `after` to start from the top"
    )


def decode_cursor(kind: str, scope: str, cursor: str) -> SortKey:
    """The sort key a cursor from :func:`encode_cursor` carries; InputError (BAD_INPUT) when
    it is malformed, edited, or belongs to another list, job, filter or policy."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_CURSOR_LEN:
        raise _bad(str(cursor), "is not a cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw.decode("ascii"))
    except (binascii.Error, UnicodeError, ValueError) as e:
        raise _bad(cursor, "is not a cursor") from e
    if not isinstance(body, dict) or set(body) != {"v", "k", "s", "p", "c"}:
        raise _bad(cursor, "is not a cursor")
    key = body["p"]
    if (
        body["v"] != _VERSION
        or not isinstance(key, list)
        or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in key)
        or not isinstance(body["k"], str)
        or not isinstance(body["s"], str)
        or body["c"] != _check(body["k"], body["s"], tuple(key))
    ):
        raise _bad(cursor, "is not a cursor this API made (or it was edited)")
    if body["k"] != kind or body["s"] != scope:
        raise _bad(cursor, "belongs to another list: another job, skill set, filter or policy")
    return tuple(key)


def check_first(first: int, max_first: int) -> int:
    """``first`` when it is 0..``max_first``; InputError otherwise."""
    if max_first < 1:
        raise ConfigError(f"the page size limit is {max_first}; set it to 1 or more")
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= max_first:
        raise InputError(f"argument `first` is {first!r}; it must be between 0 and {max_first}")
    return first


def keyset_page(
    items: list[T], keys: Sequence[SortKey], kind: str, scope: str, before: int, total: int
) -> Page[T]:
    """The Page for ``items`` (sort keys ``keys``), of which ``before`` rows of ``total`` come
    before the page in the current order."""
    if len(items) != len(keys):
        raise ValueError("one sort key per item")
    return Page(
        items=items,
        has_next=before + len(items) < total,
        has_previous=before > 0,
        start_cursor=encode_cursor(kind, scope, keys[0]) if items else None,
        end_cursor=encode_cursor(kind, scope, keys[-1]) if items else None,
    )

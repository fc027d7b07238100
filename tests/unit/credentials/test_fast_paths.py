"""The fast verification paths give exactly the results of the reference implementations.

- ``canonical.jcs`` (C JSON encoder when ``bounds.jcs_ready``) against the rfc8785 package,
- ``bounds.scan`` against the reference walk ``bounds._reference_problem``,
- the base58 decoder in ``key_codec`` against the base58 package,
- ``canonical.is_absolute_iri`` against its pure-Unicode definition.
"""

from __future__ import annotations

import json
from typing import Any

import base58
import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from credmatch.credentials import bounds, canonical, key_codec
from credmatch.credentials.bounds import MAX_CHARS, MAX_DEPTH, MAX_NODES, scan

# Characters where JSON escaping or RFC 8785 ordering is delicate: controls, quote,
# backslash, DEL, line separators, the last BMP private-use/non-characters (which sort
# after astral characters by code point but before them by UTF-16 code unit), astral
# characters and lone surrogates.
TRICKY = [
    "\x00", "\x01", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x1f", "\x7f", '"', "\\", "/",
    "\u2028", "\u2029", "\ud7ff", "\ue000", "\uf8ff", "\ufb01", "\ufffd", "\uffff",
    "\U00010000", "\U0001f600", "\U0010ffff", "\ud800", "\udbff", "\udc00", "\udfff", "é", "€",
]  # fmt: skip
CHARS = st.one_of(
    st.sampled_from(TRICKY),
    st.characters(blacklist_categories=()),  # every code point, surrogates included
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
)
TEXT = st.text(CHARS, max_size=8)
INTS = st.one_of(
    st.integers(-(2**60), 2**60),
    st.sampled_from([0, 1, -1, 2**53 - 1, -(2**53 - 1), 2**53, -(2**53), 10**21, -(10**21)]),
)
SCALARS = st.one_of(st.none(), st.booleans(), INTS, st.floats(), TEXT)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=6),
    max_leaves=40,
)
# Without lone surrogates and floats: the documents that do take the fast path.
PLAIN_TEXT = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(TRICKY[:-10]))
PLAIN_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | PLAIN_TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(PLAIN_TEXT, inner, max_size=6),
    max_leaves=40,
)


def reference_jcs(doc: Any) -> tuple[str, Any]:
    """What canonical.jcs returned (or raised) before the fast path existed."""
    try:
        return "ok", rfc8785.dumps(doc)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as e:
        return "error", f"JSON canonicalisation (RFC 8785) failed: {e}"
    except RecursionError:
        return "recursion", None


def fast_jcs(doc: Any, checked: bool = False) -> tuple[str, Any]:
    try:
        return "ok", canonical.jcs(doc, checked=checked)
    except canonical.UnsafeJsonLdError as e:
        return "error", str(e)
    except RecursionError:
        return "recursion", None


@settings(max_examples=600, deadline=None)
@given(JSON)
@example({"\ue000": 1, "\U0001f600": 2})  # code point order differs from UTF-16 order
@example({"a\uffff": 1, "a\U00010000": 2, "a": 3, "": 4})
@example({"\ud800": 1})
@example(["\ud800"])
@example({"x": 1.0, "y": -0.0, "z": 1e21, "w": 5e-7})
@example({"n": 2**53 - 1, "m": -(2**53 - 1)})
@example({"n": 2**53})
@example({"b": True, "i": 1, "f": False, "z": 0})
@example({"s": '\x00\x1f\x7f"\\/\u2028\b\f\n\r\t'})
def test_jcs_matches_rfc8785(doc: Any) -> None:
    assert fast_jcs(doc) == reference_jcs(doc)


@settings(max_examples=600, deadline=None)
@given(PLAIN_JSON)
def test_plain_json_takes_the_fast_path_with_identical_bytes(doc: Any) -> None:
    scanned = scan(doc) if isinstance(doc, dict | list) else None
    if scanned is not None:
        assert scanned.problem is None and scanned.jcs_ready is not None
    expected = reference_jcs(doc)
    assert fast_jcs(doc) == expected
    if scanned is not None and scanned.jcs_ready:
        assert fast_jcs(doc, checked=True) == expected


class _Str(str):
    pass


def test_jcs_ready_is_false_for_what_the_c_encoder_would_get_wrong() -> None:
    assert bounds.jcs_ready({"a": [1, "x", None, True, {"b": []}]})
    for doc in (
        {"a": 1.5},
        {"a": 2**53},
        {"a": -(2**53)},
        {"\U0001f600": 1},
        {1: "a"},  # json.dumps would write "1"; RFC 8785 refuses non-string keys
        {_Str("a"): 1},  # a str subclass could serialise differently in the two encoders
        {"a": (1, 2)},
        {"a": b"x"},
        {"a": "\ud800"},
        "a string",
    ):
        assert not bounds.jcs_ready(doc), doc
        assert fast_jcs(doc) == reference_jcs(doc)
    assert bounds.jcs_ready({"a": "\U0001f600", "\ue000": 1})  # astral values are fine


class _Dict(dict[str, Any]):
    pass


@settings(max_examples=600, deadline=None)
@given(JSON)
def test_scan_agrees_with_the_reference_walk(doc: Any) -> None:
    assert scan(doc).problem == bounds._reference_problem(doc)


def _nested(depth: int) -> Any:
    doc: Any = "leaf"
    for n in range(depth):
        doc = {"k": doc} if n % 2 else [doc]
    return doc


def _circular() -> Any:
    doc: list[Any] = []
    doc.append(doc)
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        _nested(MAX_DEPTH),
        _nested(MAX_DEPTH + 1),
        _nested(MAX_DEPTH + 50),
        {"a": _nested(MAX_DEPTH - 1)},
        {"a": _nested(MAX_DEPTH)},
        [0] * (MAX_NODES - 1),
        [0] * MAX_NODES,
        {"a": [0] * (MAX_NODES - 1)},
        [[0] * 50_000, [0] * 50_000],
        ["x" * MAX_CHARS],
        ["x" * (MAX_CHARS + 1)],
        {"k" * (MAX_CHARS // 2): "v" * (MAX_CHARS // 2)},
        {"k" * (MAX_CHARS // 2): "v" * (MAX_CHARS // 2 + 1)},
        ["\ud800" + "x" * MAX_CHARS],  # two problems: the reference's order decides
        [_nested(MAX_DEPTH + 1), "\udfff"],
        {"\udfff": 1},
        {"a": "\ud800\udc00"},  # a surrogate pair written out is still two surrogates
        {1: "a", "b": _Str("c")},
        _Dict(a=1),
        [(1, 2), b"x", 1.5, float("nan")],
        {"a": [_Str("\ud800")]},
        _circular(),
        "\ud800",
        42,
    ],
    ids=lambda doc: type(doc).__name__,
)
def test_scan_at_the_limits(doc: Any) -> None:
    result = scan(doc)
    assert result.problem == bounds._reference_problem(doc)
    if result.problem is not None:
        assert result.jcs_ready is False


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=80))
def test_base58_decoder_round_trips(data: bytes) -> None:
    encoded = base58.b58encode(data).decode("ascii")
    assert key_codec._b58decode(encoded) == base58.b58decode(encoded) == data


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("123456789ABCxyz0OIl \t\n+/é") | st.characters(), max_size=12))
@example("")
@example("1111")
@example("z 1")
@example("abc\n")
def test_base58_decoder_matches_base58_on_any_text(text: str) -> None:
    def outcome(decode: Any) -> tuple[str, Any]:
        try:
            return "ok", decode(text)
        except ValueError as e:
            return type(e).__name__, str(e)

    assert outcome(key_codec._b58decode) == outcome(base58.b58decode)


def _reference_is_absolute_iri(iri: str) -> bool:
    if iri.startswith("_:"):
        return True
    scheme, sep, _ = iri.partition(":")
    return bool(sep) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from("aZ09+-._:/\n é٣Ⅻ²") | st.characters(), max_size=10))
def test_absolute_iri_test_is_unchanged(iri: str) -> None:
    assert canonical.is_absolute_iri(iri) == _reference_is_absolute_iri(iri)


def test_credential_digest_is_the_rfc8785_digest() -> None:
    """A signed-credential-sized document: both paths, same bytes."""
    doc = json.loads(
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:1",'
        '"name": "Caf\\u00e9 \\ud83d\\ude00", "credentialSubject": {"n": 3, "ok": true,'
        '"x": null, "tags": ["a", "\\u0000\\u001f"]}}'
    )
    assert scan(doc).jcs_ready
    assert canonical.jcs(doc, checked=True) == canonical.jcs(doc) == rfc8785.dumps(doc)

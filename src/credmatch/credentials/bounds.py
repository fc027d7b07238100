"""Size, nesting and encoding limits a credential must fit before any check walks it.

The checks (JSON-LD expansion, schema walk, template shapes) recurse over the document, so a
hostile document nested thousands deep would end in RecursionError, and a multi-megabyte one
would tie up a worker in canonicalisation. JSON may carry lone surrogates (``"\\ud800"``),
which are not Unicode text: canonical forms cannot encode them. The walk here is iterative and
stops at the first problem it finds.

``scan`` runs the same limits in one quicker pass over ordinary JSON values and, on the way,
notes whether RFC 8785 canonicalisation may use the C JSON encoder (``canonical.jcs``).
Whenever that pass is not sure, ``bounds_problem``'s walk decides, so both refuse the same
documents with the same message.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

MAX_DEPTH: Final = 64
"""Deepest nesting of objects/arrays (a CLR with nested OB credentials stays under 30)."""
MAX_NODES: Final = 100_000
"""Most JSON values in one document (objects, arrays, strings, numbers...)."""
MAX_CHARS: Final = 2_000_000
"""Most characters in all keys and strings together (baked image data URIs fit)."""
MAX_JCS_INT: Final = 2**53 - 1
"""Largest integer magnitude RFC 8785 serialises (IEEE 754 doubles hold it exactly)."""


class Scan(NamedTuple):
    problem: str | None
    """Why the document is refused (``bounds_problem``'s message), None when it fits."""
    jcs_ready: bool
    """True when the document and every part of it is plain JSON that ``canonical.jcs`` may
    serialise with the C encoder: dicts with string keys of BMP characters only, lists,
    strings, bools, None and integers within ±(2**53 - 1), and no floats."""


def bounds_problem(doc: Any) -> str | None:
    """Why ``doc`` is too deep, too large or not Unicode text, or None when it is fine."""
    return scan(doc).problem


def scan(doc: Any) -> Scan:
    """The bounds verdict for ``doc`` and whether the fast RFC 8785 path may serialise it."""
    fast = _fast_scan(doc)
    if fast is None:
        # A limit may be exceeded or a value is not plain JSON: the reference walk decides.
        return Scan(_reference_problem(doc), False)
    return Scan(None, fast)


def jcs_ready(doc: Any) -> bool:
    """Whether ``doc`` fits the limits and may take ``canonical.jcs``'s fast path."""
    return _fast_scan(doc) is True


def _fast_scan(doc: Any) -> bool | None:
    """None unless ``doc`` is exact dicts/lists/scalars within every limit; else jcs_ready.

    Same totals as the reference walk (values, characters, depth of containers, surrogates),
    gathered per container: a document fits iff every total is within its limit.
    """
    if type(doc) is not dict and type(doc) is not list:
        return None
    jcs = True
    nodes = 1
    chars = 0
    texts: list[str] = []  # non-ASCII strings and keys, checked for surrogates at the end
    odd_keys: list[str] = []  # non-ASCII keys, checked for non-BMP characters (JCS sort order)
    stack: list[tuple[Any, int]] = [(doc, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > MAX_DEPTH:
            return None
        if type(node) is dict:
            if node and {*map(type, node)} != _STR:
                return None  # a key that is not exactly a string (not from JSON)
            keys = "".join(node)
            chars += len(keys)
            if not keys.isascii():
                texts.append(keys)
                odd_keys.append(keys)
            values: Any = node.values()
        else:
            values = node
        nodes += len(node)
        if nodes > MAX_NODES:
            return None
        child = depth + 1
        for value in values:
            kind = type(value)
            if kind is str:
                chars += len(value)
                if not value.isascii():
                    texts.append(value)
            elif kind is dict or kind is list:
                push((value, child))
            elif kind is int:
                if not -MAX_JCS_INT <= value <= MAX_JCS_INT:
                    jcs = False
            elif kind is float:
                jcs = False
            elif value is not None and kind is not bool:
                return None  # subclasses, tuples, bytes...: the reference walk decides
        if chars > MAX_CHARS:
            return None
    if texts:
        try:
            "".join(texts).encode("utf-8")  # fails on any surrogate code point
        except UnicodeEncodeError:
            return None
        if jcs and odd_keys and max(max(k) for k in odd_keys) > "\uffff":
            jcs = False  # UTF-16 and code point order differ only past U+FFFF
    return jcs


_STR = {str}


def _reference_problem(doc: Any) -> str | None:
    stack: list[tuple[Any, int]] = [(doc, 1)]
    nodes = chars = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return f"the document holds more than {MAX_NODES} JSON values; split it"
        if isinstance(node, str):
            chars += len(node)
            if not _is_unicode(node):
                return _SURROGATE
        elif isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                return f"the document is nested more than {MAX_DEPTH} levels deep"
            if isinstance(node, dict):
                chars += sum(len(k) for k in node if isinstance(k, str))
                if not all(_is_unicode(k) for k in node if isinstance(k, str)):
                    return _SURROGATE
                stack.extend((v, depth + 1) for v in node.values())
            else:
                stack.extend((v, depth + 1) for v in node)
        if chars > MAX_CHARS:
            return f"the document holds more than {MAX_CHARS} characters of text; shorten it"
    return None


_SURROGATE = (
    "the document holds a string with a lone surrogate (e.g. \\ud800), which is not Unicode "
    "text; fix the issuer's JSON encoding"
)


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

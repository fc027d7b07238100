"""Size, nesting and encoding limits a credential must fit before any check walks it.

The checks (JSON-LD expansion, schema walk, template shapes) recurse over the document, so a
hostile document nested thousands deep would end in RecursionError, and a multi-megabyte one
would tie up a worker in canonicalisation. JSON may carry lone surrogates (``"\\ud800"``),
which are not Unicode text: canonical forms cannot encode them. The walk here is iterative and
stops at the first problem it finds.
"""

from __future__ import annotations

from typing import Any, Final

MAX_DEPTH: Final = 64
"""Deepest nesting of objects/arrays (a CLR with nested OB credentials stays under 30)."""
MAX_NODES: Final = 100_000
"""Most JSON values in one document (objects, arrays, strings, numbers...)."""
MAX_CHARS: Final = 2_000_000
"""Most characters in all keys and strings together (baked image data URIs fit)."""


def bounds_problem(doc: Any) -> str | None:
    """Why ``doc`` is too deep, too large or not Unicode text, or None when it is fine."""
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

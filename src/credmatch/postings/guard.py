"""Limits a posting must fit before it is parsed: size, nesting and Unicode text.

The JSON-LD readers recurse over values, so a document nested thousands deep would end in
RecursionError; JSON may also carry lone surrogates (``"\\ud800"``) that are not Unicode text and
cannot be hashed or stored. The checks here are iterative and raise PostingFormatError.
"""

from __future__ import annotations

import json
from typing import Any, Final

from credmatch.errors import PostingFormatError

MAX_DEPTH: Final = 32
"""Deepest nesting of objects/arrays in a JSON-LD posting."""
MAX_CHARS: Final = 200_000
"""Most characters in one posting (text, or all keys and strings of JSON-LD): ten times a long
posting; parsing time grows with the number of lines, so this bounds it (about 2 s)."""
MAX_NODES: Final = 100_000
"""Most JSON values in one JSON-LD posting."""


def check_text(text: str, source: str) -> None:
    """Raise PostingFormatError unless ``text`` is Unicode text of at most MAX_CHARS."""
    if len(text) > MAX_CHARS:
        raise PostingFormatError(
            f"{source}: the posting has {len(text)} characters, more than {MAX_CHARS}; "
            "shorten it or split it"
        )
    if not _is_unicode(text):
        raise PostingFormatError(
            f"{source}: the posting holds a lone surrogate (e.g. \\ud800), which is not Unicode "
            "text; fix the file's encoding"
        )


def check_document(doc: Any, source: str) -> None:
    """Raise PostingFormatError when a JSON document is too deep, too large or not Unicode."""
    stack: list[tuple[Any, int]] = [(doc, 0)]
    nodes = chars = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise PostingFormatError(f"{source}: more than {MAX_NODES} JSON values; split it")
        if isinstance(node, str):
            chars += len(node)
            if not _is_unicode(node):
                check_text(node, source)
        elif isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                raise PostingFormatError(
                    f"{source}: JSON nested more than {MAX_DEPTH} levels deep; "
                    "a JobPosting is a few levels at most"
                )
            items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            for key, value in items:
                if isinstance(key, str):
                    chars += len(key)
                    if not _is_unicode(key):
                        check_text(key, source)
                stack.append((value, depth + 1))
        if chars > MAX_CHARS:
            raise PostingFormatError(
                f"{source}: more than {MAX_CHARS} characters of text; shorten it or split it"
            )


def loads(text: str, source: str) -> Any:
    """``json.loads`` whose failures (bad syntax, nesting too deep to decode) are
    PostingFormatErrors naming ``source``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise PostingFormatError(
            f"{source}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
        ) from e
    except RecursionError as e:  # json's C decoder recurses once per nesting level
        raise PostingFormatError(f"{source}: JSON nested too deeply to parse") from e


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

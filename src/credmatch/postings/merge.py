"""Whether a schema.org ``skills`` / ``qualifications`` entry names a statement the
description already makes, so that it adds to that statement instead of being counted twice.

An entry names a statement when all of its content words are in it ("customer service" in
"Customer service experience, ideally in a contact centre"), or at least half of them are and
one of those is specific ("network security" in "Knowledge of networking and firewalls"; but
"data visualisation" does not name "Data analysis in Python": "data" alone says little), or
a long entry shares three words, two of them specific (a qualification restated).
Words are compared lower-cased with a crude stem ("networking" = "network", "tests" = "test").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Final

from credmatch.postings.model import Requirement

_WORD: Final = re.compile(r"[a-z0-9+#]+")
_STOP: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "for",
        "to",
        "with",
        "from",
        "by",
        "as",
        "at",
        "is",
        "are",
        "be",
        "your",
        "our",
        "you",
        "we",
        "etc",
        "e",
        "g",
        "i",
        "within",
        "one",
        "ability",
        "able",
    ]
)
_GENERIC: Final = frozenset(
    [
        "data",
        "management",
        "skill",
        "experience",
        "knowledge",
        "analysi",
        "design",
        "system",
        "service",
        "work",
        "good",
        "strong",
        "basic",
        "advanced",
        "level",
        "professional",
        "understanding",
        "excellent",
        "solid",
        "active",
        "current",
        "valid",
        "equivalent",
        "certification",
        "certificate",
        "qualification",
        "related",
        "practice",
    ]
)


def _stem(word: str) -> str:
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stemmed words of ``text`` that carry meaning."""
    return frozenset(_stem(w) for w in _WORD.findall(text.casefold()) if w not in _STOP)


def _names(entry: frozenset[str], statement: frozenset[str]) -> float:
    """How well ``entry`` names ``statement``: the share of its words found, 0 if too few."""
    if not entry:
        return 0.0
    shared = entry & statement
    share = len(shared) / len(entry)
    specific = shared - _GENERIC
    if share == 1.0 or (share >= 0.5 and specific) or (len(shared) >= 3 and len(specific) >= 2):
        return share
    return 0.0


def _words_of(requirement: Requirement) -> frozenset[str]:
    return content_words(" ".join((requirement.text, *requirement.parts)))


def named_by(entry: Requirement, found: Sequence[Requirement]) -> int | None:
    """The index of the statement ``entry`` names (same kind; the best-named, required
    first, then the earliest), or None when it names none."""
    words = content_words(entry.text)
    best: tuple[float, bool, int] | None = None
    for index, statement in enumerate(found):
        if statement.kind != entry.kind:
            continue
        share = _names(words, _words_of(statement))
        if share and (best is None or (share, statement.required, -index) > best):
            best = (share, statement.required, -index)
    return None if best is None else -best[2]


def add_part(statement: Requirement, part: str) -> Requirement:
    """``statement`` with ``part`` among its sub-skills (once)."""
    if part.casefold() in (p.casefold() for p in statement.parts):
        return statement
    return dataclasses.replace(statement, parts=(*statement.parts, part))

"""Tokens for lexical matching and the word windows a sentence is split into."""

from __future__ import annotations

import re

# '+', '#' and '.' inside a token keep C++, C#, node.js whole; a leading '.' is dropped.
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:\.[a-z0-9+#]+)*")
_WORD = re.compile(r"\S+")

# Function words and job-ad boilerplate: they match thousands of labels and say nothing
# about which skill a sentence asks for.
_STOPWORD_TEXT = """
a about above after again all also am an and any are as at be been being both but by can could
did do does doing during each etc for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not of off on once only or other our
ours out over own same she should so some such than that the their them then there these they this
those through to too under until up very was we were what when where which while who whom why will
with would you your yours ability able experience experienced knowledge skills skill strong good
excellent understanding proven plus required preferred candidate ideal looking seeking role team
work working use using including e g ie eg
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens, with a plural 's' stripped so 'forklifts' meets 'forklift'."""
    return [_singular(t) for t in _TOKEN.findall(text.lower())]


def content_tokens(text: str) -> list[str]:
    """``tokenize`` without stopwords: what a query contributes to lexical retrieval."""
    return [t for t in tokenize(text) if t not in STOPWORDS]


def word_windows(text: str, size: int, stride: int) -> list[str]:
    """Overlapping runs of ``size`` words; none when the text is no longer than one window."""
    words = _WORD.findall(text)
    if len(words) <= size:
        return []
    last = len(words) - size
    starts = list(range(0, last + 1, stride))
    if starts[-1] != last:
        starts.append(last)
    return [" ".join(words[s : s + size]) for s in starts]


def _singular(token: str) -> str:
    # Only plain words: 'node.js' and 'c#s'-like names are not plurals.
    if (
        len(token) > 3
        and token.isalpha()
        and token.endswith("s")
        and not token.endswith(("ss", "us", "is"))
    ):
        return token[:-1]
    return token

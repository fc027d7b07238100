"""Splitting a line into statements and a statement into the skills it lists.

Everything returns spans (start, end) into the text it was given, so every requirement stays
a verbatim piece of the posting.

Splitting rules, chosen to keep one requirement per thing a candidate could prove:
- sentences, then ";" clauses, are separate statements;
- a comma list of short items ("Python, SQL and Airflow") gives one item per entry, without
  the lead-in ("proficiency in") that they share;
- "X and Y" splits unless the two sides share a verb, an adjective or a head noun
  ("designing and operating pipelines", "written and verbal communication",
  "design and implementation of APIs");
- alternatives ("Java or Kotlin", "Python, Go or Rust") stay one requirement: either one
  satisfies it, so splitting would demand both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

Span = tuple[int, int]

_SENTENCE_END: Final = re.compile(r"[.!?](?=\s+[\"“(A-Z0-9])")
_ABBREVIATIONS: Final = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "approx",
        "incl",
        "esp",
        "sr",
        "jr",
        "dr",
        "mr",
        "ms",
        "mrs",
        "no",
        "st",
        "min",
        "max",
        "dept",
        "inc",
        "ltd",
        "co",
        "b.s",
        "b.sc",
        "m.s",
        "m.sc",
        "ph.d",
        "b.a",
        "m.a",
    ]
)
_LEAD_IN: Final = re.compile(
    r"\b(in|with|of|using|including|like|such as|across|on|for|e\.g\.|especially)\s+",
    re.I,
)
_NON_ITEM_START: Final = re.compile(
    r"(ideally|preferably|especially|including|e\.g\.|i\.e\.|such|which|who|that|as|in|with"
    r"|for|to|at|on|from|but|so|while|where|when|whether|both|also|or|plus|then|if|because"
    r"|though|although|not|is|are|was|were|be|and|the)\b",
    re.I,
)
_SHARED_VERBS: Final = frozenset(
    [
        "design",
        "build",
        "develop",
        "maintain",
        "operate",
        "deploy",
        "implement",
        "test",
        "monitor",
        "manage",
        "create",
        "write",
        "review",
        "analyze",
        "analyse",
        "lead",
        "own",
        "support",
        "run",
        "scale",
        "optimize",
        "optimise",
        "debug",
        "document",
        "plan",
        "deliver",
        "ship",
        "train",
        "evaluate",
        "integrate",
        "automate",
        "coordinate",
        "communicate",
        "collaborate",
        "mentor",
        "research",
        "define",
        "improve",
        "troubleshoot",
        "architect",
        "configure",
        "install",
        "administer",
        "prepare",
        "identify",
        "assess",
        "present",
        "execute",
        "understand",
        "interpret",
        "read",
        "speak",
        "use",
        "apply",
    ]
)
_ADJECTIVE_ENDINGS: Final = ("al", "ive", "ic", "ous", "ful", "able", "ible", "ed", "en", "ent")
_ADJECTIVES: Final = frozenset(
    [
        "strong",
        "good",
        "great",
        "solid",
        "deep",
        "excellent",
        "basic",
        "advanced",
        "written",
        "verbal",
        "oral",
        "clear",
        "fast",
        "modern",
        "senior",
        "junior",
        "front",
        "back",
        "cloud",
        "relational",
        "non-relational",
    ]
)
_TRIM_START: Final = re.compile(
    r"(?:(?:the\s+)?(?:ideal\s+)?(?:candidates?|applicants?|you)\s+"
    r"(?:must|should|will|need\s+to|needs\s+to)?\s*(?:have|be|know|possess|bring|hold"
    r"|demonstrate)\s+(?:an?\s+)?"
    r"|(?:must|should)\s+(?:have|be|know|possess|hold)\s+"
    r"|(?:ideally|preferably)[,:]?\s+(?:you\s+(?:have|are|know|bring)\s+)?"
    r"|(?:a\s+)?(?:big\s+)?(?:bonus|plus)(?:\s+points)?(?:\s+(?:if|for)\s+"
    r"(?:you\s+(?:have|are|know|bring)\s+)?)?[,:]?\s+"
    r"|(?:nice\s+to\s+have|must\s+have|required|preferred|bonus)\s*:\s*)?"
    r"(?:(?:a|an|the)\s+)?",
    re.I,
)
_TRIM_END: Final = re.compile(
    r"(?:[\s,;:–-]*\(?\s*(?:(?:is|are|would\s+be|will\s+be)\s+)?(?:(?:considered\s+)?an?\s+"
    r"(?:big\s+|huge\s+|strong\s+|real\s+|definite\s+)?(?:plus|advantage|bonus|must)"
    r"|(?:highly\s+|strongly\s+)?(?:preferred|desired|desirable|required)|nice\s+to\s+have"
    r"|mandatory|essential|(?:would|will)\s+be\s+(?:nice|great|good|helpful|useful|welcome))"
    r"\s*\)?)?[\s.;,:!]*$",
    re.I,
)


def sentences(text: str) -> list[Span]:
    """Sentence spans, not breaking after abbreviations such as "e.g." or "B.Sc."."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        word = text[start : match.start()].rsplit(None, 1)[-1:] or [""]
        if word[0].lower().strip("(") in _ABBREVIATIONS or len(word[0]) == 1:
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [s for s in (_strip(text, span) for span in spans) if s[0] < s[1]]


def clauses(text: str, span: Span) -> list[Span]:
    """``span`` split at top-level semicolons."""
    cuts = [i for i in _top_level(text, span) if text[i] == ";"]
    bounds = [span[0], *(c + 1 for c in cuts)]
    ends = [*cuts, span[1]]
    return [
        s for s in (_strip(text, (a, b)) for a, b in zip(bounds, ends, strict=True)) if s[0] < s[1]
    ]


def trim(text: str, span: Span) -> Span:
    """``span`` without leading "You must have" / trailing "is a plus" and punctuation."""
    start, end = span
    if (match := _TRIM_START.match(text, start, end)) and match.end() < end:
        start = match.end()
    if (match := _TRIM_END.search(text[start:end])) and match.start() > 0:
        kept = text[start : start + match.start()]
        if kept.count("(") <= kept.count(")"):  # not the inside of "(Power BI preferred)"
            end = start + match.start()
    return _strip(text, (start, end))


def items(text: str, span: Span) -> list[Span]:
    """The things a statement lists, or the statement itself when it lists nothing."""
    region = _after_label(text, span)
    commas = [i for i in _top_level(text, region) if text[i] in ",;"]
    if _has_alternatives(text, region):
        return [span]
    found = _comma_items(text, region, commas) if commas else _and_items(text, region)
    return found or [span]


def _strip(text: str, span: Span) -> Span:
    start, end = span
    while start < end and (text[start].isspace() or text[start] in ",;:–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.!"):
        end -= 1
    return start, end


def _top_level(text: str, span: Span) -> Iterator[int]:
    """Indexes in ``span`` that are outside parentheses and brackets."""
    depth = 0
    for i in range(*span):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield i


def _after_label(text: str, span: Span) -> Span:
    colon = next((i for i in _top_level(text, span) if text[i] == ":"), None)
    if colon is not None and len(text[span[0] : colon].split()) <= 6 and colon + 1 < span[1]:
        return _strip(text, (colon + 1, span[1]))
    return span


def _has_alternatives(text: str, span: Span) -> bool:
    segment = text[span[0] : span[1]]
    # "or a related field" / "or equivalent" qualify one item; they offer no alternative
    segment = re.sub(
        r"\bor\s+(more|similar|equivalent|related|other|a\s+related|an\s+equivalent)\b",
        "",
        segment,
        flags=re.I,
    )
    return re.search(r"\b(or|and/or|either)\b", segment, re.I) is not None


def _words(text: str, span: Span) -> list[str]:
    return text[span[0] : span[1]].split()


def _lead_in(text: str, span: Span) -> Span:
    """The list item inside a first piece such as "strong proficiency in Python"."""
    matches = list(_LEAD_IN.finditer(text, span[0], span[1]))
    if matches and len(_words(text, (matches[-1].end(), span[1]))) <= 5:
        return matches[-1].end(), span[1]
    return span


def _comma_items(text: str, region: Span, commas: list[int]) -> list[Span]:
    bounds = [region[0], *(c + 1 for c in commas)]
    pieces = [_strip(text, (a, b)) for a, b in zip(bounds, [*commas, region[1]], strict=True)]
    pieces = [p for p in pieces if p[0] < p[1] and text[p[0] : p[1]].lower() not in ("etc", "etc.")]
    if len(pieces) < 2:
        return []
    last = pieces[-1]
    conj = re.match(r"(and|&|as well as)\s+", text[last[0] : last[1]], re.I)
    if conj:
        pieces[-1] = (last[0] + conj.end(), last[1])
    elif (inner := _split_last_and(text, last)) is not None:
        pieces[-1:] = inner
    first = _lead_in(text, pieces[0])
    rest = pieces[1:]
    if len(_words(text, first)) > 5 or any(len(_words(text, p)) > 5 for p in rest):
        return []
    if any(_NON_ITEM_START.match(text, p[0], p[1]) or _clause_like(text, p) for p in rest):
        return []
    if len(_words(text, pieces[0])) > 10:
        return []  # a whole sentence before the first comma is not a list lead-in
    if _words(text, first)[0].lower() in _SHARED_VERBS:
        return []  # "Design, build and operate pipelines": verbs sharing one object
    return [first, *rest]


def _split_last_and(text: str, span: Span) -> list[Span] | None:
    ands = [m for m in re.finditer(r"\s(and|&)\s", text[span[0] : span[1]])]
    if not ands:
        return None
    cut = ands[-1]
    return [
        _strip(text, (span[0], span[0] + cut.start())),
        _strip(text, (span[0] + cut.end(), span[1])),
    ]


def _and_items(text: str, region: Span) -> list[Span]:
    segment = text[region[0] : region[1]]
    top = set(_top_level(text, region))
    cuts = [
        m
        for m in re.finditer(r"\s(and|&)\s", segment)
        if region[0] + m.start() in top
        and _splits(text, (region[0], region[0] + m.start()), (region[0] + m.end(), region[1]))
    ]
    if not cuts:
        return []
    starts = [region[0], *(region[0] + m.end() for m in cuts)]
    ends = [*(region[0] + m.start() for m in cuts), region[1]]
    pieces = [_strip(text, (a, b)) for a, b in zip(starts, ends, strict=True)]
    pieces[0] = _lead_in(text, pieces[0])
    if any(len(_words(text, p)) > 5 for p in pieces):
        return []  # long clauses joined by "and" describe one activity; keep them whole
    return [p for p in pieces if p[0] < p[1]]


def _clause_like(text: str, span: Span) -> bool:
    """ "ensuring seamless operations": a verb phrase, not a listed item."""
    words = _words(text, span)
    return len(words) > 1 and words[0].lower().endswith("ing") and words[0].islower()


def _splits(text: str, left: Span, right: Span) -> bool:
    """Whether "left and right" names two things rather than one with a shared part."""
    left_words, right_words = _words(text, left), _words(text, right)
    if not left_words or not right_words:
        return False
    last, first = left_words[-1], right_words[0]
    head = _after_verb(left_words)
    if _technical(last, left[0] == text.find(last, left[0])) or _technical(first, False):
        return True
    if last.lower().endswith("ing") and first.lower().endswith("ing"):
        return False  # "designing and operating pipelines"
    if last.lower() in _ADJECTIVES or (
        last.lower().endswith(_ADJECTIVE_ENDINGS) and len(left_words) <= 2
    ):
        return False  # "written and verbal communication"
    # one bare word before "and" shares what follows: "design and implementation of APIs"
    return not (len(head) == 1 and len(right_words) > 1)


def _after_verb(words: list[str]) -> list[str]:
    """The words after the last preposition or gerund ("Experience writing unit" -> "unit")."""
    for index in range(len(words) - 2, -1, -1):
        word = words[index].lower()
        if word.endswith("ing") or _LEAD_IN.fullmatch(word + " "):
            return words[index + 1 :]
    return words


def _technical(word: str, at_start: bool) -> bool:
    """Product and language names: inner capitals, digits, symbols, or capitalised mid-text."""
    core = word.strip("()[],.;:")
    if not core:
        return False
    if any(c.isdigit() or c in "+#/." for c in core) or any(c.isupper() for c in core[1:]):
        return True
    return core[0].isupper() and not at_start

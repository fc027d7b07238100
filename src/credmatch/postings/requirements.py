"""Sections -> the requirements a person would list.

What counts (documented choices):
- one requirement per thing the posting asks for: every bullet and sentence (";" clauses
  apart) of a requirements / preferred section is one requirement; the skills it lists
  ("Strong SQL: joins, aggregations and window functions") are its ``parts``, which help it
  match but are not required items of their own (see ``statements.items``); lead-in sentences
  ending in ":" are left out, and so are sentences about the company ("We ...", "If you ...")
  unless they state a requirement;
- in sections that announce nothing (an intro, "The role"), only sentences whose wording
  states a requirement ("must", "experience with", "a plus", "degree", ...);
- duties ("What you'll do", "Responsibilities") are kept whole with kind "duty",
  required=False and the duty weight: they count in the score, but are not a checklist;
- conditions of employment (``cues.is_condition``: a licence a regulator issues, a shift
  pattern, travel, work authorisation, location, years of experience) have kind "condition",
  required=False and weight 0 wherever they stand: shown, never matched;
- schema.org ``skills``, ``qualifications``, ``experienceRequirements`` and
  ``educationRequirements`` give one entry per listed item; an entry that a statement of the
  same kind already names joins that statement's parts (see ``merge``), any other entry is a
  requirement of its own;
- boilerplate sections (benefits, salary, about us, EEO, how to apply) give nothing, and
  EEO / how-to-apply sentences are dropped wherever they stand;
- required vs preferred: the statement's own wording ("must", "a plus", "ideally") wins over
  the section it is in, unless it only qualifies a detail ("(Power BI preferred)"); an inline
  label ("Nice to have: Kafka") acts as a heading;
- category: education / qualification / experience when the wording says so, else what the
  section says (an "Education" heading, the JSON-LD property), else skill;
- the same text twice (case-insensitive) is one requirement, required if either was.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from credmatch.postings.cues import (
    heading_role,
    is_benefit_line,
    is_boilerplate_line,
    is_company_talk,
    is_condition,
    reads_as_requirement,
    text_kind,
    wording_required,
)
from credmatch.postings.jsonld import MERGED_PROPERTIES
from credmatch.postings.merge import add_part, named_by
from credmatch.postings.model import DEFAULT_WEIGHTS, Requirement, Role, Section, Weights
from credmatch.postings.statements import Span, clauses, items, sentences, trim

_INLINE_LABEL: Final = re.compile(r"\s*(?P<label>[A-Za-z][\w '’/&-]{1,40}?)\s*:\s+(?=\S)")
_JOINED: Final = re.compile(r"\s(and|&)\s", re.I)
_EXTRACTED: Final = frozenset({Role.REQUIRED, Role.PREFERRED, Role.RESPONSIBILITY, Role.GENERAL})


@dataclass(frozen=True)
class _Context:
    role: Role
    kind: str | None
    section: str
    entries: bool = False  # a schema.org property: one requirement per listed item


def extract_requirements(
    sections: Sequence[Section], weights: Weights = DEFAULT_WEIGHTS
) -> tuple[Requirement, ...]:
    """The requirements of a posting's sections, numbered in document order."""
    found: list[Requirement] = []
    index: dict[str, int] = {}
    for section in sections:
        entries = section.role is not None and section.heading in MERGED_PROPERTIES
        for requirement in _section_requirements(section, weights):
            key = " ".join(requirement.text.casefold().split())
            if entries and key not in index and (at := named_by(requirement, found)) is not None:
                found[at] = add_part(found[at], requirement.text)
                continue
            if key not in index:
                index[key] = len(found)
                found.append(dataclasses.replace(requirement, position=len(found)))
            elif requirement.required and not found[index[key]].required:
                found[index[key]] = dataclasses.replace(
                    found[index[key]], required=True, weight=requirement.weight
                )
    return tuple(found)


def _section_context(section: Section) -> _Context:
    role, kind = heading_role(section.heading)
    entries = section.role is not None and section.heading in MERGED_PROPERTIES
    return _Context(section.role or role, section.kind or kind, section.heading, entries)


def _section_requirements(section: Section, weights: Weights) -> Iterator[Requirement]:
    context = _section_context(section)
    if context.role not in _EXTRACTED:
        return
    for line in section.lines:
        text = line.text
        for sentence in sentences(text):
            for clause in clauses(text, sentence):
                yield from _clause_requirements(text, clause, context, weights)


def _labelled(text: str, span: Span, context: _Context) -> tuple[Span, _Context]:
    """An inline "Nice to have: Kafka" label acts as a heading for its statement."""
    match = _INLINE_LABEL.match(text, span[0], span[1])
    if match is None:
        return span, context
    role, kind = heading_role(match["label"])
    if role is Role.GENERAL:
        return span, context
    labelled = _Context(role, kind or context.kind, context.section, context.entries)
    return (match.end(), span[1]), labelled


def _keeps(statement: str, role: Role, introduces_list: bool) -> bool:
    if is_boilerplate_line(statement) or introduces_list:
        return False
    states_requirement = reads_as_requirement(statement)
    if role is Role.GENERAL:
        return states_requirement and not is_company_talk(statement)
    if is_company_talk(statement) or is_benefit_line(statement):
        return states_requirement
    return any(c.isalpha() for c in statement)


def _clause_requirements(
    text: str, clause: Span, context: _Context, weights: Weights
) -> Iterator[Requirement]:
    clause, context = _labelled(text, clause, context)
    if context.role not in _EXTRACTED:
        return
    statement = text[clause[0] : clause[1]]
    introduces_list = text[clause[1] :].lstrip().startswith(":")  # "... if you have:"
    if not _keeps(statement, context.role, introduces_list):
        return
    duty = context.role is Role.RESPONSIBILITY
    required = not duty and _required(statement, context.role)
    trimmed = trim(text, clause)
    # degrees list subjects as alternatives ("CS, Statistics or a related field"): one item
    whole = duty or text_kind(statement) == "education"
    spans = [trimmed] if whole else items(text, trimmed)
    listed = [text[a:b] for a, b in spans if any(c.isalnum() for c in text[a:b])]
    pieces: list[tuple[str, tuple[str, ...]]]
    if context.entries:
        pieces = [(item, ()) for item in listed]
    else:
        whole_text = text[trimmed[0] : trimmed[1]]
        parts = tuple(listed) if len(listed) > 1 else ()
        pieces = [(whole_text, parts)] if any(c.isalnum() for c in whole_text) else []
    for item, parts in pieces:
        kind, category = _kind(item, statement, context)
        yield Requirement(
            position=0,
            text=item,
            kind=kind,
            required=required and kind == "skill",
            weight=_weight(kind, required, weights),
            section=context.section,
            context=statement,
            category=category,
            parts=parts,
        )


def _weight(kind: str, required: bool, weights: Weights) -> float:
    if kind == "condition":
        return 0.0
    if kind == "duty":
        return weights.duty
    return weights.required if required else weights.preferred


def _required(statement: str, role: Role) -> bool:
    worded = wording_required(statement)
    return worded if worded is not None else role is not Role.PREFERRED


def _kind(item: str, statement: str, context: _Context) -> tuple[str, str]:
    """(kind, category): a condition wherever it stands, a duty in a duties section."""
    duty = context.role is Role.RESPONSIBILITY
    # a duty that also names a condition ("Own data quality checks and on-call") stays a duty
    if is_condition(item) and not (duty and _JOINED.search(item)):
        return "condition", "condition"
    if duty:
        return "duty", "duty"
    return "skill", text_kind(item) or text_kind(statement) or context.kind or "skill"

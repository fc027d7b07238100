"""Sections -> the requirements a person would list.

What counts (documented choices):
- every bullet and sentence of a requirements / preferred section, split into the skills it
  lists (see ``statements``); lead-in sentences ending in ":" are left out, and so are
  sentences about the company ("We ...", "If you ...") unless they state a requirement;
- in sections that announce nothing (an intro, "The role"), only sentences whose wording
  states a requirement ("must", "experience with", "a plus", "degree", ...);
- responsibilities are kept, whole and unsplit, with kind "responsibility", required=False
  and the responsibility weight: they name what the job needs, but are not a checklist;
- boilerplate sections (benefits, salary, about us, EEO, how to apply) give nothing, and
  EEO / how-to-apply sentences are dropped wherever they stand;
- required vs preferred: the statement's own wording ("must", "a plus", "ideally") wins over
  the section it is in; an inline label ("Nice to have: Kafka") acts as a heading;
- kind: responsibility for responsibilities, else education / qualification / experience
  when the wording says so, else what the section says (an "Education" heading, the JSON-LD
  property), else skill;
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
    reads_as_requirement,
    text_kind,
    wording_required,
)
from credmatch.postings.model import DEFAULT_WEIGHTS, Requirement, Role, Section, Weights
from credmatch.postings.statements import Span, clauses, items, sentences, trim

_INLINE_LABEL: Final = re.compile(r"\s*(?P<label>[A-Za-z][\w '’/&-]{1,40}?)\s*:\s+(?=\S)")
_EXTRACTED: Final = frozenset({Role.REQUIRED, Role.PREFERRED, Role.RESPONSIBILITY, Role.GENERAL})


@dataclass(frozen=True)
class _Context:
    role: Role
    kind: str | None
    section: str


def extract_requirements(
    sections: Sequence[Section], weights: Weights = DEFAULT_WEIGHTS
) -> tuple[Requirement, ...]:
    """The requirements of a posting's sections, numbered in document order."""
    found: list[Requirement] = []
    index: dict[str, int] = {}
    for section in sections:
        for requirement in _section_requirements(section, weights):
            key = " ".join(requirement.text.casefold().split())
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
    return _Context(section.role or role, section.kind or kind, section.heading)


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
    return (match.end(), span[1]), _Context(role, kind or context.kind, context.section)


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
    responsibility = context.role is Role.RESPONSIBILITY
    required = not responsibility and _required(statement, context.role)
    if responsibility:
        weight = weights.responsibility
    else:
        weight = weights.required if required else weights.preferred
    trimmed = trim(text, clause)
    # degrees list subjects as alternatives ("CS, Statistics or a related field"): one item
    whole = responsibility or text_kind(statement) == "education"
    spans = [trimmed] if whole else items(text, trimmed)
    for start, end in spans:
        item = text[start:end]
        if not any(c.isalnum() for c in item):
            continue  # what is left once "is a plus" and punctuation are trimmed off
        yield Requirement(
            position=0,
            text=item,
            kind=_kind(item, statement, context),
            required=required,
            weight=weight,
            section=context.section,
            context=statement,
        )


def _required(statement: str, role: Role) -> bool:
    worded = wording_required(statement)
    return worded if worded is not None else role is not Role.PREFERRED


def _kind(item: str, statement: str, context: _Context) -> str:
    if context.role is Role.RESPONSIBILITY:
        return "responsibility"
    return text_kind(item) or text_kind(statement) or context.kind or "skill"

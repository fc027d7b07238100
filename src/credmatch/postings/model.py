"""What a parsed job posting is: plain frozen dataclasses, no parsing logic."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from credmatch.domain.model import CONDITION, DUTY, SKILL

KINDS: Final = (SKILL, DUTY, CONDITION)
"""What a requirement is: a skill a credential can attest (matched, may be a gap), a duty of
the job (matched at the duty weight, never a gap of ``allRequiredMet``), or a condition of
employment (licence a regulator issues, shift pattern, travel, work authorisation, location,
years of experience: shown, never matched, never a gap, never in the score)."""
CATEGORIES: Final = ("skill", "qualification", "experience", "education", "duty", "condition")


@dataclass(frozen=True)
class Requirement:
    """One statement a candidate is measured against.

    ``text`` is a verbatim span of the posting; ``context`` is the whole statement it was
    split from (equal to ``text`` when nothing was split off). ``position`` is the 0-based
    order in the posting; ``section`` the heading (or JSON-LD property) it came from.
    ``kind`` is one of :data:`KINDS`; ``category`` says more about a skill (qualification,
    experience, education). ``parts`` are the sub-skills the statement lists ("joins",
    "window functions" of "Strong SQL: joins, aggregations and window functions") and the
    schema.org ``skills`` entries that name it: they help it match; they are not required
    items of their own. A condition is never ``required`` (it does not count toward
    ``allRequiredMet``) and weighs 0.
    """

    position: int
    text: str
    kind: str
    required: bool
    weight: float
    section: str
    context: str = ""
    category: str = "skill"
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Posting:
    """A job posting: ``id`` is stable across re-imports; ``content_hash`` changes with content."""

    id: str
    title: str
    organization: str | None
    description: str
    occupational_category: str | None
    date_posted: str | None
    valid_through: str | None
    url: str | None
    source: str
    content_hash: str
    requirements: tuple[Requirement, ...]


class Role(Enum):
    """What a section of a posting is for, which decides what becomes a requirement."""

    REQUIRED = "required"
    PREFERRED = "preferred"
    RESPONSIBILITY = "responsibility"
    BOILERPLATE = "boilerplate"
    GENERAL = "general"


@dataclass(frozen=True)
class Line:
    """A bullet item or a paragraph of a section, whitespace-collapsed, markup removed."""

    text: str
    bullet: bool


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it.

    ``role``/``kind`` are set when the structure says what the section is (a JSON-LD
    ``skills`` property); otherwise they are classified from the heading.
    """

    heading: str
    lines: tuple[Line, ...]
    role: Role | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Weights:
    """Requirement weights: a duty counts half a required skill, like a preferred one, but
    stays a duty (it is never a gap of ``allRequiredMet``); conditions always weigh 0."""

    required: float = 1.0
    preferred: float = 0.5
    duty: float = 0.5


DEFAULT_WEIGHTS: Final = Weights()

"""What a parsed job posting is: plain frozen dataclasses, no parsing logic."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

KINDS: Final = ("skill", "qualification", "experience", "education", "responsibility")


@dataclass(frozen=True)
class Requirement:
    """One statement a candidate is measured against.

    ``text`` is a verbatim span of the posting; ``context`` is the whole statement it was
    split from (equal to ``text`` when nothing was split off). ``position`` is the 0-based
    order in the posting; ``section`` the heading (or JSON-LD property) it came from.
    """

    position: int
    text: str
    kind: str
    required: bool
    weight: float
    section: str
    context: str = ""


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
    """Requirement weights; responsibilities count like preferred items by default."""

    required: float = 1.0
    preferred: float = 0.5
    responsibility: float = 0.5


DEFAULT_WEIGHTS: Final = Weights()

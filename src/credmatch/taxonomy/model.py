"""Framework-neutral records that every taxonomy source yields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ESSENTIAL: Final = "ESSENTIAL"
OPTIONAL: Final = "OPTIONAL"
BROADER: Final = "BROADER"
RELATED: Final = "RELATED"
RELATION_KINDS: Final = frozenset({ESSENTIAL, OPTIONAL, BROADER, RELATED})


@dataclass(frozen=True)
class SkillRecord:
    """One skill concept: ``uri`` is unique across frameworks."""

    uri: str
    label: str
    alt_labels: tuple[str, ...]
    description: str
    skill_type: str | None
    framework: str


@dataclass(frozen=True)
class OccupationRecord:
    """One occupation concept; ``code`` is the framework's own code (ESCO code, ISCO group)."""

    uri: str
    label: str
    alt_labels: tuple[str, ...]
    description: str
    code: str | None
    framework: str


@dataclass(frozen=True)
class Relation:
    """A directed edge between two concepts.

    ``kind`` is one of ESSENTIAL / OPTIONAL (occupation -> skill), BROADER (narrower skill ->
    broader concept) or RELATED (skill -> skill). ``qualifier`` keeps the framework's own
    sub-type where the kind alone loses it (ESCO skill-skill relations are "essential" or
    "optional").
    """

    kind: str
    source_uri: str
    target_uri: str
    qualifier: str | None = None


@dataclass(frozen=True)
class RowError:
    """A row that was skipped: the file, its first line (1-based, header is line 1) and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"

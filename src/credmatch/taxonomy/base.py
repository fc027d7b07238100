"""The one interface a taxonomy framework implements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from credmatch.taxonomy.model import OccupationRecord, Relation, RowError, SkillRecord


@runtime_checkable
class TaxonomySource(Protocol):
    """Streams a framework's concepts; bad rows come back as ``RowError`` instead of raising.

    Each method may be called more than once and re-reads its files. A missing required
    column raises ``TaxonomyFormatError`` (at construction where the source can check it).
    """

    framework: str

    def skills(self) -> Iterator[SkillRecord | RowError]: ...

    def occupations(self) -> Iterator[OccupationRecord | RowError]: ...

    def relations(self) -> Iterator[Relation | RowError]: ...

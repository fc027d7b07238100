"""A company's own skill list: one CSV with ``id,label,alt_labels,description``.

Optional columns: ``skill_type`` and ``broader`` (the id of a broader skill in the same file),
which becomes a BROADER relation. Ids that are not URIs are namespaced as
``urn:credmatch:<framework>:<id>`` so two companies' "SK-1" never collide in the graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

from credmatch.errors import TaxonomyFormatError
from credmatch.taxonomy.base import TaxonomySource
from credmatch.taxonomy.csvrows import CsvRow, check_columns, iter_rows
from credmatch.taxonomy.esco import split_labels
from credmatch.taxonomy.model import BROADER, OccupationRecord, Relation, RowError, SkillRecord

_COLUMNS = ("id", "label")


class CustomCsvSource(TaxonomySource):
    """Skills from one CSV file; it has no occupations."""

    def __init__(self, path: Path, framework: str = "custom") -> None:
        self.path = Path(path)
        self.framework = framework
        if not self.path.is_file():
            raise TaxonomyFormatError(f"{self.path}: not found; expected a CSV file")
        check_columns(self.path, _COLUMNS)

    def uri(self, skill_id: str) -> str:
        """The graph URI of a skill id from this file."""
        if urlsplit(skill_id).scheme and ":" in skill_id and " " not in skill_id:
            return skill_id
        return f"urn:credmatch:{quote(self.framework, safe='')}:{quote(skill_id, safe='')}"

    def skills(self) -> Iterator[SkillRecord | RowError]:
        for row in iter_rows(self.path, _COLUMNS):
            yield row if isinstance(row, RowError) else self._skill(row)

    def occupations(self) -> Iterator[OccupationRecord | RowError]:
        return iter(())

    def relations(self) -> Iterator[Relation | RowError]:
        for row in iter_rows(self.path, _COLUMNS):
            if isinstance(row, RowError):
                continue  # already reported by skills()
            broader = row.values.get("broader", "").strip()
            skill_id = row.values["id"].strip()
            if broader and skill_id:
                yield Relation(BROADER, self.uri(skill_id), self.uri(broader))

    def _skill(self, row: CsvRow) -> SkillRecord | RowError:
        skill_id = row.values["id"].strip()
        label = " ".join(row.values["label"].split())
        if not skill_id:
            return RowError(str(self.path), row.line, "empty id")
        if not label:
            return RowError(str(self.path), row.line, "empty label")
        alt_labels = split_labels(row.values.get("alt_labels", ""), "|")
        return SkillRecord(
            uri=self.uri(skill_id),
            label=label,
            alt_labels=tuple(alt for alt in alt_labels if alt != label),
            description=row.values.get("description", "").strip(),
            skill_type=row.values.get("skill_type", "").strip() or None,
            framework=self.framework,
        )

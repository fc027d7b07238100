"""ESCO's official CSV download (``skills_en.csv`` and its sibling files)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from credmatch.errors import TaxonomyFormatError
from credmatch.taxonomy.base import TaxonomySource
from credmatch.taxonomy.csvrows import CsvRow, check_columns, iter_rows
from credmatch.taxonomy.model import (
    BROADER,
    ESSENTIAL,
    OPTIONAL,
    RELATED,
    OccupationRecord,
    Relation,
    RowError,
    SkillRecord,
)

FRAMEWORK = "esco"
_SKILL_COLUMNS = ("conceptUri", "preferredLabel")
_OCCUPATION_COLUMNS = ("conceptUri", "preferredLabel")
_OCCUPATION_SKILL_COLUMNS = ("occupationUri", "relationType", "skillUri")
_BROADER_COLUMNS = ("conceptUri", "broaderUri")
_SKILL_SKILL_COLUMNS = ("originalSkillUri", "relationType", "relatedSkillUri")
_SKILLS_FILE = re.compile(r"skills_(?P<lang>[a-z]{2,3})\.csv")
_RELATION_TYPES = {"essential": ESSENTIAL, "optional": OPTIONAL}


class EscoCsvSource(TaxonomySource):
    """ESCO CSV files in one folder; ``path`` is that folder or its ``skills_<lang>.csv``.

    Only ``skills_<lang>.csv`` must exist; occupations and relation files are read when they
    are present next to it. Headers are checked here so a wrong file fails before any import.
    """

    framework = FRAMEWORK

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if path.is_dir():
            folder, lang = path, "en"
        else:
            match = _SKILLS_FILE.fullmatch(path.name)
            if match is None:
                raise TaxonomyFormatError(
                    f"{path}: expected an ESCO folder or a skills_<lang>.csv file"
                )
            folder, lang = path.parent, match["lang"]
        self.skills_path = folder / f"skills_{lang}.csv"
        if not self.skills_path.is_file():
            raise TaxonomyFormatError(
                f"{self.skills_path}: not found; download the ESCO CSV package and point "
                "the import at its folder"
            )
        self.occupations_path = _optional(folder / f"occupations_{lang}.csv")
        self.occupation_skill_path = _optional(folder / f"occupationSkillRelations_{lang}.csv")
        self.broader_path = _optional(folder / f"broaderRelationsSkillPillar_{lang}.csv")
        self.skill_skill_path = _optional(folder / f"skillSkillRelations_{lang}.csv")
        self._check_headers()

    def _check_headers(self) -> None:
        check_columns(self.skills_path, _SKILL_COLUMNS)
        for optional_path, columns in (
            (self.occupations_path, _OCCUPATION_COLUMNS),
            (self.occupation_skill_path, _OCCUPATION_SKILL_COLUMNS),
            (self.broader_path, _BROADER_COLUMNS),
            (self.skill_skill_path, _SKILL_SKILL_COLUMNS),
        ):
            if optional_path is not None:
                check_columns(optional_path, columns)

    def skills(self) -> Iterator[SkillRecord | RowError]:
        for row in iter_rows(self.skills_path, _SKILL_COLUMNS):
            yield row if isinstance(row, RowError) else _skill(self.skills_path, row)

    def occupations(self) -> Iterator[OccupationRecord | RowError]:
        if self.occupations_path is None:
            return
        for row in iter_rows(self.occupations_path, _OCCUPATION_COLUMNS):
            yield row if isinstance(row, RowError) else _occupation(self.occupations_path, row)

    def relations(self) -> Iterator[Relation | RowError]:
        """Occupation->skill, then skill->broader, then skill->skill relations."""
        if self.occupation_skill_path is not None:
            path = self.occupation_skill_path
            for row in iter_rows(path, _OCCUPATION_SKILL_COLUMNS):
                yield row if isinstance(row, RowError) else _occupation_skill(path, row)
        if self.broader_path is not None:
            path = self.broader_path
            for row in iter_rows(path, _BROADER_COLUMNS):
                yield row if isinstance(row, RowError) else _broader(path, row)
        if self.skill_skill_path is not None:
            path = self.skill_skill_path
            for row in iter_rows(path, _SKILL_SKILL_COLUMNS):
                yield row if isinstance(row, RowError) else _skill_skill(path, row)


def _optional(path: Path) -> Path | None:
    return path if path.is_file() else None


def split_labels(value: str, separator: str) -> tuple[str, ...]:
    """Distinct non-empty labels, in file order."""
    labels = (" ".join(part.split()) for part in value.split(separator))
    return tuple(dict.fromkeys(label for label in labels if label))


def _uri(path: Path, row: CsvRow, column: str) -> str | RowError:
    value = row.values.get(column, "").strip()
    if not value:
        return RowError(str(path), row.line, f"empty {column}")
    if not urlsplit(value).scheme:
        return RowError(str(path), row.line, f"{column} {value!r} is not a URI")
    return value


def _label(path: Path, row: CsvRow) -> str | RowError:
    label = " ".join(row.values.get("preferredLabel", "").split())
    return label or RowError(str(path), row.line, "empty preferredLabel")


def _skill(path: Path, row: CsvRow) -> SkillRecord | RowError:
    uri, label = _uri(path, row, "conceptUri"), _label(path, row)
    if isinstance(uri, RowError):
        return uri
    if isinstance(label, RowError):
        return label
    alt_labels = split_labels(row.values.get("altLabels", ""), "\n")
    return SkillRecord(
        uri=uri,
        label=label,
        alt_labels=tuple(alt for alt in alt_labels if alt != label),
        description=row.values.get("description", "").strip(),
        skill_type=row.values.get("skillType", "").strip() or None,
        framework=FRAMEWORK,
    )


def _occupation(path: Path, row: CsvRow) -> OccupationRecord | RowError:
    uri, label = _uri(path, row, "conceptUri"), _label(path, row)
    if isinstance(uri, RowError):
        return uri
    if isinstance(label, RowError):
        return label
    alt_labels = split_labels(row.values.get("altLabels", ""), "\n")
    code = row.values.get("code", "").strip() or row.values.get("iscoGroup", "").strip()
    return OccupationRecord(
        uri=uri,
        label=label,
        alt_labels=tuple(alt for alt in alt_labels if alt != label),
        description=row.values.get("description", "").strip(),
        code=code or None,
        framework=FRAMEWORK,
    )


def _occupation_skill(path: Path, row: CsvRow) -> Relation | RowError:
    source, target = _uri(path, row, "occupationUri"), _uri(path, row, "skillUri")
    if isinstance(source, RowError):
        return source
    if isinstance(target, RowError):
        return target
    relation_type = row.values["relationType"].strip().lower()
    kind = _RELATION_TYPES.get(relation_type)
    if kind is None:
        return RowError(
            str(path), row.line, f"relationType {relation_type!r} is not essential or optional"
        )
    return Relation(kind, source, target)


def _broader(path: Path, row: CsvRow) -> Relation | RowError:
    source, target = _uri(path, row, "conceptUri"), _uri(path, row, "broaderUri")
    if isinstance(source, RowError):
        return source
    if isinstance(target, RowError):
        return target
    return Relation(BROADER, source, target)


def _skill_skill(path: Path, row: CsvRow) -> Relation | RowError:
    source, target = _uri(path, row, "originalSkillUri"), _uri(path, row, "relatedSkillUri")
    if isinstance(source, RowError):
        return source
    if isinstance(target, RowError):
        return target
    qualifier = row.values["relationType"].strip().lower() or None
    return Relation(RELATED, source, target, qualifier)

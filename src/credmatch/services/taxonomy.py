"""Import a skills framework (ESCO, a custom list, ...) into Skill / Occupation nodes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from credmatch.graph.queries import ingest as q
from credmatch.graph.store import GraphStore
from credmatch.services.rows import text_hash
from credmatch.taxonomy import OccupationRecord, Relation, RowError, SkillRecord, TaxonomySource

T = TypeVar("T")


@dataclass
class TaxonomySummary:
    skills: int = 0
    occupations: int = 0
    relations: int = 0
    row_errors: list[RowError] = field(default_factory=list)


def skill_text(skill: SkillRecord) -> str:
    """What a skill is embedded from (the linker adds label-only views of its own)."""
    return f"{skill.label}. {skill.description}".strip(". ") if skill.description else skill.label


def _skill_row(s: SkillRecord) -> dict[str, Any]:
    return {
        "uri": s.uri,
        "label": s.label,
        "altLabels": list(s.alt_labels),
        "altText": " | ".join(s.alt_labels),
        "description": s.description,
        "skillType": s.skill_type,
        "framework": s.framework,
        "textHash": text_hash(skill_text(s)),
    }


def _occupation_row(o: OccupationRecord) -> dict[str, Any]:
    return {
        "uri": o.uri,
        "label": o.label,
        "altLabels": list(o.alt_labels),
        "description": o.description,
        "code": o.code,
        "framework": o.framework,
    }


def _relation_row(r: Relation) -> dict[str, Any]:
    return {"kind": r.kind, "source": r.source_uri, "target": r.target_uri}


async def import_taxonomy(
    store: GraphStore,
    source: TaxonomySource,
    batch_size: int = 2000,
    progress: Callable[[str, int], None] | None = None,
) -> TaxonomySummary:
    """Upsert skills, then occupations, then relations; bad rows are collected, not fatal."""
    summary = TaxonomySummary()

    async def load(
        records: Iterable[T | RowError], query: str, to_row: Callable[[T], Any], kind: str
    ) -> int:
        count = 0
        for chunk in _chunks(records, batch_size, summary.row_errors):
            await store.write(query, {"rows": [to_row(r) for r in chunk]})
            count += len(chunk)
            if progress is not None:
                progress(kind, len(chunk))
        return count

    summary.skills = await load(source.skills(), q.UPSERT_SKILLS, _skill_row, "skills")
    summary.occupations = await load(
        source.occupations(), q.UPSERT_OCCUPATIONS, _occupation_row, "occupations"
    )
    occupation_relations: list[Relation | RowError] = []
    skill_relations: list[Relation | RowError] = []
    for rel in source.relations():
        if isinstance(rel, Relation) and rel.kind in ("ESSENTIAL", "OPTIONAL"):
            occupation_relations.append(rel)
        else:
            skill_relations.append(rel)
    summary.relations = await load(
        occupation_relations, q.RELATE_OCCUPATION_SKILL, _relation_row, "relations"
    ) + await load(skill_relations, q.RELATE_SKILLS, _relation_row, "relations")
    return summary


def _chunks(
    records: Iterable[T | RowError], size: int, errors: list[RowError]
) -> Iterator[list[T]]:
    chunk: list[T] = []
    for record in records:
        if isinstance(record, RowError):
            errors.append(record)
            continue
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

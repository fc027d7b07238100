"""Turn the hand-written catalog entries into OB 3.0 Achievement objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credmatch.errors import InputError
from credmatch.seed.catalog_spec import FIELDS, AchievementSpec
from credmatch.seed.data_files import catalog_specs
from credmatch.seed.esco_subset import EscoIndex
from credmatch.seed.identities import IssuerIdentity


@dataclass(frozen=True)
class CatalogEntry:
    spec: AchievementSpec
    achievement: dict[str, Any]
    issuer: IssuerIdentity
    stacks_into: str | None  # the parent's achievement id

    @property
    def id(self) -> str:
        return str(self.achievement["id"])


def all_specs() -> tuple[AchievementSpec, ...]:
    return catalog_specs()


def build_catalog(issuers: dict[str, IssuerIdentity], esco: EscoIndex) -> dict[str, CatalogEntry]:
    """Catalog entries by key, in source order; raises InputError on a broken reference."""
    specs = all_specs()
    by_key = {s.key: s for s in specs}
    if len(by_key) != len(specs):
        raise InputError("seed catalog: two achievements share a key; keys must be unique")
    entries: dict[str, CatalogEntry] = {}
    for spec in specs:
        _check(spec, by_key, issuers)
        issuer = issuers[spec.issuer]
        parent = (
            issuer.spec.achievement_url(spec.stacks_into) if spec.stacks_into is not None else None
        )
        entries[spec.key] = CatalogEntry(spec, achievement(spec, issuer, esco), issuer, parent)
    return entries


def achievement(spec: AchievementSpec, issuer: IssuerIdentity, esco: EscoIndex) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": issuer.spec.achievement_url(spec.key),
        "type": ["Achievement"],
        "achievementType": spec.achievement_type,
        "name": spec.name,
        "description": spec.description,
        "criteria": {"narrative": spec.criteria},
        "creator": {"id": issuer.did, "type": ["Profile"], "name": issuer.spec.name},
        "fieldOfStudy": spec.field_of_study,
    }
    if spec.credits is not None:
        doc["creditsAvailable"] = spec.credits
    tags = list(spec.tags)
    if spec.hours is not None:
        tags.append(f"hours:{spec.hours}")
    if tags:
        doc["tag"] = tags
    alignments = [_alignment(esco.skill(label, f"seed catalog {spec.key}")) for label in spec.esco]
    if alignments:
        doc["alignment"] = alignments
    return doc


def _alignment(row: dict[str, str]) -> dict[str, Any]:
    uri = row["conceptUri"]
    return {
        "type": ["Alignment"],
        "targetName": row["preferredLabel"],
        "targetUrl": uri,
        "targetFramework": "ESCO",
        "targetCode": uri.rsplit("/", 1)[-1],
    }


def _check(
    spec: AchievementSpec, by_key: dict[str, AchievementSpec], issuers: dict[str, IssuerIdentity]
) -> None:
    where = f"seed catalog {spec.key}"
    if spec.issuer not in issuers:
        raise InputError(f"{where}: unknown issuer {spec.issuer!r}")
    if spec.field not in FIELDS:
        raise InputError(f"{where}: field {spec.field!r} is not one of {FIELDS}")
    if spec.stacks_into is not None:
        parent = by_key.get(spec.stacks_into)
        if parent is None or parent.issuer != spec.issuer:
            raise InputError(
                f"{where}: stacks_into {spec.stacks_into!r} must name an achievement of the "
                "same issuer"
            )

"""Cut the slice of ESCO the seed touches out of the full ESCO CSVs.

The slice is every skill the catalog aligns to, every skill whose label contains one of
the postings' requirement phrases, and the ESCO neighbours of the aligned skills, plus
the occupations behind the postings' roles and their relations into that slice. Output
keeps the official ESCO column names and CSV dialect so the taxonomy importer reads the
slice exactly as it reads full ESCO.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from credmatch.errors import TaxonomyFormatError

SKILLS_FILE = "skills_en.csv"
OCCUPATIONS_FILE = "occupations_en.csv"
SKILL_RELATIONS_FILE = "skillSkillRelations_en.csv"
OCCUPATION_RELATIONS_FILE = "occupationSkillRelations_en.csv"

# Phrases from the postings' requirement lines; single broad words ("data", "software")
# would drag in hundreds of unrelated skills, so most are two-word phrases.
REQUIREMENT_PHRASES: tuple[str, ...] = (
    "Python",
    "SQL",
    "NoSQL",
    "JavaScript",
    "TypeScript",
    "Java",
    "data analysis",
    "data analytics",
    "data mining",
    "data quality",
    "data models",
    "statistical",
    "statistics",
    "machine learning",
    "deep learning",
    "business intelligence",
    "spreadsheets",
    "software testing",
    "debug software",
    "DevOps",
    "Agile",
    "cloud",
    "operating systems",
    "ICT security",
    "cyber",
    "firewall",
    "security threats",
    "incident",
    "encryption",
    "penetration testing",
    "nursing",
    "medication",
    "wound",
    "infection",
    "first aid",
    "resuscitation",
    "blood",
    "electronic health records",
    "electrical wiring",
    "wiring",
    "electrical equipment",
    "electricity",
    "welding",
    "blueprints",
    "plumbing",
    "health and safety in the workplace",
    "photovoltaic",
    "Spanish",
    "English",
    "customer service",
    "customer complaints",
    "communicate with customers",
    "project management",
    "risk management",
    "stakeholders",
    "budgets",
    "lead a team",
    "coach employees",
    "business analysis",
    "change management",
)

# ESCO preferred labels (as in occupations_en.csv, whitespace-trimmed) for the postings' roles.
OCCUPATION_LABELS: tuple[str, ...] = (
    "data analyst",
    "data scientist",
    "data engineer",
    "software developer",
    "web developer",
    "cloud engineer",
    "ICT system administrator",
    "ICT security technician",
    "nurse responsible for general care",
    "healthcare assistant",
    "phlebotomist",
    "electrician",
    "welder",
    "plumber",
    "project manager",
    "ICT project manager",
    "business analyst",
    "customer service representative",
)

SKILL_COLUMNS = (
    "conceptType",
    "conceptUri",
    "skillType",
    "preferredLabel",
    "altLabels",
    "description",
)


@dataclass(frozen=True)
class EscoSlice:
    skills: list[dict[str, str]]
    occupations: list[dict[str, str]]
    occupation_relations: list[dict[str, str]]
    skill_relations: list[dict[str, str]]
    skill_fields: Sequence[str]
    occupation_fields: Sequence[str]


class EscoIndex:
    """The full ESCO skill list, indexed for label lookups."""

    def __init__(self, esco_dir: Path) -> None:
        self.esco_dir = esco_dir
        self.fields, self.skills = read_csv(esco_dir / SKILLS_FILE, SKILL_COLUMNS)
        self.by_uri = {row["conceptUri"]: row for row in self.skills}
        self.by_label = {row["preferredLabel"]: row for row in self.skills}

    def skill(self, label: str, where: str) -> dict[str, str]:
        row = self.by_label.get(label)
        if row is None:
            raise TaxonomyFormatError(
                f"{where}: no ESCO skill has the preferred label {label!r} in "
                f"{self.esco_dir / SKILLS_FILE}; use an exact preferredLabel from that file"
            )
        return row


def read_csv(path: Path, required: Iterable[str]) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
    except OSError as e:
        raise TaxonomyFormatError(
            f"cannot read ESCO file {path}: {e.strerror}; pass --esco with the folder holding "
            "the ESCO CSVs"
        ) from e
    missing = [c for c in required if c not in fields]
    if missing:
        raise TaxonomyFormatError(f"{path}: missing column(s) {', '.join(missing)}")
    return fields, rows


def select_slice(index: EscoIndex, aligned_uris: Iterable[str]) -> EscoSlice:
    """The ESCO slice for the seed: aligned skills, phrase matches, neighbours, occupations."""
    aligned = set(aligned_uris)
    _, relations = read_csv(
        index.esco_dir / SKILL_RELATIONS_FILE, ("originalSkillUri", "relatedSkillUri")
    )
    chosen = aligned | _phrase_matches(index.skills) | _neighbours(relations, aligned)
    chosen &= index.by_uri.keys()
    occ_fields, occupations = read_csv(
        index.esco_dir / OCCUPATIONS_FILE, ("conceptUri", "preferredLabel")
    )
    wanted = set(OCCUPATION_LABELS)
    picked = [o for o in occupations if o["preferredLabel"].strip() in wanted]
    found = {o["preferredLabel"].strip() for o in picked}
    if found != wanted:
        raise TaxonomyFormatError(
            f"{index.esco_dir / OCCUPATIONS_FILE}: no occupation labelled "
            f"{sorted(wanted - found)}; the seed expects ESCO v1.2.0 occupation labels"
        )
    picked_uris = {o["conceptUri"] for o in picked}
    _, occ_rel = read_csv(
        index.esco_dir / OCCUPATION_RELATIONS_FILE, ("occupationUri", "skillUri", "relationType")
    )
    return EscoSlice(
        skills=sorted((index.by_uri[u] for u in chosen), key=lambda r: r["conceptUri"]),
        occupations=sorted(picked, key=lambda r: r["conceptUri"]),
        # Relations into skills outside the slice would dangle, so only in-slice ones are kept.
        occupation_relations=[
            r for r in occ_rel if r["occupationUri"] in picked_uris and r["skillUri"] in chosen
        ],
        skill_relations=[
            r
            for r in relations
            if r["originalSkillUri"] in chosen and r["relatedSkillUri"] in chosen
        ],
        skill_fields=index.fields,
        occupation_fields=occ_fields,
    )


def write_slice(esco_slice: EscoSlice, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / SKILLS_FILE, esco_slice.skill_fields, esco_slice.skills)
    _write(out_dir / OCCUPATIONS_FILE, esco_slice.occupation_fields, esco_slice.occupations)
    _write(
        out_dir / OCCUPATION_RELATIONS_FILE,
        ("occupationUri", "relationType", "skillType", "skillUri"),
        esco_slice.occupation_relations,
    )
    _write(
        out_dir / SKILL_RELATIONS_FILE,
        (
            "originalSkillUri",
            "originalSkillType",
            "relationType",
            "relatedSkillType",
            "relatedSkillUri",
        ),
        esco_slice.skill_relations,
    )


def _phrase_matches(skills: list[dict[str, str]]) -> set[str]:
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(p) for p in REQUIREMENT_PHRASES) + r")\b", re.IGNORECASE
    )
    return {row["conceptUri"] for row in skills if pattern.search(row["preferredLabel"])}


def _neighbours(relations: list[dict[str, str]], uris: set[str]) -> set[str]:
    found: set[str] = set()
    for rel in relations:
        if rel["originalSkillUri"] in uris:
            found.add(rel["relatedSkillUri"])
        if rel["relatedSkillUri"] in uris:
            found.add(rel["originalSkillUri"])
    return found


def _write(path: Path, fields: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    # The csv module's default dialect (CRLF rows, minimal quoting) is the one ESCO ships.
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)

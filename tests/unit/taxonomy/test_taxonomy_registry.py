"""The second importer and the registry: a new framework is one more class."""

from __future__ import annotations

from pathlib import Path

import pytest

from credmatch.errors import InputError, TaxonomyFormatError
from credmatch.taxonomy import (
    SOURCES,
    CustomCsvSource,
    EscoCsvSource,
    Relation,
    RowError,
    SkillRecord,
    TaxonomySource,
    open_source,
)


def company_list(tmp_path: Path) -> Path:
    path = tmp_path / "acme_skills.csv"
    path.write_text(
        "id,label,alt_labels,description,broader,notes\n"
        "SK-1,Data engineering,data eng | DE,Building data pipelines,,x\n"
        "SK-2,Airflow,Apache Airflow,,SK-1,\n"
        ",orphan,,,,\n"
        "https://skills.acme.example/3,Kafka,,,SK-1,\n",
        encoding="utf-8",
    )
    return path


def test_custom_source_reads_skills_and_broader_relations(tmp_path: Path) -> None:
    source = open_source("custom", company_list(tmp_path))
    assert isinstance(source, CustomCsvSource)
    assert isinstance(source, TaxonomySource)
    records = list(source.skills())
    assert records[0] == SkillRecord(
        uri="urn:credmatch:custom:SK-1",
        label="Data engineering",
        alt_labels=("data eng", "DE"),
        description="Building data pipelines",
        skill_type=None,
        framework="custom",
    )
    assert records[2] == RowError(str(tmp_path / "acme_skills.csv"), 4, "empty id")
    assert isinstance(records[3], SkillRecord)
    assert records[3].uri == "https://skills.acme.example/3"
    assert list(source.occupations()) == []
    assert list(source.relations()) == [
        Relation("BROADER", "urn:credmatch:custom:SK-2", "urn:credmatch:custom:SK-1"),
        Relation("BROADER", "https://skills.acme.example/3", "urn:credmatch:custom:SK-1"),
    ]


def test_custom_source_missing_label_column(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(TaxonomyFormatError, match=r"s\.csv.*'label'"):
        CustomCsvSource(path)


def test_registry_names_and_unknown_framework(tmp_path: Path) -> None:
    assert SOURCES["esco"] is EscoCsvSource
    with pytest.raises(InputError, match=r"unknown taxonomy framework 'onet'.*custom, esco"):
        open_source("onet", tmp_path)

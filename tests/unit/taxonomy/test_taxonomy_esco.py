"""ESCO CSV reader: the shared ESCO download plus small hand-written files for error cases."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from credmatch.errors import TaxonomyFormatError
from credmatch.taxonomy import EscoCsvSource, OccupationRecord, Relation, RowError, SkillRecord

ESCO = Path("/work/shared/data/esco")
needs_esco = pytest.mark.skipif(not ESCO.is_dir(), reason="shared ESCO data not present")

SKILL_URI = "http://data.europa.eu/esco/skill/"
OCC_URI = "http://data.europa.eu/esco/occupation/"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


@needs_esco
def test_shared_skills_stream_every_row_with_labels_split() -> None:
    source = EscoCsvSource(ESCO)
    records = list(source.skills())
    assert not [r for r in records if isinstance(r, RowError)]
    assert len(records) == count_rows(ESCO / "skills_en.csv")
    by_uri = {r.uri: r for r in records if isinstance(r, SkillRecord)}
    musical = by_uri[SKILL_URI + "0005c151-5b5a-4a66-8aac-60e734beb1ab"]
    assert musical.label == "manage musical staff"
    assert musical.alt_labels[:2] == ("manage staff of music", "coordinate duties of musical staff")
    assert musical.skill_type == "skill/competence"
    assert musical.description.startswith("Assign and manage staff tasks")
    assert musical.framework == "esco"


@needs_esco
def test_shared_occupations_and_relations() -> None:
    source = EscoCsvSource(ESCO / "skills_en.csv")
    occupations = [o for o in source.occupations() if isinstance(o, OccupationRecord)]
    assert len(occupations) == count_rows(ESCO / "occupations_en.csv")
    director = next(o for o in occupations if o.label == "technical director")
    assert director.code == "2654.1.7"
    assert "head of technical" in director.alt_labels

    kinds: dict[str, int] = {}
    for relation in source.relations():
        assert isinstance(relation, Relation)
        kinds[relation.kind] = kinds.get(relation.kind, 0) + 1
    assert kinds["ESSENTIAL"] + kinds["OPTIONAL"] == count_rows(
        ESCO / "occupationSkillRelations_en.csv"
    )
    assert kinds["RELATED"] == count_rows(ESCO / "skillSkillRelations_en.csv")
    assert "BROADER" not in kinds  # the shared folder has no broaderRelationsSkillPillar file


def test_multiline_alt_labels_extra_columns_and_optional_columns(tmp_path: Path) -> None:
    write(
        tmp_path / "skills_en.csv",
        "conceptUri,preferredLabel,altLabels,extra\n"
        f'{SKILL_URI}a,use Python,"Python programming\npython coding\n\nuse Python",x\n'
        f"{SKILL_URI}b,use SQL,,y\n",
    )
    skills = list(EscoCsvSource(tmp_path).skills())
    assert skills == [
        SkillRecord(
            uri=SKILL_URI + "a",
            label="use Python",
            alt_labels=("Python programming", "python coding"),
            description="",
            skill_type=None,
            framework="esco",
        ),
        SkillRecord(SKILL_URI + "b", "use SQL", (), "", None, "esco"),
    ]


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "skills_en.csv", "conceptUri,altLabels\nhttp://x/a,foo\n")
    with pytest.raises(TaxonomyFormatError, match=r"skills_en\.csv.*'preferredLabel'"):
        EscoCsvSource(path)


def test_missing_column_in_optional_file_fails_at_open(tmp_path: Path) -> None:
    write(tmp_path / "skills_en.csv", f"conceptUri,preferredLabel\n{SKILL_URI}a,a\n")
    write(tmp_path / "occupationSkillRelations_en.csv", "occupationUri,skillUri\n")
    with pytest.raises(
        TaxonomyFormatError, match=r"occupationSkillRelations_en\.csv.*relationType"
    ):
        EscoCsvSource(tmp_path)


def test_missing_skills_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyFormatError, match=r"skills_en\.csv"):
        EscoCsvSource(tmp_path)


def test_bad_rows_are_reported_with_line_and_skipped(tmp_path: Path) -> None:
    write(
        tmp_path / "skills_en.csv",
        "conceptUri,preferredLabel,altLabels\n"
        f'{SKILL_URI}a,first,"one\ntwo"\n'  # lines 2-3
        ",no uri,\n"  # line 4
        f"{SKILL_URI}c,,\n"  # line 5
        f"{SKILL_URI}d,too,many,fields\n"  # line 6
        "not a uri,label,\n"  # line 7
        f"{SKILL_URI}e,last,\n",  # line 8
    )
    records = list(EscoCsvSource(tmp_path).skills())
    errors = [r for r in records if isinstance(r, RowError)]
    good = [r.label for r in records if isinstance(r, SkillRecord)]
    assert good == ["first", "last"]
    assert [(e.line, e.reason) for e in errors] == [
        (4, "empty conceptUri"),
        (5, "empty preferredLabel"),
        (6, "expected 3 fields, found 4"),
        (7, "conceptUri 'not a uri' is not a URI"),
    ]
    assert all(e.file.endswith("skills_en.csv") for e in errors)


def test_relation_types_broader_and_bad_relation(tmp_path: Path) -> None:
    write(tmp_path / "skills_en.csv", f"conceptUri,preferredLabel\n{SKILL_URI}a,a\n")
    write(
        tmp_path / "occupationSkillRelations_en.csv",
        "occupationUri,relationType,skillType,skillUri\n"
        f"{OCC_URI}o,essential,knowledge,{SKILL_URI}a\n"
        f"{OCC_URI}o,Optional,knowledge,{SKILL_URI}b\n"
        f"{OCC_URI}o,sometimes,knowledge,{SKILL_URI}c\n",
    )
    write(
        tmp_path / "broaderRelationsSkillPillar_en.csv",
        f"conceptType,conceptUri,broaderType,broaderUri\nx,{SKILL_URI}a,y,{SKILL_URI}g\n",
    )
    write(
        tmp_path / "skillSkillRelations_en.csv",
        "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n"
        f"{SKILL_URI}a,knowledge,optional,knowledge,{SKILL_URI}b\n",
    )
    records = list(EscoCsvSource(tmp_path).relations())
    assert records == [
        Relation("ESSENTIAL", OCC_URI + "o", SKILL_URI + "a"),
        Relation("OPTIONAL", OCC_URI + "o", SKILL_URI + "b"),
        RowError(
            str(tmp_path / "occupationSkillRelations_en.csv"),
            4,
            "relationType 'sometimes' is not essential or optional",
        ),
        Relation("BROADER", SKILL_URI + "a", SKILL_URI + "g"),
        Relation("RELATED", SKILL_URI + "a", SKILL_URI + "b", "optional"),
    ]


def test_occupation_code_falls_back_to_isco_group(tmp_path: Path) -> None:
    write(tmp_path / "skills_en.csv", f"conceptUri,preferredLabel\n{SKILL_URI}a,a\n")
    write(
        tmp_path / "occupations_en.csv",
        "conceptUri,iscoGroup,preferredLabel,code\n"
        f"{OCC_URI}x,2511,systems analyst,\n"
        f"{OCC_URI}y,,no code,\n",
    )
    codes = [o.code for o in EscoCsvSource(tmp_path).occupations() if not isinstance(o, RowError)]
    assert codes == ["2511", None]


def test_other_language_siblings_are_found_from_the_skills_file(tmp_path: Path) -> None:
    path = write(tmp_path / "skills_de.csv", f"conceptUri,preferredLabel\n{SKILL_URI}a,Python\n")
    write(tmp_path / "occupations_de.csv", f"conceptUri,preferredLabel\n{OCC_URI}o,Entwickler\n")
    write(tmp_path / "occupations_en.csv", f"conceptUri,preferredLabel\n{OCC_URI}e,developer\n")
    labels = [o.label for o in EscoCsvSource(path).occupations() if not isinstance(o, RowError)]
    assert labels == ["Entwickler"]


def test_bom_and_invalid_utf8(tmp_path: Path) -> None:
    # the bad byte sits past the first read buffer, as in a real download that breaks midway
    good_rows = b"".join(SKILL_URI.encode() + b"%d,skill\n" % i for i in range(5000))
    (tmp_path / "skills_en.csv").write_bytes(
        b"\xef\xbb\xbfconceptUri,preferredLabel\n" + good_rows + SKILL_URI.encode() + b"x,caf\xe9\n"
    )
    source = EscoCsvSource(tmp_path)  # the BOM does not hide the first column
    with pytest.raises(TaxonomyFormatError, match="not UTF-8"):
        list(source.skills())

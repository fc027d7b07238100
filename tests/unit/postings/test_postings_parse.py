"""parse_jsonld / parse_text / read_postings: fields, ids, hashes and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credmatch.errors import InputError, PostingFormatError
from credmatch.postings import Posting, parse_jsonld, parse_posting, parse_text, read_postings


def job(**fields: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "JobPosting", "title": "Baker", **fields}


def test_identifier_forms_and_fallbacks() -> None:
    assert parse_jsonld(job(identifier="B-1", skills="baking"), "x").id == "B-1"
    assert parse_jsonld(job(identifier=42, skills="baking"), "x").id == "42"
    pv = {"@type": "PropertyValue", "name": "Bakery", "value": "B-2"}
    assert parse_jsonld(job(identifier=pv, skills="baking"), "x").id == "B-2"
    url = "https://bakery.example/jobs/3"
    assert parse_jsonld(job(url=url, skills="baking"), "x").id == url
    fallback = parse_jsonld(job(skills="baking"), "/data/a/bakery.json")
    moved = parse_jsonld(job(skills="baking", description="Sourdough."), "/elsewhere/bakery.json")
    other_file = parse_jsonld(job(skills="baking"), "/data/a/patisserie.json")
    assert fallback.id.startswith("posting:")
    assert fallback.id == moved.id  # same title, org and file name: same posting
    assert fallback.id != other_file.id


def test_content_hash_tracks_content_not_source() -> None:
    a = parse_jsonld(job(identifier="B-1", description="Knead dough by hand."), "/a/x.json")
    b = parse_jsonld(job(identifier="B-1", description="Knead dough by hand."), "/b/y.json")
    c = parse_jsonld(job(identifier="B-1", description="Must know laminated dough."), "/a/x.json")
    assert a.content_hash == b.content_hash
    assert a.content_hash != c.content_hash
    assert a.content_hash.startswith("sha256:")


def test_type_variants_and_name_fallback() -> None:
    doc = {"@type": ["http://schema.org/JobPosting"], "name": "Chef", "skills": ["knife skills"]}
    posting = parse_jsonld(doc, "x")
    assert posting.title == "Chef"
    assert [r.text for r in posting.requirements] == ["knife skills"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"@type": "Person", "name": "x"}, r"src: not a schema\.org JobPosting \(Person\)"),
        ({"title": "x", "skills": "y"}, r"not a schema\.org JobPosting \(no @type\)"),
        (job(title="  ", skills="y"), "has no title"),
        (job(), "has no description and no skills"),
        (job(description="<p> </p>"), "has no description"),
    ],
)
def test_bad_jsonld_raises_posting_format_error(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(PostingFormatError, match=message) as info:
        parse_jsonld(doc, "src")
    assert isinstance(info.value, InputError)


def test_graph_document_passed_to_parse_jsonld() -> None:
    doc = {
        "@graph": [
            {"@type": "Organization", "@id": "#o", "name": "Crumb"},
            job(skills="baking", hiringOrganization={"@id": "#o"}),
        ]
    }
    assert parse_jsonld(doc, "g").organization == "Crumb"
    doc["@graph"].append(job(skills="icing"))
    with pytest.raises(PostingFormatError, match="holds 2 JobPostings"):
        parse_jsonld(doc, "g")


def test_plain_description_without_html_is_sectioned() -> None:
    posting = parse_jsonld(
        job(
            description="Requirements:\n- Bread baking\n- Food safety certificate\n\nBenefits:\n"
            "- Free bread"
        ),
        "x",
    )
    assert [(r.text, r.kind, r.category) for r in posting.requirements] == [
        ("Bread baking", "skill", "skill"),
        ("Food safety certificate", "skill", "qualification"),
    ]


def test_html_strong_and_br_headings() -> None:
    html = (
        "<div><strong>Must have:</strong><br>Excel<br>Bookkeeping</div>"
        "<div><b>Bonus:</b> Exact Online</div><p>We offer lunch &amp; a bike.</p>"
    )
    posting = parse_jsonld(job(description=html), "x")
    assert [(r.text, r.required) for r in posting.requirements] == [
        ("Excel", True),
        ("Bookkeeping", True),
        ("Exact Online", False),
    ]
    assert "lunch & a bike" in posting.description


def test_text_posting_front_matter_and_fallback_id() -> None:
    text = "---\ntitle: Barista\ncompany: 'Bean There'\n---\nMust have latte art skills.\n"
    posting = parse_text(text, "/jobs/barista.md")
    assert (posting.title, posting.organization) == ("Barista", "Bean There")
    assert [r.text for r in posting.requirements] == ["latte art skills"]
    assert posting.id == parse_text(text + "\nExtra line.", "/other/barista.md").id
    assert posting.id != parse_text(text, "/jobs/barista-2.md").id


def test_text_posting_errors() -> None:
    with pytest.raises(PostingFormatError, match="empty"):
        parse_text("\n\n", "empty.txt")
    with pytest.raises(PostingFormatError, match="no text under it"):
        parse_text("# Barista\n\n", "b.md")
    with pytest.raises(PostingFormatError, match="not a title"):
        parse_text("word " * 60 + "\nmore", "long.txt")


def test_parse_posting_accepts_text_json_and_paths(tmp_path: Path) -> None:
    assert parse_posting("Cook\nYou must know HACCP.").requirements[0].text == "HACCP"
    assert parse_posting(json.dumps(job(skills="pastry"))).title == "Baker"
    path = tmp_path / "cook.md"
    path.write_text("# Cook\n\n## Requirements\n- Grill\n", encoding="utf-8")
    assert parse_posting(str(path)).source == str(path)
    many = tmp_path / "many.json"
    many.write_text(json.dumps([job(skills="a"), job(skills="b")]), encoding="utf-8")
    with pytest.raises(PostingFormatError, match="holds 2 postings"):
        parse_posting(many)


def test_read_postings_unsupported_and_missing_files(tmp_path: Path) -> None:
    (unsupported,) = read_postings(tmp_path / "job.pdf")
    assert isinstance(unsupported, PostingFormatError)
    assert "unsupported file type '.pdf'" in str(unsupported)
    (missing,) = read_postings(tmp_path / "gone.json")
    assert isinstance(missing, PostingFormatError) and "cannot read" in str(missing)
    assert isinstance(missing.__cause__, OSError)


def test_graph_without_job_posting_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "org.jsonld"
    path.write_text(json.dumps({"@graph": [{"@type": "Organization", "name": "x"}]}))
    (error,) = read_postings(path)
    assert isinstance(error, PostingFormatError) and "no JobPosting" in str(error)


def test_multi_record_sources_are_distinct_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps([job(skills="a"), job(skills="b")]), encoding="utf-8")
    first = [r for r in read_postings(path) if isinstance(r, Posting)]
    second = [r for r in read_postings(path) if isinstance(r, Posting)]
    assert [p.source for p in first] == [f"{path}#0", f"{path}#1"]
    assert len({p.id for p in first}) == 2
    assert [p.id for p in first] == [p.id for p in second]

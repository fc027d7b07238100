"""End to end over the hand-written postings in tests/fixtures/postings."""

from __future__ import annotations

from pathlib import Path

import pytest

from credmatch.errors import PostingFormatError
from credmatch.postings import Posting, Requirement, parse_posting, read_postings
from credmatch.postings.model import CATEGORIES, KINDS

FIXTURES = Path(__file__).parents[2] / "fixtures" / "postings"


def one(name: str) -> Posting:
    return parse_posting(FIXTURES / name)


def texts(posting: Posting, *, required: bool | None = None) -> list[str]:
    return [r.text for r in posting.requirements if required is None or r.required is required]


def by_text(posting: Posting) -> dict[str, Requirement]:
    return {r.text: r for r in posting.requirements}


def test_jsonld_with_html_description() -> None:
    posting = one("acme-data-engineer.jsonld")
    assert posting.id == "ACME-DE-2024-17"
    assert posting.organization == "Acme Analytics & Co"
    assert posting.occupational_category == "15-1243.00"
    assert posting.date_posted == "2024-05-02"
    assert posting.valid_through == "2024-06-30T23:59"
    assert posting.url == "https://careers.acme-analytics.example/jobs/ACME-DE-2024-17"
    assert texts(posting, required=True) == [
        "Python, SQL and Airflow",
        "Experience designing and operating data pipelines on AWS",
        "Attention to detail and communication skills",
        "Fluent English",
    ]
    assert texts(posting, required=False) == [
        "Design, build and operate batch and streaming pipelines that feed our forecasting models",
        "Own data quality checks and on-call for the platform",
        "5+ years of experience as a data engineer",
        "Dutch",
        "Kafka or Kinesis",
        "dbt & Great Expectations",
    ]
    reqs = by_text(posting)
    assert reqs["5+ years of experience as a data engineer"].kind == "condition"
    assert reqs["5+ years of experience as a data engineer"].weight == 0.0
    assert reqs["Own data quality checks and on-call for the platform"].kind == "duty"
    assert reqs["Dutch"].context == "Dutch is a plus"
    assert reqs["Python, SQL and Airflow"].parts == ("Python", "SQL", "Airflow")
    assert reqs["Kafka or Kinesis"].section == "Nice to have"
    assert [r.position for r in posting.requirements] == list(range(len(posting.requirements)))


def test_html_entities_decoded_and_boilerplate_kept_out() -> None:
    posting = one("acme-data-engineer.jsonld")
    assert "What you’ll do" in posting.description
    assert "€70,000 – €85,000 salary" in posting.description
    assert "- dbt & Great Expectations" in posting.description
    for markup in ("<", "&amp;", "&euro;", "&#8217;", "**"):
        assert markup not in posting.description
    everything = " ".join(r.text + " " + r.context for r in posting.requirements).lower()
    for boilerplate in ("salary", "holiday", "learning budget", "founded", "equal opportunity"):
        assert boilerplate not in everything


def test_jsonld_with_skills_list_and_structured_properties() -> None:
    posting = one("northwind-backend.json")
    assert posting.id == "NW-1182"
    assert posting.organization == "Northwind Payments"
    reqs = by_text(posting)
    assert texts(posting)[:6] == [
        "Go",
        "PostgreSQL",
        "gRPC",
        "Kubernetes",
        "Terraform",
        "Strong written and verbal communication skills",
    ]
    assert all(reqs[t].section == "skills" and reqs[t].kind == "skill" for t in texts(posting)[:6])
    assert reqs["PCI DSS knowledge"].required is False
    assert reqs["Understanding of double-entry bookkeeping"].required is True
    degree = reqs["Bachelor's degree in Computer Science or a related field"]
    assert (degree.kind, degree.category, degree.required) == ("skill", "education", True)
    assert reqs["36 months of experience"].kind == "condition"
    assert reqs["Review code and mentor two junior engineers"].kind == "duty"
    # the company intro has no requirement wording
    assert not any("Northwind" in t for t in texts(posting))


def test_markdown_with_requirements_nice_to_have_and_boilerplate_sections() -> None:
    posting = one("ml-engineer.md")
    assert (posting.id, posting.organization) == ("LUMEN-ML-007", "Lumen Health")
    assert posting.title == "Machine Learning Engineer, Clinical NLP"
    assert posting.date_posted == "2024-03-11"
    assert texts(posting, required=True) == [
        "MSc or PhD in Computer Science, Statistics or a related field",
        "Proficiency in Python, PyTorch and Hugging Face Transformers",
        "Experience with model evaluation and error analysis",
        "Ability to explain model behaviour to clinicians",
    ]
    assert by_text(posting)["3+ years of experience training NLP models in production"].kind == (
        "condition"
    )
    assert texts(posting, required=False) == [
        "Experience with HL7 FHIR",
        "3+ years of experience training NLP models in production",
        "Experience with clinical ontologies (SNOMED CT, ICD-10)",
        "Publications at ACL, EMNLP or NAACL",
        "Kubernetes",
    ]
    assert {r.section for r in posting.requirements} == {
        "About the role",
        "Requirements",
        "Nice to have",
    }
    assert by_text(posting)["Kubernetes"].weight == 0.5
    assert by_text(posting)[
        "Proficiency in Python, PyTorch and Hugging Face Transformers"
    ].parts == (
        "Python",
        "PyTorch",
        "Hugging Face Transformers",
    )


def test_plain_text_with_must_and_a_plus_wording() -> None:
    posting = one("warehouse-shift-lead.txt")
    assert (posting.id, posting.title) == ("BRAMBLE-WH-332", "Warehouse Shift Lead")
    assert posting.organization == "Bramble Logistics"
    assert texts(posting, required=True) == [
        "valid forklift licence",
        "Good command of Dutch and English",
    ]
    assert texts(posting, required=False) == [
        "at least two years of experience supervising warehouse staff",
        "Experience with SAP EWM",
        "VCA safety certificate",
        "Knowledge of Polish",
    ]
    # a forklift licence is a certificate a credential can attest, not a regulator's licence
    forklift = by_text(posting)["valid forklift licence"]
    assert (forklift.kind, forklift.category) == ("skill", "qualification")
    assert "Tilburg, NL" not in posting.description  # header lines are metadata, not text
    assert not any("CV" in t or "allowance" in t for t in texts(posting))


def test_setext_markdown_with_inline_label_and_bonus_points() -> None:
    posting = one("frontend-developer.md")
    assert posting.organization == "Pixelforge"
    assert texts(posting, required=True) == [
        "TypeScript and React",
        "Solid understanding of web accessibility (WCAG 2.1)",
        "Experience writing unit and end-to-end tests",
        "portfolio of shipped web applications",
    ]
    assert texts(posting, required=False) == [
        "Build accessible UI components in our design system",
        "Profile and fix rendering performance issues",
        "WebGL or Canvas experience",
        "Contributions to open-source projects",
    ]


def test_graph_with_two_postings_and_an_organization_reference() -> None:
    results = list(read_postings(FIXTURES / "graph-postings.jsonld"))
    assert all(isinstance(r, Posting) for r in results)
    soc, pentest = (r for r in results if isinstance(r, Posting))
    assert soc.id == "https://harbor.example/careers/soc-analyst"
    assert soc.organization == pentest.organization == "Harbor Security"
    assert texts(soc, required=True) == [
        "Splunk, Sentinel and Wireshark",
        "CompTIA Security+ certification",
    ]
    assert texts(soc, required=False) == [
        "Triage alerts in our SIEM and escalate incidents",
        "Experience with threat hunting",
    ]
    assert pentest.id == "HARBOR-PT-2"
    assert texts(pentest) == ["OSCP certification", "Burp Suite", "Metasploit", "Nmap"]


def test_one_bad_record_does_not_lose_the_rest() -> None:
    results = list(read_postings(FIXTURES / "mixed-with-bad-records.json"))
    assert len(results) == 4
    good, no_title, event, empty = results
    assert isinstance(good, Posting)
    assert texts(good) == ["Experience with Zendesk", "Excellent written English"]
    assert isinstance(no_title, PostingFormatError)
    assert "mixed-with-bad-records.json#1" in str(no_title) and "no title" in str(no_title)
    assert isinstance(event, PostingFormatError)
    assert "not a schema.org JobPosting (Event)" in str(event)
    assert isinstance(empty, PostingFormatError)
    assert "no description" in str(empty) and "'Mystery Role'" in str(empty)


def test_jsonl_reports_the_bad_line() -> None:
    results = list(read_postings(FIXTURES / "support-postings.jsonl"))
    assert [type(r).__name__ for r in results] == ["Posting", "PostingFormatError", "Posting"]
    assert "support-postings.jsonl#line2: not valid JSON" in str(results[1])
    first = results[0]
    assert isinstance(first, Posting)
    assert texts(first, required=True) == ["Windows 11 and Active Directory"]
    assert texts(first, required=False) == ["valid driver's license", "CompTIA A+ certification"]
    assert by_text(first)["valid driver's license"].kind == "condition"


def test_broken_json_file_is_one_error_and_parse_posting_raises_it() -> None:
    results = list(read_postings(FIXTURES / "truncated.json"))
    assert len(results) == 1 and isinstance(results[0], PostingFormatError)
    with pytest.raises(PostingFormatError, match=r"truncated\.json: not valid JSON"):
        parse_posting(FIXTURES / "truncated.json")


def test_every_fixture_requirement_is_a_verbatim_span() -> None:
    for path in sorted(FIXTURES.iterdir()):
        for result in read_postings(path):
            if isinstance(result, PostingFormatError):
                continue
            for requirement in result.requirements:
                assert requirement.text in requirement.context or requirement.context == ""
                assert requirement.kind in KINDS
                assert requirement.category in CATEGORIES
                for part in requirement.parts:  # listed in the statement, or a skills entry
                    assert part in requirement.text or part in path.read_text(encoding="utf-8")

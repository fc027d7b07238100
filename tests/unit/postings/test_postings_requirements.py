"""Requirement extraction rules, one behaviour per test, on small inline postings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credmatch.postings import Line, Role, Section, Weights, extract_requirements, parse_text
from credmatch.postings.sections import split_sections


def extract(markdown: str, weights: Weights | None = None) -> list[tuple[str, bool]]:
    sections = split_sections(markdown)
    found = extract_requirements(sections, weights or Weights())
    return [(r.text, r.required) for r in found]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Python, SQL and Airflow", ["Python", "SQL", "Airflow"]),
        ("Python, SQL, and Airflow", ["Python", "SQL", "Airflow"]),
        ("Strong proficiency in Python, SQL and Airflow", ["Python", "SQL", "Airflow"]),
        (
            "experience designing and operating data pipelines",
            ["experience designing and operating data pipelines"],
        ),
        (
            "attention to detail and communication skills",
            ["attention to detail", "communication skills"],
        ),
        ("Knowledge of Docker and Kubernetes", ["Docker", "Kubernetes"]),
        ("SQL and data modeling", ["SQL", "data modeling"]),
        ("Strong written and verbal communication", ["Strong written and verbal communication"]),
        ("design and implementation of REST APIs", ["design and implementation of REST APIs"]),
        ("Design, build and operate data pipelines", ["Design, build and operate data pipelines"]),
        ("Java or Kotlin", ["Java or Kotlin"]),
        ("Python, Go or Rust", ["Python, Go or Rust"]),
        ("Python (pandas, NumPy) and SQL", ["Python (pandas, NumPy)", "SQL"]),
        (
            "5+ years of experience, ideally in fintech",
            ["5+ years of experience, ideally in fintech"],
        ),
        ("Languages: Python, Go, TypeScript", ["Python", "Go", "TypeScript"]),
        ("R&D experience", ["R&D experience"]),
    ],
)
def test_list_splitting(line: str, expected: list[str]) -> None:
    assert [text for text, _ in extract(f"## Requirements\n- {line}\n")] == expected


def test_section_heading_sets_required_and_wording_overrides_it() -> None:
    found = extract(
        "## Requirements\n"
        "- Terraform\n"
        "- Experience with Kafka is a plus\n"
        "## Nice to have\n"
        "- Rust\n"
        "- Go is required\n"
    )
    assert found == [
        ("Terraform", True),
        ("Experience with Kafka", False),
        ("Rust", False),
        ("Go", True),
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "Benefits",
        "Perks",
        "What we offer",
        "About us",
        "About Acme",
        "Salary",
        "How to apply",
        "Equal Opportunity Employer",
        "Our culture",
    ],
)
def test_boilerplate_sections_give_nothing(heading: str) -> None:
    assert (
        extract(f"## {heading}\n- Experience with Python is required\n- Health insurance\n") == []
    )


@pytest.mark.parametrize(
    "heading",
    ["About you", "About the role", "What you'll need", "Minimum qualifications", "Who you are"],
)
def test_about_you_and_about_the_role_are_not_company_blurb(heading: str) -> None:
    assert extract(f"## {heading}\n- You must have experience with Python\n") == [
        ("experience with Python", True)
    ]


def test_eeo_and_apply_sentences_dropped_inside_requirement_sections() -> None:
    found = extract(
        "## Requirements\n"
        "- Excel\n\n"
        "We are an equal opportunity employer and do not discriminate on the basis of race.\n\n"
        "To apply, send your CV to jobs@example.com.\n"
    )
    assert found == [("Excel", True)]


def test_general_sections_keep_only_requirement_wording() -> None:
    found = extract(
        "We are a small team in Ghent building invoicing software. "
        "You must be fluent in French. Our office has a rooftop terrace. "
        "Familiarity with Peppol is an advantage.\n"
    )
    assert found == [("fluent in French", True), ("Familiarity with Peppol", False)]


def test_responsibilities_are_kept_whole_with_their_own_weight() -> None:
    sections = split_sections("## Responsibilities\n- Design, build and run ETL jobs\n")
    (found,) = extract_requirements(sections, Weights(responsibility=0.25))
    assert (found.text, found.kind, found.required, found.weight) == (
        "Design, build and run ETL jobs",
        "responsibility",
        False,
        0.25,
    )


def test_weights_are_configurable() -> None:
    sections = split_sections("## Must have\n- Excel\n## Bonus\n- Power BI\n")
    found = extract_requirements(sections, Weights(required=2.0, preferred=0.1))
    assert [(r.text, r.weight) for r in found] == [("Excel", 2.0), ("Power BI", 0.1)]


def test_kinds_from_wording_then_section() -> None:
    sections = split_sections(
        "## Requirements\n"
        "- BSc in Mechanical Engineering\n"
        "- AWS Certified Solutions Architect certification\n"
        "- 4 years in a similar role\n"
        "- SolidWorks\n"
        "## Education\n"
        "- Coursework in thermodynamics\n"
    )
    assert [(r.text, r.kind) for r in extract_requirements(sections)] == [
        ("BSc in Mechanical Engineering", "education"),
        ("AWS Certified Solutions Architect certification", "qualification"),
        ("4 years in a similar role", "experience"),
        ("SolidWorks", "skill"),
        ("Coursework in thermodynamics", "education"),
    ]


def test_duplicates_merge_and_keep_the_stronger_flag() -> None:
    found = extract("## Nice to have\n- Docker\n## Requirements\n- docker\n- Helm\n")
    assert found == [("Docker", True), ("Helm", True)]


def test_explicit_section_role_wins_over_heading() -> None:
    section = Section("whatever", (Line("Scala", bullet=True),), Role.PREFERRED, "skill")
    (found,) = extract_requirements([section])
    assert (found.text, found.required, found.section) == ("Scala", False, "whatever")


def test_lead_in_sentences_and_company_talk_are_skipped() -> None:
    found = extract(
        "## What you bring\n"
        "We'd love to hear from you if you have:\n"
        "- Figma\n"
        "Don't meet every requirement? Apply anyway.\n"
    )
    assert found == [("Figma", True)]


_words = st.sampled_from(
    [
        "Python",
        "and",
        "or",
        "SQL",
        ",",
        "experience",
        "with",
        "must",
        "a plus",
        ";",
        ".",
        "(",
        ")",
        "designing",
        "skills",
        "-",
        ":",
        "\n",
        "## Requirements\n",
        "- ",
        "Nice to have\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_words, max_size=40).map(" ".join))
def test_any_text_gives_verbatim_requirements_in_order(body: str) -> None:
    posting = parse_text("Title\nIntro.\n" + body, "prop.txt")
    assert [r.position for r in posting.requirements] == list(range(len(posting.requirements)))
    for requirement in posting.requirements:
        assert requirement.text.strip() == requirement.text and requirement.text
        assert requirement.text in requirement.context

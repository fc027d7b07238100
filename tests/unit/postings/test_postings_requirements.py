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
def test_a_listing_statement_is_one_requirement_whose_parts_are_the_items(
    line: str, expected: list[str]
) -> None:
    (found,) = extract_requirements(split_sections(f"## Requirements\n- {line}\n"))
    assert found.text == line
    assert list(found.parts) == (expected if len(expected) > 1 else [])


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
        "To apply, send your CV to jobs@example.com.\n\n"
        "Riverside is committed to equality, diversity and inclusion.\n"
    )
    assert found == [("Excel", True)]


def test_general_sections_keep_only_requirement_wording() -> None:
    found = extract(
        "We are a small team in Ghent building invoicing software. "
        "You must be fluent in French. Our office has a rooftop terrace. "
        "Familiarity with Peppol is an advantage.\n"
    )
    assert found == [("fluent in French", True), ("Familiarity with Peppol", False)]


def test_duties_are_kept_whole_with_their_own_weight() -> None:
    sections = split_sections("## Responsibilities\n- Design, build and run ETL jobs\n")
    (found,) = extract_requirements(sections, Weights(duty=0.25))
    assert (found.text, found.kind, found.required, found.weight, found.parts) == (
        "Design, build and run ETL jobs",
        "duty",
        False,
        0.25,
        (),
    )


def test_duties_weigh_less_than_required_skills_by_default() -> None:
    found = extract_requirements(
        split_sections("## What you'll do\n- Run the SIEM\n## Must have\n- Log analysis\n")
    )
    assert [(r.kind, r.required, r.weight) for r in found] == [
        ("duty", False, 0.5),
        ("skill", True, 1.0),
    ]


def test_weights_are_configurable() -> None:
    sections = split_sections("## Must have\n- Excel\n## Bonus\n- Power BI\n")
    found = extract_requirements(sections, Weights(required=2.0, preferred=0.1))
    assert [(r.text, r.weight) for r in found] == [("Excel", 2.0), ("Power BI", 0.1)]


def test_categories_from_wording_then_section() -> None:
    sections = split_sections(
        "## Requirements\n"
        "- BSc in Mechanical Engineering\n"
        "- AWS Certified Solutions Architect certification\n"
        "- 4 years in a similar role\n"
        "- SolidWorks\n"
        "## Education\n"
        "- Coursework in thermodynamics\n"
    )
    assert [(r.text, r.kind, r.category) for r in extract_requirements(sections)] == [
        ("BSc in Mechanical Engineering", "skill", "education"),
        ("AWS Certified Solutions Architect certification", "skill", "qualification"),
        ("4 years in a similar role", "condition", "condition"),
        ("SolidWorks", "skill", "skill"),
        ("Coursework in thermodynamics", "skill", "education"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Willing to work a rotating shift pattern",
        "Full UK driving licence",
        "Valid driver's license",
        "Current RN license in Washington State",
        "Gas Safe registration",
        "Right to work in the UK",
        "Willingness to travel up to 30% of the time",
        "Take part in a light on-call rotation",
        "3+ years building backend services in Python",
        "6 months' warehouse experience",
        "At least one year in customer service",
        "Able to lift up to 50 lbs",
        "Must be willing to relocate to Leeds",
    ],
)
def test_conditions_of_employment_are_never_required_and_weigh_nothing(line: str) -> None:
    (found,) = extract_requirements(split_sections(f"## Must have\n- {line}\n"))
    assert (found.kind, found.required, found.weight) == ("condition", False, 0.0)


@pytest.mark.parametrize(
    "line",
    [
        "BLS certification (ACLS within 6 months of hire)",
        "CompTIA Security+ certification",
        "AWS Certified Solutions Architect certification",
        "Current counterbalance forklift certification",
        "Travel or transport industry knowledge",
        "Spanish (B1 or higher)",
    ],
)
def test_certificates_a_credential_can_attest_stay_required_skills(line: str) -> None:
    (found,) = extract_requirements(split_sections(f"## Must have\n- {line}\n"))
    assert (found.kind, found.required, found.weight) == ("skill", True, 1.0)
    # One to obtain after hire stays a skill, preferred ("Advanced Life Support within 12
    # months": test_what_the_hire_may_train_for_or_obtain_later_is_not_required).


def test_a_duty_that_is_a_condition_is_a_condition_unless_it_does_more() -> None:
    found = extract_requirements(
        split_sections("## Duties\n- Join the on-call rota\n- Own data quality and on-call\n")
    )
    assert [r.kind for r in found] == ["condition", "duty"]


@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("SQL and a BI tool (Power BI preferred)", True),
        ("Customer service experience, ideally in a contact centre", True),
        ("Relational database design, ideally PostgreSQL", True),
        ("Python (preferred)", False),
        ("Portuguese is a plus", False),
    ],
)
def test_a_preference_about_a_detail_does_not_make_the_statement_preferred(
    line: str, required: bool
) -> None:
    (found,) = extract_requirements(split_sections(f"## Requirements\n- {line}\n"))
    assert found.required is required


@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("Advanced Life Support within 12 months", False),
        ("Basic life support or willingness to train", False),
        ("Forklift licence, or willing to obtain one", False),
        ("BLS (or willingness to obtain)", False),
        ("PRINCE2 certification, or willingness to obtain it within 12 months", False),
        ("BLS certification (ACLS within 6 months of hire)", True),  # ACLS is later, BLS now
        ("Current Basic Life Support", True),
        # recency, not "get it later"; training others, not being trained
        ("Negative TB test within 12 months", True),
        ("Clinical experience within 2 years", True),
        ("Must have worked in acute care within 3 years", True),
        ("Must be willing to train and mentor junior staff", True),
    ],
)
def test_what_the_hire_may_train_for_or_obtain_later_is_not_required(
    line: str, required: bool
) -> None:
    (found,) = extract_requirements(split_sections(f"## Requirements\n- {line}\n"))
    assert found.required is required


def test_a_parenthesis_is_not_cut_open_when_a_preference_is_trimmed() -> None:
    (found,) = extract_requirements(
        split_sections("## Requirements\n- SQL and a BI tool (Power BI preferred)\n")
    )
    assert found.text == "SQL and a BI tool (Power BI preferred)"


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


def _skills_posting(skills: str, description: str) -> list[Section]:
    entries = Section("skills", (Line(skills, bullet=True),), Role.REQUIRED, "skill")
    return [*split_sections(description), entries]


def test_schema_org_skills_join_the_statements_that_name_them() -> None:
    found = extract_requirements(
        _skills_posting(
            "SIEM, log analysis, incident response, network security",
            "## Must have\n"
            "- Experience with log analysis or a SIEM (lab or coursework counts)\n"
            "- Knowledge of networking and firewalls\n"
            "- Willing to work a rotating shift pattern\n"
            "## Nice to have\n"
            "- Incident response experience\n",
        )
    )
    assert [(r.text, r.kind, r.required, r.parts) for r in found] == [
        (
            "Experience with log analysis or a SIEM (lab or coursework counts)",
            "skill",
            True,
            ("SIEM", "log analysis"),
        ),
        (
            "Knowledge of networking and firewalls",
            "skill",
            True,
            ("networking", "firewalls", "network security"),
        ),
        ("Willing to work a rotating shift pattern", "condition", False, ()),
        ("Incident response experience", "skill", False, ("incident response",)),
    ]


def test_a_skills_entry_no_statement_names_is_a_requirement_of_its_own() -> None:
    found = extract_requirements(
        _skills_posting(
            "SQL, data visualisation",
            "## Requirements\n- Strong SQL: joins, aggregations and window functions\n"
            "- Data analysis in Python (pandas) or R\n",
        )
    )
    assert [(r.text, r.required, r.section, r.parts) for r in found] == [
        (
            "Strong SQL: joins, aggregations and window functions",
            True,
            "Requirements",
            ("joins", "aggregations", "window functions", "SQL"),
        ),
        ("Data analysis in Python (pandas) or R", True, "Requirements", ()),
        ("data visualisation", True, "skills", ()),
    ]


def test_a_skills_entry_never_joins_a_condition_or_a_duty() -> None:
    found = extract_requirements(
        _skills_posting(
            "Python, REST APIs",
            "## What you'll do\n- Design and build REST APIs in Python\n"
            "## Requirements\n- 3+ years building backend services in Python\n",
        )
    )
    assert [(r.text, r.kind) for r in found] == [
        ("Design and build REST APIs in Python", "duty"),
        ("3+ years building backend services in Python", "condition"),
        ("Python", "skill"),
        ("REST APIs", "skill"),
    ]

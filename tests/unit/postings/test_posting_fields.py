"""A posting given as fields (upsertJobPosting's input) is built in postings/, with the
package's weights and content hash."""

from __future__ import annotations

import pytest

from credmatch.errors import PostingFormatError
from credmatch.postings import ListedRequirement, Posting, Weights, parse_text, posting_from_fields

DESCRIPTION = "## Requirements\n- Strong SQL\n- Python for data pipelines\n\n## Nice to have\n- dbt"


def _posting(listed: list[ListedRequirement] | None = None, **changed: str) -> Posting:
    fields = {"title": "Data Analyst", "description": DESCRIPTION, "organization": "Acme"}
    fields.update(changed)
    return posting_from_fields(
        "ext-1", fields["title"], fields["description"], fields["organization"], listed, "api"
    )


def test_without_a_list_the_requirements_are_read_as_a_text_posting_reads_them() -> None:
    posting = _posting()
    text = parse_text(f"# Data Analyst\n\n{DESCRIPTION}", "api")
    assert posting.requirements == text.requirements
    assert posting.description == text.description
    assert (posting.id, posting.title, posting.organization, posting.source) == (
        "ext-1", "Data Analyst", "Acme", "api")  # fmt: skip
    assert posting.url is None and posting.date_posted is None


def test_a_listed_requirement_replaces_the_read_ones_with_the_packages_weights() -> None:
    listed = [ListedRequirement("  SQL  "), ListedRequirement(" "), ListedRequirement("dbt", False)]
    posting = _posting(listed)
    rows = [(r.position, r.text, r.kind, r.required, r.weight) for r in posting.requirements]
    w = Weights()
    assert rows == [(1, "SQL", "skill", True, w.required), (3, "dbt", "skill", False, w.preferred)]
    assert all(r.section == "requirements" for r in posting.requirements)


def test_the_content_hash_follows_the_content() -> None:
    base = _posting([ListedRequirement("SQL")])
    assert base.content_hash.startswith("sha256:")
    assert _posting([ListedRequirement("SQL")]).content_hash == base.content_hash
    for other in (
        _posting([ListedRequirement("SQL", False)]),
        _posting([ListedRequirement("SQL")], title="Data Engineer"),
        _posting([ListedRequirement("SQL")], organization="Other"),
        _posting([ListedRequirement("SQL")], description="Analyse data with SQL daily."),
    ):
        assert other.content_hash != base.content_hash


def test_a_posting_with_no_text_is_refused() -> None:
    with pytest.raises(PostingFormatError):
        _posting(description="")

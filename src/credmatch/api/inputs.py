"""GraphQL input types and their validation into service arguments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from credmatch.errors import InputError, PostingFormatError
from credmatch.postings import ListedRequirement, Posting, parse_jsonld, posting_from_fields
from credmatch.services.matching import CandidateFilter

MAX_TEXT = 20_000


@strawberry.input(name="CandidateFilter", description="Narrow the candidates; all must hold.")
class CandidateFilterInput:
    min_score: float | None = None
    all_required_met: bool | None = None
    verified_only: bool | None = None
    issuers: list[strawberry.ID] | None = None
    issued_after: datetime | None = None


@strawberry.input
class RequirementInput:
    text: str
    required: bool = True


@strawberry.input(description="A job posting; requirements are extracted when not given.")
class JobPostingInput:
    external_id: strawberry.ID = strawberry.field(
        description="Your own identifier for the posting, unique within your organisation "
        "(upserting it again replaces the posting)."
    )
    title: str
    description: str
    organization: str | None = None
    requirements: list[RequirementInput] | None = None


def to_filter(value: CandidateFilterInput | None) -> CandidateFilter:
    if value is None:
        return CandidateFilter()
    min_score = value.min_score or 0.0
    if not 0.0 <= min_score <= 1.0:
        raise InputError(f"filter.minScore is {min_score}; give a number between 0 and 1")
    return CandidateFilter(
        min_score=min_score,
        all_required_met=bool(value.all_required_met),
        verified_only=bool(value.verified_only),
        issuers=tuple(str(i) for i in value.issuers) if value.issuers else None,
        issued_after=value.issued_after.isoformat() if value.issued_after else None,
    )


def to_posting(value: JobPostingInput | None, jsonld: Any) -> Posting:
    if (value is None) == (jsonld is None):
        raise InputError("upsertJobPosting: give exactly one of `input` or `jsonld`")
    try:
        if jsonld is not None:
            if not isinstance(jsonld, dict):
                raise InputError("jsonld: a schema.org JobPosting JSON object was expected")
            return parse_jsonld(jsonld, source="api")
        assert value is not None
        return _from_fields(value)
    except PostingFormatError as e:
        raise InputError(f"the posting cannot be used: {e}") from e


def _from_fields(value: JobPostingInput) -> Posting:
    if not str(value.external_id).strip() or not value.title.strip():
        raise InputError("input.externalId and input.title must not be empty")
    if len(value.description) > MAX_TEXT:
        raise InputError(f"input.description is longer than {MAX_TEXT} characters")
    listed = [ListedRequirement(r.text, r.required) for r in value.requirements or ()]
    return posting_from_fields(
        str(value.external_id),
        value.title,
        value.description,
        value.organization,
        listed or None,
        source="api",
    )

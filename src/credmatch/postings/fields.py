"""A posting given as fields (an API's title, description and optional requirement list)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from credmatch.postings.identity import content_hash
from credmatch.postings.model import DEFAULT_WEIGHTS, Posting, Requirement, Weights
from credmatch.postings.parse import parse_text


@dataclass(frozen=True)
class ListedRequirement:
    """A requirement the poster listed themselves: its text, and whether it is required."""

    text: str
    required: bool = True


def posting_from_fields(
    posting_id: str,
    title: str,
    description: str,
    organization: str | None,
    listed: Sequence[ListedRequirement] | None,
    source: str,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Posting:
    """The posting ``# title`` + ``description`` as a text posting reads it; ``listed``, when
    given, replaces the requirements read from the description (a skill each, weighted as a
    required or preferred one; blank texts are dropped). Raises PostingFormatError."""
    parsed = parse_text(f"# {title}\n\n{description}", source, weights)
    requirements = _listed(listed, weights) if listed else parsed.requirements
    fields: dict[str, str | None] = {
        "id": posting_id,
        "title": title.strip(),
        "organization": organization,
        "description": parsed.description,
    }
    return Posting(
        id=posting_id,
        title=title.strip(),
        organization=organization,
        description=parsed.description,
        occupational_category=None,
        date_posted=None,
        valid_through=None,
        url=None,
        source=source,
        content_hash=content_hash(fields, requirements),
        requirements=requirements,
    )


def _listed(listed: Sequence[ListedRequirement], weights: Weights) -> tuple[Requirement, ...]:
    # Positions count the listed entries, blank ones included, as the poster numbered them.
    return tuple(
        Requirement(
            position=i,
            text=r.text.strip(),
            kind="skill",
            required=r.required,
            weight=weights.required if r.required else weights.preferred,
            section="requirements",
        )
        for i, r in enumerate(listed, start=1)
        if r.text.strip()
    )

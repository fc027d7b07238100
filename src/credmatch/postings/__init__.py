"""Job postings: parse JobPosting JSON-LD and plain-text postings into requirements."""

from credmatch.postings.fields import ListedRequirement, posting_from_fields
from credmatch.postings.model import (
    DEFAULT_WEIGHTS,
    Line,
    Posting,
    Requirement,
    Role,
    Section,
    Weights,
)
from credmatch.postings.parse import parse_jsonld, parse_posting, parse_text, read_postings
from credmatch.postings.requirements import extract_requirements

__all__ = [
    "DEFAULT_WEIGHTS",
    "Line",
    "ListedRequirement",
    "Posting",
    "Requirement",
    "Role",
    "Section",
    "Weights",
    "extract_requirements",
    "parse_jsonld",
    "parse_posting",
    "parse_text",
    "posting_from_fields",
    "read_postings",
]

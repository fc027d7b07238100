"""The shape of one hand-written job posting (rendered to schema.org JobPosting JSON-LD)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostingSpec:
    slug: str
    title: str
    org: str
    org_url: str
    locality: str
    country: str
    category: str  # ESCO occupation label
    posted: str
    valid_through: str
    employment: str
    about: str
    duties: tuple[str, ...]
    must: tuple[str, ...]
    nice: tuple[str, ...]
    benefits: tuple[str, ...]
    eeo: str = (
        "We are an equal opportunity employer and welcome applications from everyone, "
        "regardless of background, identity or disability."
    )
    must_heading: str = "Requirements"
    skills: tuple[str, ...] = ()
    qualifications: str | None = None
    salary: tuple[int, int, str, str] | None = None  # min, max, currency, unit
    remote: bool = False

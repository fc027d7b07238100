"""Render the hand-written postings as schema.org JobPosting JSON-LD."""

from __future__ import annotations

from html import escape
from typing import Any

from credmatch.seed.postings_spec import PostingSpec

POSTING_BASE = "https://jobs.credmatch.example/postings/"


def job_posting(spec: PostingSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": spec.org, "value": spec.slug},
        "url": POSTING_BASE + spec.slug,
        "title": spec.title,
        "hiringOrganization": {"@type": "Organization", "name": spec.org, "sameAs": spec.org_url},
        "datePosted": spec.posted,
        "validThrough": f"{spec.valid_through}T23:59:59Z",
        "employmentType": spec.employment,
        "occupationalCategory": spec.category,
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": spec.locality,
                "addressCountry": spec.country,
            },
        },
        "description": description_html(spec),
    }
    if spec.remote:
        doc["jobLocationType"] = "TELECOMMUTE"
    if spec.skills:
        doc["skills"] = ", ".join(spec.skills)
    if spec.qualifications:
        doc["qualifications"] = spec.qualifications
    if spec.salary:
        low, high, currency, unit = spec.salary
        doc["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": low,
                "maxValue": high,
                "unitText": unit,
            },
        }
    return doc


def description_html(spec: PostingSpec) -> str:
    parts = [
        f"<h2>About us</h2><p>{escape(spec.about)}</p>",
        _section("What you'll do", spec.duties),
        _section(spec.must_heading, spec.must),
        _section("Nice to have", spec.nice),
        _section("Benefits", spec.benefits),
        f"<p><em>{escape(spec.eeo)}</em></p>",
    ]
    return "\n".join(parts)


def _section(heading: str, items: tuple[str, ...]) -> str:
    bullets = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<h3>{escape(heading)}</h3><ul>{bullets}</ul>"

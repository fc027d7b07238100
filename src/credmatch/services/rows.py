"""Turning parsed credentials and catalog entries into the row maps the loaders UNWIND."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from credmatch.credentials.model import AchievementInfo, Association, Report, verdict

# Achievement/Requirement text is embedded; the hash tells when the text changed.
_HOURS_TAG = re.compile(r"^hours?:(\d+(?:\.\d+)?)$", re.IGNORECASE)
# CLR association types that mean "source is part of target".
_PART_OF = {"isPartOf", "isChildOf"}
_HAS_PART = {"isParentOf"}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def achievement_text(name: str | None, description: str | None) -> str:
    """What an achievement is embedded from: its name and what the issuer says it certifies."""
    return ". ".join(part.strip() for part in (name, description) if part and part.strip())


def compact(props: dict[str, Any]) -> dict[str, Any]:
    """Drop missing values so a sparse record never erases what a fuller one stored."""
    return {k: v for k, v in props.items() if v is not None and v != [] and v != ""}


def hours_from_tags(tags: tuple[str, ...]) -> float | None:
    for tag in tags:
        match = _HOURS_TAG.match(tag.strip())
        if match:
            return float(match.group(1))
    return None


def achievement_row(
    info: AchievementInfo, issuer: str, hours: float | None = None
) -> dict[str, Any]:
    text = achievement_text(info.name, info.description or info.criteria)
    props = compact(
        {
            "name": info.name,
            "description": info.description,
            "criteria": info.criteria,
            "achievementType": info.achievement_type,
            "credits": info.credits_available,
            "hours": hours if hours is not None else hours_from_tags(info.tags),
            "fieldOfStudy": info.field_of_study,
            "tags": [t for t in info.tags if not _HOURS_TAG.match(t)],
        }
    )
    return {"id": info.id, "issuer": issuer, "props": props, "textHash": text_hash(text)}


def alignment_rows(info: AchievementInfo) -> list[dict[str, Any]]:
    return [
        {
            "achievement": info.id,
            "uri": a.target_url,
            "label": a.target_name,
            "framework": a.target_framework,
        }
        for a in info.alignments
        if a.target_url
    ]


def stack_rows(associations: tuple[Association, ...]) -> list[dict[str, str]]:
    rows = []
    for assoc in associations:
        if assoc.association_type in _PART_OF:
            rows.append({"source": assoc.source_id, "target": assoc.target_id})
        elif assoc.association_type in _HAS_PART:
            rows.append({"source": assoc.target_id, "target": assoc.source_id})
    return rows


def graph_verdict(report: Report) -> str:
    """The stored verdict: like the verifier's, but a status that could not be checked
    (the list is not in the store) makes a credential unverifiable, not verified."""
    result = verdict(report)
    status = report.check("status")
    has_status = bool(report.credential and report.credential.status_entries)
    if result == "verified" and has_status and status is not None and status.ok is None:
        return "unverifiable"
    return result


def credential_row(report: Report, checked_at: str) -> dict[str, Any]:
    cred = report.credential
    assert cred is not None and cred.achievement is not None
    issuer_check = report.check("issuer")
    reasons = [f"{c.name}: {c.detail}" for c in report.checks if c.ok is not True]
    props = compact(
        {
            "verdict": graph_verdict(report),
            "reasons": reasons,
            "proofSuite": cred.proof_suite,
            "checkedAt": checked_at,
            "validFrom": cred.valid_from.isoformat() if cred.valid_from else None,
            "validUntil": cred.valid_until.isoformat() if cred.valid_until else None,
            # Epoch seconds, indexed: the expiry sweep finds what has run out since checking.
            "expiresAt": int(cred.valid_until.timestamp()) if cred.valid_until else None,
            "issued": cred.issued.isoformat() if cred.issued else None,
        }
    )
    props["issuerTrusted"] = bool(issuer_check and issuer_check.ok)
    return {
        "id": credential_id(report),
        "learner": cred.subject_id,
        "achievement": cred.achievement.id,
        "issuer": cred.issuer.id,
        "props": {**props, "issuerId": cred.issuer.id},
    }


def credential_id(report: Report) -> str:
    """The credential's id, or for one without an id a stable id from its content."""
    if report.credential and report.credential.id:
        return report.credential.id
    raw = repr(sorted(report.credential.raw.items())) if report.credential else report.source
    return "urn:credmatch:credential:" + text_hash(raw)[:32]

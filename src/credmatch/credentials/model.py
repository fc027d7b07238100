"""What verifying a credential produces: checks, reports and the parsed credential."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CHECK_NAMES = (
    "proof",
    "key_binding",
    "context",
    "validity_period",
    "status",
    "issuer",
    "schema",
)
REQUIRED_TRUE = ("proof", "key_binding", "context", "validity_period", "schema")
TRUE_OR_UNKNOWN = ("status", "issuer")


@dataclass(frozen=True)
class Check:
    """One named check: ok is True (passed), False (failed) or None (could not be decided).

    ``code`` is a short machine-readable reason (e.g. ``expired``, ``revoked``,
    ``key_unresolved``) that ``verdict`` uses; it is not part of the JSON report.
    """

    name: str
    ok: bool | None
    detail: str
    code: str = ""


@dataclass(frozen=True)
class IssuerInfo:
    id: str | None
    name: str | None
    url: str | None
    type: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    target_url: str | None
    target_name: str | None
    target_framework: str | None
    target_code: str | None


@dataclass(frozen=True)
class AchievementInfo:
    id: str | None
    name: str | None
    description: str | None
    criteria: str | None
    achievement_type: str | None
    credits_available: float | None
    field_of_study: str | None
    tags: tuple[str, ...]
    result_description: tuple[str, ...]
    alignments: tuple[Alignment, ...]


@dataclass(frozen=True)
class ResultInfo:
    result_description: str | None
    value: str | None
    status: str | None
    achieved_level: str | None


@dataclass(frozen=True)
class StatusEntry:
    type: str
    purpose: str | None
    list_url: str | None
    index: int | None


@dataclass(frozen=True)
class Association:
    association_type: str
    source_id: str
    target_id: str


@dataclass(frozen=True)
class ParsedCredential:
    id: str | None
    types: tuple[str, ...]
    issuer: IssuerInfo
    subject_id: str | None
    subject_identity_type: str | None
    achievement: AchievementInfo | None
    results: tuple[ResultInfo, ...]
    valid_from: datetime | None
    valid_until: datetime | None
    issued: datetime | None
    proof_suite: str
    status_entries: tuple[StatusEntry, ...]
    associations: tuple[Association, ...]
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Report:
    source: str
    id: str | None
    valid: bool
    checks: tuple[Check, ...]
    credential: ParsedCredential | None
    # achievement, clr, endorsement or generic (any other W3C VC); None when not a credential.
    kind: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON line for this report."""
        return {
            "source": self.source,
            "id": self.id,
            "valid": self.valid,
            "kind": self.kind,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }

    def check(self, name: str) -> Check | None:
        """The check called ``name``, if it was run."""
        return next((c for c in self.checks if c.name == name), None)


def is_valid(checks: tuple[Check, ...], strict: bool) -> bool:
    """The CLI contract: required checks true, status/issuer true or null (true when strict)."""
    by_name = {c.name: c.ok for c in checks}
    if any(c.ok is False for c in checks):
        return False
    if any(by_name.get(n) is not True for n in REQUIRED_TRUE):
        return False
    return not strict or all(by_name.get(n) is True for n in TRUE_OR_UNKNOWN)


# Proof failures that mean "we could not check", not "this was tampered with".
UNVERIFIABLE_CODES = frozenset(
    {"no_proof", "key_unresolved", "unsupported_suite", "document_missing"}
)


def verdict(report: Report) -> str:
    """The graph's verdict.

    One of verified, expired, revoked, suspended, not_yet_valid, unverifiable, invalid.
    """
    failed = {c.name: c for c in report.checks if c.ok is False}
    for name in ("format", "schema", "context"):
        if name in failed and failed[name].code not in UNVERIFIABLE_CODES:
            return "invalid"
    proof = failed.get("proof")
    if proof is not None and proof.code not in UNVERIFIABLE_CODES:
        return "invalid"
    if "key_binding" in failed:  # signed, but not by a key of the issuer
        return "invalid"
    status = failed.get("status")
    if status is not None:
        return "suspended" if status.code == "suspended" else "revoked"
    period = failed.get("validity_period")
    if period is not None:
        return "not_yet_valid" if period.code == "not_yet_valid" else "expired"
    if proof is not None or failed:
        return "unverifiable"
    return "verified" if report.valid else "unverifiable"

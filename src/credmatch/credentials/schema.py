"""The ``schema`` check: required fields and the type values 1EdTech's schema probes enforce."""

from __future__ import annotations

from typing import Any

from credmatch.credentials.model import Check
from credmatch.credentials.parse import as_list, as_strings, parse_time

VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

SUBJECT_TYPE = {
    "OpenBadgeCredential": "AchievementSubject",
    "AchievementCredential": "AchievementSubject",
    "EndorsementCredential": "EndorsementSubject",
    "ClrCredential": "ClrSubject",
}
# Property name -> the type value every object under it must carry (OB 3.0 / CLR 2.0 data model).
PROPERTY_TYPE = {
    "issuer": "Profile",
    "source": "Profile",
    "parentOrg": "Profile",
    "creator": "Profile",
    "otherIdentifier": "IdentifierEntry",
    "identifier": "IdentityObject",
    "result": "Result",
    "resultDescription": "ResultDescription",
    "rubricCriterionLevel": "RubricCriterionLevel",
    "evidence": "Evidence",
    "alignment": "Alignment",
    "achievement": "Achievement",
    "association": "Association",
}
# Nested credentials are checked on their own; status and proofs have their own checks.
SKIP = frozenset(
    {
        "verifiableCredential",
        "credentialStatus",
        "proof",
        "@context",
        "endorsement",
        "credentialSchema",
        "refreshService",
        "termsOfUse",
    }
)


def check_schema(doc: dict[str, Any]) -> Check:
    """What the graph needs (issuer, subject, achievement) and correct type values."""
    problems = _envelope(doc) + _subject(doc)
    _walk(doc, "", problems)
    if problems:
        return Check("schema", False, "; ".join(problems[:6]), "schema")
    return Check("schema", True, "required fields present and type values correct")


def credential_kind(doc: dict[str, Any]) -> str | None:
    types = as_strings(doc.get("type"))
    return next((t for t in SUBJECT_TYPE if t in types), None)


def _envelope(doc: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    types = as_strings(doc.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("type must include VerifiableCredential")
    if credential_kind(doc) is None:
        problems.append(
            f"type {list(types)} names no Open Badges / CLR credential type "
            f"({', '.join(SUBJECT_TYPE)})"
        )
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        problems.append("issuer is missing or has no id")
    v2 = VC2_CONTEXT in as_strings(doc.get("@context"))
    start = "validFrom" if v2 else "issuanceDate"
    if v2 and "issuanceDate" in doc and "validFrom" not in doc:
        start = "issuanceDate"
    if start not in doc and not v2:
        problems.append(f"{start} is required")
    for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate", "awardedDate"):
        if name in doc and parse_time(doc[name]) is None:
            problems.append(f"{name} {doc[name]!r} is not an XSD dateTime")
    return problems


def _subject(doc: dict[str, Any]) -> list[str]:
    subjects = as_list(doc.get("credentialSubject"))
    if not subjects or not all(isinstance(s, dict) for s in subjects):
        return ["credentialSubject is missing or not an object"]
    kind = credential_kind(doc)
    problems: list[str] = []
    for subject in subjects:
        expected = SUBJECT_TYPE.get(kind or "")
        if expected and expected not in as_strings(subject.get("type")):
            problems.append(
                f"credentialSubject.type {subject.get('type')!r} must include {expected}"
            )
        if kind in ("OpenBadgeCredential", "AchievementCredential"):
            problems.extend(_achievement_subject(subject))
        if kind == "ClrCredential" and not as_list(subject.get("verifiableCredential")):
            problems.append("ClrSubject has no verifiableCredential")
    return problems


def _achievement_subject(subject: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if "id" not in subject and not as_list(subject.get("identifier")):
        problems.append("credentialSubject needs an id or an identifier (IdentityObject)")
    for ident in as_list(subject.get("identifier")):
        if isinstance(ident, dict) and not all(
            k in ident for k in ("identityHash", "identityType", "hashed")
        ):
            problems.append("identifier needs identityHash, identityType and hashed")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        return [*problems, "credentialSubject.achievement is missing"]
    if not achievement.get("name"):
        problems.append("achievement has no name")
    if not achievement.get("description") and not achievement.get("criteria"):
        problems.append("achievement needs a description or criteria")
    return problems


def _walk(node: Any, path: str, problems: list[str]) -> None:
    # Only objects and arrays can hold problems, so paths are built for those alone.
    if isinstance(node, list):
        for n, item in enumerate(node):
            if isinstance(item, (dict, list)):
                _walk(item, f"{path}[{n}]", problems)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in SKIP:
            continue
        expected = PROPERTY_TYPE.get(key)
        if key == "identifier" and not _is_subject_path(path):
            expected = "IdentifierEntry"  # achievements and profiles use IdentifierEntry
        if expected:
            where = f"{path}.{key}" if path else key
            for n, item in enumerate(as_list(value)):
                if isinstance(item, dict) and expected not in as_strings(item.get("type")):
                    problems.append(
                        f"{where}[{n}].type {item.get('type')!r} must include {expected}"
                    )
        if isinstance(value, (dict, list)):
            _walk(value, f"{path}.{key}" if path else key, problems)


def _is_subject_path(path: str) -> bool:
    return path.rsplit(".", 1)[-1].split("[", 1)[0] == "credentialSubject"

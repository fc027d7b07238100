"""The ``schema`` check: the VC data model's required structure (VCDM 1.1 and 2.0) for any
credential, plus Open Badges 3.0 / CLR 2.0 rules and the type values 1EdTech's schema probes
enforce when it carries one of their credential types."""

from __future__ import annotations

from typing import Any

from credmatch.credentials.canonical import is_absolute_iri
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
# Open Badges / CLR credential type -> the report's ``kind``; any other VC is "generic".
KINDS = {
    "OpenBadgeCredential": "achievement",
    "AchievementCredential": "achievement",
    "EndorsementCredential": "endorsement",
    "ClrCredential": "clr",
}
# VCDM properties whose objects must name a type (credentialSchema also an id).
TYPED_PROPERTIES = ("credentialStatus", "credentialSchema", "refreshService", "termsOfUse")
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
    """The VC structure of any credential; for OB 3.0 / CLR 2.0 types also what the graph
    needs (issuer, subject, achievement) and their type values."""
    problems = _envelope(doc)
    kind = credential_kind(doc)
    if kind is not None:
        problems += _subject(doc)
        _walk(doc, "", problems)
    if problems:
        return Check("schema", False, "; ".join(problems[:6]), "schema")
    if kind is None:
        return Check("schema", True, "VC data model structure complete (a generic credential)")
    return Check("schema", True, "required fields present and type values correct")


def credential_kind(doc: dict[str, Any]) -> str | None:
    """The Open Badges / CLR credential type ``doc`` carries, None for any other VC."""
    types = as_strings(doc.get("type"))
    return next((t for t in SUBJECT_TYPE if t in types), None)


def kind_of(doc: dict[str, Any]) -> str:
    """achievement, clr, endorsement or generic (any other W3C VC)."""
    return KINDS.get(credential_kind(doc) or "", "generic")


def _envelope(doc: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    types = as_strings(doc.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("type must include VerifiableCredential")
    if "id" in doc and not _is_url(doc["id"]):
        problems.append(f"id {doc['id']!r} is not a URL")
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        problems.append("issuer is missing or has no id")
    elif not _is_url(issuer_id):
        problems.append(f"issuer id {issuer_id!r} is not a URL")
    problems += _dates(doc) + _typed_objects(doc)
    subjects = as_list(doc.get("credentialSubject"))
    if not subjects or not all(isinstance(x, dict) for x in subjects):
        problems.append("credentialSubject is missing or not an object")
    elif any(not x for x in subjects):
        problems.append("credentialSubject is an empty object (it must make a claim)")
    return problems


def _dates(doc: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    v2 = VC2_CONTEXT in as_strings(doc.get("@context"))
    if not v2 and "issuanceDate" not in doc:
        problems.append("issuanceDate is required")
    for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate", "awardedDate"):
        if name in doc and parse_time(doc[name]) is None:
            problems.append(f"{name} {doc[name]!r} is not an XSD dateTime")
    start, end = parse_time(doc.get("validFrom")), parse_time(doc.get("validUntil"))
    if start is not None and end is not None and end < start:
        problems.append(f"validUntil {doc['validUntil']} is before validFrom {doc['validFrom']}")
    return problems


def _typed_objects(doc: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name in TYPED_PROPERTIES:
        for n, item in enumerate(as_list(doc.get(name))):
            if not isinstance(item, dict) or not as_strings(item.get("type")):
                problems.append(f"{name}[{n}] must be an object with a type")
            elif name == "credentialSchema" and not _is_url(item.get("id")):
                problems.append(f"{name}[{n}] must have an id URL")
    return problems


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and is_absolute_iri(value) and not value.startswith("_:")


def _subject(doc: dict[str, Any]) -> list[str]:
    subjects = [x for x in as_list(doc.get("credentialSubject")) if isinstance(x, dict)]
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

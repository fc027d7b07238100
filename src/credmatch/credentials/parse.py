"""Read the fields the skills graph needs out of an OB 3.0 / CLR 2.0 credential dict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credmatch.credentials.model import (
    AchievementInfo,
    Alignment,
    Association,
    IssuerInfo,
    ParsedCredential,
    ResultInfo,
    StatusEntry,
)


def parse_credential(doc: dict[str, Any], proof_suite: str = "") -> ParsedCredential:
    """A ParsedCredential; missing or malformed fields become None / empty (schema reports them)."""
    subject = first_subject(doc)
    subject_id, identity_type = _subject_identity(subject)
    return ParsedCredential(
        id=_str(doc.get("id")),
        types=as_strings(doc.get("type")),
        issuer=_issuer(doc.get("issuer")),
        subject_id=subject_id,
        subject_identity_type=identity_type,
        achievement=_achievement(subject.get("achievement")),
        results=tuple(_result(r) for r in as_list(subject.get("result")) if isinstance(r, dict)),
        valid_from=parse_time(doc.get("validFrom", doc.get("issuanceDate"))),
        valid_until=parse_time(doc.get("validUntil", doc.get("expirationDate"))),
        issued=parse_time(doc.get("awardedDate", doc.get("issuanceDate", doc.get("validFrom")))),
        proof_suite=proof_suite or suite_names(doc),
        status_entries=tuple(
            _status(s) for s in as_list(doc.get("credentialStatus")) if isinstance(s, dict)
        ),
        associations=tuple(
            a
            for a in (_association(x) for x in as_list(subject.get("association")))
            if a is not None
        ),
        raw=doc,
    )


def first_subject(doc: dict[str, Any]) -> dict[str, Any]:
    subjects = [s for s in as_list(doc.get("credentialSubject")) if isinstance(s, dict)]
    return subjects[0] if subjects else {}


def issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    return _str(issuer.get("id")) if isinstance(issuer, dict) else _str(issuer)


def suite_names(doc: dict[str, Any]) -> str:
    names = []
    for proof in as_list(doc.get("proof")):
        if isinstance(proof, dict):
            names.append(str(proof.get("cryptosuite") or proof.get("type") or "?"))
    return ",".join(names)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in as_list(value) if isinstance(v, str))


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from an XSD dateTime string; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    # Language maps and multilingual arrays: take the first plain string.
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value.get("@value")) or next(
            (v for v in value.values() if isinstance(v, str)), None
        )
    if isinstance(value, list):
        return next((t for t in (_text(v) for v in value) if t), None)
    return None


def _issuer(value: Any) -> IssuerInfo:
    if isinstance(value, dict):
        return IssuerInfo(
            id=_str(value.get("id")),
            name=_text(value.get("name")),
            url=_str(value.get("url")),
            type=as_strings(value.get("type")),
        )
    return IssuerInfo(id=_str(value), name=None, url=None, type=())


def _subject_identity(subject: dict[str, Any]) -> tuple[str | None, str | None]:
    if isinstance(subject.get("id"), str):
        return subject["id"], "id"
    for ident in as_list(subject.get("identifier")):
        if isinstance(ident, dict) and isinstance(ident.get("identityHash"), str):
            return ident["identityHash"], _str(ident.get("identityType"))
    return None, None


def parse_achievement(value: Any) -> AchievementInfo:
    """An OB 3.0 Achievement object (as in a catalog); raises ValueError when it is not one."""
    info = _achievement(value)
    if info is None:
        raise ValueError("an achievement must be a JSON object")
    return info


def _achievement(value: Any) -> AchievementInfo | None:
    if not isinstance(value, dict):
        return None
    criteria = value.get("criteria")
    credits = value.get("creditsAvailable")
    return AchievementInfo(
        id=_str(value.get("id")),
        name=_text(value.get("name")),
        description=_text(value.get("description")),
        criteria=_text(criteria.get("narrative")) or _str(criteria.get("id"))
        if isinstance(criteria, dict)
        else None,
        achievement_type=_str(value.get("achievementType")),
        credits_available=float(credits)
        if isinstance(credits, (int, float)) and not isinstance(credits, bool)
        else None,
        field_of_study=_text(value.get("fieldOfStudy")),
        tags=as_strings(value.get("tag")),
        result_description=tuple(
            n
            for n in (
                _text(r.get("name"))
                for r in as_list(value.get("resultDescription"))
                if isinstance(r, dict)
            )
            if n
        ),
        alignments=tuple(
            _alignment(a) for a in as_list(value.get("alignment")) if isinstance(a, dict)
        ),
    )


def _alignment(value: dict[str, Any]) -> Alignment:
    return Alignment(
        target_url=_str(value.get("targetUrl")),
        target_name=_text(value.get("targetName")),
        target_framework=_text(value.get("targetFramework")),
        target_code=_str(value.get("targetCode")),
    )


def _result(value: dict[str, Any]) -> ResultInfo:
    return ResultInfo(
        result_description=_str(value.get("resultDescription")),
        value=_str(value.get("value")),
        status=_str(value.get("status")),
        achieved_level=_str(value.get("achievedLevel")),
    )


def _status(value: dict[str, Any]) -> StatusEntry:
    index = value.get("statusListIndex")
    try:
        parsed_index = int(index) if index is not None and not isinstance(index, bool) else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON Infinity
        parsed_index = None
    return StatusEntry(
        type=str(value.get("type") or ""),
        purpose=_str(value.get("statusPurpose")),
        list_url=_str(value.get("statusListCredential")) or _str(value.get("id")),
        index=parsed_index,
    )


def _association(value: Any) -> Association | None:
    if not isinstance(value, dict):
        return None
    kind, source, target = (
        value.get("associationType"),
        value.get("sourceId"),
        value.get("targetId"),
    )
    if isinstance(kind, str) and isinstance(source, str) and isinstance(target, str):
        return Association(kind, source, target)
    return None

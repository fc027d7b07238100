"""Build, sign and (for the deliberately bad ones) spoil the seed's credentials."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.signing import (
    bitstring_status_list_credential,
    sign_data_integrity,
    sign_vc_jwt,
)
from credmatch.seed.catalog import CatalogEntry
from credmatch.seed.identities import IssuerIdentity
from credmatch.seed.plan import Award, Learner

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
STATUS_LIST_ISSUED = "2026-10-01T00:00:00Z"
# Issuers whose badge platforms embed a short achievement (no alignment[]): consumers must
# look the full definition up in the catalog by achievement id, as they must in real life.
SHORT_ACHIEVEMENT_ISSUERS = frozenset(
    {"launchpad", "opencoursehub", "ironworks", "lingua-viva", "meridian-health", "gsab"}
)


@dataclass(frozen=True)
class Issued:
    award: Award
    id: str
    # A signed JSON credential, or a compact VC-JWT string.
    credential: dict[str, Any] | str


def timestamp(day: date, hour: int = 14) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def status_index(award: Award) -> int:
    # Award numbers are unique across the seed, so they are unique within each issuer's list.
    return award.number


def unsigned_credential(award: Award, entry: CatalogEntry) -> dict[str, Any]:
    issuer = entry.issuer
    dropped = (
        {"creator", "alignment"} if issuer.spec.slug in SHORT_ACHIEVEMENT_ISSUERS else {"creator"}
    )
    achievement = {k: v for k, v in entry.achievement.items() if k not in dropped}
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if award.learner.identity is None:
        subject["id"] = award.learner.subject_id
    else:
        subject["identifier"] = [award.learner.identity]
    subject["achievement"] = achievement
    doc: dict[str, Any] = {
        "@context": [VC2_CONTEXT, OB_CONTEXT],
        "id": issuer.spec.credential_url(award.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.profile(),
        "validFrom": timestamp(award.issued),
    }
    if award.valid_until is not None:
        doc["validUntil"] = timestamp(award.valid_until, 23)
    doc["name"] = entry.spec.name
    doc["credentialSubject"] = subject
    if issuer.spec.status_list:
        url = issuer.spec.status_list_url
        index = status_index(award)
        doc["credentialStatus"] = {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": url,
        }
    return doc


def issue(
    award: Award, entry: CatalogEntry, documents: DocumentStore, others: list[Learner]
) -> Issued:
    """The signed credential for ``award``, tampered after signing when the plan says so."""
    doc = unsigned_credential(award, entry)
    issuer = entry.issuer
    signed: dict[str, Any] | str
    if award.form == "jwt":
        signed = sign_vc_jwt(doc, issuer.key, issuer.verification_method)
    else:
        signed = sign_data_integrity(
            doc,
            issuer.key,
            issuer.verification_method,
            award.form,
            timestamp(award.issued),
            documents,
        )
    if award.trouble == "tampered":
        signed = tamper(signed, award, others)
    return Issued(award, str(doc["id"]), signed)


def tamper(
    signed: dict[str, Any] | str, award: Award, others: list[Learner]
) -> dict[str, Any] | str:
    """Change one field after signing, the way a forger would; the proof no longer matches."""
    if isinstance(signed, str):
        header, payload, signature = signed.split(".")
        claims = json.loads(_b64decode(payload))
        claims["vc"]["name"] = claims["vc"]["name"] + " - Expert Level"
        claims["vc"]["credentialSubject"]["achievement"]["name"] = claims["vc"]["name"]
        return ".".join((header, _b64encode(json.dumps(claims, separators=(",", ":"))), signature))
    doc: dict[str, Any] = json.loads(json.dumps(signed))
    variant = award.number % 4
    if variant == 0:
        doc["credentialSubject"]["achievement"]["name"] += " (Advanced)"
    elif variant == 1:
        doc["validFrom"] = doc["validFrom"].replace(
            doc["validFrom"][:4], str(int(doc["validFrom"][:4]) - 2)
        )
    elif variant == 2:
        # Someone else's credential with the subject swapped for the forger's DID.
        thief = next(
            lr for lr in others if lr.identity is None and lr.number != award.learner.number
        )
        doc["credentialSubject"].pop("identifier", None)
        doc["credentialSubject"]["id"] = thief.subject_id
    else:
        doc["credentialSubject"]["achievement"]["description"] += " Graduated with distinction."
    return doc


def status_list(
    issuer: IssuerIdentity, revoked: Iterable[int], documents: DocumentStore
) -> dict[str, Any]:
    url = issuer.spec.status_list_url
    doc = bitstring_status_list_credential(url, issuer.did, revoked)
    doc["validFrom"] = STATUS_LIST_ISSUED
    return sign_data_integrity(
        doc, issuer.key, issuer.verification_method, "eddsa-jcs-2022", STATUS_LIST_ISSUED, documents
    )


def clr(
    learner: Learner,
    parent: CatalogEntry,
    parts: list[tuple[CatalogEntry, Issued]],
    documents: DocumentStore,
) -> dict[str, Any]:
    """A CLR 2.0 ClrCredential from the parent's issuer wrapping a learner's stacked badges."""
    issuer = parent.issuer
    issued_on = max(i.award.issued for _, i in parts)
    subject: dict[str, Any] = {"type": ["ClrSubject"]}
    if learner.identity is None:
        subject["id"] = learner.subject_id
    else:
        subject["identifier"] = [learner.identity]
    subject["verifiableCredential"] = [i.credential for _, i in parts]
    subject["achievement"] = [e.achievement for e, _ in parts]
    subject["association"] = [
        {
            "type": "Association",
            "associationType": "isPartOf",
            "sourceId": e.id,
            "targetId": parent.id,
        }
        for e, _ in parts
        if e.id != parent.id
    ]
    doc: dict[str, Any] = {
        "@context": [VC2_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        "id": f"https://{issuer.spec.domain}/clr/{learner.number:05d}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer.profile(),
        "validFrom": timestamp(issued_on, 16),
        "name": f"{parent.spec.name}: Comprehensive Learner Record",
        "description": f"Transcript of the credentials that make up the {parent.spec.name}.",
        "credentialSubject": subject,
    }
    return sign_data_integrity(
        doc,
        issuer.key,
        issuer.verification_method,
        "eddsa-rdfc-2022",
        timestamp(issued_on, 16),
        documents,
    )


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")

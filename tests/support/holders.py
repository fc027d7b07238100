"""Seed learners as holders: their private keys are derived from the seed (seed/identities.py),
so tests can sign presentations as a seed learner over their own seed credentials."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credmatch.credentials.presenting import presentation, sign_presentation
from credmatch.credentials.signing import did_key_verification_method
from credmatch.seed.identities import learner_did, learner_key

SEED = Path(__file__).resolve().parents[2] / "graph_seed"
LEARNERS = 1000


@dataclass(frozen=True)
class Holder:
    number: int
    did: str
    key: Ed25519PrivateKey
    credentials: tuple[Any, ...]  # seed credentials about this learner (objects or VC-JWTs)

    @property
    def method(self) -> str:
        return did_key_verification_method(self.did)

    def sign(
        self, challenge: str, domain: str, credentials: list[Any] | None = None, **options: Any
    ) -> dict[str, Any]:
        """A presentation of ``credentials`` (default: all of this holder's) signed by them."""
        creds = list(self.credentials) if credentials is None else credentials
        vp = presentation(self.did, creds, vc1=options.pop("vc1", False))
        return sign_presentation(
            vp, self.key, self.method, challenge=challenge, domain=domain, **options
        )


def subject_of(doc: Any) -> str | None:
    if isinstance(doc, str):
        payload = doc.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        sub = claims.get("sub")
        return sub if isinstance(sub, str) else None
    subject = doc.get("credentialSubject")
    return subject.get("id") if isinstance(subject, dict) else None


@lru_cache(maxsize=1)
def seed_holders() -> dict[str, Holder]:
    """Every did:key seed learner with at least one seed credential, by DID."""
    numbers = {learner_did(n): n for n in range(1, LEARNERS + 1)}
    found: dict[str, list[Any]] = {}
    for path in sorted((SEED / "credentials").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                subject = subject_of(doc)
                if subject in numbers:
                    found.setdefault(subject, []).append(doc)
    return {
        did: Holder(numbers[did], did, learner_key(numbers[did]), tuple(docs))
        for did, docs in found.items()
    }


def holder_with(count: int, skip: int = 0) -> Holder:
    """A seed holder with at least ``count`` credentials (the ``skip``-th such, by number)."""
    eligible = sorted(
        (h for h in seed_holders().values() if len(h.credentials) >= count),
        key=lambda h: h.number,
    )
    return eligible[skip]


def reissue(credential: dict[str, Any], subject: str, serial: str) -> dict[str, Any]:
    """A seed credential re-issued by its (seed, did:key) issuer to ``subject``: the same
    achievement, a new id, no status entry, signed eddsa-jcs-2022 with the issuer's seed key."""
    from credmatch.credentials.documents import DocumentStore
    from credmatch.credentials.signing import sign_data_integrity
    from credmatch.seed.identities import issuer_identity
    from credmatch.seed.issuers import ISSUERS

    issuer = credential["issuer"]["id"]
    identity = next(i for i in map(issuer_identity, ISSUERS) if i.did == issuer)
    doc = {k: v for k, v in credential.items() if k not in ("proof", "credentialStatus")}
    doc["id"] = f"urn:uuid:{serial}"
    doc["credentialSubject"] = {**doc["credentialSubject"], "id": subject}
    return sign_data_integrity(
        doc,
        identity.key,
        identity.verification_method,
        "eddsa-jcs-2022",
        "2026-01-05T00:00:00Z",
        DocumentStore(),
    )


def reissuable(count: int) -> list[dict[str, Any]]:
    """``count`` verified-looking seed credentials from did:key issuers (JSON objects, no
    expiry), each for a different achievement."""
    from credmatch.seed.identities import issuer_identity
    from credmatch.seed.issuers import ISSUERS

    trusted = [i for i in map(issuer_identity, ISSUERS) if i.spec.trusted]
    did_keys = {i.did for i in trusted if i.did.startswith("did:key:")}
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for holder in sorted(seed_holders().values(), key=lambda h: h.number):
        for doc in holder.credentials:
            if not isinstance(doc, dict) or doc["issuer"]["id"] not in did_keys:
                continue
            achievement = doc["credentialSubject"]["achievement"]["id"]
            if achievement in seen or "validUntil" in doc:
                continue
            seen.add(achievement)
            out.append(doc)
            if len(out) == count:
                return out
    raise LookupError(f"fewer than {count} reissuable seed credentials")

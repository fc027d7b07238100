"""Issue fresh credentials for tests with signing.py (real keys, real proofs)."""

from __future__ import annotations

import copy
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore

CREATED = "2024-01-01T00:00:00Z"


def seed_key(n: int) -> Ed25519PrivateKey:
    return signing.keypair_from_seed(bytes([n]) * 32)


def badge(issuer: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b6a0f0e-1111-4c4c-9c9c-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test Issuer"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Python Badge",
        "credentialSubject": {
            "id": "did:example:learner1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/python",
                "type": ["Achievement"],
                "name": "Python programming",
                "description": "Writes and tests Python programs.",
                "criteria": {"narrative": "Passed the assessment."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Python (computer programming)",
                        "targetUrl": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
                        "targetFramework": "ESCO",
                        "targetCode": "ccd0a1d9",
                    }
                ],
            },
        },
    }
    doc.update(copy.deepcopy(extra))
    return doc


def did_key_signed(
    doc: dict[str, Any], key: Ed25519PrivateKey, suite: str, store: DocumentStore
) -> dict[str, Any]:
    did = signing.did_key(key.public_key())
    return signing.sign_data_integrity(
        doc, key, signing.did_key_verification_method(did), suite, CREATED, store
    )

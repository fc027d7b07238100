"""Deterministic keys and DIDs for the seed's issuers and learners."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credmatch.credentials.signing import (
    did_key,
    did_key_verification_method,
    keypair_from_seed,
    multikey_document,
)
from credmatch.seed.issuers import IssuerSpec


def seed_bytes(label: str) -> bytes:
    return hashlib.sha256(label.encode("utf-8")).digest()


@dataclass(frozen=True)
class IssuerIdentity:
    spec: IssuerSpec
    key: Ed25519PrivateKey
    did: str
    verification_method: str
    # The did:web DID document, published in the seed's document store; None for did:key.
    did_document: dict[str, Any] | None

    def profile(self) -> dict[str, Any]:
        """The OB 3.0 Profile that goes in a credential's ``issuer``."""
        return {
            "id": self.did,
            "type": ["Profile"],
            "name": self.spec.name,
            "url": self.spec.url,
        }


def issuer_identity(spec: IssuerSpec) -> IssuerIdentity:
    key = keypair_from_seed(seed_bytes(spec.key_seed_label))
    public = key.public_key()
    if spec.did_web:
        did = f"did:web:{spec.domain}"
        document = multikey_document(did, public)
        return IssuerIdentity(spec, key, did, document["assertionMethod"][0], document)
    did = did_key(public)
    return IssuerIdentity(spec, key, did, did_key_verification_method(did), None)


def learner_key(number: int) -> Ed25519PrivateKey:
    """Seed learner ``number``'s private key (deterministic: tests and demos sign as them)."""
    return keypair_from_seed(seed_bytes(f"credmatch-seed/learner/{number}"))


def learner_did(number: int) -> str:
    return did_key(learner_key(number).public_key())


def identity_object(number: int) -> dict[str, Any]:
    """An OB 3.0 IdentityObject: a salted sha256 of the learner's e-mail address."""
    salt = hashlib.sha256(f"credmatch-seed/salt/{number}".encode()).hexdigest()[:16]
    email = f"learner{number:05d}@mail.example"
    digest = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }

"""Build and sign Verifiable Presentations: the holder's half of what ``presentation`` checks.

For tests, benchmarks, the demo and ``scripts/sign_presentation.py``; a learner's wallet does
the same. Keys are handled in memory only.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import encode_base58btc
from credmatch.credentials.signing import hash_data, sign_jws

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"  # VCDM 1.1 lacks it
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020")


def presentation(holder: str, credentials: list[Any], *, vc1: bool = False) -> dict[str, Any]:
    """An unsigned presentation by ``holder`` of ``credentials`` (objects or VC-JWT strings).

    VC-JWTs go in as VC-JOSE-COSE ``EnvelopedVerifiableCredential`` data: URLs (VCDM 2.0) or
    as strings (VCDM 1.1).
    """
    enclosed = [_enclosed(c, vc1) for c in credentials]
    return {
        "@context": [VC1_CONTEXT] if vc1 else [VC2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": enclosed,
    }


def sign_presentation(
    vp: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    *,
    challenge: str,
    domain: str,
    suite: str = "eddsa-rdfc-2022",
    created: str | None = None,
    documents: DocumentStore | None = None,
    purpose: str = "authentication",
) -> dict[str, Any]:
    """A copy of ``vp`` with the holder's proof over ``challenge`` and ``domain``.

    ``purpose`` is for tests of wrong purposes; a verifier wants ``authentication``.
    """
    if suite not in SUITES:
        raise ValueError(f"suite {suite!r} is not one of {SUITES}")
    documents = documents or DocumentStore()
    signed = copy.deepcopy(vp)
    signed.pop("proof", None)
    proof: dict[str, Any] = {
        "type": "Ed25519Signature2020" if suite == "Ed25519Signature2020" else "DataIntegrityProof",
        "created": created or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
        "challenge": challenge,
        "domain": domain,
    }
    if suite == "Ed25519Signature2020":
        if ED25519_2020_CONTEXT not in signed["@context"]:
            signed["@context"] = [*signed["@context"], ED25519_2020_CONTEXT]
        algorithm = "eddsa-rdfc-2022"  # the same RDFC-1.0 + SHA-256 hashing
    else:
        if VC1_CONTEXT in signed["@context"] and DATA_INTEGRITY_CONTEXT not in signed["@context"]:
            signed["@context"] = [*signed["@context"], DATA_INTEGRITY_CONTEXT]
        proof["cryptosuite"] = suite
        algorithm = suite
    proof = _ordered(proof)
    signature = key.sign(hash_data(signed, proof, algorithm, documents))
    proof["proofValue"] = encode_base58btc(signature)
    signed["proof"] = proof
    return signed


def sign_vp_jwt(
    vp: dict[str, Any],
    key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    kid: str,
    *,
    challenge: str,
    domain: str,
    lifetime_s: int = 300,
    alg: str | None = None,
) -> str:
    """A VP-JWT (VC 1.1 JWT encoding: ``vp`` claim, ``iss`` holder, ``nonce``, ``aud``).

    ``alg`` overrides the header (tests build mislabelled tokens); the key decides the
    signature: EdDSA for Ed25519, ES256 for P-256.
    """
    now = int(time.time())
    claims = {
        "iss": vp["holder"],
        "aud": domain,
        "nonce": challenge,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime_s,
        "vp": vp,
    }
    header = {"alg": alg or ("EdDSA" if isinstance(key, Ed25519PrivateKey) else "ES256")}
    header.update(typ="JWT", kid=kid)
    return sign_jws(header, claims, key)


def _enclosed(credential: Any, vc1: bool) -> Any:
    if isinstance(credential, str) and not vc1:
        return {
            "@context": VC2_CONTEXT,
            "id": "data:application/vc+jwt," + credential,
            "type": "EnvelopedVerifiableCredential",
        }
    return credential


def _ordered(proof: dict[str, Any]) -> dict[str, Any]:
    order = ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")
    return {**{k: proof[k] for k in order if k in proof}, **proof}

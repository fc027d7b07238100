"""Issue test and seed credentials: Ed25519 keys, did:key, Data Integrity proofs, VC-JWTs.

VC-JWTs can also be signed with P-256 (ES256) and RSA (RS256) keys, published as JWKs.

This is the signing half of what ``verify`` checks; it exists for seed data, tests and
benchmarks, not as an issuing service (keys are handled in memory only).
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from credmatch.credentials import proofs
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import (
    P256_PUB_PREFIX,
    P384_PUB_PREFIX,
    encode_base58btc,
    public_key_multibase,
)

SUPPORTED_CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019")
DataIntegrityKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def keypair_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """The Ed25519 private key whose RFC 8032 seed is ``seed`` (exactly 32 bytes)."""
    if len(seed) != 32:
        raise ValueError(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def did_key(public_key: Ed25519PublicKey | ec.EllipticCurvePublicKey) -> str:
    """The did:key DID of an Ed25519 (``did:key:z6Mk...``), P-256 (``zDn``) or P-384 (``z82``)
    public key."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "did:key:" + ec_multikey(public_key)
    return "did:key:" + public_key_multibase(public_key)


def ec_multikey(public_key: ec.EllipticCurvePublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of a P-256 / P-384 key (compressed point)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    prefix = {"secp256r1": P256_PUB_PREFIX, "secp384r1": P384_PUB_PREFIX}[public_key.curve.name]
    point = public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return encode_base58btc(prefix + point)


def did_key_verification_method(did: str) -> str:
    """The verification method id of a did:key DID: the DID plus ``#`` and its key."""
    if not did.startswith("did:key:"):
        raise ValueError(f"not a did:key DID: {did!r}")
    return f"{did}#{did[len('did:key:') :]}"


def multikey_document(did: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """A DID (or controller) document for ``did`` with one Multikey usable for assertions."""
    multibase = public_key_multibase(public_key)
    vm_id = f"{did}#{multibase}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        ],
        "assertionMethod": [vm_id],
    }


def sign_data_integrity(
    credential: dict[str, Any],
    key: DataIntegrityKey,
    verification_method: str,
    cryptosuite: str,
    created: str,
    documents: DocumentStore,
) -> dict[str, Any]:
    """A copy of ``credential`` with one more eddsa-rdfc-2022 / eddsa-jcs-2022 proof (Ed25519
    key) or ecdsa-rdfc-2019 / ecdsa-jcs-2019 proof (P-256 or P-384 key).

    An existing ``proof`` is kept (the new one is appended), as VC Data Integrity
    proof sets require.
    """
    if cryptosuite not in SUPPORTED_CRYPTOSUITES:
        raise ValueError(f"cryptosuite {cryptosuite!r} is not one of {SUPPORTED_CRYPTOSUITES}")
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": cryptosuite,
        "proofPurpose": "assertionMethod",
    }
    if isinstance(key, ec.EllipticCurvePrivateKey):
        hash_name = "sha384" if key.curve.name == "secp384r1" else "sha256"
        data = hash_data(unsecured, proof, cryptosuite, documents, hash_name)
        chosen = hashes.SHA384() if hash_name == "sha384" else hashes.SHA256()
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(chosen)))
        size = (key.curve.key_size + 7) // 8
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    else:
        signature = key.sign(hash_data(unsecured, proof, cryptosuite, documents))
    proof["proofValue"] = encode_base58btc(signature)
    signed = copy.deepcopy(credential)
    existing = signed.get("proof")
    if existing is None:
        signed["proof"] = proof
    else:
        signed["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return signed


def hash_data(
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    cryptosuite: str,
    documents: DocumentStore,
    hash_name: str = "sha256",
) -> bytes:
    """The bytes a proof signs: hash(proof config) || hash(document)."""
    if cryptosuite not in SUPPORTED_CRYPTOSUITES:
        raise ValueError(f"cryptosuite {cryptosuite!r} is not one of {SUPPORTED_CRYPTOSUITES}")
    config = proofs.proof_config(proof, unsecured.get("@context"))
    document = proofs.Unsecured(unsecured, documents)
    return proofs.config_digest(
        config, cryptosuite, documents, hash_name=hash_name
    ) + document.digest(cryptosuite, hash_name)


JwtSigningKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def sign_vc_jwt(credential: dict[str, Any], key: JwtSigningKey, kid: str) -> str:
    """A compact JWS carrying ``credential`` with the VC 1.1 JWT claims.

    The algorithm follows the key: EdDSA (Ed25519), ES256 (P-256) or RS256 (RSA).
    """
    header = {"alg": jws_algorithm(key), "typ": "JWT", "kid": kid}
    return sign_jws(header, vc_jwt_claims(credential), key)


def vc_jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The VC 1.1 JWT claims for ``credential``: vc, and iss/sub/jti/nbf/exp where it has them."""
    claims: dict[str, Any] = {"vc": credential}
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if isinstance(issuer_id, str):
        claims["iss"] = issuer_id
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    for claim, names in (
        ("nbf", ("validFrom", "issuanceDate")),
        ("exp", ("validUntil", "expirationDate")),
    ):
        value = next((credential[n] for n in names if isinstance(credential.get(n), str)), None)
        if value is not None:
            claims[claim] = int(_parse_time(value).timestamp())
    return claims


def jws_algorithm(key: JwtSigningKey) -> str:
    """The JWS ``alg`` for a private key: EdDSA, ES256 (P-256 only) or RS256."""
    if isinstance(key, Ed25519PrivateKey):
        return "EdDSA"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"ES256 needs a P-256 key, got curve {key.curve.name}")
        return "ES256"
    return "RS256"


def sign_jws(header: dict[str, Any], claims: dict[str, Any], key: JwtSigningKey) -> str:
    """A compact JWS of ``claims`` under ``header``, signed with ``key`` as ``jws_algorithm`` says.

    The header is signed as given (its ``alg`` is not checked against the key), so tests can
    build mislabelled tokens. ES256 signatures are JWS's raw 64-byte r||s, not DER.
    """
    signing_input = (_b64url_json(header) + "." + _b64url_json(claims)).encode("ascii")
    if isinstance(key, Ed25519PrivateKey):
        signature = key.sign(signing_input)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        jws_algorithm(key)  # P-256 only
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode("ascii") + "." + b64url(signature)


def public_jwk(key: JwtSigningKey) -> dict[str, str]:
    """The public JWK (RFC 7517 / 8037) of a signing key, for a DID or controller document."""
    public = key.public_key()
    if isinstance(public, Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(public.public_bytes_raw())}
    if isinstance(public, ec.EllipticCurvePublicKey):
        jws_algorithm(key)  # P-256 only
        numbers = public.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }
    rsa_numbers = public.public_numbers()
    return {"kty": "RSA", "n": b64url(_uint(rsa_numbers.n)), "e": b64url(_uint(rsa_numbers.e))}


def jwk_document(did: str, key: JwtSigningKey, fragment: str = "key-1") -> dict[str, Any]:
    """A DID (or controller) document for ``did`` with one JsonWebKey usable for assertions."""
    vm_id = f"{did}#{fragment}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey", "controller": did, "publicKeyJwk": public_jwk(key)}
        ],
        "assertionMethod": [vm_id],
    }


def bitstring_status_list_credential(
    url: str,
    issuer: str,
    revoked_indexes: Iterable[int],
    size: int = 131072,
    purpose: str = "revocation",
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential at ``url`` with the given bits set.

    ``purpose`` is the list's ``statusPurpose`` (``revocation`` or ``suspension``); the set
    bits are the credentials revoked or suspended.

    Bits are numbered from the most significant bit of the first byte, per the W3C
    Bitstring Status List spec; sign the result with ``sign_data_integrity``.
    """
    if size % 8 or size < 8:
        raise ValueError(f"status list size must be a positive multiple of 8, got {size}")
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} is outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    encoded = "u" + b64url(gzip.compress(bytes(bits), mtime=0))
    return {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(value: int) -> bytes:
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")


def _b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))

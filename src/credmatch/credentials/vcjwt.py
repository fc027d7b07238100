"""VC-JWT envelopes: compact JWS (RS256, ES256, EdDSA), claims checked against the credential."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.keys import KeyFormatError, decode_multibase
from credmatch.credentials.methods import MethodError, check_controller, ed25519_key, resolve_method
from credmatch.credentials.model import Check
from credmatch.credentials.parse import first_subject, issuer_id, parse_time
from credmatch.errors import CredentialFormatError

ALGORITHMS = ("RS256", "ES256", "EdDSA")


@dataclass(frozen=True)
class Jwt:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    def credential(self) -> dict[str, Any]:
        """The credential: the ``vc`` claim (VC 1.1 JWT) or the claims themselves (VC-JOSE)."""
        vc = self.claims.get("vc")
        if isinstance(vc, dict):
            return vc
        if "@context" in self.claims:
            return self.claims
        raise CredentialFormatError("JWT payload has no 'vc' claim and is not a credential itself")


def decode(token: str) -> Jwt:
    """Split and decode a compact JWS; raises CredentialFormatError saying what is wrong."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CredentialFormatError(
            f"not a compact JWS: {len(parts)} dot-separated parts, 3 expected"
        )
    try:
        header = json.loads(_b64(parts[0]))
        claims = json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, KeyFormatError) as e:
        raise CredentialFormatError(f"JWT part does not decode as base64url JSON: {e}") from e
    except RecursionError as e:  # json's C decoder recurses once per nesting level
        raise CredentialFormatError("JWT payload is JSON nested too deeply to parse") from e
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise CredentialFormatError("JWT header and payload must be JSON objects")
    return Jwt(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def check_jwt_proof(jwt: Jwt, credential: dict[str, Any], documents: DocumentStore) -> Check:
    """The ``proof`` check for a VC-JWT: signature, key binding to the issuer, and claims."""
    alg = jwt.header.get("alg")
    if alg not in ALGORITHMS:
        return Check(
            "proof",
            False,
            f"JWT alg {alg!r} is not supported (supported: {', '.join(ALGORITHMS)})",
            "unsupported_suite",
        )
    issuer = issuer_id(credential)
    mismatch = _claim_mismatch(jwt.claims, credential, issuer)
    if mismatch:
        return Check(
            "proof", False, f"JWT claims disagree with the credential: {mismatch}", "bad_claims"
        )
    try:
        key, where = _key(jwt.header, issuer, documents)
        _verify(str(alg), key, jwt.signing_input, jwt.signature)
    except MethodError as e:
        return Check("proof", False, f"VC-JWT: {e}", e.code)
    return Check("proof", True, f"VC-JWT {alg} signature by {where} verified")


def _key(header: dict[str, Any], issuer: str | None, documents: DocumentStore) -> tuple[Any, str]:
    kid = header.get("kid")
    if isinstance(kid, str) and kid:
        vm_id = f"{issuer}{kid}" if kid.startswith("#") and issuer else kid
        method = resolve_method(vm_id, documents)
        check_controller(method, issuer)
        jwk = method.material.get("publicKeyJwk")
        if isinstance(jwk, dict) and jwk.get("kty") in ("RSA", "EC"):
            return jwk_key(jwk), vm_id
        return ed25519_key(method), vm_id
    if isinstance(header.get("jwk"), dict):
        raise MethodError(
            "key_unresolved",
            f"the JWT carries its own key (header jwk) and no kid, so nothing ties that key to "
            f"issuer {issuer}; ask the issuer for a JWT whose kid names a key in its DID document",
        )
    raise MethodError(
        "key_unresolved", "JWT header has neither kid nor jwk; the signing key is unknown"
    )


def jwk_key(jwk: dict[str, Any]) -> Any:
    """A cryptography public key from an RSA, EC P-256 or OKP Ed25519 JWK."""
    try:
        kty = jwk.get("kty")
        if kty == "RSA":
            n = int.from_bytes(_b64(jwk["n"]), "big")
            e = int.from_bytes(_b64(jwk["e"]), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
        if kty == "EC" and jwk.get("crv") == "P-256":
            x = int.from_bytes(_b64(jwk["x"]), "big")
            y = int.from_bytes(_b64(jwk["y"]), "big")
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return Ed25519PublicKey.from_public_bytes(_b64(jwk["x"]))
    except (KeyError, ValueError, KeyFormatError) as e:
        raise MethodError("bad_method", f"JWK is malformed: {e}") from e
    raise MethodError("bad_method", f"JWK type {jwk.get('kty')}/{jwk.get('crv')} is not supported")


def _verify(alg: str, key: Any, data: bytes, signature: bytes) -> None:
    try:
        if alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                raise InvalidSignature()
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        elif alg == "EdDSA" and isinstance(key, Ed25519PublicKey):
            key.verify(signature, data)
        else:
            raise MethodError(
                "bad_method", f"JWT alg {alg} does not fit the key type {type(key).__name__}"
            )
    except InvalidSignature as e:
        raise MethodError(
            "bad_signature",
            f"{alg} signature does not verify: the JWT was altered or signed with another key",
        ) from e


def _claim_mismatch(claims: dict[str, Any], credential: dict[str, Any], issuer: str | None) -> str:
    subject_id = first_subject(credential).get("id")
    expected: list[tuple[str, Any]] = [
        ("iss", issuer),
        ("sub", subject_id),
        ("jti", credential.get("id")),
    ]
    problems = [
        f"{claim}={claims[claim]!r} but the credential says {value!r}"
        for claim, value in expected
        if claim in claims and value is not None and claims[claim] != value
    ]
    for claim, names in (
        ("nbf", ("validFrom", "issuanceDate")),
        ("exp", ("validUntil", "expirationDate")),
    ):
        when = next((parse_time(credential.get(n)) for n in names if credential.get(n)), None)
        value = claims.get(claim)
        if (
            isinstance(value, (int, float))
            and when is not None
            and abs(when.timestamp() - value) > 1
        ):
            problems.append(f"{claim}={value} but the credential says {when.isoformat()}")
    return "; ".join(problems)


def _b64(part: str) -> bytes:
    return decode_multibase("u" + part)

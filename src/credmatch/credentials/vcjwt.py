"""VC-JWT envelopes: compact JWS (RS256, ES256, EdDSA), claims checked against the credential.

PyJWT parses the compact JWS (including RFC 7515 §4.1.11: a ``crit`` extension it does not
understand makes the token invalid) and does the signature arithmetic; which keys and claims
count (the issuer's key binding, claims agreeing with the credential) are credmatch's rules.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jwt import PyJWS
from jwt.algorithms import get_default_algorithms
from jwt.exceptions import DecodeError, InvalidKeyError, InvalidTokenError

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import KeyFormatError, decode_multibase, public_key_from_jwk
from credmatch.credentials.methods import (
    MethodError,
    ResolvedMethod,
    binding_problem,
    public_key,
    resolve_method,
)
from credmatch.credentials.model import Check
from credmatch.credentials.parse import as_strings, first_subject, issuer_id, parse_time
from credmatch.credentials.proofs import ProofChecks, not_checked
from credmatch.credentials.schema_check import VC2_CONTEXT
from credmatch.errors import CredentialFormatError

ALGORITHMS = ("RS256", "ES256", "EdDSA")
MIN_RSA_BITS = 2048  # NIST SP 800-131A: shorter RSA keys are not acceptable for signatures
# JWT claim -> the credential's own (VC 2.0, VC 1.1) names for the same instant.
VALIDITY_CLAIMS = (("nbf", "validFrom", "issuanceDate"), ("exp", "validUntil", "expirationDate"))
# The key type each algorithm takes (PyJWT itself also accepts private keys and PEM text).
KEY_TYPES: dict[str, type] = {
    "RS256": rsa.RSAPublicKey,
    "ES256": ec.EllipticCurvePublicKey,
    "EdDSA": Ed25519PublicKey,
}
_JWS = PyJWS(algorithms=list(ALGORITHMS))
_SIGNERS = {alg: get_default_algorithms()[alg] for alg in ALGORITHMS}


@dataclass(frozen=True)
class Jwt:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    def credential(self) -> dict[str, Any]:
        """The credential: the ``vc`` claim (VC 1.1 JWT) or the claims themselves (VC-JOSE).

        Where the credential states no start or end of validity, the JWT's ``nbf`` / ``exp``
        supply it (VC Data Model 1.1, JWT decoding), so an expired or not-yet-valid JWT fails
        the ``validity_period`` check instead of passing as a credential with no limits.
        """
        vc = self.claims.get("vc")
        if isinstance(vc, dict):
            return _with_claimed_validity(vc, self.claims)
        if "@context" in self.claims:
            return _with_claimed_validity(self.claims, self.claims)
        raise CredentialFormatError("JWT payload has no 'vc' claim and is not a credential itself")


def decode(token: str) -> Jwt:
    """Split and decode a compact JWS; raises CredentialFormatError saying what is wrong."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CredentialFormatError(
            f"not a compact JWS: {len(parts)} dot-separated parts, 3 expected"
        )
    try:
        jws = _JWS.decode_complete(".".join(parts), options={"verify_signature": False})
        claims = json.loads(jws["payload"])
    except (DecodeError, ValueError) as e:
        raise CredentialFormatError(f"JWT part does not decode as base64url JSON: {e}") from e
    except InvalidTokenError as e:  # an unknown crit extension, a kid that is not a string
        raise CredentialFormatError(f"JWT header is not acceptable (RFC 7515): {e}") from e
    except RecursionError as e:  # json's C decoder recurses once per nesting level
        raise CredentialFormatError("JWT payload is JSON nested too deeply to parse") from e
    if not isinstance(claims, dict):
        raise CredentialFormatError("JWT header and payload must be JSON objects")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    return Jwt(jws["header"], claims, signing_input, jws["signature"])


def check_jwt_proof(jwt: Jwt, credential: dict[str, Any], documents: DocumentStore) -> ProofChecks:
    """The ``proof`` check for a VC-JWT (signature and claims), and its ``key_binding`` check."""
    alg = jwt.header.get("alg")
    if alg not in ALGORITHMS:
        return not_checked(
            Check(
                "proof",
                False,
                f"JWT alg {alg!r} is not supported (supported: {', '.join(ALGORITHMS)})",
                "unsupported_suite",
            )
        )
    issuer = issuer_id(credential)
    mismatch = _claim_mismatch(jwt.claims, credential, issuer)
    if mismatch:
        return not_checked(
            Check(
                "proof", False, f"JWT claims disagree with the credential: {mismatch}", "bad_claims"
            )
        )
    method: ResolvedMethod | None = None
    try:
        method = _method(jwt.header, issuer, documents)
        _verify(str(alg), _method_key(method), jwt.signing_input, jwt.signature)
    except MethodError as e:
        proof = Check("proof", False, f"VC-JWT: {e}", e.code)
    else:
        proof = Check("proof", True, f"VC-JWT {alg} signature by {method.id} verified")
    return ProofChecks(proof, _binding(method, issuer))


def _binding(method: ResolvedMethod | None, issuer: str | None) -> Check:
    if method is None:
        return Check("key_binding", None, "not checked: the signing key was not resolved")
    problem = binding_problem(method, issuer)
    if problem is not None:
        return Check("key_binding", False, f"VC-JWT: {problem}", "key_mismatch")
    return Check("key_binding", True, f"signing key {method.id} belongs to the issuer {issuer}")


def _method_key(method: ResolvedMethod) -> Any:
    jwk = method.material.get("publicKeyJwk")
    if isinstance(jwk, dict) and jwk.get("kty") == "RSA":
        return jwk_key(jwk)
    return public_key(method)


def _method(header: dict[str, Any], issuer: str | None, documents: DocumentStore) -> ResolvedMethod:
    kid = header.get("kid")
    if isinstance(kid, str) and kid:
        vm_id = f"{issuer}{kid}" if kid.startswith("#") and issuer else kid
        return resolve_method(vm_id, documents)
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
    """A cryptography public key from an RSA, EC P-256/P-384 or OKP Ed25519 JWK."""
    try:
        kty = jwk.get("kty")
        if kty in ("EC", "OKP"):
            return public_key_from_jwk(jwk)
        if kty == "RSA":
            n = int.from_bytes(_b64(jwk["n"]), "big")
            e = int.from_bytes(_b64(jwk["e"]), "big")
            if n.bit_length() < MIN_RSA_BITS:
                raise MethodError(
                    "bad_method",
                    f"RSA key of {n.bit_length()} bits is too weak to trust; "
                    f"RS256 keys need at least {MIN_RSA_BITS} bits",
                )
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (KeyError, ValueError, KeyFormatError) as e:
        raise MethodError("bad_method", f"JWK is malformed: {e}") from e
    raise MethodError("bad_method", f"JWK type {jwk.get('kty')}/{jwk.get('crv')} is not supported")


def _verify(alg: str, key: Any, data: bytes, signature: bytes) -> None:
    if not verify_signature(alg, key, data, signature):
        raise MethodError(
            "bad_signature",
            f"{alg} signature does not verify: the JWT was altered or signed with another key",
        )


def verify_signature(alg: str, key: Any, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid ``alg`` JWS signature of ``data`` by the public ``key``.

    Raises MethodError when the key cannot make ``alg`` signatures (another type, or an EC key
    on another curve than ES256's P-256).
    """
    signer = _SIGNERS.get(alg)
    try:
        if signer is None or not isinstance(key, KEY_TYPES[alg]):
            raise InvalidKeyError(alg)
        return bool(signer.verify(data, signer.prepare_key(key), signature))
    except InvalidKeyError as e:
        raise MethodError(
            "bad_method", f"JWT alg {alg} does not fit the key type {type(key).__name__}"
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
    for claim, *names in VALIDITY_CLAIMS:
        if claim not in claims:
            continue
        value = claims[claim]
        if numeric_date(value) is None:
            problems.append(
                f"{claim}={value!r} is not a NumericDate (seconds since 1970-01-01T00:00:00Z)"
            )
            continue
        when = next((parse_time(credential.get(n)) for n in names if credential.get(n)), None)
        if when is not None and abs(when.timestamp() - value) > 1:
            problems.append(f"{claim}={value} but the credential says {when.isoformat()}")
    return "; ".join(problems)


def numeric_date(value: Any) -> datetime | None:
    """The instant of a JWT NumericDate (RFC 7519); None when ``value`` is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, UTC) if math.isfinite(value) else None
    except (OverflowError, OSError, ValueError):  # beyond what datetime can hold
        return None


def _with_claimed_validity(credential: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """``credential``, plus validFrom/validUntil (VC 1.1: issuanceDate/expirationDate) taken
    from ``nbf``/``exp`` where it has neither name; a malformed claim adds nothing (the proof
    check reports it)."""
    v2 = VC2_CONTEXT in as_strings(credential.get("@context"))
    added: dict[str, str] = {}
    for claim, v2_name, v1_name in VALIDITY_CLAIMS:
        if v2_name in credential or v1_name in credential:
            continue
        when = numeric_date(claims.get(claim))
        if when is not None:
            added[v2_name if v2 else v1_name] = when.isoformat().replace("+00:00", "Z")
    return {**credential, **added} if added else credential


def _b64(part: str) -> bytes:
    return decode_multibase("u" + part)

"""The holder's proof on a Verifiable Presentation: a Data Integrity proof with proof purpose
``authentication`` over a verifier's challenge and domain, or a VP-JWT whose ``nonce`` and
``aud`` carry them.

Each function returns the ``proof`` Check of the presentation; a failure's ``code`` names the
reason (``no_proof``, ``wrong_purpose``, ``challenge``, ``domain``, ``key_mismatch``,
``bad_signature``, ``unsupported_suite``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credmatch.credentials import canonical, proofs, vcjwt
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import KeyFormatError, decode_multibase
from credmatch.credentials.methods import MethodError, ResolvedMethod, public_key, resolve_method
from credmatch.credentials.model import Check
from credmatch.credentials.parse import as_list
from credmatch.credentials.templates import TemplateExpander

AUTHENTICATION = "authentication"
JWT_ALGORITHMS = ("EdDSA", "ES256")
LD_SUITES = (proofs.RDFC, proofs.JCS, "Ed25519Signature2020")


@dataclass(frozen=True)
class Expected:
    """What the holder's proof must carry: the domain and, when known, the challenge.

    ``challenge`` None: any non-empty challenge is accepted here and the caller checks the one
    the proof names (``submitPresentation`` looks it up in the graph).
    """

    domain: str | None  # None: any domain (the VC-API verifier when options name none)
    challenge: str | None
    now: datetime


class ProofRefusedError(Exception):
    """The holder's proof is refused; ``code`` is the failed check's code (see refused())."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def ed25519_key(method: ResolvedMethod) -> Ed25519PublicKey:
    """The method's key, which an eddsa holder proof (or an EdDSA VP-JWT) needs to be Ed25519."""
    key = public_key(method)
    if not isinstance(key, Ed25519PublicKey):
        raise MethodError(
            "bad_method",
            f"verification method {method.id} is not an Ed25519 key; this proof needs one",
        )
    return key


def refused(e: ProofRefusedError | MethodError) -> Check:
    return Check("proof", False, str(e), e.code)


# --- JSON-LD presentations -------------------------------------------------------------------


def check_ld_proof(
    vp: dict[str, Any],
    holder: str,
    expected: Expected,
    documents: DocumentStore,
    expander: TemplateExpander,
    jcs_ready: bool,
) -> tuple[Check, str | None]:
    """The presentation's ``proof`` check and the challenge its proof names."""
    found = proofs.proof_list(vp)
    if not found:
        return Check(
            "proof",
            False,
            "the presentation is unsigned: the holder must sign it (proof purpose "
            "authentication) over our challenge and domain",
            "no_proof",
        ), None
    if len(found) != 1 or not isinstance(found[0], dict):
        return Check(
            "proof",
            False,
            f"the presentation carries {len(found)} proof value(s); send exactly one proof "
            "object, by the holder",
            "bad_proof",
        ), None
    proof: dict[str, Any] = found[0]
    challenge = proof.get("challenge") if isinstance(proof.get("challenge"), str) else None
    try:
        suite = _ld_suite(proof)
        _check_binding(proof.get("proofPurpose"), challenge, proof.get("domain"), expected)
        method = _holder_method(proof.get("verificationMethod"), holder, documents)
        detail = _verify_ld(vp, proof, suite, method, documents, expander, jcs_ready)
    except (ProofRefusedError, MethodError) as e:
        return refused(e), challenge
    return Check("proof", True, detail), challenge


def _ld_suite(proof: dict[str, Any]) -> str:
    suite = proofs.suite_of(proof)
    suite = proofs.LEGACY_SUITES.get(suite or "", suite)
    if suite not in LD_SUITES:
        raise ProofRefusedError(
            "unsupported_suite",
            f"proof type {proof.get('type')!r} / cryptosuite {proof.get('cryptosuite')!r} is not "
            f"supported for presentations (supported: {', '.join(LD_SUITES)})",
        )
    return str(suite)


def _check_binding(purpose: Any, challenge: str | None, domain: Any, expected: Expected) -> None:
    if purpose != AUTHENTICATION:
        raise ProofRefusedError(
            "wrong_purpose",
            f"proofPurpose is {purpose!r}: a presentation must be signed for "
            f"'{AUTHENTICATION}' (an 'assertionMethod' proof is an issuer's, not a holder's)",
        )
    if not challenge:
        raise ProofRefusedError(
            "challenge", "the proof names no challenge: ask POST /challenges for one and sign it"
        )
    if expected.challenge is not None and challenge != expected.challenge:
        raise ProofRefusedError(
            "challenge", f"the proof's challenge {challenge!r} is not the expected one"
        )
    domains = [d for d in as_list(domain) if isinstance(d, str)]
    if expected.domain is not None and expected.domain not in domains:
        raise ProofRefusedError(
            "domain",
            f"the proof's domain {domain!r} is not this verifier's domain {expected.domain!r}",
        )


def _holder_method(vm: Any, holder: str, documents: DocumentStore) -> ResolvedMethod:
    if not isinstance(vm, str) or not vm:
        raise ProofRefusedError("bad_method", "the proof has no verificationMethod string")
    method = resolve_method(vm, documents, AUTHENTICATION)
    if method.controller != holder:
        raise ProofRefusedError(
            "key_mismatch",
            f"signing key {method.id} is controlled by {method.controller}, not by the holder "
            f"{holder}; a presentation must be signed by its holder",
        )
    return method


def _verify_ld(
    vp: dict[str, Any],
    proof: dict[str, Any],
    suite: str,
    method: ResolvedMethod,
    documents: DocumentStore,
    expander: TemplateExpander,
    jcs_ready: bool,
) -> str:
    signature = _signature(proof.get("proofValue"))
    key = ed25519_key(method)
    algorithm = proofs.JCS if suite == proofs.JCS else proofs.RDFC
    unsecured = proofs.Unsecured(
        {k: v for k, v in vp.items() if k != "proof"}, documents, jcs_ready=jcs_ready
    )
    config: Any = proofs.proof_config(proof, vp.get("@context"))
    try:
        if algorithm == proofs.RDFC:
            # RDF canonicalisation drops what no context defines: refuse such documents first.
            unsecured.expanded = expander.expand_lazily(unsecured.doc)
            config = expander.expand(config)
        data = proofs.config_digest(config, algorithm, documents, jcs_ready) + unsecured.digest(
            algorithm
        )
    except canonical.UnsafeJsonLdError as e:
        raise ProofRefusedError("context", f"the presentation cannot be canonicalised: {e}") from e
    try:
        key.verify(signature, data)
    except InvalidSignature as e:
        raise ProofRefusedError(
            "bad_signature",
            f"{suite} signature by {method.id} does not match the presentation: it was altered "
            "after signing or signed with another key",
        ) from e
    return f"{suite} signature by holder key {method.id} verified (authentication)"


def _signature(value: Any) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofRefusedError(
            "bad_proof", "proofValue must be a base58btc multibase string ('z…')"
        )
    try:
        signature = decode_multibase(value)
    except KeyFormatError as e:
        raise ProofRefusedError("bad_proof", f"proofValue: {e}") from e
    if len(signature) != 64:
        raise ProofRefusedError(
            "bad_proof", f"proofValue holds {len(signature)} bytes; an Ed25519 signature has 64"
        )
    return signature


# --- VP-JWTs ----------------------------------------------------------------------------------


def check_jwt_proof(
    jwt: vcjwt.Jwt, holder: str, expected: Expected, documents: DocumentStore
) -> tuple[Check, str | None]:
    """The ``proof`` check of a VP-JWT (``iss`` = holder) and the ``nonce`` it names."""
    nonce = jwt.claims.get("nonce") if isinstance(jwt.claims.get("nonce"), str) else None
    try:
        alg = _jwt_algorithm(jwt.header.get("alg"))
        _check_jwt_claims(jwt.claims, holder, nonce, expected)
        key, vm = _jwt_key(jwt.header, holder, documents)
        _verify_jws(alg, key, jwt.signing_input, jwt.signature)
    except (ProofRefusedError, MethodError) as e:
        return refused(e), nonce
    return Check("proof", True, f"VP-JWT {alg} signature by holder key {vm} verified"), nonce


def _jwt_algorithm(alg: Any) -> str:
    if alg in JWT_ALGORITHMS:
        return str(alg)
    if isinstance(alg, str) and alg.lower() == "none":
        reason = "alg 'none' is an unsigned token"
    elif isinstance(alg, str) and alg.upper().startswith("HS"):
        reason = f"alg {alg} is a shared-secret MAC, which cannot prove who the holder is"
    else:
        reason = f"alg {alg!r} is not supported"
    raise ProofRefusedError(
        "unsupported_suite",
        f"VP-JWT refused: {reason}; sign with one of {', '.join(JWT_ALGORITHMS)}",
    )


def _check_jwt_claims(
    claims: dict[str, Any], holder: str, nonce: str | None, expected: Expected
) -> None:
    if not nonce:
        raise ProofRefusedError(
            "challenge", "the VP-JWT has no nonce: put our challenge in 'nonce'"
        )
    if expected.challenge is not None and nonce != expected.challenge:
        raise ProofRefusedError("challenge", f"the VP-JWT nonce {nonce!r} is not the expected one")
    audiences = [a for a in as_list(claims.get("aud")) if isinstance(a, str)]
    if expected.domain is not None and expected.domain not in audiences:
        raise ProofRefusedError(
            "domain",
            f"the VP-JWT aud {claims.get('aud')!r} is not this verifier's domain "
            f"{expected.domain!r}",
        )
    for claim, late in (("exp", True), ("nbf", False)):
        if claim not in claims:
            continue
        when = vcjwt.numeric_date(claims[claim])
        if when is None:
            raise ProofRefusedError("bad_claims", f"{claim}={claims[claim]!r} is not a NumericDate")
        if (late and when < expected.now) or (not late and when > expected.now):
            state = "expired" if late else "not yet valid"
            raise ProofRefusedError(
                "bad_claims", f"the VP-JWT is {state} ({claim} {when.isoformat()})"
            )


def _jwt_key(header: dict[str, Any], holder: str, documents: DocumentStore) -> tuple[Any, str]:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ProofRefusedError(
            "key_unresolved",
            "the VP-JWT header names no kid: say which of the holder's keys signed it",
        )
    vm = f"{holder}{kid}" if kid.startswith("#") else kid
    method = _holder_method(vm, holder, documents)
    jwk = method.material.get("publicKeyJwk")
    if isinstance(jwk, dict) and jwk.get("kty") == "EC":
        return vcjwt.jwk_key(jwk), vm
    return ed25519_key(method), vm


def _verify_jws(alg: str, key: Any, data: bytes, signature: bytes) -> None:
    if alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey) and len(signature) != 64:
        raise ProofRefusedError("bad_signature", "an ES256 signature is 64 bytes (r||s)")
    try:
        verified = vcjwt.verify_signature(alg, key, data, signature)
    except MethodError as e:
        raise ProofRefusedError(
            "key_mismatch", f"JWT alg {alg} does not fit the holder key type {type(key).__name__}"
        ) from e
    if not verified:
        raise ProofRefusedError(
            "bad_signature",
            f"{alg} signature does not verify: the VP-JWT was altered or signed with another key",
        )

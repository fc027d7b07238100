"""VC-JWT envelopes: RS256, ES256 and EdDSA signatures, key binding, and the JWT claims.

Keys are published as JWKs in did:web documents in the document store, the way an issuer
using P-256 or RSA keys publishes them.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from credmatch.credentials import signing, vcjwt
from credmatch.credentials.documents import DocumentStore, did_web_url
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.errors import CredentialFormatError

from .conftest import write_store
from .helpers import badge, seed_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)
ES_DID = "did:web:issuer.example:es256"
RS_DID = "did:web:issuer.example:rs256"
ED_DID = "did:web:issuer.example:eddsa"
OTHER_DID = "did:web:other.example"
PAST = "2024-06-01T00:00:00Z"  # before NOW
FUTURE = "2030-01-01T00:00:00Z"  # after NOW


def _p256(n: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(n, ec.SECP256R1())


@pytest.fixture(scope="module")
def es_key() -> ec.EllipticCurvePrivateKey:
    return _p256(0x1234_5678_9ABC)


@pytest.fixture(scope="module")
def rs_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def keys(es_key: Any, rs_key: Any) -> dict[str, Any]:
    """DID -> its signing key; OTHER_DID holds another P-256 key."""
    return {ES_DID: es_key, RS_DID: rs_key, ED_DID: seed_key(20), OTHER_DID: _p256(0xBEEF)}


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Any], contexts_dir: Path
) -> DocumentStore:
    documents = {did_web_url(did): signing.jwk_document(did, key) for did, key in keys.items()}
    return DocumentStore(
        [write_store(tmp_path_factory.mktemp("jwk-dids"), documents), contexts_dir]
    )


def _kid(did: str) -> str:
    return f"{did}#key-1"


def _verify(token: str, store: DocumentStore) -> Report:
    return Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW)).verify(token, "t")[0]


def _check(report: Report, name: str) -> Any:
    check = report.check(name)
    assert check is not None, report.to_json()
    return check


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _es256(claims: dict[str, Any], key: Any, **header: Any) -> str:
    return signing.sign_jws(
        {"alg": "ES256", "typ": "JWT", "kid": _kid(ES_DID), **header}, claims, key
    )


@pytest.mark.parametrize(("did", "alg"), [(ES_DID, "ES256"), (RS_DID, "RS256"), (ED_DID, "EdDSA")])
def test_jwk_signed_vc_jwt_verifies(
    did: str, alg: str, keys: dict[str, Any], store: DocumentStore
) -> None:
    token = signing.sign_vc_jwt(badge(did, validUntil=FUTURE), keys[did], _kid(did))
    header = json.loads(_b64decode(token.split(".")[0]))
    assert header["alg"] == alg and header["kid"] == _kid(did)
    report = _verify(token, store)
    assert report.valid and verdict(report) == "verified", report.to_json()
    proof = _check(report, "proof")
    assert proof.ok is True and f"VC-JWT {alg} signature by {_kid(did)} verified" == proof.detail
    assert report.credential is not None and report.credential.proof_suite == f"VC-JWT/{alg}"
    assert _check(report, "validity_period").ok is True


def test_es256_signature_is_raw_r_s_not_der(es_key: Any, store: DocumentStore) -> None:
    token = signing.sign_vc_jwt(badge(ES_DID), es_key, _kid(ES_DID))
    header, payload, signature = token.split(".")
    assert len(_b64decode(signature)) == 64  # JWS (RFC 7518 3.4): r || s, 32 bytes each
    assert _verify(token, store).valid
    # The same key's DER signature over the same input is not a JWS ES256 signature.
    der = es_key.sign(f"{header}.{payload}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    proof = _check(_verify(f"{header}.{payload}.{signing.b64url(der)}", store), "proof")
    assert proof.ok is False and proof.code == "bad_signature", proof


def test_es256_tampered_payload_fails(es_key: Any, store: DocumentStore) -> None:
    header, _payload, signature = signing.sign_vc_jwt(badge(ES_DID), es_key, _kid(ES_DID)).split(
        "."
    )
    altered = signing.vc_jwt_claims(badge(ES_DID, name="Rocket science"))
    payload = signing.b64url(json.dumps(altered, separators=(",", ":")).encode())
    report = _verify(f"{header}.{payload}.{signature}", store)
    proof = _check(report, "proof")
    assert proof.ok is False and proof.code == "bad_signature"
    assert "ES256 signature does not verify" in proof.detail and "altered" in proof.detail
    assert not report.valid and verdict(report) == "invalid"


def test_es256_signed_with_another_p256_key_fails(
    keys: dict[str, Any], store: DocumentStore
) -> None:
    # Names the issuer's key but is signed with OTHER_DID's P-256 key.
    token = signing.sign_vc_jwt(badge(ES_DID), keys[OTHER_DID], _kid(ES_DID))
    report = _verify(token, store)
    proof = _check(report, "proof")
    assert proof.ok is False and proof.code == "bad_signature"
    assert "signed with another key" in proof.detail and verdict(report) == "invalid"


def test_es256_key_of_another_controller_fails(keys: dict[str, Any], store: DocumentStore) -> None:
    # A valid signature by OTHER_DID's own key, on a credential claiming ES_DID as issuer.
    claims = signing.vc_jwt_claims(badge(ES_DID))
    token = signing.sign_jws({"alg": "ES256", "kid": _kid(OTHER_DID)}, claims, keys[OTHER_DID])
    report = _verify(token, store)
    assert _check(report, "proof").ok is True  # OTHER_DID's key made this signature
    binding = _check(report, "key_binding")
    assert binding.ok is False and binding.code == "key_mismatch"
    assert OTHER_DID in binding.detail and f"not by the issuer {ES_DID}" in binding.detail
    assert not report.valid


def test_alg_header_must_fit_the_key(keys: dict[str, Any], store: DocumentStore) -> None:
    ed_key = seed_key(21)
    ed_did = signing.did_key(ed_key.public_key())
    # Header says ES256, but the kid is an Ed25519 did:key (and Ed25519 signed it).
    claims = signing.vc_jwt_claims(badge(ed_did))
    kid = signing.did_key_verification_method(ed_did)
    token = signing.sign_jws({"alg": "ES256", "kid": kid}, claims, ed_key)
    proof = _check(_verify(token, store), "proof")
    assert proof.ok is False and proof.code == "bad_method"
    assert "alg ES256 does not fit the key type Ed25519PublicKey" in proof.detail
    # Header says EdDSA / RS256, but the kid is the issuer's P-256 JWK.
    for alg in ("EdDSA", "RS256"):
        token = _es256(signing.vc_jwt_claims(badge(ES_DID)), keys[ES_DID], alg=alg)
        proof = _check(_verify(token, store), "proof")
        assert proof.ok is False and proof.code == "bad_method", (alg, proof)
        assert f"alg {alg} does not fit the key type" in proof.detail


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384", None])
def test_unsupported_alg_is_refused(alg: Any, es_key: Any, store: DocumentStore) -> None:
    valid = _es256(signing.vc_jwt_claims(badge(ES_DID)), es_key)
    _header, payload, signature = valid.split(".")
    header = signing.b64url(json.dumps({"alg": alg, "kid": _kid(ES_DID)}).encode())
    for sig in ("", signature):  # unsigned, and with a (real) signature kept
        report = _verify(f"{header}.{payload}.{sig}", store)
        proof = _check(report, "proof")
        assert proof.ok is False and proof.code == "unsupported_suite"
        assert f"JWT alg {alg!r} is not supported" in proof.detail and "ES256" in proof.detail
        assert not report.valid


@pytest.mark.parametrize(
    ("claim", "value", "expected"),
    [
        ("iss", OTHER_DID, ES_DID),
        ("sub", "did:example:someone-else", "did:example:learner1"),
        ("jti", "urn:uuid:another-credential", "urn:uuid:0b6a0f0e-1111-4c4c-9c9c-000000000001"),
    ],
)
def test_identity_claims_must_match_the_credential(
    claim: str, value: str, expected: str, es_key: Any, store: DocumentStore
) -> None:
    claims = {**signing.vc_jwt_claims(badge(ES_DID)), claim: value}
    report = _verify(_es256(claims, es_key), store)
    proof = _check(report, "proof")
    assert proof.ok is False and proof.code == "bad_claims"
    assert f"{claim}={value!r} but the credential says {expected!r}" in proof.detail
    assert not report.valid and verdict(report) == "invalid"


def _timestamp(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


@pytest.mark.parametrize(
    ("credential_fields", "claim", "when", "check", "code", "detail"),
    [
        # exp in the past: an expired credential, whether or not the vc claim repeats it.
        ({"validUntil": PAST}, "exp", PAST, "validity_period", "expired", "expired on 2024-06-01"),
        ({}, "exp", PAST, "validity_period", "expired", "expired on 2024-06-01"),
        ({"validUntil": FUTURE}, "exp", PAST, "proof", "bad_claims", "exp="),
        # nbf in the future: not yet valid, whether or not the vc claim repeats it.
        ({"validFrom": FUTURE}, "nbf", FUTURE, "validity_period", "not_yet_valid", "until 2030"),
        ({"validFrom": None}, "nbf", FUTURE, "validity_period", "not_yet_valid", "until 2030"),
        ({}, "nbf", FUTURE, "proof", "bad_claims", "nbf="),  # badge() says validFrom 2024
    ],
)
def test_exp_and_nbf(
    credential_fields: dict[str, Any],
    claim: str,
    when: str,
    check: str,
    code: str,
    detail: str,
    es_key: Any,
    store: DocumentStore,
) -> None:
    credential = badge(ES_DID, **credential_fields)
    credential = {k: v for k, v in credential.items() if v is not None}
    claims = {**signing.vc_jwt_claims(credential), claim: _timestamp(when)}
    report = _verify(_es256(claims, es_key), store)
    failed = _check(report, check)
    assert failed.ok is False and failed.code == code and detail in failed.detail, report.to_json()
    assert not report.valid
    expected = {"expired": "expired", "not_yet_valid": "not_yet_valid", "bad_claims": "invalid"}
    assert verdict(report) == expected[code]
    if check == "validity_period":
        assert _check(report, "proof").ok is True  # the signature itself is fine


@pytest.mark.parametrize("value", ["2020-01-01T00:00:00Z", None, True, 1e300])
def test_malformed_exp_or_nbf_is_refused(value: Any, es_key: Any, store: DocumentStore) -> None:
    for claim in ("exp", "nbf"):
        claims = {**signing.vc_jwt_claims(badge(ES_DID)), claim: value}
        proof = _check(_verify(_es256(claims, es_key), store), "proof")
        assert proof.ok is False and proof.code == "bad_claims"
        assert f"{claim}={value!r} is not a NumericDate" in proof.detail


def test_validity_from_claims_uses_the_credentials_vocabulary(es_key: Any) -> None:
    v1 = badge(ES_DID, **{"@context": ["https://www.w3.org/2018/credentials/v1"]})
    del v1["validFrom"]
    claims = {**signing.vc_jwt_claims(v1), "nbf": _timestamp(PAST), "exp": _timestamp(FUTURE)}
    credential = vcjwt.decode(_es256(claims, es_key)).credential()
    assert credential["issuanceDate"] == "2024-06-01T00:00:00Z"
    assert credential["expirationDate"] == "2030-01-01T00:00:00Z"
    assert "validFrom" not in credential and "validUntil" not in credential
    v2 = vcjwt.decode(_es256({"vc": badge(ES_DID), "exp": _timestamp(FUTURE)}, es_key))
    assert v2.credential()["validUntil"] == FUTURE
    assert v2.credential()["validFrom"] == "2024-01-01T00:00:00Z"  # its own value is kept
    assert "validUntil" not in v2.claims["vc"]  # the decoded claims are not modified


def test_an_rsa_key_shorter_than_2048_bits_is_refused(tmp_path: Path, contexts_dir: Path) -> None:
    weak_did = "did:web:issuer.example:rs1024"
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    documents = {did_web_url(weak_did): signing.jwk_document(weak_did, weak)}
    store = DocumentStore([write_store(tmp_path, documents), contexts_dir])
    token = signing.sign_vc_jwt(badge(weak_did, validUntil=FUTURE), weak, _kid(weak_did))
    report = _verify(token, store)
    proof = _check(report, "proof")
    assert not report.valid and proof.ok is False, report.to_json()
    assert "1024 bits is too weak" in proof.detail and "2048" in proof.detail


def test_es256_refuses_a_p384_key(tmp_path: Path, contexts_dir: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    did = "did:web:issuer.example:p384"
    key = ec.derive_private_key(0x384, ec.SECP384R1())
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-384",
        "x": signing.b64url(numbers.x.to_bytes(48, "big")),
        "y": signing.b64url(numbers.y.to_bytes(48, "big")),
    }
    document = {
        "id": did,
        "verificationMethod": [
            {"id": _kid(did), "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwk}
        ],
        "assertionMethod": [_kid(did)],
    }
    store = DocumentStore([write_store(tmp_path, {did_web_url(did): document}), contexts_dir])
    header = {"alg": "ES256", "typ": "JWT", "kid": _kid(did)}
    claims = signing.vc_jwt_claims(badge(did))
    signing_input = ".".join(
        signing.b64url(json.dumps(part).encode()) for part in (header, claims)
    ).encode()
    for size in (32, 48):  # JWS-sized and curve-sized r || s: neither makes ES256 of P-384
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        token = (
            signing_input.decode()
            + "."
            + signing.b64url(r.to_bytes(48, "big")[-size:] + s.to_bytes(48, "big")[-size:])
        )
        proof = _check(_verify(token, store), "proof")
        assert proof.ok is False and proof.code in ("bad_method", "bad_signature"), proof


def test_unknown_crit_extension_is_refused(es_key: Any, store: DocumentStore) -> None:
    # RFC 7515 §4.1.11: a recipient that does not understand a listed extension must reject
    # the JWS, even when its signature is good.
    claims = signing.vc_jwt_claims(badge(ES_DID))
    assert _verify(_es256(claims, es_key), store).valid
    token = _es256(claims, es_key, crit=["urn:example:policy"], **{"urn:example:policy": 1})
    report = _verify(token, store)
    assert not report.valid and report.checks[0].code == "format", report.to_json()
    assert "Unsupported critical extension: urn:example:policy" in report.checks[0].detail
    with pytest.raises(CredentialFormatError, match="crit"):
        vcjwt.decode(_es256(claims, es_key, crit=[]))

"""ecdsa-rdfc-2019 and ecdsa-jcs-2019 with P-256 and P-384: did:key, and Multikey / JsonWebKey
verification methods in did:web and HTTPS controller documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import (
    KeyFormatError,
    curve_name,
    decode_multibase,
    encode_base58btc,
    public_key_from_multikey,
)
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

from .conftest import NOW, write_store
from .helpers import CREATED, badge

SUITES = ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"]
CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
WEB = "did:web:ecdsa.example"
HTTPS = "https://issuer.example/ecdsa"


def _key(curve: str, n: int = 1) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(1000 + n, CURVES[curve])


def _documents(curve: str) -> dict[str, dict[str, Any]]:
    key = _key(curve).public_key()
    web_doc = {
        "id": WEB,
        "verificationMethod": [
            {
                "id": f"{WEB}#jwk",
                "type": "JsonWebKey",
                "controller": WEB,
                "publicKeyJwk": signing.public_jwk(_key(curve)) if curve == "P-256" else _jwk(key),
            },
            {
                "id": f"{WEB}#multikey",
                "type": "Multikey",
                "controller": WEB,
                "publicKeyMultibase": signing.ec_multikey(key),
            },
            {  # listed, but only for authentication: it may not sign credentials
                "id": f"{WEB}#auth",
                "type": "Multikey",
                "controller": WEB,
                "publicKeyMultibase": signing.ec_multikey(key),
            },
        ],
        "assertionMethod": [f"{WEB}#jwk", f"{WEB}#multikey"],
        "authentication": [f"{WEB}#auth"],
    }
    https_doc = {
        "id": HTTPS,
        "verificationMethod": [
            {
                "id": f"{HTTPS}#key-1",
                "type": "JsonWebKey2020",
                "controller": HTTPS,
                "publicKeyJwk": _jwk(key),
            }
        ],
        "assertionMethod": [f"{HTTPS}#key-1"],
    }
    return {"https://ecdsa.example/.well-known/did.json": web_doc, HTTPS: https_doc}


def _jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers, size = key.public_numbers(), (key.curve.key_size + 7) // 8
    return {
        "kty": "EC",
        "crv": curve_name(key),
        "x": signing.b64url(numbers.x.to_bytes(size, "big")),
        "y": signing.b64url(numbers.y.to_bytes(size, "big")),
    }


@pytest.fixture(scope="module", params=list(CURVES))
def curve(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, curve: str, contexts_dir: Path
) -> DocumentStore:
    directory = write_store(tmp_path_factory.mktemp(f"ecdsa-{curve}"), _documents(curve))
    return DocumentStore([directory, contexts_dir])


def _verify(doc: dict[str, Any], store: DocumentStore) -> Report:
    return Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW)).verify(doc, "t")[0]


def _signed(issuer: str, vm: str, suite: str, key: Any, store: DocumentStore) -> dict[str, Any]:
    return signing.sign_data_integrity(badge(issuer), key, vm, suite, CREATED, store)


@pytest.mark.parametrize("suite", SUITES)
def test_did_key_credential_verifies(curve: str, suite: str, store: DocumentStore) -> None:
    key = _key(curve)
    did = signing.did_key(key.public_key())
    assert did.startswith("did:key:zDn" if curve == "P-256" else "did:key:z82")
    doc = _signed(did, signing.did_key_verification_method(did), suite, key, store)
    report = _verify(doc, store)
    assert report.valid and verdict(report) == "verified", report.to_json()
    assert len(decode_multibase(doc["proof"]["proofValue"])) == (64 if curve == "P-256" else 96)


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    ("issuer", "vm"), [(WEB, f"{WEB}#jwk"), (WEB, f"{WEB}#multikey"), (HTTPS, f"{HTTPS}#key-1")]
)
def test_controller_document_methods(
    curve: str, suite: str, issuer: str, vm: str, store: DocumentStore
) -> None:
    report = _verify(_signed(issuer, vm, suite, _key(curve), store), store)
    assert report.valid, report.to_json()
    assert report.check("key_binding").ok is True  # type: ignore[union-attr]


def test_a_method_not_for_assertions_is_unbound(curve: str, store: DocumentStore) -> None:
    report = _verify(_signed(WEB, f"{WEB}#auth", "ecdsa-rdfc-2019", _key(curve), store), store)
    assert report.check("proof").ok is True  # type: ignore[union-attr]
    binding = report.check("key_binding")
    assert (
        binding is not None and binding.ok is False and "not an assertionMethod" in binding.detail
    )
    assert verdict(report) == "invalid"


@pytest.mark.parametrize("suite", SUITES)
def test_another_key_is_a_signature_mismatch(curve: str, suite: str, store: DocumentStore) -> None:
    report = _verify(_signed(WEB, f"{WEB}#multikey", suite, _key(curve, 2), store), store)
    proof = report.check("proof")
    assert proof is not None and proof.ok is False and proof.code == "bad_signature"
    assert report.check("key_binding").ok is True  # type: ignore[union-attr]


@pytest.mark.parametrize("suite", SUITES)
def test_an_ed25519_key_does_not_fit_an_ecdsa_suite(suite: str, contexts_dir: Path) -> None:
    from .helpers import did_key_signed, seed_key

    store = DocumentStore([contexts_dir])
    doc = did_key_signed(badge("x"), seed_key(3), "eddsa-rdfc-2022", store)
    doc["issuer"]["id"] = doc["proof"]["verificationMethod"].split("#")[0]
    doc["proof"]["cryptosuite"] = suite
    report = _verify(doc, store)
    proof = report.check("proof")
    assert proof is not None and proof.ok is False and "needs a P-256 or P-384 key" in proof.detail


def test_multikey_decoding_is_strict() -> None:
    p256 = signing.ec_multikey(_key("P-256").public_key())
    p384 = signing.ec_multikey(_key("P-384").public_key())
    assert curve_name(public_key_from_multikey(p256)) == "P-256"
    assert curve_name(public_key_from_multikey(p384)) == "P-384"
    raw = decode_multibase(p384)
    liar = encode_base58btc(b"\x80\x24" + raw[2:])  # a P-384 point claiming P-256
    with pytest.raises(KeyFormatError, match="not a compressed P-256 point"):
        public_key_from_multikey(liar)
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = _key("P-256").public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    with pytest.raises(KeyFormatError, match="compressed"):
        public_key_from_multikey(encode_base58btc(b"\x80\x24" + point))
    off_curve = encode_base58btc(b"\x80\x24\x02" + b"\xff" * 32)
    with pytest.raises(KeyFormatError):
        public_key_from_multikey(off_curve)

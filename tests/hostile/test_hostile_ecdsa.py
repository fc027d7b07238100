"""Hostile ECDSA input: wrong curves and key lengths, keys that lie about their curve, and
malformed or rearranged ecdsa-sd-2023 derived proofs get clean verdicts, never a crash, and
never ``valid``."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import decode_multibase, encode_base58btc
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from tests.hostile.conftest import CREATED, NOW, badge, write_store
from tests.hostile.support import HOSTILE
from tests.hostile.test_hostile_verifier import refused, reports_of

VECTORS = Path(__file__).parents[1] / "fixtures" / "w3c-vectors" / "vc-di-ecdsa"
SD_REVEAL = VECTORS / "ecdsa-sd-2023" / "employ" / "derivedRevealDocument.json"
ISSUER = "https://hostile-ecdsa.example/issuer"


def _p(curve: ec.EllipticCurve, n: int = 7) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(4242 + n, curve)


@pytest.fixture(scope="module")
def offline() -> Verifier:
    return Verifier(VerifyOptions(DocumentStore([]), TrustRegistry.empty(), now=NOW))


def _did_key_signed(key: ec.EllipticCurvePrivateKey, suite: str, contexts: Path) -> dict[str, Any]:
    did = signing.did_key(key.public_key())
    store = DocumentStore([contexts])
    return signing.sign_data_integrity(
        badge(did), key, signing.did_key_verification_method(did), suite, CREATED, store
    )


def _with_did_key(doc: dict[str, Any], multikey: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["issuer"]["id"] = f"did:key:{multikey}"
    out["proof"]["verificationMethod"] = f"did:key:{multikey}#{multikey}"
    return out


@pytest.fixture(scope="module")
def p256_credential(contexts_dir: Path) -> dict[str, Any]:
    return _did_key_signed(_p(ec.SECP256R1()), "ecdsa-rdfc-2019", contexts_dir)


@pytest.fixture(scope="module")
def verifier(contexts_dir: Path) -> Verifier:
    return Verifier(VerifyOptions(DocumentStore([contexts_dir]), TrustRegistry.empty(), now=NOW))


def test_baseline_verifies(verifier: Verifier, p256_credential: dict[str, Any]) -> None:
    assert reports_of(verifier, p256_credential)[0].valid


def test_keys_that_lie_about_their_curve(
    verifier: Verifier, p256_credential: dict[str, Any]
) -> None:
    p384 = decode_multibase(signing.ec_multikey(_p(ec.SECP384R1()).public_key()))
    p256 = decode_multibase(p256_credential["issuer"]["id"][len("did:key:") :])
    k1 = ec.derive_private_key(99, ec.SECP256K1()).public_key()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    secp256k1 = k1.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    liars = {
        "P-384 point claiming P-256": b"\x80\x24" + p384[2:],
        "P-256 point claiming P-384": b"\x81\x24" + p256[2:],
        "short P-256 key": p256[:-1],
        "long P-256 key": p256 + b"\x00",
        "uncompressed prefix": b"\x80\x24\x04" + p256[3:],
        "not on the curve": b"\x80\x24\x02" + b"\xff" * 32,
        "secp256k1 multicodec": b"\xe7\x01" + secp256k1,
        "secp256k1 point as P-256": b"\x80\x24" + secp256k1,
        "empty key": b"\x80\x24",
    }
    for what, raw in liars.items():
        report = refused(verifier, _with_did_key(p256_credential, encode_base58btc(raw)))
        proof = report.check("proof")
        assert proof is not None and proof.ok is False, what
        assert proof.code in ("bad_method", "bad_signature"), (what, proof)


def test_signatures_of_the_wrong_length_or_curve(
    verifier: Verifier, p256_credential: dict[str, Any], contexts_dir: Path
) -> None:
    signature = decode_multibase(p256_credential["proof"]["proofValue"])
    for what, value in {
        "P-384 length on a P-256 key": signature + signature[:32],
        "truncated": signature[:63],
        "empty": b"",
        "all zero": bytes(64),
        "r and s of n": bytes.fromhex(
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
        )
        * 2,
    }.items():
        doc = copy.deepcopy(p256_credential)
        doc["proof"]["proofValue"] = encode_base58btc(value) if value else "z"
        report = refused(verifier, doc)
        assert report.check("proof").ok is False, what  # type: ignore[union-attr]
    # A P-384 signature presented as ecdsa-jcs-2019 on a P-256-suite document: a mismatch.
    p384 = _did_key_signed(_p(ec.SECP384R1()), "ecdsa-jcs-2019", contexts_dir)
    swapped = copy.deepcopy(p384)
    swapped["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    refused(verifier, swapped, "bad_signature")


def test_jwk_methods_with_wrong_curves(tmp_path: Path, contexts_dir: Path) -> None:
    key = _p(ec.SECP256R1())
    good = signing.public_jwk(key)
    jwks: dict[str, dict[str, Any]] = {
        "P-521 named": {**good, "crv": "P-521"},
        "secp256k1 named": {**good, "crv": "secp256k1"},
        "P-384 claiming P-256 coordinates": {**good, "crv": "P-384"},
        "short x": {**good, "x": good["x"][:-2]},
        "x not base64url": {**good, "x": "!!!"},
        "x a number": {**good, "x": 5},
        "no y": {k: v for k, v in good.items() if k != "y"},
        "point off the curve": {**good, "y": good["x"]},
        "OKP with an EC key": {"kty": "OKP", "crv": "Ed25519", "x": good["x"]},
        "RSA type": {"kty": "RSA", "n": good["x"], "e": "AQAB"},
    }
    for what, jwk in jwks.items():
        document = {
            "id": ISSUER,
            "verificationMethod": [
                {
                    "id": f"{ISSUER}#k",
                    "type": "JsonWebKey",
                    "controller": ISSUER,
                    "publicKeyJwk": jwk,
                }
            ],
            "assertionMethod": [f"{ISSUER}#k"],
        }
        store = DocumentStore(
            [write_store(tmp_path / what.replace(" ", "-"), {ISSUER: document}), contexts_dir]
        )
        doc = signing.sign_data_integrity(
            badge(ISSUER), key, f"{ISSUER}#k", "ecdsa-rdfc-2019", CREATED, store
        )
        verifier = Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW))
        report = refused(verifier, doc)
        assert report.check("proof").ok is False, what  # type: ignore[union-attr]


# --- ecdsa-sd-2023 ----------------------------------------------------------------------------


def _reveal() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SD_REVEAL.read_text(encoding="utf-8"))
    return doc


def _components(doc: dict[str, Any]) -> list[Any]:
    raw = decode_multibase(doc["proof"]["proofValue"])
    components: list[Any] = cbor2.loads(raw[3:])
    return components


def _with_proof_value(doc: dict[str, Any], raw: bytes) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return out


def _with_components(doc: dict[str, Any], components: Any) -> dict[str, Any]:
    return _with_proof_value(doc, b"\xd9\x5d\x01" + cbor2.dumps(components))


def _sd_refused(verifier: Verifier, doc: dict[str, Any], what: str) -> None:
    report = refused(verifier, doc)
    proof = report.check("proof")
    assert proof is not None and proof.ok is False, (what, report.to_json())
    assert proof.code in ("bad_proof", "bad_signature"), (what, proof)


def test_the_sd_baseline_proof_verifies(offline: Verifier) -> None:
    report = reports_of(offline, _reveal())[0]
    assert report.check("proof").ok is True  # type: ignore[union-attr]


def test_malformed_derived_proofs(offline: Verifier) -> None:
    doc = _reveal()
    raw = decode_multibase(doc["proof"]["proofValue"])
    parts = _components(doc)
    bad_values: dict[str, Any] = {
        "base58 instead of base64url": "z" + doc["proof"]["proofValue"][1:],
        "not a string": 12,
        "header only": "u2V0B",
        "unknown header": "u" + base64.urlsafe_b64encode(b"\xd9\x5d\x07" + raw[3:]).decode(),
        "truncated CBOR": "u" + base64.urlsafe_b64encode(raw[:40]).decode().rstrip("="),
        "trailing bytes": "u" + base64.urlsafe_b64encode(raw + b"\x00").decode().rstrip("="),
        "not base64": "u!!!!",
    }
    for what, value in bad_values.items():
        changed = copy.deepcopy(doc)
        changed["proof"]["proofValue"] = value
        _sd_refused(offline, changed, what)
    base, public, sigs, labels, indexes = parts
    shapes: dict[str, Any] = {
        "four components": parts[:4],
        "six components": [*parts, []],
        "a map": {"a": 1},
        "short base signature": [base[:63], public, sigs, labels, indexes],
        "P-384 ephemeral key": [base, b"\x81\x24" + public[2:] + bytes(16), sigs, labels, indexes],
        "ephemeral key off the curve": [
            base,
            b"\x80\x24\x02" + b"\xff" * 32,
            sigs,
            labels,
            indexes,
        ],
        "signature of 63 bytes": [base, public, [sigs[0][:63], *sigs[1:]], labels, indexes],
        "signatures not a list": [base, public, sigs[0], labels, indexes],
        "label map with text keys": [
            base,
            public,
            sigs,
            {f"c14n{k}": v for k, v in labels.items()},
            indexes,
        ],
        "label of 31 bytes": [base, public, sigs, {k: v[:31] for k, v in labels.items()}, indexes],
        "negative index": [base, public, sigs, labels, [-1, *indexes]],
        "index not an int": [base, public, sigs, labels, ["0"]],
        "tagged index": [base, public, sigs, labels, [cbor2.CBORTag(2, b"\x01")]],
    }
    for what, components in shapes.items():
        _sd_refused(offline, _with_components(doc, components), what)


def test_mandatory_index_and_label_tricks(offline: Verifier) -> None:
    doc = _reveal()
    base, public, sigs, labels, indexes = _components(doc)
    keys = list(labels)
    tricks: dict[str, list[Any]] = {
        "no mandatory statements": [base, public, sigs, labels, []],
        "a disclosed statement claimed mandatory": [
            base,
            public,
            sigs[1:],
            labels,
            sorted({*indexes, 1}),
        ],
        "a mandatory statement claimed disclosed": [
            base,
            public,
            [sigs[0], *sigs],
            labels,
            indexes[1:],
        ],
        "indexes shifted": [base, public, sigs, labels, [i + 1 for i in indexes]],
        "signatures reordered": [base, public, sigs[::-1], labels, indexes],
        "labels swapped": [
            base,
            public,
            sigs,
            dict(zip(keys, list(labels.values())[::-1], strict=True)),
            indexes,
        ],
        "a label dropped": [base, public, sigs, {keys[0]: labels[keys[0]]}, indexes],
        "no labels": [base, public, sigs, {}, indexes],
        "another base signature": [sigs[0], public, sigs, labels, indexes],
    }
    for what, components in tricks.items():
        report = refused(offline, _with_components(doc, components))
        proof = report.check("proof")
        assert proof is not None and proof.ok is False and proof.code == "bad_signature", (
            what,
            proof,
        )
    # Indexes that change nothing signed are refused as malformed: one way to write a proof.
    for what, changed in {
        "duplicate index": [indexes[0], *indexes],
        "unsorted": indexes[::-1],
        "an extra index past the end": [*indexes, 10_000],
        "the last index moved past the end": [*indexes[:-1], 10_000],
        "huge index": [*indexes, 2**62],
    }.items():
        report = refused(offline, _with_components(doc, [base, public, sigs, labels, changed]))
        proof = report.check("proof")
        assert proof is not None and proof.code == "bad_proof", (what, proof)


@HOSTILE
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.binary(max_size=80) | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=6) | st.dictionaries(st.integers(0, 9), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_cbor_payload_gets_a_clean_verdict(offline: Verifier, payload: Any) -> None:
    refused(offline, _with_components(_reveal(), payload))


@HOSTILE
@given(st.binary(max_size=300))
def test_any_bytes_after_the_header_get_a_clean_verdict(offline: Verifier, tail: bytes) -> None:
    refused(offline, _with_proof_value(_reveal(), b"\xd9\x5d\x01" + tail))

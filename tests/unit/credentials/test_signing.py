"""signing.py round trips through the verifier: rdfc, jcs, VC-JWT, status lists, did:web."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore, did_web_url
from credmatch.credentials.key_codec import decode_multibase
from credmatch.credentials.model import verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

from .conftest import write_store
from .helpers import badge, did_key_signed, seed_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _verifier(*dirs: Path, contexts_dir: Path, trust: TrustRegistry | None = None) -> Verifier:
    return Verifier(
        VerifyOptions(DocumentStore([*dirs, contexts_dir]), trust or TrustRegistry.empty(), now=NOW)
    )


def test_keypair_is_deterministic_and_did_key_is_ed25519() -> None:
    a, b = seed_key(1), seed_key(1)
    did = signing.did_key(a.public_key())
    assert did == signing.did_key(b.public_key()) and did.startswith("did:key:z6Mk")
    assert did != signing.did_key(seed_key(2).public_key())
    assert signing.did_key_verification_method(did) == f"{did}#{did[8:]}"
    with pytest.raises(ValueError):
        signing.keypair_from_seed(b"short")


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_data_integrity_round_trip(suite: str, contexts_dir: Path) -> None:
    key = seed_key(3)
    did = signing.did_key(key.public_key())
    store = DocumentStore([contexts_dir])
    signed = did_key_signed(badge(did), key, suite, store)
    trust = TrustRegistry({did: "Test Issuer"})
    report = _verifier(contexts_dir=contexts_dir, trust=trust).verify(signed, "mem")[0]
    assert report.valid and verdict(report) == "verified", report.to_json()
    assert report.credential is not None and report.credential.proof_suite == suite
    assert report.check("issuer") is not None and report.check("issuer").ok is True  # type: ignore[union-attr]


def test_second_proof_is_appended_and_both_verify(contexts_dir: Path) -> None:
    key = seed_key(4)
    did = signing.did_key(key.public_key())
    store = DocumentStore([contexts_dir])
    twice = did_key_signed(
        did_key_signed(badge(did), key, "eddsa-rdfc-2022", store), key, "eddsa-jcs-2022", store
    )
    assert len(twice["proof"]) == 2
    report = _verifier(contexts_dir=contexts_dir).verify(twice, "mem")[0]
    assert report.valid, report.to_json()


def test_did_web_round_trip(tmp_path: Path, contexts_dir: Path) -> None:
    key = seed_key(5)
    did = "did:web:issuer.example:badges"
    assert did_web_url(did) == "https://issuer.example/badges/did.json"
    assert did_web_url("did:web:issuer.example") == "https://issuer.example/.well-known/did.json"
    document = signing.multikey_document(did, key.public_key())
    write_store(tmp_path, {did_web_url(did): document})
    store = DocumentStore([tmp_path, contexts_dir])
    signed = signing.sign_data_integrity(
        badge(did),
        key,
        document["assertionMethod"][0],
        "eddsa-rdfc-2022",
        "2024-01-01T00:00:00Z",
        store,
    )
    report = _verifier(tmp_path, contexts_dir=contexts_dir).verify(signed, "mem")[0]
    assert report.valid, report.to_json()


def test_vc_jwt_round_trip(contexts_dir: Path) -> None:
    key = seed_key(6)
    did = signing.did_key(key.public_key())
    token = signing.sign_vc_jwt(
        badge(did, validUntil="2030-01-01T00:00:00Z"), key, signing.did_key_verification_method(did)
    )
    report = _verifier(contexts_dir=contexts_dir).verify(token, "token")[0]
    assert report.valid, report.to_json()
    assert report.credential is not None and report.credential.proof_suite == "VC-JWT/EdDSA"
    header, _payload, sig = token.split(".")
    forged = signing.sign_vc_jwt(
        badge(did, name="Other"), seed_key(7), signing.did_key_verification_method(did)
    )
    spliced = f"{header}.{forged.split('.')[1]}.{sig}"
    bad = _verifier(contexts_dir=contexts_dir).verify(spliced, "token")[0]
    assert bad.check("proof").ok is False and verdict(bad) == "invalid"  # type: ignore[union-attr]


def test_bitstring_list_bits_are_msb_first() -> None:
    listing = signing.bitstring_status_list_credential(
        "https://s.example/1", "did:example:i", [0, 9], size=16
    )
    bits = gzip.decompress(decode_multibase(listing["credentialSubject"]["encodedList"]))
    assert bits == bytes([0b1000_0000, 0b0100_0000])
    with pytest.raises(ValueError):
        signing.bitstring_status_list_credential(
            "https://s.example/1", "did:example:i", [16], size=16
        )

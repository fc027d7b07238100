"""Each kind of tampering is caught by the check responsible for it."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

from .conftest import write_store
from .helpers import CREATED, badge, did_key_signed, seed_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)
LIST_URL = "https://status.example/lists/1"


@pytest.fixture(scope="module")
def key() -> Any:
    return seed_key(10)


@pytest.fixture(scope="module")
def did(key: Any) -> str:
    return signing.did_key(key.public_key())


@pytest.fixture(scope="module")
def store(contexts_dir: Path) -> DocumentStore:
    return DocumentStore([contexts_dir])


def _check(report: Report, name: str) -> Any:
    check = report.check(name)
    assert check is not None
    return check


def _verify(doc: dict[str, Any] | str, store: DocumentStore, strict: bool = False) -> Report:
    return Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW, strict=strict)).verify(
        doc, "t"
    )[0]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_changed_signed_field(suite: str, key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(badge(did), key, suite, store)
    assert _verify(signed, store).valid
    signed["credentialSubject"]["achievement"]["name"] = "Rocket science"
    report = _verify(signed, store)
    assert (
        _check(report, "proof").ok is False and "does not match" in _check(report, "proof").detail
    )
    assert verdict(report) == "invalid"


def test_added_undefined_term(key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(badge(did), key, "eddsa-rdfc-2022", store)
    signed["credentialSubject"]["achievement"]["secretLevel"] = "expert"
    report = _verify(signed, store)
    context = _check(report, "context")
    assert context.ok is False and "secretLevel" in context.detail
    assert _check(report, "proof").ok is False and verdict(report) == "invalid"


def test_added_relative_iri(key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(badge(did), key, "eddsa-rdfc-2022", store)
    signed["credentialSubject"]["achievement"]["id"] = "achievements/python"
    report = _verify(signed, store)
    context = _check(report, "context")
    assert context.ok is False and "relative IRI" in context.detail


def test_swapped_key(key: Any, did: str, store: DocumentStore) -> None:
    other = seed_key(11)
    other_did = signing.did_key(other.public_key())
    # Signed with `key`, but claims to be by `other`'s verification method and issuer.
    signed = signing.sign_data_integrity(
        badge(other_did),
        key,
        signing.did_key_verification_method(other_did),
        "eddsa-rdfc-2022",
        CREATED,
        store,
    )
    report = _verify(signed, store)
    assert _check(report, "proof").ok is False and verdict(report) == "invalid"


def test_issuer_key_mismatch(key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(
        badge("https://university.example/issuer"), key, "eddsa-rdfc-2022", store
    )
    report = _verify(signed, store)
    # The signature itself is good; the key is not the issuer's.
    assert _check(report, "proof").ok is True
    binding = _check(report, "key_binding")
    assert binding.ok is False and "not by the issuer" in binding.detail
    assert binding.code == "key_mismatch" and verdict(report) == "invalid" and not report.valid


def test_tampered_with_unbound_key_reports_both(key: Any, store: DocumentStore) -> None:
    signed = did_key_signed(
        badge("https://university.example/issuer"), key, "eddsa-rdfc-2022", store
    )
    signed["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    report = _verify(signed, store)
    proof, binding = _check(report, "proof"), _check(report, "key_binding")
    assert proof.ok is False and proof.code == "bad_signature", proof
    assert binding.ok is False and "not by the issuer" in binding.detail, binding
    assert verdict(report) == "invalid"


def test_wrong_cryptosuite_name(key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(badge(did), key, "eddsa-rdfc-2022", store)
    swapped = copy.deepcopy(signed)
    swapped["proof"]["cryptosuite"] = "eddsa-jcs-2022"
    assert _check(_verify(swapped, store), "proof").code == "bad_signature"
    unknown = copy.deepcopy(signed)
    unknown["proof"]["cryptosuite"] = "eddsa-rdfc-2099"
    report = _verify(unknown, store)
    assert _check(report, "proof").code == "unsupported_suite" and verdict(report) == "unverifiable"


def test_truncated_proof_value(key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(badge(did), key, "eddsa-rdfc-2022", store)
    signed["proof"]["proofValue"] = signed["proof"]["proofValue"][:-10]
    proof = _check(_verify(signed, store), "proof")
    assert proof.ok is False and "64" in proof.detail


def test_expired_and_not_yet_valid(key: Any, did: str, store: DocumentStore) -> None:
    expired = did_key_signed(
        badge(did, validUntil="2024-06-01T00:00:00Z"), key, "eddsa-rdfc-2022", store
    )
    report = _verify(expired, store)
    assert verdict(report) == "expired" and "2024-06-01" in _check(report, "validity_period").detail
    future = did_key_signed(
        badge(did, validFrom="2030-01-01T00:00:00Z"), key, "eddsa-jcs-2022", store
    )
    assert verdict(_verify(future, store)) == "not_yet_valid"


def _status_entry(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
    }


@pytest.fixture(scope="module")
def status_store(
    tmp_path_factory: pytest.TempPathFactory, key: Any, did: str, contexts_dir: Path
) -> DocumentStore:
    store = DocumentStore([contexts_dir])
    listing = signing.bitstring_status_list_credential(LIST_URL, did, [5, 70000])
    signed_list = did_key_signed(listing, key, "eddsa-rdfc-2022", store)
    directory = write_store(tmp_path_factory.mktemp("status"), {LIST_URL: signed_list})
    return DocumentStore([directory, contexts_dir])


@pytest.mark.parametrize(
    ("index", "expected"), [(5, "revoked"), (70000, "revoked"), (4, "verified"), (6, "verified")]
)
def test_revocation(
    index: int, expected: str, key: Any, did: str, status_store: DocumentStore
) -> None:
    signed = did_key_signed(
        badge(did, credentialStatus=_status_entry(index)), key, "eddsa-rdfc-2022", status_store
    )
    report = _verify(signed, status_store)
    assert verdict(report) == expected, report.to_json()
    if expected == "revoked":
        assert (
            LIST_URL in _check(report, "status").detail
            and f"index {index}" in _check(report, "status").detail
        )


def test_status_list_with_bad_proof_is_rejected(
    tmp_path: Path, key: Any, did: str, contexts_dir: Path
) -> None:
    store = DocumentStore([contexts_dir])
    listing = did_key_signed(
        signing.bitstring_status_list_credential(LIST_URL, did, [5]), key, "eddsa-rdfc-2022", store
    )
    listing["credentialSubject"]["encodedList"] = signing.bitstring_status_list_credential(
        LIST_URL, did, []
    )["credentialSubject"]["encodedList"]  # "unrevoke" index 5 without re-signing
    tampered = DocumentStore([write_store(tmp_path, {LIST_URL: listing}), contexts_dir])
    signed = did_key_signed(
        badge(did, credentialStatus=_status_entry(5)), key, "eddsa-rdfc-2022", tampered
    )
    status = _check(_verify(signed, tampered), "status")
    assert status.ok is False and "proof does not verify" in status.detail


def test_strict_requires_known_status_and_issuer(key: Any, did: str, store: DocumentStore) -> None:
    signed = did_key_signed(badge(did), key, "eddsa-rdfc-2022", store)
    assert _verify(signed, store).valid is True
    strict = _verify(signed, store, strict=True)
    assert strict.valid is False and verdict(strict) == "unverifiable"

"""Status list credentials are checked per Bitstring Status List v1.0: their own proof,
validity period (at the verifier's now), type and purpose; a list signed by another issuer
counts only when the trust registry names it a status issuer for the credential's issuer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.model import Check, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.errors import ConfigError

from .conftest import write_store
from .helpers import badge, did_key_signed, seed_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)
BASE = "https://status.example/lists/"
REVOKED = 9
SL = "https://w3id.org/vc/status-list#"
# The StatusList2021 terms (W3C CCG report), inline: its context is not bundled.
STATUS_LIST_2021_TERMS = {
    "StatusList2021Credential": SL + "StatusList2021Credential",
    "StatusList2021": {
        "@id": SL + "StatusList2021",
        "@context": {"statusPurpose": SL + "statusPurpose", "encodedList": SL + "encodedList"},
    },
}


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    return {"issuer": seed_key(41), "registry": seed_key(42)}


@pytest.fixture(scope="module")
def dids(keys: dict[str, Any]) -> dict[str, str]:
    return {name: signing.did_key(key.public_key()) for name, key in keys.items()}


def _list(url: str, issuer: str, **changes: Any) -> dict[str, Any]:
    doc = signing.bitstring_status_list_credential(url, issuer, [REVOKED])
    doc.update(changes)
    return doc


def _lists(dids: dict[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """URL -> (signer, unsigned list)."""
    issuer, registry = dids["issuer"], dids["registry"]
    v1 = _list(BASE + "v1", issuer, type=["VerifiableCredential", "StatusList2021Credential"])
    v1["@context"] = [*v1["@context"], STATUS_LIST_2021_TERMS]
    v1["credentialSubject"]["type"] = "StatusList2021"
    return {
        BASE + "good": ("issuer", _list(BASE + "good", issuer, validFrom="2024-01-01T00:00:00Z")),
        BASE + "expired": (
            "issuer",
            _list(BASE + "expired", issuer, validUntil="2024-06-01T00:00:00Z"),
        ),
        BASE + "future": (
            "issuer",
            _list(BASE + "future", issuer, validFrom="2026-01-01T00:00:00Z"),
        ),
        BASE + "mistyped": (
            "issuer",
            _list(BASE + "mistyped", issuer, type=["VerifiableCredential"]),
        ),
        BASE + "v1": ("issuer", v1),
        BASE + "registry": ("registry", _list(BASE + "registry", registry)),
        BASE + "claims-issuer": ("registry", _list(BASE + "claims-issuer", issuer)),
    }


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory,
    keys: dict[str, Any],
    dids: dict[str, str],
    contexts_dir: Path,
) -> DocumentStore:
    plain = DocumentStore([contexts_dir])
    signed = {
        url: did_key_signed(doc, keys[signer], "eddsa-rdfc-2022", plain)
        for url, (signer, doc) in _lists(dids).items()
    }
    return DocumentStore([write_store(tmp_path_factory.mktemp("lists"), signed), contexts_dir])


def _status(
    store: DocumentStore,
    keys: dict[str, Any],
    dids: dict[str, str],
    name: str,
    index: int = 3,
    trust: TrustRegistry | None = None,
    entry_type: str = "BitstringStatusListEntry",
) -> Check:
    entry = {
        "id": f"{BASE}{name}#{index}",
        "type": entry_type,
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": BASE + name,
    }
    doc = did_key_signed(
        badge(dids["issuer"], credentialStatus=entry), keys["issuer"], "eddsa-rdfc-2022", store
    )
    options = VerifyOptions(store, trust or TrustRegistry.empty(), now=NOW)
    report = Verifier(options).verify(doc, name)[0]
    check = report.check("status")
    assert check is not None
    if check.ok is False:
        assert verdict(report) in ("revoked", "invalid") and not report.valid
    return check


def test_a_list_in_force_answers(store: DocumentStore, keys: Any, dids: Any) -> None:
    assert _status(store, keys, dids, "good").ok is True
    revoked = _status(store, keys, dids, "good", index=REVOKED)
    assert revoked.ok is False and revoked.code == "revoked"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("expired", "the list expired on 2024-06-01"),
        ("future", "the list is not valid until 2026-01-01"),
        ("mistyped", "a BitstringStatusListEntry must point at a BitstringStatusListCredential"),
    ],
)
def test_unusable_lists_make_status_false(
    store: DocumentStore, keys: Any, dids: Any, name: str, reason: str
) -> None:
    check = _status(store, keys, dids, name)
    assert check.ok is False and check.code == "bad_status" and reason in check.detail, check
    assert BASE + name in check.detail


def test_the_list_is_judged_at_the_verifiers_now(
    store: DocumentStore, keys: Any, dids: Any
) -> None:
    doc = did_key_signed(
        badge(
            dids["issuer"],
            credentialStatus={
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "3",
                "statusListCredential": BASE + "expired",
            },
        ),
        keys["issuer"],
        "eddsa-rdfc-2022",
        store,
    )
    then = datetime(2024, 3, 1, tzinfo=UTC)
    report = Verifier(VerifyOptions(store, TrustRegistry.empty(), now=then)).verify(doc, "t")[0]
    assert report.check("status").ok is True  # type: ignore[union-attr]


def test_entry_and_list_types_must_pair(store: DocumentStore, keys: Any, dids: Any) -> None:
    assert _status(store, keys, dids, "v1", entry_type="StatusList2021Entry").ok is True
    wrong = _status(store, keys, dids, "v1")
    assert wrong.ok is False and "must point at a BitstringStatusListCredential" in wrong.detail
    wrong = _status(store, keys, dids, "good", entry_type="StatusList2021Entry")
    assert wrong.ok is False and "must point at a StatusList2021Credential" in wrong.detail


def test_another_signer_needs_the_registry(store: DocumentStore, keys: Any, dids: Any) -> None:
    issuer, registry = dids["issuer"], dids["registry"]
    refused = _status(store, keys, dids, "registry")
    assert refused.ok is False and issuer in refused.detail and registry in refused.detail
    assert "does not list" in refused.detail
    trust = TrustRegistry({issuer: "Issuer"}, {issuer: [registry]})
    accepted = _status(store, keys, dids, "registry", trust=trust)
    assert accepted.ok is True and f"signed by {registry}" in accepted.detail, accepted
    revoked = _status(store, keys, dids, "registry", index=REVOKED, trust=trust)
    assert revoked.ok is False and revoked.code == "revoked"
    # Listed for another issuer only: still refused.
    elsewhere = TrustRegistry({issuer: "Issuer"}, {"did:web:other.example": [registry]})
    assert _status(store, keys, dids, "registry", trust=elsewhere).ok is False


def test_a_list_naming_our_issuer_signed_by_another_key(
    store: DocumentStore, keys: Any, dids: Any
) -> None:
    check = _status(store, keys, dids, "claims-issuer")
    assert check.ok is False and "signing key is not its issuer's" in check.detail, check
    assert "not by the issuer" in check.detail


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"statusPurpose": "message"}, "statusPurpose 'message' is not supported"),
        ({"statusSize": 2}, "statusSize 2 is not supported"),
    ],
)
def test_unsupported_entries_are_unknown(
    store: DocumentStore, keys: Any, dids: Any, change: dict[str, Any], reason: str
) -> None:
    entry = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": BASE + "good",
        **change,
    }
    doc = did_key_signed(
        badge(dids["issuer"], credentialStatus=entry), keys["issuer"], "eddsa-rdfc-2022", store
    )
    verifier = Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW))
    check = verifier.verify(doc, "t")[0].check("status")
    assert check is not None and check.ok is None and reason in check.detail
    # Beside an entry credmatch can read, it is noted and does not make status unknown.
    readable = {**entry, "statusPurpose": "revocation", "statusSize": 1}
    both = did_key_signed(
        badge(dids["issuer"], credentialStatus=[entry, readable]),
        keys["issuer"],
        "eddsa-rdfc-2022",
        store,
    )
    check = verifier.verify(both, "t")[0].check("status")
    assert check is not None and check.ok is True and reason in check.detail, check


def test_registry_file_with_status_issuers(tmp_path: Path) -> None:
    path = tmp_path / "trust.json"
    path.write_text(
        json.dumps({"issuers": [{"id": "did:web:a.example", "statusIssuers": ["did:web:dcc"]}]})
    )
    registry = TrustRegistry.from_file(path)
    assert registry.status_issuers("did:web:a.example") == {"did:web:dcc"}
    assert registry.status_issuers("did:web:b.example") == frozenset()
    path.write_text(json.dumps({"issuers": [{"id": "did:web:a", "statusIssuers": "did:web:x"}]}))
    with pytest.raises(ConfigError, match=r"issuers\[0\].statusIssuers"):
        TrustRegistry.from_file(path)

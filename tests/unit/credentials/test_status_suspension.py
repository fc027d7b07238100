"""BitstringStatusListEntry with statusPurpose "suspension", alone and beside revocation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.services.rows import graph_verdict

from .conftest import write_store
from .helpers import badge, did_key_signed, seed_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)
SUSPENSION_URL = "https://status.example/lists/suspension"
REVOCATION_URL = "https://status.example/lists/revocation"
SUSPENDED = (5, 70000)  # bits set in the suspension list
REVOKED = (5, 9)  # bits set in the revocation list


@pytest.fixture(scope="module")
def key() -> Any:
    return seed_key(30)


@pytest.fixture(scope="module")
def did(key: Any) -> str:
    return signing.did_key(key.public_key())


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, key: Any, did: str, contexts_dir: Path
) -> DocumentStore:
    plain = DocumentStore([contexts_dir])
    lists = {
        SUSPENSION_URL: signing.bitstring_status_list_credential(
            SUSPENSION_URL, did, SUSPENDED, purpose="suspension"
        ),
        REVOCATION_URL: signing.bitstring_status_list_credential(REVOCATION_URL, did, REVOKED),
    }
    signed = {url: did_key_signed(doc, key, "eddsa-rdfc-2022", plain) for url, doc in lists.items()}
    return DocumentStore([write_store(tmp_path_factory.mktemp("suspension"), signed), contexts_dir])


def _entry(index: int, purpose: str = "suspension", url: str = SUSPENSION_URL) -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def _verify(status: Any, key: Any, did: str, store: DocumentStore) -> Report:
    signed = did_key_signed(badge(did, credentialStatus=status), key, "eddsa-rdfc-2022", store)
    return Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW)).verify(signed, "t")[0]


def _status(report: Report) -> Any:
    check = report.check("status")
    assert check is not None, report.to_json()
    return check


def test_status_list_purpose_is_written() -> None:
    listing = signing.bitstring_status_list_credential(
        SUSPENSION_URL, "did:example:i", [1], size=8, purpose="suspension"
    )
    assert listing["credentialSubject"]["statusPurpose"] == "suspension"
    default = signing.bitstring_status_list_credential(REVOCATION_URL, "did:example:i", [1], size=8)
    assert default["credentialSubject"]["statusPurpose"] == "revocation"


@pytest.mark.parametrize("index", SUSPENDED)
def test_set_suspension_bit_is_reported_as_suspended(
    index: int, key: Any, did: str, store: DocumentStore
) -> None:
    report = _verify(_entry(index), key, did, store)
    status = _status(report)
    assert status.ok is False and status.code == "suspended"
    assert status.detail == f"suspended per status list {SUSPENSION_URL} at index {index}"
    assert not report.valid
    assert verdict(report) == "suspended" and graph_verdict(report) == "suspended"
    assert report.check("proof").ok is True  # type: ignore[union-attr]
    assert report.credential is not None
    (entry,) = report.credential.status_entries
    assert (entry.purpose, entry.list_url, entry.index) == ("suspension", SUSPENSION_URL, index)


@pytest.mark.parametrize("index", [4, 6, 69999, 131071])
def test_unset_suspension_bit_passes(index: int, key: Any, did: str, store: DocumentStore) -> None:
    report = _verify(_entry(index), key, did, store)
    status = _status(report)
    assert (
        status.ok is True and SUSPENSION_URL in status.detail and f"index {index}" in status.detail
    )
    assert report.valid and verdict(report) == "verified", report.to_json()


def test_suspension_entry_must_point_at_a_suspension_list(
    key: Any, did: str, store: DocumentStore
) -> None:
    # An entry claiming "suspension" on the revocation list (bit 6 unset there) is refused,
    # not read as "not suspended".
    report = _verify(_entry(6, url=REVOCATION_URL), key, did, store)
    status = _status(report)
    assert status.ok is False and status.code == "bad_status"
    assert "'suspension' does not match the list's purpose 'revocation'" in status.detail
    assert not report.valid


@pytest.mark.parametrize(
    ("suspension_index", "revocation_index", "expected", "url", "index"),
    [
        (5, 4, "suspended", SUSPENSION_URL, 5),  # suspended only
        (4, 9, "revoked", REVOCATION_URL, 9),  # revoked only
        (5, 5, "revoked", REVOCATION_URL, 5),  # both: revocation is final, so it is reported
        (4, 4, "verified", None, None),
    ],
)
@pytest.mark.parametrize("suspension_first", [True, False])
def test_suspension_beside_revocation(
    suspension_index: int,
    revocation_index: int,
    expected: str,
    url: str | None,
    index: int | None,
    suspension_first: bool,
    key: Any,
    did: str,
    store: DocumentStore,
) -> None:
    entries = [
        _entry(suspension_index),
        _entry(revocation_index, "revocation", REVOCATION_URL),
    ]
    report = _verify(entries if suspension_first else entries[::-1], key, did, store)
    assert verdict(report) == expected, report.to_json()
    status = _status(report)
    if url is None:
        assert status.ok is True and report.valid
    else:
        assert status.ok is False and status.code == expected
        assert f"{expected} per status list {url} at index {index}" == status.detail

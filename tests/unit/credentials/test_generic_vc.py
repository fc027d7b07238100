"""Any W3C VC (VCDM 1.1 and 2.0) verifies as a VC; OB 3.0 / CLR 2.0 rules apply to their types."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.schema_check import check_schema, kind_of
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.services.credentials import NOT_ACHIEVEMENT, reject_reason

from .conftest import NOW
from .helpers import badge, did_key_signed, seed_key

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def alumni(issuer: str, v1: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC2, EXAMPLES],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "issuer": issuer,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    if v1:
        doc["@context"] = [VC1, {"@vocab": "https://www.w3.org/ns/credentials/examples#"}]
        del doc["validFrom"], doc["name"]
        doc["issuanceDate"] = "2023-01-01T00:00:00Z"
    return doc


@pytest.fixture(scope="module")
def plain_store(contexts_dir: Path) -> DocumentStore:
    return DocumentStore([contexts_dir])


@pytest.fixture(scope="module")
def generic_verifier(plain_store: DocumentStore) -> Verifier:
    return Verifier(VerifyOptions(plain_store, TrustRegistry.empty(), now=NOW))


def _signed(doc: dict[str, Any], suite: str, store: DocumentStore) -> dict[str, Any]:
    from credmatch.credentials import signing

    key = seed_key(7)
    did = signing.did_key(key.public_key())
    return did_key_signed({**doc, "issuer": did}, key, suite, store)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize("v1", [False, True], ids=["vcdm2", "vcdm1.1"])
def test_generic_vc_verifies_with_kind_generic(
    generic_verifier: Verifier, plain_store: DocumentStore, suite: str, v1: bool
) -> None:
    report = generic_verifier.verify(_signed(alumni("x", v1), suite, plain_store), "alumni")[0]
    assert report.valid and verdict(report) == "verified", report.to_json()
    assert report.kind == "generic" and report.to_json()["kind"] == "generic"
    schema = report.check("schema")
    assert schema is not None and "generic" in schema.detail
    # It is a credential, just not an achievement: ingest reports it and loads nothing.
    assert reject_reason(report) == NOT_ACHIEVEMENT


def test_generic_vc_tampered_is_invalid(
    generic_verifier: Verifier, plain_store: DocumentStore
) -> None:
    signed = _signed(alumni("x"), "eddsa-rdfc-2022", plain_store)
    signed["credentialSubject"]["alumniOf"] = "Another School"
    report = generic_verifier.verify(signed, "alumni")[0]
    assert verdict(report) == "invalid" and reject_reason(report) == "proof"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"type": ["AlumniCredential"]}, "VerifiableCredential"),
        ({"credentialSubject": None}, "credentialSubject is missing"),
        ({"credentialSubject": {}}, "empty object"),
        ({"credentialSubject": ["x"]}, "not an object"),
        ({"issuer": None}, "issuer is missing"),
        ({"issuer": {"name": "No id"}}, "issuer is missing"),
        ({"issuer": "not a url"}, "is not a URL"),
        ({"id": "relative/id"}, "is not a URL"),
        ({"validFrom": "yesterday"}, "not an XSD dateTime"),
        ({"validUntil": "2022-01-01T00:00:00Z"}, "before validFrom"),
        ({"credentialStatus": {"id": "https://x.example/s"}}, "credentialStatus[0]"),
        ({"credentialSchema": {"type": "JsonSchema"}}, "credentialSchema[0] must have an id"),
        ({"termsOfUse": [{"id": "https://x.example/t"}]}, "termsOfUse[0]"),
    ],
)
def test_vc_structure_problems(change: dict[str, Any], problem: str) -> None:
    doc = {**alumni("https://vc.example/issuers/5678"), **change}
    check = check_schema({k: v for k, v in doc.items() if v is not None})
    assert check.ok is False and problem in check.detail, check


def test_vcdm_1_1_needs_issuance_date() -> None:
    doc = alumni("https://vc.example/issuers/5678", v1=True)
    assert check_schema(doc).ok is True
    del doc["issuanceDate"]
    check = check_schema(doc)
    assert check.ok is False and "issuanceDate is required" in check.detail


def test_kinds() -> None:
    base = alumni("https://vc.example/i")
    for types, kind in [
        (["VerifiableCredential", "OpenBadgeCredential"], "achievement"),
        (["VerifiableCredential", "AchievementCredential"], "achievement"),
        (["VerifiableCredential", "EndorsementCredential"], "endorsement"),
        (["VerifiableCredential", "ClrCredential"], "clr"),
        (["VerifiableCredential", "AlumniCredential"], "generic"),
        ("VerifiableCredential", "generic"),
    ]:
        assert kind_of({**base, "type": types}) == kind


def test_open_badge_rules_still_apply_to_open_badges() -> None:
    doc = badge("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    broken = copy.deepcopy(doc)
    del broken["credentialSubject"]["achievement"]
    check = check_schema(broken)
    assert check.ok is False and "achievement is missing" in check.detail
    assert check_schema(doc).ok is True and kind_of(doc) == "achievement"


def test_endorsement_is_verified_but_not_loaded(shared: Path, verifier: Verifier) -> None:
    report: Report = verifier.verify_file(shared / "1edtech/ob30/endorsement-valid.json")[0]
    assert report.valid and report.kind == "endorsement"
    assert reject_reason(report) == NOT_ACHIEVEMENT


def test_achievement_and_clr_kinds_on_the_shared_fixtures(shared: Path, verifier: Verifier) -> None:
    assert verifier.verify_file(shared / "1edtech/ob30/simple.json")[0].kind == "achievement"
    reports = verifier.verify_file(shared / "1edtech/clr20/simple.json")
    assert reports[0].kind == "clr" and {r.kind for r in reports[1:]} == {"achievement"}

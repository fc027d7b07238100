"""Every shared 1EdTech / OB 3.0 fixture gets the verdict its upstream test implies.

Where credmatch deliberately differs from 1EdTech's validator the row says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from credmatch.credentials.model import verdict
from credmatch.credentials.verify import Verifier

# (file under credentials/, expected verdict of the first report, check that decides it)
EXPECTED = [
    ("1edtech/ob30/simple.json", "verified", None),
    ("1edtech/ob30/simple_v1.json", "verified", None),
    ("1edtech/ob30/simple-context-alias.json", "verified", None),
    ("1edtech/ob30/simple-context-version.json", "verified", None),
    ("1edtech/ob30/simple-did-web-method.json", "verified", None),
    ("1edtech/ob30/simple-eddsa-2022.json", "verified", None),  # legacy suite name, noted in detail
    ("1edtech/ob30/endorsement-valid.json", "verified", None),
    ("obv3-spec/credential.json", "verified", None),
    ("1edtech/clr20/simple.json", "verified", None),
    # credentialSchema is not evaluated (credmatch checks its own schema, offline), and the
    # 1EdTechRevocationList is not in the store, so status is unknown: verified offline.
    ("1edtech/ob30/complete.json", "verified", None),
    # Stricter than upstream: the did:key that signed it is not the issuer (urn:uuid:...).
    # (its signature verifies; key_binding fails)
    ("1edtech/ob30/simple-did-key-method.json", "invalid", "key_binding"),
    ("1edtech/clr20/simple_v1.json", "verified", None),
    ("1edtech/ob30/complete_v1.json", "invalid", "proof"),  # #key-1 is in no issuer document
    ("1edtech/ob30/credential-status-revoked.json", "unverifiable", "proof"),  # did:web offline
    ("1edtech/ob30/bit-string-list/credential-status-revoked.json", "revoked", "status"),
    (
        "1edtech/ob30/bit-string-list/credential-status-revoked-blank-nodes.json",
        "revoked",
        "status",
    ),
    ("1edtech/ob30/endorsement-err-schema-status-refresh.json", "invalid", "proof"),
    # An ecdsa-sd-2023 derived proof; its P-256 key is in the stand-in issuer document.
    ("1edtech/ob30/sd/derivedcredential.json", "verified", None),
    ("1edtech/ob30/simple-err-context.json", "invalid", "context"),
    (
        "1edtech/ob30/simple-err-credential-subject-achievement-result-description-type.json",
        "invalid",
        "schema",
    ),
    ("1edtech/ob30/simple-err-credential-subject-identifier-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-credential-subject-profile-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-credential-subject-result-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-credential-subject-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-evidence-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-expired.json", "expired", "validity_period"),
    (
        "1edtech/ob30/simple-err-issued.json",
        "invalid",
        "validity_period",
    ),  # also has no achievement
    ("1edtech/ob30/simple-err-issuer-otheridentifier-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-issuer-parentorg-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-issuer-type.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-issuer.json", "invalid", "schema"),
    ("1edtech/ob30/simple-err-proof-method-no-scheme.json", "invalid", "proof"),
    ("1edtech/ob30/simple-err-proof-method-unknown-did-method.json", "unverifiable", "proof"),
    ("1edtech/ob30/simple-err-proof-method-unknown-scheme.json", "invalid", "proof"),
    ("1edtech/ob30/simple-err-proof-method.json", "invalid", "proof"),
    ("1edtech/ob30/simple-err-proof-value.json", "invalid", "proof"),
    # OtherCredential is a generic VC type as far as schema goes; no context defines it.
    ("1edtech/ob30/simple-err-type.json", "invalid", "context"),
    ("1edtech/ob30/simple-multiple-proofs.json", "invalid", "context"),  # SomeProofType undefined
    ("1edtech/ob30/simple-noproof.json", "invalid", "proof"),
    ("1edtech/ob30/simple.jwt", "invalid", "proof"),  # no kid/jwk; old context; no achievement
    ("1edtech/ob30/velocity.jwt", "invalid", "context"),
    ("1edtech/clr20/simple.jwt", "unverifiable", "proof"),  # header jwk is not bound to the issuer
]


@pytest.mark.parametrize(("name", "expected", "deciding"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_fixture_verdict(
    shared: Path, verifier: Verifier, name: str, expected: str, deciding: str | None
) -> None:
    report = verifier.verify_file(shared / name)[0]
    assert verdict(report) == expected, report.to_json()
    assert report.valid is (expected == "verified")
    if deciding is not None:
        failed = report.check(deciding)
        assert failed is not None and failed.ok is False, report.to_json()
        assert failed.detail


def test_every_fixture_is_covered(shared: Path) -> None:
    files = {
        str(p.relative_to(shared))
        for p in [*shared.rglob("*.json"), *shared.rglob("*.jwt")]
        if "contexts" not in p.parts and p.name not in ("keys.json", "testlist.json")
    }
    covered = {e[0] for e in EXPECTED} | {
        "1edtech/clr20/complex.json",
        "1edtech/clr20/simple-noproof.json",
        "1edtech/clr20/simple_old_safesigned.json",
    }
    assert files <= covered, files - covered


def test_revoked_reports_list_and_index(shared: Path, verifier: Verifier) -> None:
    report = verifier.verify_file(
        shared / "1edtech/ob30/bit-string-list/credential-status-revoked.json"
    )[0]
    status = report.check("status")
    assert status is not None and "testlist" in status.detail and "index 23" in status.detail
    assert report.check("proof") == report.checks[0] and report.checks[0].ok is True


def test_status_list_offline_is_unknown(shared: Path, contexts_dir: Path) -> None:
    from credmatch.credentials.documents import DocumentStore
    from credmatch.credentials.trust import TrustRegistry
    from credmatch.credentials.verify import VerifyOptions

    from .conftest import NOW

    offline = Verifier(VerifyOptions(DocumentStore([contexts_dir]), TrustRegistry.empty(), now=NOW))
    report = offline.verify_file(
        shared / "1edtech/ob30/bit-string-list/credential-status-revoked.json"
    )[0]
    status = report.check("status")
    assert status is not None and status.ok is None and "not in the document store" in status.detail


def test_clr_reports_nested_credentials_and_associations(shared: Path, verifier: Verifier) -> None:
    reports = verifier.verify_file(shared / "1edtech/clr20/complex.json")
    assert len(reports) == 7
    assert reports[3].source.endswith("complex.json#/credentialSubject/verifiableCredential/2")
    wrapper = reports[0].credential
    assert wrapper is not None and wrapper.associations
    assert {a.association_type for a in wrapper.associations} <= {
        "exactMatchOf",
        "isChildOf",
        "isParentOf",
        "isPartOf",
        "isPeerOf",
        "isRelatedTo",
        "precedes",
        "replacedBy",
    }


def test_complete_credential_is_parsed_for_the_graph(shared: Path, verifier: Verifier) -> None:
    parsed = verifier.verify_file(shared / "1edtech/ob30/complete.json")[0].credential
    assert parsed is not None and parsed.achievement is not None
    assert parsed.issuer.id == "https://1edtech.edu/issuers/565049"
    assert parsed.achievement.name and parsed.achievement.alignments
    assert parsed.achievement.alignments[0].target_url
    assert parsed.proof_suite == "eddsa-rdfc-2022"
    assert parsed.valid_from is not None

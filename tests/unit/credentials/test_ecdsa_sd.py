"""ecdsa-sd-2023 derived proofs against the W3C vc-di-ecdsa test vectors (employment
authorization and permanent resident card): every step reproduced, the revealed documents
verified, base proofs refused, and every tampered disclosure a signature mismatch."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import ecdsa_sd, proofs
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import encode_base58btc
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

SD = Path(__file__).parents[2] / "fixtures" / "w3c-vectors" / "vc-di-ecdsa" / "ecdsa-sd-2023"
CASES = ["employ", "prc"]
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _load(case: str, name: str) -> Any:
    return json.loads((SD / case / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def offline() -> Verifier:
    return Verifier(VerifyOptions(DocumentStore([]), TrustRegistry.empty(), now=NOW))


def _proof(report: Report) -> Any:
    check = report.check("proof")
    assert check is not None
    return check


@pytest.mark.parametrize("case", CASES)
def test_derived_proof_value_parses_as_published(case: str) -> None:
    reveal = _load(case, "derivedRevealDocument.json")
    expected = _load(case, "verifyDerivedProofValue.json")
    derived = ecdsa_sd.parse_derived(reveal["proof"]["proofValue"])
    assert derived.base_signature.hex() == expected["baseSignature"]
    assert encode_base58btc(derived.public_key) == expected["publicKey"]
    assert [s.hex() for s in derived.signatures] == expected["signatures"]
    assert derived.label_map == dict(expected["labelMap"])
    assert derived.mandatory_indexes == expected["mandatoryIndexes"]


@pytest.mark.parametrize("case", CASES)
def test_verify_data_is_reproduced(case: str) -> None:
    store = DocumentStore([])
    reveal = _load(case, "derivedRevealDocument.json")
    expected = _load(case, "verifyCreateVerifyData.json")
    unsecured = proofs.Unsecured({k: v for k, v in reveal.items() if k != "proof"}, store)
    derived = ecdsa_sd.parse_derived(reveal["proof"]["proofValue"])
    nquads = ecdsa_sd.relabelled_nquads(unsecured.canonical("rdfc").decode(), derived.label_map)
    assert nquads == _load(case, "verifyNQuads.json")
    mandatory = [q for i, q in enumerate(nquads) if i in derived.mandatory_indexes]
    optional = [q for i, q in enumerate(nquads) if i not in derived.mandatory_indexes]
    assert optional == expected["nonMandatory"]
    assert hashlib.sha256("".join(mandatory).encode()).hexdigest() == expected["mandatoryHash"]
    config = proofs.proof_config(reveal["proof"], reveal["@context"])
    assert proofs.config_digest(config, "rdfc", store).hex() == expected["proofHash"]


@pytest.mark.parametrize("case", CASES)
def test_revealed_document_verifies(offline: Verifier, case: str) -> None:
    report = offline.verify(_load(case, "derivedRevealDocument.json"), case)[0]
    proof = _proof(report)
    assert proof.ok is True and "derived proof" in proof.detail, report.to_json()
    for name in ("context", "schema", "validity_period"):
        assert report.check(name).ok is True, report.to_json()  # type: ignore[union-attr]
    # The vectors' issuer is another did:key than the one that signed.
    assert report.check("key_binding").ok is False  # type: ignore[union-attr]


@pytest.mark.parametrize("case", CASES)
def test_a_base_proof_is_refused(offline: Verifier, case: str) -> None:
    report = offline.verify(_load(case, "addSignedSDBase.json"), case)[0]
    proof = _proof(report)
    assert proof.ok is False and proof.code == "bad_proof" and "base proof" in proof.detail
    assert verdict(report) == "invalid"


def _tampered(reveal: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []

    def change(what: str, edit: Any) -> None:
        doc = copy.deepcopy(reveal)
        edit(doc)
        out.append((what, doc))

    change(
        "disclosed value", lambda d: d["credentialSubject"].__setitem__("birthCountry", "Utopia")
    )
    change("mandatory value", lambda d: d.__setitem__("validFrom", "2001-01-01T00:00:00Z"))
    change("mandatory issuer", lambda d: d["issuer"].__setitem__("id", "did:example:other"))
    change("statement removed", lambda d: d["credentialSubject"].pop("birthCountry"))
    change("statement added", lambda d: d.__setitem__("name", "Added later"))
    change("proof options", lambda d: d["proof"].__setitem__("created", "2030-01-01T00:00:00Z"))
    return out


@pytest.mark.parametrize("case", CASES)
def test_every_tampered_disclosure_is_a_signature_mismatch(offline: Verifier, case: str) -> None:
    for what, doc in _tampered(_load(case, "derivedRevealDocument.json")):
        report = offline.verify(doc, f"{case}: {what}")[0]
        proof = _proof(report)
        assert proof.ok is False and proof.code == "bad_signature", (what, report.to_json())
        assert verdict(report) == "invalid"

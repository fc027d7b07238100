"""The W3C vc-di-eddsa and vc-di-ecdsa test vectors (tests/fixtures/w3c-vectors, W3C Software
and Document License): each signed vector verifies (proof, context and VC structure true), its
intermediate values are reproduced, and every tampered copy reports the signature mismatch.

The vectors' issuers (``https://vc.example/issuers/5678``, a did:key of another key) do not
control the did:key that signed them, so ``key_binding`` is false for each: the two facts are
reported apart, which is what lets these vectors pass ``proof`` at all.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import canonical, proofs
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import decode_multibase, encode_base58btc
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

VECTORS = Path(__file__).parents[2] / "fixtures" / "w3c-vectors"
SIGNED = sorted(
    str(p.relative_to(VECTORS))
    for p in VECTORS.rglob("signed*.json")
    if "proof-set-chain" not in p.parts
)
NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def offline() -> Verifier:
    # Nothing but the bundled contexts: the vectors must verify offline.
    return Verifier(VerifyOptions(DocumentStore([]), TrustRegistry.empty(), now=NOW))


def _load(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return doc


def _check(report: Report, name: str) -> Any:
    check = report.check(name)
    assert check is not None, report.to_json()
    return check


def test_the_vectors_are_all_here() -> None:
    suites = {_load(n)["proof"].get("cryptosuite") or _load(n)["proof"]["type"] for n in SIGNED}
    assert suites == {
        "ecdsa-rdfc-2019",
        "ecdsa-jcs-2019",
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "Ed25519Signature2020",
    }
    assert len(SIGNED) == 10


@pytest.mark.parametrize("name", SIGNED)
def test_signed_vector_verifies(offline: Verifier, name: str) -> None:
    report = offline.verify(_load(name), name)[0]
    proof = _check(report, "proof")
    assert proof.ok is True and "verified" in proof.detail, report.to_json()
    for check in ("context", "schema", "validity_period"):
        assert _check(report, check).ok is True, report.to_json()
    assert report.kind == "generic"
    binding = _check(report, "key_binding")
    assert binding.ok is False and "not by the issuer" in binding.detail
    assert verdict(report) == "invalid" and not report.valid


def _tampered(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Copies of ``doc`` changed after signing, each in one way."""
    out: list[tuple[str, dict[str, Any]]] = []

    def change(what: str, edit: Any) -> None:
        copied = copy.deepcopy(doc)
        edit(copied)
        out.append((what, copied))

    subject_key = next(
        k for k, v in doc["credentialSubject"].items() if isinstance(v, str) and k != "id"
    )
    change("subject", lambda d: d["credentialSubject"].__setitem__(subject_key, "Someone Else"))
    change("validFrom", lambda d: d.__setitem__("validFrom", "2001-01-01T00:00:00Z"))
    change("name", lambda d: d.__setitem__("name", "A Forged Credential"))
    change("proof created", lambda d: d["proof"].__setitem__("created", "2030-01-01T00:00:00Z"))
    signature = bytearray(decode_multibase(doc["proof"]["proofValue"]))
    signature[-1] ^= 0x01
    forged = encode_base58btc(bytes(signature))
    change("signature bit", lambda d: d["proof"].__setitem__("proofValue", forged))
    return out


@pytest.mark.parametrize("name", SIGNED)
def test_every_tampered_copy_reports_the_signature_mismatch(offline: Verifier, name: str) -> None:
    for what, doc in _tampered(_load(name)):
        report = offline.verify(doc, f"{name} ({what})")[0]
        proof = _check(report, "proof")
        assert proof.ok is False and proof.code == "bad_signature", (what, report.to_json())
        assert "does not match the document" in proof.detail
        assert _check(report, "key_binding").ok is False  # still reported, independently
        assert verdict(report) == "invalid"


def _intermediate(folder: Path, prefix: str) -> str | None:
    found = sorted(folder.glob(f"{prefix}*"))
    return found[0].read_text(encoding="utf-8") if found else None


@pytest.mark.parametrize("name", SIGNED)
def test_intermediate_values_are_reproduced(name: str) -> None:
    """Canonical document and proof configuration, their hashes and the signature bytes."""
    store = DocumentStore([])
    doc = _load(name)
    folder = (VECTORS / name).parent
    proof = doc["proof"]
    suite = proof.get("cryptosuite") or proof["type"]
    transform = proofs.TRANSFORM[suite]
    p384 = "p384" in name
    hash_name = "sha384" if p384 else "sha256"
    unsecured = proofs.Unsecured({k: v for k, v in doc.items() if k != "proof"}, store)
    canon_doc = unsecured.canonical(transform, hash_name).decode("utf-8")
    expected_doc = _intermediate(folder, "canonDoc")
    if expected_doc is not None:
        assert canon_doc == expected_doc
    config = proofs.proof_config(proof, doc.get("@context"))
    if transform == "jcs":
        canon_config = canonical.jcs(config).decode("utf-8")
    else:
        canon_config = canonical.rdfc(config, store, hash_name)
    expected_config = _intermediate(folder, "proofCanon")
    assert expected_config is not None and canon_config == expected_config
    doc_hash = unsecured.digest(suite, hash_name).hex()
    config_hash = hashlib.new(hash_name, canon_config.encode("utf-8")).hexdigest()
    for prefix, value in (("docHash", doc_hash), ("proofHash", config_hash)):
        expected = _intermediate(folder, prefix)
        if expected is not None:
            assert value == expected.strip(), prefix
    combined = _intermediate(folder, "combinedHash")
    assert combined is not None and combined.strip() == config_hash + doc_hash
    signature = _intermediate(folder, "sigHex")
    assert signature is not None
    assert decode_multibase(proof["proofValue"]).hex() == signature.strip()

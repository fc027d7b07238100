"""The OB 3.0 specification's published eddsa-rdfc-2022 test vector, byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import canonical, proofs, signing
from credmatch.credentials.documents import DocumentStore


@pytest.fixture(scope="module")
def spec(shared: Path) -> Path:
    return shared / "obv3-spec"


@pytest.fixture(scope="module")
def credential(spec: Path) -> dict[str, Any]:
    return json.loads((spec / "credential.json").read_text())


@pytest.fixture(scope="module")
def keys(spec: Path) -> dict[str, Any]:
    return json.loads((spec / "keys.json").read_text())


def _proof(credential: dict[str, Any]) -> dict[str, Any]:
    return proofs.proof_list(credential)[0]


def test_document_canonical_form(
    spec: Path, credential: dict[str, Any], contexts_dir: Path
) -> None:
    store = DocumentStore([contexts_dir])
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    canon = canonical.rdfc(canonical.expand_safely(unsecured, store), store)
    assert canon == (spec / "test-vectors/document-canon.txt").read_text()


def test_proof_canonical_form(
    spec: Path, credential: dict[str, Any], keys: dict[str, Any], contexts_dir: Path
) -> None:
    store = DocumentStore([contexts_dir])
    config = proofs.proof_config(_proof(credential), credential["@context"])
    canon = canonical.rdfc(config, store)
    assert canon == (spec / "test-vectors/proof-canon.txt").read_text()
    assert hashlib.sha256(canon.encode()).hexdigest() == keys["testVector"]["proofHashHex"]


def test_signing_reproduces_published_proof_value(
    credential: dict[str, Any], keys: dict[str, Any], contexts_dir: Path
) -> None:
    store = DocumentStore([contexts_dir])
    key = signing.keypair_from_seed(bytes.fromhex(keys["privateKeyHex"])[:32])
    proof = _proof(credential)
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    data = signing.hash_data(unsecured, proof, "eddsa-rdfc-2022", store)
    assert data.hex() == keys["testVector"]["dataToSignHex"]
    signed = signing.sign_data_integrity(
        unsecured, key, proof["verificationMethod"], "eddsa-rdfc-2022", proof["created"], store
    )
    assert signed["proof"]["proofValue"] == proof["proofValue"] == keys["testVector"]["proofValue"]
    assert signing.did_key(key.public_key()) == "did:key:" + keys["publicKeyMultibase"]


def test_published_credential_verifies(shared: Path, verifier: Any) -> None:
    report = verifier.verify_file(shared / "obv3-spec/credential.json")[0]
    proof = report.check("proof")
    assert proof is not None and proof.ok is True and "eddsa-rdfc-2022" in proof.detail

"""Fixtures for the hostile-input tests: a document store, verifiers and real signed credentials."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from tests.hostile.support import CONTEXTS, SPEC_CREDENTIAL, SPEC_ISSUER, SPEC_KEY, load

NOW = datetime(2025, 1, 1, tzinfo=UTC)
CREATED = "2024-01-01T00:00:00Z"


def write_store(directory: Path, documents: dict[str, dict[str, Any]]) -> Path:
    """A document store directory holding ``documents`` (URL -> JSON) and its index.json."""
    directory.mkdir(parents=True, exist_ok=True)
    index = {}
    for n, (url, doc) in enumerate(documents.items()):
        (directory / f"doc{n}.json").write_text(json.dumps(doc), encoding="utf-8")
        index[url] = f"doc{n}.json"
    (directory / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return directory


def controller_document(issuer: str, key: str) -> dict[str, Any]:
    vm = f"{issuer}#{key}"
    return {
        "id": issuer,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": issuer, "publicKeyMultibase": key}
        ],
        "assertionMethod": [vm],
    }


def seed_key(n: int) -> Ed25519PrivateKey:
    return signing.keypair_from_seed(bytes([n]) * 32)


def badge(issuer: str) -> dict[str, Any]:
    """An OB 3.0 badge shaped like the spec credential, for ``issuer``."""
    doc = load(SPEC_CREDENTIAL)
    del doc["proof"]
    doc["issuer"]["id"] = issuer
    doc["id"] = "urn:uuid:8d9a2a4e-0000-4000-8000-000000000001"
    return doc


def did_key_signed(doc: dict[str, Any], key: Ed25519PrivateKey, suite: str) -> dict[str, Any]:
    did = signing.did_key(key.public_key())
    return signing.sign_data_integrity(
        doc,
        key,
        signing.did_key_verification_method(did),
        suite,
        CREATED,
        DocumentStore([CONTEXTS]),
    )


@pytest.fixture(scope="session")
def contexts_dir() -> Path:
    if not CONTEXTS.is_dir():
        pytest.skip(f"shared credential fixtures not present at {CONTEXTS}")
    return CONTEXTS


@pytest.fixture(scope="session")
def issuer_dir(tmp_path_factory: pytest.TempPathFactory, contexts_dir: Path) -> Path:
    return write_store(
        tmp_path_factory.mktemp("issuers"),
        {SPEC_ISSUER: controller_document(SPEC_ISSUER, SPEC_KEY)},
    )


@pytest.fixture(scope="session")
def store(issuer_dir: Path, contexts_dir: Path) -> DocumentStore:
    return DocumentStore([issuer_dir, contexts_dir])


@pytest.fixture(scope="session")
def verifier(store: DocumentStore) -> Verifier:
    return Verifier(VerifyOptions(documents=store, trust=TrustRegistry.empty(), now=NOW))


@pytest.fixture(scope="session")
def spec_credential(contexts_dir: Path) -> dict[str, Any]:
    """The published OB 3.0 signed credential (eddsa-rdfc-2022, issuer key in the store)."""
    return load(SPEC_CREDENTIAL)


@pytest.fixture(scope="session")
def issuer_key() -> Ed25519PrivateKey:
    return seed_key(7)


@pytest.fixture(scope="session")
def did(issuer_key: Ed25519PrivateKey) -> str:
    return signing.did_key(issuer_key.public_key())


@pytest.fixture(scope="session")
def rdfc_credential(issuer_key: Ed25519PrivateKey, did: str, contexts_dir: Path) -> dict[str, Any]:
    return did_key_signed(badge(did), issuer_key, "eddsa-rdfc-2022")


@pytest.fixture(scope="session")
def jcs_credential(issuer_key: Ed25519PrivateKey, did: str, contexts_dir: Path) -> dict[str, Any]:
    return did_key_signed(badge(did), issuer_key, "eddsa-jcs-2022")


# --- an API on the suite's Neo4j ----------------------------------------------------------------


@pytest.fixture(scope="session")
def hostile_settings(neo4j_settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The suite's Neo4j with the default abuse limits, except a rate these tests stay under."""
    return neo4j_settings.model_copy(
        update={
            "rate_limit_per_s": 10_000.0,
            "rate_limit_burst": 10_000,
            "embedding_cache": tmp_path_factory.mktemp("emb") / "embeddings.sqlite",
            "documents": str(CONTEXTS),
        }
    )


@pytest.fixture(scope="session")
def hostile_keys(hostile_settings: Any) -> dict[str, str]:
    """One key per role (the learner key is bound to learner ``hostile-learner``)."""
    from credmatch.domain.principal import Role
    from tests.conftest import issue_key

    return {
        role.value: issue_key(
            hostile_settings, role, learner_id="hostile-learner" if role is Role.LEARNER else None
        )
        for role in Role
    }


@pytest.fixture(scope="session")
def hostile_api(hostile_settings: Any, hostile_keys: dict[str, str]) -> Iterator[Any]:
    from starlette.testclient import TestClient

    from credmatch.server import create_app

    with TestClient(create_app(hostile_settings), raise_server_exceptions=False) as client:
        yield client

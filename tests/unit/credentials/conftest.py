"""Fixtures: the shared 1EdTech / OB 3.0 credentials and a document store for them."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

SHARED = Path("/work/shared/data/credentials")
TESTLIST_URL = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/"
    "inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
SPEC_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"  # obv3-spec/keys.json
# Issuer documents the tests stand in for. The published spec key is known independently
# (keys.json); the other keys are the ones the fixtures name in their verificationMethod
# fragment, i.e. what 1EdTech's validator assumes the issuer publishes. In production these
# documents come from the issuer's URL (fetch allowlist) or the operator's store.
ISSUER_KEYS = {
    "https://example.com/issuers/876543": [
        SPEC_KEY,
        "z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv",
        "z6MkvREVgsHx7Ppae68vCoByy73ZD4aMSJiPML2cryVL8JAx",
    ],
    "https://example.edu/issuers/565049": [
        SPEC_KEY,
        "z6MkwA1498JfoCS3y4y3zggBDAosQEoCi5gsYH2PMXh1cFWK",
    ],
    "https://1edtech.edu/issuers/565049": [
        SPEC_KEY,
        "z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs",
        "zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9",  # P-256, ob30/sd/derivedcredential
    ],
    "urn:uuid:4ca4a241-fc3b-4d92-978e-f56fa96ae795": [SPEC_KEY],
    "https://state.gov/issuers/565049": [
        "z6MkoMGF38Ck9xkdqrbZt4h9eHb1qc3GhAAkoSWa4Vy3SHRN",
        "z6MkmQ49FhpMN7V11B7Qzc6WC6Q3ymVW4xmHUsHBR2MWMMo1",
    ],
}
NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared credential fixtures not present at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def contexts_dir(shared: Path) -> Path:
    return shared / "1edtech" / "contexts"


def controller_document(issuer: str, keys: list[str]) -> dict[str, Any]:
    methods = [
        {"id": f"{issuer}#{k}", "type": "Multikey", "controller": issuer, "publicKeyMultibase": k}
        for k in keys
    ]
    return {
        "id": issuer,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def write_store(directory: Path, documents: dict[str, dict[str, Any]]) -> Path:
    """A document store directory holding ``documents`` (URL -> JSON) with its index.json."""
    directory.mkdir(parents=True, exist_ok=True)
    index = {}
    for n, (url, doc) in enumerate(documents.items()):
        name = f"doc{n}.json"
        (directory / name).write_text(json.dumps(doc), encoding="utf-8")
        index[url] = name
    (directory / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def fixture_store_dir(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("issuer-docs")
    docs = {issuer: controller_document(issuer, keys) for issuer, keys in ISSUER_KEYS.items()}
    write_store(directory, docs)
    shutil.copy(shared / "1edtech/ob30/bit-string-list/testlist.json", directory / "testlist.json")
    index = json.loads((directory / "index.json").read_text())
    index[TESTLIST_URL] = "testlist.json"
    (directory / "index.json").write_text(json.dumps(index))
    return directory


@pytest.fixture(scope="session")
def store(fixture_store_dir: Path, contexts_dir: Path) -> DocumentStore:
    return DocumentStore([fixture_store_dir, contexts_dir])


@pytest.fixture(scope="session")
def verifier(store: DocumentStore) -> Verifier:
    return Verifier(VerifyOptions(documents=store, trust=TrustRegistry.empty(), now=NOW))

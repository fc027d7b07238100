"""DocumentStore: chained directories, no surprise network, guarded fetching with a cache."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from credmatch.credentials.documents import DocumentStore
from credmatch.errors import ConfigError, DocumentNotAvailableError

from .conftest import write_store

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def test_first_directory_wins_and_fragments_are_ignored(tmp_path: Path) -> None:
    first = write_store(tmp_path / "a", {"https://x.example/doc": {"from": "a"}})
    second = write_store(
        tmp_path / "b",
        {"https://x.example/doc": {"from": "b"}, "https://y.example/d": {"from": "b"}},
    )
    store = DocumentStore([first, second], include_bundled=False)
    assert store.load("https://x.example/doc#key-1") == {"from": "a"}
    assert store.load("https://y.example/d") == {"from": "b"}


def test_missing_document_is_not_fetched_by_default(contexts_dir: Path) -> None:
    store = DocumentStore([contexts_dir])
    assert store.load(OB3)["@context"]
    with pytest.raises(DocumentNotAvailableError, match="fetching is off"):
        store.load("https://unknown.example/context.json")


def test_bundled_vc_contexts_need_no_directory() -> None:
    assert "@context" in DocumentStore([]).load("https://www.w3.org/ns/credentials/v2")


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        DocumentStore([tmp_path / "nope"]).load("https://x.example/")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (
            b'{"big": "' + b"x" * 5000 + b'"}'
            if self.path == "/big"
            else json.dumps({"id": self.path}).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_only_allowlisted_hosts_and_cache(server: str, tmp_path: Path) -> None:
    closed = DocumentStore(
        [], fetch_enabled=True, allowlist=["other.example"], include_bundled=False
    )
    with pytest.raises(DocumentNotAvailableError, match="allowlist"):
        closed.load(f"{server}/doc")
    cache = tmp_path / "cache"
    store = DocumentStore(
        [],
        fetch_enabled=True,
        allowlist=["127.0.0.1"],
        cache_dir=cache,
        max_bytes=1000,
        include_bundled=False,
    )
    assert store.load(f"{server}/doc") == {"id": "/doc"}
    with pytest.raises(DocumentNotAvailableError, match="larger than 1000 bytes"):
        store.load(f"{server}/big")
    offline = DocumentStore([cache], include_bundled=False)
    assert offline.load(f"{server}/doc") == {"id": "/doc"}


PACKAGE_CONTEXTS = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
)


def test_installed_packages_carry_ob3_and_clr_contexts(contexts_dir: Path) -> None:
    from credmatch.credentials.documents import bundled_documents

    bundled = bundled_documents()
    assert set(PACKAGE_CONTEXTS) <= set(bundled), "credentials/contexts is package data"
    # Same documents as 1EdTech's validator bundles.
    shared = DocumentStore([contexts_dir], include_bundled=False)
    package_only = DocumentStore([])
    for url in (OB3, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"):
        assert package_only.load(url) == shared.load(url)


def test_spec_credential_verifies_with_package_contexts_only(shared: Path, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from credmatch.credentials.trust import TrustRegistry
    from credmatch.credentials.verify import Verifier, VerifyOptions

    from .conftest import ISSUER_KEYS, controller_document

    issuer = "https://example.edu/issuers/565049"
    issuers = write_store(tmp_path, {issuer: controller_document(issuer, ISSUER_KEYS[issuer])})
    options = VerifyOptions(
        DocumentStore([issuers]), TrustRegistry.empty(), datetime(2025, 1, 1, tzinfo=UTC)
    )
    report = Verifier(options).verify_file(shared / "obv3-spec/credential.json")[0]
    assert report.valid, report.to_json()

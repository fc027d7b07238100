"""SSRF: every URL a credential can carry, against a local server that counts connections.

With fetching off nothing is fetched; with fetching on, only allow-listed hosts are contacted,
only for the documents verification needs (contexts, controller/DID documents, status lists),
and redirects are never followed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import encode_base58btc
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from tests.hostile.conftest import NOW, badge
from tests.hostile.support import SPEC_KEY


@dataclass
class Seen:
    connections: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)  # (Host header, path)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: Seen

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.seen.lock:
            self.seen.connections += 1  # counted even when no HTTP request follows (TLS)
        return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        with self.server.seen.lock:
            self.server.seen.requests.append((self.headers.get("Host", ""), self.path))
        if self.path.startswith("/redirect"):
            self.send_response(302)
            port = self.server.server_address[1]
            self.send_header("Location", f"http://127.0.0.1:{port}/redirect-target")
            self.end_headers()
            return
        body = b'{"@context": {"@version": 1.1}, "id": "x"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, Seen]]:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.seen = Seen()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], httpd.seen
    finally:
        httpd.shutdown()
        httpd.server_close()


# Documents verification may need; everything else a credential names is never fetched.
NEEDED = ("/ctx", "/issuer", "/status", "/revocations", "/.well-known/did.json", "/redirect")


def url_laden(host: str, port: int) -> list[dict[str, Any]]:
    """Credentials that point every URL-valued field at ``host:port``."""
    base = f"http://{host}:{port}"
    issuer = f"{base}/issuer"
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "verificationMethod": f"{issuer}#{SPEC_KEY}",
        "proofValue": encode_base58btc(bytes(64)),  # well-formed, so the key gets resolved
    }
    clean = {**badge(issuer), "proof": proof}
    decorated = badge(issuer)
    decorated["issuer"]["image"] = {"id": f"{base}/image.png", "type": "Image"}
    decorated["issuer"]["url"] = f"{base}/homepage"
    achievement = decorated["credentialSubject"]["achievement"]
    achievement["image"] = {"id": f"{base}/badge.png", "type": "Image"}
    achievement["criteria"]["id"] = f"{base}/criteria"
    decorated["refreshService"] = {"id": f"{base}/refresh", "type": "1EdTechCredentialRefresh"}
    decorated["credentialSchema"] = [
        {"id": f"{base}/schema.json", "type": "1EdTechJsonSchemaValidator2019"}
    ]
    decorated["evidence"] = [{"id": f"{base}/evidence", "type": ["Evidence"]}]
    decorated["termsOfUse"] = {"id": f"{base}/terms", "type": "TrustFramework"}
    bitstring = {
        "id": f"{base}/status#1",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "1",
        "statusListCredential": f"{base}/status",
    }
    did_web = f"did:web:{host}%3A{port}"
    return [
        {**clean, "@context": [*clean["@context"], f"{base}/ctx"]},
        {**clean, "credentialStatus": bitstring},
        {
            **clean,
            "credentialStatus": {"id": f"{base}/revocations", "type": "1EdTechRevocationList"},
        },
        {**badge(did_web), "proof": {**proof, "verificationMethod": f"{did_web}#key-1"}},
        {**clean, "proof": {**proof, "verificationMethod": f"{base}/redirect#k"}},
        {**decorated, "proof": proof},
    ]


def _verifier(tmp_path: Path, contexts_dir: Path, fetch: bool, allow: tuple[str, ...]) -> Verifier:
    store = DocumentStore(
        [contexts_dir],
        fetch_enabled=fetch,
        allowlist=allow,
        timeout_s=2,
        cache_dir=tmp_path / "cache",
    )
    return Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW))


def _run(verifier: Verifier, docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        reports = verifier.verify(doc, "ssrf")
        assert reports and not any(r.valid for r in reports)


def test_nothing_is_fetched_when_fetching_is_off(
    server: tuple[int, Seen], tmp_path: Path, contexts_dir: Path
) -> None:
    port, seen = server
    for host in ("127.0.0.1", "localhost"):
        _run(_verifier(tmp_path, contexts_dir, False, (host,)), url_laden(host, port))
    assert seen.connections == 0 and seen.requests == []


def test_hosts_off_the_allowlist_are_not_contacted(
    server: tuple[int, Seen], tmp_path: Path, contexts_dir: Path
) -> None:
    port, seen = server
    verifier = _verifier(tmp_path, contexts_dir, True, ("example.org", "localhost.example"))
    _run(verifier, url_laden("127.0.0.1", port) + url_laden("localhost", port))
    assert seen.connections == 0 and seen.requests == []


def test_loopback_is_reachable_only_when_allowlisted_and_only_for_needed_documents(
    server: tuple[int, Seen], tmp_path: Path, contexts_dir: Path
) -> None:
    port, seen = server
    # "localhost" is allow-listed; the same server named 127.0.0.1 is not.
    verifier = _verifier(tmp_path, contexts_dir, True, ("localhost",))
    _run(verifier, url_laden("127.0.0.1", port))
    assert seen.connections == 0, seen.requests
    _run(verifier, url_laden("localhost", port))
    hosts = {host.split(":")[0] for host, _ in seen.requests}
    paths = {path for _, path in seen.requests}
    print(f"fetched from the allow-listed host: {sorted(paths)} ({seen.connections} connections)")
    assert hosts == {"localhost"}
    assert {"/ctx", "/issuer", "/status", "/revocations", "/redirect"} <= paths
    assert all(p.startswith(NEEDED) for p in paths), paths
    assert "/redirect-target" not in paths  # the 302 was not followed
    for never in ("/image.png", "/badge.png", "/refresh", "/schema.json", "/homepage", "/terms"):
        assert never not in paths


def test_redirect_is_reported_not_followed(
    server: tuple[int, Seen], tmp_path: Path, contexts_dir: Path
) -> None:
    port, seen = server
    store = DocumentStore([contexts_dir], fetch_enabled=True, allowlist=("localhost",), timeout_s=2)
    from credmatch.errors import DocumentNotAvailableError

    with pytest.raises(DocumentNotAvailableError, match=r"302|[Rr]edirect"):
        store.load(f"http://localhost:{port}/redirect")
    assert [p for _, p in seen.requests] == ["/redirect"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://localhost/x",
        "gopher://localhost:70/x",
        "http://localhost@127.0.0.1:{port}/ctx",
        "http://127.0.0.1:{port}\\@localhost/ctx",
        "http://[::1]:{port}/ctx",
        "http://2130706433:{port}/ctx",
        "http://0x7f.0.0.1:{port}/ctx",
        "http://LOCALHOST.:{port}/ctx",
    ],
)
def test_url_tricks_against_the_allowlist(
    server: tuple[int, Seen], tmp_path: Path, contexts_dir: Path, url: str
) -> None:
    port, seen = server
    store = DocumentStore([contexts_dir], fetch_enabled=True, allowlist=("localhost",), timeout_s=2)
    from credmatch.errors import DocumentNotAvailableError

    target = url.format(port=port)
    try:
        store.load(target)
    except DocumentNotAvailableError as e:
        assert str(e)
    # Whatever the URL says, a connection may only be made for the allow-listed host name.
    for host, _ in seen.requests:
        assert host.split(":")[0].lower().rstrip(".") == "localhost", (target, seen.requests)


@pytest.mark.parametrize("context", ["ctx.json", "", "//localhost/x", "#frag", "x:y", "urn:ctx"])
def test_relative_and_odd_contexts_with_fetching_on(
    server: tuple[int, Seen], tmp_path: Path, contexts_dir: Path, context: str
) -> None:
    _, seen = server
    verifier = _verifier(tmp_path, contexts_dir, True, ("localhost",))
    doc = {**badge("did:example:issuer"), "@context": [badge("x")["@context"][0], context]}
    report = verifier.verify(doc, "relative")[0]
    assert not report.valid and report.check("context") is not None
    assert report.check("context").ok is False  # type: ignore[union-attr]
    assert seen.requests == []

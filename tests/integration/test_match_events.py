"""Match events through the real app under uvicorn (HTTP and a graphql-transport-ws
websocket) and a real Neo4j: a job board of organisation A registers a webhook for a loopback
receiver (allowlisted, http allowed for the test), a consented learner's new credentials
lift them over the threshold, and both the signed webhook delivery (retried after the
receiver fails) and the subscription message arrive. Organisation B sees none of it; SSRF
targets are refused. Each test leaves the seed graph as it found it (its learner is erased,
its posting and webhooks deleted)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import websocket
from starlette.testclient import TestClient
from tests.conftest import SHARED_DATA
from tests.support.seeded import Seeded, gql, run, seed_path
from tests.support.serve import serving

from credmatch.bootstrap import bootstrap
from credmatch.credentials.signing import sign_data_integrity
from credmatch.domain.principal import Role
from credmatch.graph.queries import webhooks as wq
from credmatch.seed.generate import context_store
from credmatch.seed.identities import issuer_identity
from credmatch.seed.issuers import ISSUERS
from credmatch.services.api_keys import KeyService
from credmatch.services.webhooks import DeliveryWorker, Registration, Webhooks

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

UPSERT = """mutation($i: JobPostingInput) { upsertJobPosting(input: $i) { id } }"""
INGEST = """mutation($c: [JSON!]!) { ingestCredentials(credentials: $c) { loaded rejected } }"""
REGISTER = """mutation($url: String!, $events: [WebhookEvent!]!, $min: Float, $job: ID,
  $secret: String) {
  registerWebhook(url: $url, events: $events, minScore: $min, jobId: $job, secret: $secret) {
    secret webhook { id url events minScore jobId organizationId } } }"""
DELIVERIES = """query($id: ID!, $first: Int, $after: String) {
  webhookDeliveries(webhookId: $id, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id type jobId learnerId score status attempts lastResponseStatus lastError
                   history } } } }"""
SUBSCRIBE = """subscription($job: ID!, $min: Float) {
  candidateMatched(jobId: $job, minScore: $min) {
    type jobId learnerId score previousScore match { score learner { id } } } }"""
CONSENT = """mutation($l: ID!, $d: Boolean!) { setDiscoverable(learnerId: $l, discoverable: $d) {
  discoverable } }"""
SKILL_GAP = "query($l: ID!, $j: ID!) { skillGap(learnerId: $l, jobId: $j) { score } }"


# --- a webhook receiver -------------------------------------------------------------------------


@dataclass
class Received:
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    fail_first: int = 0  # answer 500 to this many requests first
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        got = self.server.got
        with got.lock:
            got.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            failing = len(got.requests) <= got.fail_first
        self.send_response(500 if failing else 204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class _Receiver(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections when three workers send at once
    got: Received


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    server = _Receiver(("127.0.0.1", 0), _Handler)
    server.got = Received()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/credmatch", server.got
    finally:
        server.shutdown()
        server.server_close()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """A receiver's Standard Webhooks check, written independently of credmatch's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if "," in s]
    return any(hmac.compare_digest(expected, s) for s in offered)


# --- the app, keys and data ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def events_app(seeded: Seeded) -> Iterator[str]:
    settings = seeded.settings.model_copy(
        update={
            "webhook_worker": True,
            "webhook_allow_http": True,
            "webhook_allowlist": "127.0.0.1",
            "webhook_retry_base_s": 0.3,
            "webhook_poll_s": 0.2,
            "webhook_timeout_s": 5.0,
        }
    )
    with serving(settings, ws="wsproto") as base:
        yield base


@pytest.fixture(scope="module")
def keys(seeded: Seeded) -> dict[str, str]:
    async def make() -> dict[str, str]:
        container = bootstrap(seeded.settings)
        try:
            service = KeyService(container.store)
            made = {}
            for org in ("org-ea", "org-eb"):
                for role in (Role.JOBBOARD, Role.RECRUITER):
                    issued = await service.create(role, org_id=org, org_name=org.upper())
                    made[f"{org}:{role.value}"] = issued.token
            return made
        finally:
            await container.close()

    return dict(run(make()))


def post(base: str, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    return body


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def _read(seeded: Seeded, query: str, **params: Any) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        container = bootstrap(seeded.settings)
        try:
            return [dict(r) for r in await container.store.read(query, params)]
        finally:
            await container.close()

    return list(run(go()))


def _wait_fresh(seeded: Seeded, label: str, node_id: str) -> None:
    query = {
        "job": "MATCH (n:JobPosting {id: $id}) RETURN n.matchesStale IS NULL AS fresh",
        "learner": "MATCH (n:Learner {id: $id}) RETURN n.matchesStale IS NULL AS fresh",
    }[label]
    deadline = time.monotonic() + 90
    while not all(r["fresh"] for r in _read(seeded, query, id=node_id)):
        assert time.monotonic() < deadline, f"the match table refresh never reached {node_id}"
        time.sleep(0.2)


def _sign(cred: dict[str, Any], slug: str, learner: str) -> dict[str, Any]:
    cred = json.loads(json.dumps(cred))
    cred.pop("proof")
    cred["id"] = f"urn:uuid:{uuid.uuid4()}"
    cred["credentialSubject"]["id"] = learner
    ident = issuer_identity(next(s for s in ISSUERS if s.slug == slug))
    return sign_data_integrity(
        cred, ident.key, ident.verification_method, "eddsa-jcs-2022", "2026-01-01T00:00:00Z",
        context_store(SHARED_DATA / "esco"),
    )  # fmt: skip


def _credentials_for(seeded: Seeded, job: str, learner: str) -> list[dict[str, Any]]:
    """One re-signed seed credential per achievement the posting's requirements link to."""
    linked = {r["a"] for r in _read(
        seeded, "MATCH (:JobPosting {id: $j})-[:REQUIRES]->()-[:SATISFIED_BY]->(a:Achievement)"
        " RETURN DISTINCT a.id AS a", j=job)}  # fmt: skip
    creds, taken = [], set()
    for path in sorted(Path(seed_path("credentials")).glob("*.jsonl")):
        for line in path.read_text().splitlines()[:200]:
            cred = json.loads(line)
            if not isinstance(cred, dict) or "achievement" not in cred.get("credentialSubject", {}):
                continue
            achievement = cred["credentialSubject"]["achievement"]["id"]
            if achievement in linked and achievement not in taken:
                taken.add(achievement)
                creds.append(_sign(cred, path.stem, learner))
    return creds


@dataclass
class Scene:
    base: str
    job: str
    learner: str
    a: str  # org A's job-board key
    b: str  # org B's job-board key
    admin: str
    creds: list[dict[str, Any]]


@pytest.fixture
def scene(events_app: str, seeded: Seeded, keys: dict[str, str]) -> Iterator[Scene]:
    base, admin = events_app, seeded.keys["admin"]
    a = keys["org-ea:jobboard"]
    fields = {
        "externalId": f"events-{uuid.uuid4().hex[:8]}",
        "title": "Data Analyst",
        "description": "Analyse sales data.",
        "requirements": [{"text": "SQL queries and joins"}, {"text": "Python for data analysis"},
                         {"text": "Data visualisation dashboards"}],
    }  # fmt: skip
    job = post(base, a, UPSERT, i=fields)["data"]["upsertJobPosting"]["id"]
    learner = f"did:example:events-{uuid.uuid4().hex[:8]}"
    try:
        _wait_fresh(seeded, "job", job)
        creds = _credentials_for(seeded, job, learner)
        assert len(creds) >= 2, "the posting links to too few seed achievements"
        yield Scene(base, job, learner, a, keys["org-eb:jobboard"], admin, creds)
    finally:
        for hook in post(base, admin, "{ webhooks { id } }")["data"]["webhooks"]:
            post(base, admin, "mutation($id: ID!) { deleteWebhook(id: $id) }", id=hook["id"])
        post(base, admin, "mutation($l: ID!) { eraseLearner(learnerId: $l) }", l=learner)
        post(base, a, "mutation($id: ID!) { deleteJobPosting(id: $id) }", id=job)


def _consented_learner_with_one_credential(seeded: Seeded, s: Scene) -> float:
    """Load one credential, opt the learner in; their score for the posting now."""
    loaded = post(s.base, s.admin, INGEST, c=s.creds[:1])["data"]["ingestCredentials"]
    assert loaded["loaded"] == 1, loaded
    consent = post(s.base, s.admin, "mutation($l: ID!) { setDiscoverable(learnerId: $l, "
                   "discoverable: true) { discoverable } }", l=s.learner)  # fmt: skip
    assert consent["data"]["setDiscoverable"]["discoverable"] is True, consent
    _wait_fresh(seeded, "learner", s.learner)
    gap = post(s.base, s.admin, SKILL_GAP, l=s.learner, j=s.job)
    return float(gap["data"]["skillGap"]["score"]) if gap.get("data") else 0.0


def _wait_for(check: Any, what: str, timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


# --- the tests ----------------------------------------------------------------------------------


def test_a_signed_webhook_delivery_arrives_and_is_retried_until_accepted(
    seeded: Seeded, scene: Scene, receiver: tuple[str, Received]
) -> None:
    url, got = receiver
    got.fail_first = 2  # the receiver answers 500 twice, then 204
    s = scene
    before = _consented_learner_with_one_credential(seeded, s)
    threshold = round(before + 0.01, 4)
    made = post(s.base, s.a, REGISTER, url=url, events=["CANDIDATE_MATCHED"], min=threshold,
                job=s.job)  # fmt: skip
    assert "errors" not in made, made
    secret, hook = made["data"]["registerWebhook"]["secret"], made["data"]["registerWebhook"]
    hook = hook["webhook"]
    assert secret.startswith("whsec_") and hook["organizationId"] == "org-ea"
    listed = post(s.base, s.a, "{ webhooks { id url minScore } }")["data"]["webhooks"]
    assert listed == [{"id": hook["id"], "url": url, "minScore": threshold}]
    assert "secret" not in json.dumps(listed)  # never shown again

    loaded = post(s.base, s.admin, INGEST, c=s.creds[1:])["data"]["ingestCredentials"]
    assert loaded["loaded"] == len(s.creds) - 1, loaded
    _wait_for(lambda: len(got.requests) >= 3, "three delivery attempts")
    attempts = got.requests[:3]
    ids = {h["webhook-id"] for h, _ in attempts}
    bodies = {b for _, b in attempts}
    assert len(ids) == 1 and len(bodies) == 1  # the same message on every attempt
    for headers, body in attempts:
        assert verify(secret, headers, body), headers
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 120
        assert headers["content-type"] == "application/json"
    assert not verify("whsec_" + base64.b64encode(b"x" * 32).decode(), *attempts[0])
    message = json.loads(attempts[0][1])
    assert message["type"] == "candidate.matched" and message["id"] == ids.pop()
    assert message["data"]["jobId"] == s.job and message["data"]["learnerId"] == s.learner
    assert message["data"]["score"] >= threshold
    assert message["data"]["previousScore"] is None or message["data"]["previousScore"] < threshold

    def delivered() -> dict[str, Any] | None:
        page = post(s.base, s.a, DELIVERIES, id=hook["id"], first=10)["data"]
        nodes = [e["node"] for e in page["webhookDeliveries"]["edges"]]
        return nodes[0] if nodes and nodes[0]["status"] == "DELIVERED" else None

    log = _wait_for(delivered, "the delivery log to say DELIVERED")
    assert (log["lastResponseStatus"], log["type"]) == (204, "CANDIDATE_MATCHED"), log
    statuses = [h.split()[1] for h in log["history"]]
    assert log["attempts"] == len(statuses), log  # every attempt is in the history
    # The receiver's answers in order: refused twice, then accepted, and never sent after that.
    # An attempt that never reached the receiver (a connection error or timeout on a loaded
    # machine, '-' in the history) is a retry like any other; none may come after the 204.
    assert [x for x in statuses if x != "-"] == ["500", "500", "204"], log
    assert statuses[-1] == "204", log
    time.sleep(1.0)
    assert len(got.requests) == 3  # delivered once accepted: no more attempts

    # Organisation B sees none of it.
    b = s.b
    assert post(s.base, b, "{ webhooks { id } }")["data"]["webhooks"] == []
    for body in (
        post(s.base, b, "mutation($id: ID!) { deleteWebhook(id: $id) }", id=hook["id"]),
        post(s.base, b, DELIVERIES, id=hook["id"]),
        post(s.base, b, REGISTER, url=url, events=["CANDIDATE_MATCHED"], job=s.job),
    ):
        assert _code(body) == "NOT_FOUND", body
    assert len(post(s.base, s.a, "{ webhooks { id } }")["data"]["webhooks"]) == 1
    gone = post(s.base, s.a, "mutation($id: ID!) { deleteWebhook(id: $id) }", id=hook["id"])
    assert gone["data"]["deleteWebhook"] is True
    assert _code(post(s.base, s.a, DELIVERIES, id=hook["id"])) == "NOT_FOUND"


def _ws(base: str, key: str | None) -> websocket.WebSocket:
    ws = websocket.create_connection(
        base.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],
        timeout=60,
    )
    payload = {"Authorization": f"Bearer {key}"} if key else {}
    ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


def _close(ws: websocket.WebSocket) -> None:
    ws.close()  # does nothing once the server has closed the connection...
    ws.shutdown()  # ...so the socket is closed here


def _close_code(ws: websocket.WebSocket) -> int:
    while True:
        opcode, frame = ws.recv_data_frame(True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(frame.data[:2], "big")


def _subscribe(ws: websocket.WebSocket, variables: dict[str, Any]) -> None:
    payload = {"query": SUBSCRIBE, "variables": variables}
    ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))


def _next_message(ws: websocket.WebSocket) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(ws.recv())
        if message["type"] != "ping":
            return message
        ws.send(json.dumps({"type": "pong"}))


def test_a_subscription_receives_the_matched_event(seeded: Seeded, scene: Scene) -> None:
    s = scene
    before = _consented_learner_with_one_credential(seeded, s)
    threshold = round(before + 0.01, 4)
    ws = _ws(s.base, s.a)
    try:
        assert _next_message(ws)["type"] == "connection_ack"
        _subscribe(ws, {"job": s.job, "min": threshold})
        time.sleep(1.0)  # the subscription is listening before the write
        loaded = post(s.base, s.admin, INGEST, c=s.creds[1:])["data"]["ingestCredentials"]
        assert loaded["loaded"] == len(s.creds) - 1, loaded
        message = _next_message(ws)
        assert message["type"] == "next" and message["id"] == "1", message
        event = message["payload"]["data"]["candidateMatched"]
        assert (event["type"], event["jobId"], event["learnerId"]) == (
            "MATCHED", s.job, s.learner)  # fmt: skip
        assert event["score"] >= threshold
        assert event["match"]["learner"]["id"] == s.learner
        assert abs(event["match"]["score"] - event["score"]) < 1e-3

        # Consent: withdrawing is UNMATCHED (no match shown), opting in again MATCHED.
        for discoverable, kind in ((False, "UNMATCHED"), (True, "MATCHED")):
            post(s.base, s.admin, CONSENT, l=s.learner, d=discoverable)
            changed = _next_message(ws)["payload"]["data"]["candidateMatched"]
            assert (changed["type"], changed["learnerId"]) == (kind, s.learner), changed
            assert (changed["match"] is None) == (kind == "UNMATCHED")
    finally:
        _close(ws)


def test_subscriptions_need_a_key_and_only_see_their_own_organisations_postings(
    scene: Scene,
) -> None:
    s = scene
    for key in (None, "cm_not-a-real-key"):
        ws = _ws(s.base, key)
        try:
            assert _close_code(ws) == 4403  # refused in connection_init
        finally:
            _close(ws)
    ws = _ws(s.base, s.b)
    try:
        assert _next_message(ws)["type"] == "connection_ack"
        _subscribe(ws, {"job": s.job})
        message = _next_message(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND", message
    finally:
        _close(ws)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://93.184.215.14/hook", "http is not allowed"),
        ("https://127.0.0.1:9/hook", "loopback"),
        ("https://10.0.0.7/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://[::ffff:192.168.1.1]/hook", "private"),
    ],
)
def test_webhook_targets_are_checked_against_ssrf(
    api: TestClient, seeded: Seeded, url: str, words: str
) -> None:
    """The session's app: strict settings (no http, no allowlist)."""
    body = gql(api, seeded.keys["jobboard"], REGISTER, url=url, events=["CANDIDATE_MATCHED"])
    assert body["data"]["registerWebhook"] is None
    assert _code(body) == "BAD_INPUT" and words in body["errors"][0]["message"], body
    assert gql(api, seeded.keys["jobboard"], "{ webhooks { id } }")["data"]["webhooks"] == []


def test_only_job_board_and_admin_keys_manage_webhooks(api: TestClient, seeded: Seeded) -> None:
    for role in ("recruiter", "issuer", "learner"):
        body = gql(api, seeded.keys[role], "{ webhooks { id } }")
        assert _code(body) == "FORBIDDEN", (role, body)


def test_concurrent_workers_send_each_delivery_once_and_a_dead_workers_claim_expires(
    seeded: Seeded, scene: Scene, receiver: tuple[str, Received]
) -> None:
    """Three workers (two here, and the app's own) race for the same due deliveries: every
    one is sent exactly once. A delivery claimed by a worker that then died is sent by
    another when the claim's lease runs out."""
    url, got = receiver
    s = scene
    settings = seeded.settings.model_copy(  # retries as quick as the app's (a slow machine
        update={"webhook_allow_http": True, "webhook_allowlist": "127.0.0.1",  # may time out)
                "webhook_retry_base_s": 0.3}
    )  # fmt: skip
    count = 30

    def enqueue(learners: list[str], due: float, at: str = "00") -> dict[str, Any]:
        changes = [{"job": s.job, "learner": x, "old": None, "new": 0.9} for x in learners]
        return {"changes": changes, "createdAt": f"2026-11-29T00:00:{at}.000000Z", "now": due,
                "giveUpAt": time.time() + 600}  # fmt: skip

    async def race() -> tuple[str, int]:
        container = bootstrap(settings)
        try:
            reg = Registration(url=url, events=["CANDIDATE_MATCHED"], min_score=0.5, job_id=s.job)
            hook, _ = await Webhooks(container.store, settings).register("org-ea", reg)
            learners = [f"did:example:race-{i:02d}" for i in range(count)]
            queued = await container.store.write(
                wq.ENQUEUE_DELIVERIES, enqueue(learners, time.time()), bump=False
            )
            assert queued[0]["deliveries"] == count
            workers = [DeliveryWorker(container.store, settings) for _ in range(2)]
            async with httpx.AsyncClient() as client:
                sent = await asyncio.gather(*(w.run_once(client) for w in workers))
            return hook.id, sum(sent)
        finally:
            await container.close()

    hook, sent_here = run(race())
    _wait_for(lambda: len(got.requests) >= count, f"{count} deliveries")
    time.sleep(1.5)
    ids = [h["webhook-id"] for h, _ in got.requests]
    assert len(ids) == len(set(ids)) == count  # each sent once, by one of the three workers
    assert 0 < sent_here <= count

    async def die() -> int:
        container = bootstrap(settings)
        try:
            far = time.time() + 10_000  # due for nobody but the worker that dies
            await container.store.write(
                wq.ENQUEUE_DELIVERIES, enqueue(["did:example:orphan"], far, "01"), bump=False
            )
            claimed = await container.store.write(
                wq.CLAIM_DUE,
                {"now": far, "limit": 5, "token": "dead", "at": "then",
                 "leaseUntil": time.time() + 0.5},
                bump=False,
            )  # fmt: skip
            return len(claimed)
        finally:
            await container.close()

    assert run(die()) == 1
    _wait_for(lambda: len(got.requests) > count, "the orphaned delivery")
    orphan = json.loads(got.requests[-1][1])
    assert orphan["data"]["learnerId"] == "did:example:orphan"

    def logged() -> dict[str, Any] | None:
        page = post(s.base, s.a, DELIVERIES, id=hook, first=1)["data"]["webhookDeliveries"]
        node = page["edges"][0]["node"] if page["edges"] else None
        return node if node and node["status"] == "DELIVERED" else None

    assert _wait_for(logged, "the orphan's log")["attempts"] == 2  # the dead claim, then ours

"""How long a match event takes to reach a job board: from the credential ingest that lifts
a consented learner over a webhook's (and a subscription's) minimum score to the signed
webhook delivery at a local receiver, and to the graphql-transport-ws subscription message.

    PYTHONPATH=src .venv/bin/python bench/match_events.py \\
        --neo4j-home /tmp/cmbench/events --port 7811 [--n 20]

Starts a private bundled Neo4j (kept between runs; the seed is loaded on the first), serves
the real app under uvicorn with websockets, registers one webhook (http to a loopback
receiver, allowlisted for the bench) and opens one subscription, both for a posting of the
bench's organisation. Each round: a new learner gets one credential and opts in (untimed),
then the rest of the posting's credentials are ingested in one request (t0); the round
ends when both the delivery and the subscription message for that learner have arrived.
Prints one JSON report (p50/p95 in ms). Rounds run one after another on an idle app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import uvicorn
import websocket
from synthetic_graph import bench_settings

from credmatch.bootstrap import bootstrap
from credmatch.config import Settings
from credmatch.credentials.signing import sign_data_integrity
from credmatch.domain.principal import Role
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import ensure_schema
from credmatch.seed.generate import context_store
from credmatch.seed.identities import issuer_identity
from credmatch.seed.issuers import ISSUERS
from credmatch.server import create_app
from credmatch.services.api_keys import KeyService
from credmatch.services.seed import load_seed

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "graph_seed"
SHARED_DATA = REPO.parent / "shared" / "data"
ORG = "org-bench-events"
SUBSCRIBE = """subscription($job: ID!, $min: Float) { candidateMatched(jobId: $job,
  minScore: $min) { type learnerId score } }"""


class _Hook(BaseHTTPRequestHandler):
    arrivals: ClassVar[dict[str, float]] = {}

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        learner = json.loads(body)["data"]["learnerId"]
        self.arrivals.setdefault(learner, time.perf_counter())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def _prepare(settings: Settings) -> dict[str, str]:
    container = bootstrap(settings)
    try:
        await ensure_schema(container.store, settings.embedding_dimension)
        if not await container.store.read("MATCH (j:JobPosting) RETURN j.id AS id LIMIT 1"):
            await load_seed(container.seed_deps(), SEED, step=lambda s: print(s, file=sys.stderr))
        service = KeyService(container.store)
        admin = await service.create(Role.ADMIN, label="bench match events")
        board = await service.create(Role.JOBBOARD, org_id=ORG, org_name="Bench events")
        return {"admin": admin.token, "board": board.token}
    finally:
        await container.close()


async def _linked(settings: Settings, job: str) -> set[str]:
    """The achievements the posting's requirements link to, once it is linked and ranked."""
    container = bootstrap(settings)
    try:
        for _ in range(600):
            rows = await container.store.read(
                "MATCH (j:JobPosting {id: $j}) WHERE j.matchesStale IS NULL "
                "MATCH (j)-[:REQUIRES]->()-[:SATISFIED_BY]->(a:Achievement) "
                "RETURN DISTINCT a.id AS a",
                {"j": job},
            )
            if rows:
                return {r["a"] for r in rows}
            await asyncio.sleep(0.2)
        raise RuntimeError(f"posting {job} was never linked")
    finally:
        await container.close()


def _serve(settings: Settings, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", ws="wsproto"
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    return server


def _gql(base: str, key: str, query: str, **variables: Any) -> dict[str, Any]:
    r = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
        timeout=120,
    )
    body: dict[str, Any] = r.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def _seed_credentials() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((SEED / "credentials").glob("*.jsonl")):
        for line in path.read_text().splitlines()[:200]:
            cred = json.loads(line)
            if isinstance(cred, dict) and "achievement" in cred.get("credentialSubject", {}):
                found.append((path.stem, cred))
    return found


def _sign(cred: dict[str, Any], slug: str, learner: str) -> dict[str, Any]:
    cred = json.loads(json.dumps(cred))
    cred.pop("proof")
    cred["id"] = f"urn:uuid:{uuid.uuid4()}"
    cred["credentialSubject"]["id"] = learner
    ident = issuer_identity(next(s for s in ISSUERS if s.slug == slug))
    return sign_data_integrity(
        cred,
        ident.key,
        ident.verification_method,
        "eddsa-jcs-2022",
        "2026-01-01T00:00:00Z",
        context_store(SHARED_DATA / "esco"),
    )


def _ms(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1),
        "max_ms": round(ms[-1], 1),
    }


def _fresh(base: str, admin: str, learner: str, job: str) -> float:
    """Wait until the learner's row is in the table; their score."""
    query = "query($l: ID!, $j: ID!) { skillGap(learnerId: $l, jobId: $j) { score } }"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return float(_gql(base, admin, query, l=learner, j=job)["skillGap"]["score"])
        except RuntimeError:
            time.sleep(0.2)
    raise RuntimeError(f"{learner} never became visible")


def run(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.neo4j_home).resolve()
    base_settings = bench_settings(home, args.port)
    Neo4jLauncher(base_settings).start()
    settings = base_settings.model_copy(
        update={
            "seed_dir": SEED,
            "trust_registry": SEED / "trust.json",
            "documents": str(SEED / "documents"),
            "embedding_cache": home / "embeddings.sqlite",
            "webhook_allow_http": True,
            "webhook_allowlist": "127.0.0.1",
            "webhook_poll_s": 1.0,
            "warm_model": True,
        }
    )
    keys = asyncio.run(_prepare(settings))
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    port = args.http_port
    server = _serve(settings, port)
    base = f"http://127.0.0.1:{port}"
    fields = {
        "externalId": f"bench-{uuid.uuid4().hex[:6]}",
        "title": "Data Analyst",
        "description": "Analyse sales data.",
        "requirements": [
            {"text": "SQL queries and joins"},
            {"text": "Python for data analysis"},
            {"text": "Data visualisation dashboards"},
        ],
    }
    job = _gql(
        base,
        keys["board"],
        "mutation($i: JobPostingInput) { upsertJobPosting(input: $i) { id requirements { id } } }",
        i=fields,
    )["upsertJobPosting"]["id"]
    wanted = asyncio.run(_linked(settings, job))
    pool, taken = [], set()
    for slug, cred in _seed_credentials():
        a = cred["credentialSubject"]["achievement"]["id"]
        if a in wanted and a not in taken:
            taken.add(a)
            pool.append((slug, cred))
    if len(pool) < 2:
        raise RuntimeError("the bench posting links to fewer than two seed achievements")
    ws = websocket.create_connection(
        base.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"], timeout=120
    )
    ws.send(
        json.dumps(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {keys['board']}"}}
        )
    )
    json.loads(ws.recv())
    hook_times, sub_times, threshold = [], [], None
    for i in range(args.n + 1):  # round 0 sets the threshold and warms up; not counted
        learner = f"did:example:bench-events-{uuid.uuid4().hex[:10]}"
        creds = [_sign(c, s, learner) for s, c in pool]
        _gql(
            base,
            keys["admin"],
            "mutation($c: [JSON!]!) { ingestCredentials(credentials: $c) { loaded } }",
            c=creds[:1],
        )
        _gql(
            base,
            keys["admin"],
            "mutation($l: ID!) { setDiscoverable(learnerId: $l,"
            " discoverable: true) { discoverable } }",
            l=learner,
        )
        before = _fresh(base, keys["admin"], learner, job)
        if threshold is None:
            threshold = round(before + 0.01, 4)
            _gql(
                base,
                keys["board"],
                "mutation($u: String!, $j: ID, $m: Float) { registerWebhook("
                "url: $u, events: [CANDIDATE_MATCHED], jobId: $j, minScore: $m) { secret } }",
                u=f"http://127.0.0.1:{hook.server_address[1]}/hook",
                j=job,
                m=threshold,
            )
            ws.send(
                json.dumps(
                    {
                        "id": "s",
                        "type": "subscribe",
                        "payload": {
                            "query": SUBSCRIBE,
                            "variables": {"job": job, "min": threshold},
                        },
                    }
                )
            )
            time.sleep(1)
        t0 = time.perf_counter()
        _gql(
            base,
            keys["admin"],
            "mutation($c: [JSON!]!) { ingestCredentials(credentials: $c) { loaded } }",
            c=creds[1:],
        )
        while True:
            message = json.loads(ws.recv())
            if message.get("type") == "next":
                event = message["payload"]["data"]["candidateMatched"]
                if event["learnerId"] == learner:
                    sub_at = time.perf_counter()
                    break
        deadline = time.monotonic() + 60
        while learner not in _Hook.arrivals and time.monotonic() < deadline:
            time.sleep(0.01)
        if i > 0:
            sub_times.append(sub_at - t0)
            hook_times.append(_Hook.arrivals[learner] - t0)
        _gql(base, keys["admin"], "mutation($l: ID!) { eraseLearner(learnerId: $l) }", l=learner)
    ws.close()
    ws.shutdown()
    server.should_exit = True
    return {
        "rounds": args.n,
        "credentials_per_ingest": len(pool) - 1,
        "threshold": threshold,
        "ingest_to_webhook": _ms(hook_times),
        "ingest_to_subscription": _ms(sub_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True, help="Neo4j bolt port")
    parser.add_argument("--http-port", type=int, default=8791)
    parser.add_argument("--n", type=int, default=20)
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()

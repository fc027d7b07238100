"""Latency and throughput of ``candidates(jobId, first: 20)``: product vs the straightforward way.

Run from the repo root, after bench/synthetic_graph.py loaded a graph into the same home/port:

    PYTHONPATH=src .venv/bin/python bench/candidates_latency.py \\
        --neo4j-home var/bench/neo4j-10k --port 7801 [--requests 300] [--duration 20]

Four paths, timed the same way (sequential p50/p95/p99 over random jobs after a warm-up, then
requests/s with 4 and 8 concurrent clients for a bounded time):

* ``product-http``: the real API (``uvicorn credmatch.server:create_app`` in a subprocess on
  127.0.0.1, rate limit lifted so it does not throttle the benchmark) queried over HTTP with
  httpx and an API key from KeyService.create;
* ``product-bolt``: ``Matcher.candidates`` in this process, straight over Bolt (no HTTP, no
  GraphQL): the posting's ranking read from its match table (MATCHES edges);
* ``live-bolt``: what the product does while a posting's match table is being refreshed, or
  for filters the table does not hold (issuers, issued after): the ranking computed in one
  Cypher query over every holder of every achievement linked by SATISFIED_BY;
* ``straightforward-bolt``: no precomputed edges: each requirement's embedding is searched in
  the achievement vector index at query time (``db.index.vector.queryNodes``, same k, floor
  and similarity mapping as the linker), then the same holder aggregation, ranking and
  explanation run (``Matcher.rank``). It returns the same ranking; the bench checks that.

Memory: VmRSS of the API process and of the Neo4j JVM at start and end. Loopback only; every
loop is bounded by a count or a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_graph import PASSWORD, bench_settings

from credmatch.bootstrap import bootstrap
from credmatch.domain.model import RequirementSpec
from credmatch.domain.paging import encode_cursor
from credmatch.embeddings import HashingEmbedder
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.store import GraphStore
from credmatch.services.api_keys import KeyService
from credmatch.services.linking import LinkPolicy
from credmatch.services.matching import (
    CandidateFilter,
    CandidatePage,
    Matcher,
    RequirementView,
)

REPO = Path(__file__).resolve().parents[1]

CANDIDATES_QUERY = """
query Bench($id: ID!, $first: Int!) {
  candidates(jobId: $id, first: $first) {
    totalCount
    edges { cursor node {
      rank score requiredMet requiredTotal
      learner { id displayName }
      coverage { requirement { id } value met evidence { credentialId verdict similarity } }
      gaps { id }
    } }
  }
}
"""

# The straightforward way: requirement -> achievement links found at query time.
VECTOR_LINKS = """
MATCH (:JobPosting {id: $id})-[:REQUIRES]->(r:Requirement)
CALL (r) {
  CALL db.index.vector.queryNodes('achievement_embedding', $k, r.embedding) YIELD node, score
  WITH node, 2 * score - 1 AS cosine
  WHERE cosine >= $floor
  RETURN collect({achievement: node.id,
                  similarity: CASE WHEN cosine >= $full THEN 1.0
                                   ELSE (cosine - $floor) / ($full - $floor) END}) AS links
}
RETURN r {.id, .text, .weight, .required, .kind, .section} AS req, links
ORDER BY r.position
"""

JOB_IDS = "MATCH (j:JobPosting) RETURN j.id AS id ORDER BY j.id"

CANDIDATES_AFTER_QUERY = """
query Deep($id: ID!, $first: Int!, $after: String!) {
  candidates(jobId: $id, first: $first, after: $after) {
    totalCount
    edges { cursor node {
      rank score requiredMet requiredTotal
      learner { id displayName }
      coverage { requirement { id } value met evidence { credentialId verdict similarity } }
      gaps { id }
    } }
  }
}
"""

SKILL_GAP_QUERY = """
query Gap($learner: ID!, $job: ID!) {
  skillGap(learnerId: $learner, jobId: $job) {
    score
    coverage { requirement { id } value met evidence { credentialId verdict similarity } }
    gaps { id text }
    recommendations { achievement { id name } closes { id } gapWeightClosed scoreGain }
  }
}
"""

# The order key of the consented row at 0-based position $skip of a posting's stored ranking
# (to build a cursor that starts a page at that offset) and a few consented learners with
# evidence for it (skillGap targets); both read the match table's rank-key index.
KEY_AT = """
MATCH ()-[m:MATCHES]->()
WHERE m.job = $job AND m.rankKey >= '1' AND m.rankKey < '2'
WITH m ORDER BY m.job, m.rankKey SKIP $skip LIMIT $n
RETURN substring(m.rankKey, 1) AS key, substring(m.rankKey, 15) AS learner
"""


@dataclass
class Latency:
    n: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float


@dataclass
class Throughput:
    clients: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p95_ms: float


def summarize(samples: Sequence[float]) -> Latency:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return Latency(
        len(ms), round(q[49], 1), round(q[94], 1), round(q[98], 1),
        round(statistics.fmean(ms), 1), round(ms[-1], 1),
    )  # fmt: skip


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except FileNotFoundError:
        return None
    return None


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Call = Callable[[str], Awaitable[Any]]


async def sequential(call: Call, jobs: Sequence[str], n: int, warmup: int, budget_s: float,
                     seed: int) -> Latency:  # fmt: skip
    rng = random.Random(seed)
    for _ in range(warmup):
        await call(rng.choice(jobs))
    samples: list[float] = []
    deadline = time.monotonic() + budget_s
    while len(samples) < n and time.monotonic() < deadline:
        job = rng.choice(jobs)
        start = time.perf_counter()
        await call(job)
        samples.append(time.perf_counter() - start)
    return summarize(samples)


async def concurrent(call: Call, jobs: Sequence[str], clients: int, seconds: float,
                     seed: int) -> Throughput:  # fmt: skip
    samples: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def client(i: int) -> None:
        nonlocal errors
        rng = random.Random(seed + i)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                await call(rng.choice(jobs))
            except Exception:
                errors += 1
                continue
            samples.append(time.perf_counter() - start)

    began = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    took = time.monotonic() - began
    p95 = summarize(samples).p95_ms if len(samples) > 1 else float("nan")
    return Throughput(clients, round(took, 1), len(samples), errors,
                      round(len(samples) / took, 1), p95)  # fmt: skip


def straightforward(matcher: Matcher, store: GraphStore, policy: LinkPolicy, first: int) -> Call:
    """candidates without SATISFIED_BY: vector search per requirement, then the same ranking."""

    async def call(job_id: str) -> CandidatePage:
        rows = await store.read(
            VECTOR_LINKS,
            {"id": job_id, "k": policy.top_k, "floor": policy.cosine_floor,
             "full": policy.cosine_full},
        )  # fmt: skip
        reqs = tuple(
            RequirementView(
                spec=RequirementSpec(
                    id=r["req"]["id"], text=r["req"]["text"], weight=float(r["req"]["weight"]),
                    required=bool(r["req"]["required"]),
                ),
                kind=r["req"].get("kind") or "skill",
                section=r["req"].get("section") or "",
                skills=(),
                links=tuple((x["achievement"], float(x["similarity"])) for x in r["links"]),
            )
            for r in rows
        )  # fmt: skip
        return await matcher.rank(reqs, first, None, CandidateFilter())

    return call


def live(matcher: Matcher, first: int) -> Call:
    """The product's fallback while a posting's match table is being refreshed: the same
    round trips, the ranking computed live in Cypher over every holder (RANK_CANDIDATES)."""

    async def call(job_id: str) -> CandidatePage:
        job = await matcher.job(job_id)
        return await matcher.rank(job.requirements, first, None, CandidateFilter())

    return call


def http_call(client: httpx.AsyncClient, first: int) -> Call:
    async def call(job_id: str) -> dict[str, Any]:
        resp = await client.post(
            "/graphql",
            json={"query": CANDIDATES_QUERY, "variables": {"id": job_id, "first": first}},
        )
        resp.raise_for_status()
        body: dict[str, Any] = resp.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors for {job_id}: {body['errors']}")
        return body

    return call


def http_after_call(client: httpx.AsyncClient, first: int, cursors: dict[str, str]) -> Call:
    """candidates from a cursor: a page starting at the bench's --offset."""

    async def call(job_id: str) -> dict[str, Any]:
        variables = {"id": job_id, "first": first, "after": cursors[job_id]}
        resp = await client.post(
            "/graphql", json={"query": CANDIDATES_AFTER_QUERY, "variables": variables}
        )
        resp.raise_for_status()
        body: dict[str, Any] = resp.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors for {job_id}: {body['errors']}")
        return body

    return call


def http_gap_call(client: httpx.AsyncClient, holders: dict[str, list[str]], seed: int) -> Call:
    """skillGap for a random consented holder of the posting (from its stored ranking)."""
    rng = random.Random(seed)

    async def call(job_id: str) -> dict[str, Any]:
        variables = {"learner": rng.choice(holders[job_id]), "job": job_id}
        payload = {"query": SKILL_GAP_QUERY, "variables": variables}
        resp = await client.post("/graphql", json=payload)
        resp.raise_for_status()
        body: dict[str, Any] = resp.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors for {job_id}: {body['errors']}")
        return body

    return call


async def deep_cursors(
    store: GraphStore, matcher: Matcher, jobs: Sequence[str], offset: int
) -> dict[str, str]:
    """A candidates cursor per posting that starts the page at rank offset + 1 (the API binds
    cursors to the posting, filter and policy: the same matcher settings give the same)."""
    cursors = {}
    for job_id in jobs:
        rows = await store.read(KEY_AT, {"job": job_id, "skip": offset - 1, "n": 1})
        if rows:
            job = await matcher.job(job_id)
            bound = matcher.cursor_scope(CandidateFilter(), job, None, None, True)
            cursors[job_id] = encode_cursor("candidates", bound, (rows[0]["key"],))
    return cursors


async def gap_holders(store: GraphStore, jobs: Sequence[str], n: int = 50) -> dict[str, list[str]]:
    """Consented learners spread over each posting's stored ranking (every 100th row)."""
    holders: dict[str, list[str]] = {}
    for job_id in jobs:
        ids = []
        for k in range(n):
            rows = await store.read(KEY_AT, {"job": job_id, "skip": k * 100, "n": 1})
            if not rows:
                break
            ids.append(rows[0]["learner"])
        if ids:
            holders[job_id] = ids
    return holders


def start_api(
    bolt_uri: str, port: int, log: Path, src: Path = REPO / "src"
) -> subprocess.Popen[bytes]:
    """The API from ``src`` (this checkout's by default) in a subprocess on 127.0.0.1."""
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "NEO4J_URI": bolt_uri,
        "NEO4J_PASSWORD": PASSWORD,
        "CREDMATCH_GRAPHIQL": "false",
        # candidates and skillGap need neither the model nor the skill linker; warming them
        # over the full ESCO taxonomy (1M graph) would take the API's CPU for minutes.
        "CREDMATCH_WARM_MODEL": "false",
        # The per-key token bucket (20/s by default) would measure the limiter, not matching.
        "CREDMATCH_RATE_LIMIT_PER_S": "100000",
        "CREDMATCH_RATE_LIMIT_BURST": "100000",
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "credmatch.server:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
           "--no-access-log"]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"API process exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"API at {base} not healthy within {timeout_s}s")


async def same_ranking(product: Call, plain: Call, jobs: Sequence[str]) -> tuple[int, int]:
    same = 0
    for job in jobs:
        a, b = await product(job), await plain(job)
        ids_a = [(m.learner_id, round(m.score, 6)) for m in a.matches]
        ids_b = [(m.learner_id, round(m.score, 6)) for m in b.matches]
        same += ids_a == ids_b and a.total == b.total
    return same, len(jobs)


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.neo4j_home).resolve()
    if args.no_cache:  # every request ranks: for the API subprocess and the Bolt paths alike
        os.environ["CREDMATCH_RANKING_CACHE_SIZE"] = "0"
    os.environ["CREDMATCH_MATCH_TABLE_DEPTH"] = str(args.depth)
    settings = bench_settings(home, args.port, args.heap, args.pagecache)
    launcher = Neo4jLauncher(settings)
    launcher.start()
    neo4j_pid = launcher.status().pid
    container = bootstrap(settings, embedder=HashingEmbedder(384))
    store = container.store
    matcher = container.matcher()
    policy = container.link_policy()
    report: dict[str, Any] = {"neo4j_home": str(home), "ranking_cache": not args.no_cache,
                              "table_depth": args.depth}  # fmt: skip
    load_info = home / "bench-load.json"
    if load_info.is_file():
        report["graph"] = json.loads(load_info.read_text())["counts"]
    jobs = [r["id"] for r in await store.read(JOB_IDS)]
    if args.jobs_file:  # only the postings whose tables were built (bench/match_depth.py)
        jobs = json.loads(Path(args.jobs_file).read_text())["sample"]
    cursors = await deep_cursors(store, matcher, jobs, args.offset)
    holders = await gap_holders(store, jobs)
    report["deep_jobs"] = len(cursors)
    key = await KeyService(store).create("recruiter", label="candidates benchmark")

    api_port = free_port()
    api = start_api(settings.bolt_uri, api_port, home / "bench-api.log")
    base = f"http://127.0.0.1:{api_port}"
    results: dict[str, Any] = {}
    try:
        wait_healthy(base, api)
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key.token}"}, timeout=60.0,
            limits=httpx.Limits(max_connections=16),
        ) as client:  # fmt: skip
            await http_call(client, args.first)(jobs[0])  # first request: lifespan, key cache
            report["rss_start_mb"] = {"api": rss_mb(api.pid), "neo4j": rss_mb(neo4j_pid)}
            paths: dict[str, Call] = {
                "product-http": http_call(client, args.first),
                "product-bolt": lambda j: matcher.candidates(
                    j, args.first, None, CandidateFilter()
                ),
                "straightforward-bolt": straightforward(matcher, store, policy, args.first),
                "live-bolt": live(matcher, args.first),
                "deep-http": http_after_call(client, args.first, cursors),
                "skillgap-http": http_gap_call(client, holders, args.seed),
            }
            path_jobs = {"deep-http": sorted(cursors), "skillgap-http": sorted(holders)}
            for other, label in (("straightforward-bolt", "same_top_page"),
                                 ("live-bolt", "live_same_top_page")):  # fmt: skip
                if args.paths and other not in args.paths:
                    continue
                same = await same_ranking(
                    paths["product-bolt"], paths[other], jobs[: args.check_jobs]
                )
                report[label] = f"{same[0]}/{same[1]} jobs"
            for name, call in paths.items():
                if args.paths and name not in args.paths:
                    continue
                these = path_jobs.get(name, jobs)
                if not these:
                    continue
                report.setdefault("uptime", {})[name] = _uptime()
                lat = await sequential(call, these, args.requests, args.warmup, args.budget,
                                       args.seed)  # fmt: skip
                print(f"{name}: sequential {asdict(lat)}", flush=True)
                tput = []
                for clients in args.concurrency:
                    t = await concurrent(call, these, clients, args.duration, args.seed)
                    print(f"{name}: {clients} clients {asdict(t)}", flush=True)
                    tput.append(asdict(t))
                results[name] = {"sequential": asdict(lat), "concurrent": tput}
            report["rss_end_mb"] = {"api": rss_mb(api.pid), "neo4j": rss_mb(neo4j_pid)}
    finally:
        api.terminate()
        try:
            api.wait(timeout=20)
        except subprocess.TimeoutExpired:
            api.kill()
            api.wait()
        await container.close()
        if args.stop:
            launcher.stop()
    report["results"] = results
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300, help="timed sequential requests")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument(
        "--budget", type=float, default=120.0, help="max seconds per sequential run"
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per concurrency run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 8])
    parser.add_argument(
        "--check-jobs", type=int, default=20, help="jobs compared for equal ranking"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-cache", action="store_true", help="turn the ranked-page cache off (cold requests)"
    )
    parser.add_argument("--paths", nargs="+", help="only these paths (default: all)")
    parser.add_argument("--offset", type=int, default=10_000, help="deep-http starts here")
    parser.add_argument(
        "--depth", type=int, default=0, help="CREDMATCH_MATCH_TABLE_DEPTH for API and matcher"
    )
    parser.add_argument("--jobs-file", help="JSON with a 'sample' list of posting ids to query")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--out", help="write the report as JSON here")
    parser.add_argument("--stop", action="store_true", help="stop Neo4j at the end")
    args = parser.parse_args()
    if args.duration > 60:
        parser.error("--duration is capped at 60 s")
    report = asyncio.run(amain(args))
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()

"""What the access log costs ``candidates(first: 20)``: p50/p95 with and without it, in one run.

Run from the repo root, after bench/synthetic_graph.py loaded a graph into the same home/port:

    PYTHONPATH=src .venv/bin/python bench/access_log_cost.py \\
        --neo4j-home var/bench/neo4j-100k --port 7801 [--rounds 4] [--duration 20] \\
        [--baseline-src /path/to/other/checkout/src]

API processes (``uvicorn credmatch.server:create_app``) serve the same graph: ``log-on`` with
the access log on (the default settings), ``log-off`` with ``CREDMATCH_ACCESS_LOG=false``, and,
with ``--baseline-src``, ``log-on-base``: another checkout's code (e.g. main's) with its log on,
so an old and a new log are measured in the same run. The ranked-page cache is off in all of
them, so every request ranks.

The request mix is a recruiter UI's: each simulated recruiter (its own ``recruiter`` key) has a
desk of ``--desk`` postings it works on, drawn once and kept for the whole run. A request is,
with probability 0.8, one of its desk postings, page 1 (60 %), page 2 (25 %) or page 3
(15 %), pages 2 and 3 through the ``endCursor`` of the page before it that this recruiter
last fetched (page 1 when it has not fetched that yet); otherwise (0.2) page 1 of a random
posting of the whole graph. Pages are ``first: 20``, so every request shows (and logs) 20
learners.

* sequential: one request at a time, the recruiters taking turns, every request sent to each
  API in turn (order alternating), so all see the same requests and the same machine load;
  p50/p95/p99 overall and p95 per block of ``--block`` requests;
* concurrent: ``--clients`` recruiters at once (one key each) for ``--duration`` seconds per
  API, ``--rounds`` rounds, the APIs' order rotating each round; every round reported.

Each API gets its own recruiter keys, so the events each one logged are counted apart: at the
end, per API, the access-event nodes written during the run and the reads they record
(``sum(coalesce(e.count, 1))``: a coalesced event stands for ``count`` reads). For every
concurrent run also the CPU time (user + system, from /proc) the API process and the Neo4j JVM
used per request, read 2 s after the run so the log's last flush is counted: unlike latency on
a machine shared with other jobs, CPU per request hardly depends on what else runs. Loopback
only; every loop is bounded by a count or a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from candidates_latency import JOB_IDS, free_port, rss_mb, start_api, summarize, wait_healthy
from synthetic_graph import bench_settings

from credmatch.bootstrap import bootstrap
from credmatch.embeddings import HashingEmbedder
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import ensure_schema
from credmatch.keys import KeyService

COUNT_EVENTS = (
    "MATCH (e:AccessEvent) WHERE e.keyId IN $keys "
    "RETURN count(e) AS nodes, sum(coalesce(e.count, 1)) AS reads"
)
TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")

PAGE_QUERY = """
query Page($id: ID!, $first: Int!, $after: String) {
  candidates(jobId: $id, first: $first, after: $after) {
    totalCount
    pageInfo { endCursor hasNextPage }
    edges { node {
      rank score requiredMet requiredTotal
      learner { id displayName }
      coverage { requirement { id } value met evidence { credentialId verdict similarity } }
      gaps { id }
    } }
  }
}
"""

DESK_SHARE = 0.8
PAGE_WEIGHTS = ((1, 0.60), (2, 0.25), (3, 0.15))


@dataclass
class Recruiter:
    """One recruiter's browsing: its key, its desk, its rng and the cursors it holds."""

    token: str
    desk: list[str]
    rng: random.Random
    cursors: dict[tuple[str, str, int], str | None] = field(default_factory=dict)

    def next_request(self, jobs: list[str]) -> tuple[str, int]:
        if self.rng.random() >= DESK_SHARE:
            return self.rng.choice(jobs), 1
        pages, weights = zip(*PAGE_WEIGHTS, strict=True)
        return self.rng.choice(self.desk), self.rng.choices(pages, weights)[0]

    async def fetch(
        self, api: str, client: httpx.AsyncClient, job: str, page: int, first: int,
        token: str | None = None,
    ) -> None:  # fmt: skip
        after = self.cursors.get((api, job, page - 1)) if page > 1 else None
        if after is None:
            page = 1
        resp = await client.post(
            "/graphql",
            json={"query": PAGE_QUERY, "variables": {"id": job, "first": first, "after": after}},
            headers={"Authorization": f"Bearer {token or self.token}"},
        )
        resp.raise_for_status()
        body: dict[str, Any] = resp.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors for {job} page {page}: {body['errors']}")
        self.cursors[(api, job, page)] = body["data"]["candidates"]["pageInfo"]["endCursor"]


def recruiters(
    tokens: list[str], jobs: list[str], desk: int, seed: int, round_: int
) -> list[Recruiter]:
    """Fresh recruiters: recruiter i keeps its desk in every round (drawn from ``seed``); its
    requests come from ``seed`` and ``round_``, the same for every API in a round."""
    out = []
    for i, token in enumerate(tokens):
        desk_of = random.Random(f"{seed}-desk-{i}").sample(jobs, desk)
        out.append(Recruiter(token, desk_of, random.Random(f"{seed}-{round_}-{i}")))
    return out


async def sequential(clients: dict[str, httpx.AsyncClient], people: list[Recruiter],
                     tokens: dict[str, list[str]], jobs: list[str], n: int, warmup: int,
                     budget_s: float, block: int, first: int) -> dict[str, Any]:  # fmt: skip
    names = list(clients)
    samples: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.monotonic() + budget_s
    for i in range(warmup + n):
        if time.monotonic() >= deadline:
            break
        who = people[i % len(people)]
        job, page = who.next_request(jobs)
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order if i % 2 == 0 else reversed(order):
            start = time.perf_counter()
            await who.fetch(name, clients[name], job, page, first, tokens[name][i % len(people)])
            if i >= warmup:
                samples[name].append(time.perf_counter() - start)
    out: dict[str, Any] = {}
    for name, s in samples.items():
        blocks = [s[j : j + block] for j in range(0, len(s), block) if len(s[j : j + block]) > 1]
        out[name] = {
            **asdict(summarize(s)),
            "p95_ms_per_block": [summarize(b).p95_ms for b in blocks],
        }
    return out


async def concurrent(name: str, client: httpx.AsyncClient, people: list[Recruiter],
                     jobs: list[str], seconds: float, first: int) -> dict[str, Any]:  # fmt: skip
    samples: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    async def browse(who: Recruiter) -> None:
        while time.monotonic() < deadline:
            job, page = who.next_request(jobs)
            start = time.perf_counter()
            try:
                await who.fetch(name, client, job, page, first)
            except (httpx.HTTPError, RuntimeError) as e:
                errors.append(str(e)[:200])
                continue
            samples.append(time.perf_counter() - start)

    began = time.monotonic()
    await asyncio.gather(*(browse(who) for who in people))
    took = time.monotonic() - began
    lat = summarize(samples)
    return {"clients": len(people), "seconds": round(took, 1), "requests": len(samples),
            "errors": len(errors), "first_error": errors[0] if errors else None,
            "rps": round(len(samples) / took, 1), "p50_ms": lat.p50_ms, "p95_ms": lat.p95_ms,
            "p99_ms": lat.p99_ms}  # fmt: skip


def _start(
    name: str, bolt_uri: str, home: Path, src: Path | None
) -> tuple[subprocess.Popen[bytes], str]:
    os.environ["CREDMATCH_ACCESS_LOG"] = "false" if name == "log-off" else "true"
    os.environ["CREDMATCH_RANKING_CACHE_SIZE"] = "0"
    port = free_port()
    log = home / f"bench-api-accesslog-{name}.log"
    proc = start_api(bolt_uri, port, log) if src is None else start_api(bolt_uri, port, log, src)
    return proc, f"http://127.0.0.1:{port}"


async def counts(store: Any, key_ids: list[str]) -> dict[str, int]:
    row = (await store.read(COUNT_EVENTS, {"keys": key_ids}))[0]
    return {"nodes": int(row["nodes"]), "reads": int(row["reads"] or 0)}


def cpu_s(pid: int | None) -> float:
    """User + system CPU seconds a process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) * TICK_S


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.neo4j_home).resolve()
    settings = bench_settings(home, args.port)
    launcher = Neo4jLauncher(settings)
    launcher.start()
    container = bootstrap(settings, embedder=HashingEmbedder(384))
    store = container.store
    # This checkout's indexes (the access log's among them) and the organisations migration
    # (a graph generated before organisations existed).
    await ensure_schema(store, 384)
    jobs = [r["id"] for r in await store.read(JOB_IDS)]
    names = ["log-on", "log-off"] + (["log-on-base"] if args.baseline_src else [])
    keys = KeyService(store)
    issued = {  # each API its own recruiter keys, so the events it logs can be counted
        name: [await keys.create("recruiter", label=f"access log bench {name} {i}")
               for i in range(args.clients)]
        for name in names
    }  # fmt: skip
    tokens = {name: [k.token for k in ks] for name, ks in issued.items()}
    key_ids = {name: [k.info.id for k in ks] for name, ks in issued.items()}
    neo4j_pid = launcher.status().pid
    before = {name: await counts(store, ids) for name, ids in key_ids.items()}
    report: dict[str, Any] = {
        "neo4j_home": str(home), "first": args.first, "desk": args.desk,
        "baseline_src": args.baseline_src, "load_avg_start": os.getloadavg(),
    }  # fmt: skip
    load_info = home / "bench-load.json"
    if load_info.is_file():
        report["graph"] = json.loads(load_info.read_text())["counts"]
    base_src = Path(args.baseline_src).resolve() if args.baseline_src else None
    apis = {
        name: _start(name, settings.bolt_uri, home, base_src if name == "log-on-base" else None)
        for name in names
    }
    clients: dict[str, httpx.AsyncClient] = {}
    try:
        for name, (proc, base) in apis.items():
            wait_healthy(base, proc)
            clients[name] = httpx.AsyncClient(
                base_url=base, timeout=120.0, limits=httpx.Limits(max_connections=16)
            )
            # The first request waits for the API's start-up work (its match-table check).
            await clients[name].post(
                "/graphql",
                json={"query": PAGE_QUERY, "variables": {"id": jobs[0], "first": args.first}},
                headers={"Authorization": f"Bearer {tokens[name][0]}"},
                timeout=300.0,
            )
        people = recruiters(tokens["log-on"], jobs, args.desk, args.seed, 0)
        report["sequential"] = await sequential(
            clients,
            people,
            tokens,
            jobs,
            args.requests,
            args.warmup,
            args.budget,
            args.block,
            args.first,
        )
        print(f"sequential: {json.dumps(report['sequential'])}", flush=True)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            if round_ % 2:
                order.reverse()
            for name in order:
                people = recruiters(tokens[name], jobs, args.desk, args.seed, round_ + 1)
                cpu = (cpu_s(apis[name][0].pid), cpu_s(neo4j_pid))
                t = await concurrent(name, clients[name], people, jobs, args.duration, args.first)
                await asyncio.sleep(2.0)  # the log's last flush lands in this API's CPU time
                t["api_cpu_ms_per_req"] = round(
                    (cpu_s(apis[name][0].pid) - cpu[0]) * 1000 / max(t["requests"], 1), 1
                )
                t["neo4j_cpu_ms_per_req"] = round(
                    (cpu_s(neo4j_pid) - cpu[1]) * 1000 / max(t["requests"], 1), 1
                )
                print(f"round {round_ + 1} {name}: {json.dumps(t)}", flush=True)
                runs[name].append({"round": round_ + 1, **t})
        report["concurrent"] = runs
        report["rss_end_mb"] = {name: rss_mb(proc.pid) for name, (proc, _) in apis.items()}
    finally:
        for client in clients.values():
            await client.aclose()
        for proc, _ in apis.values():
            proc.terminate()  # a logging API flushes its buffer on shutdown
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        report["access_events"] = {}
        for name, ids in key_ids.items():
            after = await counts(store, ids)
            report["access_events"][name] = {k: after[k] - before[name][k] for k in after}
        report["load_avg_end"] = os.getloadavg()
        await container.close()
        if args.stop:
            launcher.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300, help="timed sequential requests")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--budget", type=float, default=300.0, help="seconds for the sequential part"
    )
    parser.add_argument("--block", type=int, default=100, help="sequential requests per p95 block")
    parser.add_argument("--clients", type=int, default=4, help="recruiters (keys) at once")
    parser.add_argument("--desk", type=int, default=3, help="postings each recruiter works on")
    parser.add_argument("--rounds", type=int, default=4, help="concurrent rounds per API")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per concurrent run")
    parser.add_argument("--baseline-src", help="also run this checkout's src/ with its log on")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", help="write the report as JSON here")
    parser.add_argument("--stop", action="store_true", help="stop Neo4j at the end")
    args = parser.parse_args()
    report = asyncio.run(amain(args))
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()

"""What the access log costs ``candidates(first: 20)``: p50/p95 with and without it, in one run.

Run from the repo root, after bench/synthetic_graph.py loaded a graph into the same home/port:

    PYTHONPATH=src .venv/bin/python bench/access_log_cost.py \\
        --neo4j-home var/bench/neo4j-100k --port 7801 [--requests 300] [--duration 20]

Two API processes (``uvicorn credmatch.server:create_app``) serve the same graph, one with
the access log on (``CREDMATCH_ACCESS_LOG=true``, the default) and one with it off; the ranked
page cache is off in both, so every request ranks. Requests go to both in turn (random
postings, the order alternating each round), so both see the same machine load; then each is
driven by N concurrent clients for a bounded time, twice, alternating. The recruiter key
acts for the ``default`` organisation, which owns the synthetic postings (migrated by
``ensure_schema``). At the end: how many access events the logging API wrote (every learner
shown is one event), and that the other wrote none. Loopback only; every loop is bounded.
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
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from candidates_latency import (
    JOB_IDS,
    free_port,
    http_call,
    rss_mb,
    start_api,
    summarize,
    wait_healthy,
)
from candidates_latency import concurrent as drive
from synthetic_graph import bench_settings

from credmatch.bootstrap import bootstrap
from credmatch.embeddings import HashingEmbedder
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import migrate_to_organizations
from credmatch.services.api_keys import KeyService

COUNT_EVENTS = "MATCH (e:AccessEvent) RETURN count(e) AS n"


def _start(bolt_uri: str, logging: bool, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    os.environ["CREDMATCH_ACCESS_LOG"] = "true" if logging else "false"
    os.environ["CREDMATCH_RANKING_CACHE_SIZE"] = "0"
    port = free_port()
    name = "on" if logging else "off"
    proc = start_api(bolt_uri, port, home / f"bench-api-accesslog-{name}.log")
    return proc, f"http://127.0.0.1:{port}"


async def interleaved(calls: dict[str, Any], jobs: list[str], n: int, warmup: int,
                      budget_s: float, seed: int) -> dict[str, Any]:  # fmt: skip
    rng = random.Random(seed)
    names = list(calls)
    for _ in range(warmup):
        job = rng.choice(jobs)
        for name in names:
            await calls[name](job)
    samples: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.monotonic() + budget_s
    for i in range(n):
        if time.monotonic() >= deadline:
            break
        job = rng.choice(jobs)
        for name in names if i % 2 == 0 else reversed(names):
            start = time.perf_counter()
            await calls[name](job)
            samples[name].append(time.perf_counter() - start)
    return {name: asdict(summarize(s)) for name, s in samples.items()}


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.neo4j_home).resolve()
    settings = bench_settings(home, args.port)
    launcher = Neo4jLauncher(settings)
    launcher.start()
    container = bootstrap(settings, embedder=HashingEmbedder(384))
    store = container.store
    await migrate_to_organizations(store)  # a graph generated before organisations existed
    jobs = [r["id"] for r in await store.read(JOB_IDS)]
    key = await KeyService(store).create("recruiter", label="access log benchmark")
    events_before = (await store.read(COUNT_EVENTS))[0]["n"]
    report: dict[str, Any] = {"neo4j_home": str(home), "first": args.first}
    load_info = home / "bench-load.json"
    if load_info.is_file():
        report["graph"] = json.loads(load_info.read_text())["counts"]
    apis = {
        name: _start(settings.bolt_uri, name == "log-on", home) for name in ("log-on", "log-off")
    }
    clients: list[httpx.AsyncClient] = []
    try:
        calls = {}
        for name, (proc, base) in apis.items():
            wait_healthy(base, proc)
            client = httpx.AsyncClient(
                base_url=base, headers={"Authorization": f"Bearer {key.token}"}, timeout=60.0,
                limits=httpx.Limits(max_connections=16),
            )  # fmt: skip
            clients.append(client)
            calls[name] = http_call(client, args.first)
            await calls[name](jobs[0])
        report["sequential"] = await interleaved(
            calls, jobs, args.requests, args.warmup, args.budget, args.seed
        )
        print(f"sequential: {report['sequential']}", flush=True)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in calls}
        for round_ in range(2):
            order = list(calls) if round_ == 0 else list(reversed(calls))
            for name in order:
                t = await drive(calls[name], jobs, args.clients, args.duration, args.seed + round_)
                print(f"{name}: {args.clients} clients {asdict(t)}", flush=True)
                runs[name].append(asdict(t))
        report["concurrent"] = runs
        report["rss_end_mb"] = {name: rss_mb(proc.pid) for name, (proc, _) in apis.items()}
    finally:
        for client in clients:
            await client.aclose()
        for proc, _ in apis.values():
            proc.terminate()  # the logging API flushes its buffer on shutdown
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        report["access_events_written"] = (await store.read(COUNT_EVENTS))[0]["n"] - events_before
        await container.close()
        if args.stop:
            launcher.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300, help="timed rounds (one per API)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds for the rounds")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per concurrent run")
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

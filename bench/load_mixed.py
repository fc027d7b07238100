"""Mixed recruiter / job-board / learner load against a running credmatch API, on loopback.

    PYTHONPATH=src .venv/bin/python bench/load_mixed.py --url http://127.0.0.1:8000 \
        --keys var/demo-keys.json --clients 6 --duration 600 --max-requests 200000 \
        --api-pid PID --neo4j-pid PID --out load.json

Bounded by time and by count; stops by itself. Reports requests/s, p50/p95/p99 per operation,
errors, and RSS of the API and Neo4j sampled every 30 s (to see whether memory stays flat).
The API must run with a rate limit above the offered load (CREDMATCH_RATE_LIMIT_PER_S).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

CANDIDATES = """query($job: ID!, $first: Int, $after: String) {
  candidates(jobId: $job, first: $first, after: $after) {
    totalCount pageInfo { endCursor }
    edges { node { rank score learner { id } gaps { text }
      coverage { value evidence { verdict issuer { name } achievement { name } } } } } } }"""
FOR_SKILLS = """query($s: [String!]!) { candidatesForSkills(skills: $s, first: 10) {
  totalCount edges { node { score learner { id } } } } }"""
GAP = """query($l: ID!, $j: ID!) { skillGap(learnerId: $l, jobId: $j) {
  score gaps { text } recommendations { achievement { name } closes { text } } } }"""
UPSERT = """mutation($p: JSON!) { upsertJobPosting(jsonld: $p) { id requirements { text } } }"""
BROWSE = """{ jobPostings(first: 50) { nodes { id title } } achievements(first: 20) { name } }"""
LINK = """query($t: String!) { linkSkills(text: $t, first: 5) { label score } }"""

SKILLS = [
    "Kubernetes",
    "incident response",
    "SQL",
    "wound care",
    "welding",
    "Python",
    "project risk management",
    "Spanish",
    "firewalls",
    "customer support",
]
TEXTS = [
    "experience with cloud infrastructure",
    "patient observation and vital signs",
    "TIG welding of stainless steel",
    "agile project delivery",
    "data visualisation",
]


def rss_mb(pid: int | None) -> float | None:
    if not pid:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def posting(n: int) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": f"load-{n % 20}",
        "title": f"Support Engineer {n % 20}",
        "hiringOrganization": {"name": "Load Test Ltd"},
        "description": "<h3>Requirements</h3><ul><li>Linux and shell scripting</li>"
        f"<li>{random.choice(SKILLS)}</li></ul><h3>Nice to have</h3><ul>"
        f"<li>{random.choice(SKILLS)}</li></ul>",
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    keys = json.loads(Path(args.keys).read_text())
    async with httpx.AsyncClient(base_url=args.url, timeout=60) as probe:
        head = {"Authorization": f"Bearer {keys['recruiter']}"}
        jobs = [
            j["id"]
            for j in (await probe.post("/graphql", json={"query": BROWSE}, headers=head)).json()[
                "data"
            ]["jobPostings"]["nodes"]
        ]
        me = (
            await probe.post(
                "/graphql",
                json={"query": "{ viewer { learnerId } }"},
                headers={"Authorization": f"Bearer {keys['learner']}"},
            )
        ).json()["data"]["viewer"]["learnerId"]
    mix: list[tuple[str, str, float]] = [
        ("recruiter candidates", "recruiter", 0.45), ("recruiter candidatesForSkills",
        "recruiter", 0.10), ("learner skillGap", "learner", 0.15), ("jobboard upsert",
        "jobboard", 0.05), ("jobboard candidates", "jobboard", 0.10), ("browse", "recruiter",
        0.10), ("linkSkills", "recruiter", 0.05)]  # fmt: skip
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    error_samples: list[dict[str, str]] = []
    samples: list[dict[str, Any]] = []
    deadline = time.monotonic() + args.duration
    sent = 0
    rng = random.Random(7)

    def request(op: str) -> dict[str, Any]:
        if op.endswith("candidates"):
            return {"query": CANDIDATES, "variables": {"job": rng.choice(jobs), "first": 20}}
        if op.endswith("candidatesForSkills"):
            return {"query": FOR_SKILLS, "variables": {"s": rng.sample(SKILLS, 2)}}
        if op == "learner skillGap":
            return {"query": GAP, "variables": {"l": me, "j": rng.choice(jobs)}}
        if op == "jobboard upsert":
            return {"query": UPSERT, "variables": {"p": posting(rng.randrange(1000))}}
        if op == "linkSkills":
            return {"query": LINK, "variables": {"t": rng.choice(TEXTS)}}
        return {"query": BROWSE}

    async def client() -> None:
        nonlocal sent
        async with httpx.AsyncClient(base_url=args.url, timeout=60) as http:
            while time.monotonic() < deadline and sent < args.max_requests:
                op, role, _ = rng.choices(mix, weights=[m[2] for m in mix])[0]
                sent += 1
                started = time.perf_counter()
                try:
                    resp = await http.post(
                        "/graphql",
                        json=request(op),
                        headers={"Authorization": f"Bearer {keys[role]}"},
                    )
                    body = resp.json()
                    ok = resp.status_code == 200 and "errors" not in body
                    why = f"HTTP {resp.status_code}: {json.dumps(body.get('errors'))[:300]}"
                except (httpx.HTTPError, ValueError) as e:
                    ok, why = False, f"{type(e).__name__}: {e}"
                latencies[op].append(time.perf_counter() - started)
                if not ok:
                    errors[op] += 1
                    if len(error_samples) < 20:
                        error_samples.append({"operation": op, "error": why})

    async def sampler() -> None:
        start = time.monotonic()
        while time.monotonic() < deadline and sent < args.max_requests:
            samples.append(
                {
                    "t_s": round(time.monotonic() - start),
                    "requests": sent,
                    "api_mb": rss_mb(args.api_pid),
                    "neo4j_mb": rss_mb(args.neo4j_pid),
                }
            )
            await asyncio.sleep(30)
        samples.append(
            {
                "t_s": round(time.monotonic() - start),
                "requests": sent,
                "api_mb": rss_mb(args.api_pid),
                "neo4j_mb": rss_mb(args.neo4j_pid),
            }
        )

    began = time.monotonic()
    await asyncio.gather(sampler(), *(client() for _ in range(args.clients)))
    elapsed = time.monotonic() - began
    total = sum(len(v) for v in latencies.values())

    def pct(values: list[float]) -> dict[str, float]:
        ms = sorted(v * 1000 for v in values)
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        return {
            "n": len(ms),
            "p50_ms": round(q[49], 1),
            "p95_ms": round(q[94], 1),
            "p99_ms": round(q[98], 1),
        }

    every = [v for values in latencies.values() for v in values]
    return {"clients": args.clients, "seconds": round(elapsed, 1), "requests": total,
            "rps": round(total / elapsed, 2), "errors": sum(errors.values()),
            "all": pct(every), "by_operation": {k: {**pct(v), "errors": errors[k]}
                                                for k, v in sorted(latencies.items())},
            "memory": samples, "error_samples": error_samples}  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--keys", default="var/demo-keys.json")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--api-pid", type=int)
    parser.add_argument("--neo4j-pid", type=int)
    parser.add_argument("--out", type=Path)
    ns = parser.parse_args()
    if not ns.url.startswith(("http://127.", "http://localhost")):
        parser.error("load runs only against loopback")
    report = asyncio.run(main(ns))
    text = json.dumps(report, indent=2)
    if ns.out:
        ns.out.write_text(text)
    print(text)

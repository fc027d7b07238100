"""What keeping the match table fresh costs, on a graph made by bench/synthetic_graph.py.

    PYTHONPATH=src .venv/bin/python bench/match_refresh.py \\
        --neo4j-home /tmp/cmbench/neo4j-100k --port 7801 [--jobs 20] [--learners 500]

Measures, on the running graph (it leaves the table as it found it: every step recomputes the
same values):

* ``job``: rebuilding one posting's whole table (a posting arrived or was relinked), per
  posting, for ``--jobs`` random postings;
* ``learners``: refreshing a batch of ``--learners`` flagged learners against every posting
  (what a credential ingest batch of that many learners costs), a few batches;
* ``consent``: one learner's consent change, re-keying their edges (both ways).

Prints one JSON report with the table size and the store size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from synthetic_graph import bench_settings, connect, store_size

from credmatch.bootstrap import match_policy
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import refresh_job, refresh_matches
from credmatch.services.privacy import set_discoverable

FLAG = "UNWIND $ids AS id MATCH (l:Learner {id: id}) SET l.matchesStale = true"


def _ms(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1),
        "max_ms": round(ms[-1], 1),
    }


async def measure(store: GraphStore, args: argparse.Namespace, settings: Any) -> dict[str, Any]:
    policy = match_policy(settings)
    rng = random.Random(args.seed)
    report: dict[str, Any] = {}
    await refresh_matches(store, policy)  # start from a fresh table
    size = await store.read(
        "MATCH (j:JobPosting) WITH j, COUNT { (j)<-[:MATCHES]-() } AS n "
        "RETURN count(j) AS jobs, sum(n) AS rows, max(n) AS largest"
    )
    report["table"] = dict(size[0])

    jobs = [r["id"] for r in await store.read("MATCH (j:JobPosting) RETURN j.id AS id")]
    times, rows = [], []
    for job in rng.sample(jobs, min(args.jobs, len(jobs))):
        start = time.perf_counter()
        rows.append(await refresh_job(store, job, policy))
        times.append(time.perf_counter() - start)
    report["job"] = {**_ms(times), "rows_p50": statistics.median(rows)}

    learners = [r["id"] for r in await store.read("MATCH (l:Learner) RETURN l.id AS id")]
    times = []
    for _ in range(args.batches):
        batch = rng.sample(learners, min(args.learners, len(learners)))
        await store.write(FLAG, {"ids": batch}, bump=False)
        start = time.perf_counter()
        done = await refresh_matches(store, policy)
        times.append(time.perf_counter() - start)
        assert done.learners == len(batch), done
    report["learners"] = {**_ms(times), "batch": args.learners}

    times = []
    discoverable = await store.read(
        "MATCH (l:Learner {discoverable: true})-[:MATCHES]->() RETURN DISTINCT l.id AS id LIMIT $n",
        {"n": args.consents},
    )
    for row in discoverable:
        for value in (False, True):
            start = time.perf_counter()
            await set_discoverable(store, row["id"], value)
            times.append(time.perf_counter() - start)
    report["consent"] = _ms(times)
    return report


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.neo4j_home).resolve()
    settings = bench_settings(home, args.port)
    Neo4jLauncher(settings).start()
    store = connect(settings)
    try:
        report = await measure(store, args, settings)
    finally:
        await store.close()
    report["store_size"] = store_size(home)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--consents", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", help="write the report as JSON here")
    args = parser.parse_args()
    report = asyncio.run(amain(args))
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()

"""The match table at registry scale: whole vs cut at a depth, on a sample of postings.

Run from the repo root against a graph from bench/synthetic_bulk.py (server left running):

    PYTHONPATH=src .venv/bin/python bench/match_depth.py --neo4j-home /tmp/cm17/neo4j-1m \\
        --port 37717 --sample 10 --depth 0       # today's approach: whole tables
    PYTHONPATH=src .venv/bin/python bench/match_depth.py --neo4j-home /tmp/cm17/neo4j-1m \\
        --port 37717 --sample 10 --depth 20000   # the top slice per order

Building every posting's table at 1M learners takes hours on 2 cores, so this builds the tables
of a random sample of postings (fixed seed; the same sample for every depth) with the product's
``refresh_job`` under the policy of ``--depth``, times each, counts its rows and measures the
store before and after; totals for 1,000 postings are extrapolated from the sample (and labelled
so). The other postings are then marked fresh under the same policy *without* a table (a bench
harness state: the API's start-up refresh and the learner refresh must not rebuild 990 tables;
the latency bench only asks for sampled postings). Then it times the freshness paths the product
runs after writes, each ``--tries`` times:

* a new credential: one credential written for a learner as ingest writes it (holder flagged in
  the same transaction), then ``refresh_matches`` (the learner's rows against every posting),
  until the holder's stored rank for a sampled posting is the live one;
* a posting edit: the posting flagged as REPLACE_POSTING does, then ``refresh_matches``;
* a consent change: ``set_discoverable(False)`` (re-keys the learner's rows in its own
  transaction) and, right after it returns, a ``candidates`` page must not hold the learner.

The sample ids and the report go to ``--out`` and to ``<home>/match-depth-<depth>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_graph import bench_settings, connect, store_size

from credmatch.bootstrap import match_policy
from credmatch.domain.model import MatchPolicy
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import policy_id, refresh_job, refresh_matches
from credmatch.services.matching import CandidateFilter, Matcher
from credmatch.services.privacy import set_discoverable

JOB_IDS = "MATCH (j:JobPosting) RETURN j.id AS id ORDER BY j.id"
MARK_FRESH = """
UNWIND $ids AS id
MATCH (j:JobPosting {id: id})
SET j.matchesPolicy = $policy
REMOVE j.matchesStale
"""
TABLE_ROWS = "MATCH ()-[m:MATCHES]->() WHERE m.job = $job RETURN count(m) AS n"
# A learner with no credential yet behind the posting's first requirement's best achievement.
NEW_HOLDER = """
MATCH (j:JobPosting {id: $job})-[:REQUIRES]->(:Requirement)-[s:SATISFIED_BY]->(a:Achievement)
WITH a ORDER BY s.similarity DESC LIMIT 1
MATCH (l:Learner) WHERE l.discoverable AND l.id STARTS WITH 'urn:bench:learner:'
  AND NOT EXISTS { (l)-[:HOLDS]->(:Credential)-[:ATTESTS]->(a) }
WITH a, l SKIP $skip LIMIT 1
RETURN a.id AS achievement, a.offeredBy AS issuer, l.id AS learner
"""
# What ingest writes for one verified credential, holder flagged in the same transaction.
ADD_CREDENTIAL = """
MATCH (l:Learner {id: $learner}), (a:Achievement {id: $achievement}), (i:Issuer {id: $issuer})
CREATE (l)-[:HOLDS]->(c:Credential {id: $id, verdict: 'verified', issuerTrusted: true,
        issuerId: $issuer, validFrom: '2024-01-01', issued: '2024-01-01',
        checkedAt: '2024-06-01T00:00:00+00:00', proofSuite: 'eddsa-rdfc-2022'})-[:ATTESTS]->(a)
CREATE (i)-[:ISSUED]->(c)
SET l.matchesStale = true
"""
DROP_CREDENTIAL = """
MATCH (l:Learner)-[:HOLDS]->(c:Credential {id: $id}) DETACH DELETE c SET l.matchesStale = true
"""
FLAG_JOB = "MATCH (j:JobPosting {id: $job}) SET j.matchesStale = true"
# Linking the postings flagged every holder of a linked achievement (as it must); refreshing
# them is the whole table by the learner path (measured separately, see docs/benchmarks.md).
# The sampled postings were just rebuilt whole, the others are not queried: clear the flags.
STALE_LEARNERS = "MATCH (l:Learner) WHERE l.matchesStale = true RETURN count(l) AS n"
CLEAR_LEARNER_FLAGS = """
MATCH (l:Learner) WHERE l.matchesStale = true
CALL (l) { REMOVE l.matchesStale } IN TRANSACTIONS OF 10000 ROWS
"""
STORED_RANK = """
MATCH (:Learner {id: $learner})-[m:MATCHES]->(:JobPosting {id: $job})
RETURN m.rankKey AS key
"""


def _pct(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {"n": len(ms), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "max_ms": round(ms[-1], 1)}  # fmt: skip


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


async def build_sample(store: GraphStore, policy: MatchPolicy, sample: list[str],
                       home: Path) -> dict[str, Any]:  # fmt: skip
    before = store_size(home)
    builds = []
    for job in sample:
        start = time.perf_counter()
        rows = await refresh_job(store, job, policy)
        took = time.perf_counter() - start
        builds.append({"job": job, "rows": rows, "s": round(took, 2)})
        print(f"  {job}: {rows} rows in {took:.1f} s ({_uptime()})", flush=True)
    rows = [b["rows"] for b in builds]
    secs = [b["s"] for b in builds]
    return {
        "builds": builds,
        # Store files as on disk (Community has no checkpoint procedure: what the last
        # checkpoint wrote; the clean stop at the end of a session gives the real size).
        "store_before": before,
        "store_after": store_size(home),
        "rows_mean": round(statistics.fmean(rows)),
        "rows_max": max(rows),
        "build_s_median": round(statistics.median(secs), 2),
        "build_s_max": max(secs),
        "extrapolated_rows_1000_postings": round(statistics.fmean(rows) * 1000),
        "extrapolated_build_s_1000_postings": round(statistics.fmean(secs) * 1000),
    }


async def new_credential(store: GraphStore, policy: MatchPolicy, job: str,
                         tries: int) -> dict[str, Any]:  # fmt: skip
    """From a credential stored (holder flagged) to the holder's stored row being there."""
    samples, refreshes = [], []
    for k in range(tries):
        found = await store.read(NEW_HOLDER, {"job": job, "skip": k})
        if not found:
            break
        row = found[0]
        cid = f"urn:bench:fresh-credential:{job}:{time.time_ns()}"
        start = time.perf_counter()
        await store.write(ADD_CREDENTIAL, {**row, "id": cid})
        done = await refresh_matches(store, policy)
        key = await store.read(STORED_RANK, {"learner": row["learner"], "job": job})
        samples.append(time.perf_counter() - start)
        refreshes.append(done.learners)
        await store.write(DROP_CREDENTIAL, {"id": cid})
        await refresh_matches(store, policy)
        if not key and policy.table_depth == 0:
            raise RuntimeError(f"{row['learner']} has no row for {job} after the refresh")
    return {**_pct(samples), "learners_refreshed": sum(refreshes)}


async def posting_edit(store: GraphStore, policy: MatchPolicy, jobs: list[str]) -> dict[str, Any]:
    samples = []
    for job in jobs:
        start = time.perf_counter()
        await store.write(FLAG_JOB, {"job": job})
        done = await refresh_matches(store, policy)
        samples.append(time.perf_counter() - start)
        assert done.jobs == 1, done
    return _pct(samples)


async def consent_change(store: GraphStore, matcher: Matcher, policy: MatchPolicy, job: str,
                         tries: int) -> dict[str, Any]:  # fmt: skip
    """set_discoverable(False) returns; the very next page must not hold the learner."""
    top = await matcher.candidates(job, tries, None, CandidateFilter())
    samples, served = [], 0
    for m in top.matches:
        start = time.perf_counter()
        await set_discoverable(store, m.learner_id, False)
        samples.append(time.perf_counter() - start)
        page = await matcher.candidates(job, tries + 1, None, CandidateFilter())
        served += m.learner_id in {x.learner_id for x in page.matches}
    for m in top.matches:
        await set_discoverable(store, m.learner_id, True)
    await refresh_matches(store, policy)  # the flagged learners: tables readable again
    return {**_pct(samples), "served_after_withdrawal": served}


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.neo4j_home).resolve()
    settings = bench_settings(home, args.port, args.heap, args.pagecache)
    Neo4jLauncher(settings).start()
    policy = replace(match_policy(settings), table_depth=args.depth)
    store = connect(settings)
    report: dict[str, Any] = {"depth": args.depth, "policy": policy_id(policy),
                              "uptime_start": _uptime()}  # fmt: skip
    try:
        jobs = [r["id"] for r in await store.read(JOB_IDS)]
        sample = sorted(random.Random(args.seed).sample(jobs, args.sample))
        sample += [j for j in args.jobs if j not in sample]  # e.g. the largest postings
        report["sample"] = sample
        if not args.skip_build:
            report["build"] = await build_sample(store, policy, sample, home)
        rest = [j for j in jobs if j not in set(sample)]
        await store.write(MARK_FRESH, {"ids": rest, "policy": policy_id(policy)})
        report["learners_flagged_cleared"] = (await store.read(STALE_LEARNERS))[0]["n"]
        await store.write_autocommit(CLEAR_LEARNER_FLAGS)
        print(f"cleared {report['learners_flagged_cleared']} learner flags", flush=True)
        matcher = Matcher(store, policy, 100, cache=None)
        if args.tries:
            report["new_credential"] = await new_credential(store, policy, sample[0],
                                                            args.tries)  # fmt: skip
            print(f"new credential: {report['new_credential']}", flush=True)
            report["posting_edit"] = await posting_edit(store, policy, sample[: args.edits])
            print(f"posting edit: {report['posting_edit']}", flush=True)
            report["consent_change"] = await consent_change(store, matcher, policy, sample[1],
                                                            args.tries)  # fmt: skip
        report["uptime_end"] = _uptime()
    finally:
        await store.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--depth", type=int, required=True, help="0: whole tables")
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--tries", type=int, default=20, help="freshness tries (0: skip)")
    parser.add_argument("--edits", type=int, default=5, help="posting edits timed")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--jobs", nargs="*", default=[], help="postings built besides the sample")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--skip-build", action="store_true", help="tables already built")
    parser.add_argument("--out")
    args = parser.parse_args()
    report = asyncio.run(amain(args))
    text = json.dumps(report, indent=2)
    print(text)
    home = Path(args.neo4j_home).resolve()
    (home / f"match-depth-{args.depth}.json").write_text(text + "\n")
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()

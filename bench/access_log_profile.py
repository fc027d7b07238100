"""What one access-log flush costs Neo4j: main's one-node-per-read CREATE against the coalescing
MERGE, on the same graph, as database hits (PROFILE; independent of machine load) and commit
time (median of repeats).

Run from the repo root against a graph bench/synthetic_graph.py loaded (Neo4j running, e.g.
after bench/access_log_cost.py without --stop; ``ensure_schema`` must have created the
``AccessEvent.id`` constraint):

    PYTHONPATH=src .venv/bin/python bench/access_log_profile.py \\
        --neo4j-home var/bench/neo4j-100k --port 7801 [--rows 400] [--repeats 10]

Three batches of ``--rows`` reads (a 1-second flush under 4 clients is 20 learners × ~30
requests ≈ 600 reads): ``create``: main's statement, one new node per read; ``merge-new``:
RECORD_ACCESS with events that do not exist yet; ``merge-repeat``: RECORD_ACCESS with the same
events again (repeated reads within the window: only count and lastAt change). Every event the
script writes carries its own key id and is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_graph import PASSWORD, bench_settings

from credmatch.graph.queries.access import RECORD_ACCESS

# main's statement before coalescing (src/credmatch/graph/queries/access.py at 8128c61).
MAIN_RECORD_ACCESS = """
UNWIND $rows AS r
MATCH (l:Learner {id: r.learner})
CREATE (:AccessEvent {id: r.id, at: r.at, operation: r.operation, keyId: r.key,
                      orgId: r.org, learnerId: r.learner, jobId: r.job})
RETURN count(*) AS recorded
"""
LEARNERS = "MATCH (l:Learner) RETURN l.id AS id LIMIT $n"
CLEAN = "MATCH (e:AccessEvent) WHERE e.keyId = $key DELETE e"


def _rows(learners: list[str], key: str, fresh_ids: bool) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {"id": secrets.token_hex(12) if fresh_ids else f"{key}-{i}", "at": now, "first": now,
         "last": now, "count": 1, "operation": "candidates", "key": key, "org": "default",
         "learner": learner, "job": "urn:bench:profile"}
        for i, learner in enumerate(learners)
    ]  # fmt: skip


async def _timed(driver: neo4j.AsyncDriver, query: str, rows: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    await driver.execute_query(query, {"rows": rows}, routing_=neo4j.RoutingControl.WRITE)
    return (time.perf_counter() - start) * 1000


async def _db_hits(driver: neo4j.AsyncDriver, query: str, rows: list[dict[str, Any]]) -> int:
    async with driver.session() as session:
        result = await session.run("PROFILE " + query, {"rows": rows})
        summary = await result.consume()

    def total(plan: Any) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(c) for c in plan.get("children", []))

    return total(summary.profile) if summary.profile else -1


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    settings = bench_settings(Path(args.neo4j_home).resolve(), args.port)
    driver = neo4j.AsyncGraphDatabase.driver(settings.bolt_uri, auth=("neo4j", PASSWORD))
    key = f"profile-{secrets.token_hex(4)}"
    out: dict[str, Any] = {"rows": args.rows, "repeats": args.repeats}
    try:
        recs, _, _ = await driver.execute_query(LEARNERS, {"n": args.rows})
        learners = [r["id"] for r in recs]
        times: dict[str, list[float]] = {"create": [], "merge-new": [], "merge-repeat": []}
        hits: dict[str, int] = {}
        for i in range(args.repeats + 1):  # the first round profiles, the rest are timed
            batch_key = f"{key}-{i}"
            plans = {
                "create": (MAIN_RECORD_ACCESS, _rows(learners, batch_key, True)),
                "merge-new": (RECORD_ACCESS, _rows(learners, batch_key, False)),
                "merge-repeat": (RECORD_ACCESS, _rows(learners, batch_key, False)),
            }
            for name, (query, rows) in plans.items():
                for r in rows:
                    r["key"] = key  # every event of this script, for the clean-up
                if i == 0:
                    hits[name] = await _db_hits(driver, query, rows)
                else:
                    times[name].append(await _timed(driver, query, rows))
        out["db_hits"] = hits
        out["commit_ms_median"] = {n: round(statistics.median(t), 1) for n, t in times.items()}
        out["commit_ms_all"] = {n: [round(x, 1) for x in t] for n, t in times.items()}
    finally:
        await driver.execute_query(CLEAN, {"key": key}, routing_=neo4j.RoutingControl.WRITE)
        await driver.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(amain(args)), indent=2))


if __name__ == "__main__":
    main()

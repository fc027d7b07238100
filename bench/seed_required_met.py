"""On the seed graph: for how many postings does `allRequiredMet: true` return candidates?

Run from the repo root:  PYTHONPATH=src .venv/bin/python bench/seed_required_met.py [--json F]

Starts a private Neo4j (the bundled server, in a temporary folder), loads graph_seed/ with
the real model, and asks the GraphQL API, as a recruiter, for every posting's requirements
and its candidates with and without `allRequiredMet: true`. Prints one line per posting and
the count; ``--json`` also writes the postings' required lists (for before/after examples).
Settings come from the environment as usual (CREDMATCH_EVIDENCE_FLOOR included).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import tempfile
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from credmatch.bootstrap import bootstrap
from credmatch.config import Settings, load_settings
from credmatch.domain.principal import Role
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import ensure_schema
from credmatch.server import create_app
from credmatch.services.api_keys import KeyService
from credmatch.services.seed import load_seed

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "graph_seed"
PASSWORD = "credmatch-bench-password"

JOBS = "{ jobPostings(first: 100) { nodes { id title requirements { text kind required } } } }"
COUNT = """query($job: ID!, $filter: CandidateFilter) {
  candidates(jobId: $job, first: 1, filter: $filter) { totalCount } }"""
# The README walkthrough's queries, captured for it (--json).
SHORTLIST = """query Shortlist($job: ID!) {
  candidates(jobId: $job, first: 2) {
    totalCount
    edges { node {
      rank score requiredMet requiredTotal
      learner { id displayName }
      coverage {
        requirement { text kind required }
        value
        evidence { achievement { name } issuer { name trusted } verdict similarity validUntil }
      }
      gaps { text }
    } }
  }
}"""
GAP = """query MyGap($me: ID!, $job: ID!) {
  skillGap(learnerId: $me, jobId: $job) {
    score
    gaps { text }
    recommendations {
      achievement { name issuer { name trusted } hours credits stacksInto { name } }
      closes { text }
      gapWeightClosed
      scoreGain
    }
  }
}"""
WHO = """query WhoKnows($skills: [String!]!) {
  candidatesForSkills(skills: $skills, first: 3) {
    totalCount
    requirements { id text }
    edges { node { rank score learner { id displayName }
      coverage { requirement { text } value
        evidence { achievement { name } issuer { name } verdict } } } }
  }
}"""
DOORS = """query Doors($me: ID!) {
  learnerOpportunities(learnerId: $me, first: 3) {
    postings { job { title } score requiredMet requiredTotal gaps { text } }
    bestNextAchievement {
      achievement { name } issuer { name trusted } hours postingCount gapsClosed
    }
  }
}"""
GAP_LEARNER = "did:key:z6MkjpRKcGb6RC3c3tEBaiMfWTRCyWkv2trfbT6tb6QzjcGi"


async def _load(settings: Settings) -> tuple[str, str]:
    container = bootstrap(settings)
    try:
        await ensure_schema(container.store, settings.embedding_dimension)
        await load_seed(container.seed_deps(), SEED, step=lambda s: None)
        keys = KeyService(container.store)
        recruiter = await keys.create(Role.RECRUITER)
        learner = await keys.create(Role.LEARNER, learner_id=GAP_LEARNER)
        return recruiter.token, learner.token
    finally:
        await container.close()


def _gql(client: TestClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def measure(settings: Settings) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    key, learner_key = asyncio.run(_load(settings))
    rows = []
    with TestClient(create_app(settings)) as client:
        examples = {
            "shortlist": _gql(client, key, SHORTLIST, job="sentinelops-soc-analyst"),
            "gap": _gql(client, learner_key, GAP, me=GAP_LEARNER, job="stlukes-rn-medsurg"),
            "doors": _gql(client, learner_key, DOORS, me=GAP_LEARNER),
            "who": _gql(client, key, WHO, skills=["Kubernetes", "incident response"]),
        }
        jobs = _gql(client, key, JOBS)["jobPostings"]["nodes"]
        for job in sorted(jobs, key=lambda j: j["id"]):
            everyone = _gql(client, key, COUNT, job=job["id"])["candidates"]["totalCount"]
            strict = {"allRequiredMet": True}
            met = _gql(client, key, COUNT, job=job["id"], filter=strict)["candidates"]
            rows.append(
                {
                    "id": job["id"],
                    "title": job["title"],
                    "required": [r["text"] for r in job["requirements"] if r["required"]],
                    "requirements": job["requirements"],
                    "candidates": everyone,
                    "allRequiredMet": met["totalCount"],
                }
            )
    return rows, examples


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="write every posting's requirements here")
    parser.add_argument("--home", type=Path, help="keep the graph in this (new) folder")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        home = args.home or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="credmatch-seed-bench-")
        )
        base = load_settings(
            neo4j_uri=None,
            neo4j_password=PASSWORD,
            neo4j_home=Path(home) / "neo4j",
            neo4j_bolt_port=_free_port(),
            neo4j_heap="1g",
            neo4j_pagecache="512m",
            warm_model=False,
        )
        launcher = Neo4jLauncher(base)
        launcher.start()
        settings = base.model_copy(
            update={
                "embedding_cache": Path(home) / "embeddings.sqlite",
                "seed_dir": SEED,
                "trust_registry": SEED / "trust.json",
                "documents": str(SEED / "documents"),
                "webhook_worker": False,
            }
        )
        try:
            rows, examples = measure(settings)
        finally:
            launcher.stop()
    for row in rows:
        print(
            f"{row['id']}: {len(row['required'])} required, {row['candidates']} candidates, "
            f"{row['allRequiredMet']} with allRequiredMet"
        )
    served = sum(1 for r in rows if r["allRequiredMet"] > 0)
    print(f"postings where allRequiredMet returns candidates: {served} of {len(rows)}")
    if args.json:
        output = {"postings": rows, "examples": examples}
        args.json.write_text(json.dumps(output, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

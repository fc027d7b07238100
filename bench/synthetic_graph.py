"""Synthetic credmatch graph for the matching benchmark: generate, load, link.

Run from the repo root:

    PYTHONPATH=src .venv/bin/python bench/synthetic_graph.py --learners 10000 \\
        --neo4j-home var/bench/neo4j-10k --port 7801

Starts a private bundled Neo4j (its own home dir and Bolt port, heap/pagecache 2g by default),
loads the seed's ESCO skills with the product's import_taxonomy, then writes Issuers,
Achievements, Learners and Credentials directly with Cypher UNWIND batches (no signature
verification: the benchmark measures matching). Postings go in with the product's
REPLACE_POSTING; embeddings (HashingEmbedder, 384 dims: deterministic, meaningless, fine for
latency) with the product's embed_pending; SATISFIED_BY with the product's link_satisfied, so
the links ranking traverses are computed exactly as in production. Everything is drawn from
one fixed seed. The server is left running for bench/candidates_latency.py (``--stop`` stops it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from credmatch.bootstrap import match_policy
from credmatch.config import Settings, load_settings
from credmatch.embeddings import HashingEmbedder
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.queries import ingest as ingest_q
from credmatch.graph.schema import ensure_schema
from credmatch.graph.store import GraphStore
from credmatch.services.linking import LinkPolicy, embed_pending, link_satisfied
from credmatch.services.match_table import refresh_matches
from credmatch.services.rows import achievement_text, text_hash
from credmatch.services.taxonomy import import_taxonomy
from credmatch.taxonomy.esco import EscoCsvSource
from credmatch.taxonomy.model import SkillRecord

REPO = Path(__file__).resolve().parents[1]
SEED_ESCO = REPO / "graph_seed" / "esco"
PASSWORD = "credmatch-bench-password"
DIMENSION = 384
BATCH = 5000
ZIPF_S = 1.0  # achievement popularity ~ 1 / rank**s

KINDS = ("Certificate in", "Badge:", "Micro-credential in", "Diploma in", "Course:")
LEVELS = ("Foundations of", "Applied", "Advanced", "Professional")
REQ_FORMS = ("Proficiency in {}", "Experience with {}", "Knowledge of {}", "Ability to {}")
VERDICTS = ("verified", "unverifiable", "expired", "revoked")
VERDICT_P = (0.90, 0.04, 0.03, 0.03)


@dataclass(frozen=True)
class Shape:
    learners: int
    achievements: int = 5000
    credentials_per_learner: float = 5.0
    issuers: int = 60
    jobs: int = 200
    requirements_per_job: int = 8
    seed: int = 20240605


def bench_settings(home: Path, port: int, heap: str = "2g", pagecache: str = "2g") -> Settings:
    """Settings for a private bundled Neo4j owned by the benchmark."""
    return load_settings(
        neo4j_uri=None,
        neo4j_password=PASSWORD,
        neo4j_home=home,
        neo4j_bolt_port=port,
        neo4j_heap=heap,
        neo4j_pagecache=pagecache,
        neo4j_query_timeout_s=600.0,
    )


def connect(settings: Settings) -> GraphStore:
    return GraphStore.connect(settings, PASSWORD)


def chunks(rows: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _date(rng: np.random.Generator, start_year: int = 2015, years: int = 9) -> str:
    day = int(rng.integers(0, years * 365))
    return str(np.datetime64(f"{start_year}-01-01") + np.timedelta64(day, "D"))


def issuer_rows(shape: Shape, rng: np.random.Generator) -> list[dict[str, Any]]:
    return [
        {
            "id": f"did:web:issuer-{i}.bench.example",
            "props": {"name": f"Bench Issuer {i}", "trusted": bool(rng.random() < 0.85)},
        }
        for i in range(shape.issuers)
    ]


def achievement_rows(
    shape: Shape, skills: Sequence[SkillRecord], rng: np.random.Generator
) -> list[dict[str, Any]]:
    rows = []
    topics = rng.integers(0, len(skills), shape.achievements)
    for i, topic in enumerate(topics):
        label = skills[int(topic)].label
        kind, level = KINDS[i % len(KINDS)], LEVELS[int(rng.integers(0, len(LEVELS)))]
        name = f"{kind} {level} {label}"
        description = f"Holders can {label} in practice, assessed on real tasks."
        rows.append(
            {
                "id": f"urn:bench:achievement:{i}",
                "issuer": f"did:web:issuer-{i % shape.issuers}.bench.example",
                "topic": int(topic),
                "props": {
                    "name": name,
                    "description": description,
                    "achievementType": "Certificate",
                    "hours": float(rng.integers(4, 120)),
                },
                "textHash": text_hash(achievement_text(name, description)),
            }
        )
    return rows


def posting_rows(
    shape: Shape,
    skills: Sequence[SkillRecord],
    achievement_topics: Sequence[int],
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """Postings whose requirements mostly name a topic some achievement covers."""
    postings = []
    for j in range(shape.jobs):
        jid = f"urn:bench:job:{j}"
        reqs = []
        for p in range(shape.requirements_per_job):
            if rng.random() < 0.85:
                topic = int(achievement_topics[int(rng.integers(0, len(achievement_topics)))])
            else:
                topic = int(rng.integers(0, len(skills)))
            text = REQ_FORMS[int(rng.integers(0, len(REQ_FORMS)))].format(skills[topic].label)
            reqs.append(
                {
                    "id": f"{jid}#req-{p}",
                    "postingId": jid,
                    "position": p,
                    "text": text,
                    "kind": "skill",
                    "required": p < 6,
                    "weight": 1.0 if p < 6 else 0.5,
                    "section": "requirements" if p < 6 else "nice to have",
                    "textHash": text_hash(text),
                    "needs": [skills[topic].uri],
                }
            )
        props = {
            "title": f"Bench role {j}",
            "organization": f"Bench employer {j % 40}",
            "description": "Synthetic posting for the matching benchmark.",
            "datePosted": _date(rng, 2024, 1),
            "source": "bench",
            "contentHash": text_hash(json.dumps([r["text"] for r in reqs])),
        }
        postings.append({"id": jid, "props": props, "requirements": reqs})
    return postings


def popularity(shape: Shape, rng: np.random.Generator) -> np.ndarray:
    """Zipf-like: achievement at popularity rank r is held ∝ 1/r**s; ranks are shuffled."""
    weights = 1.0 / np.arange(1, shape.achievements + 1) ** ZIPF_S
    p = np.empty(shape.achievements)
    p[rng.permutation(shape.achievements)] = weights / weights.sum()
    return p


def learner_rows(shape: Shape, rng: np.random.Generator) -> list[dict[str, Any]]:
    discoverable = rng.random(shape.learners) < 0.9
    return [
        {
            "id": f"urn:bench:learner:{i}",
            "discoverable": bool(discoverable[i]),
            "displayName": f"Learner {i}",
        }
        for i in range(shape.learners)
    ]


def credential_rows(
    shape: Shape, p: np.ndarray, achievements: Sequence[dict[str, Any]], rng: np.random.Generator
) -> Iterator[list[dict[str, Any]]]:
    """Credentials per batch of learners: ~credentials_per_learner each (1 + Poisson)."""
    per = max(shape.credentials_per_learner - 1.0, 0.0)
    step = max(BATCH // max(int(shape.credentials_per_learner), 1), 1)
    n = 0
    for start in range(0, shape.learners, step):
        batch: list[dict[str, Any]] = []
        for i in range(start, min(start + step, shape.learners)):
            k = 1 + int(rng.poisson(per))
            held = np.unique(rng.choice(shape.achievements, size=k, p=p))
            for a in held:
                ach = achievements[int(a)]
                verdict = VERDICTS[int(rng.choice(4, p=VERDICT_P))]
                valid_from = _date(rng)
                props: dict[str, Any] = {
                    "verdict": verdict,
                    "proofSuite": "eddsa-rdfc-2022",
                    "checkedAt": "2024-06-01T00:00:00+00:00",
                    "validFrom": valid_from,
                    "issued": valid_from,
                    "issuerTrusted": bool(rng.random() < 0.9),
                    "issuerId": ach["issuer"],
                }
                if verdict == "expired":
                    props["validUntil"] = _date(rng, 2016, 7)
                if verdict != "verified":
                    props["reasons"] = [f"{verdict}: synthetic"]
                batch.append(
                    {
                        "id": f"urn:bench:credential:{n}",
                        "learner": f"urn:bench:learner:{i}",
                        "achievement": ach["id"],
                        "issuer": ach["issuer"],
                        "props": props,
                    }
                )
                n += 1
        yield batch


CREATE_ACHIEVEMENTS = """
UNWIND $rows AS r
MATCH (i:Issuer {id: r.issuer})
CREATE (i)-[:OFFERS]->(a:Achievement {id: r.id})
SET a += r.props, a.textHash = r.textHash, a.offeredBy = r.issuer
"""

CREATE_LEARNERS = """
UNWIND $rows AS r
CREATE (l:Learner {id: r.id})
SET l.discoverable = r.discoverable, l.displayName = r.displayName, l.createdAt = datetime()
"""

CREATE_CREDENTIALS = """
UNWIND $rows AS r
MATCH (l:Learner {id: r.learner}), (a:Achievement {id: r.achievement}),
      (i:Issuer {id: r.issuer})
CREATE (l)-[:HOLDS]->(c:Credential {id: r.id})-[:ATTESTS]->(a)
SET c += r.props
CREATE (i)-[:ISSUED]->(c)
"""

CREATE_NEEDS = """
UNWIND $rows AS r
MATCH (q:Requirement {id: r.id})
SET q.skillsLinkedAt = datetime()
WITH q, r
UNWIND r.needs AS uri
MATCH (s:Skill {uri: uri})
MERGE (q)-[n:NEEDS]->(s)
SET n.score = 0.8
"""

COUNTS = """
MATCH (l:Learner) WITH count(l) AS learners
MATCH (c:Credential) WITH learners, count(c) AS credentials
MATCH (a:Achievement) WITH learners, credentials, count(a) AS achievements
MATCH (j:JobPosting) WITH learners, credentials, achievements, count(j) AS jobs
MATCH (k:Skill) WITH learners, credentials, achievements, jobs, count(k) AS skills
MATCH ()-[s:SATISFIED_BY]->()
RETURN learners, credentials, achievements, jobs, skills, count(s) AS satisfiedBy
"""


def _log(msg: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:7.1f}s] {msg}", flush=True)


async def load(store: GraphStore, settings: Settings, shape: Shape, t0: float) -> dict[str, Any]:
    """Write the whole synthetic graph into an empty database; returns timings and counts."""
    rng = np.random.default_rng(shape.seed)
    timings: dict[str, float] = {}
    mark = time.monotonic()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        timings[name] = round(now - mark, 1)
        mark = now
        _log(f"{name} done", t0)

    await ensure_schema(store, DIMENSION)
    source = EscoCsvSource(SEED_ESCO)
    await import_taxonomy(store, source)
    skills = [s for s in source.skills() if isinstance(s, SkillRecord)]
    lap("schema+taxonomy")

    await store.write(ingest_q.UPSERT_ISSUERS, {"rows": issuer_rows(shape, rng)})
    achievements = achievement_rows(shape, skills, rng)
    for batch in chunks(achievements):
        rows = [{k: v for k, v in r.items() if k != "topic"} for r in batch]
        await store.write(CREATE_ACHIEVEMENTS, {"rows": rows})
    embedder = HashingEmbedder(DIMENSION)
    policy = LinkPolicy()
    await embed_pending(store, embedder)  # achievements and skills
    await link_satisfied(store, policy)  # catalog first: nothing to link yet, marks them linked
    lap("issuers+achievements+embed")

    postings = posting_rows(shape, skills, [int(a["topic"]) for a in achievements], rng)
    for post in postings:
        reqs = [{k: v for k, v in r.items() if k != "needs"} for r in post["requirements"]]
        await store.write(
            ingest_q.REPLACE_POSTING,
            {
                "id": post["id"],
                "org": "default",
                "externalId": post["id"],
                "props": post["props"],
                "requirements": reqs,
            },
        )
    needs = [{"id": r["id"], "needs": r["needs"]} for p in postings for r in p["requirements"]]
    await store.write(CREATE_NEEDS, {"rows": needs})
    await embed_pending(store, embedder)
    linked = await link_satisfied(store, policy)
    lap("postings+link_satisfied")

    for batch in chunks(learner_rows(shape, rng), 10_000):
        await store.write(CREATE_LEARNERS, {"rows": list(batch)})
    lap("learners")
    p = popularity(shape, rng)
    written = 0
    for batch in credential_rows(shape, p, achievements, rng):
        await store.write(CREATE_CREDENTIALS, {"rows": batch})
        written += len(batch)
        if written % 100_000 < len(batch):
            _log(f"{written} credentials", t0)
    lap("credentials")
    refreshed = await refresh_matches(store, match_policy(settings))
    _log(f"match table: {refreshed.jobs} postings, {refreshed.rows} rows", t0)
    lap("match_table")
    counts = (await store.read(COUNTS))[0]
    return {"timings_s": timings, "requirements_linked": linked[0], "counts": counts}


def store_size(home: Path) -> str:
    """The database's store files (not the transaction logs, which retention trims)."""
    data = home / "data" / "databases" / "neo4j"
    target = data if data.is_dir() else home
    out = subprocess.run(["du", "-sh", str(target)], capture_output=True, text=True, check=False)
    return out.stdout.split()[0] if out.stdout else "?"


async def amain(args: argparse.Namespace) -> None:
    t0 = time.monotonic()
    home = Path(args.neo4j_home).resolve()
    if home.exists():
        if not args.fresh:
            sys.exit(f"{home} exists; pass --fresh to delete it and load again")
        Neo4jLauncher(bench_settings(home, args.port)).stop()
        shutil.rmtree(home)
    settings = bench_settings(home, args.port, args.heap, args.pagecache)
    launcher = Neo4jLauncher(settings)
    launcher.start()
    _log(f"neo4j up on {settings.bolt_uri} (home {home})", t0)
    shape = Shape(
        learners=args.learners,
        achievements=args.achievements,
        credentials_per_learner=args.credentials_per_learner,
    )
    store = connect(settings)
    try:
        started = time.monotonic()
        report = await load(store, settings, shape, t0)
        report["load_s"] = round(time.monotonic() - started, 1)
    finally:
        await store.close()
    report["store_size"] = store_size(home)
    report["shape"] = shape.__dict__
    print(json.dumps(report, indent=2, default=str))
    (home / "bench-load.json").write_text(json.dumps(report, indent=2, default=str))
    if args.stop:
        launcher.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, required=True)
    parser.add_argument("--achievements", type=int, default=5000)
    parser.add_argument("--credentials-per-learner", type=float, default=5.0)
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--fresh", action="store_true", help="delete --neo4j-home first")
    parser.add_argument("--stop", action="store_true", help="stop Neo4j after loading")
    asyncio.run(amain(parser.parse_args()))


if __name__ == "__main__":
    main()

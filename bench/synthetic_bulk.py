"""Synthetic credmatch graph at registry scale (1M learners, 5M credentials) via bulk import.

Run from the repo root:

    PYTHONPATH=src .venv/bin/python bench/synthetic_bulk.py --learners 1000000 --jobs 1000 \\
        --neo4j-home /tmp/cm17/neo4j-1m --port 37717

bench/synthetic_graph.py writes everything with Cypher UNWIND batches, which is fine at 100k
but hours at 1M learners. Here the big node and edge sets (issuers, achievements, learners,
credentials; OFFERS, HOLDS, ATTESTS, ISSUED) are written as CSV files and loaded with Neo4j's
own offline importer (``neo4j-admin database import full``, run from the jars the bundled
server already has in neo4j-server/target/lib). Then the bundled server starts on the imported
store and the product's own code paths do the rest: ``ensure_schema`` (constraints, range and
vector indexes), the full ESCO taxonomy through ``import_taxonomy``, embeddings
(``HashingEmbedder``: deterministic, meaningless, fine for latency) through ``embed_pending``,
postings through ``REPLACE_POSTING`` and ``SATISFIED_BY`` through ``link_satisfied``.

The shapes and distributions are those of synthetic_graph.py (same helpers for issuers,
achievements and postings; credentials drawn with the same Zipf popularity, verdict mix and
dates, vectorised with numpy). The match table is NOT built here (at 1M learners it is the
thing under study): bench/match_depth.py builds it for a sample of postings or top slices.
Every step's wall time goes into ``bench-load.json`` in the home, with the memory settings.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_graph import (
    CREATE_NEEDS,
    DIMENSION,
    VERDICT_P,
    VERDICTS,
    Shape,
    achievement_rows,
    bench_settings,
    connect,
    issuer_rows,
    popularity,
    posting_rows,
    store_size,
)

from credmatch.embeddings import HashingEmbedder
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.queries import ingest as ingest_q
from credmatch.graph.schema import ensure_schema
from credmatch.graph.store import GraphStore
from credmatch.services.linking import LinkPolicy, embed_pending, link_satisfied
from credmatch.services.taxonomy import import_taxonomy
from credmatch.taxonomy.esco import EscoCsvSource
from credmatch.taxonomy.model import SkillRecord

FULL_ESCO = Path("/work/shared/data/esco")
DAY0 = np.datetime64("2015-01-01")


def _dates(rng: np.random.Generator, n: int, start: str, years: int) -> np.ndarray:
    days = rng.integers(0, years * 365, n)
    return (np.datetime64(start) + days.astype("timedelta64[D]")).astype(str)


def _writer(path: Path, header: list[str]) -> tuple[Any, Any]:
    f = path.open("w", newline="", encoding="utf-8")
    w = csv.writer(f)
    w.writerow(header)
    return f, w


def write_small_nodes(
    out: Path, shape: Shape, skills: list[SkillRecord], rng: np.random.Generator
) -> list[dict[str, Any]]:
    """Issuers, achievements and OFFERS; returns the achievement rows (postings need topics)."""
    f, w = _writer(out / "issuers.csv", ["id:ID(Issuer)", "name", "trusted:boolean"])
    for row in issuer_rows(shape, rng):
        w.writerow([row["id"], row["props"]["name"], str(row["props"]["trusted"]).lower()])
    f.close()
    achievements = achievement_rows(shape, skills, rng)
    header = [
        "id:ID(Achievement)",
        "name",
        "description",
        "achievementType",
        "hours:double",
        "textHash",
        "offeredBy",
    ]
    f, w = _writer(out / "achievements.csv", header)
    g, offers = _writer(out / "offers.csv", [":START_ID(Issuer)", ":END_ID(Achievement)"])
    for a in achievements:
        p = a["props"]
        w.writerow(
            [
                a["id"],
                p["name"],
                p["description"],
                p["achievementType"],
                p["hours"],
                a["textHash"],
                a["issuer"],
            ]
        )
        offers.writerow([a["issuer"], a["id"]])
    f.close()
    g.close()
    return achievements


def write_learners(out: Path, shape: Shape, rng: np.random.Generator) -> None:
    discoverable = rng.random(shape.learners) < 0.9
    header = ["id:ID(Learner)", "discoverable:boolean", "displayName", "createdAt:datetime"]
    with (out / "learners.csv").open("w", encoding="utf-8") as f:
        f.write(",".join(header) + "\n")
        for i in range(shape.learners):
            flag = "true" if discoverable[i] else "false"
            f.write(f"urn:bench:learner:{i},{flag},Learner {i},2024-06-01T00:00:00Z\n")


def draw_credentials(
    shape: Shape, p: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(learner, achievement) pairs, one credential each: 1 + Poisson per learner, Zipf
    achievements, duplicates within a learner dropped (as synthetic_graph.py does)."""
    per = max(shape.credentials_per_learner - 1.0, 0.0)
    counts = 1 + rng.poisson(per, shape.learners)
    learners = np.repeat(np.arange(shape.learners, dtype=np.int64), counts)
    held = rng.choice(shape.achievements, size=int(counts.sum()), p=p).astype(np.int64)
    keys = np.unique(learners * shape.achievements + held)
    return keys // shape.achievements, keys % shape.achievements


def write_credentials(out: Path, shape: Shape, p: np.ndarray, rng: np.random.Generator) -> int:
    learners, held = draw_credentials(shape, p, rng)
    n = len(learners)
    verdicts = rng.choice(len(VERDICTS), size=n, p=VERDICT_P)
    valid_from = _dates(rng, n, "2015-01-01", 9)
    valid_until = _dates(rng, n, "2016-01-01", 7)
    trusted = rng.random(n) < 0.9
    expires = (valid_until.astype("datetime64[D]") - np.datetime64("1970-01-01")).astype(
        np.int64
    ) * 86400
    header = (
        "id:ID(Credential),verdict,proofSuite,checkedAt,validFrom,issued,issuerTrusted:boolean,"
        "issuerId,validUntil,expiresAt:long,reasons:string[]\n"
    )
    files = {
        name: (out / f"{name}.csv").open("w", encoding="utf-8")
        for name in ("credentials", "holds", "attests", "issued")
    }
    files["credentials"].write(header)
    files["holds"].write(":START_ID(Learner),:END_ID(Credential)\n")
    files["attests"].write(":START_ID(Credential),:END_ID(Achievement)\n")
    files["issued"].write(":START_ID(Issuer),:END_ID(Credential)\n")
    cred, holds, attests, issued = (files[k] for k in ("credentials", "holds", "attests", "issued"))
    for k in range(n):
        cid = f"urn:bench:credential:{k}"
        a = int(held[k])
        issuer = f"did:web:issuer-{a % shape.issuers}.bench.example"
        verdict = VERDICTS[int(verdicts[k])]
        vf = valid_from[k]
        until, exp = (valid_until[k], str(expires[k])) if verdict == "expired" else ("", "")
        reasons = "" if verdict == "verified" else f"{verdict}: synthetic"
        flag = "true" if trusted[k] else "false"
        cred.write(
            f"{cid},{verdict},eddsa-rdfc-2022,2024-06-01T00:00:00+00:00,{vf},{vf},{flag},"
            f"{issuer},{until},{exp},{reasons}\n"
        )
        holds.write(f"urn:bench:learner:{int(learners[k])},{cid}\n")
        attests.write(f"{cid},urn:bench:achievement:{a}\n")
        issued.write(f"{issuer},{cid}\n")
    for f in files.values():
        f.close()
    return n


def admin_import(
    launcher: Neo4jLauncher, home: Path, csv_dir: Path, heap: str, off_heap: str, threads: int
) -> str:
    """``neo4j-admin database import full`` with the bundled server's jars."""
    lib = launcher.build() / "target" / "lib"
    home.mkdir(parents=True, exist_ok=True)
    args = [
        "java",
        f"-Xmx{heap}",
        "-cp",
        f"{lib}/*",
        "org.neo4j.cli.AdminTool",
        "database",
        "import",
        "full",
        "neo4j",
        f"--threads={threads}",
        f"--max-off-heap-memory={off_heap}",
        "--ignore-empty-strings=true",
        "--overwrite-destination=true",
        f"--report-file={home / 'import.report'}",
        f"--nodes=Issuer={csv_dir / 'issuers.csv'}",
        f"--nodes=Achievement={csv_dir / 'achievements.csv'}",
        f"--nodes=Learner={csv_dir / 'learners.csv'}",
        f"--nodes=Credential={csv_dir / 'credentials.csv'}",
        f"--relationships=OFFERS={csv_dir / 'offers.csv'}",
        f"--relationships=HOLDS={csv_dir / 'holds.csv'}",
        f"--relationships=ATTESTS={csv_dir / 'attests.csv'}",
        f"--relationships=ISSUED={csv_dir / 'issued.csv'}",
    ]
    env = {**os.environ, "NEO4J_HOME": str(home)}
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    (home / "import.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        sys.exit(f"neo4j-admin import failed; see {home / 'import.log'}")
    return result.stdout[-1500:]


async def finish(
    store: GraphStore,
    shape: Shape,
    skills: list[SkillRecord],
    achievements: list[dict[str, Any]],
    esco: Path,
    lap: Any,
) -> dict[str, Any]:
    """What the product's code paths write on top of the imported store."""
    await ensure_schema(store, DIMENSION, timeout_s=3600)
    lap("schema (constraints + indexes populated)")
    await import_taxonomy(store, EscoCsvSource(esco))
    lap("taxonomy (full ESCO, import_taxonomy)")
    embedder, policy = HashingEmbedder(DIMENSION), LinkPolicy()
    await embed_pending(store, embedder)
    await link_satisfied(store, policy)
    lap("embed achievements+skills, link catalog")
    rng = np.random.default_rng(shape.seed + 1)
    postings = posting_rows(shape, skills, [int(a["topic"]) for a in achievements], rng)
    for post in postings:
        reqs = [{k: v for k, v in r.items() if k != "needs"} for r in post["requirements"]]
        params = {
            "id": post["id"],
            "org": "default",
            "externalId": post["id"],
            "props": post["props"],
            "requirements": reqs,
        }
        await store.write(ingest_q.REPLACE_POSTING, params)
    needs = [{"id": r["id"], "needs": r["needs"]} for p in postings for r in p["requirements"]]
    await store.write(CREATE_NEEDS, {"rows": needs})
    lap("postings (REPLACE_POSTING)")
    await embed_pending(store, embedder)
    linked = await link_satisfied(store, policy)
    lap("embed requirements + link_satisfied")
    return {"requirements_linked": linked[0]}


COUNTS = """
CALL () { MATCH (l:Learner) RETURN count(l) AS learners }
CALL () { MATCH (c:Credential) RETURN count(c) AS credentials }
CALL () { MATCH (a:Achievement) RETURN count(a) AS achievements }
CALL () { MATCH (j:JobPosting) RETURN count(j) AS jobs }
CALL () { MATCH (k:Skill) RETURN count(k) AS skills }
CALL () { MATCH ()-[s:SATISFIED_BY]->() RETURN count(s) AS satisfiedBy }
RETURN learners, credentials, achievements, jobs, skills, satisfiedBy
"""


async def amain(args: argparse.Namespace) -> None:
    t0 = time.monotonic()
    timings: dict[str, float] = {}
    mark = [t0]

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[name] = round(now - mark[0], 1)
        mark[0] = now
        print(f"[{now - t0:7.1f}s] {name}: {timings[name]} s", flush=True)

    home = Path(args.neo4j_home).resolve()
    if home.exists():
        if not args.fresh:
            sys.exit(f"{home} exists; pass --fresh to delete it and load again")
        Neo4jLauncher(bench_settings(home, args.port)).stop()
        shutil.rmtree(home)
    csv_dir = Path(args.csv_dir).resolve() if args.csv_dir else home.parent / (home.name + "-csv")
    csv_dir.mkdir(parents=True, exist_ok=True)
    shape = Shape(
        learners=args.learners,
        achievements=args.achievements,
        credentials_per_learner=args.credentials_per_learner,
        jobs=args.jobs,
    )
    rng = np.random.default_rng(shape.seed)
    source = EscoCsvSource(Path(args.esco))
    skills = [s for s in source.skills() if isinstance(s, SkillRecord)]
    achievements = write_small_nodes(csv_dir, shape, skills, rng)
    write_learners(csv_dir, shape, rng)
    credentials = write_credentials(csv_dir, shape, popularity(shape, rng), rng)
    lap(f"write CSV ({credentials} credentials)")
    settings = bench_settings(home, args.port, args.heap, args.pagecache)
    launcher = Neo4jLauncher(settings)
    tail = admin_import(
        launcher, home, csv_dir, args.import_heap, args.import_off_heap, args.threads
    )
    lap("neo4j-admin database import full")
    launcher.start()
    lap("server start on the imported store")
    store = connect(settings)
    try:
        report = await finish(store, shape, skills, achievements, Path(args.esco), lap)
        report["counts"] = (await store.read(COUNTS))[0]
    finally:
        await store.close()
    report.update(
        timings_s=timings,
        total_s=round(time.monotonic() - t0, 1),
        store_size=store_size(home),
        shape=shape.__dict__,
        memory={
            "heap": args.heap,
            "pagecache": args.pagecache,
            "import_heap": args.import_heap,
            "import_off_heap": args.import_off_heap,
            "import_threads": args.threads,
        },
        import_tail=tail,
    )
    print(json.dumps(report, indent=2, default=str))
    (home / "bench-load.json").write_text(json.dumps(report, indent=2, default=str))
    if not args.keep_csv:
        shutil.rmtree(csv_dir)
    if args.stop:
        launcher.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--achievements", type=int, default=5000)
    parser.add_argument(
        "--credentials-per-learner",
        type=float,
        default=5.2,
        help="mean before duplicates are dropped (5.2 gives ~5.0 after)",
    )
    parser.add_argument("--esco", default=str(FULL_ESCO), help="ESCO CSV folder (full taxonomy)")
    parser.add_argument("--neo4j-home", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--csv-dir", help="where the CSV files go (default: beside the home)")
    parser.add_argument("--keep-csv", action="store_true")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="6g")
    parser.add_argument("--import-heap", default="2g")
    parser.add_argument("--import-off-heap", default="4g")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="delete --neo4j-home first")
    parser.add_argument("--stop", action="store_true", help="stop Neo4j after loading")
    asyncio.run(amain(parser.parse_args()))


if __name__ == "__main__":
    main()

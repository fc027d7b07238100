"""End-to-end taxonomy pipeline timings against a private Neo4j with the real model.

Run from the repo root:

    PYTHONPATH=src .venv/bin/python bench/taxonomy_pipeline.py [--out results.json]

Stages, in one process, one private Neo4j (heap 1g, page cache 1g, free port, own home under
a temporary folder) and one fresh embedding cache file in that folder:

1. ``import_taxonomy`` of the ESCO CSV folder: seconds and rows/s per kind.
2. ``embed_pending`` over the skills: cold cache, then warm (Skill embeddings removed from
   the graph, the SQLite cache kept).
3. ``load_skill_linker`` over the whole taxonomy: cold cache, then warm; VmRSS around both.
4. ``SkillLinker.link`` (what ``credmatch link-skills`` calls) on SkillSkape dev sentences:
   one text per call (p50/p95), then one batch of unseen texts (texts/s), then that batch again.
5. ``load_postings`` + ``link_all`` over ``graph_seed/postings``, twice (the second is a no-op).

``--cold-linker-budget-s`` caps the cold linker build (it encodes ~125k views, which takes
many minutes on a small CPU): past the budget the build is stopped, the measured encode rate
is reported with an extrapolation, and the remaining views are filled (from ``--seed-cache``
when given, a cache made by bench/skill_linking.py, else by encoding) before the warm build.
Every stage records the 1/5/15-minute load averages; results are rewritten to ``--out``
after each stage, so a run stopped half-way keeps what it measured.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from credmatch.bootstrap import Container, bootstrap
from credmatch.config import Settings, load_settings
from credmatch.embeddings import CachedEmbedder, Embedder, EmbeddingCache
from credmatch.embeddings.sentence_transformer import SentenceTransformerEmbedder
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.queries import link as link_queries
from credmatch.graph.schema import ensure_schema
from credmatch.graph.store import GraphStore
from credmatch.linking import SkillDoc, SkillLinker
from credmatch.linking.model import skill_views
from credmatch.services.linking import embed_pending, link_all, load_skill_linker
from credmatch.services.postings import load_postings
from credmatch.services.taxonomy import import_taxonomy
from credmatch.taxonomy.esco import EscoCsvSource

REPO = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data")
PASSWORD = "credmatch-bench-password"

# Benchmark-only Cypher (the product never forgets embeddings or counts the whole graph).
CLEAR_SKILL_EMBEDDINGS = "MATCH (s:Skill) WHERE s.embedding IS NOT NULL REMOVE s.embedding"
COUNT_SKILL_EMBEDDINGS = "MATCH (s:Skill) WHERE s.embedding IS NOT NULL RETURN count(s) AS n"
COUNT_GRAPH = """
CALL { MATCH (n) RETURN count(n) AS nodes }
CALL { MATCH ()-[r]->() RETURN count(r) AS rels }
RETURN nodes, rels
"""
COUNT_POSTING_PARTS = """
CALL { MATCH (j:JobPosting) RETURN count(j) AS postings }
CALL { MATCH (r:Requirement) RETURN count(r) AS requirements }
CALL { MATCH (:Requirement)-[n:NEEDS]->(:Skill) RETURN count(n) AS needs }
RETURN postings, requirements, needs
"""


class BudgetExceededError(Exception):
    """Raised by Deadline once the cold linker build has used its time budget."""


class Timed:
    """An Embedder wrapper that adds up the seconds and texts spent in ``encode``."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start
            self.texts += len(texts)

    def reset(self) -> None:
        self.seconds, self.texts = 0.0, 0


class Deadline:
    """Wraps the model under a CachedEmbedder: refuses new batches after ``deadline``.

    CachedEmbedder stores each finished batch before asking for the next, so what was encoded
    before the deadline stays in the cache.
    """

    def __init__(self, inner: Embedder, deadline: float | None) -> None:
        self.inner = inner
        self.deadline = deadline
        self.encoded = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise BudgetExceededError
        vectors = self.inner.encode(texts)
        self.encoded += len(texts)
        print(f"  cold linker: {self.encoded} views encoded", file=sys.stderr, flush=True)
        return vectors


def rss_mib() -> dict[str, float]:
    """VmRSS and VmHWM (peak) of this process, MiB, from /proc/self/status."""
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dev_sentences(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(dict.fromkeys(row["sentence"] for row in csv.DictReader(f)))


def percentile(sorted_values: Sequence[float], q: float) -> float:
    return sorted_values[round(q * (len(sorted_values) - 1))]


class Run:
    """Holds the results and rewrites the JSON file after every stage."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.results: dict[str, Any] = {"machine": machine(), "stages": {}}

    def record(self, stage: str, values: dict[str, Any]) -> None:
        self.results["stages"][stage] = {**values, "load_avg_end": load()}
        self.out.write_text(json.dumps(self.results, indent=2) + "\n")
        print(f"[{stage}] {json.dumps(self.results['stages'][stage])}", file=sys.stderr)


async def stage_import(run: Run, store: GraphStore, esco: Path, batch: int) -> None:
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    mark = time.perf_counter()

    def progress(kind: str, n: int) -> None:
        # Each interval (CSV parsing + the write) is charged to the kind of the chunk it ends.
        nonlocal mark
        now = time.perf_counter()
        seconds[kind] = seconds.get(kind, 0.0) + now - mark
        rows[kind] = rows.get(kind, 0) + n
        mark = now

    start_load = load()
    start = time.perf_counter()
    summary = await import_taxonomy(store, EscoCsvSource(esco), batch, progress)
    total = time.perf_counter() - start
    counts = (await store.read(COUNT_GRAPH))[0]
    run.record(
        "1_import",
        {
            "load_avg_start": start_load,
            "batch_size": batch,
            "seconds": round(total, 2),
            "skills": summary.skills,
            "occupations": summary.occupations,
            "relations": summary.relations,
            "row_errors": len(summary.row_errors),
            "per_kind": {
                k: {"rows": rows[k], "seconds": round(s, 2), "rows_per_s": round(rows[k] / s, 1)}
                for k, s in seconds.items()
            },
            "graph_nodes": counts["nodes"],
            "graph_relationships": counts["rels"],
        },
    )


async def stage_embed(run: Run, store: GraphStore, embedder: CachedEmbedder, timed: Timed) -> None:
    values: dict[str, Any] = {}
    for label in ("cold", "warm"):
        if label == "warm":
            await store.write(CLEAR_SKILL_EMBEDDINGS)
            left = (await store.read(COUNT_SKILL_EMBEDDINGS))[0]["n"]
            assert left == 0, f"{left} skill embeddings survived the clear"
        timed.reset()
        start_load = load()
        start = time.perf_counter()
        n = await embed_pending(store, embedder)
        seconds = time.perf_counter() - start
        values[label] = {
            "load_avg_start": start_load,
            "texts": n,
            "seconds": round(seconds, 2),
            "texts_per_s": round(n / seconds, 1),
            "model_encode_seconds": round(timed.seconds, 2),
            "model_texts": timed.texts,
        }
    values["cache_rows"] = embedder.cache.count()
    run.record("2_embed_skills", values)


async def skill_docs(store: GraphStore) -> list[SkillDoc]:
    return [
        SkillDoc(r["uri"], r["label"], tuple(r["altLabels"]), r["description"])
        for r in await store.read(link_queries.ALL_SKILL_DOCS)
    ]


def fill_cache(
    cache: EmbeddingCache, embedder: CachedEmbedder, views: list[str], seed: Path | None
) -> dict[str, int]:
    """Put every view in the cache: copied from ``seed`` where it has it, else encoded."""
    from credmatch.embeddings import text_hash

    keys = {text_hash(v): v for v in views}
    have = cache.get_many(embedder.name, keys)
    missing = {k: v for k, v in keys.items() if k not in have}
    copied = 0
    if seed is not None and missing:
        seed_cache = EmbeddingCache(seed)
        found = seed_cache.get_many(embedder.name, missing)
        seed_cache.close()
        cache.put_many(embedder.name, found)
        copied = len(found)
        missing = {k: v for k, v in missing.items() if k not in found}
    if missing:
        embedder.encode(list(missing.values()))
    return {"copied_from_seed": copied, "encoded": len(missing)}


async def stage_linker(
    run: Run,
    store: GraphStore,
    model: Embedder,
    cache: EmbeddingCache,
    budget_s: float | None,
    seed: Path | None,
) -> SkillLinker:
    docs = await skill_docs(store)
    views = [v for d in docs for v in skill_views(d)]
    embedder = CachedEmbedder(model, cache)
    from credmatch.embeddings import text_hash

    unique_views = {text_hash(v) for v in views}
    already = len(cache.get_many(model.name, unique_views))
    values: dict[str, Any] = {
        "skills": len(docs),
        "views": len(views),
        "unique_views": len(unique_views),
        "views_already_cached_before_cold": already,
    }

    gc.collect()
    cold: dict[str, Any] = {"load_avg_start": load(), "rss_before_mib": rss_mib()}
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    guard = Deadline(model, deadline)
    start = time.perf_counter()
    linker: SkillLinker | None = None
    try:
        linker = await load_skill_linker(store, CachedEmbedder(guard, cache))
        cold["complete"] = True
    except BudgetExceededError:
        cold["complete"] = False
    seconds = time.perf_counter() - start
    cold.update(
        {
            "seconds": round(seconds, 2),
            "views_encoded": guard.encoded,
            "views_per_s": round(guard.encoded / seconds, 1),
            "rss_after_mib": rss_mib(),
        }
    )
    if not cold["complete"]:
        to_encode = len(unique_views) - already
        cold["extrapolated_full_seconds"] = round(to_encode * seconds / max(guard.encoded, 1), 0)
        cold["fill"] = fill_cache(cache, embedder, views, seed)
    values["cold"] = cold
    del linker
    gc.collect()

    warm: dict[str, Any] = {"load_avg_start": load(), "rss_before_mib": rss_mib()}
    start = time.perf_counter()
    warm_linker = await load_skill_linker(store, embedder)
    warm["seconds"] = round(time.perf_counter() - start, 2)
    warm["rss_after_mib"] = rss_mib()
    assert warm_linker is not None, "the graph has no skills"
    values["warm"] = warm
    run.record("3_skill_linker", values)
    return warm_linker


def stage_latency(run: Run, linker: SkillLinker, texts: list[str], n: int, batch: int) -> None:
    per_call, batch_texts = texts[:n], texts[n : n + batch]
    start_load = load()
    times = []
    for text in per_call:
        start = time.perf_counter()
        linker.link([text], top_k=5)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    values: dict[str, Any] = {
        "load_avg_start": start_load,
        "per_call": {
            "n": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(times[-1], 1),
            "mean_words": round(statistics.mean(len(t.split()) for t in per_call), 1),
        },
    }
    for label in ("batch_cold", "batch_warm"):
        load_before = load()
        start = time.perf_counter()
        linker.link(batch_texts, top_k=5)
        seconds = time.perf_counter() - start
        values[label] = {
            "load_avg_start": load_before,
            "texts": len(batch_texts),
            "seconds": round(seconds, 2),
            "texts_per_s": round(len(batch_texts) / seconds, 1),
        }
    run.record("4_link_latency", values)


async def stage_postings(
    run: Run, c: Container, embedder: Embedder, linker: SkillLinker, postings: Path
) -> None:
    values: dict[str, Any] = {}
    for label in ("first", "second"):
        before = (await c.store.read(COUNT_GRAPH))[0]
        start_load = load()
        start = time.perf_counter()
        summary = await load_postings(c.store, [postings])
        ingest_s = time.perf_counter() - start
        start = time.perf_counter()
        linked = await link_all(c.store, embedder, c.link_policy(), linker)
        link_s = time.perf_counter() - start
        after = (await c.store.read(COUNT_GRAPH))[0]
        parts = (await c.store.read(COUNT_POSTING_PARTS))[0]
        seen = len(summary.loaded) + summary.unchanged
        values[label] = {
            "load_avg_start": start_load,
            "postings_read": seen,
            "loaded": len(summary.loaded),
            "unchanged": summary.unchanged,
            "errors": len(summary.errors),
            "ingest_seconds": round(ingest_s, 3),
            "postings_per_s": round(seen / ingest_s, 1),
            "link_all_seconds": round(link_s, 2),
            "link_all_seconds_per_loaded_posting": (
                round(link_s / len(summary.loaded), 3) if summary.loaded else None
            ),
            "embedded": linked.embedded,
            "skill_links": linked.skill_links,
            "requirements_linked": linked.requirements_linked,
            "achievements_linked": linked.achievements_linked,
            "graph_delta": {
                "nodes": after["nodes"] - before["nodes"],
                "rels": after["rels"] - before["rels"],
            },
            "graph": {k: parts[k] for k in ("postings", "requirements", "needs")},
        }
    run.record("5_postings", values)


async def pipeline(args: argparse.Namespace, settings: Settings, run: Run) -> None:
    model = SentenceTransformerEmbedder(batch_size=settings.embedding_batch_size)
    start = time.perf_counter()
    model.encode(["warm-up"])  # model load is not part of any stage below
    run.results["model"] = {
        "name": model.name,
        "device": model.device,
        "load_seconds": round(time.perf_counter() - start, 2),
        "batch_size": model.batch_size,
    }
    cache = EmbeddingCache(settings.embedding_cache)
    timed = Timed(model)
    embedder = CachedEmbedder(timed, cache)
    c = bootstrap(settings)
    try:
        await ensure_schema(c.store, model.dimension)
        await stage_import(run, c.store, args.esco, args.batch_size)
        await stage_embed(run, c.store, embedder, timed)
        linker = await stage_linker(
            run, c.store, model, cache, args.cold_linker_budget_s, args.seed_cache
        )
        texts = dev_sentences(args.sentences)
        stage_latency(run, linker, texts, args.latency_n, args.batch_n)
        await stage_postings(run, c, embedder, linker, args.postings)
    finally:
        await c.close()
        cache.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esco", type=Path, default=DATA / "esco")
    parser.add_argument("--sentences", type=Path, default=DATA / "skill-linking/skillskape/dev.csv")
    parser.add_argument("--postings", type=Path, default=REPO / "graph_seed/postings")
    parser.add_argument("--batch-size", type=int, default=2000, help="import rows per write")
    parser.add_argument("--latency-n", type=int, default=120, help="texts timed one per call")
    parser.add_argument("--batch-n", type=int, default=100, help="texts in the one batch call")
    parser.add_argument("--cold-linker-budget-s", type=float, default=None)
    parser.add_argument("--seed-cache", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="credmatch-bench-pipeline-"))
    out = args.out or tmp / "results.json"
    run = Run(out)
    run.results["load_avg_start"] = load()
    settings = load_settings(
        neo4j_uri=None,
        neo4j_password=PASSWORD,
        neo4j_home=tmp / "neo4j",
        neo4j_bolt_port=free_port(),
        neo4j_heap="1g",
        neo4j_pagecache="1g",
        # A loaded 2-core machine can stretch one 2,000-row relation batch past 30 s.
        neo4j_query_timeout_s=300.0,
        embedding_cache=tmp / "embeddings.sqlite",
        warm_model=False,
    )
    launcher = Neo4jLauncher(settings)
    start = time.perf_counter()
    launcher.start()
    run.results["neo4j_start_seconds"] = round(time.perf_counter() - start, 1)
    print(f"neo4j on {settings.bolt_uri}, home {settings.neo4j_home}", file=sys.stderr)
    try:
        asyncio.run(pipeline(args, settings, run))
    finally:
        launcher.stop()
        run.results["load_avg_end"] = load()
        out.write_text(json.dumps(run.results, indent=2) + "\n")
        print(f"results: {out}", file=sys.stderr)
        if not args.keep and args.out is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

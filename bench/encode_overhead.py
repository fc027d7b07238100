"""Encode throughput and linking quality of each embedding backend, side by side in one run.

Run from the repo root:
  PYTHONPATH=src .venv/bin/python bench/encode_overhead.py [-n 1000] [--repeats 2]

For each backend (torch, onnx, onnx-int8), on the same texts (SkillSkape train sentences),
batch size and threads:
- texts/s of the bare encoder, and of CachedEmbedder on a cold cache (hashing, deduplication,
  normalisation and SQLite writes included); the backends take turns in each of ``--repeats``
  rounds and each keeps its best pass, since the load of a shared machine drifts;
- RP@5 of SkillLinker on the TECH and HOUSE validation sets, over a reduced label space:
  every gold skill of the two sets plus every ``--label-stride``-th of the 13,896 benchmark
  labels (about 2,900 with the default 5), label-only docs (dense and lexical). Reduced, so a
  run stays within minutes on a shared 2-core machine (the full 125,591-view space costs ten
  minutes or more per backend to encode); the numbers compare backends with each other, not
  with the full-space table in docs/benchmarks-linking.md.
  Every backend encodes everything itself: no cache is shared between them.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from skill_linking import BENCH_DIR, DATA, EvalSet, load_annotations, load_skills, metrics

from credmatch.embeddings import BACKENDS, CachedEmbedder, Embedder, EmbeddingCache, build_embedder
from credmatch.linking import InMemoryRetriever, SkillDoc, SkillLinker

TRAIN = DATA / "skill-linking/skillskape/train.csv"


def sentences(path: Path, n: int) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        unique = list(dict.fromkeys(row["sentence"] for row in csv.DictReader(f)))
    return unique[:n]


def timed(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.perf_counter()
    fn(texts)
    return time.perf_counter() - start


def throughput(
    embedders: dict[str, Embedder], texts: list[str], repeats: int
) -> dict[str, tuple[float, float]]:
    """Per backend, texts/s of the bare encoder and of CachedEmbedder on a cold cache.

    Backends take turns within each repeat and keep their best pass: the load of a shared
    machine drifts, and a backend measured only at its peak would look better than it is.
    """
    for embedder in embedders.values():
        embedder.encode(texts[:64])  # warm-up: export, session or kernels, allocator
    times: dict[str, tuple[list[float], list[float]]] = {b: ([], []) for b in embedders}
    for _ in range(repeats):
        for backend, embedder in embedders.items():
            with tempfile.TemporaryDirectory() as tmp:
                cache = EmbeddingCache(Path(tmp) / "bench.sqlite")
                times[backend][0].append(timed(embedder.encode, texts))
                times[backend][1].append(timed(CachedEmbedder(embedder, cache).encode, texts))
                cache.close()
    return {b: (len(texts) / min(d), len(texts) / min(c)) for b, (d, c) in times.items()}


def label_space(sets: Sequence[EvalSet], stride: int) -> list[SkillDoc]:
    """Every gold skill of ``sets`` plus every ``stride``-th benchmark label, as label-only docs."""
    docs, _ = load_skills(DATA)
    gold = set().union(*(g for s in sets for g in s.gold))
    return [
        replace(d, alt_labels=(), description="")
        for i, d in enumerate(docs)
        if d.uri in gold or i % stride == 0
    ]


def quality(
    embedder: Embedder, sets: Sequence[EvalSet], labels_only: list[SkillDoc]
) -> tuple[dict[str, float], float]:
    start = time.perf_counter()
    retriever = InMemoryRetriever(labels_only, embedder, with_descriptions=False)
    build = time.perf_counter() - start
    linker = SkillLinker(embedder, retriever)
    scores = {}
    for s in sets:
        ranked = [[m.uri for m in ms] for ms in linker.link(s.sentences, top_k=10)]
        scores[s.name] = metrics(ranked, s.gold)[0]
    return scores, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--export-root", type=Path, default=Path("var/onnx"))
    parser.add_argument(
        "--label-stride", type=int, default=5, help="distractors: every n-th benchmark label"
    )
    parser.add_argument("--no-quality", action="store_true", help="measure texts/s only")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    texts = sentences(TRAIN, args.n)
    _, uri_of = load_skills(DATA)
    sets = [
        load_annotations(BENCH_DIR / "tech_validation_annotations.csv", "TECH", uri_of),
        load_annotations(BENCH_DIR / "house_validation_annotations.csv", "HOUSE", uri_of),
    ]
    labels = label_space(sets, args.label_stride)
    embedders = {
        b: build_embedder(b, batch_size=args.batch_size, export_root=args.export_root)
        for b in args.backends.split(",")
    }
    speed = throughput(embedders, texts, args.repeats)
    load = _load()
    print(f"{len(texts)} texts, batch {args.batch_size}, best of {args.repeats}; load {load}")
    print("| backend | texts/s (encoder) | texts/s (CachedEmbedder, cold) | vs first |")
    print("| --- | --- | --- | --- |")
    first = next(iter(speed.values()))[0]
    for backend, (direct, cold) in speed.items():
        print(f"| {backend} | {direct:.1f} | {cold:.1f} | {direct / first:.2f}x |")
    if args.no_quality:
        return
    print(f"\nRP@5 over {len(labels)} label-only skills (gold + every {args.label_stride}th label)")
    print("| backend | labels encoded in | TECH RP@5 | HOUSE RP@5 | macro RP@5 | vs first |")
    print("| --- | --- | --- | --- | --- | --- |")
    base = None
    for backend, embedder in embedders.items():
        rp, build = quality(embedder, sets, labels)
        macro = float(np.mean(list(rp.values())))
        base = macro if base is None else base
        print(
            f"| {backend} | {build:.0f} s | {rp['TECH']:.3f} | {rp['HOUSE']:.3f} | "
            f"{macro:.3f} | {macro - base:+.3f} |",
            flush=True,
        )
    print(f"load at the end {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()

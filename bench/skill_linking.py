"""Sentence -> ESCO skill linking quality (RP@5, MRR) and latency: naive baseline vs SkillLinker.

Run from the repo root:  PYTHONPATH=src .venv/bin/python bench/skill_linking.py [--grid]
(``--split --tuned src/credmatch/embeddings/linker_model``: base and fine-tuned side by side.)

Label space: the benchmark's 13,896 ESCO preferred labels; alt labels and descriptions come
from shared/data/esco/skills_en.csv where the label exists there. Embeddings are cached in
.cache/embeddings.sqlite so a second run encodes nothing but new texts.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from credmatch.embeddings import CachedEmbedder, Embedder, EmbeddingCache, build_embedder
from credmatch.embeddings.tuned import tuned_linker_embedder
from credmatch.linking import InMemoryRetriever, LinkerSettings, SkillDoc, SkillLinker

REPO = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data")
BENCH_DIR = DATA / "skill-linking" / "esco-benchmark"
DROP = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}
CACHE = REPO / ".cache" / "embeddings.sqlite"


@dataclass(frozen=True)
class EvalSet:
    name: str
    sentences: list[str]
    gold: list[set[str]]  # gold skill uris per sentence


def load_skills(data: Path) -> tuple[list[SkillDoc], dict[str, str]]:
    labels = (data / "skill-linking/esco-benchmark/skills_en_label.txt").read_text().split("\n")
    esco: dict[str, dict[str, str]] = {}
    with (data / "esco/skills_en.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            esco.setdefault(row["preferredLabel"], row)
    docs, uri_of = [], {}
    for label in labels:
        row = esco.get(label)
        if row is None:
            doc = SkillDoc(uri=f"label:{label}", label=label)
        else:
            alts = tuple(a.strip() for a in row["altLabels"].split("\n") if a.strip())
            doc = SkillDoc(row["conceptUri"], label, alts, row["description"].strip())
        docs.append(doc)
        uri_of[label] = doc.uri
    return docs, uri_of


def load_annotations(path: Path, name: str, uri_of: dict[str, str]) -> EvalSet:
    gold: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            gold.setdefault(row["sentence"], set())
            if row["label"] not in DROP:
                gold[row["sentence"]].add(uri_of[row["label"]])
    kept = {s: g for s, g in gold.items() if g}
    return EvalSet(name, list(kept), list(kept.values()))


def load_skillskape(path: Path, uri_of: dict[str, str]) -> EvalSet:
    sentences, golds, unknown = [], [], 0
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            labels = {x for x in ast.literal_eval(row["skills"]) if x != "UNK"}
            known = {uri_of[x] for x in labels if x in uri_of}
            unknown += len(labels) - len([x for x in labels if x in uri_of])
            if known:
                sentences.append(row["sentence"])
                golds.append(known)
    if unknown:
        print(f"skillskape: {unknown} gold labels outside the label space ignored", file=sys.stderr)
    return EvalSet("SKILLSKAPE-dev", sentences, golds)


def is_held_out(sentence: str) -> bool:
    """Half of each validation set, fixed by the sentence's sha256, is never tuned on."""
    return int(hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:8], 16) % 2 == 1


def split(es: EvalSet) -> list[EvalSet]:
    """``es`` as its tuning part and its held-out part (``is_held_out``), in that order."""
    parts = []
    for held, suffix in ((False, "tune"), (True, "held-out")):
        keep = [i for i, s in enumerate(es.sentences) if is_held_out(s) == held]
        parts.append(
            EvalSet(
                f"{es.name} {suffix}", [es.sentences[i] for i in keep], [es.gold[i] for i in keep]
            )
        )
    return parts


def metrics(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]]) -> tuple[float, float]:
    rp, rr = [], []
    for uris, g in zip(ranked, gold, strict=True):
        rp.append(len(set(uris[:5]) & g) / min(5, len(g)))
        rank = next((i for i, u in enumerate(uris) if u in g), None)
        rr.append(0.0 if rank is None else 1.0 / (rank + 1))
    return float(np.mean(rp)), float(np.mean(rr))


Ranker = Callable[[list[str]], list[list[str]]]


def naive_ranker(embedder: Embedder, retriever: InMemoryRetriever, depth: int) -> Ranker:
    def rank(texts: list[str]) -> list[list[str]]:
        hits = retriever.dense(embedder.encode(texts), depth)
        return [[u for u, _ in h] for h in hits]

    return rank


def linker_ranker(linker: SkillLinker, depth: int) -> Ranker:
    def rank(texts: list[str]) -> list[list[str]]:
        return [[m.uri for m in ms] for ms in linker.link(texts, top_k=depth)]

    return rank


def evaluate(rankers: dict[str, Ranker], sets: list[EvalSet]) -> dict[str, dict[str, tuple]]:
    table: dict[str, dict[str, tuple]] = {}
    for name, rank in rankers.items():
        table[name] = {s.name: metrics(rank(s.sentences), s.gold) for s in sets}
        print(
            f"{name}: "
            + ", ".join(f"{k} RP@5 {v[0]:.3f} MRR {v[1]:.3f}" for k, v in table[name].items()),
            file=sys.stderr,
        )
    return table


def latency(linker: SkillLinker, texts: list[str], n: int) -> tuple[float, float]:
    times = []
    for text in texts[:n]:
        start = time.perf_counter()
        linker.link([text], top_k=5)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def macro(row: dict[str, tuple], names: Sequence[str], i: int) -> float:
    return float(np.mean([row[n][i] for n in names]))


def render(table: dict[str, dict[str, tuple]], sets: list[EvalSet]) -> str:
    names = [s.name for s in sets]
    head = "| system | " + " | ".join(f"{n} RP@5 | {n} MRR" for n in names)
    head += " | macro TECH+HOUSE RP@5 | macro TECH+HOUSE MRR | macro all RP@5 | macro all MRR |"
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    th = [n for n in names if n in ("TECH", "HOUSE")]
    for system, row in table.items():
        cells = [f"{row[n][i]:.3f}" for n in names for i in (0, 1)]
        cells += [f"{macro(row, th, 0):.3f}", f"{macro(row, th, 1):.3f}"]
        cells += [f"{macro(row, names, 0):.3f}", f"{macro(row, names, 1):.3f}"]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_split(table: dict[str, dict[str, tuple]], sets: list[EvalSet]) -> str:
    """RP@5 per set part, and macro over TECH+HOUSE and over all sets, per part."""
    names = [s.name for s in sets]
    parts = ("tune", "held-out")
    head = "| system | " + " | ".join(names)
    head += "".join(f" | macro TECH+HOUSE {p} | macro all {p}" for p in parts) + " |"
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for system, row in table.items():
        cells = [f"{row[n][0]:.3f}" for n in names]
        for part in parts:
            th = [n for n in names if n in (f"TECH {part}", f"HOUSE {part}")]
            every = [n for n in names if n.endswith(f" {part}")]
            cells += [f"{macro(row, th, 0):.3f}", f"{macro(row, every, 0):.3f}"]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--latency-n", type=int, default=200)
    parser.add_argument("--grid", action="store_true", help="also score a small weight grid")
    parser.add_argument("--write", type=Path, help="also write the tables to this file")
    parser.add_argument(
        "--split",
        action="store_true",
        help="score each set's tuning and held-out halves apart (see is_held_out)",
    )
    parser.add_argument("--backend", default="torch", help="embedding backend of the baseline")
    parser.add_argument(
        "--label-stride",
        type=int,
        default=1,
        help="a reduced label space: gold skills plus every n-th label (1: all 13,896)",
    )
    parser.add_argument(
        "--no-skillskape", action="store_true", help="score TECH and HOUSE only (faster)"
    )
    parser.add_argument(
        "--tuned",
        type=Path,
        help="also score the fine-tuned linker model: its int8 artefact folder (manifest.json)",
    )
    parser.add_argument(
        "--tuned-float",
        type=Path,
        help="... and its float model (the sentence-transformers folder the recipe saved)",
    )
    args = parser.parse_args()

    args.cache.parent.mkdir(parents=True, exist_ok=True)
    # Keep the cache out of git without touching the repo's .gitignore.
    (args.cache.parent / ".gitignore").write_text("*\n")
    model = build_embedder(args.backend)
    embedder = CachedEmbedder(model, EmbeddingCache(args.cache))
    docs, uri_of = load_skills(args.data)
    sets = [
        load_annotations(BENCH_DIR / "tech_validation_annotations.csv", "TECH", uri_of),
        load_annotations(BENCH_DIR / "house_validation_annotations.csv", "HOUSE", uri_of),
    ]
    if not args.no_skillskape:
        sets.append(load_skillskape(args.data / "skill-linking/skillskape/dev.csv", uri_of))
    if args.label_stride > 1:
        gold = set().union(*(g for es in sets for g in es.gold))
        docs = [d for i, d in enumerate(docs) if d.uri in gold or i % args.label_stride == 0]
    if args.split:
        sets = [part for es in sets for part in split(es)]
    print("sentences: " + ", ".join(f"{s.name} {len(s.sentences)}" for s in sets), file=sys.stderr)

    start = time.perf_counter()
    label_only = [replace(d, alt_labels=(), description="") for d in docs]
    naive = InMemoryRetriever(label_only, embedder, with_descriptions=False)
    full = InMemoryRetriever(docs, embedder)
    print(
        f"retrievers built in {time.perf_counter() - start:.1f}s ({full.view_count} views)",
        file=sys.stderr,
    )

    depth = 10
    rankers: dict[str, Ranker] = {
        "naive: MiniLM, preferred label only, cosine": naive_ranker(embedder, naive, depth),
        "SkillLinker (default settings)": linker_ranker(SkillLinker(embedder, full), depth),
    }
    if args.tuned:
        rankers.update(tuned_rankers(args, docs, label_only, depth))
    if args.grid:
        rankers.update(grid(embedder, full, depth))
    table = evaluate(rankers, sets)
    report = render_split(table, sets) if args.split else render(table, sets)
    print(report)
    if args.split:  # latency is measured by the plain run
        if args.write:
            args.write.write_text(report + "\n")
        return

    uncached = SkillLinker(model, full)  # latency includes encoding the query text
    p50, p95 = latency(uncached, [s for es in sets for s in es.sentences], args.latency_n)
    lat = (
        f"link() latency per text, one text per call, {full.view_count} views in memory, "
        f"{args.backend}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={args.latency_n})"
    )
    print(lat)
    if args.write:
        args.write.write_text(report + "\n\n" + lat + "\n")


def tuned_rankers(
    args: argparse.Namespace, docs: list[SkillDoc], label_only: list[SkillDoc], depth: int
) -> dict[str, Ranker]:
    """The naive ranker and SkillLinker over the fine-tuned model: int8 artefact, and float."""
    cache = EmbeddingCache(args.cache)
    int8 = CachedEmbedder(tuned_linker_embedder(args.tuned), cache)
    out: dict[str, Ranker] = {}
    out["naive, tuned model int8"] = naive_ranker(
        int8, InMemoryRetriever(label_only, int8, with_descriptions=False), depth
    )
    if args.tuned_float:
        tuned_float = CachedEmbedder(build_embedder("onnx", str(args.tuned_float)), cache)
        linker = SkillLinker(tuned_float, InMemoryRetriever(docs, tuned_float))
        out["SkillLinker, tuned model float"] = linker_ranker(linker, depth)
    out["SkillLinker, tuned model int8"] = linker_ranker(
        SkillLinker(int8, InMemoryRetriever(docs, int8)), depth
    )
    return out


def grid(embedder: Embedder, retriever: InMemoryRetriever, depth: int) -> dict[str, Ranker]:
    variants = {
        "sentence only": LinkerSettings(window_size=0, lexical_weight=0.0, window_weight=0.0),
        "sentence+lexical": LinkerSettings(window_size=0, window_weight=0.0),
        "sentence+windows": LinkerSettings(lexical_weight=0.0),
        "windows 3/1": LinkerSettings(window_size=3, window_stride=1),
        "windows 6/3": LinkerSettings(window_size=6, window_stride=3),
        "lexical 0.3": LinkerSettings(lexical_weight=0.3),
        "lexical 0.6": LinkerSettings(lexical_weight=0.6),
        "window 0.5": LinkerSettings(window_weight=0.5),
        "window 2": LinkerSettings(window_weight=2.0),
    }
    return {
        k: linker_ranker(SkillLinker(embedder, retriever, v), depth) for k, v in variants.items()
    }


if __name__ == "__main__":
    main()

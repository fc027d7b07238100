"""Choose CREDMATCH_EVIDENCE_FLOOR on labelled (requirement, achievement, related?) pairs.

Run from the repo root:  PYTHONPATH=src .venv/bin/python bench/evidence_floor.py

Pairs come from validation data only (never a test split): the ESCO skill-extraction
benchmark's TECH and HOUSE validation annotations and SkillSkape's dev split. Each sentence
plays a requirement; an achievement is made from an ESCO skill's label and description the
way the graph embeds one (``achievement_text``). For every gold skill of a sentence there are
three pairs: the gold skill (related), a random skill of the same set that is not gold
(unrelated), and the non-gold skill of the same set nearest to the sentence (a hard
negative: near, but not what the sentence asks for).

Sentences are split into a tuning half and a held-out half by a hash of their text. The
floor is picked on the tuning half only: the lowest floor (steps of 0.01) at which at least
95 % of the kept unrelated-or-related pairs (gold + random negatives) are related, i.e. the
evidence shown is rarely about something else entirely. Hard negatives are reported, not
tuned for: telling near skills apart is the linker's job, not the floor's. Precision and
recall of the chosen floor are printed for both halves. Similarities are the graph's
(cosine rescaled from CREDMATCH_LINK_COSINE_FLOOR..FULL to 0..1; a pair under the cosine
floor is never linked, whatever the evidence floor).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from skill_linking import (
    BENCH_DIR,
    CACHE,
    DATA,
    EvalSet,
    load_annotations,
    load_skills,
    load_skillskape,
)

from credmatch.embeddings import CachedEmbedder, EmbeddingCache, SentenceTransformerEmbedder
from credmatch.services.rows import achievement_text

COSINE_FLOOR, COSINE_FULL = 0.30, 0.65  # the Settings defaults (link_cosine_floor / _full)
TARGET_PRECISION = 0.95
SEED = 14


@dataclass(frozen=True)
class Pair:
    sentence: str
    skill: str  # uri
    label: str  # "gold", "random" or "hard"
    held_out: bool


def held_out(sentence: str) -> bool:
    """Deterministic half of the sentences, by the parity of a hash of the text."""
    return hashlib.sha256(sentence.encode()).digest()[0] % 2 == 1


def similarity(cosine: np.ndarray) -> np.ndarray:
    scaled = (cosine - COSINE_FLOOR) / (COSINE_FULL - COSINE_FLOOR)
    return np.where(cosine < COSINE_FLOOR, -1.0, np.clip(scaled, 0.0, 1.0))


def pairs_of(s: EvalSet, vec: dict[str, np.ndarray], rng: random.Random) -> list[Pair]:
    pool = sorted({u for g in s.gold for u in g})
    matrix = np.stack([vec[u] for u in pool])
    found = []
    for sentence, gold in zip(s.sentences, s.gold, strict=True):
        half = held_out(sentence)
        others = [u for u in pool if u not in gold]
        if not others:
            continue
        scores = matrix @ vec[sentence]
        hard = max((float(scores[i]), u) for i, u in enumerate(pool) if u not in gold)[1]
        for uri in sorted(gold):
            found.append(Pair(sentence, uri, "gold", half))
            found.append(Pair(sentence, rng.choice(others), "random", half))
        found.append(Pair(sentence, hard, "hard", half))
    return found


def rates(
    sims: np.ndarray, labels: np.ndarray, floor: float, negatives: str
) -> tuple[float, float]:
    use = (labels == "gold") | (labels == negatives)
    kept = use & (sims >= floor)
    gold_kept = int(np.sum(kept & (labels == "gold")))
    precision = gold_kept / max(1, int(np.sum(kept)))
    recall = gold_kept / max(1, int(np.sum(labels == "gold")))
    return precision, recall


def choose(sims: np.ndarray, labels: np.ndarray) -> float:
    for step in range(0, 101):
        floor = step / 100
        if rates(sims, labels, floor, "random")[0] >= TARGET_PRECISION:
            return floor
    return 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    docs, uri_of = load_skills(args.data)
    by_uri = {d.uri: d for d in docs}
    sets = [
        load_annotations(BENCH_DIR / "tech_validation_annotations.csv", "TECH-val", uri_of),
        load_annotations(BENCH_DIR / "house_validation_annotations.csv", "HOUSE-val", uri_of),
        load_skillskape(args.data / "skill-linking/skillskape/dev.csv", uri_of),
    ]
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    embedder = CachedEmbedder(SentenceTransformerEmbedder(), EmbeddingCache(args.cache))
    uris = sorted({u for s in sets for g in s.gold for u in g})
    texts = {u: achievement_text(by_uri[u].label, by_uri[u].description) for u in uris}
    sentences = sorted({x for s in sets for x in s.sentences})
    vectors = embedder.encode([*sentences, *(texts[u] for u in uris)])
    vec = dict(zip([*sentences, *uris], (np.asarray(v) for v in vectors), strict=True))
    rng = random.Random(SEED)
    pairs = [p for s in sets for p in pairs_of(s, vec, rng)]
    cos = np.array([float(vec[p.sentence] @ vec[p.skill]) for p in pairs])
    sims = similarity(cos)
    labels = np.array([p.label for p in pairs])
    halves = np.array([p.held_out for p in pairs])
    tune = ~halves
    floor = choose(sims[tune], labels[tune])
    print(f"pairs: {len(pairs)} ({int(np.sum(tune))} tuning, {int(np.sum(halves))} held out)")
    print(f"chosen on the tuning half: evidence_floor = {floor:.2f}")
    print("| half | floor | negatives | precision | recall of related |")
    print("| --- | --- | --- | --- | --- |")
    for name, mask in (("tuning", tune), ("held out", halves)):
        for at in (0.0, floor):
            for negatives in ("random", "hard"):
                p, r = rates(sims[mask], labels[mask], at, negatives)
                print(f"| {name} | {at:.2f} | {negatives} | {p:.3f} | {r:.3f} |")
    for label in ("gold", "random", "hard"):
        linked = sims[labels == label] >= 0
        values = sims[labels == label][linked]
        print(
            f"{label}: {int(np.sum(linked))} of {int(np.sum(labels == label))} linked "
            f"(cosine >= {COSINE_FLOOR}); similarity median "
            f"{float(np.median(values)) if values.size else float('nan'):.3f}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()

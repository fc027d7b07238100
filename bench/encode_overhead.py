"""Encode throughput: CachedEmbedder on a cold cache vs SentenceTransformer.encode directly.

Run from the repo root:  PYTHONPATH=src .venv/bin/python bench/encode_overhead.py [-n 5000]

Both sides use the same model, device, batch size and texts (SkillSkape train sentences);
the cached side pays for hashing, deduplication, normalisation and the SQLite writes.
A warm pass (everything cached) is timed too.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from credmatch.embeddings import CachedEmbedder, EmbeddingCache, SentenceTransformerEmbedder

TRAIN = Path("/work/shared/data/skill-linking/skillskape/train.csv")


def sentences(path: Path, n: int) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        unique = list(dict.fromkeys(row["sentence"] for row in csv.DictReader(f)))
    return unique[:n]


def timed(fn: object, texts: list[str]) -> float:
    start = time.perf_counter()
    fn(texts)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=TRAIN)
    args = parser.parse_args()

    texts = sentences(args.data, args.n)
    embedder = SentenceTransformerEmbedder(batch_size=args.batch_size)
    model = embedder.load()
    model.encode(texts[:64], batch_size=args.batch_size)  # warm-up: kernels, allocator

    def direct(t: list[str]) -> object:
        return model.encode(t, batch_size=args.batch_size, show_progress_bar=False)

    # Alternate the two sides and keep each side's best time: on a shared machine the load
    # drifts, and a single pass of either side can be off by a factor of two.
    t_direct, t_cold, t_warm = [], [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            cached = CachedEmbedder(embedder, EmbeddingCache(Path(tmp) / "bench.sqlite"))
            t_direct.append(timed(direct, texts))
            t_cold.append(timed(cached.encode, texts))
            t_warm.append(timed(cached.encode, texts))
            cached.cache.close()
    t_direct_1, t_cold_1, t_warm_1 = min(t_direct), min(t_cold), min(t_warm)
    n = len(texts)
    overhead = (t_cold_1 - t_direct_1) / t_direct_1 * 100
    print(f"{n} texts, batch {args.batch_size}, device {embedder.device}, best of {args.repeats}")
    print(f"SentenceTransformer.encode: {n / t_direct_1:.1f} texts/s")
    print(f"CachedEmbedder, cold cache: {n / t_cold_1:.1f} texts/s (overhead {overhead:+.1f}%)")
    print(f"CachedEmbedder, warm cache: {n / t_warm_1:.1f} texts/s")


if __name__ == "__main__":
    main()

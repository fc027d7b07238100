"""A small Okapi BM25 over short documents (skill labels), held in an inverted index."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class BM25Index:
    """BM25 scores of a query's tokens against a fixed list of tokenised documents."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.size = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        mean_length = float(lengths.mean()) if self.size and lengths.mean() > 0 else 1.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for doc_id, tokens in enumerate(documents):
            for token, tf in Counter(tokens).items():
                postings.setdefault(token, []).append((doc_id, tf))
        self._ids: dict[str, np.ndarray] = {}
        self._weights: dict[str, np.ndarray] = {}
        norm = k1 * (1.0 - b + b * lengths / mean_length)
        for token, plist in postings.items():
            ids = np.array([d for d, _ in plist], dtype=np.int64)
            tfs = np.array([tf for _, tf in plist], dtype=np.float32)
            df = len(plist)
            idf = math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
            self._ids[token] = ids
            self._weights[token] = (idf * tfs * (k1 + 1.0) / (tfs + norm[ids])).astype(np.float32)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """One score per document (0 where no query token occurs); repeated tokens count once."""
        total = np.zeros(self.size, dtype=np.float32)
        for token in set(query):
            ids = self._ids.get(token)
            if ids is not None:
                total[ids] += self._weights[token]
        return total

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best (document index, score) pairs with a positive score, best first."""
        scores = self.scores(query)
        return top_k(scores, k)


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Indices and values of the ``k`` largest positive entries of a 1-D array, best first."""
    if k <= 0 or scores.size == 0:
        return []
    k = min(k, scores.size)
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]

"""A deterministic fake embedder, for tests of code that needs vectors but not meaning."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

import numpy as np

from credmatch.embeddings.base import normalize_rows

_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """FOR TESTS ONLY: a bag of hashed word uni- and bigrams, signed, L2-normalised.

    Same text, same vector, on every machine and run; texts that share words get a positive
    cosine, so graph and ranking tests can tell near from far without loading a model.
    It knows nothing about synonyms: never use it to link real data.
    """

    def __init__(self, dimension: int = 64) -> None:
        if dimension < 1:
            raise ValueError(f"HashingEmbedder dimension must be >= 1, got {dimension}")
        self._dimension = dimension

    @property
    def name(self) -> str:
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in _features(text):
                index, sign = self._slot(feature)
                matrix[row, index] += sign
        return normalize_rows(matrix)

    def _slot(self, feature: str) -> tuple[int, float]:
        # blake2b, not hash(): Python's str hash is salted per process.
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self._dimension, 1.0 if (value >> 63) & 1 else -1.0


def _features(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return words + bigrams

"""The Embedder protocol every encoder in credmatch satisfies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors.

    ``name`` identifies the model in cache keys and must change whenever the vectors would.
    ``encode`` returns an array of shape ``(len(texts), dimension)`` whose rows have L2 norm 1.
    """

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as float32 with every non-zero row scaled to L2 norm 1."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        matrix = matrix.reshape(len(matrix), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # A zero row (empty text in the fake) stays zero rather than becoming NaN.
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def encode_unique(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """``embedder.encode(texts)``, encoding each distinct text once (rows follow ``texts``)."""
    index: dict[str, int] = {}
    rows = [index.setdefault(t, len(index)) for t in texts]
    if len(index) == len(texts):
        return embedder.encode(texts)
    return embedder.encode(list(index))[rows]

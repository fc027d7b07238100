"""The Embedder protocol (defined in domain/, re-exported here) and row normalisation."""

from __future__ import annotations

import numpy as np

from credmatch.domain.embedder import Embedder, encode_unique

__all__ = ["Embedder", "encode_unique", "normalize_rows"]


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as float32 with every non-zero row scaled to L2 norm 1."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        matrix = matrix.reshape(len(matrix), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # A zero row (empty text in the fake) stays zero rather than becoming NaN.
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)

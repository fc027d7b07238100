"""The Embedder protocol every encoder in credmatch satisfies (embeddings/ implements it;
linking/ and the services use it without depending on an implementation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
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


def encode_unique(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """``embedder.encode(texts)``, encoding each distinct text once (rows follow ``texts``)."""
    index: dict[str, int] = {}
    rows = [index.setdefault(t, len(index)) for t in texts]
    if len(index) == len(texts):
        return embedder.encode(texts)
    return embedder.encode(list(index))[rows]

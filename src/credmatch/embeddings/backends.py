"""Choose how texts are encoded: torch, ONNX Runtime, or ONNX Runtime with int8 weights."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from credmatch.embeddings.base import Embedder
from credmatch.embeddings.onnx import OnnxEmbedder, OnnxModel
from credmatch.embeddings.onnx_export import ensure_export
from credmatch.embeddings.sentence_transformer import (
    SentenceTransformerEmbedder,
    default_model_path,
    model_name,
)
from credmatch.errors import ConfigError

Backend = Literal["torch", "onnx", "onnx-int8"]
BACKENDS: tuple[str, ...] = get_args(Backend)
# int8 vectors differ from float ones (mean cosine ~0.99), so they get their own cache key;
# float ONNX reproduces torch's vectors to float rounding and shares torch's.
INT8_SUFFIX = "-int8"


def build_embedder(
    backend: str,
    model: str | None = None,
    batch_size: int = 64,
    export_root: Path = Path("var/onnx"),
) -> Embedder:
    """An embedder for ``backend``; an ONNX one exports ``model`` into ``export_root`` once."""
    if backend == "torch":
        return SentenceTransformerEmbedder(model, batch_size=batch_size)
    if backend not in BACKENDS:
        raise ConfigError(
            f"unknown embedding backend {backend!r}: choose one of {', '.join(BACKENDS)}"
        )
    model_dir = Path(model or default_model_path())
    if not model_dir.is_dir():
        raise ConfigError(
            f"the ONNX backends export from a local model directory; {model_dir} is not one"
        )
    int8 = backend == "onnx-int8"

    def locate() -> OnnxModel:
        return OnnxModel(ensure_export(model_dir, export_root, int8=int8), model_dir)

    name = model_name(model) + (INT8_SUFFIX if int8 else "")
    return OnnxEmbedder(name, locate, batch_size=batch_size)

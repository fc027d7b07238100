"""The skill linker's own model: all-MiniLM-L6-v2 fine-tuned for sentence -> skill linking.

It ships as package data (``linker_model/``: an int8 ONNX graph, the base model's tokenizer,
and ``manifest.json`` with the recipe, data checksums and probe vectors), produced by
``credmatch.services.finetune``. It serves the linker only (query texts and skill views);
requirement and achievement vectors, and every threshold chosen on them, stay on the base
model. Its vectors get their own cache key, so the two models' vectors never mix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credmatch.embeddings.onnx import OnnxEmbedder, OnnxModel
from credmatch.embeddings.onnx_export import INT8_FILE
from credmatch.embeddings.sentence_transformer import DEFAULT_MODEL_NAME
from credmatch.errors import ConfigError

LINKER_MODEL_DIR = Path(__file__).resolve().parent / "linker_model"
MANIFEST = "manifest.json"
# The weakest linker score kept as a skill link with this model (CREDMATCH_SKILL_MIN_SCORE
# unset): chosen on the tuning occupations of bench/match_quality.py (0.5, 0.7, 0.8, 0.9).
TUNED_SKILL_MIN_SCORE = 0.8


def linker_model_name(directory: Path = LINKER_MODEL_DIR) -> str:
    """The cache key of the tuned model's vectors: names the artefact by its checksum."""
    digest = read_manifest(directory)["files"][INT8_FILE]
    return f"{DEFAULT_MODEL_NAME}-linker-{digest[:12]}-int8"


def read_manifest(directory: Path = LINKER_MODEL_DIR) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise ConfigError(
            f"no tuned linker model in {directory} ({MANIFEST} is missing): set "
            "CREDMATCH_LINKER_MODEL=base, or build it with credmatch.services.finetune"
        )
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def tuned_linker_embedder(
    directory: Path = LINKER_MODEL_DIR, batch_size: int = 64, threads: int | None = None
) -> OnnxEmbedder:
    """An embedder over the shipped int8 artefact; it loads on first use."""
    name = linker_model_name(directory)
    model = OnnxModel(directory / INT8_FILE, directory)
    return OnnxEmbedder(name, lambda: model, batch_size=batch_size, threads=threads)

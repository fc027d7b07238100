"""ONNX Runtime encoding on CPU: the packaged model exported once, optionally int8-quantised.

The exported graph is the model's transformer only; tokenisation (the model's own
``tokenizer.json``), mean pooling and L2 normalisation happen here, exactly as the
sentence-transformers pipeline of all-MiniLM-L6-v2 does them. Texts are encoded in batches of
similar length, so a batch pads little.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from credmatch.embeddings.base import normalize_rows
from credmatch.errors import ConfigError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class OnnxModel:
    """Where an exported model lives: the ONNX graph, and the directory of its tokenizer."""

    onnx_path: Path
    tokenizer_dir: Path


class OnnxEmbedder:
    """Encodes with an exported transformer in ONNX Runtime; loaded on first use.

    ``name`` is the cache key of its vectors (see Embedder.name); ``locate`` returns the model
    files and may export them first, so that work happens on first use too, not at start-up.
    """

    def __init__(
        self,
        name: str,
        locate: Callable[[], OnnxModel],
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"embedding batch_size must be >= 1, got {batch_size}")
        self._name = name
        self._locate = locate
        self.batch_size = batch_size
        self._threads = threads
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._dimension = 0
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        self.load()
        return self._dimension

    def load(self) -> None:
        """Open the ONNX session and the tokenizer now (otherwise on the first ``encode``)."""
        with self._lock:
            if self._session is None:
                model = self._locate()
                self._tokenizer = load_tokenizer(model.tokenizer_dir)
                self._session = _session(model.onnx_path, self._threads)
                self._dimension = _output_width(self._session)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return normalize_rows(out)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        assert self._tokenizer is not None and self._session is not None
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self._session.run(None, feed)[0]
        return mean_pool(np.asarray(hidden, dtype=np.float32), feed["attention_mask"])


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mean of each row's token vectors over its real (unpadded) tokens."""
    weights = mask[..., None].astype(np.float32)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    return np.asarray((hidden * weights).sum(axis=1) / counts, dtype=np.float32)


def load_tokenizer(model_dir: Path) -> Tokenizer:
    """The model's fast tokenizer, truncating at its ``max_seq_length`` and padding per batch."""
    from tokenizers import Tokenizer

    path = model_dir / "tokenizer.json"
    if not path.is_file():
        raise ConfigError(
            f"no tokenizer.json in {model_dir}: ONNX encoding needs the fast tokenizer"
        )
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_seq_length(model_dir))
    tokenizer.enable_padding()
    return tokenizer


def max_seq_length(model_dir: Path) -> int:
    """The longest input, in tokens, the sentence-transformers model reads (256 for MiniLM)."""
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        if isinstance(value, int) and value > 0:
            return value
    return 512


def _session(path: Path, threads: int | None) -> onnxruntime.InferenceSession:
    import onnxruntime

    if not path.is_file():
        raise ConfigError(f"ONNX model {path} does not exist; export it first")
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.log_severity_level = 3  # the quantised graph's harmless notices stay quiet
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own untyped Fail/InvalidGraph errors
        raise ConfigError(f"cannot open ONNX model {path}: {e}. Delete it to re-export") from e


def _output_width(session: onnxruntime.InferenceSession) -> int:
    shape: list[Any] = session.get_outputs()[0].shape
    if not isinstance(shape[-1], int):
        raise ConfigError("the ONNX model's output has no fixed hidden size")
    return shape[-1]

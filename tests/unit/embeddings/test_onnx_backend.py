"""The ONNX Runtime backends against the torch encoder they are exported from."""

from pathlib import Path

import numpy as np
import pytest

from credmatch.embeddings import (
    CachedEmbedder,
    EmbeddingCache,
    SentenceTransformerEmbedder,
    build_embedder,
)
from credmatch.embeddings.onnx_export import FLOAT_FILE, INT8_FILE, export_dir_for
from credmatch.embeddings.sentence_transformer import default_model_path
from credmatch.errors import ConfigError

pytestmark = [pytest.mark.model, pytest.mark.slow]

TEXTS = [
    "Python",
    "",
    "operate a forklift safely in a warehouse",
    "Strong SQL: joins, aggregations, window functions, and query tuning on PostgreSQL",
    "bake bread",
    # Longer than the model's 256-token limit: both sides must truncate the same way.
    "manage the supply chain of perishable goods across regional depots " * 30,
]


@pytest.fixture(scope="module")
def export_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return SentenceTransformerEmbedder().encode(TEXTS)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1))


def test_float_onnx_reproduces_torch_and_shares_its_cache_key(
    export_root: Path, torch_vectors: np.ndarray
) -> None:
    onnx = build_embedder("onnx", export_root=export_root)
    vectors = onnx.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 384)
    assert cosines(vectors, torch_vectors).min() > 0.9999
    assert onnx.name == SentenceTransformerEmbedder().name


def test_int8_is_close_to_torch_and_keyed_apart(
    export_root: Path, torch_vectors: np.ndarray
) -> None:
    int8 = build_embedder("onnx-int8", export_root=export_root)
    c = cosines(int8.encode(TEXTS), torch_vectors)
    assert c.min() > 0.95 and c.mean() > 0.98
    assert c.min() < 0.9999  # really quantised: not the float graph under another name
    assert int8.name == "all-MiniLM-L6-v2-int8"

    cache = EmbeddingCache(":memory:")
    CachedEmbedder(build_embedder("onnx", export_root=export_root), cache).encode(TEXTS[:3])
    CachedEmbedder(int8, cache).encode(TEXTS[:3])
    assert cache.count("all-MiniLM-L6-v2") == 3
    assert cache.count("all-MiniLM-L6-v2-int8") == 3


def test_rows_keep_the_callers_order_across_length_sorted_batches(export_root: Path) -> None:
    onnx = build_embedder("onnx", batch_size=2, export_root=export_root)
    together = onnx.encode(TEXTS)
    for i, text in enumerate(TEXTS):
        assert np.allclose(together[i], onnx.encode([text])[0], atol=1e-5)


def test_the_export_is_made_once_and_reused(export_root: Path) -> None:
    build_embedder("onnx-int8", export_root=export_root).encode(["warm"])
    folder = export_dir_for(Path(default_model_path()), export_root)
    stamps = {f: (folder / f).stat().st_mtime_ns for f in (FLOAT_FILE, INT8_FILE)}
    build_embedder("onnx-int8", export_root=export_root).encode(["again"])
    assert {f: (folder / f).stat().st_mtime_ns for f in stamps} == stamps
    assert (folder / "manifest.json").is_file()


def test_an_unknown_backend_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="torch, onnx, onnx-int8"):
        build_embedder("tensorrt")


def test_a_model_name_that_is_not_a_local_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="local model directory"):
        build_embedder("onnx", model=str(tmp_path / "missing"))

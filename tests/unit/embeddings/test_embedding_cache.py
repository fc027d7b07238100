from collections.abc import Sequence
from pathlib import Path

import numpy as np

from credmatch.embeddings import CachedEmbedder, EmbeddingCache, HashingEmbedder, normalize_rows


class CountingEmbedder:
    """Wraps a real embedder and records every text it is asked to encode."""

    def __init__(self, scale: float = 1.0) -> None:
        self.inner = HashingEmbedder(16)
        self.seen: list[str] = []
        self.scale = scale

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        # Deliberately not unit length, so the cache's own normalisation is exercised.
        return self.inner.encode(texts) * self.scale


def test_never_encodes_a_text_twice_within_and_across_calls(tmp_path: Path) -> None:
    counting = CountingEmbedder()
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite"))
    first = cached.encode(["a", "b", "a", "c"])
    second = cached.encode(["c", "b", "d"])
    assert sorted(counting.seen) == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(first[2], cached.encode(["a"])[0])
    np.testing.assert_array_equal(second[0], first[3])


def test_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    before = CachedEmbedder(CountingEmbedder(), EmbeddingCache(path)).encode(["x y", "z"])
    counting = CountingEmbedder()
    after = CachedEmbedder(counting, EmbeddingCache(path)).encode(["z", "x y"])
    assert counting.seen == []
    np.testing.assert_array_equal(after[::-1], before)


def test_returns_normalised_float32_rows_in_input_order(tmp_path: Path) -> None:
    counting = CountingEmbedder(scale=7.0)
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite"), batch_size=2)
    texts = ["one", "two", "three", "four", "five"]
    out = cached.encode(texts)
    assert out.dtype == np.float32 and out.shape == (5, 16)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(out, HashingEmbedder(16).encode(texts), rtol=1e-6)


def test_models_do_not_share_entries() -> None:
    cache = EmbeddingCache(":memory:")
    CachedEmbedder(HashingEmbedder(16), cache).encode(["same text"])
    other = CountingEmbedder()
    other_model = CachedEmbedder(HashingEmbedder(8), cache)
    other_model.encode(["same text"])
    assert cache.count("hashing-16") == 1 and cache.count("hashing-8") == 1
    assert other.seen == []


def test_empty_input_gives_empty_matrix() -> None:
    cached = CachedEmbedder(HashingEmbedder(4), EmbeddingCache(":memory:"))
    assert cached.encode([]).shape == (0, 4)


def test_normalize_rows_keeps_zero_rows() -> None:
    out = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


class RecordingProgress:
    def __init__(self) -> None:
        self.expected = 0
        self.advanced: list[int] = []

    def expect(self, n: int) -> None:
        self.expected += n

    def advance(self, n: int) -> None:
        self.advanced.append(n)


def test_reports_only_the_texts_it_encodes_chunk_by_chunk() -> None:
    cached = CachedEmbedder(CountingEmbedder(), EmbeddingCache(":memory:"), batch_size=2)
    cached.encode(["a"])
    progress = RecordingProgress()
    with cached.reporting(progress):
        cached.encode(["a", "b", "c", "d", "b", "e"])
    assert progress.expected == 4  # b, c, d, e: 'a' was cached and 'b' repeats
    assert progress.advanced == [2, 2]
    assert cached.progress is None  # reporting ends with the block
    cached.encode(["f"])
    assert progress.expected == 4


def test_missing_texts_go_to_the_model_shortest_first() -> None:
    counting = CountingEmbedder()
    cached = CachedEmbedder(counting, EmbeddingCache(":memory:"), batch_size=2)
    texts = ["a much longer text", "mid text", "xy", "the longest text of all of them"]
    vectors = cached.encode(texts)
    assert counting.seen == sorted(texts, key=len)
    # Rows still follow the caller's order.
    np.testing.assert_allclose(vectors, normalize_rows(HashingEmbedder(16).encode(texts)))

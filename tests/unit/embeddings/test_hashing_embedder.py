import numpy as np
import pytest

from credmatch.embeddings import Embedder, HashingEmbedder


def test_same_text_same_vector_across_instances() -> None:
    a = HashingEmbedder(32).encode(["operate forklift", "python"])
    b = HashingEmbedder(32).encode(["operate forklift", "python"])
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and a.shape == (2, 32)


def test_rows_are_unit_length() -> None:
    vectors = HashingEmbedder().encode(["a b c", "manage staff of music", "x"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_shared_words_are_closer_than_unrelated_text() -> None:
    v = HashingEmbedder(256).encode(["drive a forklift truck", "forklift truck", "bake bread"])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def test_empty_text_is_a_zero_row_not_nan() -> None:
    v = HashingEmbedder(8).encode([""])
    assert not np.isnan(v).any()


def test_satisfies_protocol_and_rejects_bad_dimension() -> None:
    assert isinstance(HashingEmbedder(), Embedder)
    with pytest.raises(ValueError, match="dimension"):
        HashingEmbedder(0)

from collections.abc import Sequence

import numpy as np

from credmatch.embeddings import HashingEmbedder
from credmatch.embeddings.base import encode_unique


class Recording(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(16)
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().encode(texts)


def test_each_distinct_text_is_encoded_once_and_rows_follow_the_input() -> None:
    recording = Recording()
    texts = ["sql", "python", "sql", "java", "python"]
    vectors = encode_unique(recording, texts)
    assert recording.calls == [["sql", "python", "java"]]
    np.testing.assert_array_equal(vectors, HashingEmbedder(16).encode(texts))


def test_distinct_texts_are_passed_through_in_one_call() -> None:
    recording = Recording()
    assert encode_unique(recording, ["a", "b"]).shape == (2, 16)
    assert recording.calls == [["a", "b"]]

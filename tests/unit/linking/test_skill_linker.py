from collections.abc import Sequence

import numpy as np
import pytest

from credmatch.embeddings import HashingEmbedder
from credmatch.errors import ConfigError
from credmatch.linking import InMemoryRetriever, LinkerSettings, SkillDoc, SkillLinker

SKILLS = [
    SkillDoc("u:fork", "operate forklift", ("drive forklift truck",)),
    SkillDoc("u:py", "Python (computer programming)", ("python programming",)),
    SkillDoc("u:java", "Java (computer programming)", ("java programming",)),
    SkillDoc("u:bake", "bake bread", ("make bread",)),
    SkillDoc("u:sql", "SQL", ()),
]


def linker(settings: LinkerSettings | None = None) -> SkillLinker:
    embedder = HashingEmbedder(512)
    return SkillLinker(embedder, InMemoryRetriever(SKILLS, embedder), settings)


def test_each_skill_of_a_list_sentence_is_found() -> None:
    text = "we need a baker who can make bread every morning and also knows SQL well"
    [matches] = linker().link([text], top_k=3)
    assert {"u:bake", "u:sql"} <= {m.uri for m in matches}


def test_batch_results_align_with_inputs_and_are_sorted() -> None:
    results = linker().link(["drive forklift truck", "python programming", ""], top_k=2)
    assert results[0][0].uri == "u:fork" and results[0][0].label == "operate forklift"
    assert results[1][0].uri == "u:py"
    assert results[2] == []
    for matches in results[:2]:
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)


def test_lexical_weight_can_decide_a_tie_breaker() -> None:
    # With dense features off, the ranking is the lexical one alone.
    lexical_only = LinkerSettings(sentence_weight=0.0, window_weight=0.0, lexical_weight=1.0)
    [matches] = linker(lexical_only).link(["forklift"], top_k=1)
    assert matches[0].uri == "u:fork" and matches[0].score == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"candidates": 0},
        {"window_stride": 0},
        {"lexical_weight": -1.0},
        {"sentence_weight": 0.0, "window_weight": 0.0, "lexical_weight": 0.0},
    ],
)
def test_bad_settings_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        LinkerSettings(**kwargs)  # type: ignore[arg-type]


class _Recording(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(512)
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)


def test_no_text_is_encoded_twice_across_views_texts_and_windows() -> None:
    recording = _Recording()
    shared = [*SKILLS, SkillDoc("u:py2", "python programming", ("Python (computer programming)",))]
    retriever = InMemoryRetriever(shared, recording)
    assert len(recording.seen) == len(set(recording.seen))
    assert retriever.view_count == len(recording.seen) + 2  # two views shared by two skills
    recording.seen.clear()
    repeated = "bake bread and bake bread and bake bread and bake bread"
    SkillLinker(recording, retriever, LinkerSettings(window_size=2, window_stride=2)).link(
        [repeated, "SQL", "SQL"]
    )
    assert len(recording.seen) == len(set(recording.seen))
    assert "bake bread" in recording.seen

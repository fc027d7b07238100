"""Link free text (job requirements, achievement criteria) to taxonomy skills.

For each text the linker embeds the whole text and its overlapping word windows (a sentence
often names several skills, and a short window sits closer to a short label than the whole
sentence does), retrieves dense candidates for every one of those vectors and lexical (BM25)
candidates for the text, and scores each candidate by a weighted sum of three features:

- ``sentence``: cosine between the whole text and the skill's closest view,
- ``window``: the best cosine between any window and any view of the skill,
- ``lexical``: the BM25 score over labels + alt labels, divided by the text's best BM25 score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from credmatch.domain.embedder import Embedder, encode_unique
from credmatch.errors import ConfigError
from credmatch.linking.model import SkillMatch
from credmatch.linking.retrieval import SkillRetriever
from credmatch.linking.text import word_windows


@dataclass(frozen=True)
class LinkerSettings:
    """Knobs of SkillLinker; the defaults were chosen on the validation sets (see docs)."""

    candidates: int = 50
    window_size: int = 4
    window_stride: int = 2
    sentence_weight: float = 1.0
    window_weight: float = 1.0
    lexical_weight: float = 0.15

    def __post_init__(self) -> None:
        if self.candidates < 1:
            raise ConfigError(f"LinkerSettings.candidates must be >= 1, got {self.candidates}")
        if self.window_size < 0 or self.window_stride < 1:
            raise ConfigError(
                "LinkerSettings.window_size must be >= 0 (0 turns windows off) and "
                f"window_stride >= 1, got {self.window_size} and {self.window_stride}"
            )
        weights = (self.sentence_weight, self.window_weight, self.lexical_weight)
        if min(weights) < 0 or sum(weights) <= 0:
            raise ConfigError(f"LinkerSettings weights must be >= 0 with a positive sum: {weights}")


@dataclass
class _Features:
    sentence: dict[str, float]
    window: dict[str, float]
    lexical: dict[str, float]
    sentence_floor: float
    window_floor: float


class SkillLinker:
    """Ranks taxonomy skills for texts; see the module docstring for how."""

    def __init__(
        self,
        embedder: Embedder,
        retriever: SkillRetriever,
        settings: LinkerSettings | None = None,
    ) -> None:
        self.embedder = embedder
        self.retriever = retriever
        self.settings = settings or LinkerSettings()

    def link(self, texts: Sequence[str], top_k: int = 5) -> list[list[SkillMatch]]:
        """The ``top_k`` best skills for each text, best first (an empty text gets none)."""
        features = self._features(list(texts))
        ranked = [self._rank(f, top_k) for f in features]
        labels = self.retriever.docs({uri for r in ranked for uri, _ in r})
        return [
            [SkillMatch(uri, labels[uri].label if uri in labels else uri, s) for uri, s in r]
            for r in ranked
        ]

    def _features(self, texts: list[str]) -> list[_Features]:
        s = self.settings
        queries: list[str] = []
        spans: list[tuple[int, int]] = []
        for text in texts:
            windows = word_windows(text, s.window_size, s.window_stride) if s.window_size else []
            spans.append((len(queries), len(queries) + 1 + len(windows)))
            queries.append(text)
            queries.extend(windows)
        # Windows repeat across and within texts ("experience with ..."): encode each once.
        vectors = encode_unique(self.embedder, queries) if queries else None
        dense = self.retriever.dense(vectors, s.candidates) if vectors is not None else []
        lexical = self.retriever.lexical(texts, s.candidates)
        out = []
        for (first, end), text, lex in zip(spans, texts, lexical, strict=True):
            if not text.strip():
                out.append(_Features({}, {}, {}, 0.0, 0.0))
                continue
            sentence = dict(dense[first])
            window = _max_pool(dense[first + 1 : end]) if end > first + 1 else dict(sentence)
            best_lex = lex[0][1] if lex else 1.0
            out.append(
                _Features(
                    sentence=sentence,
                    window=window,
                    lexical={u: v / best_lex for u, v in lex},
                    sentence_floor=min(sentence.values(), default=0.0),
                    window_floor=min(window.values(), default=0.0),
                )
            )
        return out

    def _rank(self, f: _Features, top_k: int) -> list[tuple[str, float]]:
        s = self.settings
        total = s.sentence_weight + s.window_weight + s.lexical_weight
        scored = []
        for uri in f.sentence.keys() | f.window.keys() | f.lexical.keys():
            # A candidate missing from a dense list scored below that list's last entry; its
            # floor is the best bound we have without another index round trip.
            value = (
                s.sentence_weight * f.sentence.get(uri, f.sentence_floor)
                + s.window_weight * f.window.get(uri, f.window_floor)
                + s.lexical_weight * f.lexical.get(uri, 0.0)
            ) / total
            scored.append((uri, float(np.clip(value, 0.0, 1.0))))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:top_k]


def _max_pool(lists: Sequence[list[tuple[str, float]]]) -> dict[str, float]:
    pooled: dict[str, float] = {}
    for hits in lists:
        for uri, score in hits:
            if score > pooled.get(uri, -1.0):
                pooled[uri] = score
    return pooled

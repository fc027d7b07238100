"""Candidate retrieval for the linker: a protocol, and the in-memory implementation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from credmatch.domain.embedder import Embedder, encode_unique
from credmatch.errors import InputError
from credmatch.linking.bm25 import BM25Index
from credmatch.linking.model import SkillDoc, skill_views
from credmatch.linking.text import content_tokens, tokenize

Hits = list[list[tuple[str, float]]]
# Query rows scored against the view matrix at a time: bounds the (rows x views) float32 block.
_QUERY_CHUNK = 64


class SkillRetriever(Protocol):
    """Where the linker gets candidates from: in memory, or Neo4j's vector and fulltext indexes."""

    def dense(self, vectors: np.ndarray, k: int) -> Hits:
        """Per query vector, the ``k`` skills with the highest cosine over any of their views."""
        ...

    def lexical(self, texts: Sequence[str], k: int) -> Hits:
        """Per text, up to ``k`` skills whose label or alt labels share words with it."""
        ...

    def docs(self, uris: Iterable[str]) -> dict[str, SkillDoc]:
        """The SkillDoc of every known uri among ``uris``."""
        ...


class InMemoryRetriever:
    """Exact dense search over every view of every skill plus BM25 over labels and alt labels.

    The view vectors (``skill_views``) are encoded once through ``embedder``; wrap it in a
    CachedEmbedder to keep them across runs.
    """

    def __init__(
        self, skills: Iterable[SkillDoc], embedder: Embedder, with_descriptions: bool = True
    ) -> None:
        self._docs: dict[str, SkillDoc] = {}
        for doc in skills:
            if doc.uri in self._docs:
                raise InputError(f"skill {doc.uri!r} is given twice; give each skill uri once")
            self._docs[doc.uri] = doc
        self._uris = list(self._docs)
        views: list[str] = []
        owners: list[int] = []
        for index, doc in enumerate(self._docs.values()):
            doc_views = skill_views(doc, with_descriptions)
            views.extend(doc_views)
            owners.extend([index] * len(doc_views))
        # A text shared by several skills (an alt label, say) is encoded once.
        self._matrix = encode_unique(embedder, views) if views else np.zeros((0, 1), np.float32)
        # Views are grouped by skill, so a per-skill max is a reduceat over these offsets.
        self._starts = np.flatnonzero(np.diff(np.asarray(owners), prepend=-1)) if owners else None
        self._bm25 = BM25Index([lexical_terms(d) for d in self._docs.values()])

    def __len__(self) -> int:
        return len(self._uris)

    @property
    def view_count(self) -> int:
        return int(self._matrix.shape[0])

    def dense(self, vectors: np.ndarray, k: int) -> Hits:
        if self._starts is None:
            return [[] for _ in range(len(vectors))]
        hits: Hits = []
        for start in range(0, len(vectors), _QUERY_CHUNK):
            block = vectors[start : start + _QUERY_CHUNK] @ self._matrix.T
            per_skill = np.maximum.reduceat(block, self._starts, axis=1)
            hits.extend(self._best(row, k) for row in per_skill)
        return hits

    def lexical(self, texts: Sequence[str], k: int) -> Hits:
        return [
            [(self._uris[i], s) for i, s in self._bm25.top(content_tokens(t), k)] for t in texts
        ]

    def docs(self, uris: Iterable[str]) -> dict[str, SkillDoc]:
        return {u: self._docs[u] for u in uris if u in self._docs}

    def _best(self, scores: np.ndarray, k: int) -> list[tuple[str, float]]:
        k = min(k, scores.size)
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(self._uris[i], float(scores[i])) for i in idx]


def lexical_terms(doc: SkillDoc) -> list[str]:
    """The words lexical retrieval indexes for a skill: each distinct label/alt-label token once.

    Once, because a skill with twenty alt labels repeating "manage" should not outscore one
    that says it once. A fulltext index elsewhere should index ``" ".join(lexical_terms(doc))``.
    """
    seen: dict[str, None] = {}
    for text in (doc.label, *doc.alt_labels):
        for token in tokenize(text):
            seen.setdefault(token, None)
    return list(seen)

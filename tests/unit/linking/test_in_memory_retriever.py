import numpy as np
import pytest

from credmatch.embeddings import HashingEmbedder
from credmatch.errors import InputError
from credmatch.linking import InMemoryRetriever, SkillDoc, lexical_terms, skill_views

SKILLS = [
    SkillDoc("u:fork", "operate forklift", ("drive forklift truck", "forklift operation")),
    SkillDoc("u:py", "Python (computer programming)", (), "Write programs in Python."),
    SkillDoc("u:bake", "bake bread", ("make bread",)),
]


def test_views_are_label_alts_and_description_without_duplicates() -> None:
    doc = SkillDoc("u", "bake bread", ("Bake Bread", "make bread", " "), "Knead and bake.")
    assert skill_views(doc) == ["bake bread", "make bread", "bake bread: Knead and bake."]
    assert skill_views(doc, with_description=False) == ["bake bread", "make bread"]


def test_dense_max_pools_over_views() -> None:
    embedder = HashingEmbedder(256)
    retriever = InMemoryRetriever(SKILLS, embedder)
    assert retriever.view_count == 3 + 2 + 2
    query = embedder.encode(["drive forklift truck"])
    hits = retriever.dense(query, k=2)[0]
    # The query equals an alt label exactly, so the skill's pooled cosine is 1.
    assert hits[0][0] == "u:fork"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 2 and hits[0][1] >= hits[1][1]


def test_dense_handles_many_queries_in_chunks() -> None:
    embedder = HashingEmbedder(64)
    retriever = InMemoryRetriever(SKILLS, embedder)
    queries = embedder.encode(["make bread"] * 130)
    hits = retriever.dense(queries, k=1)
    assert len(hits) == 130 and {h[0][0] for h in hits} == {"u:bake"}


def test_lexical_matches_alt_label_words() -> None:
    retriever = InMemoryRetriever(SKILLS, HashingEmbedder(16))
    hits = retriever.lexical(["we need someone who can drive forklifts", "nothing here"], k=5)
    assert hits[0][0][0] == "u:fork"
    assert hits[1] == []


def test_docs_returns_known_uris_only() -> None:
    retriever = InMemoryRetriever(SKILLS, HashingEmbedder(16))
    assert set(retriever.docs(["u:py", "u:missing"])) == {"u:py"}


def test_duplicate_uri_is_rejected() -> None:
    with pytest.raises(InputError, match="u:py"):
        InMemoryRetriever([SKILLS[1], SKILLS[1]], HashingEmbedder(16))


def test_empty_taxonomy_returns_no_hits() -> None:
    retriever = InMemoryRetriever([], HashingEmbedder(16))
    assert retriever.dense(np.zeros((1, 16), np.float32), 3) == [[]]


def test_lexical_terms_are_distinct_label_words() -> None:
    doc = SkillDoc("u", "manage staff", ("manage staff members", "Manage teams"))
    assert lexical_terms(doc) == ["manage", "staff", "member", "team"]

"""The linker with the shipped all-MiniLM-L6-v2 over a slice of real ESCO skills."""

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from credmatch.embeddings import SentenceTransformerEmbedder
from credmatch.linking import InMemoryRetriever, SkillDoc, SkillLinker

pytestmark = [pytest.mark.model, pytest.mark.slow]

ESCO = Path(__file__).resolve().parents[4] / "shared" / "data" / "esco" / "skills_en.csv"
# Skills that the plain cases could be confused with, plus every 40th skill as distractors.
TOPICS = ("python", "forklift", "java", "programming", "vehicle", "truck", "bread", "sql")


def esco_slice() -> Iterator[SkillDoc]:
    with ESCO.open(newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            text = (row["preferredLabel"] + " " + row["altLabels"]).lower()
            if i % 40 == 0 or any(t in text for t in TOPICS):
                alts = tuple(a for a in row["altLabels"].split("\n") if a.strip())
                yield SkillDoc(row["conceptUri"], row["preferredLabel"], alts, row["description"])


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def linker(embedder: SentenceTransformerEmbedder) -> SkillLinker:
    if not ESCO.exists():
        pytest.skip(f"ESCO skills file not found at {ESCO}")
    return SkillLinker(embedder, InMemoryRetriever(list(esco_slice()), embedder))


def test_encode_returns_unit_float32_rows(embedder: SentenceTransformerEmbedder) -> None:
    vectors = embedder.encode(["operate forklift", "Python programming"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, embedder.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert embedder.name == "all-MiniLM-L6-v2"


def test_plain_cases_link_to_the_obvious_skill(linker: SkillLinker) -> None:
    python, forklift, sql = linker.link(
        ["Python programming", "forklift driving", "Strong SQL skills are a must"], top_k=3
    )
    assert any("python" in m.label.lower() for m in python), python
    assert "operate forklift" in [m.label for m in forklift], forklift
    assert any(m.label == "SQL" for m in sql), sql


def test_a_sentence_with_two_skills_finds_both(linker: SkillLinker) -> None:
    [matches] = linker.link(
        ["You will write backend services in Java and drive a forklift in the warehouse"],
        top_k=5,
    )
    labels = {m.label for m in matches}
    assert "operate forklift" in labels and "Java (computer programming)" in labels, labels

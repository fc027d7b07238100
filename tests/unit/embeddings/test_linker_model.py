"""The shipped tuned linker model against its manifest, and the recipe against itself.

What this proves, and what it does not:
- the shipped int8 artefact is the file the manifest describes (sha256), is under 30 MB, and
  encodes the manifest's probe texts to the recorded vectors, which sit close to the float
  model the recipe trained (int8 quantisation is the only difference);
- the training data on this machine are the versions the artefact was trained on, and the
  recipe turns them into exactly the training set of the full run (triples sha256);
- a short run of the recipe (same code: pairs, hard negatives, batches, loss, optimiser) is
  deterministic, and reproduces the short-run fingerprint recorded when the artefact was built.
It does not rerun the full hour: that the full run's remaining steps reproduce the shipped
weights follows from determinism of the same code, not from a test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from credmatch.bootstrap import Container, bootstrap, skill_min_score
from credmatch.config import load_settings
from credmatch.embeddings.onnx_export import INT8_FILE
from credmatch.embeddings.tuned import (
    LINKER_MODEL_DIR,
    TUNED_SKILL_MIN_SCORE,
    linker_model_name,
    read_manifest,
    tuned_linker_embedder,
)
from credmatch.errors import ConfigError
from credmatch.linking import InMemoryRetriever, LinkerSettings, SkillDoc, SkillLinker
from credmatch.services import finetune

pytestmark = [pytest.mark.model]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return read_manifest()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shipped_files_are_the_ones_the_manifest_records(manifest: dict[str, Any]) -> None:
    for name, digest in manifest["files"].items():
        assert sha256(LINKER_MODEL_DIR / name) == digest, name
    assert (LINKER_MODEL_DIR / INT8_FILE).stat().st_size < 30_000_000


def test_shipped_model_encodes_the_probes_as_recorded(manifest: dict[str, Any]) -> None:
    vectors = tuned_linker_embedder(threads=1).encode(manifest["probes"])
    assert np.allclose(vectors, np.array(manifest["probe_vectors_int8"]), atol=2e-4)
    # int8 stays close to the float model the recipe trained
    cosines = (vectors * np.array(manifest["probe_vectors_float"])).sum(axis=1)
    assert cosines.min() > 0.98, cosines


def test_tuned_vectors_have_their_own_cache_key() -> None:
    name = linker_model_name()
    assert name.startswith("all-MiniLM-L6-v2-linker-") and name.endswith("-int8")
    assert tuned_linker_embedder().name == name


def test_training_data_are_the_recorded_versions(
    manifest: dict[str, Any], shared_data: Path
) -> None:
    for name, digest in manifest["data"].items():
        assert sha256(shared_data / name) == digest, f"{name} changed since the model was built"


@pytest.mark.slow
def test_short_recipe_run_is_deterministic_and_matches_the_recorded_fingerprint(
    manifest: dict[str, Any], shared_data: Path
) -> None:
    first = finetune.fingerprint(shared_data)
    second = finetune.fingerprint(shared_data)
    assert first == second  # bit-for-bit: the recipe draws randomness only from its seed
    recorded = manifest["fingerprint"]
    assert first["recipe"] == recorded["recipe"]
    # the recipe builds the full run's exact training set from these data
    assert first["triples_sha256"] == recorded["triples_sha256"] == manifest["triples"]["sha256"]
    assert np.allclose(first["losses"], recorded["losses"], atol=1e-3)
    assert np.allclose(first["probe_vectors_head"], recorded["probe_vectors_head"], atol=1e-3)


def container_for(tmp_path: Path, **extra: object) -> Container:
    settings = load_settings(
        neo4j_uri=None,
        neo4j_password="unit-test-password",
        neo4j_home=tmp_path / "neo4j",
        embedding_cache=tmp_path / "embeddings.sqlite",
        warm_model=False,
        **extra,
    )
    return bootstrap(settings)  # opens no connection


@pytest.mark.anyio
async def test_the_linker_gets_the_tuned_model_and_everything_else_the_base(
    tmp_path: Path,
) -> None:
    container = container_for(tmp_path, linker_model="tuned")
    try:
        assert container.linker_embedder().name == linker_model_name()
        assert container.embedder().name == "all-MiniLM-L6-v2"
        assert container.linker_embedder() is container.linker_embedder()  # built once
    finally:
        await container.close()


@pytest.mark.anyio
async def test_linker_model_base_shares_the_embedding_model(tmp_path: Path) -> None:
    container = container_for(tmp_path, linker_model="base")
    try:
        assert container.linker_embedder() is container.embedder()
    finally:
        await container.close()


def test_an_unknown_linker_model_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"(?i)linker_model"):
        container_for(tmp_path, linker_model="large")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"linker_model": "base"}, 0.5),
        ({"linker_model": "tuned"}, TUNED_SKILL_MIN_SCORE),
        ({"linker_model": "tuned", "skill_min_score": 0.6}, 0.6),
        ({"linker_model": "base", "skill_min_score": 0.7}, 0.7),
    ],
)
@pytest.mark.anyio
async def test_skill_links_keep_the_linker_models_own_minimum_unless_set(
    tmp_path: Path, extra: dict[str, object], expected: float
) -> None:
    container = container_for(tmp_path, **extra)
    try:
        assert container.link_policy().skill_min_score == expected
        assert skill_min_score(container.settings) == expected
    finally:
        await container.close()


def test_the_shipped_model_serves_the_skill_linker() -> None:
    # Paraphrases that share no word with the labels: a hashing embedder gets 1 of 5 right.
    docs = [
        SkillDoc("s:forklift", "operate forklift"),
        SkillDoc("s:bread", "bake bread"),
        SkillDoc("s:sql", "SQL"),
        SkillDoc("s:nurse", "manage nursing staff"),
        SkillDoc("s:contracts", "negotiate supplier arrangements"),
    ]
    queries = [
        "moving pallets around the warehouse on a lift truck",
        "early shifts making dough and loaves for our shop",
        "write database queries with joins and window functions",
        "supervise the ward's nurses",
        "agree prices and terms with vendors",
    ]
    embedder = tuned_linker_embedder(threads=1)
    dense_only = LinkerSettings(lexical_weight=0.0)  # the model's vectors alone decide
    linker = SkillLinker(embedder, InMemoryRetriever(docs, embedder), dense_only)
    found = linker.link(queries, top_k=1)
    assert [m[0].uri for m in found] == [d.uri for d in docs]

"""Fixtures for the fault tests: one private Neo4j for the package and a clean-run baseline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from credmatch.graph.launcher import Neo4jLauncher
from tests.conftest import launcher_settings
from tests.faults.harness import (
    INGEST_ARGS,
    GraphState,
    PrivateNeo4j,
    loaded_count,
    run_cli,
    snapshot,
)


@dataclass(frozen=True)
class Baseline:
    """The graph one uninterrupted ingest of the seed credentials leaves behind."""

    state: GraphState
    loaded: int  # the CLI's 'loaded N'
    output: str


@pytest.fixture(scope="session")
def private_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNeo4j]:
    """Our own server: these tests stop it, so it must never be one somebody else uses."""
    home = tmp_path_factory.mktemp("fault-neo4j")
    settings = launcher_settings(home / "neo4j")
    launcher = Neo4jLauncher(settings)
    launcher.start()
    try:
        yield PrivateNeo4j(settings, launcher, home / "embeddings.sqlite", home / "documents")
    finally:
        launcher.stop()


@pytest.fixture
def empty_graph(private_neo4j: PrivateNeo4j) -> PrivateNeo4j:
    """The private server, running (a previous test may have stopped it) and emptied."""
    private_neo4j.launcher.start()
    private_neo4j.wipe()
    return private_neo4j


@pytest.fixture(scope="session")
def baseline(private_neo4j: PrivateNeo4j, tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """One clean ingest run; its first encode with the real model fills the embedding cache."""
    private_neo4j.launcher.start()
    private_neo4j.wipe()
    out: Path = tmp_path_factory.mktemp("baseline") / "ingest.log"
    began = time.monotonic()
    rc, output = run_cli(private_neo4j.cli_env(), out, *INGEST_ARGS)
    seconds = time.monotonic() - began
    assert rc == 0, output
    state = snapshot(private_neo4j)
    assert state.labels.get("Credential", 0) > 500, state.labels
    print(f"\nbaseline ingest (cold model and server): {seconds:.1f}s")
    return Baseline(state, loaded_count(output), output)

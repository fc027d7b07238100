"""Shared fixtures: the suite starts its own real Neo4j (or uses CREDMATCH_TEST_NEO4J_URI)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from credmatch.bootstrap import bootstrap
from credmatch.config import Settings, load_settings
from credmatch.domain.principal import Role
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import ensure_schema
from credmatch.services.api_keys import KeyService

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
TEST_PASSWORD = "credmatch-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launcher_settings(home: Path, port: int | None = None, **extra: object) -> Settings:
    """Settings for a bundled Neo4j owned by the tests, sized small."""
    return load_settings(
        neo4j_uri=None,
        neo4j_password=TEST_PASSWORD,
        neo4j_home=home,
        neo4j_bolt_port=port or free_port(),
        neo4j_heap="1g",
        neo4j_pagecache="512m",
        **{"warm_model": False, **extra},  # apps in tests load the model only when used
    )


def issue_key(
    settings: Settings, role: Role = Role.RECRUITER, learner_id: str | None = None
) -> str:
    """Create a key in the test graph; returns the token (``Authorization: Bearer <token>``)."""

    async def create() -> str:
        container = bootstrap(settings)
        try:
            await ensure_schema(container.store, settings.embedding_dimension)
            issued = await KeyService(container.store).create(role, learner_id=learner_id)
            return issued.token
        finally:
            await container.close()

    return asyncio.run(create())


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A real Neo4j for the whole session: started here, stopped at the end."""
    external = os.environ.get("CREDMATCH_TEST_NEO4J_URI")
    if external:
        yield load_settings(neo4j_uri=external, warm_model=False)
        return
    settings = launcher_settings(tmp_path_factory.mktemp("neo4j"))
    launcher = Neo4jLauncher(settings)
    launcher.start()
    try:
        yield settings
    finally:
        launcher.stop()


# The seed graph (real model) and an API client on it, shared by integration and browser tests.
from tests.support.seeded import api, seeded  # noqa: E402, F401

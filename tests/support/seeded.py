"""Fixtures: the seed graph loaded once (real model) into the suite's Neo4j, and an API
client on it. Registered in tests/conftest.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from credmatch.bootstrap import Container, bootstrap
from credmatch.config import Settings
from credmatch.domain.principal import Role
from credmatch.graph.schema import ensure_schema
from credmatch.graph.store import GraphStore
from credmatch.server import create_app
from credmatch.services.api_keys import KeyService
from credmatch.services.seed import SeedLoadSummary, load_seed
from tests.conftest import REPO

SEED = REPO / "graph_seed"


@dataclass
class Seeded:
    settings: Settings
    summary: SeedLoadSummary
    keys: dict[str, str]  # role -> token
    learner: str  # the learner the learner key is bound to (discoverable, with credentials)
    other_learner: str  # another discoverable learner
    hidden_learner: str  # a learner who did not consent


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the query text of every GraphStore.read from now on (round-trip tests)."""
    calls: list[str] = []
    original = GraphStore.read

    async def counting(self: GraphStore, query: str, params: Any = None) -> Any:
        calls.append(query)
        return await original(self, query, params)

    monkeypatch.setattr(GraphStore, "read", counting)
    return calls


@contextlib.asynccontextmanager
async def container_of(settings: Settings) -> AsyncIterator[Container]:
    """A composition root on the suite's graph, closed afterwards (tests that call services)."""
    container = bootstrap(settings)
    try:
        yield container
    finally:
        await container.close()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def seed_learners() -> dict[str, dict[str, Any]]:
    data = json.loads((SEED / "learners.json").read_text())
    return {x["id"]: x for x in data["learners"]}


@pytest.fixture(scope="session")
def seeded(neo4j_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    # A private embedding cache: the first load encodes everything with the real model.
    settings = neo4j_settings.model_copy(
        update={
            "embedding_cache": tmp_path_factory.mktemp("emb") / "embeddings.sqlite",
            "seed_dir": SEED,
            "trust_registry": SEED / "trust.json",
            "documents": str(SEED / "documents"),
            # One webhook delivery worker per test that needs one: a session-wide app's
            # worker (strict SSRF settings) would otherwise claim their deliveries.
            "webhook_worker": False,
            # Further reads of a logged event are written within a second, not 30 s, so the
            # access-log tests see a count grow without waiting (the hold is unit-tested).
            "access_log_repeat_flush_s": 1.0,
        }
    )

    async def load() -> tuple[SeedLoadSummary, dict[str, str], dict[str, str]]:
        container = bootstrap(settings)
        try:
            await ensure_schema(container.store, settings.embedding_dimension)
            summary = await load_seed(container.seed_deps(), SEED, step=lambda s: None)
            rows = await container.store.read(
                "MATCH (l:Learner)-[:HOLDS]->(c:Credential {verdict: 'verified'}) "
                "WITH l, count(c) AS n WHERE n >= 2 RETURN l.id AS id, l.discoverable AS d "
                "ORDER BY n DESC, l.id"
            )
            people = {
                "learner": next(r["id"] for r in rows if r["d"]),
                "other": [r["id"] for r in rows if r["d"]][1],
                "hidden": next(r["id"] for r in rows if not r["d"]),
            }
            service = KeyService(container.store, cache_ttl_s=0)
            issuers = [
                r["id"] for r in await container.store.read("MATCH (i:Issuer) RETURN i.id AS id")
            ]
            keys = {}
            for role in Role:
                learner = people["learner"] if role is Role.LEARNER else None
                bound = issuers if role is Role.ISSUER else []  # the seed's issuers
                issued = await service.create(role, learner_id=learner, issuer_ids=bound)
                keys[role.value] = issued.token
            return summary, keys, people
        finally:
            await container.close()

    summary, keys, people = run(load())
    return Seeded(settings, summary, keys, people["learner"], people["other"], people["hidden"])


@pytest.fixture(scope="session")
def api(seeded: Seeded) -> Iterator[TestClient]:
    with TestClient(create_app(seeded.settings)) as client:
        yield client


def gql(client: TestClient, key: str | None, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


def first_job(client: TestClient, key: str, title: str) -> str:
    jobs = gql(client, key, "{ jobPostings(first: 100) { nodes { id title } } }")["data"][
        "jobPostings"
    ]["nodes"]
    return str(next(j["id"] for j in jobs if title in j["title"]))


def seed_path(*parts: str) -> Path:
    return SEED.joinpath(*parts)

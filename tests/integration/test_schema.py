from __future__ import annotations

import pytest

from credmatch.bootstrap import bootstrap
from credmatch.config import Settings
from credmatch.errors import GraphError
from credmatch.graph import queries as q
from credmatch.graph.schema import describe_schema, ensure_schema

pytestmark = [pytest.mark.anyio, pytest.mark.neo4j]


async def test_schema_bootstrap_is_idempotent(neo4j_settings: Settings) -> None:
    container = bootstrap(neo4j_settings)
    try:
        first = await ensure_schema(container.store, dimension=384)
        second = await ensure_schema(container.store, dimension=384)
        assert first == second == await describe_schema(container.store)
        for label, key in q.NODE_KEYS:
            assert f"{label.lower()}_{key}_unique" in first.constraints
        for name, _, _ in q.VECTOR_INDEXES:
            assert f"{name} (VECTOR, ONLINE)" in first.indexes
        assert "skill_text (FULLTEXT, ONLINE)" in first.indexes
    finally:
        await container.close()


async def test_schema_refuses_a_model_of_another_dimension(neo4j_settings: Settings) -> None:
    container = bootstrap(neo4j_settings)
    try:
        await ensure_schema(container.store, dimension=384)
        with pytest.raises(GraphError, match="reembed"):
            await ensure_schema(container.store, dimension=768)
    finally:
        await container.close()


async def test_uniqueness_is_enforced(neo4j_settings: Settings) -> None:
    container = bootstrap(neo4j_settings)
    try:
        await ensure_schema(container.store, dimension=384)
        await container.store.write("CREATE (:Issuer {id: $id})", {"id": "did:example:dup"})
        with pytest.raises(GraphError, match="already exists"):
            await container.store.write("CREATE (:Issuer {id: $id})", {"id": "did:example:dup"})
        await container.store.write(
            "MATCH (i:Issuer {id: $id}) DELETE i", {"id": "did:example:dup"}
        )
    finally:
        await container.close()

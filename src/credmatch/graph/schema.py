"""The graph schema: uniqueness constraints and indexes, created idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from credmatch.errors import GraphError
from credmatch.graph import queries as q
from credmatch.graph.store import GraphStore


@dataclass(frozen=True)
class SchemaReport:
    constraints: tuple[str, ...]
    indexes: tuple[str, ...]


async def ensure_schema(store: GraphStore, dimension: int, timeout_s: int = 300) -> SchemaReport:
    """Create every constraint and index that is missing, then wait until all are online."""
    for label, key in q.NODE_KEYS:
        await store.write(q.unique_constraint(label, key), bump=False)
    for name, label, prop in q.VECTOR_INDEXES:
        await store.write(q.vector_index(name, label, prop), {"dimension": dimension}, bump=False)
    for statement in q.RANGE_INDEXES:
        await store.write(statement, bump=False)
    await store.write(q.CREATE_SKILL_FULLTEXT, bump=False)
    await store.write(q.AWAIT_INDEXES, {"timeout_s": timeout_s}, bump=False)
    await store.write_autocommit(q.BACKFILL_EXPIRES_AT)
    await check_vector_dimensions(store, dimension)
    return await describe_schema(store)


async def check_vector_dimensions(store: GraphStore, dimension: int) -> None:
    """Fail clearly when the vector indexes were built for another model's dimension."""
    wanted = {name for name, _, _ in q.VECTOR_INDEXES}
    for row in await store.read(q.SHOW_INDEXES):
        if row["name"] not in wanted:
            continue
        found = row["options"]["indexConfig"]["vector.dimensions"]
        if found != dimension:
            raise GraphError(
                f"vector index {row['name']} has dimension {found} but the model gives "
                f"{dimension}; run `credmatch reembed` to rebuild the indexes for this model"
            )


async def describe_schema(store: GraphStore) -> SchemaReport:
    constraints = tuple(r["name"] for r in await store.read(q.SHOW_CONSTRAINTS))
    indexes = tuple(
        f"{r['name']} ({r['type']}, {r['state']})" for r in await store.read(q.SHOW_INDEXES)
    )
    return SchemaReport(constraints=constraints, indexes=indexes)

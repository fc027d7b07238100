"""The graph schema: uniqueness constraints and indexes, created idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from credmatch.errors import GraphError
from credmatch.graph import queries as q
from credmatch.graph.queries import orgs
from credmatch.graph.store import GraphStore

DEFAULT_ORG = "default"  # owns keys and postings made before organisations existed


@dataclass(frozen=True)
class SchemaReport:
    constraints: tuple[str, ...]
    indexes: tuple[str, ...]
    # Keys and postings this run moved into the `default` organisation (migrate_to_organizations).
    migrated: tuple[int, int] = (0, 0)


async def ensure_schema(store: GraphStore, dimension: int, timeout_s: int = 300) -> SchemaReport:
    """Create every constraint and index that is missing, then wait until all are online."""
    for label, key in q.NODE_KEYS:
        await store.write(q.unique_constraint(label, key), bump=False)
    await store.write(q.POSTING_EXTERNAL_ID_UNIQUE, bump=False)
    for name, label, prop in q.VECTOR_INDEXES:
        await store.write(q.vector_index(name, label, prop), {"dimension": dimension}, bump=False)
    for statement in q.RANGE_INDEXES:
        await store.write(statement, bump=False)
    await store.write(q.CREATE_SKILL_FULLTEXT, bump=False)
    await store.write(q.AWAIT_INDEXES, {"timeout_s": timeout_s}, bump=False)
    await store.write_autocommit(q.BACKFILL_EXPIRES_AT)
    migrated = await migrate_to_organizations(store)
    await check_vector_dimensions(store, dimension)
    report = await describe_schema(store)
    return SchemaReport(report.constraints, report.indexes, migrated)


async def migrate_to_organizations(store: GraphStore) -> tuple[int, int]:
    """Keys and postings from before organisations existed join the ``default`` organisation
    (idempotent: a second run finds nothing to move). Returns (keys, postings) moved."""
    keys = await store.write(orgs.MIGRATE_KEYS, {"org": DEFAULT_ORG}, bump=False)
    postings = await store.write(orgs.MIGRATE_POSTINGS, {"org": DEFAULT_ORG})
    return int(keys[0]["migrated"]), int(postings[0]["migrated"])


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

"""Switch embedding models: drop the vectors and vector indexes, rebuild them, relink."""

from __future__ import annotations

from credmatch.bootstrap import Container
from credmatch.graph.queries import VECTOR_INDEXES, drop_index
from credmatch.graph.queries import link as q
from credmatch.graph.queries.matches import MARK_ALL_JOBS_STALE
from credmatch.graph.schema import ensure_schema
from credmatch.services.linking import LinkSummary


async def reembed(container: Container) -> LinkSummary:
    store = container.store
    embedder = container.embedder()
    for query in (q.FORGET_VECTOR_LINKS, q.FORGET_EMBEDDING_ALIGNMENTS, q.FORGET_VECTORS):
        await store.write_autocommit(query)
    for name, _, _ in VECTOR_INDEXES:
        await store.write(drop_index(name), bump=False)
    await ensure_schema(store, embedder.dimension)
    # The old links are gone: rank live until the relink has rebuilt every posting's table.
    await store.write(MARK_ALL_JOBS_STALE)
    return await container.relink(refresh_linker=True)

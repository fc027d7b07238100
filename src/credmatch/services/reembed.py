"""Switch embedding models: drop the vectors and vector indexes, rebuild them, relink."""

from __future__ import annotations

from credmatch.domain.embedder import Embedder
from credmatch.graph.queries import VECTOR_INDEXES, drop_index
from credmatch.graph.queries import link as q
from credmatch.graph.queries.matches import MARK_ALL_JOBS_STALE
from credmatch.graph.schema import ensure_schema
from credmatch.graph.store import GraphStore
from credmatch.services.linking import LinkSummary
from credmatch.services.scheduling import Relinker


async def reembed(store: GraphStore, embedder: Embedder, links: Relinker) -> LinkSummary:
    for query in (q.FORGET_VECTOR_LINKS, q.FORGET_EMBEDDING_ALIGNMENTS, q.FORGET_VECTORS):
        await store.write_autocommit(query)
    for name, _, _ in VECTOR_INDEXES:
        await store.write(drop_index(name), bump=False)
    await ensure_schema(store, embedder.dimension)
    # The old links are gone: rank live until the relink has rebuilt every posting's table.
    await store.write(MARK_ALL_JOBS_STALE)
    return await links.relink(refresh_linker=True)

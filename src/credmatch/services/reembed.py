"""Switch embedding models: drop the vectors and vector indexes, rebuild them, relink."""

from __future__ import annotations

from credmatch.bootstrap import Container
from credmatch.graph.queries import VECTOR_INDEXES, drop_index
from credmatch.graph.queries import link as q
from credmatch.graph.schema import ensure_schema
from credmatch.services.linking import LinkSummary, link_all


async def reembed(container: Container) -> LinkSummary:
    store = container.store
    embedder = container.embedder()
    for query in (q.FORGET_VECTOR_LINKS, q.FORGET_EMBEDDING_ALIGNMENTS, q.FORGET_VECTORS):
        await store.write_autocommit(query)
    for name, _, _ in VECTOR_INDEXES:
        await store.write(drop_index(name), bump=False)
    await ensure_schema(store, embedder.dimension)
    linker = await container.skill_linker(refresh=True)
    return await link_all(store, embedder, container.link_policy(), linker)

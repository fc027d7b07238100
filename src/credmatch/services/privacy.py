"""Consent and erasure."""

from __future__ import annotations

from credmatch.errors import NotFoundError
from credmatch.graph.queries import privacy as q
from credmatch.graph.queries.matches import REKEY_LEARNERS
from credmatch.graph.store import GraphStore


async def set_discoverable(store: GraphStore, learner_id: str, discoverable: bool) -> None:
    """Record consent; the learner's match-table keys move in the same transaction."""
    results = await store.write_all(
        [
            (q.SET_DISCOVERABLE, {"id": learner_id, "discoverable": discoverable}),
            (REKEY_LEARNERS, {"ids": [learner_id]}),
        ]
    )
    if not results[0]:
        raise NotFoundError(f"no learner {learner_id!r}")


async def erase_learner(store: GraphStore, learner_id: str) -> bool:
    """Remove the learner, their credentials and their API keys; False if unknown."""
    rows = await store.write(q.ERASE_LEARNER, {"id": learner_id})
    return bool(rows and rows[0]["erased"])

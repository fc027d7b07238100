"""Consent and erasure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credmatch.errors import NotFoundError
from credmatch.graph.queries import privacy as q
from credmatch.graph.queries.matches import LEARNER_SCORES, REKEY_LEARNERS
from credmatch.graph.queries.schema import BUMP_VERSION
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import EventOptions, anyone_listens, run_watched


async def set_discoverable(
    store: GraphStore, learner_id: str, discoverable: bool, events: EventOptions | None = None
) -> None:
    """Record consent; the learner's match-table keys move in the same transaction. With
    ``events`` (and anyone listening), the learner's rows appear to or vanish from listeners
    as match events: opting in is MATCHED wherever they reach a threshold, withdrawing is
    UNMATCHED wherever they had reached it."""
    steps: list[tuple[str, Mapping[str, Any]]] = [
        (q.SET_DISCOVERABLE, {"id": learner_id, "discoverable": discoverable}),
        (REKEY_LEARNERS, {"ids": [learner_id]}),
    ]
    if events is not None and await anyone_listens(store, events):
        steps.append((BUMP_VERSION, {}))  # what write_all does for every other write
        scores = (LEARNER_SCORES, {"ids": [learner_id]})
        results = (await run_watched(store, steps, scores, events)).results
    else:
        results = await store.write_all(steps)
    if not results[0]:
        raise NotFoundError(f"no learner {learner_id!r}")


async def erase_learner(store: GraphStore, learner_id: str) -> bool:
    """Remove the learner, their credentials and their API keys; False if unknown."""
    rows = await store.write(q.ERASE_LEARNER, {"id": learner_id})
    return bool(rows and rows[0]["erased"])

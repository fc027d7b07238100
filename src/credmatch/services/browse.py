"""Read-only catalog queries: postings, achievements, issuers, skills, learner profiles."""

from __future__ import annotations

from typing import Any

from credmatch.graph.queries import browse as q
from credmatch.graph.store import GraphStore


async def posting_ids(store: GraphStore, search: str | None, first: int) -> list[str]:
    rows = await store.read(q.JOB_POSTINGS, {"search": search or None, "first": first})
    return [r["id"] for r in rows]


async def achievements(
    store: GraphStore, search: str | None, issuer: str | None, first: int
) -> list[dict[str, Any]]:
    return await store.read(
        q.ACHIEVEMENTS, {"search": search or None, "issuer": issuer, "first": first}
    )


async def achievements_by_id(store: GraphStore, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = await store.read(q.ACHIEVEMENTS_BY_ID, {"ids": ids})
    return {r["achievement"]["id"]: r for r in rows}


async def achievement_skills(store: GraphStore, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    rows = await store.read(q.ACHIEVEMENT_SKILLS, {"ids": ids})
    found = {r["id"]: sorted(r["skills"], key=lambda s: (-s["score"], s["uri"])) for r in rows}
    return {i: found.get(i, []) for i in ids}


async def issuers(store: GraphStore) -> list[dict[str, Any]]:
    return await store.read(q.ISSUERS)


def lucene_query(text: str) -> str:
    """Escape a user's text for the fulltext index: every term matched literally."""
    special = set('+-&|!(){}[]^"~*?:\\/')
    words = ["".join("\\" + ch if ch in special else ch for ch in w) for w in text.split()]
    return " ".join(w for w in words if w)


async def skill_search(store: GraphStore, text: str, first: int) -> list[dict[str, Any]]:
    query = lucene_query(text)
    if not query:
        return []
    return await store.read(q.SKILL_TEXT_SEARCH, {"query": query, "first": first})


async def learner_profile(store: GraphStore, learner_id: str) -> dict[str, Any] | None:
    rows = await store.read(q.LEARNER_PROFILE, {"id": learner_id})
    return rows[0] if rows else None


async def issuer_names(store: GraphStore, ids: list[str]) -> dict[str, str | None]:
    rows = await store.read(q.ISSUER_NAMES, {"ids": ids})
    return {r["id"]: r["name"] for r in rows}

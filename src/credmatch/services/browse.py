"""Read-only catalog queries: postings, achievements, issuers, skills, learner profiles."""

from __future__ import annotations

from credmatch.domain.paging import (
    Page,
    SortKey,
    check_first,
    decode_cursor,
    encode_cursor,
    keyset_page,
    scope_digest,
)
from credmatch.errors import InputError
from credmatch.graph.queries import browse as q
from credmatch.graph.store import GraphStore
from credmatch.services.records import (
    AchievementRecord,
    IssuerListing,
    ProfileRecord,
    SkillScore,
    achievement_record,
    issuer_listing,
    profile_record,
    skill_score,
)

_POSTINGS = "jobPostings"


async def posting_page(
    store: GraphStore,
    search: str | None,
    owner: str | None,
    first: int,
    after: str | None,
    max_first: int,
) -> tuple[Page[str], list[str], int]:
    """Posting ids in (title, id) order after the cursor ``after``, limited to ``owner``'s
    postings unless None: (page, one cursor per id, total)."""
    check_first(first, max_first)
    scope = scope_digest({"search": search or None, "owner": owner})
    title, last_id = None, ""
    if after is not None:
        key = decode_cursor(_POSTINGS, scope, after)
        if len(key) != 2:
            raise InputError("argument `after` is not a jobPostings cursor")
        title, last_id = str(key[0]), str(key[1])
    params = {"search": search or None, "owner": owner, "first": first}
    row = (await store.read(q.JOB_POSTINGS, {**params, "title": title, "id": last_id}))[0]
    keys: list[SortKey] = [(r["title"], r["id"]) for r in row["page"]]
    ids = [r["id"] for r in row["page"]]
    total = int(row["total"])
    page = keyset_page(ids, keys, _POSTINGS, scope, int(row["before"]), total)
    return page, [encode_cursor(_POSTINGS, scope, k) for k in keys], total


async def achievements(
    store: GraphStore, search: str | None, issuer: str | None, first: int
) -> list[AchievementRecord]:
    rows = await store.read(
        q.ACHIEVEMENTS, {"search": search or None, "issuer": issuer, "first": first}
    )
    return [achievement_record(r) for r in rows]


async def achievements_by_id(store: GraphStore, ids: list[str]) -> dict[str, AchievementRecord]:
    rows = await store.read(q.ACHIEVEMENTS_BY_ID, {"ids": ids})
    return {a.id: a for a in map(achievement_record, rows)}


async def achievement_skills(store: GraphStore, ids: list[str]) -> dict[str, list[SkillScore]]:
    """Each achievement's aligned skills, strongest first (then by URI)."""
    rows = await store.read(q.ACHIEVEMENT_SKILLS, {"ids": ids})
    found = {
        r["id"]: sorted(map(skill_score, r["skills"]), key=lambda s: (-s.score, s.uri))
        for r in rows
    }
    return {i: found.get(i, []) for i in ids}


async def issuers(store: GraphStore) -> list[IssuerListing]:
    return [issuer_listing(r) for r in await store.read(q.ISSUERS)]


def lucene_query(text: str) -> str:
    """Escape a user's text for the fulltext index: every term matched literally."""
    special = set('+-&|!(){}[]^"~*?:\\/')
    words = ["".join("\\" + ch if ch in special else ch for ch in w) for w in text.split()]
    return " ".join(w for w in words if w)


async def skill_search(store: GraphStore, text: str, first: int) -> list[SkillScore]:
    query = lucene_query(text)
    if not query:
        return []
    rows = await store.read(q.SKILL_TEXT_SEARCH, {"query": query, "first": first})
    return [skill_score(r) for r in rows]


async def learner_profile(store: GraphStore, learner_id: str) -> ProfileRecord | None:
    rows = await store.read(q.LEARNER_PROFILE, {"id": learner_id})
    return profile_record(rows[0]) if rows else None


async def issuer_names(store: GraphStore, ids: list[str]) -> dict[str, str | None]:
    rows = await store.read(q.ISSUER_NAMES, {"ids": ids})
    return {r["id"]: r["name"] for r in rows}

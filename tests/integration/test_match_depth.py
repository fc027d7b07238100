"""A match table cut at a depth (CREDMATCH_MATCH_TABLE_DEPTH) against the live ranking, on the
seed graph in a real Neo4j.

A depth of 3 cuts most seed postings' tables, so pages cross the floor after a few rows: every
page must still equal the live ranking (read from the table before the floor, ranked live past
it), and learner refreshes must keep the invariant (every learner at or before a posting's
floor has a row). Each test rebuilds the whole table under the default policy at the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from tests.support.seeded import Seeded, counting_reads

from credmatch.bootstrap import Container, bootstrap
from credmatch.domain.model import MatchPolicy
from credmatch.graph.queries import match as q
from credmatch.graph.queries import match_depth as dq
from credmatch.graph.queries import matches as mq
from credmatch.graph.queries.fragments import RANK_KEY, SCORE_VALUES, VRANK_KEY
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import policy_id, refresh_matches
from credmatch.services.matching import CandidateFilter, CandidatePage, Matcher
from credmatch.services.privacy import set_discoverable

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

DEPTH = 3
PAGES = 5  # pages of 2 walked per ranking: past the floor (depth 3) and on, live
FILTERS = (
    CandidateFilter(),
    CandidateFilter(verified_only=True),
    CandidateFilter(min_score=0.3),
    CandidateFilter(all_required_met=True),
    CandidateFilter(verified_only=True, all_required_met=True, min_score=0.1),
)
RANKINGS = {q.RANK_CANDIDATES, dq.RANKED_PAGE_TOP, dq.VERIFIED_RANKED_PAGE_TOP,
            mq.RANK_FROM_MATCHES}  # fmt: skip


def _with(seeded: Seeded, body: Callable[[Container, MatchPolicy], Awaitable[None]]) -> None:
    async def main() -> None:
        container = bootstrap(seeded.settings)
        cut = replace(container.match_policy(), table_depth=DEPTH)
        try:
            await refresh_matches(container.store, cut)
            await body(container, cut)
        finally:
            await refresh_matches(container.store, container.match_policy())
            await container.close()

    asyncio.run(main())


def _rows(page: CandidatePage) -> list[tuple[str, float, int, int]]:
    return [(m.learner_id, round(m.score, 9), m.required_met, m.rank) for m in page.matches]


async def _job_ids(store: GraphStore) -> list[str]:
    return [r["id"] for r in await store.read("MATCH (j:JobPosting) RETURN j.id AS id ORDER BY id")]


async def _table_sizes(store: GraphStore) -> dict[str, int]:
    rows = await store.read(
        "MATCH (j:JobPosting) RETURN j.id AS id, COUNT { (j)<-[:MATCHES]-() } AS n"
    )
    return {r["id"]: r["n"] for r in rows}


async def _walk(
    matcher: Matcher, job_id: str, flt: CandidateFilter, size: int, table: bool, consent: bool
) -> tuple[list[tuple[str, float, int, int]], list[int]]:
    """Every page of a ranking, from the table (job given) or live; rows and totals."""
    job = await matcher.job(job_id)
    rows: list[tuple[str, float, int, int]] = []
    totals: list[int] = []
    after = None
    for _ in range(PAGES):
        page = await matcher.rank(job.requirements, size, after, flt, consent_required=consent,
                                  job=job if table else None)  # fmt: skip
        rows += _rows(page)
        totals.append(page.total)
        if not page.page.has_next:
            break
        after = page.page.end_cursor
    return rows, totals


async def _same_as_live(c: Container, cut: MatchPolicy) -> int:
    matcher = Matcher(c.store, cut, 100, cache=None)
    compared = 0
    for job_id in await _job_ids(c.store):
        assert (await matcher.job(job_id)).stored_policy == policy_id(cut)
        for flt in FILTERS:
            for consent in (True, False):
                stored, totals = await _walk(matcher, job_id, flt, 2, True, consent)
                live, live_totals = await _walk(matcher, job_id, flt, 2, False, consent)
                assert stored == live, (job_id, flt, consent)
                if flt.min_score == 0:  # nothing changed since the rebuild: the count is exact
                    assert set(totals) == set(live_totals), (job_id, flt, consent)
                compared += len(stored)
    return compared


def test_a_cut_table_pages_exactly_like_the_live_ranking(seeded: Seeded) -> None:
    async def body(c: Container, cut: MatchPolicy) -> None:
        assert policy_id(cut) != policy_id(c.match_policy())
        sizes = await _table_sizes(c.store)
        assert max(sizes.values()) <= 2 * DEPTH  # the top slice in each order, no more
        cut_jobs = await c.store.read(
            "MATCH (j:JobPosting) WHERE j.matchesFloor IS NOT NULL RETURN count(j) AS n"
        )
        assert cut_jobs[0]["n"] >= 3  # the comparison crosses real floors
        assert await _same_as_live(c, cut) > 200

    _with(seeded, body)


def test_first_pages_read_the_cut_table_and_deep_pages_rank_live(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def body(c: Container, cut: MatchPolicy) -> None:
        rows = await c.store.read(
            "MATCH (j:JobPosting) WHERE j.matchesFloor IS NOT NULL RETURN j.id AS id LIMIT 1"
        )
        job_id = rows[0]["id"]
        matcher = Matcher(c.store, cut, 100, cache=None)
        calls = counting_reads(monkeypatch)
        first = await matcher.candidates(job_id, DEPTH - 1, None, CandidateFilter())
        assert [x for x in calls if x in RANKINGS] == [dq.RANKED_PAGE_TOP]
        calls.clear()
        deeper = await matcher.candidates(job_id, 5, first.page.end_cursor, CandidateFilter())
        assert [x for x in calls if x in RANKINGS] == [dq.RANKED_PAGE_TOP, q.RANK_CANDIDATES]
        assert [m.rank for m in deeper.matches][:1] == [DEPTH]
        calls.clear()
        await matcher.candidates(job_id, 5, None, CandidateFilter(all_required_met=True))
        assert [x for x in calls if x in RANKINGS] == [q.RANK_CANDIDATES]

    _with(seeded, body)


def test_learner_refreshes_keep_every_row_before_the_floor(seeded: Seeded) -> None:
    async def body(c: Container, cut: MatchPolicy) -> None:
        store = c.store
        await store.write("MATCH (l:Learner) SET l.matchesStale = true")
        done = await refresh_matches(store, cut)
        assert done.jobs == 0 and done.learners > 10
        assert await _same_as_live(c, cut) > 200
        # A top learner loses their evidence: the refresh drops their rows, the next learner
        # moves up inside the floor, and pages still equal the live ranking.
        job_id = (await _job_ids(store))[0]
        matcher = Matcher(store, cut, 100, cache=None)
        top = (await matcher.candidates(job_id, 1, None, CandidateFilter())).matches[0].learner_id
        await store.write(
            "MATCH (l:Learner {id: $l})-[:HOLDS]->(c:Credential) "
            "SET c.verdictBefore = c.verdict, c.verdict = 'revoked', l.matchesStale = true",
            {"l": top},
        )
        try:
            assert (await refresh_matches(store, cut)).learners == 1
            stored, _ = await _walk(matcher, job_id, CandidateFilter(), 2, True, True)
            live, _ = await _walk(matcher, job_id, CandidateFilter(), 2, False, True)
            assert stored == live and top not in {r[0] for r in stored}
        finally:
            await store.write(
                "MATCH (l:Learner {id: $l})-[:HOLDS]->(c:Credential) "
                "SET c.verdict = c.verdictBefore, l.matchesStale = true REMOVE c.verdictBefore",
                {"l": top},
            )
            await refresh_matches(store, cut)

    _with(seeded, body)


def test_withdrawn_consent_is_never_served_from_a_cut_table(seeded: Seeded) -> None:
    async def body(c: Container, cut: MatchPolicy) -> None:
        store = c.store
        matcher = Matcher(store, cut, 100, cache=None)
        job_id = (await _job_ids(store))[0]
        top = (await matcher.candidates(job_id, 1, None, CandidateFilter())).matches[0].learner_id
        await set_discoverable(store, top, False)
        try:  # right after the write returns, before any refresh
            page = await matcher.candidates(job_id, 100, None, CandidateFilter())
            assert top not in {m.learner_id for m in page.matches}
            await refresh_matches(store, cut)
            stored, _ = await _walk(matcher, job_id, CandidateFilter(), 2, True, True)
            live, _ = await _walk(matcher, job_id, CandidateFilter(), 2, False, True)
            assert stored == live and top not in {r[0] for r in stored}
        finally:
            await set_discoverable(store, top, True)
            await refresh_matches(store, cut)

    _with(seeded, body)


def test_the_cut_tables_scores_and_keys_come_from_the_whole_tables_formula() -> None:
    assert mq._SCORE_ROWS.startswith(SCORE_VALUES)
    assert SCORE_VALUES in dq.BUILD_JOB_TOP and SCORE_VALUES in dq.BUILD_LEARNERS_TOP
    assert f"substring({RANK_KEY}, 1) AS okey" in dq._KEYED
    assert f"substring({VRANK_KEY}, 1) END AS vokey" in dq._KEYED

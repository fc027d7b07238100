"""The match table (MATCHES edges) against the live ranking, on the seed graph in a real Neo4j.

The table is a cache of RANK_CANDIDATES's values, so every test compares it with the live
computation: for every posting and filter, after writes that flag postings or learners, and
after the trust policy changes. Each test leaves the seed graph as it found it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from starlette.testclient import TestClient
from tests.support.seeded import Seeded, counting_reads, gql

from credmatch.bootstrap import Container, bootstrap
from credmatch.graph.queries import match as q
from credmatch.graph.queries import matches as mq
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import (
    MatchRefresh,
    policy_id,
    refresh_job,
    refresh_matches,
)
from credmatch.services.matching import CandidateFilter, CandidatePage, Matcher
from credmatch.services.privacy import set_discoverable

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

RANKINGS = {q.RANK_CANDIDATES, mq.RANKED_PAGE, mq.VERIFIED_RANKED_PAGE, mq.RANK_FROM_MATCHES}
FILTERS = (
    CandidateFilter(),
    CandidateFilter(verified_only=True),
    CandidateFilter(min_score=0.3),
    CandidateFilter(all_required_met=True),
    CandidateFilter(verified_only=True, all_required_met=True, min_score=0.1),
)


def _with(seeded: Seeded, body: Callable[[Container], Awaitable[None]]) -> None:
    async def main() -> None:
        container = bootstrap(seeded.settings)
        try:
            await body(container)
        finally:
            await container.close()

    asyncio.run(main())


def _ranking(page: CandidatePage) -> tuple[int, list[tuple[str, float, int]]]:
    return page.total, [(m.learner_id, round(m.score, 9), m.required_met) for m in page.matches]


async def _stored_and_live(
    matcher: Matcher, job_id: str, flt: CandidateFilter, consent: bool = True
) -> tuple[CandidatePage, CandidatePage]:
    job = await matcher.job(job_id)
    assert job.stored_policy is not None, f"{job_id}: the match table is not fresh"
    stored = await matcher.rank(job.requirements, 100, None, flt, consent_required=consent, job=job)
    live = await matcher.rank(job.requirements, 100, None, flt, consent_required=consent)
    return stored, live


async def _job_ids(store: GraphStore) -> list[str]:
    return [r["id"] for r in await store.read("MATCH (j:JobPosting) RETURN j.id AS id ORDER BY id")]


def _uncached(container: Container) -> Matcher:
    return Matcher(container.store, container.match_policy(), 100, cache=None)


def test_the_table_ranks_every_posting_exactly_as_the_live_query(seeded: Seeded) -> None:
    async def body(c: Container) -> None:
        matcher = _uncached(c)
        compared = 0
        for job_id in await _job_ids(c.store):
            for flt in FILTERS:
                stored, live = await _stored_and_live(matcher, job_id, flt)
                assert _ranking(stored) == _ranking(live), (job_id, flt)
                compared += stored.total
            stored, live = await _stored_and_live(matcher, job_id, FILTERS[0], consent=False)
            assert _ranking(stored) == _ranking(live), (job_id, "without consent")
        assert compared > 1000  # the comparison covered real rankings, not empty pages

    _with(seeded, body)


def test_pages_read_in_key_order_continue_exactly_like_the_live_ones(seeded: Seeded) -> None:
    async def body(c: Container) -> None:
        matcher = _uncached(c)
        for job_id in (await _job_ids(c.store))[:4]:
            job = await matcher.job(job_id)
            for flt in (CandidateFilter(), CandidateFilter(verified_only=True, min_score=0.2)):
                after: dict[str, str | None] = {"stored": None, "live": None}
                for _ in range(4):
                    stored = await matcher.rank(job.requirements, 7, after["stored"], flt, job=job)
                    live = await matcher.rank(job.requirements, 7, after["live"], flt)
                    assert _ranking(stored) == _ranking(live), (job_id, flt)
                    assert [m.rank for m in stored.matches] == [m.rank for m in live.matches]
                    after = {"stored": stored.page.end_cursor, "live": live.page.end_cursor}
                    if not stored.page.has_next:
                        break

    _with(seeded, body)


def test_withdrawn_consent_moves_the_learner_out_of_the_keyed_ranking(seeded: Seeded) -> None:
    async def body(c: Container) -> None:
        store, matcher = c.store, _uncached(c)
        job_id = (await _job_ids(store))[0]
        before = await matcher.candidates(job_id, 5, None, CandidateFilter())
        top = before.matches[0].learner_id
        await set_discoverable(store, top, False)
        try:
            hidden = await matcher.candidates(job_id, 5, None, CandidateFilter())
            assert top not in {m.learner_id for m in hidden.matches}
            assert hidden.total == before.total - 1
            # The change flags the learner (ranked live meanwhile); the refresh re-keys it.
            assert (await refresh_matches(store, c.match_policy())).learners == 1
            stored, live = await _stored_and_live(matcher, job_id, CandidateFilter())
            assert _ranking(stored) == _ranking(live)
            assert top not in {m.learner_id for m in stored.matches}
            live = await matcher.rank((await matcher.job(job_id)).requirements, 5, None,
                                      CandidateFilter())  # fmt: skip
            assert _ranking(hidden) == _ranking(live)
        finally:
            await set_discoverable(store, top, True)
            await refresh_matches(store, c.match_policy())
        again = await matcher.candidates(job_id, 5, None, CandidateFilter())
        assert _ranking(again) == _ranking(before)

    _with(seeded, body)


def test_candidates_read_the_table_and_skip_the_live_ranking(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def body(c: Container) -> None:
        job_id = (await _job_ids(c.store))[0]
        calls = counting_reads(monkeypatch)
        matcher = _uncached(c)
        expected = {
            CandidateFilter(): mq.RANKED_PAGE,
            CandidateFilter(min_score=0.4): mq.RANKED_PAGE,
            CandidateFilter(verified_only=True): mq.VERIFIED_RANKED_PAGE,
            CandidateFilter(all_required_met=True): mq.RANK_FROM_MATCHES,
            # an issuer filter needs each credential: ranked live
            CandidateFilter(issuers=("x",)): q.RANK_CANDIDATES,
        }
        for flt, query in expected.items():
            calls.clear()
            await matcher.candidates(job_id, 20, None, flt)
            ranking = [x for x in calls if x in RANKINGS]
            assert ranking == [query], flt

    _with(seeded, body)


def test_a_flagged_learner_sends_rankings_live_until_the_refresh(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def body(c: Container) -> None:
        store = c.store
        job_id = (await _job_ids(store))[0]
        holder = await store.read(
            "MATCH (:JobPosting {id: $j})<-[:MATCHES]-(l:Learner) RETURN l.id AS id LIMIT 1",
            {"j": job_id},
        )
        learner = holder[0]["id"]
        # Revoke the learner's credentials behind the table's back, flagging as a write does.
        await store.write(
            "MATCH (l:Learner {id: $l})-[:HOLDS]->(c:Credential) "
            "SET c.verdictBefore = c.verdict, c.verdict = 'revoked', l.matchesStale = true",
            {"l": learner},
        )
        try:
            matcher = _uncached(c)
            job = await matcher.job(job_id)
            assert job.stored_policy is None  # any flagged learner: no table is trusted
            calls = counting_reads(monkeypatch)
            page = await matcher.candidates(job_id, 100, None, CandidateFilter())
            assert [x for x in calls if x in RANKINGS] == [q.RANK_CANDIDATES]
            assert learner not in {m.learner_id for m in page.matches}
            done = await refresh_matches(store, c.match_policy())
            assert (done.jobs, done.learners) == (0, 1)
            stored, live = await _stored_and_live(matcher, job_id, CandidateFilter())
            assert _ranking(stored) == _ranking(live)
            assert learner not in {m.learner_id for m in stored.matches}
        finally:
            await store.write(
                "MATCH (l:Learner {id: $l})-[:HOLDS]->(c:Credential) "
                "SET c.verdict = c.verdictBefore, l.matchesStale = true REMOVE c.verdictBefore",
                {"l": learner},
            )
            await refresh_matches(store, c.match_policy())
        back = await store.read(
            "MATCH (:JobPosting {id: $j})<-[m:MATCHES]-(:Learner {id: $l}) RETURN count(m) AS n",
            {"j": job_id, "l": learner},
        )
        assert back[0]["n"] == 1

    _with(seeded, body)


def test_a_policy_change_ranks_live_then_rebuilds_every_posting(seeded: Seeded) -> None:
    async def body(c: Container) -> None:
        store = c.store
        default = c.match_policy()
        changed = replace(default, trust=replace(default.trust, unknown_issuer=0.9))
        assert policy_id(changed) != policy_id(default)
        job_ids = await _job_ids(store)
        matcher = Matcher(store, changed, 100, cache=None)
        try:
            job = await matcher.job(job_ids[0])
            assert job.stored_policy == policy_id(default)  # fresh, but for the old weights
            live = await matcher.candidates(job_ids[0], 100, None, CandidateFilter())
            done = await refresh_matches(store, changed)
            assert done.jobs == len(job_ids)
            job = await matcher.job(job_ids[0])
            assert job.stored_policy == policy_id(changed)
            stored = await matcher.candidates(job_ids[0], 100, None, CandidateFilter())
            assert _ranking(stored) == _ranking(live)
        finally:
            await refresh_matches(store, default)

    _with(seeded, body)


def test_refreshing_again_changes_nothing(seeded: Seeded) -> None:
    async def body(c: Container) -> None:
        store = c.store
        policy = c.match_policy()
        await refresh_matches(store, policy)
        assert await refresh_matches(store, policy) == MatchRefresh()
        job_id = (await _job_ids(store))[-1]
        table = (
            "MATCH (:JobPosting {id: $j})<-[m:MATCHES]-(l:Learner) "
            "RETURN l.id AS l, m.score AS s, m.met AS met, m.vscore AS vs, m.vmet AS vm, "
            "m.vcount AS vc ORDER BY l"
        )
        before = await store.read(table, {"j": job_id})
        rows = await refresh_job(store, job_id, policy)
        after = await store.read(table, {"j": job_id})
        assert rows == len(before) == len(after) > 0
        assert [(r["l"], r["met"], r["vm"], r["vc"]) for r in after] == [
            (r["l"], r["met"], r["vm"], r["vc"]) for r in before
        ]
        scores = [x for r in before for x in (r["s"], r["vs"])]
        assert [x for r in after for x in (r["s"], r["vs"])] == pytest.approx(scores)

    _with(seeded, body)


def test_a_credential_that_runs_out_stops_counting_at_the_next_refresh(seeded: Seeded) -> None:
    async def body(c: Container) -> None:
        store, matcher = c.store, _uncached(c)
        job_id = (await _job_ids(store))[0]
        page = await matcher.candidates(job_id, 1, None, CandidateFilter())
        top = page.matches[0]
        best = next(cov.evidence for cov in top.coverage if cov.evidence is not None)
        credential = best.credential_id
        old = await store.read(
            "MATCH (c:Credential {id: $c}) RETURN c.expiresAt AS e, c.verdict AS v, "
            "c.reasons AS r, c.checkedAt AS t",
            {"c": credential},
        )
        # Its validUntil is now in the past (as if time had passed since it was verified).
        await store.write("MATCH (c:Credential {id: $c}) SET c.expiresAt = 1", {"c": credential})
        try:
            done = await refresh_matches(store, c.match_policy())
            assert (done.expired, done.learners) == (1, 1)
            found = await store.read(
                "MATCH (c:Credential {id: $c}) RETURN c.verdict AS v, c.reasons AS r",
                {"c": credential},
            )
            assert found[0]["v"] == "expired"
            assert any(r.startswith("validity_period: expired at") for r in found[0]["r"])
            after = await matcher.candidates(job_id, 100, None, CandidateFilter())
            ours = next((m for m in after.matches if m.learner_id == top.learner_id), None)
            assert ours is None or credential not in {
                cov.evidence.credential_id for cov in ours.coverage if cov.evidence
            }
            stored, live = await _stored_and_live(matcher, job_id, CandidateFilter())
            assert _ranking(stored) == _ranking(live)
        finally:
            await store.write(
                "MATCH (l:Learner)-[:HOLDS]->(c:Credential {id: $c}) "
                "SET c.expiresAt = $o.e, c.verdict = $o.v, c.reasons = $o.r, c.checkedAt = $o.t, "
                "l.matchesStale = true",
                {"c": credential, "o": dict(old[0])},
            )
            await refresh_matches(store, c.match_policy())
        restored = await matcher.candidates(job_id, 1, None, CandidateFilter())
        assert _ranking(restored) == _ranking(page)

    _with(seeded, body)


def test_an_api_write_answers_first_and_the_table_catches_up(
    api: TestClient, seeded: Seeded
) -> None:
    key = seeded.keys["jobboard"]
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": "jb-table-1",
        "title": "Cloud Support Engineer",
        "hiringOrganization": {"name": "Acme"},
        "description": "<h3>Requirements</h3><ul><li>SQL for reporting</li>"
        "<li>Linux command line</li></ul>",
    }
    pushed = gql(api, key, "mutation($p: JSON!) { upsertJobPosting(jsonld: $p) { id } }", p=posting)
    assert "errors" not in pushed, pushed
    store = api.app.state.container.store  # type: ignore[attr-defined]
    fresh = policy_id(api.app.state.container.match_policy())  # type: ignore[attr-defined]
    state = (
        "MATCH (j:JobPosting {id: 'jb-table-1'}) RETURN j.matchesStale AS s, j.matchesPolicy AS p"
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = api.portal.call(store.read, state)[0]  # type: ignore[union-attr]
            if not row["s"] and row["p"] == fresh:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the background refresh did not finish: {row}")

        async def compare(c: Container) -> None:
            stored, live = await _stored_and_live(_uncached(c), "jb-table-1", CandidateFilter())
            assert stored.total > 0
            assert _ranking(stored) == _ranking(live)

        _with(seeded, compare)
    finally:
        gql(api, key, 'mutation { deleteJobPosting(id: "jb-table-1") }')


def test_a_key_left_behind_by_a_consent_race_is_never_served(seeded: Seeded) -> None:
    """A rebuild that read a learner's consent just before it was withdrawn writes a key in
    the discoverable range; the page check re-keys the learner and answers live."""

    async def body(c: Container) -> None:
        store, matcher = c.store, _uncached(c)
        job_id = (await _job_ids(store))[0]
        before = await matcher.candidates(job_id, 5, None, CandidateFilter())
        top = before.matches[0].learner_id
        # Consent withdrawn without the re-key (what the race leaves behind).
        await store.write("MATCH (l:Learner {id: $l}) SET l.discoverable = false", {"l": top})
        try:
            page = await matcher.candidates(job_id, 5, None, CandidateFilter())
            assert top not in {m.learner_id for m in page.matches}
            assert page.total == before.total - 1
            keys = await store.read(
                "MATCH (:Learner {id: $l})-[m:MATCHES]->() RETURN collect(m.rankKey) AS k",
                {"l": top},
            )
            assert keys[0]["k"] and all(k.startswith("0") for k in keys[0]["k"])
        finally:
            await set_discoverable(store, top, True)
            await refresh_matches(store, c.match_policy())
        again = await matcher.candidates(job_id, 5, None, CandidateFilter())
        assert _ranking(again) == _ranking(before)

    _with(seeded, body)

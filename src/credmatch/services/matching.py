"""Rank candidates, explain each match, report gaps and recommend gap-closing credentials.

Round trips per ``candidates`` call are fixed whatever the page size: the job with its links
and the graph version; one query for the ranked page (skipped when the page is cached for
this version) that reads the posting's match table when it is fresh and otherwise scores
every holder live; then evidence and names for the page's learners.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from credmatch.domain.cover import Holdings, Offer, Recommendation, recommend, score_gain
from credmatch.domain.model import (
    CONDITION,
    DUTY,
    REQUIREMENT_KINDS,
    SKILL,
    Evidence,
    Match,
    MatchPolicy,
    RequirementSpec,
)
from credmatch.domain.paging import (
    Page,
    check_first,
    decode_cursor,
    encode_cursor,
    keyset_page,
    scope_digest,
)
from credmatch.domain.scoring import score_candidate, trust_table
from credmatch.errors import InputError, NotFoundError
from credmatch.graph.queries import match as q
from credmatch.graph.queries import match_depth as dq
from credmatch.graph.queries import matches as mq
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import COUNTED_VERDICTS, policy_id
from credmatch.services.ranking_cache import RankingCache
from credmatch.services.records import SkillScore, issuer_record, ref, skill_score

log = logging.getLogger("credmatch.matching")

# Gap plans: an achievement closes a gap only when its similarity to it is within this much of
# the most similar achievement that closes it (domain.cover.recommend's ``margin``). Chosen by
# reasoning, not fitted: an achievement about the skill itself reaches similarity 1.0 (cosine
# at or above LINK_COSINE_FULL), a neighbouring skill's typically 0.6-0.85 (bench/match_quality
# tuning part), so 0.1 keeps near-equals and drops neighbours.
PLAN_RELEVANCE_MARGIN = 0.1
# ... and only when that similarity is at least this: below it an achievement is about a
# neighbouring skill, not the gap. Chosen on bench/match_quality.py's tuning part only: its
# recommendation precision was 0.874 at 0 and 0.6, 0.933 from 0.7 to 0.95 with the same share
# of closable gaps closed, and 1.0 closed fewer; the least restrictive best value is kept.
PLAN_MIN_SIMILARITY = 0.7


@dataclass(frozen=True)
class CandidateFilter:
    min_score: float = 0.0
    all_required_met: bool = False
    verified_only: bool = False
    issuers: tuple[str, ...] | None = None
    issued_after: str | None = None


@dataclass(frozen=True)
class RequirementView:
    spec: RequirementSpec
    kind: str
    section: str
    skills: tuple[SkillScore, ...]  # strongest first
    links: tuple[tuple[str, float], ...]  # (achievement id, similarity)
    parts: tuple[str, ...] = ()  # the sub-skills the statement lists (help it match)


@dataclass(frozen=True)
class JobView:
    id: str
    title: str
    organization: str | None
    description: str
    date_posted: str | None
    valid_through: str | None
    url: str | None
    requirements: tuple[RequirementView, ...]
    owner_id: str | None = None  # the organisation that owns the posting
    owner_name: str | None = None
    external_id: str | None = None  # the owner's own identifier for it
    # The match table's policy for this posting when it is fresh (no flagged posting or
    # learner), else None; and the graph version read with the posting.
    stored_policy: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class LearnerInfo:
    id: str
    display_name: str | None
    discoverable: bool


@dataclass
class CandidatePage:
    requirements: tuple[RequirementView, ...]
    matches: list[Match]
    total: int
    page: Page[str]  # learner ids
    learners: dict[str, LearnerInfo] = field(default_factory=dict)
    cursors: list[str] = field(default_factory=list)  # one per match, in order
    # The scores the database ranked by; equal to each Match.score (a test holds them to it).
    ranking_scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Standing:
    """One learner's match for one posting, and what it was computed from."""

    learner: LearnerInfo
    job: JobView
    match: Match


@dataclass
class GapReport:
    learner: LearnerInfo
    job: JobView
    match: Match
    recommendations: list[Recommendation]


def job_from_record(record: dict[str, Any]) -> JobView:
    job = record["job"]
    reqs = tuple(
        RequirementView(
            spec=RequirementSpec(
                id=r["id"],
                text=r["text"],
                weight=float(r["weight"]),
                required=bool(r["required"]),
                kind=_kind(r.get("kind")),
            ),
            kind=_kind(r.get("kind")),
            section=r.get("section") or "",
            skills=tuple(sorted(map(skill_score, r["skills"]), key=lambda s: -s.score)),
            links=tuple((x["achievement"], float(x["similarity"])) for x in r["links"]),
            parts=tuple(r.get("parts") or ()),
        )
        for r in record["requirements"]
    )
    return JobView(
        id=job["id"],
        title=job.get("title") or "",
        organization=job.get("organization"),
        description=job.get("description") or "",
        date_posted=job.get("datePosted"),
        valid_through=job.get("validThrough"),
        url=job.get("url"),
        requirements=reqs,
        owner_id=job.get("ownerId"),
        owner_name=record.get("ownerName"),
        external_id=job.get("externalId"),
        stored_policy=None if record.get("matchesStale", True) else record.get("matchesPolicy"),
        version=record.get("version"),
    )


def _kind(stored: Any) -> str:
    """A requirement's kind; requirements stored before kinds existed keep their old one
    ("responsibility" is a duty; "qualification" and the others were sorts of skill)."""
    if stored == "responsibility":
        return DUTY
    return stored if stored in REQUIREMENT_KINDS else SKILL


class Matcher:
    def __init__(
        self,
        store: GraphStore,
        policy: MatchPolicy,
        max_page: int = 100,
        cache: RankingCache | None = None,
    ) -> None:
        self._store = store
        self._policy = policy
        self._max_page = max_page
        self._cache = cache
        self._policy_id = policy_id(policy)

    @property
    def store(self) -> GraphStore:
        return self._store

    async def _ranked_page(
        self, query: str, params: dict[str, Any], version: int | None
    ) -> dict[str, Any]:
        """One page of the ranking, from the cache while the graph version is unchanged."""
        if self._cache is None:
            return (await self._store.read(query, params))[0]
        key = self._cache.key({"query": query, **params})
        if version is None:
            version = await self._store.version()
        row = self._cache.get(key, version)
        if row is None:
            row = (await self._store.read(query, params))[0]
            self._cache.put(key, version, row)
        return row

    def _stored(
        self, job: JobView | None, flt: CandidateFilter, learners: Sequence[str] | None
    ) -> bool:
        """Whether this ranking can be read from the match table: the posting's table is
        fresh and was made under this policy, and no filter needs the individual credentials."""
        return (
            job is not None
            and job.stored_policy == self._policy_id
            and learners is None
            and not flt.issuers
            and flt.issued_after is None
        )

    def policy(self, flt: CandidateFilter) -> MatchPolicy:
        return replace(
            self._policy, trust=replace(self._policy.trust, verified_only=flt.verified_only)
        )

    async def job(self, job_id: str) -> JobView:
        rows = await self._store.read(q.JOB_WITH_REQUIREMENTS, {"id": job_id})
        if not rows:
            raise NotFoundError(f"no job posting with id {job_id!r}")
        return job_from_record(rows[0])

    async def jobs(self, job_ids: Sequence[str]) -> list[JobView]:
        """The postings ``job_ids`` names, in that order, read in one round trip (a page of
        ``jobPostings``); an id with no posting raises NotFoundError."""
        rows = await self._store.read(q.JOBS_WITH_REQUIREMENTS, {"ids": list(job_ids)})
        found = {view.id: view for view in map(job_from_record, rows)}
        missing = [i for i in job_ids if i not in found]
        if missing:
            raise NotFoundError(f"no job posting with id {missing[0]!r}")
        return [found[i] for i in job_ids]

    async def candidates(
        self, job_id: str, first: int, after: str | None, flt: CandidateFilter
    ) -> CandidatePage:
        job = await self.job(job_id)
        return await self.rank(job.requirements, first, after, flt, job=job)

    def cursor_scope(
        self,
        flt: CandidateFilter,
        job: JobView | None,
        scope: dict[str, Any] | None,
        learners: Sequence[str] | None,
        consent_required: bool,
    ) -> str:
        """The digest a candidates cursor is bound to: what is ranked (the job, or the
        caller's ``scope`` such as a skill list), the filter, the policy and the learners."""
        return scope_digest(
            {
                "what": {"job": job.id} if job is not None else (scope or {}),
                "filter": [flt.min_score, flt.all_required_met, flt.verified_only,
                           list(flt.issuers or ()), flt.issued_after],
                "policy": self._policy_id,
                "consent": consent_required,
                "learners": list(learners) if learners is not None else None,
            }
        )  # fmt: skip

    async def rank(
        self,
        reqs: tuple[RequirementView, ...],
        first: int,
        after: str | None,
        flt: CandidateFilter,
        learners: Sequence[str] | None = None,
        consent_required: bool = True,
        job: JobView | None = None,
        scope: dict[str, Any] | None = None,
    ) -> CandidatePage:
        """Rank learners for ``reqs``: from the posting's match table when ``job`` is given
        and its table is usable (see ``_stored``), otherwise live over the evidence.

        ``after`` is a keyset cursor bound to the job (or ``scope``), filter and policy: the
        page holds the candidates ranked after the cursor's row in the current ranking."""
        policy = self.policy(flt)
        if not 0.0 <= flt.min_score <= 1.0:
            raise InputError(f"minScore is {flt.min_score}; it must be between 0 and 1")
        check_first(first, self._max_page)
        bound = self.cursor_scope(flt, job, scope, learners, consent_required)
        after_key = _after_key(decode_cursor(_KIND, bound, after)) if after is not None else ""
        specs = [r.spec for r in reqs]
        pairs = _pairs(reqs)
        total_weight = sum(s.weight for s in specs)
        if not pairs or total_weight <= 0:
            return CandidatePage(reqs, [], 0, keyset_page([], [], _KIND, bound, 0, 0), {})
        page_params = {
            "requiredTotal": sum(1 for s in specs if s.required),
            "minScore": flt.min_score,
            "allRequiredMet": flt.all_required_met,
            "after": after_key,
            "first": first,
            "consentRequired": consent_required,
        }
        row = None
        if job is not None and self._stored(job, flt, learners):
            row = await self._table_row(job, flt, page_params, consent_required)
        if row is None:
            live = {
                **page_params,
                **self._params(flt, learners, consent_required),
                "pairs": pairs,
                "trust": trust_table(policy),
                "weights": {s.id: s.weight for s in specs},
                "required": {s.id: s.required for s in specs},
                "totalWeight": total_weight,
                "gap": policy.gap_threshold,
            }
            version = job.version if job is not None else None
            row = await self._ranked_page(q.RANK_CANDIDATES, live, version)
        ids: list[str] = [r["learner"] for r in row["page"]]
        matches, names = await self._explain(specs, pairs, ids, flt, policy, consent_required)
        hidden = [i for i in ids if consent_required and not (i in names and names[i].discoverable)]
        if hidden and job is not None:
            # A table key written from a consent value read just before that consent changed
            # (a rebuild racing the change): re-key those learners, answer from the live ranking.
            log.warning("re-keying %d learners whose consent changed under a rebuild", len(hidden))
            await self._store.write(mq.REKEY_LEARNERS, {"ids": hidden})
            return await self.rank(
                reqs, first, after, flt, learners, consent_required, scope={"job": job.id}
            )
        before, total = int(row["before"]), int(row["total"])
        ranked = [_with_rank(m, before + i + 1) for i, m in enumerate(matches)]
        keys = [(r["key"],) for r in row["page"]]
        result = CandidatePage(
            reqs, ranked, total, keyset_page(ids, keys, _KIND, bound, before, total), names
        )
        result.cursors = [encode_cursor(_KIND, bound, k) for k in keys]
        result.ranking_scores = {r["learner"]: r["score"] for r in row["page"]}
        return result

    async def _table_row(
        self,
        job: JobView,
        flt: CandidateFilter,
        page_params: dict[str, Any],
        consent_required: bool,
    ) -> dict[str, Any] | None:
        """The page from the posting's match table, or None when the table cannot answer it
        (a table cut at ``table_depth`` and a page past its floor, or a filter whose rows may
        lie past it): the caller then ranks live."""
        depth = self._policy.table_depth
        if consent_required and not flt.all_required_met:
            keyed = {"job": job.id, "upper": rank_key_bound(flt.min_score),
                     "from": "1" + page_params["after"], "first": page_params["first"]}  # fmt: skip
            if not depth:
                query = mq.VERIFIED_RANKED_PAGE if flt.verified_only else mq.RANKED_PAGE
                return await self._ranked_page(query, keyed, job.version)
            query = dq.VERIFIED_RANKED_PAGE_TOP if flt.verified_only else dq.RANKED_PAGE_TOP
            row = await self._ranked_page(query, keyed, job.version)
            return bounded_page(row, page_params["first"])
        if depth:
            cut = await self._store.read(dq.TABLE_CUT, {"job": job.id})
            if cut and cut[0]["vcut" if flt.verified_only else "cut"]:
                return None
        stored = {**page_params, "job": job.id, "verifiedOnly": flt.verified_only}
        return await self._ranked_page(mq.RANK_FROM_MATCHES, stored, job.version)

    async def _explain(
        self,
        specs: list[RequirementSpec],
        pairs: list[dict[str, Any]],
        ids: list[str],
        flt: CandidateFilter,
        policy: MatchPolicy,
        consent_required: bool,
    ) -> tuple[list[Match], dict[str, LearnerInfo]]:
        if not ids:
            return [], {}
        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in pairs:
            links[p["achievement"]].append(p)
        params = {**self._params(flt, ids, consent_required), "links": links}
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for r in await self._store.read(q.EVIDENCE_DETAIL, params):
            evidence[r["learner"]].append(
                Evidence(
                    requirement_id=r["requirement"],
                    credential_id=r["credential"],
                    achievement_id=r["achievement"],
                    achievement_name=r["achievementName"] or "",
                    issuer_id=r["issuer"] or "",
                    issuer_name=r["issuerName"],
                    issuer_trusted=bool(r["trusted"]),
                    verdict=r["verdict"],
                    similarity=float(r["similarity"]),
                    valid_from=r["validFrom"],
                    valid_until=r["validUntil"],
                    issued=r["issued"],
                )
            )
        names = await self.learners(ids)
        return [score_candidate(i, specs, evidence.get(i, []), policy) for i in ids], names

    async def learners(self, ids: Sequence[str]) -> dict[str, LearnerInfo]:
        rows = await self._store.read(q.LEARNER_NAMES, {"ids": list(ids)})
        return {
            r["id"]: LearnerInfo(r["id"], r["displayName"], bool(r["discoverable"])) for r in rows
        }

    def _params(
        self,
        flt: CandidateFilter,
        learners: Sequence[str] | None,
        consent_required: bool,
    ) -> dict[str, Any]:
        """The credential and learner filters both the live ranking and the evidence use."""
        verdicts = ("verified",) if flt.verified_only else COUNTED_VERDICTS
        return {
            "verdicts": list(verdicts),
            "consentRequired": consent_required,
            "learners": list(learners) if learners is not None else None,
            "issuers": list(flt.issuers) if flt.issuers else None,
            "issuedAfter": flt.issued_after,
        }

    async def skill_gap(
        self,
        learner_id: str,
        job_id: str,
        consent_required: bool,
        max_recommendations: int | None = None,
        max_hours: float | None = None,
    ) -> GapReport:
        """The learner's match for the posting and a plan closing every gap the catalog can
        close (``domain.cover.recommend``), limited only by ``max_recommendations`` and
        ``max_hours``; each recommendation carries its score gain. Requirements of kind
        ``condition`` are never planned for."""
        standing = await self.standing(learner_id, job_id, consent_required)
        info, job, match = standing.learner, standing.job, standing.match
        policy = self.policy(CandidateFilter())
        specs = [r.spec for r in job.requirements]
        plannable = _plannable(job.requirements)
        gaps = [g for g in match.gaps if g.id in plannable]
        offers = await self._offers(job.requirements, gaps, learner_id)
        holdings = await self._holdings(learner_id, match)
        recs = recommend(
            gaps,
            offers,
            policy.gap_threshold,
            max_recommendations,
            max_hours=max_hours,
            trust=policy.trust,
            holdings=holdings,
            margin=PLAN_RELEVANCE_MARGIN,
            min_similarity=PLAN_MIN_SIMILARITY,
        )
        evidence = _counted_evidence(match)
        recs = [
            replace(r, score_gain=score_gain(learner_id, specs, evidence, policy, r.offer))
            for r in recs
        ]
        return GapReport(info, job, match, recs)

    async def standing(self, learner_id: str, job_id: str, consent_required: bool) -> Standing:
        """The learner's match for the posting (read now), without a plan: a learner who
        is unknown, or hidden when ``consent_required``, is NotFoundError."""
        info = (await self.learners([learner_id])).get(learner_id)
        if info is None or (consent_required and not info.discoverable):
            raise NotFoundError(f"no learner {learner_id!r} that you may see")
        job = await self.job(job_id)
        return Standing(info, job, await self.learner_match(learner_id, job))

    async def learner_match(self, learner_id: str, job: JobView) -> Match:
        """One learner's match for ``job`` under the default policy, from their evidence."""
        flt = CandidateFilter()
        matches, _ = await self._explain(
            [r.spec for r in job.requirements],
            _pairs(job.requirements),
            [learner_id],
            flt,
            self.policy(flt),
            consent_required=False,
        )
        return _with_rank(matches[0], 1)

    async def holdings(self, learner_id: str, match: Match | None = None) -> Holdings:
        """What the learner holds through counted credentials (see ``Holdings``); the
        per-requirement similarities come from ``match`` when given."""
        return await self._holdings(learner_id, match)

    async def _holdings(self, learner_id: str, match: Match | None) -> Holdings:
        """What the learner holds through counted credentials (see ``Holdings``)."""
        rows = await self._store.read(
            q.HOLDINGS, {"learner": learner_id, "verdicts": list(COUNTED_VERDICTS)}
        )
        similarity: dict[str, float] = {}
        for ev in _counted_evidence(match) if match is not None else ():
            similarity[ev.requirement_id] = max(similarity.get(ev.requirement_id, -1.0),
                                                ev.similarity)  # fmt: skip
        return Holdings(
            achievements=frozenset(r["achievement"] for r in rows),
            skills=frozenset(s for r in rows for s in r["skills"]),
            similarity=similarity,
            stack_targets=frozenset(t for r in rows for t in r["stacksInto"]),
        )

    async def _offers(
        self, reqs: tuple[RequirementView, ...], gaps: Sequence[RequirementSpec], learner_id: str
    ) -> list[Offer]:
        """Achievements linked to a gap, with their links to every plannable requirement."""
        gap_ids = {g.id for g in gaps}
        linked = {a for r in reqs if r.spec.id in gap_ids for a, _ in r.links}
        if not linked:
            return []
        plannable = _plannable(reqs)
        satisfies: dict[str, dict[str, float]] = defaultdict(dict)
        for r in reqs:
            if r.spec.id in plannable:
                for achievement, similarity in r.links:
                    if achievement in linked:
                        satisfies[achievement][r.spec.id] = similarity
        rows = await self._store.read(q.OFFERS, {"ids": sorted(linked), "learner": learner_id})
        return [
            offer_from_row(
                row,
                stacks_into=tuple(w["id"] for w in row["stacksInto"]),
                satisfies=satisfies[row["achievement"]["id"]],
            )
            for row in rows
        ]


def offer_from_row(
    row: dict[str, Any], stacks_into: tuple[str, ...], satisfies: dict[str, float]
) -> Offer:
    """A catalog offer from a row with ``achievement``, ``issuer`` and ``skills`` columns."""
    a, achievement, issuer = (
        row["achievement"],
        ref(row["achievement"]),
        issuer_record(row["issuer"]),
    )
    return Offer(
        achievement_id=achievement.id,
        name=achievement.name,
        issuer_id=issuer.id,
        issuer_name=issuer.name,
        credits=a.get("credits"),
        hours=a.get("hours"),
        stacks_into=stacks_into,
        satisfies=satisfies,
        issuer_trusted=issuer.trusted,
        skills=frozenset(row["skills"]),
    )


_KIND = "candidates"


def bounded_page(row: dict[str, Any], first: int) -> dict[str, Any] | None:
    """A page read from a table cut at its depth (queries/match_depth.py), or None when it
    would cross the floor. Its total is exact when every passing learner is within the
    table (``whole``); otherwise an estimate: the consented learners with evidence at the
    posting's last rebuild (exact until the next write; with minScore, an upper bound), and
    always more than the rows up to this page, since learners past the floor may pass (the
    next page, ranked live, tells)."""
    page, before = row["page"], int(row["before"])
    if row["whole"]:
        return {"total": int(row["counted"]), "before": before, "page": page}
    if len(page) < first:
        return None
    total = max(int(row["shown"]), before + len(page) + 1)
    return {"total": total, "before": before, "page": page}


def _after_key(key: tuple[str | int, ...]) -> str:
    if len(key) != 1 or not isinstance(key[0], str):
        raise InputError("argument `after` is not a candidates cursor")
    return key[0]


def rank_key_bound(min_score: float) -> str:
    """The exclusive upper bound of the rank keys (queries/matches.py) of discoverable learners
    whose round(score, 9) is at least ``min_score``."""
    least = max(0, math.ceil(min_score * 1e9 - 1e-6))  # the smallest passing score, in 1e-9
    return f"1{10**9 - least + 1:010d}"


def _pairs(reqs: Sequence[RequirementView]) -> list[dict[str, Any]]:
    return [
        {"requirement": r.spec.id, "achievement": a, "similarity": s}
        for r in reqs
        for a, s in r.links
    ]


def _plannable(reqs: Sequence[RequirementView]) -> set[str]:
    """Requirements a course can close: all but those of kind ``condition`` (licences,
    shifts, work authorisation...). A requirement without a kind is a skill."""
    return {r.spec.id for r in reqs if (r.kind or SKILL) != CONDITION}


def _counted_evidence(match: Match) -> list[Evidence]:
    """Every piece of evidence that counted in ``match`` (best and alternatives)."""
    return [
        ev
        for c in match.coverage
        for ev in ((c.evidence,) if c.evidence is not None else ()) + c.alternatives
    ]


def _with_rank(match: Match, rank: int) -> Match:
    return replace(match, rank=rank)


async def adhoc_requirements(
    store: GraphStore,
    skills: Sequence[str],
    vectors: Any,
    floor: float,
    full: float,
    k: int,
    evidence_floor: float = 0.0,
) -> tuple[RequirementView, ...]:
    """Requirements for a free list of skills: text via the vector index, URIs via alignments.

    ``vectors`` holds one embedding per skill (rows for URIs are ignored)."""
    views = []
    for i, skill in enumerate(skills):
        text = skill.strip()
        if text.startswith(("http://", "https://", "urn:")):
            found = {"uri": text, "evidenceFloor": evidence_floor}
            rows = await store.read(q.ACHIEVEMENTS_FOR_SKILL, found)
            label_rows = await store.read(q.SKILL_LABEL, {"uri": text})
            label = label_rows[0]["label"] if label_rows else text
        else:
            rows = await store.read(
                q.ACHIEVEMENTS_NEAR_TEXT,
                {
                    "vector": vectors[i].tolist(),
                    "k": k,
                    "floor": floor,
                    "full": full,
                    "evidenceFloor": evidence_floor,
                },
            )
            label = text
        views.append(
            RequirementView(
                spec=RequirementSpec(id=f"skill-{i + 1}", text=label, weight=1.0, required=True),
                kind="skill",
                section="requested skills",
                skills=(),
                links=tuple((r["achievement"], float(r["similarity"])) for r in rows),
            )
        )
    return tuple(views)

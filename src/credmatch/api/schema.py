"""The GraphQL schema: queries and mutations. Resolvers check the caller's role, call a
service and convert the result; they hold no logic of their own."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import strawberry
from graphql import GraphQLError

from credmatch import __version__
from credmatch.api import presentation_types as pt
from credmatch.api import types as t
from credmatch.api.auth import Grant, require
from credmatch.api.context import Info
from credmatch.api.errors import ErrorPolicy
from credmatch.api.inputs import CandidateFilterInput, JobPostingInput, to_filter, to_posting
from credmatch.api.limits import MAX_PAGE_SIZE, check_page_size
from credmatch.errors import InputError, NotFoundError
from credmatch.services import browse, privacy
from credmatch.services.challenges import issue_challenge
from credmatch.services.matching import adhoc_requirements
from credmatch.services.presentations import submit_presentation

MAX_SKILLS = 20
log = logging.getLogger("credmatch.api")


def _consent(grant: Grant) -> bool:
    """Whether the caller may only see learners who opted in (learners see themselves)."""
    return grant is Grant.DISCOVERABLE


@strawberry.type
class Query:
    @strawberry.field(description="Checks that Neo4j answers (GRAPH_UNAVAILABLE if not).")
    async def health(self, info: Info) -> t.Health:
        await info.context.container.store.ping()
        return t.Health(neo4j=True, version=__version__)

    @strawberry.field(description="The role and learner the API key belongs to.")
    def viewer(self, info: Info) -> t.Viewer:
        require(info.context.principal, "viewer")
        p = info.context.principal
        assert p is not None
        return t.Viewer(
            role=p.role.value,
            key_id=strawberry.ID(p.key_id),
            learner_id=strawberry.ID(p.learner_id) if p.learner_id else None,
        )

    @strawberry.field(description="Candidates ranked for a job posting, with evidence and gaps.")
    async def candidates(
        self,
        info: Info,
        job_id: strawberry.ID,
        first: int = 20,
        after: str | None = None,
        filter: CandidateFilterInput | None = None,
    ) -> t.MatchConnection:
        # Every role ranks consenting learners only: consent is about being discovered.
        require(info.context.principal, "candidates")
        ctx = info.context
        result = await ctx.matcher.candidates(
            str(job_id), check_page_size(first), after, to_filter(filter)
        )
        return t.connection(result, ctx.container.settings.gap_threshold)

    @strawberry.field(description="Candidates for an ad-hoc list of skills (text or skill URIs).")
    async def candidates_for_skills(
        self,
        info: Info,
        skills: list[str],
        first: int = 20,
        after: str | None = None,
        filter: CandidateFilterInput | None = None,
    ) -> t.MatchConnection:
        require(info.context.principal, "candidatesForSkills")
        cleaned = [s.strip() for s in skills if s.strip()]
        if not cleaned or len(cleaned) > MAX_SKILLS:
            raise InputError(f"skills: give between 1 and {MAX_SKILLS} non-empty skills")
        ctx = info.context
        s = ctx.container.settings
        vectors = await asyncio.to_thread(ctx.container.embedder().encode, cleaned)
        reqs = await adhoc_requirements(
            ctx.container.store,
            cleaned,
            vectors,
            s.link_cosine_floor,
            s.link_cosine_full,
            s.link_top_k,
        )
        result = await ctx.matcher.rank(reqs, check_page_size(first), after, to_filter(filter))
        return t.connection(result, s.gap_threshold)

    @strawberry.field(description="A learner's coverage of a job, gaps, and what would close them.")
    async def skill_gap(
        self, info: Info, learner_id: strawberry.ID, job_id: strawberry.ID
    ) -> t.GapReport:
        grant = require(info.context.principal, "skillGap", learner_id=str(learner_id))
        ctx = info.context
        report = await ctx.matcher.skill_gap(str(learner_id), str(job_id), _consent(grant))
        reqs = {str(r.id): r for r in (t.requirement(v) for v in report.job.requirements)}
        threshold = ctx.container.settings.gap_threshold
        ids = [r.offer.achievement_id for r in report.recommendations]
        found = await browse.achievements_by_id(ctx.container.store, ids)
        skills = await ctx.loaders.achievement_skills.load_many(ids)
        recs = [
            t.recommendation(r, t.achievement(found[r.offer.achievement_id], sk), reqs)
            for r, sk in zip(report.recommendations, skills, strict=True)
        ]
        m = t.match(report.match, reqs, report.learner, threshold)
        return t.GapReport(
            learner=m.learner,
            job=t.job_posting(report.job),
            score=m.score,
            coverage=m.coverage,
            gaps=m.gaps,
            recommendations=recs,
        )

    @strawberry.field(description="Job postings, optionally filtered by title or organisation.")
    async def job_postings(
        self, info: Info, first: int = 20, search: str | None = None
    ) -> list[t.JobPosting]:
        require(info.context.principal, "browse")
        ctx = info.context
        ids = await browse.posting_ids(ctx.container.store, search, check_page_size(first))
        jobs = await asyncio.gather(*(ctx.matcher.job(i) for i in ids))
        return [t.job_posting(j) for j in jobs]

    @strawberry.field
    async def job_posting(self, info: Info, id: strawberry.ID) -> t.JobPosting | None:
        require(info.context.principal, "browse")
        try:
            return t.job_posting(await info.context.matcher.job(str(id)))
        except NotFoundError:
            return None

    @strawberry.field(description="The achievement catalog: what issuers offer.")
    async def achievements(
        self,
        info: Info,
        first: int = 20,
        search: str | None = None,
        issuer_id: strawberry.ID | None = None,
    ) -> list[t.Achievement]:
        require(info.context.principal, "browse")
        ctx = info.context
        rows = await browse.achievements(
            ctx.container.store,
            search,
            str(issuer_id) if issuer_id else None,
            check_page_size(first),
        )
        skills = await ctx.loaders.achievement_skills.load_many(
            [r["achievement"]["id"] for r in rows]
        )
        return [t.achievement(r, sk) for r, sk in zip(rows, skills, strict=True)]

    @strawberry.field
    async def issuers(self, info: Info) -> list[t.Issuer]:
        require(info.context.principal, "browse")
        rows = await browse.issuers(info.context.container.store)
        return [
            t.Issuer(
                id=strawberry.ID(r["id"]),
                name=r["name"],
                trusted=r["trusted"],
                achievement_count=r["achievementCount"],
            )
            for r in rows
        ]

    @strawberry.field(description="Taxonomy skills whose labels match the text (full-text).")
    async def skills(self, info: Info, search: str, first: int = 10) -> list[t.SkillMatch]:
        require(info.context.principal, "browse")
        rows = await browse.skill_search(
            info.context.container.store, search, check_page_size(first)
        )
        return [
            t.SkillMatch(uri=r["uri"], label=r["label"], score=round(r["score"], 4)) for r in rows
        ]

    @strawberry.field(description="The taxonomy skills a text names, best first (semantic).")
    async def link_skills(self, info: Info, text: str, first: int = 5) -> list[t.SkillMatch]:
        require(info.context.principal, "linkSkills")
        linker = await info.context.container.skill_linker()
        if linker is None or not text.strip():
            return []
        found = await asyncio.to_thread(linker.link, [text], min(first, MAX_PAGE_SIZE))
        return [t.SkillMatch(uri=m.uri, label=m.label, score=round(m.score, 4)) for m in found[0]]

    @strawberry.field(
        description="A single-use challenge to sign a presentation over (no API key needed)."
    )
    async def presentation_challenge(self, info: Info) -> pt.PresentationChallenge:
        s = info.context.container.settings
        issued = await issue_challenge(info.context.container.store, s.domain, s.challenge_ttl_s)
        return pt.challenge(issued)

    @strawberry.field(description="A learner's profile: consent and credentials.")
    async def learner(self, info: Info, id: strawberry.ID) -> t.LearnerProfile | None:
        grant = require(info.context.principal, "learner", learner_id=str(id))
        row = await browse.learner_profile(info.context.container.store, str(id))
        if row is None or (_consent(grant) and not row["discoverable"]):
            return None
        return await _profile(info, row)


async def _profile(info: Info, row: dict[str, Any]) -> t.LearnerProfile:
    names = await browse.issuer_names(
        info.context.container.store, sorted({c["issuerId"] for c in row["credentials"]})
    )
    creds = [
        t.CredentialSummary(
            id=strawberry.ID(c["id"]),
            achievement=t.AchievementRef(
                id=strawberry.ID(c["achievementId"]),
                name=c["achievementName"] or c["achievementId"],
            ),
            issuer=t.IssuerRef(
                id=strawberry.ID(c["issuerId"]),
                name=names.get(c["issuerId"]),
                trusted=bool(c["issuerTrusted"]),
            ),
            verdict=c["verdict"],
            valid_from=c["validFrom"],
            valid_until=c["validUntil"],
        )
        for c in sorted(row["credentials"], key=lambda c: c["id"])
    ]
    return t.LearnerProfile(
        id=strawberry.ID(row["id"]),
        display_name=row["displayName"],
        discoverable=row["discoverable"],
        credentials=creds,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create or replace a job posting (fields or JSON-LD).")
    async def upsert_job_posting(
        self, info: Info, input: JobPostingInput | None = None, jsonld: t.JSON | None = None
    ) -> t.JobPosting:
        require(info.context.principal, "upsertJobPosting")
        ctx = info.context
        posting = to_posting(input, jsonld)
        await ctx.ingest.upsert_posting(posting)
        return t.job_posting(await ctx.matcher.job(posting.id))

    @strawberry.mutation
    async def delete_job_posting(self, info: Info, id: strawberry.ID) -> bool:
        require(info.context.principal, "deleteJobPosting")
        return await info.context.ingest.delete_posting(str(id))

    @strawberry.mutation(description="Verify credentials and load those that count.")
    async def ingest_credentials(self, info: Info, credentials: list[t.JSON]) -> t.IngestReport:
        require(info.context.principal, "ingestCredentials")
        results = await info.context.ingest.credentials(list(credentials))
        return t.ingest_report(results)

    @strawberry.mutation(
        description="A learner's own credentials, in a presentation they signed over our "
        "challenge (no API key needed); with issueKey, a learner key for them (shown once)."
    )
    async def submit_presentation(
        self, info: Info, presentation: t.JSON, issue_key: bool = False
    ) -> pt.PresentationReport:
        outcome = await submit_presentation(info.context.container, presentation, issue_key)
        return pt.presentation_report(outcome)

    @strawberry.mutation(description="Consent: whether recruiters may find this learner.")
    async def set_discoverable(
        self, info: Info, learner_id: strawberry.ID, discoverable: bool
    ) -> t.LearnerProfile:
        require(info.context.principal, "setDiscoverable", learner_id=str(learner_id))
        store = info.context.container.store
        await privacy.set_discoverable(store, str(learner_id), discoverable)
        info.context.container.refresh_soon()  # the change flagged the learner's table rows
        row = await browse.learner_profile(store, str(learner_id))
        assert row is not None
        return await _profile(info, row)

    @strawberry.mutation(description="Erase a learner and their credentials (right to erasure).")
    async def erase_learner(self, info: Info, learner_id: strawberry.ID) -> bool:
        require(info.context.principal, "eraseLearner", learner_id=str(learner_id))
        erased = await privacy.erase_learner(info.context.container.store, str(learner_id))
        if not erased:
            raise NotFoundError(f"no learner {learner_id!r}")
        return True


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # ErrorPolicy logs unexpected errors once, with a request id; refusals (FORBIDDEN,
        # limits, bad input) are the API working as intended and would only flood the log.
        for error in errors:
            log.debug("GraphQL error %s at %s", (error.extensions or {}).get("code"), error.path)


def build_schema(extensions: list[Any] | None = None) -> strawberry.Schema:
    return _Schema(query=Query, mutation=Mutation, extensions=[*(extensions or []), ErrorPolicy])

"""The GraphQL schema: queries and mutations. Resolvers check the caller's role, call a
service and convert the result; they hold no logic of their own."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError

from credmatch import __version__
from credmatch.api import events as ev
from credmatch.api import presentation_types as pt
from credmatch.api import types as t
from credmatch.api.auth import Grant, require
from credmatch.api.context import Info
from credmatch.api.errors import ErrorPolicy
from credmatch.api.inputs import CandidateFilterInput, JobPostingInput, to_filter, to_posting
from credmatch.api.limits import MAX_PAGE_SIZE, check_page_size
from credmatch.domain.principal import Principal
from credmatch.errors import InputError, NotFoundError
from credmatch.services import browse, privacy
from credmatch.services.challenges import issue_challenge
from credmatch.services.matching import JobView, adhoc_requirements
from credmatch.services.opportunities import learner_opportunities
from credmatch.services.presentations import submit_presentation
from credmatch.services.records import ProfileRecord
from credmatch.tenancy import (
    DEFAULT_ORG,
    check_org_write,
    logs_access,
    may_load_issuer,
    may_see,
    may_write,
    posting_not_found,
    posting_scope,
)

MAX_SKILLS = 20
log = logging.getLogger("credmatch.api")
# learnerOpportunities explains each returned posting from the evidence: a small bound.
MAX_OPPORTUNITIES = 20

FIRST = (
    f"How many to return: 0 to {MAX_PAGE_SIZE} (the page size limit). Page on with `after`: "
    "the `endCursor` of the previous page."
)
AFTER = (
    "A cursor from `pageInfo.endCursor` of the same query (same arguments); the page starts "
    "after that row. A cursor from another query is refused (BAD_INPUT)."
)


def _caller(info: Info) -> Principal:
    """The principal after require() let it through (require refuses requests without one)."""
    principal = info.context.principal
    assert principal is not None
    return principal


async def visible_job(info: Info, job_id: str) -> JobView:
    """The posting, if the caller may see it; another organisation's posting is NOT_FOUND,
    exactly like one that does not exist."""
    try:
        job = await info.context.matcher.job(job_id)
    except NotFoundError:
        raise posting_not_found(job_id) from None
    if not may_see(_caller(info), job.owner_id):
        raise posting_not_found(job_id)
    return job


def _log_access(info: Info, operation: str, job_id: str | None, learners: list[str]) -> None:
    principal = _caller(info)
    if logs_access(principal):
        info.context.container.access_log.record(principal, operation, job_id, learners)


def _consent(grant: Grant) -> bool:
    """Whether the caller may only see learners who opted in (learners see themselves)."""
    return grant is Grant.DISCOVERABLE


PARTIAL_RESULTS = (
    "Partial results: a root field about one record or input the caller names (a job, a "
    "learner, a list of skills, a posting) is nullable. When it fails on its own (NOT_FOUND, "
    "FORBIDDEN, BAD_INPUT), it is null and `errors` holds one error whose `path` is that field; "
    "the other root fields of the request still answer. The other root fields are non-null: an "
    "empty list means nothing matched, and they fail only with the whole request (no key, "
    "Neo4j unavailable) or when the key's role may not run them."
)
_NULL_WHEN = "Null, with an error for this field, when "


@strawberry.type(description="Reads. " + PARTIAL_RESULTS)
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

    @strawberry.field(
        description="Candidates ranked for one of your organisation's job postings, with "
        "evidence and gaps. Keyset-paged: see `after`. "
        + _NULL_WHEN
        + "the posting does not exist or is another organisation's (NOT_FOUND), or an "
        "argument is refused (BAD_INPUT)."
    )
    async def candidates(
        self,
        info: Info,
        job_id: strawberry.ID,
        first: Annotated[int, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        filter: CandidateFilterInput | None = None,
    ) -> t.MatchConnection | None:
        # Every role ranks consenting learners only: consent is about being discovered.
        require(info.context.principal, "candidates")
        ctx = info.context
        job = await visible_job(info, str(job_id))
        result = await ctx.matcher.rank(
            job.requirements, check_page_size(first), after, to_filter(filter), job=job
        )
        _log_access(info, "candidates", job.id, [m.learner_id for m in result.matches])
        return t.connection(result, ctx.container.settings.gap_threshold)

    @strawberry.field(
        description="Candidates for an ad-hoc list of skills (text or skill URIs); open to "
        "every recruiter and job board. Keyset-paged: see `after`. "
        + _NULL_WHEN
        + "the skills or another argument are refused (BAD_INPUT)."
    )
    async def candidates_for_skills(
        self,
        info: Info,
        skills: list[str],
        first: Annotated[int, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        filter: CandidateFilterInput | None = None,
    ) -> t.MatchConnection | None:
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
            s.evidence_floor,
        )
        result = await ctx.matcher.rank(
            reqs, check_page_size(first), after, to_filter(filter), scope={"skills": cleaned}
        )
        _log_access(info, "candidatesForSkills", None, [m.learner_id for m in result.matches])
        return t.connection(result, s.gap_threshold)

    @strawberry.field(
        description="A learner's coverage of a job, gaps, and a plan that closes every gap "
        "some catalog achievement can close (never one teaching only what the learner holds; "
        "trusted issuers, then fewer hours, then what the learner is on the way to first). "
        + _NULL_WHEN
        + "the learner or the posting is unknown or not visible to this key (NOT_FOUND), "
        "the key may not see this learner (FORBIDDEN), or a limit is negative (BAD_INPUT)."
    )
    async def skill_gap(
        self,
        info: Info,
        learner_id: strawberry.ID,
        job_id: strawberry.ID,
        max_recommendations: Annotated[
            int | None,
            strawberry.argument(
                description="At most this many recommendations (default: as many as it takes "
                "to close every gap the catalog can close)."
            ),
        ] = None,
        max_hours: Annotated[
            float | None,
            strawberry.argument(
                description="At most this many hours in all; achievements of unknown length "
                "are then left out (default: no limit)."
            ),
        ] = None,
    ) -> t.GapReport | None:
        grant = require(info.context.principal, "skillGap", learner_id=str(learner_id))
        ctx = info.context
        await visible_job(info, str(job_id))
        report = await ctx.matcher.skill_gap(
            str(learner_id), str(job_id), _consent(grant), max_recommendations, max_hours
        )
        _log_access(info, "skillGap", report.job.id, [report.learner.id])
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

    @strawberry.field(
        description="For one learner: the postings where they are closest (score and gaps, "
        "from the match table) and the one achievement that would close a required gap in "
        "the most of their postings. The learner's own view: a learner key for that learner, "
        "or an admin key; recruiters and job boards are refused (FORBIDDEN). "
        + _NULL_WHEN
        + "the learner is unknown (NOT_FOUND) or `first` is out of range (BAD_INPUT)."
    )
    async def learner_opportunities(
        self,
        info: Info,
        learner_id: strawberry.ID,
        first: Annotated[
            int, strawberry.argument(description=f"How many postings: 1 to {MAX_OPPORTUNITIES}.")
        ] = 10,
    ) -> t.LearnerOpportunities | None:
        require(info.context.principal, "learnerOpportunities", learner_id=str(learner_id))
        ctx = info.context
        found = await learner_opportunities(ctx.matcher, str(learner_id), first, MAX_OPPORTUNITIES)
        names = await ctx.matcher.learners([found.learner_id])
        return t.opportunities(found, names.get(found.learner_id))

    @strawberry.field(
        description="Job postings by title, optionally filtered by title or hiring "
        "organisation: your own organisation's postings (every posting for admin and "
        "learner keys)."
    )
    async def job_postings(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        search: str | None = None,
    ) -> t.JobPostingConnection:
        require(info.context.principal, "browse")
        ctx = info.context
        page, cursors, total = await browse.posting_page(
            ctx.container.store,
            search,
            posting_scope(_caller(info)),
            check_page_size(first),
            after,
            MAX_PAGE_SIZE,
        )
        jobs = [t.job_posting(j) for j in await ctx.matcher.jobs(page.items)]
        return t.JobPostingConnection(
            edges=[t.JobPostingEdge(cursor=c, node=j) for c, j in zip(cursors, jobs, strict=True)],
            nodes=jobs,
            total_count=total,
            page_info=t.page_info(page),
        )

    @strawberry.field(
        description="One job posting. "
        + _NULL_WHEN
        + "there is no such posting, or it is not one this key may see (NOT_FOUND)."
    )
    async def job_posting(self, info: Info, id: strawberry.ID) -> t.JobPosting | None:
        require(info.context.principal, "browse")
        return t.job_posting(await visible_job(info, str(id)))

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
        skills = await ctx.loaders.achievement_skills.load_many([a.id for a in rows])
        return [t.achievement(a, sk) for a, sk in zip(rows, skills, strict=True)]

    @strawberry.field
    async def issuers(self, info: Info) -> list[t.Issuer]:
        require(info.context.principal, "browse")
        return [t.issuer(i) for i in await browse.issuers(info.context.container.store)]

    webhooks: list[ev.Webhook] = strawberry.field(
        resolver=ev.webhooks,
        description="Your organisation's webhooks (job-board and admin keys; admin: all).",
    )
    webhook_deliveries: ev.WebhookDeliveryConnection | None = strawberry.field(
        resolver=ev.webhook_deliveries,
        description="One of your webhooks' deliveries, newest first, with their attempts. "
        + _NULL_WHEN
        + "the webhook does not exist or is another organisation's (NOT_FOUND).",
    )

    @strawberry.field(description="Taxonomy skills whose labels match the text (full-text).")
    async def skills(self, info: Info, search: str, first: int = 10) -> list[t.SkillMatch]:
        require(info.context.principal, "browse")
        rows = await browse.skill_search(
            info.context.container.store, search, check_page_size(first)
        )
        return [t.skill_match(r) for r in rows]

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

    @strawberry.field(
        description="A learner's profile: consent and credentials. "
        + _NULL_WHEN
        + "the learner is unknown or has not consented to be found (NOT_FOUND, the same "
        "answer for both), or the key may not see this learner (FORBIDDEN)."
    )
    async def learner(self, info: Info, id: strawberry.ID) -> t.LearnerProfile | None:
        grant = require(info.context.principal, "learner", learner_id=str(id))
        row = await browse.learner_profile(info.context.container.store, str(id))
        if row is None or (_consent(grant) and not row.discoverable):
            raise NotFoundError(f"no learner {str(id)!r} that you may see")
        return await _profile(info, row)


async def _profile(info: Info, row: ProfileRecord) -> t.LearnerProfile:
    issuers = sorted({c.issuer_id for c in row.credentials})
    return t.profile(row, await browse.issuer_names(info.context.container.store, issuers))


@strawberry.type(description="Writes. " + PARTIAL_RESULTS)
class Mutation:
    @strawberry.mutation(
        description="Create or replace one of your organisation's job postings (fields or "
        "JSON-LD), addressed by its external id (`input.externalId` or the JSON-LD "
        "`identifier`): another organisation's posting with the same external id is a "
        "separate posting. `organizationId` is for admin keys (default: 'default'); a job-board "
        "key naming another organisation is FORBIDDEN. "
        + _NULL_WHEN
        + "the posting is refused (BAD_INPUT) or the organisation is not yours (FORBIDDEN)."
    )
    async def upsert_job_posting(
        self,
        info: Info,
        input: JobPostingInput | None = None,
        jsonld: t.JSON | None = None,
        organization_id: strawberry.ID | None = None,
    ) -> t.JobPosting | None:
        require(info.context.principal, "upsertJobPosting")
        ctx = info.context
        principal = _caller(info)
        org = check_org_write(principal, str(organization_id or principal.org_id or DEFAULT_ORG))
        posting = to_posting(input, jsonld)
        graph_id = await ctx.ingest.upsert_posting(posting, org)
        return t.job_posting(await ctx.matcher.job(graph_id))

    @strawberry.mutation(
        description="Delete one of your organisation's postings. A posting that does not "
        "exist or that another organisation owns is NOT_FOUND (and stays as it is)."
    )
    async def delete_job_posting(self, info: Info, id: strawberry.ID) -> bool:
        require(info.context.principal, "deleteJobPosting")
        principal = _caller(info)
        try:
            owner = await info.context.ingest.posting_owner(str(id))
        except NotFoundError:
            raise posting_not_found(str(id)) from None
        if not may_write(principal, owner):
            raise posting_not_found(str(id))
        if not await info.context.ingest.delete_posting(str(id), principal.org_id):
            raise posting_not_found(str(id))
        return True

    @strawberry.mutation(
        description="Verify credentials and load those that count. An issuer key loads only "
        "credentials of the issuers it is bound to; the others get `refused: FORBIDDEN` and "
        "the rest of the batch still loads."
    )
    async def ingest_credentials(self, info: Info, credentials: list[t.JSON]) -> t.IngestReport:
        require(info.context.principal, "ingestCredentials")
        principal = _caller(info)
        results = await info.context.ingest.credentials(
            list(credentials), lambda issuer: may_load_issuer(principal, issuer)
        )
        return t.ingest_report(results)

    @strawberry.mutation(
        description="A learner's own credentials, in a presentation they signed over our "
        "challenge (no API key needed); with issueKey, a learner key for them (shown once). "
        + _NULL_WHEN
        + "the presentation itself is refused: its proof, challenge, domain or size "
        "(BAD_INPUT). A refused credential inside an accepted presentation is reported in "
        "`credentials`, not as an error."
    )
    async def submit_presentation(
        self, info: Info, presentation: t.JSON, issue_key: bool = False
    ) -> pt.PresentationReport | None:
        outcome = await submit_presentation(
            info.context.container.presentations(), presentation, issue_key
        )
        return pt.presentation_report(outcome)

    @strawberry.mutation(
        description="Consent: whether recruiters may find this learner. "
        + _NULL_WHEN
        + "the learner is unknown (NOT_FOUND) or not this key's (FORBIDDEN)."
    )
    async def set_discoverable(
        self, info: Info, learner_id: strawberry.ID, discoverable: bool
    ) -> t.LearnerProfile | None:
        require(info.context.principal, "setDiscoverable", learner_id=str(learner_id))
        container = info.context.container
        store = container.store
        await privacy.set_discoverable(
            store, str(learner_id), discoverable, container.event_options()
        )
        info.context.container.refresh_soon()  # the change flagged the learner's table rows
        row = await browse.learner_profile(store, str(learner_id))
        assert row is not None
        return await _profile(info, row)

    @strawberry.mutation(
        description="Erase a learner and their credentials (right to erasure). "
        + _NULL_WHEN
        + "the learner is unknown (NOT_FOUND) or not this key's (FORBIDDEN)."
    )
    async def erase_learner(self, info: Info, learner_id: strawberry.ID) -> bool | None:
        require(info.context.principal, "eraseLearner", learner_id=str(learner_id))
        erased = await privacy.erase_learner(info.context.container.store, str(learner_id))
        if not erased:
            raise NotFoundError(f"no learner {learner_id!r}")
        return True

    register_webhook: ev.WebhookRegistration | None = strawberry.mutation(
        resolver=ev.register_webhook,
        description="Tell a URL of yours when candidates reach (CANDIDATE_MATCHED) or drop "
        "below (CANDIDATE_UNMATCHED) `minScore` for your organisation's postings (or one, "
        "`jobId`). Deliveries are signed per Standard Webhooks with the returned secret and "
        "retried with backoff. The URL must be https and resolve to public addresses. "
        + _NULL_WHEN
        + "the URL, events, secret or score are refused (BAD_INPUT), the posting is not "
        "visible (NOT_FOUND) or the organisation is not yours (FORBIDDEN).",
    )
    delete_webhook: bool | None = strawberry.mutation(
        resolver=ev.delete_webhook,
        description="Delete one of your webhooks and its delivery log. "
        + _NULL_WHEN
        + "it does not exist or is another organisation's (NOT_FOUND).",
    )


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # ErrorPolicy logs unexpected errors once, with a request id; refusals (FORBIDDEN,
        # limits, bad input) are the API working as intended and would only flood the log.
        for error in errors:
            log.debug("GraphQL error %s at %s", (error.extensions or {}).get("code"), error.path)


def build_schema(extensions: list[Any] | None = None) -> strawberry.Schema:
    return _Schema(
        query=Query,
        mutation=Mutation,
        subscription=ev.Subscription,
        extensions=[*(extensions or []), ErrorPolicy],
    )

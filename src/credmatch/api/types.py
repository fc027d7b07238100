"""GraphQL output types and their construction from service results."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from credmatch.domain.cover import Recommendation as DomainRecommendation
from credmatch.domain.model import Coverage as DomainCoverage
from credmatch.domain.model import Evidence as DomainEvidence
from credmatch.domain.model import Match as DomainMatch
from credmatch.domain.paging import Page
from credmatch.services.api_ingest import CredentialResult
from credmatch.services.matching import CandidatePage, JobView, LearnerInfo, RequirementView
from credmatch.services.opportunities import DoorOpener as DomainDoorOpener
from credmatch.services.opportunities import Opportunities
from credmatch.services.records import (
    AchievementRecord,
    IssuerListing,
    IssuerRecord,
    ProfileRecord,
    Ref,
    SkillScore,
)

__all__ = ["JSON"]


@strawberry.type(description="Whether the API can reach its graph store.")
class Health:
    neo4j: bool
    version: str


@strawberry.type(description="Who the API key belongs to.")
class Viewer:
    role: str
    learner_id: strawberry.ID | None
    key_id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(page: Page[Any]) -> PageInfo:
    """The Relay PageInfo of a domain page."""
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.start_cursor,
        end_cursor=page.end_cursor,
    )


@strawberry.type
class SkillMatch:
    uri: str
    label: str
    score: float


@strawberry.enum(description="What a requirement is, which decides how it is matched.")
class RequirementKind(Enum):
    SKILL = strawberry.enum_value(
        "skill",
        description="Matched against credentials; a required one below the gap threshold is a gap.",
    )
    DUTY = strawberry.enum_value(
        "duty",
        description='What the job involves ("What you\'ll do"): matched at the duty '
        "weight, never required, never a gap.",
    )
    CONDITION = strawberry.enum_value(
        "condition",
        description="A condition of employment (a licence a regulator issues, a "
        "shift pattern, travel, work authorisation, location, years of experience): shown, "
        "never matched, never a gap, not in the score or allRequiredMet.",
    )


@strawberry.type(description="One statement of what a job needs, as the posting says it.")
class Requirement:
    id: strawberry.ID
    text: str
    kind: RequirementKind
    required: bool = strawberry.field(
        description="Counts toward allRequiredMet and requiredMet (never for duties and "
        "conditions)."
    )
    weight: float
    section: str
    parts: list[str] = strawberry.field(
        description="Sub-skills the statement lists and schema.org skills entries that name "
        "it: they help it match, they are not required items of their own."
    )
    skills: list[SkillMatch]


@strawberry.type
class AchievementRef:
    id: strawberry.ID
    name: str


@strawberry.type
class IssuerRef:
    id: strawberry.ID
    name: str | None
    trusted: bool


@strawberry.type(description="A credential behind a coverage value, and how far it is trusted.")
class Evidence:
    credential_id: strawberry.ID
    achievement: AchievementRef
    issuer: IssuerRef
    similarity: float = strawberry.field(
        description="requirement-achievement similarity, 0-1; at most "
        "CREDMATCH_OTHER_SKILL_SIMILARITY (0.3) when the requirement names a taxonomy skill "
        "and the achievement's issuer aligned it only to other skills"
    )
    trust: float = strawberry.field(description="weight of the verification verdict, 0-1")
    verdict: str
    valid_from: str | None
    valid_until: str | None
    issued: str | None


@strawberry.type
class Coverage:
    requirement: Requirement
    value: float = strawberry.field(description="best similarity × trust, 0-1")
    met: bool
    evidence: Evidence | None
    alternatives: list[Evidence]


@strawberry.type
class LearnerRef:
    id: strawberry.ID
    display_name: str | None


@strawberry.type(description="A candidate: score, rank, evidence per requirement and gaps.")
class Match:
    learner: LearnerRef
    score: float
    rank: int
    required_met: int
    required_total: int
    coverage: list[Coverage]
    gaps: list[Requirement]


@strawberry.type
class MatchEdge:
    cursor: str
    node: Match


@strawberry.type
class MatchConnection:
    edges: list[MatchEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many candidates pass the filter. Exact, except for a posting with "
        "more candidates than the match table keeps (CREDMATCH_MATCH_TABLE_DEPTH) whose page "
        "is read from the table while the filter reaches past it: then an estimate, the "
        "consented candidates with evidence at the posting's last table rebuild (an "
        "upper bound with minScore); pages past the table are ranked live and exact."
    )
    requirements: list[Requirement]


@strawberry.type(description="An organisation on the platform: owns job postings and API keys.")
class Organization:
    id: strawberry.ID
    name: str


@strawberry.type(description="A job posting, owned by the organisation that created it.")
class JobPosting:
    id: strawberry.ID = strawberry.field(description="Globally unique, opaque id.")
    external_id: strawberry.ID = strawberry.field(
        description="The owning organisation's own identifier (schema.org `identifier`); "
        "unique within that organisation only."
    )
    organization: Organization | None = strawberry.field(
        description="The organisation that owns the posting (null only for a posting loaded "
        "before organisations existed and not yet migrated by `credmatch init`)."
    )
    hiring_organization: str | None = strawberry.field(
        description="The employer the posting names (schema.org `hiringOrganization`)."
    )
    title: str
    description: str
    date_posted: str | None
    valid_through: str | None
    url: str | None
    requirements: list[Requirement]


@strawberry.type
class JobPostingEdge:
    cursor: str
    node: JobPosting


@strawberry.type(description="A page of job postings (Relay connection).")
class JobPostingConnection:
    edges: list[JobPostingEdge]
    nodes: list[JobPosting]
    page_info: PageInfo
    total_count: int


@strawberry.type(
    description="Reads of the learner's evidence by one organisation's key, for one operation "
    "and posting, within one window (an hour by default): how many, the first and the last."
)
class AccessEvent:
    at: datetime = strawberry.field(
        description="When the first of these reads happened (the same as firstAt).",
        deprecation_reason="Use firstAt (and lastAt, count).",
    )
    first_at: datetime = strawberry.field(description="When the first of these reads happened.")
    last_at: datetime = strawberry.field(description="When the last of these reads happened.")
    count: int = strawberry.field(description="How many reads (1 or more).")
    organization: Organization | None
    key_id: strawberry.ID
    operation: str = strawberry.field(description="candidates, candidatesForSkills or skillGap.")
    job_posting_id: strawberry.ID | None = strawberry.field(
        description="The posting ranked against (null for candidatesForSkills)."
    )


@strawberry.type
class AccessEventEdge:
    cursor: str
    node: AccessEvent


@strawberry.type(
    description="Who looked at a learner's evidence, by each event's first read, newest first."
)
class AccessEventConnection:
    edges: list[AccessEventEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class Achievement:
    id: strawberry.ID
    name: str
    description: str | None
    criteria: str | None
    achievement_type: str | None
    credits: float | None
    hours: float | None
    field_of_study: str | None
    issuer: IssuerRef
    stacks_into: list[AchievementRef]
    skills: list[SkillMatch]


@strawberry.type
class Issuer:
    id: strawberry.ID
    name: str | None
    trusted: bool
    achievement_count: int


@strawberry.type
class Recommendation:
    achievement: Achievement
    closes: list[Requirement] = strawberry.field(
        description="The gaps (required requirements) earning this achievement would close."
    )
    gap_weight_closed: float
    score_gain: float = strawberry.field(
        description="How much the learner's score for the posting would rise if they earned "
        "this achievement (alone), by the same scoring rules as the score itself."
    )


@strawberry.type
class GapReport:
    learner: LearnerRef
    job: JobPosting
    score: float
    coverage: list[Coverage]
    gaps: list[Requirement]
    recommendations: list[Recommendation]


@strawberry.type(description="A posting where the learner is among the closest to qualifying.")
class Opportunity:
    job: JobPosting
    score: float
    required_met: int
    required_total: int
    gaps: list[Requirement]


@strawberry.type(
    description="The one achievement that would close a required gap in the most of the "
    "learner's postings (a verified credential for it, from its issuer)."
)
class DoorOpener:
    achievement: AchievementRef
    issuer: IssuerRef
    hours: float | None
    credits: float | None
    posting_count: int = strawberry.field(description="How many postings it would open.")
    job_ids: list[strawberry.ID] = strawberry.field(description="Those postings, by id.")
    gaps_closed: int = strawberry.field(
        description="How many required gaps it would close across those postings."
    )


@strawberry.type
class LearnerOpportunities:
    learner: LearnerRef
    postings: list[Opportunity] = strawberry.field(
        description="Closest first: by score in the match table, then required met, then id."
    )
    best_next_achievement: DoorOpener | None = strawberry.field(
        description="Which single achievement opens the most doors; null when none would "
        "close a gap in any of the learner's postings."
    )


@strawberry.type
class CredentialSummary:
    id: strawberry.ID
    achievement: AchievementRef
    issuer: IssuerRef
    verdict: str
    valid_from: str | None
    valid_until: str | None


@strawberry.type
class LearnerProfile:
    id: strawberry.ID
    display_name: str | None
    discoverable: bool
    credentials: list[CredentialSummary]

    @strawberry.field(
        description="Which organisations read this learner's evidence (candidates, "
        "candidatesForSkills, skillGap) and when, newest first. Only the learner's own key "
        "(or admin) may read it. `first`: at most 100."
    )
    async def access_log(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> AccessEventConnection:
        from credmatch.api.access import access_log_page  # it builds these types

        return await access_log_page(info, str(self.id), first, after)


@strawberry.type
class CheckResult:
    name: str
    ok: bool | None
    detail: str


@strawberry.type
class VerificationResult:
    source: str
    id: str | None
    valid: bool
    verdict: str
    kind: str | None = strawberry.field(
        description="achievement, clr, endorsement or generic (any other W3C VC); "
        "null when the input is not a credential"
    )
    loaded: bool
    not_loaded_reason: str | None = strawberry.field(
        description="why the credential was not loaded: the failing check, or "
        "'not an achievement credential'; null when it was loaded"
    )
    checks: list[CheckResult]
    refused: str | None = strawberry.field(
        default=None,
        description="FORBIDDEN when the API key may not load this issuer's credentials (the "
        "rest of the batch still loads); null otherwise.",
    )
    refused_reason: str | None = None


@strawberry.type
class IngestReport:
    loaded: int
    rejected: int
    results: list[VerificationResult]


# --- construction ------------------------------------------------------------------------------


def requirement(view: RequirementView) -> Requirement:
    s = view.spec
    return Requirement(
        id=strawberry.ID(s.id),
        text=s.text,
        kind=RequirementKind(view.kind),
        required=s.required,
        weight=s.weight,
        section=view.section,
        parts=list(view.parts),
        skills=[skill_match(k) for k in view.skills],
    )


def job_posting(job: JobView) -> JobPosting:
    owner = (
        Organization(id=strawberry.ID(job.owner_id), name=job.owner_name or job.owner_id)
        if job.owner_id
        else None
    )
    return JobPosting(
        id=strawberry.ID(job.id),
        external_id=strawberry.ID(job.external_id or job.id),
        organization=owner,
        hiring_organization=job.organization,
        title=job.title,
        description=job.description,
        date_posted=job.date_posted,
        valid_through=job.valid_through,
        url=job.url,
        requirements=[requirement(r) for r in job.requirements],
    )


def evidence(ev: DomainEvidence) -> Evidence:
    return Evidence(
        credential_id=strawberry.ID(ev.credential_id),
        achievement=AchievementRef(id=strawberry.ID(ev.achievement_id), name=ev.achievement_name),
        issuer=IssuerRef(
            id=strawberry.ID(ev.issuer_id), name=ev.issuer_name, trusted=ev.issuer_trusted
        ),
        similarity=round(ev.similarity, 4),
        trust=ev.trust or 0.0,
        verdict=ev.verdict,
        valid_from=ev.valid_from,
        valid_until=ev.valid_until,
        issued=ev.issued,
    )


def coverage(cov: DomainCoverage, reqs: dict[str, Requirement], threshold: float) -> Coverage:
    return Coverage(
        requirement=reqs[cov.requirement.id],
        value=round(cov.value, 4),
        met=cov.value >= threshold,
        evidence=evidence(cov.evidence) if cov.evidence else None,
        alternatives=[evidence(e) for e in cov.alternatives],
    )


def learner_ref(learner_id: str, info: LearnerInfo | None) -> LearnerRef:
    return LearnerRef(
        id=strawberry.ID(learner_id), display_name=info.display_name if info else None
    )


def match(
    m: DomainMatch, reqs: dict[str, Requirement], info: LearnerInfo | None, threshold: float
) -> Match:
    return Match(
        learner=learner_ref(m.learner_id, info),
        score=round(m.score, 4),
        rank=m.rank,
        required_met=m.required_met,
        required_total=m.required_total,
        coverage=[coverage(c, reqs, threshold) for c in m.coverage],
        gaps=[reqs[g.id] for g in m.gaps],
    )


def connection(result: CandidatePage, threshold: float) -> MatchConnection:
    reqs = [requirement(r) for r in result.requirements]
    by_id = {str(r.id): r for r in reqs}
    edges = [
        MatchEdge(
            cursor=cursor,
            node=match(m, by_id, result.learners.get(m.learner_id), threshold),
        )
        for m, cursor in zip(result.matches, result.cursors, strict=True)
    ]
    p = result.page
    return MatchConnection(
        edges=edges,
        total_count=result.total,
        requirements=reqs,
        page_info=page_info(p),
    )


def skill_match(s: SkillScore) -> SkillMatch:
    return SkillMatch(uri=s.uri, label=s.label, score=round(s.score, 4))


def achievement_ref(a: Ref) -> AchievementRef:
    return AchievementRef(id=strawberry.ID(a.id), name=a.name)


def issuer_ref(i: IssuerRecord) -> IssuerRef:
    return IssuerRef(id=strawberry.ID(i.id), name=i.name, trusted=i.trusted)


def achievement(a: AchievementRecord, skills: list[SkillMatch]) -> Achievement:
    return Achievement(
        id=strawberry.ID(a.id),
        name=a.name,
        description=a.description,
        criteria=a.criteria,
        achievement_type=a.achievement_type,
        credits=a.credits,
        hours=a.hours,
        field_of_study=a.field_of_study,
        issuer=issuer_ref(a.issuer),
        stacks_into=[achievement_ref(w) for w in a.stacks_into],
        skills=skills,
    )


def issuer(i: IssuerListing) -> Issuer:
    return Issuer(
        id=strawberry.ID(i.id),
        name=i.name,
        trusted=i.trusted,
        achievement_count=i.achievement_count,
    )


def profile(p: ProfileRecord, issuer_names: dict[str, str | None]) -> LearnerProfile:
    creds = [
        CredentialSummary(
            id=strawberry.ID(c.id),
            achievement=achievement_ref(c.achievement),
            issuer=IssuerRef(
                id=strawberry.ID(c.issuer_id),
                name=issuer_names.get(c.issuer_id),
                trusted=c.issuer_trusted,
            ),
            verdict=c.verdict,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
        )
        for c in p.credentials
    ]
    return LearnerProfile(
        id=strawberry.ID(p.id),
        display_name=p.display_name,
        discoverable=p.discoverable,
        credentials=creds,
    )


def recommendation(
    rec: DomainRecommendation, ach: Achievement, reqs: dict[str, Requirement]
) -> Recommendation:
    return Recommendation(
        achievement=ach,
        closes=[reqs[r.id] for r in rec.closes],
        gap_weight_closed=round(rec.gap_weight_closed, 4),
        score_gain=round(rec.score_gain, 4),
    )


def opportunities(found: Opportunities, info: LearnerInfo | None) -> LearnerOpportunities:
    postings = []
    for o in found.postings:
        reqs = {str(r.id): r for r in (requirement(v) for v in o.job.requirements)}
        postings.append(
            Opportunity(
                job=job_posting(o.job),
                score=round(o.match.score, 4),
                required_met=o.match.required_met,
                required_total=o.match.required_total,
                gaps=[reqs[g.id] for g in o.match.gaps],
            )
        )
    return LearnerOpportunities(
        learner=learner_ref(found.learner_id, info),
        postings=postings,
        best_next_achievement=door_opener(found.door_opener),
    )


def door_opener(d: DomainDoorOpener | None) -> DoorOpener | None:
    if d is None:
        return None
    return DoorOpener(
        achievement=achievement_ref(d.achievement),
        issuer=issuer_ref(d.issuer),
        hours=d.hours,
        credits=d.credits,
        posting_count=len(d.job_ids),
        job_ids=[strawberry.ID(j) for j in d.job_ids],
        gaps_closed=d.gaps_closed,
    )


def ingest_report(results: list[CredentialResult]) -> IngestReport:
    out = [
        VerificationResult(
            source=r.report.source,
            id=r.report.id,
            valid=r.report.valid,
            verdict=r.verdict,
            kind=r.report.kind,
            loaded=r.loaded,
            not_loaded_reason=r.reason,
            checks=[CheckResult(name=c.name, ok=c.ok, detail=c.detail) for c in r.report.checks],
            refused="FORBIDDEN" if r.refused else None,
            refused_reason=r.refused,
        )
        for r in results
    ]
    loaded = sum(1 for r in results if r.loaded)
    return IngestReport(loaded=loaded, rejected=len(results) - loaded, results=out)

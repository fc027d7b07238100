"""GraphQL types and resolvers for match events: webhooks (queries and mutations, attached
in api/schema.py) and the ``candidateMatched`` subscription."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from enum import Enum
from typing import Annotated

import strawberry
from graphql import GraphQLError

from credmatch.api import types as t
from credmatch.api.auth import require
from credmatch.api.context import Info
from credmatch.api.limits import check_page_size
from credmatch.domain.events import ScoreChange, crossing
from credmatch.domain.principal import Principal, Role
from credmatch.errors import CredmatchError, InputError
from credmatch.services.matching import JobView
from credmatch.services.records import DeliveryRecord, WebhookRecord
from credmatch.services.webhooks import Registration, Webhooks
from credmatch.tenancy import DEFAULT_ORG, check_org_write, logs_access


@strawberry.enum(description="What a webhook is told about.")
class WebhookEvent(Enum):
    CANDIDATE_MATCHED = "CANDIDATE_MATCHED"
    CANDIDATE_UNMATCHED = "CANDIDATE_UNMATCHED"


@strawberry.enum(description="MATCHED: reached the threshold; UNMATCHED: dropped below it.")
class CandidateEventType(Enum):
    MATCHED = "MATCHED"
    UNMATCHED = "UNMATCHED"


@strawberry.enum
class DeliveryStatus(Enum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.type(description="A URL told (signed, Standard Webhooks) when candidates match.")
class Webhook:
    id: strawberry.ID
    url: str
    events: list[WebhookEvent]
    min_score: float = strawberry.field(description="The score a candidate must reach.")
    job_id: strawberry.ID | None = strawberry.field(
        description="Only this posting's events (null: every posting of the organisation)."
    )
    organization_id: strawberry.ID
    created_at: str


@strawberry.type
class WebhookRegistration:
    webhook: Webhook
    secret: str = strawberry.field(
        description="The signing secret (whsec_...). Shown only here: store it now."
    )


@strawberry.type(description="One event sent (or being sent) to a webhook, with its attempts.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="The `webhook-id` header (same on retries).")
    type: WebhookEvent
    job_id: strawberry.ID
    learner_id: strawberry.ID
    score: float | None
    previous_score: float | None
    created_at: str = strawberry.field(description="The event's time (the body's timestamp).")
    status: DeliveryStatus
    attempts: int
    next_attempt_at: float | None = strawberry.field(description="Epoch seconds, when pending.")
    last_attempt_at: str | None
    last_response_status: int | None
    last_error: str | None
    delivered_at: str | None
    history: list[str] = strawberry.field(
        description="The latest attempts: 'time HTTP-status outcome', oldest first."
    )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type(description="A webhook's deliveries, newest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: t.PageInfo
    total_count: int


@strawberry.type(description="A candidate crossed the subscription's minimum score.")
class CandidateEvent:
    type: CandidateEventType
    job_id: strawberry.ID
    learner_id: strawberry.ID
    score: float | None = strawberry.field(description="The new score (null: no evidence left).")
    previous_score: float | None
    match: t.Match | None = strawberry.field(
        description="The candidate as `candidates` shows them (null when no longer ranked)."
    )


# --- webhooks -----------------------------------------------------------------------------------


def _service(info: Info) -> Webhooks:
    container = info.context.container
    return Webhooks(container.store, container.settings)


def _scope(info: Info) -> str | None:
    """Whose webhooks the caller manages: its organisation's; every one for admin keys."""
    principal = _principal(info)
    return None if principal.role is Role.ADMIN else principal.org_id or ""


def _principal(info: Info) -> Principal:
    principal = info.context.principal
    assert principal is not None  # require() refused requests without one
    return principal


def _webhook(w: WebhookRecord) -> Webhook:
    return Webhook(
        id=strawberry.ID(w.id),
        url=w.url,
        events=[WebhookEvent(e) for e in w.events],
        min_score=w.min_score,
        job_id=strawberry.ID(w.job_id) if w.job_id else None,
        organization_id=strawberry.ID(w.org_id),
        created_at=w.created_at,
    )


async def register_webhook(
    info: Info,
    url: str,
    events: list[WebhookEvent],
    secret: Annotated[
        str | None,
        strawberry.argument(description="A whsec_ secret of your own; omitted: one is made."),
    ] = None,
    min_score: Annotated[
        float | None,
        strawberry.argument(description="Default: the operator's CREDMATCH_WEBHOOK_MIN_SCORE."),
    ] = None,
    job_id: strawberry.ID | None = None,
    organization_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="For admin keys.")
    ] = None,
) -> WebhookRegistration | None:
    require(info.context.principal, "webhooks")
    principal = _principal(info)
    org = check_org_write(principal, str(organization_id or principal.org_id or DEFAULT_ORG))
    if job_id is not None:
        await _own_job(info, str(job_id), org)
    settings = info.context.container.settings
    reg = Registration(
        url=url,
        events=[e.value for e in events],
        min_score=settings.webhook_min_score if min_score is None else min_score,
        job_id=str(job_id) if job_id is not None else None,
        secret=secret,
    )
    record, made = await _service(info).register(org, reg)
    return WebhookRegistration(webhook=_webhook(record), secret=made)


async def _own_job(info: Info, job_id: str, org: str) -> JobView:
    from credmatch.api.schema import visible_job

    job = await visible_job(info, job_id)
    if job.owner_id != org:
        raise InputError(f"jobId: posting {job_id!r} belongs to another organisation")
    return job


async def delete_webhook(info: Info, id: strawberry.ID) -> bool:
    require(info.context.principal, "webhooks")
    await _service(info).delete(_scope(info), str(id))
    return True


async def webhooks(info: Info) -> list[Webhook]:
    require(info.context.principal, "webhooks")
    return [_webhook(r) for r in await _service(info).all(_scope(info))]


async def webhook_deliveries(
    info: Info,
    webhook_id: strawberry.ID,
    first: int = 20,
    after: Annotated[
        str | None, strawberry.argument(description="`pageInfo.endCursor` of the last page.")
    ] = None,
) -> WebhookDeliveryConnection | None:
    require(info.context.principal, "webhooks")
    key = _decode_cursor(after) if after is not None else None
    total, page, more = await _service(info).deliveries(
        _scope(info), str(webhook_id), check_page_size(first), key
    )
    edges = [WebhookDeliveryEdge(cursor=_cursor(d.key), node=_delivery(d)) for d in page]
    return WebhookDeliveryConnection(
        edges=edges,
        page_info=t.PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def _cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode_cursor(cursor: str) -> str:
    try:
        key = base64.urlsafe_b64decode(cursor.encode()).decode()
    except ValueError as e:
        raise InputError("after: not a cursor of webhookDeliveries") from e
    if "|msg_" not in key:
        raise InputError("after: not a cursor of webhookDeliveries")
    return key


def _delivery(d: DeliveryRecord) -> WebhookDelivery:
    return WebhookDelivery(
        id=strawberry.ID(d.id),
        type=WebhookEvent(d.type),
        job_id=strawberry.ID(d.job_id),
        learner_id=strawberry.ID(d.learner_id),
        score=d.score,
        previous_score=d.previous_score,
        created_at=d.created_at,
        status=DeliveryStatus(d.status),
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
        last_attempt_at=d.last_attempt_at,
        last_response_status=d.last_response_status,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        history=list(d.history),
    )


# --- the subscription ---------------------------------------------------------------------------


@strawberry.type(
    description="Live events over graphql-transport-ws (authenticate in `connection_init`: "
    '{"Authorization": "Bearer cm_..."}).'
)
class Subscription:
    @strawberry.subscription(
        description="Candidates who reach `minScore` for one of your organisation's postings "
        "(MATCHED) or drop below it (UNMATCHED), as the match table is refreshed after a "
        "write. Only learners who consented to be discovered. Live only: events while no "
        "subscription is open are not replayed (use a webhook for that). A posting that does "
        "not exist or is another organisation's is NOT_FOUND."
    )
    async def candidate_matched(
        self,
        info: Info,
        job_id: strawberry.ID,
        min_score: Annotated[
            float | None,
            strawberry.argument(description="Default: CREDMATCH_WEBHOOK_MIN_SCORE."),
        ] = None,
    ) -> AsyncGenerator[CandidateEvent, None]:
        from credmatch.api.schema import visible_job

        container = info.context.container
        threshold = container.settings.webhook_min_score if min_score is None else min_score
        try:  # the error policy extension does not see subscriptions: the code is set here
            require(info.context.principal, "candidateMatched")
            if not 0 <= threshold <= 1:
                raise InputError(f"minScore: {threshold} is not between 0 and 1")
            job = await visible_job(info, str(job_id))
        except CredmatchError as e:
            raise GraphQLError(str(e), extensions={"code": e.code}) from e
        async with container.events.listen() as queue:
            while True:
                change = await queue.get()
                kind = crossing(change, threshold) if change.job_id == job.id else None
                if kind is not None:
                    yield await _event(info, job, change, CandidateEventType(kind))


async def _event(
    info: Info, job: JobView, change: ScoreChange, kind: CandidateEventType
) -> CandidateEvent:
    match = None
    if kind is CandidateEventType.MATCHED:
        match = await _match(info, job, change.learner_id)
    return CandidateEvent(
        type=kind,
        job_id=strawberry.ID(change.job_id),
        learner_id=strawberry.ID(change.learner_id),
        score=change.new,
        previous_score=change.old,
        match=match,
    )


async def _match(info: Info, job: JobView, learner_id: str) -> t.Match | None:
    ctx = info.context
    try:
        report = await ctx.matcher.standing(learner_id, job.id, True)
    except CredmatchError:
        return None  # consent withdrawn or learner erased since the event
    principal = _principal(info)
    if logs_access(principal):
        ctx.container.access_log.record(principal, "candidateMatched", job.id, [learner_id])
    reqs = {str(r.id): r for r in (t.requirement(v) for v in report.job.requirements)}
    return t.match(report.match, reqs, report.learner, ctx.container.settings.gap_threshold)

"""GraphQL types for learner-held credentials: challenges and presentation reports."""

from __future__ import annotations

import strawberry

from credmatch.api.types import VerificationResult, ingest_report
from credmatch.services.challenges import Challenge
from credmatch.services.presentations import PresentationOutcome


@strawberry.type(description="A single-use challenge: sign a presentation over it and domain.")
class PresentationChallenge:
    challenge: str
    domain: str
    expires_at: str = strawberry.field(description="ISO 8601, UTC")


@strawberry.type(description="A new API key. The token is shown once: store it now.")
class NewApiKey:
    id: strawberry.ID
    role: str
    learner_id: strawberry.ID | None
    token: str


@strawberry.type(description="What a presentation proved and loaded, one result per credential.")
class PresentationReport:
    learner_id: strawberry.ID = strawberry.field(description="the holder, proven by the proof")
    loaded: int
    rejected: int
    results: list[VerificationResult]
    api_key: NewApiKey | None = strawberry.field(
        description="a learner key for the holder, when issueKey was true"
    )


def challenge(c: Challenge) -> PresentationChallenge:
    return PresentationChallenge(
        challenge=c.value,
        domain=c.domain,
        expires_at=c.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
    )


def presentation_report(outcome: PresentationOutcome) -> PresentationReport:
    report = ingest_report(outcome.results)
    key = None
    if outcome.key is not None:
        info = outcome.key.info
        key = NewApiKey(
            id=strawberry.ID(info.id),
            role=info.role.value,
            learner_id=strawberry.ID(info.learner_id) if info.learner_id else None,
            token=outcome.key.token,
        )
    return PresentationReport(
        learner_id=strawberry.ID(outcome.learner_id),
        loaded=report.loaded,
        rejected=report.rejected,
        results=report.results,
        api_key=key,
    )

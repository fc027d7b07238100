"""Learners bring their own credentials: a presentation signed by the holder over our
challenge loads the credentials about that holder, and may sign them in (a learner key)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from credmatch.credentials.model import Report, is_valid
from credmatch.credentials.presentation import (
    PresentationLimits,
    PresentationResult,
    PresentationVerifier,
)
from credmatch.credentials.verify import Verifier
from credmatch.domain.principal import Role
from credmatch.errors import GraphError, InputError
from credmatch.graph.queries import presentations as q
from credmatch.graph.store import GraphStore
from credmatch.services.api_ingest import CredentialResult
from credmatch.services.api_keys import IssuedKey, KeyService
from credmatch.services.challenges import consume_challenge
from credmatch.services.credential_ids import refuse_taken
from credmatch.services.credentials import CredentialLoader, reject_reason
from credmatch.services.rows import graph_verdict
from credmatch.services.scheduling import Relinker

SIGN_IN_LABEL = "signed in with a presentation"
BINDING_CHECKS = ("holder", "credential_id")  # about this presentation, not the credential
log = logging.getLogger("credmatch.presentations")


class PresentationRefusedError(InputError):
    """The presentation itself fails: nothing from it was loaded."""


@dataclass(frozen=True)
class PresentationOutcome:
    learner_id: str
    results: list[CredentialResult]
    key: IssuedKey | None


@dataclass(frozen=True)
class PresentationDeps:
    """What the presentation services use."""

    store: GraphStore
    verifier: Verifier
    limits: PresentationLimits
    domain: str  # this verifier's domain: a submitted presentation must be bound to it
    links: Relinker


def presentation_verifier(deps: PresentationDeps) -> PresentationVerifier:
    return PresentationVerifier(deps.verifier, deps.limits)


async def check_presentation(
    deps: PresentationDeps, presentation: Any, domain: str | None, challenge: str | None
) -> PresentationResult:
    """Verify without loading anything (the VC-API verifier): every credential is reported."""
    verifier = presentation_verifier(deps)
    return await asyncio.to_thread(
        verifier.verify, presentation, domain, challenge, credentials_on_failure=True
    )


async def check_credential(verifier: Verifier, credential: Any) -> list[Report]:
    """``credmatch verify`` on one credential (a CLR adds a report per nested credential)."""
    return await asyncio.to_thread(verifier.verify, credential, "verifiableCredential")


async def submit_presentation(
    deps: PresentationDeps, presentation: Any, issue_key: bool = False
) -> PresentationOutcome:
    """Verify, use up the challenge, load the holder's counting credentials, maybe issue a key.

    PresentationRefusedError (nothing loaded) when the presentation or its challenge fails;
    credentials that fail, or are about someone else, are reported and skipped."""
    verifier = presentation_verifier(deps)
    result = await asyncio.to_thread(verifier.verify, presentation, deps.domain)
    failure = result.failure()
    if failure is not None or result.holder is None or result.challenge is None:
        detail = failure.detail if failure is not None else "no holder or challenge"
        name = failure.name if failure is not None else "format"
        raise PresentationRefusedError(f"presentation refused ({name}): {detail}")
    store = deps.store
    await consume_challenge(store, result.challenge, deps.domain)
    await store.write(q.ENSURE_LEARNER, {"id": result.holder}, bump=False)
    bound = [r for r in result.reports if _holder_ok(r)]
    reports = await refuse_taken(store, list(result.reports), bound)
    results = await _load(deps, reports)
    key = None
    if issue_key:
        key = await KeyService(store).create(
            Role.LEARNER, learner_id=result.holder, label=SIGN_IN_LABEL
        )
    return PresentationOutcome(learner_id=result.holder, results=results, key=key)


def _loadable(report: Report) -> bool:
    return _holder_ok(report) and report.check("credential_id") is None


async def _load(deps: PresentationDeps, reports: list[Report]) -> list[CredentialResult]:
    bound = [r for r in reports if _loadable(r)]
    summary = await CredentialLoader(deps.store).load(bound)
    if summary.error:
        raise InputError(summary.error)
    if summary.loaded:
        await _relink(deps.links)
    return [_result(r) for r in reports]


def _holder_ok(report: Report) -> bool:
    check = report.check("holder")
    return check is not None and check.ok is True


def _result(report: Report) -> CredentialResult:
    # The verdict is the credential's own; a credential about someone else keeps it, is not
    # valid here, and is not loaded (its failed ``holder`` check says why).
    checks = tuple(c for c in report.checks if c.name not in BINDING_CHECKS)
    own = replace(report, checks=checks, valid=is_valid(checks, strict=False))
    reason = reject_reason(report)
    if reason is None and not _loadable(report):  # about someone else, or a taken id
        reason = "holder" if not _holder_ok(report) else "credential_id"
    return CredentialResult(report=report, verdict=graph_verdict(own), reason=reason)


async def _relink(links: Relinker) -> None:
    """Embed and link what the load added, then refresh the match table in the background
    (as ``ingestCredentials`` does); a failed link is finished by the next write."""
    try:
        await links.relink(matches=False)
    except GraphError as e:
        log.warning("linking deferred to the next write or `credmatch link`: %s", e)
    links.refresh_soon()

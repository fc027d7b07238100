"""Learners bring their own credentials: a presentation signed by the holder over our
challenge loads the credentials about that holder, and may sign them in (a learner key)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from credmatch.bootstrap import Container
from credmatch.credentials.model import Report, is_valid
from credmatch.credentials.presentation import (
    PresentationLimits,
    PresentationResult,
    PresentationVerifier,
)
from credmatch.errors import GraphError, InputError
from credmatch.graph.queries import presentations as q
from credmatch.keys import IssuedKey, KeyService, Role
from credmatch.services.api_ingest import CredentialResult
from credmatch.services.challenges import consume_challenge
from credmatch.services.credential_ids import refuse_taken
from credmatch.services.credentials import CredentialLoader, reject_reason
from credmatch.services.rows import graph_verdict

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


def presentation_verifier(container: Container) -> PresentationVerifier:
    s = container.settings
    limits = PresentationLimits(s.max_presentation_bytes, s.max_presentation_credentials)
    return PresentationVerifier(container.verifier(), limits)


async def check_presentation(
    container: Container, presentation: Any, domain: str | None, challenge: str | None
) -> PresentationResult:
    """Verify without loading anything (the VC-API verifier): every credential is reported."""
    verifier = presentation_verifier(container)
    return await asyncio.to_thread(
        verifier.verify, presentation, domain, challenge, credentials_on_failure=True
    )


async def check_credential(container: Container, credential: Any) -> list[Report]:
    """``credmatch verify`` on one credential (a CLR adds a report per nested credential)."""
    verifier = container.verifier()
    return await asyncio.to_thread(verifier.verify, credential, "verifiableCredential")


async def submit_presentation(
    container: Container, presentation: Any, issue_key: bool = False
) -> PresentationOutcome:
    """Verify, use up the challenge, load the holder's counting credentials, maybe issue a key.

    PresentationRefusedError (nothing loaded) when the presentation or its challenge fails;
    credentials that fail, or are about someone else, are reported and skipped."""
    s = container.settings
    verifier = presentation_verifier(container)
    result = await asyncio.to_thread(verifier.verify, presentation, s.domain)
    failure = result.failure()
    if failure is not None or result.holder is None or result.challenge is None:
        detail = failure.detail if failure is not None else "no holder or challenge"
        name = failure.name if failure is not None else "format"
        raise PresentationRefusedError(f"presentation refused ({name}): {detail}")
    store = container.store
    await consume_challenge(store, result.challenge, s.domain)
    await store.write(q.ENSURE_LEARNER, {"id": result.holder}, bump=False)
    bound = [r for r in result.reports if _holder_ok(r)]
    reports = await refuse_taken(store, list(result.reports), bound)
    results = await _load(container, reports)
    key = None
    if issue_key:
        key = await KeyService(store).create(
            Role.LEARNER, learner_id=result.holder, label=SIGN_IN_LABEL
        )
    return PresentationOutcome(learner_id=result.holder, results=results, key=key)


def _loadable(report: Report) -> bool:
    return _holder_ok(report) and report.check("credential_id") is None


async def _load(container: Container, reports: list[Report]) -> list[CredentialResult]:
    bound = [r for r in reports if _loadable(r)]
    summary = await CredentialLoader(container.store).load(bound)
    if summary.error:
        raise InputError(summary.error)
    if summary.loaded:
        await _relink(container)
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


async def _relink(container: Container) -> None:
    """Embed and link what the load added, then refresh the match table in the background
    (as ``ingestCredentials`` does); a failed link is finished by the next write."""
    try:
        await container.relink(matches=False)
    except GraphError as e:
        log.warning("linking deferred to the next write or `credmatch link`: %s", e)
    container.refresh_soon()

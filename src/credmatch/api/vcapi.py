"""The W3C VC-API verifier endpoints, and the challenge endpoint learners sign over.

``POST /credentials/verify`` ``{verifiableCredential, options}`` and ``POST /presentations/verify``
``{verifiablePresentation, options: {challenge, domain}}`` answer ``{checks, warnings, errors}``:
200 when valid, 400 naming the failed checks when not (or when the request is malformed). They
sit behind the API-key gate (any role). ``POST /challenges`` needs no key and is rate-limited per
client address; it answers ``{challenge, domain, expiresAt}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from credmatch.api.auth import client_address
from credmatch.api.limits import RateLimitedError, RateLimiter
from credmatch.bootstrap import Container
from credmatch.credentials.model import Check
from credmatch.credentials.presentation import PresentationResult
from credmatch.errors import GraphError, GraphUnavailableError
from credmatch.services.challenges import issue_challenge
from credmatch.services.presentations import check_credential, check_presentation

log = logging.getLogger("credmatch.api.vcapi")
Endpoint = Callable[[Request], Awaitable[JSONResponse]]


def challenge_endpoint(limiter: RateLimiter) -> Endpoint:
    async def create_challenge(request: Request) -> JSONResponse:
        try:
            limiter.check(client_address(request))
        except RateLimitedError as e:
            return _refusal(429, str(e), {"Retry-After": str(e.retry_after_s)})
        container: Container = request.app.state.container
        s = container.settings
        try:
            issued = await issue_challenge(container.store, s.domain, s.challenge_ttl_s)
        except (GraphError, GraphUnavailableError) as e:
            return _refusal(503, str(e))
        expires = issued.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        return JSONResponse(
            {"challenge": issued.value, "domain": issued.domain, "expiresAt": expires}
        )

    return create_challenge


async def verify_credential(request: Request) -> JSONResponse:
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    credential = body.get("verifiableCredential")
    if not isinstance(credential, dict | str):
        return _invalid("verifiableCredential: a credential object (or VC-JWT string) is required")
    reports = await check_credential(request.app.state.container.verifier(), credential)
    first, nested = reports[0], reports[1:]
    result = _result(first.checks)
    for report in nested:  # a CLR's nested credentials: reported, not part of its own verdict
        result["warnings"].extend(_problems(report.checks, report.source + "."))
    return JSONResponse(result, status_code=200 if first.valid else 400)


async def verify_presentation(request: Request) -> JSONResponse:
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    presentation = body.get("verifiablePresentation")
    options = body.get("options", {})
    if not isinstance(presentation, dict | str):
        return _invalid("verifiablePresentation: a presentation object (or VP-JWT) is required")
    if not isinstance(options, dict):
        return _invalid("options: must be an object")
    challenge, domain = options.get("challenge"), options.get("domain")
    if not all(v is None or isinstance(v, str) for v in (challenge, domain)):
        return _invalid("options.challenge and options.domain must be strings")
    deps = request.app.state.container.presentations()
    result = await check_presentation(deps, presentation, domain, challenge)
    shaped, valid = _presentation_result(result, challenge, domain)
    return JSONResponse(shaped, status_code=200 if valid else 400)


def _presentation_result(
    result: PresentationResult, challenge: str | None, domain: str | None
) -> tuple[dict[str, list[str]], bool]:
    shaped = _result(tuple(c for c in result.checks if c.name != "format"))
    shaped["errors"].extend(_problems(result.checks[:1], ""))  # a format failure, if any
    if result.valid:
        shaped["checks"].extend(n for n, v in (("challenge", challenge), ("domain", domain)) if v)
    valid = result.valid
    for report in result.reports:
        prefix = report.source + "."
        holder = report.check("holder")
        own = tuple(c for c in report.checks if c.name != "holder")
        shaped["errors"].extend(_problems(own, prefix))
        shaped["warnings"].extend(_undecided(own, prefix))
        if holder is not None and holder.ok is False:
            # Subject = holder is a business rule the VC-API leaves to the caller: a warning.
            shaped["warnings"].append(f"{prefix}holder: {holder.detail}")
        valid = valid and all(c.ok is not False for c in own)
    return shaped, valid and not shaped["errors"]


def _result(checks: tuple[Check, ...]) -> dict[str, list[str]]:
    return {
        "checks": [c.name for c in checks if c.ok is True],
        "warnings": _undecided(checks, ""),
        "errors": _problems(checks, ""),
    }


def _problems(checks: tuple[Check, ...], prefix: str) -> list[str]:
    return [f"{prefix}{c.name}: {c.detail}" for c in checks if c.ok is False]


def _undecided(checks: tuple[Check, ...], prefix: str) -> list[str]:
    return [f"{prefix}{c.name}: {c.detail}" for c in checks if c.ok is None]


async def _body(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        body = json.loads(await request.body())
    except (ValueError, RecursionError) as e:
        return _invalid(f"the request body is not valid JSON: {e}")
    if not isinstance(body, dict):
        return _invalid("the request body must be a JSON object")
    return body


def _invalid(message: str) -> JSONResponse:
    return JSONResponse({"checks": [], "warnings": [], "errors": [message]}, status_code=400)


def _refusal(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    log.info("refused /challenges request (%s): %s", status, message)
    code = "RATE_LIMITED" if status == 429 else "GRAPH_UNAVAILABLE"
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)

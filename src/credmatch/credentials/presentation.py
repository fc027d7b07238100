"""Verify Verifiable Presentations (VCDM 2.0 and 1.1, JSON-LD or VP-JWT) and what they enclose.

A presentation passes when it is well formed and within limits, names its holder, and carries
the holder's proof (``holder_proof``) over our challenge and domain. Each enclosed credential
then gets exactly the checks of ``credmatch verify`` (the same ``Verifier``), plus **holder
binding**: every ``credentialSubject.id`` must be the holder, or that credential alone is
refused with a failed ``holder`` check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from credmatch.credentials import vcjwt
from credmatch.credentials.bounds import scan
from credmatch.credentials.holder_proof import (
    Expected,
    check_jwt_proof,
    check_ld_proof,
)
from credmatch.credentials.model import Check, Report
from credmatch.credentials.parse import as_list, as_strings
from credmatch.credentials.schema_check import VC1_CONTEXT, VC2_CONTEXT
from credmatch.credentials.templates import TemplateExpander
from credmatch.credentials.verify import Verifier
from credmatch.errors import CredentialFormatError

PRESENTATION = "VerifiablePresentation"
ENVELOPED = "EnvelopedVerifiableCredential"
JWT_MEDIA_TYPES = ("data:application/vc+jwt,", "data:application/vc-ld+jwt,")


@dataclass(frozen=True)
class PresentationLimits:
    max_bytes: int = 200_000  # the presentation as compact JSON (or the JWT's characters)
    max_credentials: int = 50


@dataclass(frozen=True)
class PresentationResult:
    """The presentation's own checks and one report per enclosed credential.

    ``reports`` is empty when the presentation itself failed and credentials were not asked
    for anyway (``verify(..., credentials_on_failure=False)``).
    """

    holder: str | None
    challenge: str | None  # the challenge the holder's proof names
    checks: tuple[Check, ...]
    reports: tuple[Report, ...]

    @property
    def valid(self) -> bool:
        return all(c.ok is True for c in self.checks)

    def failure(self) -> Check | None:
        return next((c for c in self.checks if c.ok is not True), None)


class PresentationVerifier:
    """Checks presentations with a credential ``Verifier`` (share one: it caches contexts)."""

    def __init__(self, verifier: Verifier, limits: PresentationLimits | None = None) -> None:
        self.verifier = verifier
        self.limits = limits or PresentationLimits()
        self._expander = TemplateExpander(verifier.options.documents)

    def verify(
        self,
        presentation: Any,
        domain: str | None,
        challenge: str | None = None,
        *,
        credentials_on_failure: bool = False,
    ) -> PresentationResult:
        """Check ``presentation`` (a dict, a VP-JWT, or JSON text of either) for ``domain``.

        ``challenge`` None accepts whatever challenge the proof names (it is returned, for
        the caller to look up); otherwise the proof must name exactly this one.
        """
        now = self.verifier.options.now or datetime.now(UTC)
        expected = Expected(domain=domain, challenge=challenge, now=now)
        try:
            holder, enclosed, proof, named = self._presentation(presentation, expected)
        except CredentialFormatError as e:
            return PresentationResult(None, None, (Check("format", False, str(e), "format"),), ())
        checks = (Check("format", True, f"a presentation by {holder}"), proof)
        if proof.ok is not True and not credentials_on_failure:
            return PresentationResult(holder, named, checks, ())
        reports = tuple(self._credentials(enclosed, holder))
        return PresentationResult(holder, named, checks, reports)

    def _presentation(
        self, presentation: Any, expected: Expected
    ) -> tuple[str, list[Any], Check, str | None]:
        value = self._decoded(presentation)
        documents = self.verifier.options.documents
        if isinstance(value, vcjwt.Jwt):
            vp = _jwt_presentation(value)
            holder = _jwt_holder(value, vp)
            enclosed = self._enclosed(vp)
            proof, named = check_jwt_proof(value, holder, expected, documents)
            return holder, enclosed, proof, named
        holder = _holder(value)
        enclosed = self._enclosed(value)
        scanned = scan(value)
        if scanned.problem is not None:
            raise CredentialFormatError(f"presentation refused without checking: {scanned.problem}")
        proof, named = check_ld_proof(
            value, holder, expected, documents, self._expander, scanned.jcs_ready
        )
        return holder, enclosed, proof, named

    def _decoded(self, presentation: Any) -> dict[str, Any] | vcjwt.Jwt:
        if isinstance(presentation, str):
            text = presentation.strip()
            if len(text) > self.limits.max_bytes:
                raise _too_large(len(text), self.limits.max_bytes)
            if not text.startswith("{"):
                return vcjwt.decode(text)
            try:
                presentation = json.loads(text)
            except (ValueError, RecursionError) as e:
                raise CredentialFormatError(f"the presentation is not valid JSON: {e}") from e
        if not isinstance(presentation, dict):
            raise CredentialFormatError(
                f"a presentation is a JSON object or a VP-JWT, not {type(presentation).__name__}"
            )
        try:
            size = len(json.dumps(presentation, separators=(",", ":")).encode("utf-8"))
        except (ValueError, RecursionError) as e:
            raise CredentialFormatError(f"the presentation cannot be read: {e}") from e
        if size > self.limits.max_bytes:
            raise _too_large(size, self.limits.max_bytes)
        _require_presentation(presentation)
        return presentation

    def _enclosed(self, vp: dict[str, Any]) -> list[Any]:
        enclosed = as_list(vp.get("verifiableCredential"))
        if len(enclosed) > self.limits.max_credentials:
            raise CredentialFormatError(
                f"the presentation encloses {len(enclosed)} credentials; the limit is "
                f"{self.limits.max_credentials} per presentation: send several"
            )
        out = []
        for n, item in enumerate(enclosed):
            if isinstance(item, dict) and PRESENTATION in as_strings(item.get("type")):
                raise CredentialFormatError(
                    f"verifiableCredential[{n}] is itself a presentation: presentations may not "
                    "be nested; present the credentials directly"
                )
            out.append(_unwrapped(item, n))
        return out

    def _credentials(self, enclosed: list[Any], holder: str) -> list[Report]:
        reports: list[Report] = []
        for n, item in enumerate(enclosed):
            for report in self.verifier.verify(item, f"verifiableCredential[{n}]"):
                reports.append(bind_holder(report, holder))
        return reports


def bind_holder(report: Report, holder: str) -> Report:
    """``report``, refused with a ``holder`` check when a subject of it is not ``holder``."""
    if report.credential is None:
        return report
    subjects = as_list(report.credential.raw.get("credentialSubject"))
    ids = [s.get("id") if isinstance(s, dict) else None for s in subjects]
    strangers = [i for i in ids if i != holder]
    if ids and not strangers:
        check = Check("holder", True, f"credentialSubject.id is the holder {holder}")
        return replace(report, checks=(*report.checks, check))
    about = ", ".join(repr(i) for i in strangers) if strangers else "no one"
    check = Check(
        "holder",
        False,
        f"this credential is about {about}, not the presentation's holder {holder}: only "
        "credentials whose credentialSubject.id is the holder are accepted",
        "not_holder",
    )
    return replace(report, valid=False, checks=(*report.checks, check))


def _require_presentation(vp: dict[str, Any]) -> None:
    contexts = as_list(vp.get("@context"))
    if not contexts or contexts[0] not in (VC2_CONTEXT, VC1_CONTEXT):
        raise CredentialFormatError(
            f"the first @context of a presentation must be {VC2_CONTEXT} (or {VC1_CONTEXT}); "
            f"got {contexts[:1]}"
        )
    if PRESENTATION not in as_strings(vp.get("type")):
        raise CredentialFormatError(
            f"not a presentation: type must include {PRESENTATION!r} (got {vp.get('type')!r})"
        )


def _holder(vp: dict[str, Any]) -> str:
    holder = vp.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder_id, str) or not holder_id.strip():
        raise CredentialFormatError(
            "the presentation names no holder: set 'holder' to your DID (the subject of your "
            "credentials, and the controller of the key that signs the presentation)"
        )
    return holder_id


def _jwt_presentation(jwt: vcjwt.Jwt) -> dict[str, Any]:
    vp = jwt.claims.get("vp")
    if not isinstance(vp, dict):
        vp = jwt.claims if "@context" in jwt.claims else None
    if vp is None:
        raise CredentialFormatError("the JWT has no 'vp' claim and is not a presentation itself")
    if "@context" in vp:
        _require_presentation(vp)
    elif PRESENTATION not in as_strings(vp.get("type")):
        raise CredentialFormatError(f"the JWT's vp.type must include {PRESENTATION!r}")
    return vp


def _jwt_holder(jwt: vcjwt.Jwt, vp: dict[str, Any]) -> str:
    iss = jwt.claims.get("iss")
    named = vp.get("holder")
    named_id = named.get("id") if isinstance(named, dict) else named
    holder = iss if isinstance(iss, str) and iss else named_id
    if not isinstance(holder, str) or not holder:
        raise CredentialFormatError("the VP-JWT names no holder: set 'iss' to your DID")
    if named_id is not None and named_id != holder:
        raise CredentialFormatError(
            f"the VP-JWT's iss {holder!r} and its presentation's holder {named_id!r} disagree"
        )
    return holder


def _unwrapped(item: Any, n: int) -> Any:
    """A VC-JWT string for an EnvelopedVerifiableCredential (VC-JOSE-COSE data: URL)."""
    if not isinstance(item, dict) or ENVELOPED not in as_strings(item.get("type")):
        return item
    target = item.get("id")
    for prefix in JWT_MEDIA_TYPES:
        if isinstance(target, str) and target.startswith(prefix):
            return unquote(target[len(prefix) :])
    raise CredentialFormatError(
        f"verifiableCredential[{n}] is an {ENVELOPED} whose id is not a "
        f"{' or '.join(JWT_MEDIA_TYPES)}… data: URL"
    )


def _too_large(size: int, cap: int) -> CredentialFormatError:
    return CredentialFormatError(
        f"the presentation is {size} bytes; the limit is {cap} "
        "(CREDMATCH_MAX_PRESENTATION_BYTES): present fewer credentials at a time"
    )

"""Verify credentials: who issued it, that it was not altered, and that it is still in force."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credmatch.credentials import canonical, proofs, vcjwt
from credmatch.credentials.bounds import MAX_CHARS, scan
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.model import Check, ParsedCredential, Report, is_valid
from credmatch.credentials.parse import (
    as_list,
    as_strings,
    first_subject,
    issuer_id,
    parse_credential,
)
from credmatch.credentials.schema_check import VC1_CONTEXT, VC2_CONTEXT, check_schema, kind_of
from credmatch.credentials.status import StatusChecker
from credmatch.credentials.templates import TemplateExpander
from credmatch.credentials.trust import TrustRegistry
from credmatch.errors import CredentialFormatError

NESTED = "credentialSubject/verifiableCredential"


@dataclass
class VerifyOptions:
    documents: DocumentStore
    trust: TrustRegistry
    now: datetime | None = None
    strict: bool = False


class Verifier:
    """Runs the seven checks on credentials; reuse one instance to share context and list caches."""

    def __init__(self, options: VerifyOptions) -> None:
        self.options = options
        self._expander = TemplateExpander(options.documents)
        self._status = StatusChecker(
            options.documents, self._status_list_proof, self._now, options.trust.status_issuers
        )

    def verify(self, doc: dict[str, Any] | str, source: str) -> list[Report]:
        """Reports for a credential (dict or VC-JWT); a CLR adds one per nested credential."""
        try:
            if isinstance(doc, str):
                jwt = vcjwt.decode(doc)
                credential = jwt.credential()
            else:
                jwt, credential = None, doc
            _require_credential(credential)
            scanned = scan(credential)
            if scanned.problem is not None:
                raise CredentialFormatError(f"refused without checking: {scanned.problem}")
        except CredentialFormatError as e:
            return [format_report(source, str(e))]
        reports = [self._verify_one(credential, jwt, source, scanned.jcs_ready)]
        subject = first_subject(credential)
        if "ClrCredential" in as_strings(credential.get("type")):
            for n, nested in enumerate(as_list(subject.get("verifiableCredential"))):
                reports.extend(self.verify(nested, f"{source}#/{NESTED}/{n}"))
        return reports

    def verify_file(self, path: Path) -> list[Report]:
        """Reports for a .json, .jwt or .jsonl file (one credential per line)."""
        reports: list[Report] = []
        for record in read_records(path):
            reports.extend(self.verify_record(record))
        return reports

    def verify_record(self, record: TextRecord | Report) -> list[Report]:
        """Reports for one record of ``read_records`` (a Report stands for itself)."""
        if isinstance(record, Report):
            return [record]
        return self._verify_text(record.text, record.source)

    def _verify_text(self, text: str, source: str) -> list[Report]:
        # Base64 (a JWT) inflates by 4/3 and JSON escapes by up to 6x; anything past twice the
        # document limit cannot fit it once decoded.
        if len(text) > 2 * MAX_CHARS:
            return [
                format_report(source, f"refused without parsing: over {2 * MAX_CHARS} characters")
            ]
        stripped = text.strip()
        if stripped.startswith('"'):  # a VC-JWT as a JSON string (JSON Lines files)
            try:
                decoded = json.loads(stripped)
            except json.JSONDecodeError as e:
                return [format_report(source, f"not valid JSON: {e}")]
            if not isinstance(decoded, str):
                return [format_report(source, "a JSON string was expected")]
            stripped = decoded.strip()
        if stripped.startswith("{"):
            try:
                doc = json.loads(stripped)
            except json.JSONDecodeError as e:
                return [format_report(source, f"not valid JSON: {e}")]
            except RecursionError:  # json's C decoder recurses once per nesting level
                return [format_report(source, "refused: JSON nested too deeply to parse")]
            return self.verify(doc, source)
        if stripped.startswith("ey") and stripped.count(".") == 2:
            return self.verify(stripped, source)
        return [format_report(source, "neither a JSON credential nor a VC-JWT (compact JWS)")]

    def _verify_one(
        self, credential: dict[str, Any], jwt: vcjwt.Jwt | None, source: str, jcs_ready: bool
    ) -> Report:
        unsecured = proofs.Unsecured(
            {k: v for k, v in credential.items() if k != "proof"},
            self.options.documents,
            jcs_ready=jcs_ready,
        )
        context = self._context(credential, unsecured)
        if jwt is not None:
            signed = vcjwt.check_jwt_proof(jwt, credential, self.options.documents)
        elif context.ok is not True and context.code != "proof_context":
            signed = proofs.not_checked(
                Check(
                    "proof",
                    False,
                    f"not checked: the document cannot be canonicalised safely ({context.detail})",
                    context.code or "bad_proof",
                )
            )
        else:
            signed = proofs.check_embedded_proofs(
                unsecured, proofs.proof_list(credential), issuer_id(credential)
            )
        parsed = parse_credential(credential, suite_name(jwt))
        checks = (
            signed.proof,
            signed.binding,
            context,
            self._validity(parsed),
            self._status.check(credential),
            self._issuer(credential),
            check_schema(credential),
        )
        return Report(
            source=source,
            id=credential.get("id") if isinstance(credential.get("id"), str) else None,
            valid=is_valid(checks, self.options.strict),
            checks=checks,
            credential=parsed,
            kind=kind_of(credential),
        )

    def _context(self, credential: dict[str, Any], unsecured: proofs.Unsecured) -> Check:
        contexts = as_list(credential.get("@context"))
        if not contexts or contexts[0] not in (VC1_CONTEXT, VC2_CONTEXT):
            return Check(
                "context",
                False,
                f"the first @context must be {VC2_CONTEXT} (or {VC1_CONTEXT}); got {contexts[:1]}",
                "context",
            )
        documents = self.options.documents
        missing = [
            c
            for c in contexts
            if isinstance(c, str) and not documents.has(c) and not documents.fetch_enabled
        ]
        if missing:
            return Check(
                "context",
                False,
                f"context {', '.join(missing)} is not in the document store; "
                "add it to a store directory",
                "document_missing",
            )
        try:
            unsecured.expanded = self._expander.expand_lazily(unsecured.doc)
        except canonical.UnsafeJsonLdError as e:
            return Check("context", False, str(e), "context")
        unsecured.expanded_configs = {}
        for n, proof in enumerate(proofs.proof_list(credential)):
            if isinstance(proof, dict):
                try:
                    unsecured.expanded_configs[n] = self._expander.expand_lazily(
                        proofs.proof_config(proof, credential.get("@context"))
                    )
                except canonical.UnsafeJsonLdError as e:
                    return Check("context", False, f"proof[{n}]: {e}", "proof_context")
        return Check(
            "context",
            True,
            f"{len(contexts)} context(s) from the document store; "
            "every term defined, every IRI absolute",
        )

    def _now(self) -> datetime:
        now = self.options.now or datetime.now(UTC)
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def _validity(self, parsed: ParsedCredential) -> Check:
        now = self._now()
        if parsed.valid_from is not None and parsed.valid_from > now:
            return Check(
                "validity_period",
                False,
                f"not valid until {parsed.valid_from.isoformat()}",
                "not_yet_valid",
            )
        if parsed.valid_until is not None and parsed.valid_until < now:
            return Check(
                "validity_period", False, f"expired on {parsed.valid_until.isoformat()}", "expired"
            )
        until = (
            f" until {parsed.valid_until.isoformat()}" if parsed.valid_until else " with no expiry"
        )
        start = parsed.valid_from.isoformat() if parsed.valid_from else "(no start date)"
        return Check("validity_period", True, f"valid from {start}{until}")

    def _issuer(self, credential: dict[str, Any]) -> Check:
        issuer = issuer_id(credential)
        if issuer is None:
            return Check("issuer", False, "credential names no issuer", "schema")
        name = self.options.trust.lookup(issuer)
        if name is None:
            return Check("issuer", None, f"issuer {issuer} is unknown to the trust registry")
        return Check("issuer", True, f"issuer {issuer} is trusted as {name!r}")

    def _status_list_proof(self, doc: dict[str, Any]) -> Check:
        unsecured = proofs.Unsecured(
            {k: v for k, v in doc.items() if k != "proof"}, self.options.documents
        )
        context = self._context(doc, unsecured)
        if context.ok is not True:
            return context
        signed = proofs.check_embedded_proofs(unsecured, proofs.proof_list(doc), issuer_id(doc))
        return signed.proof if signed.proof.ok is not True else signed.binding


@dataclass(frozen=True)
class TextRecord:
    """The text of one credential to verify (a file, or a line of a .jsonl file)."""

    text: str
    source: str


def read_records(path: Path) -> Iterator[TextRecord | Report]:
    """What ``Verifier.verify_file`` checks in ``path``, one record per credential text.

    The whole file, or each non-blank line of a .jsonl file (source ``path:line``); a format
    Report when the file cannot be read.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        yield format_report(source, f"cannot read file: {e}")
        return
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield TextRecord(line, f"{source}:{number}")
        return
    yield TextRecord(text, source)


def suite_name(jwt: vcjwt.Jwt | None) -> str:
    """The proof suite to record for an envelope ("" for embedded proofs)."""
    return f"VC-JWT/{jwt.header.get('alg')}" if jwt is not None else ""


def format_report(source: str, reason: str) -> Report:
    """The report for input that is not a credential at all."""
    return Report(source, None, False, (Check("format", False, reason, "format"),), None)


def _require_credential(doc: Any) -> None:
    if not isinstance(doc, dict):
        raise CredentialFormatError(f"expected a JSON object or a VC-JWT, got {type(doc).__name__}")
    if "@context" not in doc or "type" not in doc:
        raise CredentialFormatError("not a verifiable credential: @context and type are required")

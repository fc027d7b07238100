"""Verify credentials and load the ones that count into the graph, in batches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credmatch.credentials.model import Report
from credmatch.credentials.pool import verify_files
from credmatch.credentials.verify import Verifier
from credmatch.errors import GraphUnavailableError
from credmatch.graph.queries import ingest as q
from credmatch.graph.store import GraphStore
from credmatch.services import rows

CLR_TYPE = "ClrCredential"
NOT_ACHIEVEMENT = "not an achievement credential"
LOADED_KINDS = ("achievement", "clr")
CREDENTIAL_SUFFIXES = (".json", ".jsonld", ".jwt", ".jsonl")


@dataclass
class IngestSummary:
    """What one ingest run did: counts, and each rejected record with its reasons."""

    loaded: int = 0
    by_verdict: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    not_loaded: list[str] = field(default_factory=list)  # sources a graph failure kept out
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "loaded": self.loaded,
            "byVerdict": dict(self.by_verdict),
            "rejected": dict(self.rejected),
            "rejects": self.rejects,
            "notLoaded": self.not_loaded,
            "error": self.error,
        }


def reject_reason(report: Report) -> str | None:
    """Why a report cannot be evidence in the graph, or None when it can be loaded."""
    cred = report.credential
    if cred is None:
        failed = next((c.name for c in report.checks if c.ok is False), "format")
        return failed
    for name in ("proof", "key_binding", "context", "schema", "credential_id"):
        check = report.check(name)
        if check is not None and check.ok is False:
            return name
    if report.kind not in LOADED_KINDS:  # a valid generic VC or an endorsement
        return NOT_ACHIEVEMENT
    if cred.achievement is None or not cred.achievement.id:
        return "schema"
    if not cred.subject_id or not cred.issuer.id:
        return "schema"
    return None


def iter_credential_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in CREDENTIAL_SUFFIXES)
        else:
            yield path


def verify_paths(
    verifier: Verifier, paths: Iterable[Path], workers: int | None = 1
) -> Iterator[Report]:
    """Reports for every credential file under ``paths``, in order.

    ``workers``: processes to verify in (1: this one; None: one per core for many records),
    see ``credentials.pool.verify_files``.
    """
    return verify_files(verifier, iter_credential_files(paths), workers)


class CredentialLoader:
    """Loads verified reports; reusing one loader per run shares nothing but the store."""

    def __init__(self, store: GraphStore, batch_size: int = 500) -> None:
        self._store = store
        self._batch_size = batch_size

    async def load(
        self, reports: Iterable[Report], progress: Callable[[int], None] | None = None
    ) -> IngestSummary:
        summary = IngestSummary()
        batch: list[Report] = []
        for report in reports:
            if progress is not None:
                progress(1)
            is_clr = report.credential is not None and CLR_TYPE in report.credential.types
            reason = reject_reason(report)
            if reason is not None and not is_clr:
                summary.rejected[reason] += 1
                summary.rejects.append({**report.to_json(), "reason": reason})
                continue
            batch.append(report)
            if len(batch) >= self._batch_size:
                await self._flush(batch, summary)
                batch = []
        await self._flush(batch, summary)
        return summary

    async def _flush(self, batch: list[Report], summary: IngestSummary) -> None:
        if not batch:
            return
        if summary.error is not None:  # the graph went away: report the rest as not loaded
            summary.not_loaded.extend(r.source for r in batch)
            return
        statements, counted = _statements(batch)
        try:
            await self._store.write_all(statements)
        except GraphUnavailableError as e:
            summary.error = f"{e}; re-run the same command to load the rest (loading is idempotent)"
            summary.not_loaded.extend(r.source for r in batch)
            return
        for verdict in counted:
            summary.loaded += 1
            summary.by_verdict[verdict] += 1


def _statements(batch: list[Report]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    checked_at = datetime.now(UTC).isoformat(timespec="seconds")
    issuers: dict[str, dict[str, Any]] = {}
    achievements: dict[str, dict[str, Any]] = {}
    alignments: list[dict[str, Any]] = []
    credentials: list[dict[str, Any]] = []
    stacks: list[dict[str, str]] = []
    counted: list[str] = []
    for report in batch:
        cred = report.credential
        assert cred is not None
        stacks.extend(rows.stack_rows(cred.associations))
        if CLR_TYPE in cred.types and reject_reason(report) is not None:
            continue
        if CLR_TYPE in cred.types and cred.achievement is None:
            continue
        assert cred.achievement is not None and cred.issuer.id is not None
        issuer_check = report.check("issuer")
        issuers[cred.issuer.id] = {
            "id": cred.issuer.id,
            "props": rows.compact(
                {
                    "name": cred.issuer.name,
                    "url": cred.issuer.url,
                    "trusted": bool(issuer_check and issuer_check.ok),
                }
            ),
        }
        achievements[cred.achievement.id or ""] = rows.achievement_row(
            cred.achievement, cred.issuer.id
        )
        alignments.extend(rows.alignment_rows(cred.achievement))
        row = rows.credential_row(report, checked_at)
        credentials.append(row)
        counted.append(row["props"]["verdict"])
    statements: list[tuple[str, dict[str, Any]]] = [
        (q.UPSERT_ISSUERS, {"rows": list(issuers.values())}),
        (q.ADD_ACHIEVEMENTS_FROM_CREDENTIALS, {"rows": list(achievements.values())}),
        (q.ALIGN_ACHIEVEMENTS, {"rows": alignments}),
        (q.UPSERT_CREDENTIALS, {"rows": credentials}),
        (q.STACK_ACHIEVEMENTS, {"rows": stacks}),
    ]
    return statements, counted

"""Writes the API performs for job boards and issuers: postings and credentials."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from credmatch.credentials.model import Report
from credmatch.credentials.verify import Verifier
from credmatch.errors import GraphError, InputError, NotFoundError
from credmatch.graph.queries import ingest as q
from credmatch.graph.store import GraphStore
from credmatch.postings import Posting
from credmatch.services.credential_ids import refuse_taken
from credmatch.services.credentials import CredentialLoader, reject_reason
from credmatch.services.postings import upsert_posting
from credmatch.services.rows import graph_verdict
from credmatch.services.scheduling import Relinker

MAX_CREDENTIALS = 500
log = logging.getLogger("credmatch.ingest")


@dataclass(frozen=True)
class CredentialResult:
    report: Report
    verdict: str
    reason: str | None  # why it was not loaded (reject_reason or the refusal); None when it was
    refused: str | None = None  # FORBIDDEN: the key may not load this issuer's credentials

    @property
    def loaded(self) -> bool:
        return self.reason is None


class ApiIngest:
    def __init__(
        self, store: GraphStore, verifier: Callable[[], Verifier], links: Relinker
    ) -> None:
        """``verifier`` is called on the first credentials write (building it reads the trust
        registry, which only that write needs)."""
        self._store = store
        self._verifier = verifier
        self._links = links

    async def upsert_posting(self, posting: Posting, org_id: str) -> str:
        """Create or replace ``org_id``'s posting ``posting.id`` (its external id); returns
        the posting's global id."""
        graph_id, written = await upsert_posting(self._store, posting, org_id)
        if written:
            await self._relink()
        return graph_id

    async def posting_owner(self, posting_id: str) -> str | None:
        """The organisation that owns a posting; NotFoundError when there is no such posting."""
        rows = await self._store.read(q.POSTING_OWNER, {"id": posting_id})
        if not rows:
            raise NotFoundError(f"no job posting with id {posting_id!r}")
        owner: str | None = rows[0]["ownerId"]
        return owner

    async def delete_posting(self, posting_id: str, org_id: str | None) -> bool:
        """Delete a posting (only if ``org_id`` owns it, unless None); False if none went."""
        rows = await self._store.write(q.DELETE_POSTING, {"id": posting_id, "org": org_id})
        return bool(rows and rows[0]["deleted"])

    async def credentials(
        self, docs: list[Any], may_load: Callable[[str | None], bool] = lambda _: True
    ) -> list[CredentialResult]:
        """Verify ``docs`` and load those that count and whose issuer ``may_load`` allows;
        the others get a result saying why, and the rest of the batch still loads."""
        if not docs or len(docs) > MAX_CREDENTIALS:
            raise InputError(f"credentials: send between 1 and {MAX_CREDENTIALS} per call")
        verifier = self._verifier()
        reports: list[Report] = []
        for i, doc in enumerate(docs):
            source = f"credentials[{i}]"
            if isinstance(doc, str) and doc.strip().startswith("{"):
                try:
                    doc = json.loads(doc)
                except json.JSONDecodeError as e:
                    raise InputError(f"{source}: not valid JSON: {e}") from e
            reports.extend(await asyncio.to_thread(verifier.verify, doc, source))
        reports = await refuse_taken(self._store, reports, reports)
        allowed = [r for r in reports if may_load(_issuer_of(r))]
        summary = await CredentialLoader(self._store).load(allowed)
        if summary.error:
            raise InputError(summary.error)
        if summary.loaded:
            await self._relink()
        return [_result(r, any(r is a for a in allowed)) for r in reports]

    async def _relink(self) -> None:
        """Embed and link what the write added (the response shows the links), then refresh
        the match table in the background. When a concurrent write deletes a node under it,
        the next relink finishes the job: the write that was asked for has landed either way."""
        try:
            await self._links.relink(matches=False)
        except GraphError as e:
            log.warning("linking deferred to the next write or `credmatch link`: %s", e)
        self._links.refresh_soon()


def _issuer_of(report: Report) -> str | None:
    return report.credential.issuer.id if report.credential else None


def _result(report: Report, allowed: bool) -> CredentialResult:
    if allowed:
        return CredentialResult(report, graph_verdict(report), reject_reason(report))
    refused = (
        f"{report.source}: this API key may load only its own issuers' credentials, not those "
        f"of {_issuer_of(report)!r}; nothing was stored"
    )
    return CredentialResult(report, graph_verdict(report), refused, refused)

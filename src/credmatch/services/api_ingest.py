"""Writes the API performs for job boards and issuers: postings and credentials."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from credmatch.bootstrap import Container
from credmatch.credentials.model import Report
from credmatch.errors import GraphError, InputError
from credmatch.graph.queries import ingest as q
from credmatch.postings import Posting
from credmatch.services.credentials import CredentialLoader, reject_reason
from credmatch.services.postings import upsert_posting
from credmatch.services.rows import graph_verdict

MAX_CREDENTIALS = 500
log = logging.getLogger("credmatch.ingest")


@dataclass(frozen=True)
class CredentialResult:
    report: Report
    verdict: str
    reason: str | None  # why it was not loaded (reject_reason); None when it was

    @property
    def loaded(self) -> bool:
        return self.reason is None


class ApiIngest:
    def __init__(self, container: Container) -> None:
        self._c = container

    async def upsert_posting(self, posting: Posting) -> None:
        if await upsert_posting(self._c.store, posting):
            await self._relink()

    async def delete_posting(self, posting_id: str) -> bool:
        rows = await self._c.store.write(q.DELETE_POSTING, {"id": posting_id})
        return bool(rows and rows[0]["deleted"])

    async def credentials(self, docs: list[Any]) -> list[CredentialResult]:
        if not docs or len(docs) > MAX_CREDENTIALS:
            raise InputError(f"credentials: send between 1 and {MAX_CREDENTIALS} per call")
        verifier = self._c.verifier()
        reports: list[Report] = []
        for i, doc in enumerate(docs):
            source = f"credentials[{i}]"
            if isinstance(doc, str) and doc.strip().startswith("{"):
                try:
                    doc = json.loads(doc)
                except json.JSONDecodeError as e:
                    raise InputError(f"{source}: not valid JSON: {e}") from e
            reports.extend(await asyncio.to_thread(verifier.verify, doc, source))
        summary = await CredentialLoader(self._c.store).load(reports)
        if summary.error:
            raise InputError(summary.error)
        if summary.loaded:
            await self._relink()
        return [CredentialResult(r, graph_verdict(r), reject_reason(r)) for r in reports]

    async def _relink(self) -> None:
        """Embed and link what the write added (the response shows the links), then refresh
        the match table in the background. When a concurrent write deletes a node under it,
        the next relink finishes the job: the write that was asked for has landed either way."""
        try:
            await self._c.relink(matches=False)
        except GraphError as e:
            log.warning("linking deferred to the next write or `credmatch link`: %s", e)
        self._c.refresh_soon()

"""The access log: which organisation read which learner's evidence, when and how.

Resolvers call :meth:`AccessLog.record` (no I/O: the events join an in-process buffer) and a
background task writes the buffer every ``flush_s`` seconds in one UNWIND, so a ranking
request never waits for the log. Events older than the retention are pruned by the same task
(at most once an hour). The buffer is bounded: when Neo4j cannot take writes for long, the
oldest unwritten events are dropped with a warning rather than growing without limit. A
process that stops flushes what it holds (``close``); a process that is killed loses at most
the last ``flush_s`` seconds of events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from credmatch.domain.paging import Page, check_first, decode_cursor, encode_cursor, keyset_page
from credmatch.domain.principal import Principal
from credmatch.errors import GraphError, GraphUnavailableError
from credmatch.graph.queries import access as q
from credmatch.graph.store import GraphStore

log = logging.getLogger("credmatch.access")

MAX_BUFFERED = 100_000
WRITE_BATCH = 2_000
PRUNE_BATCH = 10_000
PRUNE_EVERY_S = 3600.0
_KIND = "accessLog"


@dataclass(frozen=True)
class AccessEntry:
    id: str
    at: datetime
    operation: str
    key_id: str
    org_id: str | None
    org_name: str | None
    job_id: str | None


class AccessLog:
    def __init__(
        self,
        store: GraphStore,
        *,
        retention_days: int = 365,
        flush_s: float = 1.0,
        enabled: bool = True,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._retention = timedelta(days=retention_days)
        self._flush_s = flush_s
        self._enabled = enabled
        self._now = now
        self._buffer: list[dict[str, Any]] = []
        self._task: asyncio.Task[None] | None = None
        self._last_prune = 0.0
        self._closed = False
        self.dropped = 0

    def record(
        self, principal: Principal, operation: str, job_id: str | None, learners: Sequence[str]
    ) -> None:
        """Note that ``principal`` was shown these learners' evidence; returns at once."""
        if not self._enabled or not learners:
            return
        at = self._now()
        for learner in learners:
            self._buffer.append(
                {
                    "id": secrets.token_hex(12),
                    "at": at,
                    "operation": operation,
                    "key": principal.key_id,
                    "org": principal.org_id,
                    "learner": learner,
                    "job": job_id,
                }
            )
        if len(self._buffer) > MAX_BUFFERED:
            extra = len(self._buffer) - MAX_BUFFERED
            del self._buffer[:extra]
            self.dropped += extra
            log.warning("access log buffer full: dropped the %d oldest unwritten events", extra)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._flush_s)
        await self.flush()

    async def flush(self) -> int:
        """Write what is buffered (and prune, at most hourly); returns the events written.
        Events that could not be written stay buffered for the next flush."""
        written = 0
        while self._buffer:
            batch = self._buffer[:WRITE_BATCH]
            try:
                await self._store.write(q.RECORD_ACCESS, {"rows": batch}, bump=False)
            except (GraphError, GraphUnavailableError) as e:
                log.warning(
                    "access log write deferred (%d events buffered): %s", len(self._buffer), e
                )
                if not self._closed:
                    self._task = asyncio.create_task(self._flush_later())
                return written
            del self._buffer[: len(batch)]
            written += len(batch)
        if time.monotonic() - self._last_prune >= PRUNE_EVERY_S:
            await self.prune()
        return written

    async def prune(self) -> int:
        """Delete events older than the retention; returns how many."""
        self._last_prune = time.monotonic()
        cutoff = self._now() - self._retention
        pruned = 0
        try:
            while True:
                rows = await self._store.write(
                    q.PRUNE_ACCESS, {"cutoff": cutoff, "limit": PRUNE_BATCH}, bump=False
                )
                found = int(rows[0]["pruned"]) if rows else 0
                pruned += found
                if found < PRUNE_BATCH:
                    return pruned
        except (GraphError, GraphUnavailableError) as e:
            log.warning("access log pruning deferred: %s", e)
            return pruned

    async def close(self) -> None:
        self._closed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    async def page(
        self, learner_id: str, first: int, after: str | None, max_first: int
    ) -> tuple[list[AccessEntry], Page[str], int]:
        """One page of a learner's log, newest first: (entries, page info, total)."""
        check_first(first, max_first)
        scope = learner_id
        at, event_id = (None, "")
        if after is not None:
            key = decode_cursor(_KIND, scope, after)
            at, event_id = str(key[0]), str(key[1])
        row = (
            await self._store.read(
                q.LEARNER_ACCESS_PAGE,
                {"learner": learner_id, "at": at, "id": event_id, "first": first},
            )
        )[0]
        entries = [_entry(r) for r in row["page"]]
        keys = [(e.at.isoformat(), e.id) for e in entries]
        before, total = int(row["before"]), int(row["total"])
        page = keyset_page([e.id for e in entries], keys, _KIND, scope, before, total)
        return entries, page, total

    @staticmethod
    def cursor(learner_id: str, entry: AccessEntry) -> str:
        return encode_cursor(_KIND, learner_id, (entry.at.isoformat(), entry.id))


def _entry(r: dict[str, Any]) -> AccessEntry:
    at = r["at"]
    native = at.to_native() if hasattr(at, "to_native") else at
    return AccessEntry(
        id=r["id"],
        at=native,
        operation=r["operation"],
        key_id=r["keyId"],
        org_id=r["orgId"],
        org_name=r["orgName"],
        job_id=r["jobId"],
    )

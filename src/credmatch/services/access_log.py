"""The access log: which organisation read which learner's evidence, when and how.

Resolvers call :meth:`AccessLog.record` (no I/O: the reads join an in-process buffer) and a
background task writes the buffer every ``flush_s`` seconds in one UNWIND, so a ranking
request never waits for the log. Events older than the retention are pruned by the same task
(at most once an hour). The buffer is bounded: when Neo4j cannot take writes for long, the
oldest unwritten events are dropped with a warning rather than growing without limit. A
process that stops flushes what it holds (``close``); a process that is killed loses at most
the last ``flush_s`` seconds of reads, and of reads adding to an event it has already written,
at most the last ``repeat_flush_s`` seconds (see below).

Reads are coalesced: the reads of one learner by one key, for one operation and posting, within
one window of ``window_s`` seconds (aligned to the epoch, UTC; one hour by default) are one
event with a ``count`` and the times of its first and last read. The event's id is derived from
those five values, so the buffer merges repeated reads before a flush and the write merges them
into the event an earlier flush (or another API process) created. ``window_s=0`` keeps one event
per read. What a learner is entitled to see (organisation, key, operation, posting, when) is
all kept; only the times of the reads between an event's first and last are not.

A read that starts an event is written within ``flush_s``. Further reads of an event this
process has already written only raise its count and last read: they are held up to
``repeat_flush_s`` (30 s) and written together, so a recruiter paging the same posting again
and again costs the graph one small update per event every half minute rather than one per
flush.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from credmatch.domain.paging import Page, check_first, decode_cursor, encode_cursor, keyset_page
from credmatch.errors import GraphError, GraphUnavailableError
from credmatch.graph.queries import access as q
from credmatch.graph.store import GraphStore
from credmatch.keys import Principal

log = logging.getLogger("credmatch.access")

MAX_BUFFERED = 100_000
WRITE_BATCH = 2_000
PRUNE_BATCH = 10_000
PRUNE_EVERY_S = 3600.0
_KIND = "accessLog"


@dataclass(frozen=True)
class AccessEntry:
    id: str
    at: datetime  # the first read of the event
    last_at: datetime
    count: int
    operation: str
    key_id: str
    org_id: str | None
    org_name: str | None
    job_id: str | None


@dataclass
class _Pending:
    """Reads buffered for one event (one learner, key, operation, posting and window)."""

    id: str
    first: datetime
    last: datetime
    count: int
    operation: str
    key: str
    org: str | None
    learner: str
    job: str | None

    def absorb(self, other: _Pending) -> None:
        self.count += other.count
        self.first = min(self.first, other.first)
        self.last = max(self.last, other.last)

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "first": self.first, "last": self.last, "count": self.count,
            "operation": self.operation, "key": self.key, "org": self.org,
            "learner": self.learner, "job": self.job,
        }  # fmt: skip


def event_id(
    window_s: int, at: datetime, learner: str, key_id: str, operation: str, job_id: str | None
) -> str:
    """The id of the event a read belongs to: the same for every read of one learner by one
    key, for one operation and posting, in one window; a fresh id per read when ``window_s``
    is 0."""
    if window_s <= 0:
        return secrets.token_hex(12)
    window = int(at.timestamp()) // window_s
    parts = (learner, key_id, operation, job_id or "", str(window_s), str(window))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


class AccessLog:
    def __init__(
        self,
        store: GraphStore,
        *,
        retention_days: int = 365,
        flush_s: float = 1.0,
        window_s: int = 3600,
        repeat_flush_s: float = 30.0,
        enabled: bool = True,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._retention = timedelta(days=retention_days)
        self._flush_s = flush_s
        self._window_s = window_s
        self._repeat = timedelta(seconds=repeat_flush_s)
        self._written: set[str] = set()  # ids of events this process wrote in this window
        self._written_window = -1
        self._enabled = enabled
        self._now = now
        self._pending: dict[str, _Pending] = {}  # by event id, oldest first
        self._task: asyncio.Task[None] | None = None
        self._last_prune = 0.0
        self._closed = False
        self.dropped = 0  # reads dropped unwritten because the buffer was full

    @property
    def buffered(self) -> int:
        """Events waiting to be written (each may stand for several reads)."""
        return len(self._pending)

    def record(
        self, principal: Principal, operation: str, job_id: str | None, learners: Sequence[str]
    ) -> None:
        """Note that ``principal`` was shown these learners' evidence; returns at once."""
        if not self._enabled or not learners:
            return
        at = self._now()
        for learner in learners:
            eid = event_id(self._window_s, at, learner, principal.key_id, operation, job_id)
            pending = self._pending.get(eid)
            if pending is not None:
                pending.count += 1
                pending.last = max(pending.last, at)
                continue
            self._pending[eid] = _Pending(
                eid, at, at, 1, operation, principal.key_id, principal.org_id, learner, job_id
            )
        self._bound()
        self._schedule()

    def _schedule(self) -> None:
        if not self._closed and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self._flush_later())

    def _bound(self) -> None:
        extra = len(self._pending) - MAX_BUFFERED
        if extra <= 0:
            return
        for eid in list(islice(self._pending, extra)):
            self.dropped += self._pending.pop(eid).count
        log.warning("access log buffer full: dropped the %d oldest unwritten events", extra)

    async def _flush_later(self) -> None:
        while True:  # until nothing is left (reads held for repeat_flush_s keep it going)
            await asyncio.sleep(self._flush_s)
            await self.flush()
            if not self._pending or self._closed:
                return

    def _due(self, final: bool) -> list[str]:
        """Events to write now: new ones, and repeats held for ``repeat_flush_s``."""
        now = self._now()
        if self._window_s > 0:
            window = int(now.timestamp()) // self._window_s
            if window != self._written_window:  # a new window's reads have new ids
                self._written.clear()
                self._written_window = window
        return [
            eid
            for eid, p in self._pending.items()
            if final or eid not in self._written or now - p.first >= self._repeat
        ]

    async def flush(self, final: bool = False) -> int:
        """Write what is due (everything when ``final``) and prune, at most hourly; returns
        the reads written. Events that could not be written stay buffered for the next flush."""
        written = 0
        due = self._due(final)
        for start in range(0, len(due), WRITE_BATCH):
            ids = [eid for eid in due[start : start + WRITE_BATCH] if eid in self._pending]
            batch = [self._pending.pop(eid) for eid in ids]  # (some dropped while writing)
            try:
                rows = [p.row() for p in batch]
                await self._store.write(q.RECORD_ACCESS, {"rows": rows}, bump=False)
            except (GraphError, GraphUnavailableError) as e:
                self._restore(batch)
                log.warning(
                    "access log write deferred (%d events buffered): %s", len(self._pending), e
                )
                self._schedule()
                return written
            except asyncio.CancelledError:
                self._restore(batch)  # close() cancelled the background flush mid-write
                raise
            written += sum(p.count for p in batch)
            self._remember(batch)
        if time.monotonic() - self._last_prune >= PRUNE_EVERY_S:
            await self.prune()
        return written

    def _remember(self, batch: list[_Pending]) -> None:
        if self._window_s <= 0:
            return  # every read is its own event: nothing to add to
        if len(self._written) + len(batch) > MAX_BUFFERED:
            self._written.clear()  # only costs the next reads of these events a prompt write
        self._written.update(p.id for p in batch)

    def _restore(self, batch: list[_Pending]) -> None:
        """Put an unwritten batch back in front, merged with reads buffered since."""
        merged = {p.id: p for p in batch}
        for eid, pending in self._pending.items():
            if eid in merged:
                merged[eid].absorb(pending)
            else:
                merged[eid] = pending
        self._pending = merged
        self._bound()

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
        await self.flush(final=True)

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
    last = r["lastAt"]
    return AccessEntry(
        id=r["id"],
        at=native,
        last_at=last.to_native() if hasattr(last, "to_native") else last,
        count=int(r["count"]),
        operation=r["operation"],
        key_id=r["keyId"],
        org_id=r["orgId"],
        org_name=r["orgName"],
        job_id=r["jobId"],
    )

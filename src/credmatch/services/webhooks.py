"""Webhooks per organisation and their delivery worker.

Registration checks the URL against SSRF (webhooks/targets.py) and stores the signing
secret; deliveries are created by the match-table refresh (services/match_table.py) and sent
by :class:`DeliveryWorker`, which runs in the API's lifespan: it claims due deliveries in
Neo4j (atomically: two workers never send one delivery at once), signs them per Standard
Webhooks, posts them with httpx (no redirects), and records each attempt. A failed attempt
is retried with exponential backoff until the retry window closes; a worker that dies
mid-send leaves a claim whose lease runs out, so the delivery is sent again (at least once).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from credmatch.config import Settings
from credmatch.errors import CredmatchError, InputError, NotFoundError
from credmatch.graph.queries import webhooks as q
from credmatch.graph.store import GraphStore, Record
from credmatch.services.records import (
    DeliveryRecord,
    WebhookRecord,
    delivery_record,
    webhook_record,
)
from credmatch.webhooks import signing
from credmatch.webhooks.targets import TargetPolicy, UnsafeTargetError, check_target

log = logging.getLogger("credmatch.webhooks")
EVENT_TYPES = ("CANDIDATE_MATCHED", "CANDIDATE_UNMATCHED")
CLAIM_BATCH = 20
HISTORY_KEEP = 20  # attempts kept in a delivery's history


def target_policy(settings: Settings) -> TargetPolicy:
    return TargetPolicy.of(settings.webhook_allow_http, settings.webhook_hosts)


def webhook_not_found(webhook_id: str) -> NotFoundError:
    # The same words whether the webhook is missing or another organisation's.
    return NotFoundError(f"no webhook with id {webhook_id!r}")


@dataclass(frozen=True)
class Registration:
    url: str
    events: list[str]
    min_score: float
    job_id: str | None = None
    secret: str | None = None  # generated when None


class Webhooks:
    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self._store = store
        self._policy = target_policy(settings)

    async def register(self, org_id: str, reg: Registration) -> tuple[WebhookRecord, str]:
        """The stored webhook and its secret (shown to the caller once)."""
        events = sorted(set(reg.events))
        unknown = [e for e in events if e not in EVENT_TYPES]
        if not events or unknown:
            raise InputError(f"events: give one or more of {', '.join(EVENT_TYPES)}")
        if not 0 <= reg.min_score <= 1:
            raise InputError(f"minScore: {reg.min_score} is not between 0 and 1")
        secret = reg.secret if reg.secret is not None else signing.new_secret()
        signing.secret_key(secret)  # refuses a malformed secret with the field named
        await check_target(reg.url, self._policy)
        params = {
            "id": "wh_" + base64.b32encode(secrets.token_bytes(10)).decode().lower(),
            "org": org_id,
            "url": reg.url,
            "events": events,
            "minScore": reg.min_score,
            "jobId": reg.job_id,
            "secret": secret,
            "createdAt": _iso(datetime.now(UTC)),
        }
        rows = await self._store.write(q.CREATE_WEBHOOK, params, bump=False)
        if not rows:
            raise NotFoundError(f"no organisation with id {org_id!r}")
        return webhook_record(rows[0]["webhook"]), secret

    async def all(self, org_id: str | None) -> list[WebhookRecord]:
        rows = await self._store.read(q.LIST_WEBHOOKS, {"org": org_id})
        return [webhook_record(r["webhook"]) for r in rows]

    async def get(self, org_id: str | None, webhook_id: str) -> WebhookRecord:
        rows = await self._store.read(q.GET_WEBHOOK, {"org": org_id, "id": webhook_id})
        if not rows:
            raise webhook_not_found(webhook_id)
        return webhook_record(rows[0]["webhook"])

    async def delete(self, org_id: str | None, webhook_id: str) -> None:
        rows = await self._store.write(
            q.DELETE_WEBHOOK, {"org": org_id, "id": webhook_id}, bump=False
        )
        if not rows or not rows[0]["deleted"]:
            raise webhook_not_found(webhook_id)

    async def deliveries(
        self, org_id: str | None, webhook_id: str, first: int, after: str | None
    ) -> tuple[int, list[DeliveryRecord], bool]:
        """(total, page newest first, whether more follow); ``after`` is a delivery's key."""
        params = {"org": org_id, "id": webhook_id, "after": after, "limit": first + 1}
        rows = await self._store.read(q.DELIVERIES_PAGE, params)
        if not rows:
            raise webhook_not_found(webhook_id)
        page = rows[0]["page"]
        return int(rows[0]["total"]), [delivery_record(d) for d in page[:first]], len(page) > first


@dataclass(frozen=True)
class Attempt:
    status: str  # delivered | pending | failed
    http_status: int | None
    error: str | None
    next_at: float | None


class DeliveryWorker:
    """Sends due deliveries until cancelled; :meth:`wake` makes it look at once."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self._store = store
        self._s = settings
        self._policy = target_policy(settings)
        self._token = secrets.token_hex(8)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        # No kept-alive connections: receivers are many and each sees a delivery rarely, and a
        # connection parked in the pool would outlive the name check made before each attempt.
        async with httpx.AsyncClient(
            follow_redirects=False,
            timeout=self._s.webhook_timeout_s,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as client:
            while True:
                try:
                    sent = await self.run_once(client)
                except CredmatchError as e:  # Neo4j down: try again later
                    log.warning("webhook deliveries deferred: %s", e)
                    sent = 0
                except Exception:  # a bug must not stop every later delivery: log, go on
                    log.exception("webhook delivery pass failed; trying again")
                    sent = 0
                if sent:
                    continue  # there may be more due
                idle_s = await self._idle_s()  # first: a cancel here leaves no coroutine behind
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle_s)
                self._wake.clear()

    async def _idle_s(self) -> float:
        """Until the next delivery falls due, at most poll_s."""
        try:
            rows = await self._store.read(q.NEXT_DUE)
        except CredmatchError:  # Neo4j down: look again after the poll interval
            return self._s.webhook_poll_s
        due = rows[0]["next"] if rows else None
        wait = self._s.webhook_poll_s if due is None else float(due) - time.time()
        return min(max(wait, 0.05), self._s.webhook_poll_s)

    async def run_once(self, client: httpx.AsyncClient) -> int:
        """Claim and send what is due now; returns how many were attempted."""
        now = time.time()
        params = {
            "now": now,
            "limit": CLAIM_BATCH,
            "token": self._token,
            "leaseUntil": now + self._s.webhook_lease_s,
            "at": _iso(datetime.fromtimestamp(now, UTC)),
        }
        claimed = await self._store.write(q.CLAIM_DUE, params, bump=False)
        outcomes = await asyncio.gather(
            *(self._deliver(client, row) for row in claimed), return_exceptions=True
        )
        for row, outcome in zip(claimed, outcomes, strict=True):
            if isinstance(outcome, BaseException):  # its claim runs out and another worker retries
                log.warning("webhook delivery %s not recorded: %r", row["delivery"]["id"], outcome)
        return len(claimed)

    async def _deliver(self, client: httpx.AsyncClient, row: Record) -> None:
        delivery = row["delivery"]
        attempt = await self._send(client, row["url"], row["secret"], delivery)
        entry = f"{_iso(datetime.now(UTC))} {attempt.http_status or '-'} {attempt.error or 'ok'}"
        await self._store.write(
            q.RECORD_ATTEMPT,
            {
                "id": delivery["id"],
                "token": self._token,
                "status": attempt.status,
                "nextAttemptAt": attempt.next_at,
                "httpStatus": attempt.http_status,
                "error": attempt.error,
                "deliveredAt": _iso(datetime.now(UTC)) if attempt.status == "delivered" else None,
                "entry": entry[:300],
                "keep": HISTORY_KEEP,
            },
            bump=False,
        )

    async def _send(
        self, client: httpx.AsyncClient, url: str, secret: str, delivery: dict[str, Any]
    ) -> Attempt:
        body = signing.body(delivery)
        stamp = int(time.time())
        try:
            await check_target(url, self._policy)  # the host may point elsewhere by now
            response = await client.post(
                url, content=body, headers=signing.headers(secret, delivery["id"], stamp, body)
            )
        except UnsafeTargetError as e:
            return self._retry(delivery, None, str(e))
        except httpx.HTTPError as e:
            return self._retry(delivery, None, f"{type(e).__name__}: {e}"[:200])
        if 200 <= response.status_code < 300:
            return Attempt("delivered", response.status_code, None, None)
        return self._retry(delivery, response.status_code, f"HTTP {response.status_code}")

    def _retry(self, delivery: dict[str, Any], status: int | None, error: str) -> Attempt:
        delay = backoff_s(int(delivery["attempts"]), self._s)
        next_at = time.time() + delay
        if next_at > float(delivery["giveUpAt"]):
            log.info("webhook delivery %s failed for good: %s", delivery["id"], error)
            return Attempt("failed", status, error, None)
        return Attempt("pending", status, error, next_at)


def backoff_s(attempts: int, settings: Settings) -> float:
    """The wait after the ``attempts``-th failed attempt: base, 2 base, 4 base, ... capped."""
    exponent = min(max(attempts - 1, 0), 30)
    delay: float = settings.webhook_retry_base_s * 2**exponent
    return min(delay, settings.webhook_retry_max_delay_s)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")

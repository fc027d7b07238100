"""Presentation challenges: random, single use, short-lived, stored in Neo4j so every API
worker shares them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from credmatch.errors import InputError
from credmatch.graph.queries import challenges as q
from credmatch.graph.store import GraphStore

CHALLENGE_BYTES = 24  # 192 random bits (at least 128 are needed)


@dataclass(frozen=True)
class Challenge:
    value: str
    domain: str
    expires_at: datetime


class ChallengeRefusedError(InputError):
    """The challenge a presentation names is unknown, used, expired or for another domain."""


async def issue_challenge(
    store: GraphStore, domain: str, ttl_s: float, now: datetime | None = None
) -> Challenge:
    now = now or datetime.now(UTC)
    value = secrets.token_urlsafe(CHALLENGE_BYTES)
    expires = now + timedelta(seconds=ttl_s)
    await store.write(
        q.CREATE_CHALLENGE,
        {"value": value, "domain": domain, "now": now, "expiresAt": expires},
        bump=False,
    )
    return Challenge(value=value, domain=domain, expires_at=expires)


async def consume_challenge(
    store: GraphStore, value: str, domain: str, now: datetime | None = None
) -> None:
    """Use ``value`` up, or raise ChallengeRefusedError saying why it cannot be used.

    Atomic across workers: of two requests racing with the same challenge, one wins."""
    now = now or datetime.now(UTC)
    params = {"value": value, "domain": domain, "now": now}
    if await store.write(q.CONSUME_CHALLENGE, params, bump=False):
        return
    rows = await store.read(q.CHALLENGE_STATE, {"value": value})
    raise ChallengeRefusedError(_why(rows[0] if rows else None, value, domain))


async def purge_expired_challenges(
    store: GraphStore, now: datetime | None = None, limit: int = 10_000
) -> int:
    """Delete challenges past their expiry (the maintenance pass); how many went."""
    rows = await store.write(
        q.DELETE_EXPIRED_CHALLENGES, {"now": now or datetime.now(UTC), "limit": limit}, bump=False
    )
    return int(rows[0]["deleted"]) if rows else 0


def _why(row: dict[str, Any] | None, value: str, domain: str) -> str:
    short = value[:12] + "…"
    if row is None:
        return (
            f"challenge {short} is unknown (never issued here, or expired and cleaned up): "
            "ask POST /challenges for a fresh one and sign the presentation over it"
        )
    if row["usedAt"] is not None:
        return (
            f"challenge {short} was already used at {_iso(row['usedAt'])}: a presentation is "
            "accepted once (replay refused); sign a new one over a fresh challenge"
        )
    if row["domain"] != domain:
        return f"challenge {short} was issued for domain {row['domain']!r}, not {domain!r}"
    return (
        f"challenge {short} expired at {_iso(row['expiresAt'])}: ask POST /challenges for a "
        "fresh one"
    )


def _iso(value: Any) -> str:
    native = value.to_native() if hasattr(value, "to_native") else value
    return native.isoformat() if isinstance(native, datetime) else str(native)

"""Cypher for presentation challenges: ``(:Challenge {value, domain, expiresAt, usedAt,
attempts})``, shared by every API worker. The uniqueness constraint on ``Challenge.value``
comes from ``schema.NODE_KEYS``; times are Neo4j datetimes.
"""

from __future__ import annotations

CREATE_CHALLENGE = (
    "CREATE (c:Challenge {value: $value, domain: $domain, createdAt: $now, "
    "expiresAt: $expiresAt, attempts: 0}) "
    "RETURN c.value AS value, c.domain AS domain, c.expiresAt AS expiresAt"
)

# Single use, even with two workers racing: the first SET takes the node's write lock, so the
# WHERE below reads usedAt only once the lock is held, after any racing consume has committed.
# (A WHERE before the lock would let both transactions see usedAt IS NULL and both "win".)
CONSUME_CHALLENGE = """
MATCH (c:Challenge {value: $value})
SET c.attempts = coalesce(c.attempts, 0) + 1
WITH c
WHERE c.usedAt IS NULL AND c.expiresAt > $now AND c.domain = $domain
SET c.usedAt = $now
RETURN c.value AS value
"""

# Why a consume found nothing: unknown (never issued, or cleaned up), used, expired, or issued
# for another domain.
CHALLENGE_STATE = (
    "MATCH (c:Challenge {value: $value}) "
    "RETURN c.domain AS domain, c.expiresAt AS expiresAt, c.usedAt AS usedAt"
)

# The maintenance pass: challenges past their expiry can never be used again.
DELETE_EXPIRED_CHALLENGES = """
MATCH (c:Challenge) WHERE c.expiresAt < $now
WITH c LIMIT $limit
DELETE c
RETURN count(*) AS deleted
"""

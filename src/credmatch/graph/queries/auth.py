"""Cypher for API keys: ``(:ApiKey {id, hash, role, learnerId, orgId, issuerIds, label,
createdAt, lastUsedAt, revoked, revokedAt})``, and ``(:Organization)-[:HAS_KEY]->(:ApiKey)`` for
every key of a role that acts for an organisation (the organisation is created on first
use). The uniqueness constraint on ``ApiKey.id`` comes from ``schema.NODE_KEYS``.

Values are always ``$parameters``; never build Cypher from data. Listing queries never return
``hash``: only :data:`KEY_FOR_AUTH` reads it.
"""

from __future__ import annotations

# Returned by the create, list and revoke queries: everything but the hash.
_KEY_FIELDS = (
    "k.id AS id, k.role AS role, k.learnerId AS learnerId, k.orgId AS orgId, "
    "coalesce(k.issuerIds, []) AS issuerIds, k.label AS label, "
    "k.createdAt AS createdAt, k.lastUsedAt AS lastUsedAt, k.revoked AS revoked"
)

CREATE_KEY = f"""
CREATE (k:ApiKey {{id: $id, hash: $hash, role: $role, learnerId: $learnerId, orgId: $orgId,
                  issuerIds: $issuerIds, label: $label, createdAt: $createdAt, revoked: false}})
WITH k
CALL (k) {{
  WITH k WHERE $orgId IS NOT NULL
  MERGE (o:Organization {{id: $orgId}})
    ON CREATE SET o.name = coalesce($orgName, $orgId), o.createdAt = $createdAt
  SET o.name = coalesce($orgName, o.name)
  MERGE (o)-[:HAS_KEY]->(k)
}}
RETURN {_KEY_FIELDS}
"""

KEY_FOR_AUTH = (
    "MATCH (k:ApiKey {id: $id}) "
    "RETURN k.hash AS hash, k.role AS role, k.learnerId AS learnerId, k.orgId AS orgId, "
    "coalesce(k.issuerIds, []) AS issuerIds, k.revoked AS revoked"
)

LIST_KEYS = f"MATCH (k:ApiKey) RETURN {_KEY_FIELDS} ORDER BY k.createdAt, k.id"

REVOKE_KEY = (
    "MATCH (k:ApiKey {id: $id}) "
    "SET k.revoked = true, k.revokedAt = coalesce(k.revokedAt, $now) "
    f"RETURN {_KEY_FIELDS}"
)

# Coarse last-used stamp: the WHERE makes concurrent workers skip the write when another worker
# stamped the key recently, so an active key costs about one write per interval, not per request.
TOUCH_KEY = (
    "MATCH (k:ApiKey {id: $id}) "
    "WHERE k.lastUsedAt IS NULL OR k.lastUsedAt < $cutoff "
    "SET k.lastUsedAt = $now"
)

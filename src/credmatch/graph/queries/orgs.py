"""Cypher for organisations: ``(:Organization {id, name, createdAt})-[:HAS_KEY]->(:ApiKey)``
and ``(:Organization)-[:OWNS]->(:JobPosting)``. A key's organisation is also stored on the key
(``orgId``) and a posting's on the posting (``ownerId``), so authentication and the ownership
checks read one node; the relationships make the model traversable (``orgs list``, erasure).
"""

from __future__ import annotations

LIST_ORGS = """
MATCH (o:Organization)
RETURN o.id AS id, o.name AS name,
       [(o)-[:HAS_KEY]->(k:ApiKey) | k {.id, .role, .label, .revoked, .issuerIds}] AS keys,
       COUNT { (o)-[:OWNS]->(:JobPosting) } AS postings
ORDER BY o.id
"""

ORG_NAMES = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
RETURN o.id AS id, o.name AS name
"""

# Keys made before organisations existed (roles that need one) join the `default` org.
MIGRATE_KEYS = """
MATCH (k:ApiKey)
WHERE k.role IN ['jobboard', 'recruiter', 'issuer'] AND k.orgId IS NULL
MERGE (o:Organization {id: $org})
  ON CREATE SET o.name = $org, o.createdAt = datetime()
SET k.orgId = $org
MERGE (o)-[:HAS_KEY]->(k)
RETURN count(k) AS migrated
"""

# Postings loaded before organisations existed: owned by `default`, their id is their
# external id (so every existing id keeps working).
MIGRATE_POSTINGS = """
MATCH (j:JobPosting)
WHERE j.ownerId IS NULL
MERGE (o:Organization {id: $org})
  ON CREATE SET o.name = $org, o.createdAt = datetime()
SET j.ownerId = $org, j.externalId = coalesce(j.externalId, j.id)
MERGE (o)-[:OWNS]->(j)
RETURN count(j) AS migrated
"""

"""Cypher for learner-submitted presentations (challenges are in ``challenges``)."""

from __future__ import annotations

# A learner who signs in with a presentation exists from then on (not discoverable until they
# opt in), with or without credentials.
ENSURE_LEARNER = """
MERGE (l:Learner {id: $id})
  ON CREATE SET l.discoverable = false, l.createdAt = datetime()
RETURN l.id AS id
"""

# Who already holds, and which issuer issued, the credentials a presentation names: a
# presentation may add a credential or refresh its own, never take over another's id.
CREDENTIAL_OWNERS = """
UNWIND $ids AS id
MATCH (c:Credential {id: id})
OPTIONAL MATCH (l:Learner)-[:HOLDS]->(c)
RETURN c.id AS id, c.issuerId AS issuerId, collect(l.id) AS holders
"""

"""Cypher for consent and erasure."""

from __future__ import annotations

SET_DISCOVERABLE = """
MATCH (l:Learner {id: $id})
SET l.discoverable = $discoverable, l.consentChangedAt = datetime(),
    l.matchesStale = true  // a match-table rebuild racing this change may have read the old value
RETURN l.id AS id
"""

# Erasure removes the learner, their credentials, keys bound to them and their access log;
# achievements and issuers stay (they are the issuers' catalog, not personal data).
ERASE_LEARNER = """
MATCH (l:Learner {id: $id})
OPTIONAL MATCH (l)-[:HOLDS]->(c:Credential)
OPTIONAL MATCH (k:ApiKey {learnerId: $id})
WITH l, collect(DISTINCT c) AS credentials, collect(DISTINCT k) AS keys
FOREACH (c IN credentials | DETACH DELETE c)
FOREACH (k IN keys | DETACH DELETE k)
WITH l
CALL (l) {
  MATCH (e:AccessEvent) WHERE e.learnerId = l.id
  DELETE e
}
DETACH DELETE l
RETURN count(*) AS erased
"""

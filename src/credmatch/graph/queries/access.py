"""Cypher for the access log: ``(:AccessEvent {id, at, operation, keyId, orgId, learnerId,
jobId})-[:BY]->(:Organization), -[:ABOUT]->(:Learner), -[:FOR]->(:JobPosting)``.

The ids are kept as properties as well: the learner's log is read through the
``(learnerId, at)`` index, and an event stays readable after its posting is deleted.
"""

from __future__ import annotations

# One batch of events; learners erased since the read are skipped (nothing to attach to).
RECORD_ACCESS = """
UNWIND $rows AS r
MATCH (l:Learner {id: r.learner})
CREATE (e:AccessEvent {id: r.id, at: r.at, operation: r.operation, keyId: r.key,
                       orgId: r.org, learnerId: r.learner, jobId: r.job})
CREATE (e)-[:ABOUT]->(l)
WITH e, r
CALL (e, r) {
  MATCH (o:Organization {id: r.org})
  CREATE (e)-[:BY]->(o)
}
CALL (e, r) {
  MATCH (j:JobPosting {id: r.job})
  CREATE (e)-[:FOR]->(j)
}
RETURN count(e) AS recorded
"""

# Newest first; the keyset is (at, id) of the last event seen ($at null: the first page).
LEARNER_ACCESS_PAGE = """
CALL () {
  MATCH (e:AccessEvent) WHERE e.learnerId = $learner
  RETURN count(e) AS total
}
CALL () {
  MATCH (e:AccessEvent)
  WHERE e.learnerId = $learner
    AND ($at IS NULL OR e.at > datetime($at) OR (e.at = datetime($at) AND e.id >= $id))
  RETURN count(e) AS before
}
CALL () {
  MATCH (e:AccessEvent)
  WHERE e.learnerId = $learner
    AND ($at IS NULL OR e.at < datetime($at) OR (e.at = datetime($at) AND e.id < $id))
  WITH e ORDER BY e.at DESC, e.id DESC LIMIT $first
  OPTIONAL MATCH (o:Organization {id: e.orgId})
  RETURN collect({id: e.id, at: e.at, operation: e.operation, keyId: e.keyId, orgId: e.orgId,
                  orgName: o.name, jobId: e.jobId}) AS page
}
RETURN total, before, page
"""

PRUNE_ACCESS = """
MATCH (e:AccessEvent) WHERE e.at < $cutoff
WITH e LIMIT $limit
DETACH DELETE e
RETURN count(*) AS pruned
"""

"""Cypher for the access log: ``(:AccessEvent {id, at, lastAt, count, operation, keyId, orgId,
learnerId, jobId})``, one node per learner, key, operation, posting and window (``at`` is the
first read, ``lastAt`` the last, ``count`` how many; see services/access_log.py), read through
the ``(learnerId, at)`` index. Events written before coalescing have no ``count``/``lastAt``
and read as one read at ``at``.

Beyond DESIGN.md, which drew ``BY``/``ABOUT``/``FOR`` relationships: an event holds the ids as
properties and no relationships. Measured at 100k learners (docs/benchmarks.md), the
relationships cost ``candidates`` 14 % at p95 sequentially and 40 % under 4 clients, because
every event locked and appended to the same few nodes (the organisation, the posting, which the
match-table refresh also locks, and the learner); as properties an event is one node written
next to nothing. Nothing needs the traversal: the learner's log is an index range, erasure and
pruning find events by property, and an event stays readable after its posting is deleted.
"""

from __future__ import annotations

# One batch of events; learners erased since the read are skipped (the MATCH reads the
# learner through its unique index and takes no lock). An event an earlier batch created (the
# same id: same learner, key, operation, posting and window) gets the new reads added: only
# unindexed properties change, so a repeated read writes no index entry.
RECORD_ACCESS = """
UNWIND $rows AS r
MATCH (l:Learner {id: r.learner})
MERGE (e:AccessEvent {id: r.id})
  ON CREATE SET e.at = r.first, e.lastAt = r.last, e.count = r.count,
                e.operation = r.operation, e.keyId = r.key, e.orgId = r.org,
                e.learnerId = r.learner, e.jobId = r.job
  ON MATCH SET e.count = coalesce(e.count, 1) + r.count,
               e.lastAt = CASE WHEN e.lastAt IS NULL OR r.last > e.lastAt
                               THEN r.last ELSE e.lastAt END
RETURN count(*) AS recorded
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
  RETURN collect({id: e.id, at: e.at, lastAt: coalesce(e.lastAt, e.at),
                  count: coalesce(e.count, 1), operation: e.operation, keyId: e.keyId,
                  orgId: e.orgId, orgName: o.name, jobId: e.jobId}) AS page
}
RETURN total, before, page
"""

PRUNE_ACCESS = """
MATCH (e:AccessEvent) WHERE e.at < $cutoff
WITH e LIMIT $limit
DELETE e
RETURN count(*) AS pruned
"""

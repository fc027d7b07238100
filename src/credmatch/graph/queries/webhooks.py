"""Cypher for webhooks and their deliveries:
``(:Organization)-[:SUBSCRIBES]->(:Webhook)-[:DELIVERED]->(:Delivery)``.

A webhook holds its signing secret (``secret``, the ``whsec_`` string) so deliveries can be
signed; no query returns it except CLAIM_DUE, which hands it to the delivery worker. A
delivery is created by the match-table refresh (ENQUEUE_DELIVERIES, in the refresh's own
transaction) as ``pending``; a worker claims it (``sending``, with a lease), sends it and
records the result: ``delivered``, ``pending`` again with a later ``nextAttemptAt``, or
``failed`` once the retry window is over. A claim whose worker died is due again when its
lease runs out. Times are epoch seconds (floats) except ``createdAt``/``lastAttemptAt``/
``deliveredAt`` (ISO 8601 UTC).
"""

from __future__ import annotations

_PUBLIC = "w {.id, .orgId, .url, .events, .minScore, .jobId, .createdAt}"

CREATE_WEBHOOK = f"""
MATCH (o:Organization {{id: $org}})
CREATE (o)-[:SUBSCRIBES]->(w:Webhook {{
  id: $id, orgId: $org, url: $url, events: $events, minScore: $minScore, jobId: $jobId,
  secret: $secret, createdAt: $createdAt
}})
RETURN {_PUBLIC} AS webhook
"""

# $org null: every organisation's (admin keys).
LIST_WEBHOOKS = f"""
MATCH (w:Webhook)
WHERE $org IS NULL OR w.orgId = $org
RETURN {_PUBLIC} AS webhook
ORDER BY w.createdAt, w.id
"""

GET_WEBHOOK = f"""
MATCH (w:Webhook {{id: $id}})
WHERE $org IS NULL OR w.orgId = $org
RETURN {_PUBLIC} AS webhook
"""

DELETE_WEBHOOK = """
MATCH (w:Webhook {id: $id})
WHERE $org IS NULL OR w.orgId = $org
OPTIONAL MATCH (w)-[:DELIVERED]->(d:Delivery)
WITH w, collect(d) AS deliveries
FOREACH (d IN deliveries | DETACH DELETE d)
DETACH DELETE w
RETURN count(*) AS deleted
"""

ANY_WEBHOOK = "MATCH (w:Webhook) RETURN w.id AS id LIMIT 1"

# $changes: [{job, learner, old, new}] from domain/events.score_changes (old/new null: no row).
# One delivery per webhook of the posting's organisation whose threshold the change crosses.
ENQUEUE_DELIVERIES = """
UNWIND $changes AS c
MATCH (o:Organization)-[:OWNS]->(:JobPosting {id: c.job})
MATCH (o)-[:SUBSCRIBES]->(w:Webhook)
WHERE w.jobId IS NULL OR w.jobId = c.job
WITH w, c,
     coalesce(c.old, -1.0) >= w.minScore AS before, coalesce(c.new, -1.0) >= w.minScore AS after
WITH w, c, CASE WHEN after AND NOT before THEN 'CANDIDATE_MATCHED'
                WHEN before AND NOT after THEN 'CANDIDATE_UNMATCHED' END AS type
WHERE type IS NOT NULL AND type IN w.events
WITH w, c, type, 'msg_' + replace(randomUUID(), '-', '') AS id
CREATE (w)-[:DELIVERED]->(d:Delivery {
  id: id, key: $createdAt + '|' + id, type: type, jobId: c.job, learnerId: c.learner,
  score: c.new, previousScore: c.old, createdAt: $createdAt, status: 'pending', attempts: 0,
  nextAttemptAt: $now, giveUpAt: $giveUpAt, history: []
})
RETURN count(d) AS deliveries
"""

# Claiming: the SET takes each delivery's write lock before the status is read again, so two
# workers never both claim one delivery (the second sees the first's 'sending').
_DUE = (
    "((d.status = 'pending' AND d.nextAttemptAt <= $now) "
    "OR (d.status = 'sending' AND d.leaseUntil <= $now))"
)
CLAIM_DUE = f"""
MATCH (d:Delivery)
WHERE {_DUE}
WITH d ORDER BY d.nextAttemptAt LIMIT $limit
SET d.claimLock = $token
WITH d
WHERE {_DUE}
MATCH (w:Webhook)-[:DELIVERED]->(d)
SET d.status = 'sending', d.claim = $token, d.leaseUntil = $leaseUntil,
    d.attempts = d.attempts + 1, d.lastAttemptAt = $at
REMOVE d.claimLock
RETURN d {{.id, .type, .jobId, .learnerId, .score, .previousScore, .createdAt, .attempts,
          .giveUpAt}} AS delivery,
       w.url AS url, w.secret AS secret, w.id AS webhook
"""

# Only the claim holder records (a worker whose lease ran out and was re-claimed does not).
RECORD_ATTEMPT = """
MATCH (d:Delivery {id: $id})
WHERE d.claim = $token AND d.status = 'sending'
SET d.status = $status, d.nextAttemptAt = $nextAttemptAt, d.lastResponseStatus = $httpStatus,
    d.lastError = $error, d.deliveredAt = $deliveredAt, d.leaseUntil = null, d.claim = null,
    d.history = (coalesce(d.history, []) + [$entry])[-$keep..]
RETURN d.id AS id
"""

NEXT_DUE = """
MATCH (d:Delivery) WHERE d.status IN ['pending', 'sending']
RETURN min(coalesce(d.leaseUntil, d.nextAttemptAt)) AS next
"""

_DELIVERY = (
    "d {.id, .type, .jobId, .learnerId, .score, .previousScore, .createdAt, .status, .attempts, "
    ".nextAttemptAt, .lastAttemptAt, .lastResponseStatus, .lastError, .deliveredAt, .history, "
    ".key}"
)

# Newest first; $after is the key of the last delivery the client saw (null: first page).
DELIVERIES_PAGE = f"""
MATCH (w:Webhook {{id: $id}})
WHERE $org IS NULL OR w.orgId = $org
CALL (w) {{ MATCH (w)-[:DELIVERED]->(d:Delivery) RETURN count(d) AS total }}
CALL (w) {{
  MATCH (w)-[:DELIVERED]->(d:Delivery)
  WHERE $after IS NULL OR d.key < $after
  WITH d ORDER BY d.key DESC LIMIT $limit
  RETURN collect({_DELIVERY}) AS page
}}
RETURN total, page
"""

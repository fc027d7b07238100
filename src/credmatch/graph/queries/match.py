"""Cypher for ranking candidates, explaining matches and finding gap-closing achievements.

Ranking is a traversal over precomputed SATISFIED_BY edges: the requirement -> achievement
pairs are read once (small), then every holder of those achievements is aggregated in one
query; evidence rows are fetched only for the learners on the page.
"""

from __future__ import annotations

from credmatch.graph.queries.fragments import (
    ACHIEVEMENT_COLUMNS,
    COSINE,
    COUNTED,
    CREDENTIAL_FILTERS,
    ISSUER_SKILL_URIS,
    LEARNERS_FILTER,
    RANKED_ROWS,
    SIMILARITY,
    TRUST,
)

# One posting with its requirements and links; JOBS_WITH_REQUIREMENTS reads a page of them in
# one round trip (jobPostings), rows in no particular order.
_JOB_BODY = """
OPTIONAL MATCH (j)-[:REQUIRES]->(r:Requirement)
WITH j, r ORDER BY r.position
WITH j, [x IN collect(r {
    .id, .text, .kind, .required, .weight, .section, .position, .parts,
    links: [(r)-[s:SATISFIED_BY]->(a:Achievement) | {achievement: a.id, similarity: s.similarity}],
    skills: [(r)-[n:NEEDS]->(k:Skill) | {uri: k.uri, label: k.label, score: n.score}]
  }) WHERE x.id IS NOT NULL] AS requirements
RETURN j {.id, .title, .organization, .description, .datePosted, .validThrough, .url,
          .ownerId, .externalId} AS job,
       COLLECT { MATCH (o:Organization {id: j.ownerId}) RETURN o.name }[0] AS ownerName,
       requirements,
       // Whether the stored ranking (queries/matches.py) may be read, and the graph version
       // the ranked-page cache is keyed by, read in the same round trip.
       j.matchesPolicy AS matchesPolicy,
       coalesce(j.matchesStale, false)
         OR EXISTS { MATCH (l:Learner) WHERE l.matchesStale = true } AS matchesStale,
       COLLECT { OPTIONAL MATCH (m:Meta {id: 'graph'}) RETURN coalesce(m.version, 0) }[0]
         AS version
"""
JOB_WITH_REQUIREMENTS = "MATCH (j:JobPosting {id: $id})" + _JOB_BODY
JOBS_WITH_REQUIREMENTS = "UNWIND $ids AS jid MATCH (j:JobPosting {id: jid})" + _JOB_BODY

# Scores, filters, orders and pages every holder inside Neo4j, so only one page of learner
# ids crosses the wire whatever the population. $trust maps "verdict|issuerTrusted" to the
# weight TrustPolicy gives it (computed in the domain layer, not here); the order is
# the domain's rank() order: score (9 decimals), then required met, then learner id.
RANK_CANDIDATES = f"""
UNWIND $pairs AS p
MATCH (:Achievement {{id: p.achievement}})<-[:ATTESTS]-(c:Credential)<-[:HOLDS]-(l:Learner)
{COUNTED}{LEARNERS_FILTER}{CREDENTIAL_FILTERS}
WITH l, p.requirement AS req, max(p.similarity * {TRUST}) AS value
WHERE value > 0
WITH l, sum($weights[req] * value) / $totalWeight AS score,
     sum(CASE WHEN $required[req] AND value >= $gap THEN 1 ELSE 0 END) AS met
WHERE round(score, 9) >= $minScore AND (NOT $allRequiredMet OR met = $requiredTotal)
WITH l.id AS learner, score, met
{RANKED_ROWS}"""

# Every counted credential behind a learner's coverage, for the learners on one page. It
# starts from the page's learners (a few credentials each), never from the achievements'
# holders; $links maps achievement id -> [{requirement, similarity}].
EVIDENCE_DETAIL = f"""
UNWIND $learners AS lid
MATCH (l:Learner {{id: lid}})-[:HOLDS]->(c:Credential)-[:ATTESTS]->(a:Achievement)
{COUNTED}{CREDENTIAL_FILTERS}
UNWIND coalesce($links[a.id], []) AS p
OPTIONAL MATCH (i:Issuer {{id: c.issuerId}})
RETURN l.id AS learner, p.requirement AS requirement, c.id AS credential, a.id AS achievement,
       a.name AS achievementName, c.issuerId AS issuer, i.name AS issuerName,
       c.issuerTrusted AS trusted, c.verdict AS verdict, p.similarity AS similarity,
       c.validFrom AS validFrom, c.validUntil AS validUntil, c.issued AS issued
"""

LEARNER_NAMES = """
UNWIND $ids AS id
MATCH (l:Learner {id: id})
RETURN l.id AS id, l.displayName AS displayName, l.discoverable AS discoverable
"""

# Achievements a learner could earn to close gaps: what they offer, stacking, not yet held.
OFFERS = f"""
UNWIND $ids AS id
MATCH (a:Achievement {{id: id}})
WHERE NOT EXISTS {{ (:Learner {{id: $learner}})-[:HOLDS]->(:Credential)-[:ATTESTS]->(a) }}
OPTIONAL MATCH (i:Issuer)-[:OFFERS]->(a)
RETURN {ACHIEVEMENT_COLUMNS},
       {ISSUER_SKILL_URIS} AS skills
"""

# What a learner holds through credentials whose verdict counts: each achievement, the skills
# its issuer aligned it to, and what it stacks into (gap plans leave out what is held and
# prefer what the learner is on the way to).
HOLDINGS = f"""
MATCH (:Learner {{id: $learner}})-[:HOLDS]->(c:Credential)-[:ATTESTS]->(a:Achievement)
WHERE c.verdict IN $verdicts
WITH DISTINCT a
RETURN a.id AS achievement,
       {ISSUER_SKILL_URIS} AS skills,
       [(a)-[:STACKS_INTO]->(w:Achievement) | w.id] AS stacksInto
"""

# Ad-hoc skills: achievements near a free-text skill (vector index) or aligned to a skill URI,
# none below the evidence floor (as for SATISFIED_BY edges, queries/link.py).
ACHIEVEMENTS_NEAR_TEXT = f"""
CALL db.index.vector.queryNodes('achievement_embedding', $k, $vector) YIELD node, score
WITH node, {COSINE} AS cosine
WHERE cosine >= $floor
WITH node, {SIMILARITY} AS similarity
WHERE similarity >= $evidenceFloor
RETURN node.id AS achievement, similarity
"""

ACHIEVEMENTS_FOR_SKILL = """
MATCH (s:Skill {uri: $uri})<-[e:ALIGNS_TO]-(a:Achievement)
WITH a, max(e.score) AS similarity
WHERE similarity >= $evidenceFloor
RETURN a.id AS achievement, similarity
"""

SKILL_LABEL = "MATCH (s:Skill {uri: $uri}) RETURN s.label AS label"

"""Cypher for ``learnerOpportunities``: read from the match table (MATCHES edges) and the
requirement -> achievement links, so its cost follows the learner's own rows, not the number
of postings or learners.

A requirement is *open* for the learner when it is required, not of kind ``condition`` (a
missing kind is a skill), and the learner's best counted evidence for it (similarity × the
trust ``$trust`` gives the credential) is below ``$gap``: the same value and threshold the
match table's ``met`` count uses.
"""

from __future__ import annotations

from credmatch.graph.queries.fragments import ISSUER_SKILL_URIS, MATCHED, TRUST

# The learner's postings, closest first: the match table's order (score, then required met),
# then the posting id.
CLOSEST_POSTINGS = """
MATCH (:Learner {id: $learner})-[m:MATCHES]->(j:JobPosting)
RETURN j.id AS job, m.score AS score, m.met AS met
ORDER BY round(m.score, 9) DESC, m.met DESC, j.id
LIMIT $first
"""

# For every achievement the learner does not hold: the postings (among the learner's rows in
# the match table) where a verified credential for it would close at least one open required
# requirement (at similarity $minSimilarity or more, as in gap plans), and how many such
# requirements. Most postings first; then more requirements;
# the caller applies the remaining preferences (trust, hours, what the learner holds).
DOOR_OPENERS = f"""
MATCH (l:Learner {{id: $learner}})-[:MATCHES]->(j:JobPosting)-[:REQUIRES]->(r:Requirement)
WHERE r.required AND {MATCHED}
OPTIONAL MATCH (r)-[s:SATISFIED_BY]->(:Achievement)<-[:ATTESTS]-(c:Credential)<-[:HOLDS]-(l)
WHERE c.verdict IN $verdicts
WITH l, j, r, max(coalesce(s.similarity * {TRUST}, 0.0)) AS value
WHERE value < $gap
MATCH (r)-[o:SATISFIED_BY]->(a:Achievement)
WHERE o.similarity >= $minSimilarity
  AND NOT EXISTS {{ (l)-[:HOLDS]->(:Credential)-[:ATTESTS]->(a) }}
OPTIONAL MATCH (i:Issuer)-[:OFFERS]->(a)
WITH j, r, a, i,
     o.similarity * coalesce($trust['verified|' + toString(coalesce(i.trusted, false))], 0.0)
       AS planned
WHERE planned >= $gap
WITH a, i, count(DISTINCT j) AS doors, count(DISTINCT r) AS closes,
     collect(DISTINCT j.id) AS jobs
ORDER BY doors DESC, closes DESC, a.id
LIMIT $candidates
RETURN a {{.id, .name, .hours, .credits}} AS achievement, i {{.id, .name, .trusted}} AS issuer,
       doors, closes, jobs,
       {ISSUER_SKILL_URIS} AS skills,
       [(a)-[:STACKS_INTO]->(w:Achievement) | w.id] AS stacksInto
"""

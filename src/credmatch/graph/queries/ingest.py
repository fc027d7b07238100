"""Cypher for loading issuers, achievements, credentials, skills, occupations and postings.

Every statement takes a batch as ``$rows`` and UNWINDs it, so a load is one round trip per
batch; MERGE on the node keys makes re-running a load change nothing.
"""

from __future__ import annotations

UPSERT_ISSUERS = """
UNWIND $rows AS r
MERGE (i:Issuer {id: r.id})
SET i += r.props
"""

# An achievement definition is shared by all its holders. A text change clears the embedding
# so the linker re-embeds it; properties absent from this load keep their value.
UPSERT_ACHIEVEMENTS = """
UNWIND $rows AS r
MERGE (a:Achievement {id: r.id})
SET a += r.props,
    a.embedding = CASE WHEN a.textHash = r.textHash THEN a.embedding ELSE null END,
    a.linkedAt = CASE WHEN a.textHash = r.textHash THEN a.linkedAt ELSE null END,
    a.textHash = r.textHash,
    a.offeredBy = r.issuer
WITH a, r
MATCH (i:Issuer {id: r.issuer})
MERGE (i)-[:OFFERS]->(a)
"""

# A credential's embedded copy of an achievement only creates it when the catalog does not
# have it: the issuer's published definition stays authoritative, and another issuer cannot
# attach itself to an achievement it does not offer.
ADD_ACHIEVEMENTS_FROM_CREDENTIALS = """
UNWIND $rows AS r
MERGE (a:Achievement {id: r.id})
  ON CREATE SET a += r.props, a.textHash = r.textHash, a.offeredBy = r.issuer
WITH a, r
WHERE a.offeredBy = r.issuer
MATCH (i:Issuer {id: r.issuer})
MERGE (i)-[:OFFERS]->(a)
"""

# A new alignment links the achievement again: what it is aligned to decides whether it is
# evidence about another skill (queries/link.py).
ALIGN_ACHIEVEMENTS = """
UNWIND $rows AS r
MATCH (a:Achievement {id: r.achievement})
MERGE (s:Skill {uri: r.uri})
  ON CREATE SET s.label = r.label, s.framework = r.framework, s.stub = true
MERGE (a)-[e:ALIGNS_TO {source: 'issuer'}]->(s)
  ON CREATE SET a.linkedAt = null
SET e.score = 1.0
"""

STACK_ACHIEVEMENTS = """
UNWIND $rows AS r
MATCH (part:Achievement {id: r.source}), (whole:Achievement {id: r.target})
MERGE (part)-[:STACKS_INTO]->(whole)
"""

UPSERT_CREDENTIALS = """
UNWIND $rows AS r
MERGE (l:Learner {id: r.learner})
  ON CREATE SET l.discoverable = false, l.createdAt = datetime()
SET l.matchesStale = true
MERGE (c:Credential {id: r.id})
SET c += r.props
MERGE (l)-[:HOLDS]->(c)
WITH c, r
MATCH (a:Achievement {id: r.achievement})
MERGE (c)-[:ATTESTS]->(a)
WITH c, r
MATCH (i:Issuer {id: r.issuer})
MERGE (i)-[:ISSUED]->(c)
"""

SET_LEARNER_PROFILES = """
UNWIND $rows AS r
MATCH (l:Learner {id: r.id})
SET l.discoverable = r.discoverable, l.displayName = r.displayName, l.matchesStale = true
"""

UPSERT_SKILLS = """
UNWIND $rows AS r
MERGE (s:Skill {uri: r.uri})
SET s.label = r.label, s.altLabels = r.altLabels, s.altText = r.altText,
    s.description = r.description, s.skillType = r.skillType, s.framework = r.framework,
    s.stub = false,
    s.embedding = CASE WHEN s.textHash = r.textHash THEN s.embedding ELSE null END,
    s.textHash = r.textHash
"""

UPSERT_OCCUPATIONS = """
UNWIND $rows AS r
MERGE (o:Occupation {uri: r.uri})
SET o.label = r.label, o.altLabels = r.altLabels, o.description = r.description,
    o.code = r.code, o.framework = r.framework
"""

RELATE_OCCUPATION_SKILL = """
UNWIND $rows AS r
MATCH (o:Occupation {uri: r.source}), (s:Skill {uri: r.target})
FOREACH (_ IN CASE WHEN r.kind = 'ESSENTIAL' THEN [1] ELSE [] END | MERGE (o)-[:ESSENTIAL]->(s))
FOREACH (_ IN CASE WHEN r.kind = 'OPTIONAL' THEN [1] ELSE [] END | MERGE (o)-[:OPTIONAL]->(s))
"""

RELATE_SKILLS = """
UNWIND $rows AS r
MATCH (a:Skill {uri: r.source}), (b:Skill {uri: r.target})
FOREACH (_ IN CASE WHEN r.kind = 'BROADER' THEN [1] ELSE [] END | MERGE (a)-[:BROADER]->(b))
FOREACH (_ IN CASE WHEN r.kind = 'RELATED' THEN [1] ELSE [] END | MERGE (a)-[:RELATED]->(b))
"""

# Postings are addressed by (owner organisation, external id): the board's own identifier is
# unique within its organisation only. A posting whose content hash is unchanged keeps its
# requirements and links.
POSTING_HASH = """
MATCH (j:JobPosting {ownerId: $org, externalId: $externalId})
RETURN j.id AS id, j.contentHash AS contentHash
"""

# MERGE on the composite key (a uniqueness constraint) so that two concurrent creates of one
# posting make one node; the global id is set once, on creation.
REPLACE_POSTING = """
MERGE (o:Organization {id: $org})
  ON CREATE SET o.name = $org, o.createdAt = datetime()
MERGE (j:JobPosting {ownerId: $org, externalId: $externalId})
  ON CREATE SET j.id = $id
MERGE (o)-[:OWNS]->(j)
SET j += $props, j.matchesStale = true
WITH j
OPTIONAL MATCH (j)-[:REQUIRES]->(old:Requirement)
DETACH DELETE old
WITH DISTINCT j
UNWIND $requirements AS r
CREATE (j)-[:REQUIRES]->(q:Requirement)
SET q = r
"""

# Who owns a posting: the API checks it before any write or ranking.
POSTING_OWNER = "MATCH (j:JobPosting {id: $id}) RETURN j.ownerId AS ownerId"

DELETE_POSTING = """
MATCH (j:JobPosting {id: $id})
WHERE $org IS NULL OR j.ownerId = $org
OPTIONAL MATCH (j)-[:REQUIRES]->(r:Requirement)
DETACH DELETE r, j
RETURN count(DISTINCT j) AS deleted
"""

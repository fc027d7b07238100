"""Cypher for browsing: postings, achievements, issuers, skills, learner profiles."""

from __future__ import annotations

from credmatch.graph.queries.fragments import ACHIEVEMENT_COLUMNS

# Postings in (title, id) order, keyset-paged: $title/$id are the last row seen ($title null
# for the first page); $owner limits them to one organisation's (null: all).
_POSTING_FILTER = """($owner IS NULL OR j.ownerId = $owner)
  AND ($search IS NULL OR toLower(coalesce(j.title, '')) CONTAINS toLower($search)
       OR toLower(coalesce(j.organization, '')) CONTAINS toLower($search))"""

JOB_POSTINGS = f"""
CALL () {{
  MATCH (j:JobPosting) WHERE {_POSTING_FILTER}
  RETURN count(j) AS total
}}
CALL () {{
  MATCH (j:JobPosting)
  WHERE {_POSTING_FILTER} AND $title IS NOT NULL
    AND (coalesce(j.title, '') < $title OR (coalesce(j.title, '') = $title AND j.id <= $id))
  RETURN count(j) AS before
}}
CALL () {{
  MATCH (j:JobPosting)
  WHERE {_POSTING_FILTER}
    AND ($title IS NULL OR coalesce(j.title, '') > $title
         OR (coalesce(j.title, '') = $title AND j.id > $id))
  WITH j ORDER BY coalesce(j.title, ''), j.id LIMIT $first
  RETURN collect({{id: j.id, title: coalesce(j.title, '')}}) AS page
}}
RETURN total, before, page
"""

ACHIEVEMENTS = f"""
MATCH (i:Issuer)-[:OFFERS]->(a:Achievement)
WHERE ($issuer IS NULL OR i.id = $issuer)
  AND ($search IS NULL OR toLower(a.name) CONTAINS toLower($search)
       OR toLower(coalesce(a.description, '')) CONTAINS toLower($search))
RETURN {ACHIEVEMENT_COLUMNS}
ORDER BY a.name, a.id LIMIT $first
"""

ACHIEVEMENTS_BY_ID = f"""
UNWIND $ids AS id
MATCH (a:Achievement {{id: id}})
OPTIONAL MATCH (i:Issuer)-[:OFFERS]->(a)
RETURN {ACHIEVEMENT_COLUMNS}
"""

ACHIEVEMENT_SKILLS = """
UNWIND $ids AS id
MATCH (a:Achievement {id: id})
RETURN a.id AS id,
       [(a)-[e:ALIGNS_TO]->(s:Skill) | {uri: s.uri, label: s.label, score: e.score,
                                         source: e.source}] AS skills
"""

ISSUERS = """
MATCH (i:Issuer)
RETURN i.id AS id, i.name AS name, coalesce(i.trusted, false) AS trusted,
       COUNT { (i)-[:OFFERS]->(:Achievement) } AS achievementCount
ORDER BY i.name, i.id
"""

SKILL_TEXT_SEARCH = """
CALL db.index.fulltext.queryNodes('skill_text', $query, {limit: $first}) YIELD node, score
RETURN node.uri AS uri, node.label AS label, score
"""

LEARNER_PROFILE = """
MATCH (l:Learner {id: $id})
RETURN l.id AS id, l.displayName AS displayName, coalesce(l.discoverable, false) AS discoverable,
       [(l)-[:HOLDS]->(c:Credential)-[:ATTESTS]->(a:Achievement) |
          {id: c.id, achievementId: a.id, achievementName: a.name, issuerId: c.issuerId,
           issuerTrusted: c.issuerTrusted, verdict: c.verdict, validFrom: c.validFrom,
           validUntil: c.validUntil}] AS credentials
"""

ISSUER_NAMES = """
UNWIND $ids AS id
MATCH (i:Issuer {id: id})
RETURN i.id AS id, i.name AS name
"""

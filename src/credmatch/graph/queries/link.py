"""Cypher for embedding nodes and computing the links ranking traverses.

Neo4j's cosine vector index scores are (1 + cosine) / 2; the queries convert them back to
the cosine so thresholds mean what the embedding model means.

Three rules hold for every SATISFIED_BY edge, so that everything reading the edges (live
ranking, the match table, explanations, gaps, skillGap) agrees without checking again:
- a requirement of kind 'condition' (a licence a regulator issues, a shift pattern, ...) has
  none: it is never matched against achievements;
- an edge's similarity is at least $evidenceFloor (the evidence floor: below it an
  achievement is not plausibly about the requirement); PRUNE_WEAK_EVIDENCE removes edges a
  raised floor no longer allows;
- evidence about *another* skill is held at $otherSkill (see _OTHER_SKILL): when the
  requirement names a taxonomy skill, an achievement its issuer aligned only to other skills
  does not meet it, however similar the sentences are.
"""

from __future__ import annotations

from credmatch.graph.queries.fragments import COSINE, MATCHED, SIMILARITY

# The links of requirement r and achievement a by their vector-index neighbours (`score`):
# kept from cosine $floor, with the calibrated similarity, when it reaches the evidence floor.
_NEAR = f", {COSINE} AS cosine\nWHERE cosine >= $floor"
_LINK_NEAR = f"""
WITH r, a, cosine, {SIMILARITY} AS similarity
WHERE similarity >= $evidenceFloor
MERGE (r)-[s:SATISFIED_BY]->(a)
SET s.cosine = cosine, s.similarity = similarity, s.otherSkill = null
"""
# The taxonomy path: the requirement needs a skill the achievement is aligned to (by its
# issuer, or by the linker). A similarity through it is the product of the two link scores.
_LINK_VIA = """
WITH r, a, max(n.score * e.score) AS via
WHERE via >= $minVia AND via >= $evidenceFloor
MERGE (r)-[s:SATISFIED_BY]->(a)
SET s.viaSkill = via, s.otherSkill = null,
    s.similarity = CASE WHEN coalesce(s.similarity, 0.0) >= via THEN s.similarity ELSE via END
"""

# Evidence about another skill. The requirement *names* a skill when its NEEDS link to it
# scores at least $namedAt (the linker is sure: "build scaffolding" names ESCO's "build
# scaffolding"). Achievement `a` is about another skill when its issuer aligned it to skills
# and none of them is a named one or narrower than one: "Construct working platform" is not
# "build scaffolding", though the sentences are close. Narrower means below it in the
# taxonomy's hierarchy (BROADER links, from ESCO's broader relations or a custom taxonomy's
# parents, up to four levels) or a label that holds the named label as whole words: ESCO's skill
# "implement cloud security and compliance" and its knowledge "cloud security and compliance"
# are one competence, and "Jenkins (tools for software configuration management)" is one of
# the tools named; a broader skill ("computer programming" for "Python (computer
# programming)") is not. An achievement whose name holds
# the requirement's words ("Data Visualisation and Storytelling" for "data visualisation") is
# about it, whatever its alignments. Only alignments to skills in the taxonomy judge: one to
# another framework (a stub Skill) says nothing either way. Evidence about another skill has
# its similarity held at
# $otherSkill, below the gap threshold, so it counts toward the score but never meets the
# requirement alone; the postings whose rankings this changes are flagged. Rows (r, a, s) in,
# nothing out.
_WORDS_OPEN = "' ' + replace(replace(replace(replace(toLower("
_WORDS_CLOSE = "), '(', ' '), ')', ' '), ',', ' '), '/', ' ') + ' '"
_NARROWER = (
    "k = t OR EXISTS { (t)-[:BROADER*1..4]->(k) } OR "
    + _WORDS_OPEN + "t.label" + _WORDS_CLOSE
    + " CONTAINS " + _WORDS_OPEN + "k.label" + _WORDS_CLOSE
)  # fmt: skip
_NAMED_IN_TITLE = (
    _WORDS_OPEN + "coalesce(a.name, '')" + _WORDS_CLOSE
    + " CONTAINS " + _WORDS_OPEN + "r.text" + _WORDS_CLOSE
)  # fmt: skip
_OTHER_SKILL = f"""
WITH r, a, s, [(r)-[n:NEEDS]->(k:Skill) WHERE n.score >= $namedAt | k] AS named,
     [(a)-[:ALIGNS_TO {{source: 'issuer'}}]->(t:Skill) WHERE NOT coalesce(t.stub, false) | t]
     AS taught
WHERE s.similarity > $otherSkill AND size(named) > 0 AND size(taught) > 0
  AND none(t IN taught WHERE any(k IN named WHERE {_NARROWER}))
  AND NOT {_NAMED_IN_TITLE}
SET s.similarity = $otherSkill, s.otherSkill = true
WITH DISTINCT r
MATCH (j:JobPosting)-[:REQUIRES]->(r)
SET j.matchesStale = true
"""

PENDING_ACHIEVEMENTS = """
MATCH (a:Achievement) WHERE a.embedding IS NULL AND a.name IS NOT NULL
RETURN a.id AS id, a.name AS name, coalesce(a.description, a.criteria, '') AS description
LIMIT $limit
"""

PENDING_REQUIREMENTS = """
MATCH (r:Requirement) WHERE r.embedding IS NULL AND r.text IS NOT NULL
RETURN r.id AS id, r.text AS text, r.context AS context, coalesce(r.parts, []) AS parts
LIMIT $limit
"""

PENDING_SKILLS = """
MATCH (s:Skill) WHERE s.embedding IS NULL AND s.label IS NOT NULL
RETURN s.uri AS id, s.label AS label, coalesce(s.description, '') AS description
LIMIT $limit
"""

SET_ACHIEVEMENT_VECTORS = """
UNWIND $rows AS row
MATCH (n:Achievement {id: row.id})
CALL db.create.setNodeVectorProperty(n, 'embedding', row.vector)
"""

SET_REQUIREMENT_VECTORS = """
UNWIND $rows AS row
MATCH (n:Requirement {id: row.id})
CALL db.create.setNodeVectorProperty(n, 'embedding', row.vector)
"""

SET_SKILL_VECTORS = """
UNWIND $rows AS row
MATCH (n:Skill {uri: row.id})
CALL db.create.setNodeVectorProperty(n, 'embedding', row.vector)
"""

# Requirement -> Achievement from the requirement's side (a posting arrived) ...
UNLINKED_REQUIREMENTS = f"""
MATCH (r:Requirement) WHERE r.linkedAt IS NULL AND r.embedding IS NOT NULL
  AND {MATCHED}
RETURN r.id AS id LIMIT $limit
"""

LINK_REQUIREMENTS = (
    """
UNWIND $ids AS rid
MATCH (r:Requirement {id: rid})
CALL db.index.vector.queryNodes('achievement_embedding', $k, r.embedding) YIELD node, score
WITH r, node AS a"""
    + _NEAR
    + _LINK_NEAR
)

LINK_REQUIREMENTS_VIA_SKILLS = (
    """
UNWIND $ids AS rid
MATCH (r:Requirement {id: rid})-[n:NEEDS]->(:Skill)<-[e:ALIGNS_TO]-(a:Achievement)"""
    + _LINK_VIA
)

OTHER_SKILL_OF_REQUIREMENTS = (
    """
UNWIND $ids AS rid
MATCH (r:Requirement {id: rid})-[s:SATISFIED_BY]->(a:Achievement)"""
    + _OTHER_SKILL
)

# Marking also flags what the new links change in the match table (see queries/matches.py):
# the posting, when a requirement was linked; the holders, when an achievement was.
MARK_REQUIREMENTS_LINKED = """
UNWIND $ids AS rid
MATCH (r:Requirement {id: rid})
SET r.linkedAt = datetime()
WITH r
MATCH (j:JobPosting)-[:REQUIRES]->(r)
SET j.matchesStale = true
"""

# Evidence a raised floor no longer allows: removed once per floor value (the graph records the
# floor its edges were made under; the link pass reads it first and writes only on a change),
# flagging the postings whose rankings change.
EVIDENCE_RULES_IN_FORCE = """
OPTIONAL MATCH (m:Meta {id: 'evidence'})
RETURN m.floor AS floor, m.otherSkillRules AS otherSkillRules
"""

PRUNE_WEAK_EVIDENCE = """
MERGE (m:Meta {id: 'evidence'})
SET m.floor = $evidenceFloor
WITH DISTINCT m
MATCH (j:JobPosting)-[:REQUIRES]->(:Requirement)-[s:SATISFIED_BY]->(:Achievement)
WHERE s.similarity < $evidenceFloor
SET j.matchesStale = true
DELETE s
"""

# Other-skill rules changed: every link is made again (achievements drop their old edges when
# relinked), and the graph records the rules its edges were made under.
RELINK_ALL_EVIDENCE = """
MERGE (m:Meta {id: 'evidence'})
SET m.otherSkillRules = $otherSkillRules
WITH DISTINCT m
CALL () { MATCH (r:Requirement) WHERE r.linkedAt IS NOT NULL REMOVE r.linkedAt }
CALL () { MATCH (a:Achievement) WHERE a.linkedAt IS NOT NULL REMOVE a.linkedAt }
"""

# ... and from the achievement's side (a new achievement arrived after the postings).
UNLINKED_ACHIEVEMENTS = """
MATCH (a:Achievement) WHERE a.linkedAt IS NULL AND a.embedding IS NOT NULL
RETURN a.id AS id LIMIT $limit
"""

LINK_ACHIEVEMENTS = (
    f"""
UNWIND $ids AS aid
MATCH (a:Achievement {{id: aid}})
OPTIONAL MATCH (a)<-[old:SATISFIED_BY]-(:Requirement)
DELETE old
WITH DISTINCT a
CALL db.index.vector.queryNodes('requirement_embedding', $k, a.embedding) YIELD node, score
WITH a, node AS r{_NEAR} AND {MATCHED}"""
    + _LINK_NEAR
)

LINK_ACHIEVEMENTS_VIA_SKILLS = f"""
UNWIND $ids AS aid
MATCH (a:Achievement {{id: aid}})-[e:ALIGNS_TO]->(:Skill)<-[n:NEEDS]-(r:Requirement)
WHERE {MATCHED}{_LINK_VIA}"""

# New or relinked achievements: the same rule on their evidence.
OTHER_SKILL_OF_ACHIEVEMENTS = (
    """
UNWIND $ids AS aid
MATCH (r:Requirement)-[s:SATISFIED_BY]->(a:Achievement {id: aid})"""
    + _OTHER_SKILL
)

MARK_ACHIEVEMENTS_LINKED = """
UNWIND $ids AS aid
MATCH (a:Achievement {id: aid})
SET a.linkedAt = datetime()
WITH a
MATCH (a)<-[:ATTESTS]-(:Credential)<-[:HOLDS]-(l:Learner)
SET l.matchesStale = true
"""

# Skill links from the linker (computed in the API process over the taxonomy).
ALL_SKILL_DOCS = """
MATCH (s:Skill) WHERE s.label IS NOT NULL
RETURN s.uri AS uri, s.label AS label, coalesce(s.altLabels, []) AS altLabels,
       coalesce(s.description, '') AS description
ORDER BY s.uri
"""

UNNEEDED_REQUIREMENTS = f"""
MATCH (r:Requirement) WHERE r.skillsLinkedAt IS NULL AND {MATCHED}
RETURN r.id AS id, r.text AS text, coalesce(r.parts, []) AS parts LIMIT $limit
"""

# A requirement's skills decide the taxonomy path and the other-skill rule, so new ones link
# it again (a requirement linked before any skill linker existed gets both on the next pass).
SET_NEEDS = """
UNWIND $rows AS row
MATCH (r:Requirement {id: row.id})
OPTIONAL MATCH (r)-[old:NEEDS]->(:Skill)
DELETE old
WITH DISTINCT r, row
SET r.skillsLinkedAt = datetime(), r.linkedAt = null
WITH r, row
UNWIND row.skills AS sk
MATCH (s:Skill {uri: sk.uri})
MERGE (r)-[n:NEEDS]->(s)
SET n.score = sk.score
"""

UNALIGNED_ACHIEVEMENTS = """
MATCH (a:Achievement) WHERE a.skillsLinkedAt IS NULL
RETURN a.id AS id, a.name AS name, coalesce(a.description, '') AS description LIMIT $limit
"""

SET_EMBEDDING_ALIGNMENTS = """
UNWIND $rows AS row
MATCH (a:Achievement {id: row.id})
OPTIONAL MATCH (a)-[old:ALIGNS_TO {source: 'embedding'}]->(:Skill)
DELETE old
WITH DISTINCT a, row
SET a.skillsLinkedAt = datetime()
WITH a, row
UNWIND row.skills AS sk
MATCH (s:Skill {uri: sk.uri})
MERGE (a)-[e:ALIGNS_TO {source: 'embedding'}]->(s)
SET e.score = sk.score
"""

# Re-embedding with another model: forget every vector and every link made from vectors.
FORGET_VECTORS = """
CALL {
  MATCH (n) WHERE n:Achievement OR n:Requirement OR n:Skill
  REMOVE n.embedding, n.linkedAt, n.skillsLinkedAt
} IN TRANSACTIONS OF 5000 ROWS
"""

FORGET_VECTOR_LINKS = """
CALL {
  MATCH ()-[e:SATISFIED_BY|NEEDS]->() DELETE e
} IN TRANSACTIONS OF 5000 ROWS
"""

FORGET_EMBEDDING_ALIGNMENTS = """
CALL {
  MATCH ()-[e:ALIGNS_TO {source: 'embedding'}]->() DELETE e
} IN TRANSACTIONS OF 5000 ROWS
"""

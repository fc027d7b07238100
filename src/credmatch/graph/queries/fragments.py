"""Pieces of Cypher that several statements share, each written once here.

The matching rules are specified in ``domain/scoring.py`` (coverage = best similarity × trust,
the weighted mean, the rank order); the statements that compute them inside Neo4j (live
ranking in ``match.py``, the match table in ``matches.py``, door openers in
``opportunities.py``) and the links they traverse (``link.py``) compose these fragments at
import time, so a rule changed here changes every statement that uses it. Like every module
in this package this one holds only constants: fixed text, never built from input.
"""

from __future__ import annotations

# --- similarity ------------------------------------------------------------------------------

# Neo4j's cosine vector index scores are (1 + cosine) / 2: back to the cosine (of `score`).
COSINE = "2 * score - 1"
# The calibrated similarity of `cosine`: 0 at $floor, rising linearly to 1 at $full.
SIMILARITY = "CASE WHEN cosine >= $full THEN 1.0 ELSE (cosine - $floor) / ($full - $floor) END"

# Requirement `r` is matched against achievements (a 'condition' never is; no kind is a skill).
MATCHED = "coalesce(r.kind, 'skill') <> 'condition'"

# --- trust -----------------------------------------------------------------------------------

# The trust of credential `c` from the "verdict|issuerTrusted" tables TrustPolicy builds
# (domain/scoring.py trust_table): $trust under the query's policy, $vtrust under verifiedOnly.
TRUST_KEY = "toString(coalesce(c.verdict, '')) + '|' + toString(coalesce(c.issuerTrusted, false))"
TRUST = f"coalesce($trust[{TRUST_KEY}], 0.0)"
VTRUST = f"coalesce($vtrust[{TRUST_KEY}], 0.0)"

# --- scoring a (learner, posting) -----------------------------------------------------------

# The counted evidence the match table scores, as rows (l, j, r, s, c): every holder of posting
# $job's linked achievements, or every posting linked to what the learners $ids hold.
JOB_EVIDENCE = """
MATCH (j:JobPosting {id: $job})-[:REQUIRES]->(r:Requirement)-[s:SATISFIED_BY]->(:Achievement)
      <-[:ATTESTS]-(c:Credential)<-[:HOLDS]-(l:Learner)
WHERE c.verdict IN $verdicts
"""
LEARNER_EVIDENCE = """
UNWIND $ids AS id
MATCH (l:Learner {id: id})-[:HOLDS]->(c:Credential)-[:ATTESTS]->(:Achievement)
      <-[s:SATISFIED_BY]-(r:Requirement)<-[:REQUIRES]-(j:JobPosting)
WHERE c.verdict IN $verdicts
"""

# From rows (l, j, r, s, c) of counted evidence to one row per (learner, posting): the best
# value per requirement under each trust table, their weighted sums over the posting's total
# weight, the required-met counts (value at least $gap) and how many requirements have verified
# evidence: (l, j, score, met, vscore, vmet, vcount). The match table's rebuilds, whole
# (matches.py) and cut (match_depth.py), both score with it.
SCORE_VALUES = f"""
WITH l, j, r, max(s.similarity * {TRUST}) AS value, max(s.similarity * {VTRUST}) AS vvalue
WHERE value > 0
WITH l, j,
     sum(r.weight * value) AS wsum, sum(r.weight * vvalue) AS vwsum,
     sum(CASE WHEN r.required AND value >= $gap THEN 1 ELSE 0 END) AS met,
     sum(CASE WHEN r.required AND vvalue >= $gap THEN 1 ELSE 0 END) AS vmet,
     sum(CASE WHEN vvalue > 0 THEN 1 ELSE 0 END) AS vcount
WITH l, j, wsum, vwsum, met, vmet, vcount,
     reduce(t = 0.0, w IN COLLECT {{ MATCH (j)-[:REQUIRES]->(x:Requirement) RETURN x.weight }}
            | t + w) AS total
WHERE total > 0
WITH l, j, wsum / total AS score, met, vwsum / total AS vscore, vmet, vcount
"""

# --- filters on counted evidence (live ranking and its explanation) --------------------------

# Credential `c` of learner `l` counts: its verdict is one the policy counts, and the learner
# consented (or the caller may see learners who did not).
COUNTED = "WHERE c.verdict IN $verdicts\n  AND (l.discoverable OR NOT $consentRequired)"
LEARNERS_FILTER = "\n  AND ($learners IS NULL OR l.id IN $learners)"
CREDENTIAL_FILTERS = (
    "\n  AND ($issuers IS NULL OR c.issuerId IN $issuers)"
    "\n  AND ($issuedAfter IS NULL OR coalesce(c.issued, c.validFrom) >= $issuedAfter)"
)

# --- catalog achievements ------------------------------------------------------------------

# Achievement `a`, its issuer `i` (null when none) and what it stacks into, as the columns
# services/records.py (achievement_record) reads: achievement, issuer, stacksInto.
ACHIEVEMENT_COLUMNS = (
    "a {.id, .name, .description, .criteria, .achievementType, .credits, .hours,\n"
    "          .fieldOfStudy} AS achievement, i {.id, .name, .trusted} AS issuer,\n"
    "       [(a)-[:STACKS_INTO]->(w:Achievement) | w {.id, .name}] AS stacksInto"
)
# The skills achievement `a`'s issuer aligned it to (gap plans: what an achievement teaches).
ISSUER_SKILL_URIS = "[(a)-[:ALIGNS_TO {source: 'issuer'}]->(s:Skill) | s.uri]"

# --- the rank key ----------------------------------------------------------------------------

# The domain's rank() order as one string that sorts ascending: ten digits of
# 10^9 - round(score, 9) * 10^9 (higher score first), four of 9999 - met (more required met
# first), then the learner id (ties by id). Written once and cut where the names of the score,
# met and id go, because the default ranking (score, met), the verified-only one (vscore, vmet)
# and a ranked row (score, met, learner) fill in different names.
_SCORE_DIGITS = "right('0000000000' + toString(1000000000 - toInteger(round(round("
_MET_DIGITS = ", 9) * 1000000000))), 10) + right('0000' + toString(9999 - "
_ID_PART = "), 4) + "
# The order key of a ranked row (learner, score, met): a rank key without its consent digit.
ORDER_KEY = _SCORE_DIGITS + "score" + _MET_DIGITS + "met" + _ID_PART + "learner"

# A stored rank key starts with the learner's consent digit ('1' discoverable, '0' not), so
# consenting learners are one contiguous range of the (job, rankKey) index.
CONSENT_DIGIT = "CASE WHEN l.discoverable THEN '1' ELSE '0' END"
RANK_KEY = f"{CONSENT_DIGIT} + {_SCORE_DIGITS}score{_MET_DIGITS}met{_ID_PART}l.id"
VRANK_KEY = f"{CONSENT_DIGIT} + {_SCORE_DIGITS}vscore{_MET_DIGITS}vmet{_ID_PART}l.id"
# Where the learner id starts in a rank key (1 + 10 + 4 characters before it).
ID_AT = "15"

# A keyset page of ranked rows (learner, score, met, key) in key order: $after is the order
# key of the last row the client saw ('' for the first page).
KEYSET_PAGE = """
WITH collect({learner: learner, score: score, met: met, key: key}) AS ranked
WITH ranked, [r IN ranked WHERE r.key > $after] AS rest
RETURN size(ranked) AS total, size(ranked) - size(rest) AS before, rest[..$first] AS page
"""
# Ranked rows (learner, score, met) in order, paged.
RANKED_ROWS = f"""WITH learner, score, met, {ORDER_KEY} AS key
ORDER BY key
{KEYSET_PAGE}"""

# Pieces of a keyset page read from the match table's (job, rankKey) index, in order, for the
# whole table (matches.py RANKED_PAGE) and the cut one (match_depth.py RANKED_PAGE_TOP). Each
# is cut where a property name starts, so the verified-only page puts a 'v' there (vrankKey,
# vscore, vmet).
TABLE_FROM_1 = "rankKey >= '1' AND m."
TABLE_UP_TO_FROM = "rankKey <= $from AND m."
TABLE_AFTER_FROM = "rankKey > $from AND m."
TABLE_ORDERED = "  WITH m ORDER BY m.job, m."
TABLE_LIMITED = "rankKey LIMIT $first\n  RETURN collect({learner: substring(m."
TABLE_KEY = f"rankKey, {ID_AT}), key: substring(m."
TABLE_SCORE = "rankKey, 1),\n                   score: m."
TABLE_MET = "score, met: m."

"""Cypher for the match table: one (:Learner)-[:MATCHES]->(:JobPosting) edge per learner who
has any counted evidence for a posting, holding what RANK_CANDIDATES (``match.py``) computes
at query time: the score and required-met count under the default trust policy (``score``,
``met``) and under ``verifiedOnly`` (``vscore``, ``vmet``; ``vcount`` is the number of
requirements with verified-only evidence, 0 meaning the learner drops out).

``rankKey`` / ``vrankKey`` encode the ranking order as one string so that a range index on
``(job, rankKey)`` returns a posting's candidates already ranked and a page costs its own
size, not the posting's population: a consent digit ('1' discoverable, '0' not), ten digits of
10^9 - round(score, 9) * 10^9 (higher score first), four of 9999 - met (more required met
first), then the learner id (ties by id). A learner's consent change re-keys their edges.

Writes that change a ranking set ``matchesStale`` on the posting or the learners they touch,
in their own transaction; a refresh recomputes those, first taking the node's write lock by
clearing the flag, so a write landing during a refresh flags the node again instead of being
lost.
"""

from __future__ import annotations

from credmatch.graph.queries.fragments import (
    CONSENT_DIGIT,
    JOB_EVIDENCE,
    LEARNER_EVIDENCE,
    RANK_KEY,
    RANKED_ROWS,
    SCORE_VALUES,
    TABLE_AFTER_FROM,
    TABLE_FROM_1,
    TABLE_KEY,
    TABLE_LIMITED,
    TABLE_MET,
    TABLE_ORDERED,
    TABLE_SCORE,
    TABLE_UP_TO_FROM,
    VRANK_KEY,
)

# The per-(learner, requirement) best values and their weighted sums; shared by both refreshes
# so a posting's table and a learner's rows come from the same formula.
_SCORE_ROWS = f"""{SCORE_VALUES}CREATE (l)-[:MATCHES {{
  job: j.id, score: score, met: met, vscore: vscore, vmet: vmet, vcount: vcount,
  rankKey: {RANK_KEY},
  vrankKey: CASE WHEN vcount > 0 THEN {VRANK_KEY} END
}}]->(j)
RETURN count(*) AS rows
"""

# --- one posting -----------------------------------------------------------------------------

CLAIM_JOB = """
MATCH (j:JobPosting {id: $job})
REMOVE j.matchesStale
SET j.matchesPolicy = $policy
"""

CLEAR_JOB = "MATCH (:JobPosting {id: $job})<-[m:MATCHES]-(:Learner) DELETE m"

BUILD_JOB = f"""{JOB_EVIDENCE}{_SCORE_ROWS}"""

# --- a batch of learners ---------------------------------------------------------------------

CLAIM_LEARNERS = """
UNWIND $ids AS id
MATCH (l:Learner {id: id})
REMOVE l.matchesStale
"""

CLEAR_LEARNERS = """
UNWIND $ids AS id
MATCH (:Learner {id: id})-[m:MATCHES]->(:JobPosting)
DELETE m
"""

BUILD_LEARNERS = f"""{LEARNER_EVIDENCE}{_SCORE_ROWS}"""

# A consent change: the learner's edges move between the discoverable and hidden key ranges.
REKEY_LEARNERS = f"""
UNWIND $ids AS id
MATCH (l:Learner {{id: id}})-[m:MATCHES]->(:JobPosting)
WITH m, {CONSENT_DIGIT} AS digit
SET m.rankKey = digit + substring(m.rankKey, 1),
    m.vrankKey = CASE WHEN m.vrankKey IS NULL THEN null ELSE digit + substring(m.vrankKey, 1) END
"""

# --- what needs refreshing -------------------------------------------------------------------

STALE_JOBS = """
MATCH (j:JobPosting)
WHERE j.matchesStale = true OR j.matchesPolicy IS NULL OR j.matchesPolicy <> $policy
RETURN j.id AS id ORDER BY id LIMIT $limit
"""

STALE_LEARNERS = """
MATCH (l:Learner) WHERE l.matchesStale = true
RETURN l.id AS id LIMIT $limit
"""

MARK_ALL_JOBS_STALE = "MATCH (j:JobPosting) SET j.matchesStale = true"

# A credential verified while in force stops counting when its validUntil passes: its verdict
# becomes expired (as the verifier would now say) and its holder's rows are recomputed.
EXPIRE_DUE = """
MATCH (c:Credential)
WHERE c.expiresAt <= $now AND c.verdict IN ['verified', 'unverifiable']
WITH c LIMIT $limit
SET c.verdict = 'expired', c.checkedAt = $checkedAt,
    c.reasons = coalesce(c.reasons, []) + ['validity_period: expired at '
      + coalesce(c.validUntil, toString(datetime({epochSeconds: c.expiresAt})))]
WITH c
MATCH (l:Learner)-[:HOLDS]->(c)
SET l.matchesStale = true
RETURN count(DISTINCT c) AS expired
"""

# --- reading one posting's ranking -----------------------------------------------------------

# Keyset pages: $from is '1' + the order key (rank key without its consent digit) of the last
# row the client saw ('1' alone for the first page); a page is the keys after it. Discoverable
# learners scoring at least the minimum are the keys in ['1', $upper): counted from the index,
# with the rows before the page (for ranks), and the page read in index order (ORDER BY both
# index properties, so the planner reads the index in order and stops after the page).
# The verified-only ranking's properties are the default ones with a 'v' in front (vrankKey,
# vscore, vmet), so both pages are one text, cut before each of those properties and joined
# with '' (RANKED_PAGE) or 'v' (VERIFIED_RANKED_PAGE). Written out for the default ranking:
#   CALL () { MATCH ()-[m:MATCHES]->() WHERE m.job = $job AND m.rankKey >= '1'
#             AND m.rankKey < $upper RETURN count(m) AS total }
#   CALL () { ... same, AND m.rankKey <= $from ... RETURN count(m) AS before }
#   CALL () { ... WHERE m.job = $job AND m.rankKey > $from AND m.rankKey < $upper
#             WITH m ORDER BY m.job, m.rankKey LIMIT $first
#             RETURN collect({learner: substring(m.rankKey, 15), key: substring(m.rankKey, 1),
#                             score: m.score, met: m.met}) AS page }
#   RETURN total, before, page
_OF_JOB = "\n  MATCH ()-[m:MATCHES]->()\n  WHERE m.job = $job AND m."
_BELOW_UPPER = "rankKey < $upper\n"
_TOTAL = f"\nCALL () {{{_OF_JOB}"
_BEFORE = f"  RETURN count(m) AS total\n}}\nCALL () {{{_OF_JOB}"
_ROWS = f"  RETURN count(m) AS before\n}}\nCALL () {{{_OF_JOB}"
_END = "met}) AS page\n}\nRETURN total, before, page\n"
RANKED_PAGE = (
    f"{_TOTAL}{TABLE_FROM_1}{_BELOW_UPPER}{_BEFORE}{TABLE_FROM_1}{TABLE_UP_TO_FROM}{_BELOW_UPPER}"
    f"{_ROWS}{TABLE_AFTER_FROM}{_BELOW_UPPER}{TABLE_ORDERED}{TABLE_LIMITED}{TABLE_KEY}{TABLE_SCORE}{TABLE_MET}{_END}"
)
VERIFIED_RANKED_PAGE = (
    f"{_TOTAL}v{TABLE_FROM_1}v{_BELOW_UPPER}{_BEFORE}v{TABLE_FROM_1}v{TABLE_UP_TO_FROM}v{_BELOW_UPPER}"
    f"{_ROWS}v{TABLE_AFTER_FROM}v{_BELOW_UPPER}{TABLE_ORDERED}v{TABLE_LIMITED}v{TABLE_KEY}v{TABLE_SCORE}v{TABLE_MET}v{_END}"
)

# Filters the keys do not order by (all required met, or no consent needed): the same filters,
# order and page as RANK_CANDIDATES over the posting's stored values, one row per holder.
RANK_FROM_MATCHES = f"""
MATCH (:JobPosting {{id: $job}})<-[m:MATCHES]-(l:Learner)
WHERE (l.discoverable OR NOT $consentRequired) AND (m.vcount > 0 OR NOT $verifiedOnly)
WITH l.id AS learner,
     CASE WHEN $verifiedOnly THEN m.vscore ELSE m.score END AS score,
     CASE WHEN $verifiedOnly THEN m.vmet ELSE m.met END AS met
WHERE round(score, 9) >= $minScore
  AND (NOT $allRequiredMet OR met = $requiredTotal)
{RANKED_ROWS}"""

# --- match events (domain/events.py): the consented rows a rebuild is about to replace and
# the rows it made, read in the rebuild's own transaction ---------------------------------------

JOB_SCORES = """
MATCH (:JobPosting {id: $job})<-[m:MATCHES]-(l:Learner)
WHERE l.discoverable = true
RETURN m.job AS job, l.id AS learner, m.score AS score
"""

LEARNER_SCORES = """
UNWIND $ids AS id
MATCH (l:Learner {id: id})-[m:MATCHES]->(:JobPosting)
WHERE l.discoverable = true
RETURN m.job AS job, l.id AS learner, m.score AS score
"""

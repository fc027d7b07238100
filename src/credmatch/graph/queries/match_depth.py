"""Cypher for a match table that keeps each posting's top slice (CREDMATCH_MATCH_TABLE_DEPTH).

The whole table (``matches.py``) holds one edge per (learner with evidence, posting): it grows
as learners x postings. With a depth K, a posting's rebuild keeps the K best rows in the
default order and the K best in the verified-only order (order keys: rank keys without their
consent digit, so hidden learners count too and a consent change moves no row in or out), and
records on the posting the order key of the K-th row of each order (``matchesFloor``,
``matchesVFloor``; absent when the posting has K rows or fewer in that order: then its table
is whole). The invariant every reader relies on: **every learner whose order key is at or
before the floor has a row**. A learner refresh keeps it by writing a row only when the
learner's new key is at or before a floor (or the posting's table is whole); a learner who
falls behind the floor loses the row, as the invariant allows. The consented learners with
evidence at the rebuild are counted too (``matchesShown``, ``matchesVShown``): the estimate
``totalCount`` gives where the table cannot count exactly.

Readers bound every read by the floor: a page that ends before it is exact; a page that would
cross it is ranked live instead (``match.RANK_CANDIDATES``).
"""

from __future__ import annotations

from credmatch.graph.queries.fragments import (
    CONSENT_DIGIT,
    JOB_EVIDENCE,
    LEARNER_EVIDENCE,
    RANK_KEY,
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

# Order keys: the row's rank key (fragments.RANK_KEY / VRANK_KEY) without its consent digit.
_KEYED = f"""
WITH l, j, score, met, vscore, vmet, vcount, substring({RANK_KEY}, 1) AS okey,
     CASE WHEN vcount > 0 THEN substring({VRANK_KEY}, 1) END AS vokey
"""

_CREATE_ROW = f"""
CREATE (l)-[:MATCHES {{
  job: j.id, score: x.score, met: x.met, vscore: x.vscore, vmet: x.vmet, vcount: x.vcount,
  rankKey: {CONSENT_DIGIT} + x.okey,
  vrankKey: CASE WHEN x.vokey IS NOT NULL THEN {CONSENT_DIGIT} + x.vokey END
}}]->(j)
"""

# --- one posting: its top $depth rows in each order -------------------------------------------

CLAIM_JOB_TOP = """
MATCH (j:JobPosting {id: $job})
REMOVE j.matchesStale, j.matchesFloor, j.matchesVFloor
SET j.matchesPolicy = $policy, j.matchesShown = 0, j.matchesVShown = 0
"""

# Rows sorted by order key get their rank in the default order; re-sorted by verified order key
# (nulls last), their rank there; a row is kept when either rank is below $depth.
BUILD_JOB_TOP = f"""{JOB_EVIDENCE}{SCORE_VALUES}{_KEYED}
ORDER BY okey
WITH j, collect({{l: l, score: score, met: met, vscore: vscore, vmet: vmet, vcount: vcount,
                 okey: okey, vokey: vokey, shown: coalesce(l.discoverable, false)}}) AS rows
WITH j, rows, size(rows) AS n,
     size([x IN rows WHERE x.shown]) AS shown,
     size([x IN rows WHERE x.shown AND x.vokey IS NOT NULL]) AS vshown,
     size([x IN rows WHERE x.vokey IS NOT NULL]) AS nv
UNWIND range(0, n - 1) AS rank
WITH j, n, nv, shown, vshown, rows[rank] AS x, rank
ORDER BY x.vokey
WITH j, n, nv, shown, vshown, collect({{x: x, rank: rank}}) AS vrows
UNWIND range(0, n - 1) AS vrank
WITH j, n, nv, shown, vshown, vrows[vrank].x AS x, vrows[vrank].rank AS rank, vrank
WHERE rank < $depth OR (x.vokey IS NOT NULL AND vrank < $depth)
WITH j, n, nv, shown, vshown, x, rank, vrank, x.l AS l
{_CREATE_ROW}
WITH j, n, nv, shown, vshown, count(*) AS rows,
     max(CASE WHEN rank = $depth - 1 THEN x.okey END) AS floor,
     max(CASE WHEN vrank = $depth - 1 AND x.vokey IS NOT NULL THEN x.vokey END) AS vfloor
SET j.matchesFloor = CASE WHEN n > $depth THEN floor END,
    j.matchesVFloor = CASE WHEN nv > $depth THEN vfloor END,
    j.matchesShown = shown, j.matchesVShown = vshown
RETURN rows
"""

# --- a batch of learners: rows only where the posting's invariant needs them -----------------

BUILD_LEARNERS_TOP = f"""{LEARNER_EVIDENCE}{SCORE_VALUES}{_KEYED}
WITH l, j, {{score: score, met: met, vscore: vscore, vmet: vmet, vcount: vcount, okey: okey,
            vokey: vokey}} AS x
WHERE j.matchesFloor IS NULL OR x.okey <= j.matchesFloor
   OR (x.vokey IS NOT NULL AND (j.matchesVFloor IS NULL OR x.vokey <= j.matchesVFloor))
{_CREATE_ROW}
RETURN count(*) AS rows
"""

# --- reading one posting's ranking, bounded by its floor --------------------------------------

# As matches.RANKED_PAGE (and VERIFIED_RANKED_PAGE), every read bounded by ``last``: the key
# the table is whole up to ($from and $upper as there). ``whole`` says whether every passing
# learner's key is at or before it (then ``counted`` is the exact total); otherwise ``shown``
# (the rebuild's count of consented learners with evidence) is the estimate. A page shorter
# than $first that is not ``whole`` would cross the floor: the caller ranks it live.
# As there, the verified-only page is the default one with its properties renamed (rankKey,
# score, met -> vrankKey, vscore, vmet; matchesFloor, matchesShown -> matchesVFloor,
# matchesVShown), so both are one text cut where a 'v' or 'V' goes. Written out by default:
#   MATCH (j:JobPosting {id: $job})
#   WITH j, CASE WHEN j.matchesFloor IS NULL THEN '2' ELSE '1' + j.matchesFloor END AS last
#   WITH j, last, j.matchesFloor IS NULL OR last >= $upper AS whole
#   CALL (last) { MATCH ()-[m:MATCHES]->() WHERE m.job = $job AND m.rankKey >= '1'
#                 AND m.rankKey < $upper AND m.rankKey <= last RETURN count(m) AS counted }
#   CALL (last) { ... same, AND m.rankKey <= $from ... RETURN count(m) AS before }
#   CALL (last) { ... m.rankKey > $from AND m.rankKey < $upper AND m.rankKey <= last
#                 WITH m ORDER BY m.job, m.rankKey LIMIT $first
#                 RETURN collect({learner: substring(m.rankKey, 15), key: substring(m.rankKey, 1),
#                                 score: m.score, met: m.met}) AS page }
#   RETURN whole, counted, before, page, coalesce(j.matchesShown, 0) AS shown
_JOB = "\nMATCH (j:JobPosting {id: $job})\nWITH j, CASE WHEN j.matches"
_FLOOR_NULL = "Floor IS NULL THEN '2' ELSE '1' + j.matches"
_LAST = "Floor END AS last\nWITH j, last, j.matches"
_WHOLE = "Floor IS NULL OR last >= $upper AS whole"
_IN_TABLE = "\nCALL (last) {\n  MATCH ()-[m:MATCHES]->()\n  WHERE m.job = $job AND m."
_BELOW_UPPER = "rankKey < $upper"
_TO_LAST = " AND m."
_LAST_END = "rankKey <= last\n"
_COUNTED = "  RETURN count(m) AS counted\n}"
_WRAP = "\n    AND m."
_BEFORE = "  RETURN count(m) AS before\n}"
_PAGE = "met}) AS page\n}\nRETURN whole, counted, before, page, coalesce(j.matches"
_SHOWN = "Shown, 0) AS shown\n"
RANKED_PAGE_TOP = (
    f"{_JOB}{_FLOOR_NULL}{_LAST}{_WHOLE}"
    f"{_IN_TABLE}{TABLE_FROM_1}{_BELOW_UPPER}{_TO_LAST}{_LAST_END}{_COUNTED}"
    f"{_IN_TABLE}{TABLE_FROM_1}{TABLE_UP_TO_FROM}{_BELOW_UPPER}{_WRAP}{_LAST_END}{_BEFORE}"
    f"{_IN_TABLE}{TABLE_AFTER_FROM}{_BELOW_UPPER}{_TO_LAST}{_LAST_END}"
    f"{TABLE_ORDERED}{TABLE_LIMITED}{TABLE_KEY}{TABLE_SCORE}{TABLE_MET}{_PAGE}{_SHOWN}"
)
VERIFIED_RANKED_PAGE_TOP = (
    f"{_JOB}V{_FLOOR_NULL}V{_LAST}V{_WHOLE}"
    f"{_IN_TABLE}v{TABLE_FROM_1}v{_BELOW_UPPER}{_TO_LAST}v{_LAST_END}{_COUNTED}"
    f"{_IN_TABLE}v{TABLE_FROM_1}v{TABLE_UP_TO_FROM}v{_BELOW_UPPER}{_WRAP}v{_LAST_END}{_BEFORE}"
    f"{_IN_TABLE}v{TABLE_AFTER_FROM}v{_BELOW_UPPER}{_TO_LAST}v{_LAST_END}"
    f"{TABLE_ORDERED}v{TABLE_LIMITED}v{TABLE_KEY}v{TABLE_SCORE}v{TABLE_MET}v{_PAGE}V{_SHOWN}"
)

# Whether a posting's table is cut in either order (then filters the keys do not order by are
# ranked live: their rows may lie beyond the floor).
TABLE_CUT = """
MATCH (j:JobPosting {id: $job})
RETURN j.matchesFloor IS NOT NULL AS cut, j.matchesVFloor IS NOT NULL AS vcut
"""

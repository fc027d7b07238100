"""Keep the match table (queries/matches.py) in step with the graph.

Writes flag what they change (``matchesStale`` on a posting or a learner, in the write's own
transaction). ``refresh_matches`` first expires credentials whose ``validUntil`` has passed
since they were verified (flagging their holders), then recomputes the flagged postings whole,
every posting whose stored values were made under other trust settings, and the flagged
learners against every posting. Until a posting and every learner are fresh, ``Matcher``
ranks that posting live, so a reader never sees a stale table.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from credmatch.domain.model import MatchPolicy
from credmatch.domain.scoring import trust_table
from credmatch.graph.queries import matches as q
from credmatch.graph.store import GraphStore

# Verdicts that can carry any trust; the others count 0 under every policy.
COUNTED_VERDICTS = ("verified", "unverifiable")
# Bumped when the stored values' meaning changes, so old tables are rebuilt.
_TABLE_FORMAT = 2
JOB_BATCH = 20
LEARNER_BATCH = 500
MAX_ROUNDS = 1000  # bounds a refresh racing a writer that keeps flagging the same nodes

log = logging.getLogger("credmatch.matches")


@dataclass
class MatchRefresh:
    jobs: int = 0
    learners: int = 0
    rows: int = 0
    expired: int = 0  # credentials whose validUntil passed since they were verified


def _verified_only(policy: MatchPolicy) -> MatchPolicy:
    return replace(policy, trust=replace(policy.trust, verified_only=True))


def policy_id(policy: MatchPolicy) -> str:
    """A fingerprint of everything the stored values depend on besides the graph."""
    default = replace(policy, trust=replace(policy.trust, verified_only=False))
    text = json.dumps(
        {
            "format": _TABLE_FORMAT,
            "trust": trust_table(default),
            "vtrust": trust_table(_verified_only(policy)),
            "gap": policy.gap_threshold,
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _params(policy: MatchPolicy) -> dict[str, Any]:
    default = replace(policy, trust=replace(policy.trust, verified_only=False))
    return {
        "trust": trust_table(default),
        "vtrust": trust_table(_verified_only(policy)),
        "gap": policy.gap_threshold,
        "verdicts": list(COUNTED_VERDICTS),
        "policy": policy_id(policy),
    }


async def refresh_job(store: GraphStore, job_id: str, policy: MatchPolicy) -> int:
    """Recompute one posting's whole table; returns the rows written."""
    params = {**_params(policy), "job": job_id}
    results = await store.write_all(
        [(q.CLAIM_JOB, params), (q.CLEAR_JOB, params), (q.BUILD_JOB, params)], bump=False
    )
    return _rows(results[-1])


async def expire_due(store: GraphStore, now: datetime | None = None) -> int:
    """Mark credentials whose validUntil has passed as expired; returns how many."""
    moment = now or datetime.now(UTC)
    params = {
        "now": int(moment.timestamp()),
        "checkedAt": moment.isoformat(timespec="seconds"),
        "limit": LEARNER_BATCH,
    }
    expired = 0
    for _ in range(MAX_ROUNDS):
        rows = await store.write(q.EXPIRE_DUE, params)
        found = int(rows[0]["expired"]) if rows else 0
        expired += found
        if found < LEARNER_BATCH:
            break
    return expired


async def refresh_matches(
    store: GraphStore, policy: MatchPolicy, now: datetime | None = None
) -> MatchRefresh:
    """Expire what has run out, then bring every flagged posting and learner up to date;
    safe to run at any time."""
    params = _params(policy)
    done = MatchRefresh(expired=await expire_due(store, now))
    for _ in range(MAX_ROUNDS):
        jobs = await store.read(q.STALE_JOBS, {"policy": params["policy"], "limit": JOB_BATCH})
        for row in jobs:
            done.rows += await refresh_job(store, row["id"], policy)
            done.jobs += 1
        learners = await store.read(q.STALE_LEARNERS, {"limit": LEARNER_BATCH})
        if learners:
            batch = {**params, "ids": [r["id"] for r in learners]}
            results = await store.write_all(
                [(q.CLAIM_LEARNERS, batch), (q.CLEAR_LEARNERS, batch), (q.BUILD_LEARNERS, batch)],
                bump=False,
            )
            done.rows += _rows(results[-1])
            done.learners += len(learners)
        if not jobs and not learners:
            return done
    log.warning("match table refresh stopped after %d rounds; writes keep flagging", MAX_ROUNDS)
    return done


def _rows(records: list[Any]) -> int:
    return int(records[0]["rows"]) if records else 0

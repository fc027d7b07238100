"""Keep the match table (queries/matches.py) in step with the graph.

Writes flag what they change (``matchesStale`` on a posting or a learner, in the write's own
transaction). ``refresh_matches`` first expires credentials whose ``validUntil`` has passed
since they were verified (flagging their holders), then recomputes the flagged postings whole,
every posting whose stored values were made under other trust settings, and the flagged
learners against every posting. Until a posting and every learner are fresh, ``Matcher``
ranks that posting live, so a reader never sees a stale table.

Match events: when someone listens (an in-process subscriber, or any webhook in the graph),
each rebuild reads the consented learners' old scores of the rows it replaces and the new
scores it wrote, in its own transaction, and turns the differences into
:class:`~credmatch.domain.events.ScoreChange`; webhook deliveries are created in that same
transaction (so a crash loses none), and the changes go to the :class:`EventSink` after it
commits. Nothing else is read: events cost only the rows a refresh rebuilds anyway.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from credmatch.domain.events import ScoreChange, score_changes
from credmatch.domain.model import MatchPolicy
from credmatch.domain.scoring import trust_table
from credmatch.graph.queries import match_depth as dq
from credmatch.graph.queries import matches as q
from credmatch.graph.queries import webhooks as wq
from credmatch.graph.store import GraphStore, Record, Runner

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
    changes: list[ScoreChange] = field(default_factory=list)  # only when events were watched
    deliveries: int = 0  # webhook deliveries created


class EventSink(Protocol):
    """Where a refresh hands its score changes (services/events.EventBus)."""

    def listening(self) -> bool:
        """Whether anyone in this process wants events now."""
        ...

    def publish(self, changes: list[ScoreChange]) -> None: ...


@dataclass(frozen=True)
class EventOptions:
    """What a watched refresh needs for the webhook deliveries it creates."""

    sink: EventSink | None = None
    retry_for_s: float = 86400.0  # a delivery is retried until this long after its event


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
            # only when set, so whole tables keep the fingerprint they were made under
            **({"depth": policy.table_depth} if policy.table_depth else {}),
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
        "depth": policy.table_depth,
    }


def job_steps(params: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """The statements that rebuild one posting's table: whole, or its top slice."""
    if params["depth"]:
        return [(dq.CLAIM_JOB_TOP, params), (q.CLEAR_JOB, params), (dq.BUILD_JOB_TOP, params)]
    return [(q.CLAIM_JOB, params), (q.CLEAR_JOB, params), (q.BUILD_JOB, params)]


def learner_steps(params: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """The statements that refresh a batch of learners' rows (``params["ids"]``)."""
    build = dq.BUILD_LEARNERS_TOP if params["depth"] else q.BUILD_LEARNERS
    return [(q.CLAIM_LEARNERS, params), (q.CLEAR_LEARNERS, params), (build, params)]


async def refresh_job(store: GraphStore, job_id: str, policy: MatchPolicy) -> int:
    """Recompute one posting's whole table; returns the rows written."""
    params = {**_params(policy), "job": job_id}
    results = await store.write_all(job_steps(params), bump=False)
    return _rows(results[-1])


@dataclass
class Watched:
    results: list[list[Record]]  # each step's rows
    changes: list[ScoreChange]
    deliveries: int


async def run_watched(
    store: GraphStore,
    steps: Sequence[tuple[str, Mapping[str, Any]]],
    scores: tuple[str, Mapping[str, Any]],
    options: EventOptions,
) -> Watched:
    """Run ``steps`` between two reads of ``scores`` (rows of job, learner, score), and create
    the webhook deliveries the differences call for, all in one transaction; then hand the
    differences to the options' sink."""
    now = datetime.now(UTC)

    async def work(run: Runner) -> Watched:
        before = _score_map(await run(*scores))
        results = [await run(query, params) for query, params in steps]
        changes = score_changes(before, _score_map(await run(*scores)))
        deliveries = 0
        if changes:
            queued = await run(wq.ENQUEUE_DELIVERIES, _enqueue_params(changes, options, now))
            deliveries = int(queued[0]["deliveries"]) if queued else 0
        return Watched(results, changes, deliveries)

    watched = await store.transact(work)
    if watched.changes and options.sink is not None:
        options.sink.publish(watched.changes)  # after the commit: listeners see what is stored
    return watched


def _score_map(rows: list[Record]) -> dict[tuple[str, str], float]:
    return {(r["job"], r["learner"]): float(r["score"]) for r in rows}


def _enqueue_params(
    changes: list[ScoreChange], options: EventOptions, now: datetime
) -> dict[str, Any]:
    return {
        "changes": [
            {"job": c.job_id, "learner": c.learner_id, "old": c.old, "new": c.new} for c in changes
        ],
        "createdAt": now.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "now": now.timestamp(),
        "giveUpAt": (now + timedelta(seconds=options.retry_for_s)).timestamp(),
    }


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
    store: GraphStore,
    policy: MatchPolicy,
    now: datetime | None = None,
    events: EventOptions | None = None,
) -> MatchRefresh:
    """Expire what has run out, then bring every flagged posting and learner up to date;
    safe to run at any time. With ``events``, rebuilds are watched (see the module text)
    when anyone listens."""
    params = _params(policy)
    done = MatchRefresh(expired=await expire_due(store, now))
    watch = events if events is not None and await anyone_listens(store, events) else None
    for _ in range(MAX_ROUNDS):
        jobs = await store.read(q.STALE_JOBS, {"policy": params["policy"], "limit": JOB_BATCH})
        for row in jobs:
            job = {**params, "job": row["id"]}
            await _rebuild(store, done, job_steps(job), (q.JOB_SCORES, job), watch)
            done.jobs += 1
        learners = await store.read(q.STALE_LEARNERS, {"limit": LEARNER_BATCH})
        if learners:
            batch = {**params, "ids": [r["id"] for r in learners]}
            await _rebuild(store, done, learner_steps(batch), (q.LEARNER_SCORES, batch), watch)
            done.learners += len(learners)
        if not jobs and not learners:
            return done
    log.warning("match table refresh stopped after %d rounds; writes keep flagging", MAX_ROUNDS)
    return done


async def anyone_listens(store: GraphStore, events: EventOptions) -> bool:
    if events.sink is not None and events.sink.listening():
        return True
    return bool(await store.read(wq.ANY_WEBHOOK))


async def _rebuild(
    store: GraphStore,
    done: MatchRefresh,
    steps: Sequence[tuple[str, Mapping[str, Any]]],
    scores: tuple[str, Mapping[str, Any]],
    watch: EventOptions | None,
) -> None:
    if watch is None:
        results = await store.write_all(steps, bump=False)
        done.rows += _rows(results[-1])
        return
    watched = await run_watched(store, steps, scores, watch)
    done.rows += _rows(watched.results[-1])
    done.changes += watched.changes
    done.deliveries += watched.deliveries


def _rows(records: list[Any]) -> int:
    return int(records[0]["rows"]) if records else 0

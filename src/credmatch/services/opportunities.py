"""``learnerOpportunities``: the postings where a learner is closest, and the one achievement
that would raise their standing across the most postings.

Both come from the match table (the learner's MATCHES edges) and the requirement ->
achievement links (``graph/queries/opportunities.py``): the cost follows the learner's own
rows in the table, never a live ranking of every posting. Gaps are explained for the returned
postings only, with the domain's scoring rules (``Matcher.learner_match``).

"Raise their standing" means: earning the achievement (a verified credential from its issuer)
would close at least one required gap of the posting (a requirement of kind ``condition`` is
never one). Ties between achievements opening as many postings: more gaps closed, then the
plan preferences of ``domain.cover`` (trusted issuer, fewer hours, on the way, fewer credits,
id); achievements teaching only what the learner holds are left out, as in gap plans.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from credmatch.domain.cover import Holdings, Offer, preference
from credmatch.domain.model import Match
from credmatch.domain.scoring import trust_table
from credmatch.errors import InputError, NotFoundError
from credmatch.graph.queries import opportunities as q
from credmatch.services.match_table import COUNTED_VERDICTS
from credmatch.services.matching import (
    PLAN_MIN_SIMILARITY,
    CandidateFilter,
    JobView,
    Matcher,
    offer_from_row,
)
from credmatch.services.records import IssuerRecord, Ref, issuer_record, ref

# How many door-opener candidates the database returns for the preference order to choose from.
_CANDIDATES = 25


@dataclass(frozen=True)
class Opportunity:
    job: JobView
    match: Match


@dataclass(frozen=True)
class DoorOpener:
    """The achievement that closes a required gap in the most of the learner's postings."""

    achievement: Ref
    hours: float | None
    credits: float | None
    issuer: IssuerRecord
    job_ids: tuple[str, ...]
    gaps_closed: int


@dataclass(frozen=True)
class Opportunities:
    learner_id: str
    postings: tuple[Opportunity, ...]
    door_opener: DoorOpener | None


async def learner_opportunities(
    matcher: Matcher, learner_id: str, first: int, max_first: int
) -> Opportunities:
    """The learner's ``first`` closest postings (match-table order) and the door opener."""
    if not 1 <= first <= max_first:
        raise InputError(f"first is {first}; it must be between 1 and {max_first}")
    if learner_id not in await matcher.learners([learner_id]):
        raise NotFoundError(f"no learner {learner_id!r}")
    store = matcher.store
    rows = await store.read(q.CLOSEST_POSTINGS, {"learner": learner_id, "first": first})
    jobs = await asyncio.gather(*(matcher.job(r["job"]) for r in rows))
    matches = await asyncio.gather(*(matcher.learner_match(learner_id, j) for j in jobs))
    postings = tuple(Opportunity(j, m) for j, m in zip(jobs, matches, strict=True))
    return Opportunities(learner_id, postings, await _door_opener(matcher, learner_id))


async def _door_opener(matcher: Matcher, learner_id: str) -> DoorOpener | None:
    policy = matcher.policy(CandidateFilter())
    params = {
        "learner": learner_id,
        "verdicts": list(COUNTED_VERDICTS),
        "trust": trust_table(policy),
        "gap": policy.gap_threshold,
        "candidates": _CANDIDATES,
        "minSimilarity": PLAN_MIN_SIMILARITY,
    }
    rows = await matcher.store.read(q.DOOR_OPENERS, params)
    holdings = await matcher.holdings(learner_id)
    kept = [r for r in rows if not holdings.teaches_nothing_new(_offer(r), ())]
    if not kept:
        return None
    best = min(kept, key=lambda r: _order(r, holdings))
    return DoorOpener(
        achievement=ref(best["achievement"]),
        hours=best["achievement"].get("hours"),
        credits=best["achievement"].get("credits"),
        issuer=issuer_record(best["issuer"]),
        job_ids=tuple(sorted(best["jobs"])),
        gaps_closed=int(best["closes"]),
    )


def _offer(row: dict[str, Any]) -> Offer:
    return offer_from_row(row, stacks_into=tuple(row["stacksInto"]), satisfies={})


def _order(row: dict[str, Any], holdings: Holdings) -> tuple[Any, ...]:
    o = _offer(row)
    return (-int(row["doors"]), -int(row["closes"]), *preference(o, holdings), o.achievement_id)

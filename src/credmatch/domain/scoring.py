"""Coverage, candidate scores and the deterministic ranking (DESIGN.md, "Matching")."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from credmatch.domain.model import (
    VERDICTS,
    Coverage,
    Evidence,
    Match,
    MatchPolicy,
    RequirementSpec,
)
from credmatch.errors import InputError

# Scores equal to this many decimals are ties: two learners with the same evidence
# computed along different float paths must not be ordered by rounding noise.
_SCORE_DECIMALS = 9


def _evidence_key(ev: Evidence) -> tuple[float, float, str, str]:
    # Best first; ids settle equal contributions so the choice never depends on input order.
    return (-ev.contribution, -ev.similarity, ev.credential_id, ev.achievement_id)


def _counted(
    req: RequirementSpec, evidence: Iterable[Evidence], policy: MatchPolicy
) -> list[Evidence]:
    kept = []
    for ev in evidence:
        if ev.requirement_id != req.id:
            continue
        trust = policy.trust.trust(ev.verdict, ev.issuer_trusted)
        # replace() re-runs validation, so only rows that count are copied.
        if ev.similarity * trust > 0.0:
            kept.append(dataclasses.replace(ev, trust=trust))
    return sorted(kept, key=_evidence_key)


def coverage(req: RequirementSpec, evidence: Iterable[Evidence], policy: MatchPolicy) -> Coverage:
    """The best evidence for ``req``: max of similarity × trust, 0 when nothing counts.

    Evidence for other requirements is ignored. Evidence that contributes nothing
    (revoked, expired, untrusted under ``verified_only``, similarity <= 0) is dropped;
    the rest is kept best first, the best as ``evidence`` and the others as
    ``alternatives``. Each kept Evidence carries the ``trust`` it was given.
    """
    counted = _counted(req, evidence, policy)
    if not counted:
        return Coverage(requirement=req, value=0.0, evidence=None, alternatives=())
    return Coverage(
        requirement=req,
        value=counted[0].contribution,
        evidence=counted[0],
        alternatives=tuple(counted[1:]),
    )


def _check_unique_ids(reqs: Sequence[RequirementSpec]) -> None:
    seen: set[str] = set()
    for r in reqs:
        if r.id in seen:
            raise InputError(f"requirement id {r.id!r} appears twice in the posting's requirements")
        seen.add(r.id)


def _weighted_mean(covs: Sequence[Coverage]) -> float:
    # fsum is exactly rounded, so the score does not depend on the order of requirements.
    total = math.fsum(c.requirement.weight for c in covs)
    if total == 0.0:
        return 0.0
    return math.fsum(c.requirement.weight * c.value for c in covs) / total


def score_candidate(
    learner_id: str,
    reqs: Sequence[RequirementSpec],
    evidence: Iterable[Evidence],
    policy: MatchPolicy,
) -> Match:
    """Score one learner: weighted mean coverage, gaps and required met (rank 0)."""
    _check_unique_ids(reqs)
    by_req: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        by_req[ev.requirement_id].append(ev)
    covs = tuple(coverage(r, by_req.get(r.id, ()), policy) for r in reqs)
    # A condition is never matched, so it is neither a gap nor a missing preference.
    below = [
        c.requirement for c in covs if c.value < policy.gap_threshold and c.requirement.matched
    ]
    gaps = tuple(r for r in below if r.required)
    required_total = sum(1 for r in reqs if r.required)
    return Match(
        learner_id=learner_id,
        score=_weighted_mean(covs),
        rank=0,
        coverage=covs,
        gaps=gaps,
        required_met=required_total - len(gaps),
        required_total=required_total,
        missing_preferred=tuple(r for r in below if not r.required),
    )


def _rank_key(m: Match) -> tuple[float, int, str]:
    return (-round(m.score, _SCORE_DECIMALS), -m.required_met, m.learner_id)


def rank(matches: Iterable[Match]) -> list[Match]:
    """Sort by score desc, required met desc, learner id asc; assign ranks 1..n."""
    ordered = sorted(matches, key=_rank_key)
    seen: set[str] = set()
    for m in ordered:
        if m.learner_id in seen:
            raise InputError(f"learner {m.learner_id!r} was scored twice; rank each learner once")
        seen.add(m.learner_id)
    return [dataclasses.replace(m, rank=i) for i, m in enumerate(ordered, start=1)]


def rank_candidates(
    reqs: Sequence[RequirementSpec],
    evidence_by_learner: Mapping[str, Iterable[Evidence]],
    policy: MatchPolicy,
    *,
    min_score: float = 0.0,
    all_required_met: bool = False,
) -> list[Match]:
    """Score every learner, keep those passing the filters, and rank them 1..n.

    ``min_score`` keeps learners scoring at least that much; ``all_required_met``
    keeps only learners without gaps.
    """
    if not (math.isfinite(min_score) and 0.0 <= min_score <= 1.0):
        raise InputError(
            f"min_score (minScore) is {min_score!r}; it must be a number between 0 and 1"
        )
    kept = (
        m
        for learner, evidence in evidence_by_learner.items()
        if round((m := score_candidate(learner, reqs, evidence, policy)).score, _SCORE_DECIMALS)
        >= min_score
        and not (all_required_met and m.gaps)
    )
    return rank(kept)


def trust_table(policy: MatchPolicy) -> dict[str, float]:
    """``"verdict|issuerTrusted"`` -> trust, for ranking inside the database with exactly the
    weights ``TrustPolicy.trust`` gives (booleans spelled as Cypher's toString does)."""
    return {
        f"{verdict}|{str(trusted).lower()}": policy.trust.trust(verdict, trusted)
        for verdict in sorted(VERDICTS)
        for trusted in (True, False)
    }

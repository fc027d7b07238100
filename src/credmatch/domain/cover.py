"""Gap recommendations: greedy weighted set cover over catalog offers.

A plan (``recommend``) closes every gap some offer can close unless the caller limits its
length (``max_items``) or its hours (``max_hours``). Offers that teach only what the learner
already holds (``Holdings.teaches_nothing_new``) are never recommended. Among offers closing
the same gaps it prefers trusted issuers, then fewer hours, then an offer the learner is
already on the way to (``Holdings.on_the_way``), then fewer credits, then the smaller id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from credmatch.domain.model import Evidence, MatchPolicy, RequirementSpec, TrustPolicy, Verdict
from credmatch.domain.scoring import score_candidate
from credmatch.errors import InputError


@dataclass(frozen=True)
class Offer:
    """An achievement in the catalog and how well it satisfies each requirement.

    ``satisfies`` maps requirement id to similarity; ``credits`` and ``hours`` are
    ``None`` when the catalog does not say. ``skills`` are the skill URIs its issuer aligned
    it to; ``issuer_trusted`` says whether a credential for it would count fully.
    """

    achievement_id: str
    name: str
    issuer_id: str
    issuer_name: str | None
    credits: float | None
    hours: float | None
    stacks_into: tuple[str, ...]
    satisfies: Mapping[str, float]
    issuer_trusted: bool = True
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for what, v in (("credits", self.credits), ("hours", self.hours)):
            if v is not None and not (math.isfinite(v) and v >= 0.0):
                raise InputError(
                    f"offer {self.achievement_id!r}: {what} is {v!r}; "
                    "it must be a finite number >= 0 or unknown"
                )
        # A read-only copy: the caller's dict may change after the offer is built.
        object.__setattr__(self, "satisfies", MappingProxyType(dict(self.satisfies)))
        object.__setattr__(self, "stacks_into", tuple(self.stacks_into))
        object.__setattr__(self, "skills", frozenset(self.skills))

    def value(self, req_id: str, trust: TrustPolicy | None = None) -> float:
        """The coverage a verified credential for this offer would give ``req_id``: its
        similarity times the trust a verified credential from its issuer gets (1 without a
        policy)."""
        sim = self.satisfies.get(req_id)
        if sim is None:
            return 0.0
        weight = 1.0 if trust is None else trust.trust(Verdict.VERIFIED, self.issuer_trusted)
        return sim * weight

    def closes(self, req_id: str, threshold: float, trust: TrustPolicy | None = None) -> bool:
        """Whether earning this offer would bring ``req_id`` to ``threshold`` or better."""
        return req_id in self.satisfies and self.value(req_id, trust) >= threshold


@dataclass(frozen=True)
class Holdings:
    """What the learner already holds, through credentials that count (trust > 0).

    ``achievements``: the achievements of those credentials. ``skills``: the skill URIs their
    issuers aligned them to. ``similarity``: per requirement, the best similarity of a held
    achievement to it, before trust (a requirement the learner has evidence for, discounted
    only because of who issued it or how it verified). ``stack_targets``: what the held
    achievements stack into.
    """

    achievements: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    similarity: Mapping[str, float] = field(default_factory=dict)
    stack_targets: frozenset[str] = frozenset()

    def teaches_nothing_new(self, offer: Offer, gaps: Sequence[RequirementSpec]) -> bool:
        """Whether ``offer`` only teaches what the learner holds: it is a held achievement; or
        its issuer aligned it to skills that all are among the held skills; or for every gap it
        is linked to, an achievement the learner holds is at least as similar."""
        if offer.achievement_id in self.achievements:
            return True
        if offer.skills and offer.skills <= self.skills:
            return True
        linked = [g.id for g in gaps if g.id in offer.satisfies]
        return bool(linked) and all(
            self.similarity.get(r, -1.0) >= offer.satisfies[r] for r in linked
        )

    def on_the_way(self, offer: Offer) -> bool:
        """Whether the learner is already on the way to something ``offer`` is part of: it
        stacks into an achievement the learner holds another part of (or, held already, the
        achievement itself sits above), or its aligned skills are partly held already."""
        if any(t in self.stack_targets or t in self.achievements for t in offer.stacks_into):
            return True
        return bool(offer.skills & self.skills)


@dataclass(frozen=True)
class Recommendation:
    """One recommended offer, the gaps it closes (in gap order) and their total weight;
    ``score_gain`` is how much the learner's score would rise if they earned it alone (filled
    in by the caller with the scoring rules, 0 until then)."""

    offer: Offer
    closes: tuple[RequirementSpec, ...]
    gap_weight_closed: float
    score_gain: float = 0.0


_Key = tuple[float, int, bool, bool, float, bool, bool, float, str]


def preference(o: Offer, holdings: Holdings) -> tuple[bool, bool, float, bool, bool, float]:
    """Sort key among offers closing the same gaps: trusted issuer first, then known and
    fewer hours, then on the way (``Holdings.on_the_way``), then known and fewer credits."""
    return (
        not o.issuer_trusted,
        o.hours is None,
        o.hours or 0.0,
        not holdings.on_the_way(o),
        o.credits is None,
        o.credits or 0.0,
    )


def _check_inputs(
    offers: Sequence[Offer], threshold: float, max_items: int | None, max_hours: float | None
) -> None:
    if not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InputError(f"threshold is {threshold!r}; it must be a number between 0 and 1")
    if max_items is not None and max_items < 0:
        raise InputError(f"max_items is {max_items}; it must be 0 or more")
    if max_hours is not None and not (math.isfinite(max_hours) and max_hours >= 0.0):
        raise InputError(f"max_hours is {max_hours!r}; it must be a finite number >= 0")
    seen: set[str] = set()
    for o in offers:
        if o.achievement_id in seen:
            raise InputError(
                f"offer {o.achievement_id!r} appears twice; merge its rows into one Offer"
            )
        seen.add(o.achievement_id)


@dataclass(frozen=True)
class _Step:
    threshold: float
    trust: TrustPolicy | None
    holdings: Holdings
    hours_left: float | None

    def fits(self, o: Offer) -> bool:
        # Under an hours budget an offer of unknown length cannot be shown to fit.
        return self.hours_left is None or (o.hours is not None and o.hours <= self.hours_left)

    def best(
        self, remaining: Sequence[RequirementSpec], offers: Iterable[Offer]
    ) -> Recommendation | None:
        best: Recommendation | None = None
        best_key: _Key | None = None
        for o in offers:
            if not self.fits(o):
                continue
            closes = tuple(r for r in remaining if o.closes(r.id, self.threshold, self.trust))
            if not closes:
                continue
            weight = math.fsum(r.weight for r in closes)
            key = (-weight, -len(closes), *preference(o, self.holdings), o.achievement_id)
            if best_key is None or key < best_key:
                best, best_key = Recommendation(o, closes, weight), key
        return best


def _at_least(o: Offer, min_similarity: float) -> Offer:
    sims = {r: sim for r, sim in o.satisfies.items() if sim >= min_similarity}
    return o if len(sims) == len(o.satisfies) else replace(o, satisfies=sims)


def _most_relevant(
    pool: Sequence[Offer],
    gaps: Sequence[RequirementSpec],
    threshold: float,
    trust: TrustPolicy | None,
    margin: float,
) -> list[Offer]:
    """The offers with their ``satisfies`` cut to the gaps they are among the most similar
    offers for (within ``margin`` of the best that closes the gap); other links are kept."""
    best: dict[str, float] = {}
    for o in pool:
        for g in gaps:
            if o.closes(g.id, threshold, trust):
                best[g.id] = max(best.get(g.id, -1.0), o.satisfies[g.id])
    kept = []
    for o in pool:
        sims = {
            r: sim for r, sim in o.satisfies.items() if r not in best or sim >= best[r] - margin
        }
        kept.append(o if len(sims) == len(o.satisfies) else replace(o, satisfies=sims))
    return kept


def recommend(
    gaps: Sequence[RequirementSpec],
    offers: Iterable[Offer],
    threshold: float,
    max_items: int | None = None,
    *,
    max_hours: float | None = None,
    trust: TrustPolicy | None = None,
    holdings: Holdings | None = None,
    margin: float | None = None,
    min_similarity: float = 0.0,
) -> list[Recommendation]:
    """Pick offers that close the most gap weight, greedily, until no gap left can be closed.

    An offer closes a gap when the coverage a verified credential for it would give
    (similarity × the trust ``trust`` gives its issuer; similarity alone without ``trust``)
    is at least ``threshold``. Offers that teach the learner nothing new (``holdings``) are
    left out. Each step takes the offer closing the most remaining weight, then more gaps,
    then the preference order in the module docstring. ``max_items`` caps the number of
    offers and ``max_hours`` their total hours (offers of unknown length are then skipped);
    ``None`` means no limit. With ``margin``, an offer counts as closing a gap only when its
    similarity to it is within ``margin`` of the most similar offer that closes it (so a
    loosely related achievement never stands in for one about the gap itself; every closable
    gap stays closable). An offer whose similarity to a gap is below ``min_similarity`` does
    not count as closing it. The result does not depend on the order of ``offers``.
    """
    held = holdings or Holdings()
    remaining = list(dict.fromkeys(gaps))
    pool = list(offers)
    _check_inputs(pool, threshold, max_items, max_hours)
    pool = [o for o in pool if not held.teaches_nothing_new(o, remaining)]
    if min_similarity > 0.0:
        pool = [_at_least(o, min_similarity) for o in pool]
    if margin is not None:
        pool = _most_relevant(pool, remaining, threshold, trust, margin)
    step = _Step(threshold, trust, held, max_hours)
    chosen: list[Recommendation] = []
    while remaining and (max_items is None or len(chosen) < max_items):
        rec = step.best(remaining, pool)
        if rec is None:
            break
        chosen.append(rec)
        if step.hours_left is not None:
            step = _Step(threshold, trust, held, step.hours_left - (rec.offer.hours or 0.0))
        pool = [o for o in pool if o.achievement_id != rec.offer.achievement_id]
        remaining = [r for r in remaining if r not in rec.closes]
    return chosen


def score_gain(
    learner_id: str,
    reqs: Sequence[RequirementSpec],
    evidence: Sequence[Evidence],
    policy: MatchPolicy,
    offer: Offer,
) -> float:
    """How much ``learner_id``'s score for ``reqs`` would rise if they earned ``offer``: the
    score with a verified credential for it (from its issuer) added to ``evidence``, minus
    the score without, both by ``score_candidate``."""
    planned = [
        Evidence(
            requirement_id=r.id,
            credential_id=f"planned:{offer.achievement_id}",
            achievement_id=offer.achievement_id,
            achievement_name=offer.name,
            issuer_id=offer.issuer_id,
            issuer_name=offer.issuer_name,
            issuer_trusted=offer.issuer_trusted,
            verdict=Verdict.VERIFIED,
            similarity=offer.satisfies[r.id],
            valid_from=None,
            valid_until=None,
            issued=None,
        )
        for r in reqs
        if r.id in offer.satisfies
    ]
    before = score_candidate(learner_id, reqs, evidence, policy).score
    after = score_candidate(learner_id, reqs, [*evidence, *planned], policy).score
    return max(0.0, after - before)

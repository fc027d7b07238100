"""Gap recommendations: greedy weighted set cover over catalog offers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from credmatch.domain.model import RequirementSpec
from credmatch.errors import InputError


@dataclass(frozen=True)
class Offer:
    """An achievement in the catalog and how well it satisfies each requirement.

    ``satisfies`` maps requirement id to similarity; ``credits`` and ``hours`` are
    ``None`` when the catalog does not say.
    """

    achievement_id: str
    name: str
    issuer_id: str
    issuer_name: str | None
    credits: float | None
    hours: float | None
    stacks_into: tuple[str, ...]
    satisfies: Mapping[str, float]

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

    def closes(self, req_id: str, threshold: float) -> bool:
        """Whether this offer satisfies requirement ``req_id`` at ``threshold`` or better."""
        sim = self.satisfies.get(req_id)
        return sim is not None and sim >= threshold


@dataclass(frozen=True)
class Recommendation:
    """One recommended offer, the gaps it closes (in gap order) and their total weight."""

    offer: Offer
    closes: tuple[RequirementSpec, ...]
    gap_weight_closed: float


def _cost_key(o: Offer) -> tuple[bool, float, bool, float]:
    # Known and smaller first; unknown cost sorts after any known one.
    return (o.hours is None, o.hours or 0.0, o.credits is None, o.credits or 0.0)


def _check_inputs(offers: Sequence[Offer], threshold: float, max_items: int) -> None:
    if not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InputError(f"threshold is {threshold!r}; it must be a number between 0 and 1")
    if max_items < 0:
        raise InputError(f"max_items is {max_items}; it must be 0 or more")
    seen: set[str] = set()
    for o in offers:
        if o.achievement_id in seen:
            raise InputError(
                f"offer {o.achievement_id!r} appears twice; merge its rows into one Offer"
            )
        seen.add(o.achievement_id)


def _best_step(
    remaining: Sequence[RequirementSpec], offers: Iterable[Offer], threshold: float
) -> Recommendation | None:
    best: Recommendation | None = None
    best_key: tuple[float, int, tuple[bool, float, bool, float], str] | None = None
    for o in offers:
        closes = tuple(r for r in remaining if o.closes(r.id, threshold))
        if not closes:
            continue
        weight = math.fsum(r.weight for r in closes)
        key = (-weight, -len(closes), _cost_key(o), o.achievement_id)
        if best_key is None or key < best_key:
            best, best_key = Recommendation(o, closes, weight), key
    return best


def recommend(
    gaps: Sequence[RequirementSpec],
    offers: Iterable[Offer],
    threshold: float,
    max_items: int = 5,
) -> list[Recommendation]:
    """Pick up to ``max_items`` offers that close the most gap weight, greedily.

    An offer closes a gap when its similarity for it is at least ``threshold``. Each
    step takes the offer closing the most remaining weight (then more gaps, fewer
    hours, fewer credits, smaller achievement id); it stops when nothing closes more.
    The result does not depend on the order of ``offers``.
    """
    pool = list(offers)
    _check_inputs(pool, threshold, max_items)
    remaining = list(dict.fromkeys(gaps))
    chosen: list[Recommendation] = []
    while remaining and len(chosen) < max_items:
        step = _best_step(remaining, pool, threshold)
        if step is None:
            break
        chosen.append(step)
        pool = [o for o in pool if o.achievement_id != step.offer.achievement_id]
        remaining = [r for r in remaining if r not in step.closes]
    return chosen

"""Greedy weighted set cover for gap recommendations."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credmatch.domain.cover import Offer, Recommendation, recommend
from credmatch.domain.model import RequirementSpec
from credmatch.errors import InputError


def offer(
    aid: str,
    satisfies: dict[str, float],
    hours: float | None = None,
    credits: float | None = None,
    stacks_into: tuple[str, ...] = (),
) -> Offer:
    return Offer(
        achievement_id=aid,
        name=f"Course {aid}",
        issuer_id="iss-1",
        issuer_name="Trusted U",
        credits=credits,
        hours=hours,
        stacks_into=stacks_into,
        satisfies=satisfies,
    )


A = RequirementSpec("A", "Python", 1.0, True)
B = RequirementSpec("B", "SQL", 1.0, True)
C = RequirementSpec("C", "Docker", 1.0, True)
D = RequirementSpec("D", "Kubernetes", 0.5, True)
GAPS = (A, B, C, D)

X = offer("X", {"A": 0.8, "B": 0.7}, hours=40, stacks_into=("cert-data",))
Y = offer("Y", {"A": 0.9})
Z = offer("Z", {"C": 0.6, "D": 0.55}, credits=3)
W = offer("W", {"B": 0.4, "C": 0.9})  # B is below the 0.5 threshold: W closes only C
CATALOG = (W, Y, Z, X)


def _ids(recs: list[Recommendation]) -> list[tuple[str, list[str], float]]:
    return [(r.offer.achievement_id, [q.id for q in r.closes], r.gap_weight_closed) for r in recs]


def test_greedy_picks_the_obviously_best_set() -> None:
    # step 1: X closes A+B = 2.0, Z closes C+D = 1.5, W and Y 1.0 each -> X
    # step 2: remaining C, D: Z closes 1.5, W closes 1.0 -> Z; nothing remains -> stop
    recs = recommend(GAPS, CATALOG, threshold=0.5)
    assert _ids(recs) == [("X", ["A", "B"], 2.0), ("Z", ["C", "D"], 1.5)]
    assert recs[0].offer.stacks_into == ("cert-data",)
    assert recs[0].offer.hours == 40
    assert recs[1].offer.credits == 3
    assert [q.text for q in recs[0].closes] == ["Python", "SQL"]


def test_respects_max_items() -> None:
    assert _ids(recommend(GAPS, CATALOG, threshold=0.5, max_items=1)) == [("X", ["A", "B"], 2.0)]
    assert recommend(GAPS, CATALOG, threshold=0.5, max_items=0) == []


def test_stops_when_nothing_closes_more() -> None:
    # at threshold 0.85 only Y closes A and W closes C; B and D stay open
    recs = recommend(GAPS, CATALOG, threshold=0.85, max_items=5)
    assert _ids(recs) == [("W", ["C"], 1.0), ("Y", ["A"], 1.0)]


def test_threshold_is_inclusive() -> None:
    assert _ids(recommend((D,), [offer("O", {"D": 0.55})], threshold=0.55)) == [("O", ["D"], 0.5)]
    assert recommend((D,), [offer("O", {"D": 0.55})], threshold=0.56) == []


@pytest.mark.parametrize(
    ("offers", "winner"),
    [
        # same weight: fewer hours wins
        ((offer("p", {"A": 0.9}, hours=10), offer("q", {"A": 0.9}, hours=5)), "q"),
        # known hours beat unknown hours
        ((offer("p", {"A": 0.9}), offer("q", {"A": 0.9}, hours=100)), "q"),
        # no hours known: fewer credits wins
        ((offer("p", {"A": 0.9}, credits=4), offer("q", {"A": 0.9}, credits=2)), "q"),
        # nothing known: achievement id decides
        ((offer("q", {"A": 0.9}), offer("p", {"A": 0.9})), "p"),
        # more weight beats cheaper
        ((offer("p", {"A": 0.9}, hours=1), offer("q", {"A": 0.9, "B": 0.9}, hours=99)), "q"),
    ],
)
def test_tie_breaks(offers: tuple[Offer, ...], winner: str) -> None:
    for order in (offers, offers[::-1]):
        assert recommend((A, B), order, threshold=0.5, max_items=1)[0].offer.achievement_id == (
            winner
        )


def test_offer_is_immutable_copy_of_satisfies() -> None:
    sims = {"A": 0.9}
    o = offer("O", sims)
    sims["B"] = 0.9
    assert "B" not in o.satisfies
    with pytest.raises(TypeError):
        o.satisfies["C"] = 1.0  # type: ignore[index]


def test_bad_inputs_raise_input_error() -> None:
    with pytest.raises(InputError, match="'X' appears twice"):
        recommend(GAPS, [X, X], threshold=0.5)
    with pytest.raises(InputError, match="threshold"):
        recommend(GAPS, [X], threshold=math.nan)
    with pytest.raises(InputError, match="max_items"):
        recommend(GAPS, [X], threshold=0.5, max_items=-1)
    with pytest.raises(InputError, match="offer 'O': hours"):
        offer("O", {}, hours=-1)


# --- properties -------------------------------------------------------------------

GAP_POOL = tuple(
    RequirementSpec(f"g{i}", f"gap {i}", w, True) for i, w in enumerate([1.0, 1.0, 0.5, 0.5, 0.25])
)
offer_st = st.builds(
    offer,
    aid=st.text("abcdef", min_size=1, max_size=2),
    satisfies=st.dictionaries(
        st.sampled_from([g.id for g in GAP_POOL]), st.sampled_from([0.3, 0.5, 0.7, 0.9])
    ),
    hours=st.none() | st.sampled_from([5.0, 10.0]),
    credits=st.none() | st.sampled_from([1.0, 2.0]),
)
catalog_st = st.lists(offer_st, max_size=7, unique_by=lambda o: o.achievement_id)


@settings(max_examples=200, deadline=None)
@given(catalog=catalog_st, max_items=st.integers(0, 4), seed=st.integers(0, 2**32))
def test_order_of_offers_never_changes_the_result(
    catalog: list[Offer], max_items: int, seed: int
) -> None:
    expected = _ids(recommend(GAP_POOL, catalog, 0.5, max_items))
    shuffled = random.Random(seed).sample(catalog, len(catalog))
    assert _ids(recommend(GAP_POOL, shuffled, 0.5, max_items)) == expected


@settings(max_examples=200, deadline=None)
@given(catalog=catalog_st, max_items=st.integers(0, 4))
def test_recommendations_are_disjoint_closing_and_within_max(
    catalog: list[Offer], max_items: int
) -> None:
    recs = recommend(GAP_POOL, catalog, 0.5, max_items)
    assert len(recs) <= max_items
    closed = [q.id for r in recs for q in r.closes]
    assert len(closed) == len(set(closed))
    for r in recs:
        assert r.closes
        assert all(r.offer.satisfies[q.id] >= 0.5 for q in r.closes)
        assert r.gap_weight_closed == pytest.approx(sum(q.weight for q in r.closes))
    weights = [r.gap_weight_closed for r in recs]
    assert weights == sorted(weights, reverse=True)  # greedy gains never increase


def _weight_closed(chosen: tuple[Offer, ...]) -> float:
    ids = {g.id for o in chosen for g in GAP_POOL if o.closes(g.id, 0.5)}
    return sum(g.weight for g in GAP_POOL if g.id in ids)


@settings(max_examples=200, deadline=None)
@given(catalog=catalog_st, k=st.integers(1, 3))
def test_greedy_is_within_the_max_coverage_bound_of_the_optimum(
    catalog: list[Offer], k: int
) -> None:
    # greedy max-coverage is guaranteed at least (1 - 1/e) of the best k-subset
    greedy = sum(r.gap_weight_closed for r in recommend(GAP_POOL, catalog, 0.5, k))
    best = max(
        (_weight_closed(c) for n in range(k + 1) for c in itertools.combinations(catalog, n)),
        default=0.0,
    )
    assert greedy <= best + 1e-9
    assert greedy >= (1 - 1 / math.e) * best - 1e-9

"""Greedy weighted set cover for gap recommendations."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credmatch.domain.cover import Holdings, Offer, Recommendation, recommend, score_gain
from credmatch.domain.model import Evidence, MatchPolicy, RequirementSpec, TrustPolicy
from credmatch.domain.scoring import score_candidate
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


# --- plans: what the learner holds, trust, budgets, score gains ---------------------------


def _offer(aid: str, sims: dict[str, float], **kw: object) -> Offer:
    base = offer(aid, sims)
    fields = {**base.__dict__, "satisfies": dict(sims), **kw}
    return Offer(**fields)  # type: ignore[arg-type]


def test_no_default_limit_closes_every_closable_gap() -> None:
    many = tuple(RequirementSpec(f"r{i}", f"skill {i}", 1.0, True) for i in range(8))
    catalog = [offer(f"o{i}", {f"r{i}": 0.9}) for i in range(7)]  # r7 has no offer
    recs = recommend(many, catalog, threshold=0.5)
    assert sorted(q.id for r in recs for q in r.closes) == [f"r{i}" for i in range(7)]


def test_an_offer_the_learner_already_holds_in_any_form_is_never_recommended() -> None:
    same_achievement = _offer("held", {"A": 0.9})
    same_skills = _offer("other-issuer", {"A": 0.95}, skills=frozenset({"esco:python"}))
    as_similar = _offer("as-similar", {"A": 0.8})  # the learner's own credential is 0.85
    new = _offer("new", {"A": 0.9}, skills=frozenset({"esco:python", "esco:pandas"}))
    holdings = Holdings(
        achievements=frozenset({"held"}),
        skills=frozenset({"esco:python"}),
        similarity={"A": 0.85},
    )
    recs = recommend((A,), [same_achievement, same_skills, as_similar, new], 0.5,
                     holdings=holdings)  # fmt: skip
    assert _ids(recs) == [("new", ["A"], 1.0)]
    # with nothing held, the highest-similarity offers are all fair game again
    assert len(recommend((A,), [same_achievement, same_skills, as_similar, new], 0.5)) == 1


def test_an_untrusted_offer_closes_a_gap_only_when_the_trust_weight_allows() -> None:
    untrusted = _offer("u", {"A": 0.9}, issuer_trusted=False)
    trust = TrustPolicy(unknown_issuer=0.5)
    assert recommend((A,), [untrusted], 0.5, trust=trust) == []  # 0.9 x 0.5 < 0.5
    assert _ids(recommend((A,), [untrusted], 0.5)) == [("u", ["A"], 1.0)]


def test_preference_trusted_then_hours_then_on_the_way_then_credits() -> None:
    trust = TrustPolicy(unknown_issuer=1.0)  # both close A; only preference decides
    held = Holdings(stack_targets=frozenset({"cert"}))
    cases = [
        ([_offer("p", {"A": 1.0}, issuer_trusted=False, hours=1.0),
          _offer("q", {"A": 1.0}, hours=50.0)], "q"),
        ([_offer("p", {"A": 1.0}, hours=10.0, stacks_into=("cert",)),
          _offer("q", {"A": 1.0}, hours=5.0)], "q"),
        ([_offer("p", {"A": 1.0}, hours=5.0),
          _offer("q", {"A": 1.0}, hours=5.0, stacks_into=("cert",))], "q"),
        ([_offer("p", {"A": 1.0}, hours=5.0, credits=1.0),
          _offer("q", {"A": 1.0}, hours=5.0, credits=3.0, skills=frozenset({"s"}))], "p"),
    ]  # fmt: skip
    for offers, winner in cases:
        for order in (offers, offers[::-1]):
            got = recommend((A,), order, 0.5, trust=trust, holdings=held)
            assert got[0].offer.achievement_id == winner


def test_on_the_way_definition() -> None:
    held = Holdings(
        achievements=frozenset({"part-1"}),
        skills=frozenset({"s1"}),
        stack_targets=frozenset({"whole"}),
    )
    assert held.on_the_way(_offer("part-2", {}, stacks_into=("whole",)))
    assert held.on_the_way(_offer("next", {}, stacks_into=("part-1",)))
    assert held.on_the_way(_offer("overlap", {}, skills=frozenset({"s1", "s2"})))
    assert not held.on_the_way(_offer("far", {}, skills=frozenset({"s9"}), stacks_into=("x",)))


def test_max_hours_is_a_budget_for_the_whole_plan() -> None:
    catalog = [
        _offer("big", {"A": 0.9, "B": 0.9}, hours=30.0),
        _offer("a", {"A": 0.9}, hours=10.0),
        _offer("b", {"B": 0.9}, hours=15.0),
        _offer("c", {"C": 0.9}),  # unknown length never fits a budget
    ]
    assert [r.offer.achievement_id for r in recommend(GAPS, catalog, 0.5)] == ["big", "c"]
    assert [r.offer.achievement_id for r in recommend(GAPS, catalog, 0.5, max_hours=25)] == [
        "a",  # equal weight: fewer hours first
        "b",
    ]
    assert recommend(GAPS, catalog, 0.5, max_hours=5) == []
    with pytest.raises(InputError, match="max_hours"):
        recommend(GAPS, catalog, 0.5, max_hours=-1)


def _ev(req: str, sim: float, trusted: bool = True, verdict: str = "verified") -> Evidence:
    return Evidence(req, f"cred-{req}", f"ach-{req}", "held", "iss", None, trusted, verdict,
                    sim, None, None, None)  # fmt: skip


def test_score_gain_is_the_scoring_rules_difference() -> None:
    policy = MatchPolicy(trust=TrustPolicy(unknown_issuer=0.5))
    reqs = [A, B, D]
    evidence = [_ev("A", 0.6), _ev("B", 0.9, trusted=False)]
    o = _offer("o", {"A": 0.9, "D": 0.8})
    base = score_candidate("l", reqs, evidence, policy).score
    # A: 0.6 -> 0.9, B: unchanged 0.45, D: 0 -> 0.8 (weight 0.5); total weight 2.5
    assert score_gain("l", reqs, evidence, policy, o) == pytest.approx((0.3 + 0.4) / 2.5)
    assert base + score_gain("l", reqs, evidence, policy, o) == pytest.approx(
        (0.9 + 0.45 + 0.4) / 2.5
    )
    weaker = _offer("w", {"A": 0.5})  # no better than what the learner has: no gain
    assert score_gain("l", reqs, evidence, policy, weaker) == 0.0
    untrusted = _offer("u", {"D": 0.8}, issuer_trusted=False)  # counts half, as scoring says
    assert score_gain("l", reqs, evidence, policy, untrusted) == pytest.approx(0.2 / 2.5)


def test_margin_keeps_only_the_most_relevant_offers_for_each_gap() -> None:
    exact_a = _offer("exact-a", {"A": 1.0}, hours=40.0)
    exact_b = _offer("exact-b", {"B": 0.95}, hours=40.0)
    loose = _offer("loose", {"A": 0.6, "B": 0.7}, hours=1.0)  # about neither, links to both
    catalog = [exact_a, exact_b, loose]
    assert _ids(recommend((A, B), catalog, 0.5)) == [("loose", ["A", "B"], 2.0)]
    got = recommend((A, B), catalog, 0.5, margin=0.1)
    assert sorted(r.offer.achievement_id for r in got) == ["exact-a", "exact-b"]
    # the best offer always stays: a gap only a loose offer closes is still closed
    assert _ids(recommend((A, C), [loose, _offer("c", {"C": 0.9})], 0.5, margin=0.1)) == [
        ("loose", ["A"], 1.0),  # equal weight: 1 hour before unknown hours
        ("c", ["C"], 1.0),
    ]


@settings(max_examples=200, deadline=None)
@given(catalog=catalog_st, margin=st.sampled_from([0.0, 0.1, 0.3]))
def test_a_margin_never_leaves_a_closable_gap_open(catalog: list[Offer], margin: float) -> None:
    closable = {g.id for g in GAP_POOL if any(o.closes(g.id, 0.5) for o in catalog)}
    recs = recommend(GAP_POOL, catalog, 0.5, margin=margin)
    assert {q.id for r in recs for q in r.closes} == closable

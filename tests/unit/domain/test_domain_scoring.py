"""Coverage, scores, gaps and ranking, with hand-computed expectations."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credmatch.domain.model import (
    VERDICTS,
    Evidence,
    Match,
    MatchPolicy,
    RequirementSpec,
    TrustPolicy,
)
from credmatch.domain.scoring import coverage, rank, rank_candidates, score_candidate
from credmatch.errors import InputError

# The weights these cases were written for (an unknown issuer counts half).
POLICY = MatchPolicy(trust=TrustPolicy(unknown_issuer=0.5))


def ev(
    req: str,
    cred: str,
    sim: float,
    verdict: str = "verified",
    trusted: bool = True,
    achievement: str | None = None,
) -> Evidence:
    return Evidence(
        requirement_id=req,
        credential_id=cred,
        achievement_id=achievement or f"ach-{cred}",
        achievement_name=f"Achievement {cred}",
        issuer_id="iss-1" if trusted else "iss-x",
        issuer_name="Trusted U" if trusted else None,
        issuer_trusted=trusted,
        verdict=verdict,
        similarity=sim,
        valid_from="2024-01-01T00:00:00Z",
        valid_until=None,
        issued="2024-01-01T00:00:00Z",
    )


PY = RequirementSpec("r-py", "Python", 1.0, True)
SQL = RequirementSpec("r-sql", "SQL", 1.0, True)
DOCKER = RequirementSpec("r-docker", "Docker", 0.5, False)
REQS = (PY, SQL, DOCKER)

ALICE = [
    ev("r-py", "a1", 0.9),  # 0.9 × 1.0 = 0.9
    ev("r-sql", "a2", 0.8, trusted=False),  # 0.8 × 0.5 = 0.4  (unknown issuer)
]
BOB = [
    ev("r-py", "b1", 0.95, verdict="revoked"),  # never counts
    ev("r-py", "b2", 0.9, verdict="unverifiable"),  # 0.9 × 0.3 = 0.27
    ev("r-sql", "b3", 0.7),  # 0.7
    ev("r-docker", "b4", 0.6),  # 0.6
    ev("r-docker", "b5", 0.99, verdict="expired"),  # never counts
]


def test_two_learners_three_requirements_by_hand() -> None:
    # Alice: (1.0·0.9 + 1.0·0.4 + 0.5·0) / 2.5 = 1.3 / 2.5 = 0.52; SQL 0.4 < 0.5 is a gap
    # Bob:   (1.0·0.27 + 1.0·0.7 + 0.5·0.6) / 2.5 = 1.27 / 2.5 = 0.508; Python 0.27 is a gap
    ranked = rank_candidates(REQS, {"bob": BOB, "alice": ALICE}, POLICY)
    alice, bob = ranked
    assert (alice.learner_id, alice.rank) == ("alice", 1)
    assert (bob.learner_id, bob.rank) == ("bob", 2)
    assert alice.score == pytest.approx(0.52)
    assert bob.score == pytest.approx(0.508)
    assert alice.gaps == (SQL,)
    assert bob.gaps == (PY,)
    assert alice.missing_preferred == (DOCKER,)
    assert bob.missing_preferred == ()
    assert (alice.required_met, alice.required_total) == (1, 2)
    assert (bob.required_met, bob.required_total) == (1, 2)
    assert [c.value for c in alice.coverage] == pytest.approx([0.9, 0.4, 0.0])
    assert [c.value for c in bob.coverage] == pytest.approx([0.27, 0.7, 0.6])


def test_verified_only_reorders_the_same_learners() -> None:
    # Alice: (0.9 + 0 + 0) / 2.5 = 0.36 — the unknown issuer's SQL badge no longer counts
    # Bob:   (0 + 0.7 + 0.5·0.6) / 2.5 = 1.0 / 2.5 = 0.4 — the unverifiable one no longer counts
    policy = MatchPolicy(trust=TrustPolicy(verified_only=True))
    bob, alice = rank_candidates(REQS, {"alice": ALICE, "bob": BOB}, policy)
    assert bob.learner_id == "bob"
    assert bob.score == pytest.approx(0.4)
    assert alice.learner_id == "alice"
    assert alice.score == pytest.approx(0.36)
    assert alice.gaps == (SQL,)
    assert bob.gaps == (PY,)


def test_coverage_keeps_the_evidence_that_produced_it() -> None:
    cov = coverage(PY, BOB, POLICY)
    assert cov.value == pytest.approx(0.27)
    assert cov.evidence is not None
    assert cov.evidence.credential_id == "b2"
    assert cov.evidence.verdict == "unverifiable"
    assert cov.evidence.trust == pytest.approx(0.3)
    assert cov.evidence.similarity == 0.9
    assert cov.evidence.issuer_name == "Trusted U"
    assert cov.evidence.valid_from == "2024-01-01T00:00:00Z"
    assert cov.alternatives == ()  # the revoked b1 is not counted evidence


def test_revoked_and_expired_evidence_is_ignored() -> None:
    bad = [ev("r-py", f"c-{v}", 1.0, verdict=v) for v in sorted(VERDICTS - {"verified"})]
    bad = [e for e in bad if e.verdict != "unverifiable"]
    cov = coverage(PY, bad, POLICY)
    assert (cov.value, cov.evidence, cov.alternatives) == (0.0, None, ())
    m = score_candidate("x", REQS, bad, POLICY)
    assert m.score == 0.0
    assert m.gaps == (PY, SQL)


def test_unknown_issuer_is_down_weighted_and_alternatives_are_best_first() -> None:
    evidence = [
        ev("r-py", "c-untrusted", 0.9, trusted=False),  # 0.45
        ev("r-py", "c-trusted", 0.6),  # 0.6  -> best
        ev("r-py", "c-unverif", 0.9, verdict="unverifiable"),  # 0.27
        ev("r-sql", "c-other-req", 1.0),  # other requirement, ignored here
    ]
    cov = coverage(PY, evidence, POLICY)
    assert cov.value == pytest.approx(0.6)
    assert cov.evidence is not None and cov.evidence.credential_id == "c-trusted"
    assert [a.credential_id for a in cov.alternatives] == ["c-untrusted", "c-unverif"]
    assert [a.trust for a in cov.alternatives] == pytest.approx([0.5, 0.3])


def test_non_positive_similarity_does_not_count() -> None:
    cov = coverage(PY, [ev("r-py", "c1", -0.2), ev("r-py", "c2", 0.0)], POLICY)
    assert (cov.value, cov.evidence) == (0.0, None)


def test_equal_evidence_is_chosen_by_credential_id_not_input_order() -> None:
    a, b = ev("r-py", "c-b", 0.7), ev("r-py", "c-a", 0.7)
    for order in ([a, b], [b, a]):
        cov = coverage(PY, order, POLICY)
        assert cov.evidence is not None and cov.evidence.credential_id == "c-a"


def test_gap_threshold_is_configurable_and_inclusive() -> None:
    evidence = [ev("r-py", "c1", 0.6), ev("r-sql", "c2", 0.7)]
    assert score_candidate("x", REQS, evidence, MatchPolicy(gap_threshold=0.6)).gaps == ()
    m = score_candidate("x", REQS, evidence, MatchPolicy(gap_threshold=0.65))
    assert m.gaps == (PY,)
    assert m.required_met == 1


def test_ties_break_on_required_met_then_learner_id() -> None:
    req = RequirementSpec("r1", "Python", 1.0, True)
    pref = RequirementSpec("r2", "Go", 1.0, False)
    data = {
        # dave: (0.4 + 0.2) / 2 = 0.3 (float sum 0.30000000000000004), 0 required met
        "dave": [ev("r1", "d1", 0.4), ev("r2", "d2", 0.2)],
        # carol: (0.6 + 0) / 2 = 0.3, 1 required met -> ahead of dave
        "carol": [ev("r1", "c1", 0.6)],
        # erin and bert: same evidence as dave -> learner id decides: bert, dave, erin
        "erin": [ev("r1", "e1", 0.4), ev("r2", "e2", 0.2)],
        "bert": [ev("r2", "b2", 0.2), ev("r1", "b1", 0.4)],
    }
    ranked = rank_candidates((req, pref), data, POLICY)
    assert [m.learner_id for m in ranked] == ["carol", "bert", "dave", "erin"]
    assert [m.rank for m in ranked] == [1, 2, 3, 4]


def test_filters_min_score_and_all_required_met() -> None:
    data = {"alice": ALICE, "bob": BOB, "nobody": []}
    assert [m.learner_id for m in rank_candidates(REQS, data, POLICY, min_score=0.51)] == ["alice"]
    # min_score is inclusive: Bob's 0.508 passes 0.508 despite float rounding
    kept = rank_candidates(REQS, data, POLICY, min_score=0.508)
    assert [m.learner_id for m in kept] == ["alice", "bob"]
    full = {"carl": [ev("r-py", "x", 0.5), ev("r-sql", "y", 0.9)], **data}
    only = rank_candidates(REQS, full, POLICY, all_required_met=True)
    assert [(m.learner_id, m.rank) for m in only] == [("carl", 1)]


def test_no_requirements_or_zero_weights_score_zero() -> None:
    assert score_candidate("x", (), [ev("r-py", "c", 1.0)], POLICY).score == 0.0
    zero = RequirementSpec("z", "nothing", 0.0, False)
    assert score_candidate("x", (zero,), [ev("z", "c", 1.0)], POLICY).score == 0.0


def test_bad_inputs_raise_input_error() -> None:
    with pytest.raises(InputError, match="'r-py' appears twice"):
        score_candidate("x", (PY, PY), [], POLICY)
    with pytest.raises(InputError, match="min_score"):
        rank_candidates(REQS, {}, POLICY, min_score=1.5)
    m = score_candidate("x", REQS, [], POLICY)
    with pytest.raises(InputError, match="'x' was scored twice"):
        rank([m, m])


# --- properties -------------------------------------------------------------------

REQ_POOL = (
    RequirementSpec("q1", "one", 1.0, True),
    RequirementSpec("q2", "two", 1.0, True),
    RequirementSpec("q3", "three", 0.5, False),
    RequirementSpec("q4", "four", 0.25, False),
)

evidence_st = st.builds(
    ev,
    req=st.sampled_from([r.id for r in REQ_POOL]),
    cred=st.text("abc", min_size=1, max_size=3),
    # a few fixed values so that ties actually happen
    sim=st.sampled_from([-0.1, 0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0]),
    verdict=st.sampled_from(sorted(VERDICTS)),
    trusted=st.booleans(),
)
population_st = st.dictionaries(
    st.text("xyz", min_size=1, max_size=3), st.lists(evidence_st, max_size=6), max_size=8
)
policy_st = st.builds(
    MatchPolicy,
    gap_threshold=st.sampled_from([0.0, 0.3, 0.5, 0.8]),
    trust=st.builds(TrustPolicy, verified_only=st.booleans()),
)


def _summary(ranked: list[Match]) -> list[tuple[str, int, float, int]]:
    return [(m.learner_id, m.rank, m.score, m.required_met) for m in ranked]


@settings(max_examples=150, deadline=None)
@given(population=population_st, policy=policy_st, seed=st.integers(0, 2**32))
def test_shuffling_input_never_changes_the_order(
    population: dict[str, list[Evidence]], policy: MatchPolicy, seed: int
) -> None:
    rng = random.Random(seed)
    expected = _summary(rank_candidates(REQ_POOL, population, policy))
    learners = list(population.items())
    rng.shuffle(learners)
    shuffled = {k: rng.sample(v, len(v)) for k, v in learners}
    reqs = list(REQ_POOL)
    rng.shuffle(reqs)
    assert _summary(rank_candidates(reqs, shuffled, policy)) == expected


@settings(max_examples=150, deadline=None)
@given(population=population_st, policy=policy_st)
def test_ranking_is_sorted_and_scores_are_bounded(
    population: dict[str, list[Evidence]], policy: MatchPolicy
) -> None:
    ranked = rank_candidates(REQ_POOL, population, policy)
    assert sorted(m.learner_id for m in ranked) == sorted(population)
    keys = [(-round(m.score, 9), -m.required_met, m.learner_id) for m in ranked]
    assert keys == sorted(keys)
    for m in ranked:
        assert 0.0 <= m.score <= 1.0
        assert m.required_met + len(m.gaps) == m.required_total
        for c in m.coverage:
            assert (c.value > 0) == (c.evidence is not None)
            if c.evidence is not None:
                assert c.evidence.requirement_id == c.requirement.id
                assert c.value == c.evidence.contribution
                assert all(a.contribution <= c.value for a in c.alternatives)


@settings(max_examples=100, deadline=None)
@given(evidence=st.lists(evidence_st, max_size=8), extra=st.lists(evidence_st, max_size=4))
def test_adding_non_counting_evidence_never_changes_a_score(
    evidence: list[Evidence], extra: list[Evidence]
) -> None:
    dead = [e for e in extra if e.verdict in {"revoked", "expired", "suspended", "invalid"}]
    before = score_candidate("x", REQ_POOL, evidence, POLICY)
    after = score_candidate("x", REQ_POOL, evidence + dead, POLICY)
    assert after.score == before.score
    assert after.gaps == before.gaps


@settings(max_examples=100, deadline=None)
@given(evidence=st.lists(evidence_st, max_size=8))
def test_verified_only_never_raises_a_score(evidence: list[Evidence]) -> None:
    loose = score_candidate("x", REQ_POOL, evidence, POLICY)
    strict = score_candidate(
        "x", REQ_POOL, evidence, MatchPolicy(trust=TrustPolicy(verified_only=True))
    )
    assert strict.score <= loose.score
    assert len(strict.gaps) >= len(loose.gaps)


def test_trust_table_spells_what_trust_policy_says() -> None:
    from credmatch.domain.model import MatchPolicy, TrustPolicy
    from credmatch.domain.scoring import trust_table

    table = trust_table(MatchPolicy(trust=TrustPolicy(unknown_issuer=0.5, unverifiable=0.3)))
    assert table["verified|true"] == 1.0
    assert table["verified|false"] == 0.5
    assert table["unverifiable|false"] == pytest.approx(0.15)
    assert table["revoked|true"] == table["expired|true"] == 0.0
    strict = trust_table(MatchPolicy(trust=TrustPolicy(verified_only=True)))
    assert strict["verified|false"] == strict["unverifiable|true"] == 0.0


def test_a_condition_is_never_a_gap_nor_a_missing_preference_and_weighs_nothing() -> None:
    shift = RequirementSpec("r-shift", "Willing to work a rotating shift pattern", 0.0, False,
                            kind="condition")  # fmt: skip
    duty = RequirementSpec("r-duty", "Triage alerts in our SIEM", 0.5, False, kind="duty")
    m = score_candidate("alice", (PY, shift, duty), [ev("r-py", "a1", 0.9)], POLICY)
    assert m.gaps == ()
    assert m.missing_preferred == (duty,)  # a duty below the threshold is shown, not a gap
    assert (m.required_met, m.required_total) == (1, 1)
    assert m.score == pytest.approx(0.9 * 1.0 / 1.5)


def test_a_requirement_kind_must_be_known() -> None:
    with pytest.raises(InputError, match=r"requirement 'r-x': kind is 'licence'"):
        RequirementSpec("r-x", "RN licence", 1.0, True, kind="licence")

"""TrustPolicy weights and construction checks of the domain dataclasses."""

from __future__ import annotations

import math

import pytest

from credmatch.domain.model import (
    VERDICTS,
    Evidence,
    MatchPolicy,
    RequirementSpec,
    TrustPolicy,
    Verdict,
)
from credmatch.errors import InputError


def make_evidence(**overrides: object) -> Evidence:
    fields: dict[str, object] = {
        "requirement_id": "r1",
        "credential_id": "c1",
        "achievement_id": "a1",
        "achievement_name": "Python",
        "issuer_id": "i1",
        "issuer_name": "Uni",
        "issuer_trusted": True,
        "verdict": "verified",
        "similarity": 0.8,
        "valid_from": None,
        "valid_until": None,
        "issued": None,
    }
    fields.update(overrides)
    return Evidence(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("verdict", "trusted", "expected"),
    [
        ("verified", True, 1.0),
        # below the gap threshold (0.5): an unknown issuer's credential alone meets nothing
        ("verified", False, 0.4),
        ("unverifiable", True, 0.3),
        # both doubts apply: unverifiable weight times the unknown-issuer weight
        ("unverifiable", False, 0.12),
        ("expired", True, 0.0),
        ("revoked", True, 0.0),
        ("suspended", True, 0.0),
        ("not_yet_valid", True, 0.0),
        ("invalid", True, 0.0),
        ("revoked", False, 0.0),
    ],
)
def test_default_trust_weights(verdict: str, trusted: bool, expected: float) -> None:
    assert TrustPolicy().trust(verdict, trusted) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("verdict", "trusted", "expected"),
    [
        ("verified", True, 1.0),
        ("verified", False, 0.0),
        ("unverifiable", True, 0.0),
        ("unverifiable", False, 0.0),
        ("expired", True, 0.0),
    ],
)
def test_verified_only_counts_only_verified_by_trusted_issuer(
    verdict: str, trusted: bool, expected: float
) -> None:
    assert TrustPolicy(verified_only=True).trust(verdict, trusted) == expected


def test_configured_weights_are_used() -> None:
    policy = TrustPolicy(unknown_issuer=0.25, unverifiable=0.4)
    assert policy.trust("verified", False) == 0.25
    assert policy.trust("unverifiable", True) == 0.4
    assert policy.trust("unverifiable", False) == pytest.approx(0.1)


def test_verdict_enum_matches_the_verdict_strings() -> None:
    assert {
        "verified",
        "expired",
        "revoked",
        "suspended",
        "not_yet_valid",
        "unverifiable",
        "invalid",
    } == VERDICTS
    assert TrustPolicy().trust(Verdict.VERIFIED, True) == 1.0


def test_unknown_verdict_is_rejected_naming_the_credential() -> None:
    with pytest.raises(InputError, match=r"'c9'.*verdict is 'ok'"):
        make_evidence(credential_id="c9", verdict="ok")
    with pytest.raises(InputError, match="verdict is 'ok'"):
        TrustPolicy().trust("ok", True)


@pytest.mark.parametrize("sim", [math.nan, math.inf, 1.5, -1.01])
def test_similarity_out_of_range_is_rejected(sim: float) -> None:
    with pytest.raises(InputError, match="similarity"):
        make_evidence(similarity=sim)


@pytest.mark.parametrize("weight", [-0.1, math.nan, math.inf])
def test_bad_requirement_weight_is_rejected(weight: float) -> None:
    with pytest.raises(InputError, match=r"requirement 'r7': weight"):
        RequirementSpec("r7", "SQL", weight, True)


@pytest.mark.parametrize(
    "make",
    [
        lambda: TrustPolicy(unknown_issuer=1.2),
        lambda: TrustPolicy(unverifiable=-0.1),
        lambda: MatchPolicy(gap_threshold=math.nan),
        lambda: MatchPolicy(gap_threshold=2.0),
    ],
)
def test_bad_policy_values_are_rejected(make: object) -> None:
    with pytest.raises(InputError, match="between 0 and 1"):
        make()  # type: ignore[operator]


def test_contribution_is_zero_until_trust_is_set() -> None:
    ev = make_evidence(similarity=0.8)
    assert ev.contribution == 0.0
    assert make_evidence(similarity=0.8, trust=0.5).contribution == pytest.approx(0.4)

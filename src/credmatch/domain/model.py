"""The matching vocabulary: requirements, evidence, trust and match results.

Plain frozen dataclasses with no I/O. Values are checked on construction so that a
malformed row from the store fails where it enters, naming the record and field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from credmatch.errors import InputError


class Verdict(StrEnum):
    """Outcome of verifying a credential, as stored on the credential node."""

    VERIFIED = "verified"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    NOT_YET_VALID = "not_yet_valid"
    UNVERIFIABLE = "unverifiable"
    INVALID = "invalid"


VERDICTS: frozenset[str] = frozenset(v.value for v in Verdict)


def _check_unit(value: float, what: str) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"{what} is {value!r}; it must be a number between 0 and 1")


SKILL, DUTY, CONDITION = "skill", "duty", "condition"
REQUIREMENT_KINDS: frozenset[str] = frozenset({SKILL, DUTY, CONDITION})
"""A skill is matched and may be a gap; a duty is matched at its (lower) weight and is never
required; a condition (a licence a regulator issues, a shift pattern, years of experience) is
shown but never matched, never a gap and never in the score."""


@dataclass(frozen=True)
class RequirementSpec:
    """One requirement of a posting; ``weight`` is its share of the score."""

    id: str
    text: str
    weight: float
    required: bool
    kind: str = SKILL

    def __post_init__(self) -> None:
        w = self.weight
        if not (isinstance(w, int | float) and math.isfinite(w) and w >= 0.0):
            raise InputError(
                f"requirement {self.id!r}: weight is {w!r}; it must be a finite number >= 0"
            )
        if self.kind not in REQUIREMENT_KINDS:
            raise InputError(
                f"requirement {self.id!r}: kind is {self.kind!r}; "
                f"it must be one of {', '.join(sorted(REQUIREMENT_KINDS))}"
            )

    @property
    def matched(self) -> bool:
        """Whether evidence is looked for at all (not for conditions)."""
        return self.kind != CONDITION


@dataclass(frozen=True)
class Evidence:
    """A credential a learner holds that may satisfy a requirement.

    ``similarity`` is how well the credential's achievement satisfies the requirement
    (cosine, so it may be negative); ``trust`` is filled in by scoring from the verdict
    and the issuer (``None`` until then).
    """

    requirement_id: str
    credential_id: str
    achievement_id: str
    achievement_name: str
    issuer_id: str
    issuer_name: str | None
    issuer_trusted: bool
    verdict: str
    similarity: float
    valid_from: str | None
    valid_until: str | None
    issued: str | None
    trust: float | None = None

    def __post_init__(self) -> None:
        where = (
            f"evidence for requirement {self.requirement_id!r}, credential {self.credential_id!r}"
        )
        if self.verdict not in VERDICTS:
            raise InputError(
                f"{where}: verdict is {self.verdict!r}; expected one of {sorted(VERDICTS)}"
            )
        s = self.similarity
        if not (isinstance(s, int | float) and math.isfinite(s) and -1.0 <= s <= 1.0):
            raise InputError(f"{where}: similarity is {s!r}; it must be a number in [-1, 1]")
        if self.trust is not None:
            _check_unit(self.trust, f"{where}: trust")

    @property
    def contribution(self) -> float:
        """similarity × trust, the coverage this evidence gives (0 while trust is unset)."""
        return 0.0 if self.trust is None else self.similarity * self.trust


@dataclass(frozen=True)
class TrustPolicy:
    """How much a credential counts, given its verdict and whether its issuer is trusted.

    verified + trusted issuer counts 1; verified + unknown issuer counts ``unknown_issuer``;
    unverifiable counts ``unverifiable`` (times ``unknown_issuer`` too when the issuer is
    unknown, since both doubts apply); with ``verified_only`` only verified credentials from
    trusted issuers count. Expired, revoked, suspended, not-yet-valid and invalid count 0.
    """

    unknown_issuer: float = 0.4
    unverifiable: float = 0.3
    verified_only: bool = False

    def __post_init__(self) -> None:
        _check_unit(self.unknown_issuer, "trust policy unknown_issuer weight")
        _check_unit(self.unverifiable, "trust policy unverifiable weight")

    def trust(self, verdict: str, issuer_trusted: bool) -> float:
        """The weight a credential with this verdict and issuer carries, in [0, 1]."""
        if verdict not in VERDICTS:
            raise InputError(f"verdict is {verdict!r}; expected one of {sorted(VERDICTS)}")
        issuer = 1.0 if issuer_trusted else self.unknown_issuer
        if verdict == Verdict.VERIFIED:
            if self.verified_only and not issuer_trusted:
                return 0.0
            return issuer
        if verdict == Verdict.UNVERIFIABLE and not self.verified_only:
            return self.unverifiable * issuer
        return 0.0


@dataclass(frozen=True)
class MatchPolicy:
    """Knobs of one ranking query: the gap threshold and the trust weights; and how many of
    a posting's best rows its stored ranking keeps in each order (``table_depth``; 0 keeps
    every learner with evidence)."""

    gap_threshold: float = 0.5
    trust: TrustPolicy = field(default_factory=TrustPolicy)
    table_depth: int = 0

    def __post_init__(self) -> None:
        _check_unit(self.gap_threshold, "gap_threshold")
        if self.table_depth < 0:
            raise InputError(f"table_depth is {self.table_depth}; it must be 0 or more")


@dataclass(frozen=True)
class Coverage:
    """How well a candidate covers one requirement, and the evidence behind the number."""

    requirement: RequirementSpec
    value: float
    evidence: Evidence | None
    alternatives: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Match:
    """A candidate's score for a posting with per-requirement coverage and gaps.

    ``rank`` is 0 until :func:`credmatch.domain.scoring.rank` assigns 1..n.
    ``missing_preferred`` lists preferred requirements below the threshold (not gaps).
    """

    learner_id: str
    score: float
    rank: int
    coverage: tuple[Coverage, ...]
    gaps: tuple[RequirementSpec, ...]
    required_met: int
    required_total: int
    missing_preferred: tuple[RequirementSpec, ...] = ()

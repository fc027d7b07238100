"""Who holds what, when, and in which envelope: the seed's learners and awards.

Everything is drawn from one ``random.Random`` with a fixed seed, so the plan (and the
signed output built from it) is the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from credmatch.seed.catalog_spec import FIELDS, AchievementSpec
from credmatch.seed.identities import identity_object, learner_did

RANDOM_SEED = 20261101
LEARNER_COUNT = 1000
# Deliberately bad credentials (see README): how many of each.
EXPIRED_COUNT = 6
REVOKED_COUNT = 6
TAMPERED_COUNT = 5
UNTRUSTED_COUNT = 12
UNTRUSTED_ISSUER = "gsab"

FIRST_ISSUE = date(2021, 2, 1)
LAST_ISSUE = date(2026, 9, 30)
# Lapsing certifications are recent, so that only the deliberately expired ones have lapsed.
FIRST_CERT_ISSUE = date(2025, 3, 1)

FIELD_WEIGHTS = {
    "data": 18,
    "software": 16,
    "cloud": 10,
    "security": 12,
    "healthcare": 16,
    "trades": 12,
    "languages": 6,
    "management": 10,
}
# A learner's second field tends to sit next to the first.
NEIGHBOUR_FIELDS = {
    "data": ("software", "cloud", "management"),
    "software": ("data", "cloud", "security"),
    "cloud": ("software", "security", "data"),
    "security": ("cloud", "software", "management"),
    "healthcare": ("languages", "management"),
    "trades": ("management", "languages"),
    "languages": ("management", "healthcare"),
    "management": ("data", "languages", "software"),
}
CREDENTIAL_COUNT_WEIGHTS = (30, 26, 18, 11, 7, 4, 2, 2)  # for 1..8 credentials
PATHWAY_SHARE = 0.2
SECOND_FIELD_SHARE = 0.45
DISCOVERABLE_SHARE = 0.88
DISPLAY_NAME_SHARE = 0.35
HASHED_IDENTITY_SHARE = 0.12
# How each issuer delivers credentials: share of eddsa-rdfc-2022, the rest eddsa-jcs-2022;
# "jwt" issuers send VC-JWTs only.
RDFC_SHARE = {"lakeshore-state": 1.0, "riverside-tech": 0.6, "halden-university": 0.5}
JWT_ISSUERS = frozenset({"stratus"})
JWT_SHARE_ELSEWHERE = 0.06

GIVEN_NAMES = (
    "Amara",
    "Bilal",
    "Chen",
    "Dana",
    "Emeka",
    "Farah",
    "Gustavo",
    "Hana",
    "Ibrahim",
    "Jonas",
    "Kavya",
    "Liam",
    "Mei",
    "Nikos",
    "Olga",
    "Priya",
    "Quinn",
    "Rafael",
    "Sofia",
    "Tariq",
    "Uma",
    "Viktor",
    "Wanjiru",
    "Xavier",
    "Yusuf",
    "Zara",
    "Aiko",
    "Bruno",
    "Carmen",
    "Dmitri",
    "Elif",
    "Femi",
    "Grace",
    "Hamid",
    "Ines",
    "Jae",
    "Kofi",
    "Lucia",
    "Mateo",
    "Nadia",
    "Oskar",
    "Paulo",
    "Rosa",
    "Sanjay",
    "Tomasz",
    "Valentina",
    "Wei",
    "Yara",
    "Zeynep",
    "Alex",
)
INITIALS = "ABCDEFGHJKLMNOPRSTVWYZ"


@dataclass(frozen=True)
class Learner:
    number: int
    subject_id: str
    identity: dict[str, Any] | None
    discoverable: bool
    display_name: str | None
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Award:
    number: int
    learner: Learner
    key: str
    issued: date
    form: str  # "eddsa-rdfc-2022" | "eddsa-jcs-2022" | "jwt"
    trouble: str | None = None
    valid_until: date | None = None
    pathway: bool = False


@dataclass
class Plan:
    learners: list[Learner]
    awards: list[Award] = field(default_factory=list)


def make_plan(specs: Sequence[AchievementSpec], learner_count: int = LEARNER_COUNT) -> Plan:
    """The learners and the credentials they hold, with the deliberately bad ones marked."""
    # Reproducible demo data, not secrets: a seeded PRNG is exactly what is wanted here.
    rng = random.Random(RANDOM_SEED)  # noqa: S311
    by_key = {s.key: s for s in specs}
    pools = _pools(specs)
    stacks = _stacks(specs)
    plan = Plan(learners=[_learner(n, rng) for n in range(1, learner_count + 1)])
    for learner in plan.learners:
        for key, issued, pathway in _picks(learner, rng, pools, stacks, by_key):
            spec = by_key[key]
            plan.awards.append(
                Award(
                    number=len(plan.awards) + 1,
                    learner=learner,
                    key=key,
                    issued=issued,
                    form=_form(spec.issuer, rng),
                    valid_until=_valid_until(spec, issued),
                    pathway=pathway,
                )
            )
    _add_untrusted(plan, specs, rng)
    _mark_trouble(plan, by_key, rng)
    return plan


def _learner(number: int, rng: random.Random) -> Learner:
    primary = rng.choices(list(FIELD_WEIGHTS), weights=list(FIELD_WEIGHTS.values()))[0]
    fields: tuple[str, ...] = (primary,)
    if rng.random() < SECOND_FIELD_SHARE:
        fields = (primary, rng.choice(NEIGHBOUR_FIELDS[primary]))
    hashed = rng.random() < HASHED_IDENTITY_SHARE
    identity = identity_object(number) if hashed else None
    subject = identity["identityHash"] if identity else learner_did(number)
    name = None
    if rng.random() < DISPLAY_NAME_SHARE:
        name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(INITIALS)}."
    return Learner(number, subject, identity, rng.random() < DISCOVERABLE_SHARE, name, fields)


def _pools(specs: Sequence[AchievementSpec]) -> dict[str, list[str]]:
    parents = {s.stacks_into for s in specs if s.stacks_into}
    pools: dict[str, list[str]] = {f: [] for f in FIELDS}
    for s in specs:
        if s.held and s.issuer != UNTRUSTED_ISSUER and s.key not in parents:
            pools[s.field].append(s.key)
    return pools


def _stacks(specs: Sequence[AchievementSpec]) -> dict[str, list[str]]:
    stacks: dict[str, list[str]] = {}
    for s in specs:
        if s.stacks_into:
            stacks.setdefault(s.stacks_into, []).append(s.key)
    return stacks


def _picks(
    learner: Learner,
    rng: random.Random,
    pools: dict[str, list[str]],
    stacks: dict[str, list[str]],
    by_key: dict[str, AchievementSpec],
) -> list[tuple[str, date, bool]]:
    count = rng.choices(range(1, 9), weights=CREDENTIAL_COUNT_WEIGHTS)[0]
    picks: list[tuple[str, date, bool]] = []
    field_stacks = [p for p in stacks if by_key[p].field == learner.fields[0]]
    if field_stacks and count >= 3 and rng.random() < PATHWAY_SHARE:
        parent = rng.choice(field_stacks)
        start = _date(rng, FIRST_ISSUE, LAST_ISSUE - timedelta(days=400))
        for n, key in enumerate(stacks[parent]):
            picks.append((key, start + timedelta(days=60 * n + rng.randint(0, 40)), True))
        picks.append((parent, picks[-1][1] + timedelta(days=rng.randint(20, 90)), True))
    taken = {k for k, _, _ in picks}
    for _ in range(40):
        if len(picks) >= max(count, len(taken)):
            break
        key = rng.choice(pools[_field_for(learner, rng)])
        if key not in taken:
            taken.add(key)
            picks.append((key, _issue_date(by_key[key], rng), False))
    return picks


def _field_for(learner: Learner, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.75 or (roll < 0.95 and len(learner.fields) == 1):
        return learner.fields[0]
    if roll < 0.95:
        return learner.fields[1]
    return rng.choice(FIELDS)


def _issue_date(spec: AchievementSpec, rng: random.Random) -> date:
    first = FIRST_CERT_ISSUE if spec.valid_years else FIRST_ISSUE
    return _date(rng, first, LAST_ISSUE)


def _date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _valid_until(spec: AchievementSpec, issued: date) -> date | None:
    if spec.valid_years is None:
        return None
    return issued.replace(year=issued.year + spec.valid_years, day=min(issued.day, 28))


def _form(issuer: str, rng: random.Random) -> str:
    if issuer in JWT_ISSUERS:
        return "jwt"
    roll = rng.random()
    if roll < JWT_SHARE_ELSEWHERE:
        return "jwt"
    if rng.random() < RDFC_SHARE.get(issuer, 0.0):
        return "eddsa-rdfc-2022"
    return "eddsa-jcs-2022"


def _add_untrusted(plan: Plan, specs: Sequence[AchievementSpec], rng: random.Random) -> None:
    offered = [s for s in specs if s.issuer == UNTRUSTED_ISSUER]
    for _ in range(UNTRUSTED_COUNT):
        spec = rng.choice(offered)
        candidates = [lr for lr in plan.learners if spec.field in lr.fields]
        learner = rng.choice(candidates)
        issued = _date(rng, FIRST_ISSUE, LAST_ISSUE)
        plan.awards.append(
            Award(len(plan.awards) + 1, learner, spec.key, issued, "eddsa-jcs-2022", "untrusted")
        )


def _mark_trouble(plan: Plan, by_key: dict[str, AchievementSpec], rng: random.Random) -> None:
    plain = [a for a in plan.awards if a.trouble is None and not a.pathway]
    lapsing = [a for a in plain if by_key[a.key].valid_years]
    for award in rng.sample(lapsing, EXPIRED_COUNT):
        years = by_key[award.key].valid_years or 0
        issued = _date(rng, date(2021, 1, 15), date(2023, 6, 30))
        _replace(
            plan,
            award,
            trouble="expired",
            issued=issued,
            valid_until=issued.replace(year=issued.year + years, day=min(issued.day, 28)),
        )
    from credmatch.seed.issuers import issuer_by_slug

    revocable = [
        a
        for a in plain
        if a.trouble is None
        and not by_key[a.key].valid_years
        and issuer_by_slug(by_key[a.key].issuer).status_list
    ]
    for award in rng.sample(revocable, REVOKED_COUNT):
        _replace(plan, award, trouble="revoked")
    rest = [a for a in plan.awards if a.trouble is None and not a.pathway]
    jwts = [a for a in rest if a.form == "jwt"]
    embedded = [a for a in rest if a.form != "jwt"]
    for award in [*rng.sample(jwts, 1), *rng.sample(embedded, TAMPERED_COUNT - 1)]:
        _replace(plan, award, trouble="tampered")


def _replace(plan: Plan, award: Award, **changes: Any) -> None:
    plan.awards[award.number - 1] = replace(plan.awards[award.number - 1], **changes)

"""The shape of one hand-written catalog entry (turned into an OB 3.0 Achievement)."""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = (
    "data",
    "software",
    "cloud",
    "security",
    "healthcare",
    "trades",
    "languages",
    "management",
)


@dataclass(frozen=True)
class AchievementSpec:
    key: str
    issuer: str
    achievement_type: str
    name: str
    field: str
    field_of_study: str
    description: str
    criteria: str
    esco: tuple[str, ...]
    tags: tuple[str, ...] = ()
    hours: int | None = None
    credits: float | None = None
    stacks_into: str | None = None
    # False: in the catalog but awarded to nobody yet, so learners can be pointed at it.
    held: bool = True
    # Certifications that lapse: the credential's validUntil is this many years after issue.
    valid_years: int | None = None

"""What the read services hand the API: frozen dataclasses, each built from a Cypher row by one
function here.

A row's column names (``fieldOfStudy``, ``achievementCount``, ...) are read only in these
functions; everything after them, ``api/types.py`` included, reads typed fields, so a column
renamed in a query is fixed here once and a field renamed here is a type error wherever it is
used. The builders keep what the rows say, with the same fallbacks the API always showed: an
achievement without a name is named by its id, an achievement without an issuer in the graph
has an issuer with id ``""``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class SkillScore:
    """A taxonomy skill with how strongly something is linked to (or matches) it."""

    uri: str
    label: str
    score: float


def skill_score(row: Row) -> SkillScore:
    """From a ``{uri, label, score}`` row or map."""
    return SkillScore(uri=row["uri"], label=row["label"], score=row["score"])


@dataclass(frozen=True)
class Ref:
    """An achievement named in a list: its id and name (the id when it has no name)."""

    id: str
    name: str


def ref(row: Row) -> Ref:
    """From an ``{id, name}`` map."""
    return Ref(id=row["id"], name=row.get("name") or row["id"])


@dataclass(frozen=True)
class IssuerRecord:
    id: str  # "" when the graph knows no issuer for the achievement
    name: str | None
    trusted: bool


def issuer_record(row: Row | None) -> IssuerRecord:
    """From an ``{id, name, trusted}`` map, or None (no issuer)."""
    i = row or {}
    return IssuerRecord(id=i.get("id") or "", name=i.get("name"), trusted=bool(i.get("trusted")))


@dataclass(frozen=True)
class AchievementRecord:
    """A catalog achievement, with its issuer and what it stacks into."""

    id: str
    name: str
    description: str | None
    criteria: str | None
    achievement_type: str | None
    credits: float | None
    hours: float | None
    field_of_study: str | None
    issuer: IssuerRecord
    stacks_into: tuple[Ref, ...]


def achievement_record(row: Row) -> AchievementRecord:
    """From a row with ``achievement`` (a map of the node's properties), ``issuer`` and
    ``stacksInto`` columns (browse.ACHIEVEMENTS, browse.ACHIEVEMENTS_BY_ID)."""
    a = row["achievement"]
    return AchievementRecord(
        id=a["id"],
        name=ref(a).name,
        description=a.get("description"),
        criteria=a.get("criteria"),
        achievement_type=a.get("achievementType"),
        credits=a.get("credits"),
        hours=a.get("hours"),
        field_of_study=a.get("fieldOfStudy"),
        issuer=issuer_record(row.get("issuer")),
        stacks_into=tuple(ref(w) for w in row.get("stacksInto") or ()),
    )


@dataclass(frozen=True)
class IssuerListing:
    id: str
    name: str | None
    trusted: bool
    achievement_count: int


def issuer_listing(row: Row) -> IssuerListing:
    """From a browse.ISSUERS row."""
    return IssuerListing(
        id=row["id"],
        name=row["name"],
        trusted=row["trusted"],
        achievement_count=row["achievementCount"],
    )


@dataclass(frozen=True)
class HeldCredential:
    """A credential a learner holds, as their profile lists it."""

    id: str
    achievement: Ref
    issuer_id: str
    issuer_trusted: bool
    verdict: str
    valid_from: str | None
    valid_until: str | None


@dataclass(frozen=True)
class ProfileRecord:
    id: str
    display_name: str | None
    discoverable: bool
    credentials: tuple[HeldCredential, ...]  # by credential id


def profile_record(row: Row) -> ProfileRecord:
    """From a browse.LEARNER_PROFILE row."""
    return ProfileRecord(
        id=row["id"],
        display_name=row["displayName"],
        discoverable=row["discoverable"],
        credentials=tuple(
            sorted((_held(c) for c in row["credentials"]), key=lambda c: c.id),
        ),
    )


def _held(c: Row) -> HeldCredential:
    return HeldCredential(
        id=c["id"],
        achievement=Ref(id=c["achievementId"], name=c["achievementName"] or c["achievementId"]),
        issuer_id=c["issuerId"],
        issuer_trusted=bool(c["issuerTrusted"]),
        verdict=c["verdict"],
        valid_from=c["validFrom"],
        valid_until=c["validUntil"],
    )


@dataclass(frozen=True)
class WebhookRecord:
    """A webhook as its organisation sees it (never its secret)."""

    id: str
    org_id: str
    url: str
    events: tuple[str, ...]
    min_score: float
    job_id: str | None
    created_at: str


def webhook_record(w: Row) -> WebhookRecord:
    """From a webhooks query's ``webhook`` map."""
    return WebhookRecord(
        id=w["id"],
        org_id=w["orgId"],
        url=w["url"],
        events=tuple(w["events"]),
        min_score=w["minScore"],
        job_id=w.get("jobId") or None,
        created_at=w["createdAt"],
    )


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery of a match event to a webhook, with its attempts so far."""

    id: str
    key: str  # its place in the webhook's deliveries, newest last (the page cursor)
    type: str
    job_id: str
    learner_id: str
    score: float | None
    previous_score: float | None
    created_at: str
    status: str
    attempts: int
    next_attempt_at: float | None  # epoch seconds
    last_attempt_at: str | None
    last_response_status: int | None
    last_error: str | None
    delivered_at: str | None
    history: tuple[str, ...]


def delivery_record(d: Row) -> DeliveryRecord:
    """From a webhooks.DELIVERIES_PAGE ``page`` entry."""
    return DeliveryRecord(
        id=d["id"],
        key=d["key"],
        type=d["type"],
        job_id=d["jobId"],
        learner_id=d["learnerId"],
        score=d.get("score"),
        previous_score=d.get("previousScore"),
        created_at=d["createdAt"],
        status=d["status"],
        attempts=int(d["attempts"]),
        next_attempt_at=d.get("nextAttemptAt"),
        last_attempt_at=d.get("lastAttemptAt"),
        last_response_status=d.get("lastResponseStatus"),
        last_error=d.get("lastError"),
        delivered_at=d.get("deliveredAt"),
        history=tuple(d.get("history") or ()),
    )

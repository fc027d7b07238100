"""services/records.py: each row shape is read in one builder, with the API's fallbacks, and the
columns the builders read are the ones the queries return."""

from __future__ import annotations

import re

import pytest

from credmatch.graph.queries import browse as bq
from credmatch.graph.queries import match as mq
from credmatch.graph.queries import opportunities as oq
from credmatch.graph.queries import webhooks as wq
from credmatch.services.records import (
    Ref,
    achievement_record,
    delivery_record,
    issuer_listing,
    issuer_record,
    profile_record,
    skill_score,
    webhook_record,
)

ACHIEVEMENT = {
    "id": "urn:a:1",
    "name": None,
    "description": "Joins and window functions",
    "criteria": "Pass the exam",
    "achievementType": "Certificate",
    "credits": 3.0,
    "hours": 40.0,
    "fieldOfStudy": "Data",
}


def test_an_achievement_row_becomes_a_record_with_the_apis_fallbacks() -> None:
    record = achievement_record(
        {
            "achievement": ACHIEVEMENT,
            "issuer": None,
            "stacksInto": [{"id": "urn:a:2", "name": "Analytics"}, {"id": "urn:a:3"}],
        }
    )
    assert (record.id, record.name) == ("urn:a:1", "urn:a:1")  # no name: named by its id
    assert (record.achievement_type, record.field_of_study) == ("Certificate", "Data")
    assert (record.credits, record.hours) == (3.0, 40.0)
    assert (record.issuer.id, record.issuer.name, record.issuer.trusted) == ("", None, False)
    assert record.stacks_into == (Ref("urn:a:2", "Analytics"), Ref("urn:a:3", "urn:a:3"))


def test_issuer_listing_profile_and_skills() -> None:
    listing = issuer_listing({"id": "did:x", "name": "X", "trusted": True, "achievementCount": 4})
    assert (listing.id, listing.achievement_count, listing.trusted) == ("did:x", 4, True)
    assert issuer_record({"id": "did:x", "name": "X", "trusted": None}).trusted is False
    held = {
        "achievementId": "urn:a:1",
        "achievementName": None,
        "issuerId": "did:x",
        "issuerTrusted": None,
        "verdict": "verified",
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": None,
    }
    profile = profile_record(
        {
            "id": "did:l",
            "displayName": "Lee",
            "discoverable": True,
            "credentials": [{**held, "id": "urn:c:2"}, {**held, "id": "urn:c:1"}],
        }
    )
    assert [c.id for c in profile.credentials] == ["urn:c:1", "urn:c:2"]  # by id
    assert profile.credentials[0].achievement == Ref("urn:a:1", "urn:a:1")
    assert profile.credentials[0].issuer_trusted is False
    skill = skill_score({"uri": "http://s/1", "label": "SQL", "score": 0.5, "source": "issuer"})
    assert (skill.uri, skill.label, skill.score) == ("http://s/1", "SQL", 0.5)


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        (bq.ACHIEVEMENTS, [*ACHIEVEMENT, "achievement", "issuer", "stacksInto", "trusted"]),
        (bq.ACHIEVEMENTS_BY_ID, [*ACHIEVEMENT, "achievement", "issuer", "stacksInto"]),
        (bq.ISSUERS, ["id", "name", "trusted", "achievementCount"]),
        (
            bq.LEARNER_PROFILE,
            [
                "displayName",
                "discoverable",
                "credentials",
                "achievementId",
                "achievementName",
                "issuerId",
                "issuerTrusted",
                "verdict",
                "validFrom",
                "validUntil",
            ],
        ),
        (bq.ACHIEVEMENT_SKILLS, ["uri", "label", "score"]),
        (bq.SKILL_TEXT_SEARCH, ["uri", "label", "score"]),
        (mq.JOB_WITH_REQUIREMENTS, ["uri", "label", "score", "skills"]),
        (oq.DOOR_OPENERS, ["achievement", "issuer", "hours", "credits", "trusted"]),
        (wq.LIST_WEBHOOKS, ["webhook", "orgId", "url", "events", "minScore", "jobId", "createdAt"]),
        (
            wq.DELIVERIES_PAGE,
            [
                "page",
                "key",
                "type",
                "jobId",
                "learnerId",
                "score",
                "previousScore",
                "createdAt",
                "status",
                "attempts",
                "nextAttemptAt",
                "lastAttemptAt",
                "lastResponseStatus",
                "lastError",
                "deliveredAt",
                "history",
            ],
        ),
    ],
)
def test_the_queries_return_the_columns_the_builders_read(query: str, columns: list[str]) -> None:
    for column in columns:
        assert re.search(rf"\b{column}\b", query), column


def test_webhook_and_delivery_rows() -> None:
    hook = webhook_record(
        {"id": "wh_1", "orgId": "org-a", "url": "https://x.example/h", "events": ["A", "B"],
         "minScore": 0.7, "jobId": "", "createdAt": "2026-01-01T00:00:00Z"}
    )  # fmt: skip
    assert (hook.org_id, hook.events, hook.min_score, hook.job_id) == (
        "org-a", ("A", "B"), 0.7, None)  # fmt: skip
    delivery = delivery_record(
        {"id": "msg_1", "key": "k|msg_1", "type": "CANDIDATE_MATCHED", "jobId": "j",
         "learnerId": "l", "score": 0.8, "createdAt": "2026-01-01T00:00:00Z",
         "status": "pending", "attempts": 2.0, "nextAttemptAt": 12.5, "history": None}
    )  # fmt: skip
    assert (delivery.attempts, delivery.previous_score, delivery.history) == (2, None, ())
    assert (delivery.key, delivery.next_attempt_at, delivery.last_error) == ("k|msg_1", 12.5, None)

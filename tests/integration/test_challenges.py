"""Challenges in Neo4j: single use even when workers race, expiry, domain, clean-up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from credmatch.bootstrap import bootstrap
from credmatch.config import Settings
from credmatch.graph.schema import ensure_schema
from credmatch.services.challenges import (
    ChallengeRefusedError,
    consume_challenge,
    issue_challenge,
    purge_expired_challenges,
)

pytestmark = pytest.mark.neo4j
DOMAIN = "credmatch.local"


def test_two_workers_racing_for_one_challenge_get_one_winner(neo4j_settings: Settings) -> None:
    async def race() -> list[int]:
        # Two containers: two drivers, like two API worker processes.
        a, b = bootstrap(neo4j_settings), bootstrap(neo4j_settings)
        try:
            await ensure_schema(a.store, neo4j_settings.embedding_dimension)
            winners = []
            for _ in range(20):
                issued = await issue_challenge(a.store, DOMAIN, 60)
                outcomes = await asyncio.gather(
                    *(
                        consume_challenge(store, issued.value, DOMAIN)
                        for store in (a.store, b.store, a.store, b.store)
                    ),
                    return_exceptions=True,
                )
                assert all(o is None or isinstance(o, ChallengeRefusedError) for o in outcomes)
                winners.append(sum(1 for o in outcomes if o is None))
            return winners
        finally:
            await a.close()
            await b.close()

    assert asyncio.run(race()) == [1] * 20


def test_refusals_name_the_reason_and_cleanup_removes_only_expired(
    neo4j_settings: Settings,
) -> None:
    async def scenario() -> None:
        container = bootstrap(neo4j_settings)
        store = container.store
        try:
            await ensure_schema(store, neo4j_settings.embedding_dimension)
            now = datetime.now(UTC)
            old = await issue_challenge(store, DOMAIN, 60, now=now - timedelta(minutes=5))
            other = await issue_challenge(store, "elsewhere.example", 60)
            live = await issue_challenge(store, DOMAIN, 60)
            assert len(live.value) >= 32  # 192 bits, base64url
            with pytest.raises(ChallengeRefusedError, match="expired at"):
                await consume_challenge(store, old.value, DOMAIN)
            with pytest.raises(ChallengeRefusedError, match="issued for domain 'elsewhere"):
                await consume_challenge(store, other.value, DOMAIN)
            with pytest.raises(ChallengeRefusedError, match="unknown"):
                await consume_challenge(store, "never-issued", DOMAIN)
            await consume_challenge(store, live.value, DOMAIN)
            with pytest.raises(ChallengeRefusedError, match="already used"):
                await consume_challenge(store, live.value, DOMAIN)
            assert await purge_expired_challenges(store) >= 1
            with pytest.raises(ChallengeRefusedError, match="unknown"):
                await consume_challenge(store, old.value, DOMAIN)  # cleaned up
            with pytest.raises(ChallengeRefusedError, match="already used"):
                await consume_challenge(store, live.value, DOMAIN)  # kept until it expires
        finally:
            await container.close()

    asyncio.run(scenario())

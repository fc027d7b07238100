"""The access log against a real Neo4j: reads of one learner by one key, for one operation and
posting, within one window become one event whose count and last read grow across flushes (the
MERGE into the event an earlier flush wrote); another window is another event; the learner's
page shows count, first and last read; a read of a learner erased before the flush is dropped;
``window_s=0`` keeps an event per read. The test's events are deleted at the end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.support.seeded import Seeded, run

from credmatch.bootstrap import Container, bootstrap
from credmatch.keys import Principal, Role
from credmatch.services.access_log import AccessEntry, AccessLog

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

T0 = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
DELETE_KEY_EVENTS = "MATCH (e:AccessEvent) WHERE e.keyId = $key DELETE e"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def principal(seeded: Seeded) -> Iterator[Principal]:
    key = f"test-access-{uuid.uuid4().hex[:8]}"
    yield Principal(key, Role.RECRUITER, org_id="default")

    async def clean() -> None:
        container = bootstrap(seeded.settings)
        try:
            await container.store.write(DELETE_KEY_EVENTS, {"key": key}, bump=False)
        finally:
            await container.close()

    run(clean())


async def _mine(log: AccessLog, learner: str, key: str) -> list[AccessEntry]:
    entries, _, _ = await log.page(learner, 100, None, 100)
    return [e for e in entries if e.key_id == key]


async def _coalesced(seeded: Seeded, principal: Principal) -> dict[str, Any]:
    container: Container = bootstrap(seeded.settings)
    clock = Clock()
    log = AccessLog(container.store, flush_s=3600, window_s=3600, now=clock)
    me, job = seeded.learner, "urn:test:job"
    try:
        log.record(principal, "candidates", job, [me, me])
        assert await log.flush() == 2
        clock.now = T0 + timedelta(minutes=40)
        log.record(principal, "candidates", job, [me])
        assert await log.flush() == 0  # a further read of a written event is held...
        clock.now += timedelta(seconds=30)
        assert await log.flush() == 1  # ...30 s, then merged into the event written before
        first = await _mine(log, me, principal.key_id)
        clock.now = T0 + timedelta(hours=1)  # the next window
        log.record(principal, "candidates", job, [me])
        log.record(principal, "skillGap", job, [me])
        log.record(principal, "candidates", job, ["urn:test:no-such-learner"])
        await log.flush()
        later = await _mine(log, me, principal.key_id)
        _, _, total = await log.page("urn:test:no-such-learner", 10, None, 100)
        return {"first": first, "later": later, "ghost": total}
    finally:
        await log.close()
        await container.close()


def test_repeated_reads_are_one_event_across_flushes(seeded: Seeded, principal: Principal) -> None:
    out = run(_coalesced(seeded, principal))
    [event] = out["first"]
    assert (event.count, event.at, event.last_at) == (3, T0, T0 + timedelta(minutes=40))
    assert (event.operation, event.org_id, event.job_id) == (
        "candidates",
        "default",
        "urn:test:job",
    )
    assert event.org_name  # the organisation's name, for the learner
    later = [(e.operation, e.count, e.at) for e in out["later"]]  # newest first read first
    assert later[2] == ("candidates", 3, T0)
    # the second window's two events share their first read's time (their ids order them)
    assert sorted(later[:2]) == [
        ("candidates", 1, T0 + timedelta(hours=1)),
        ("skillGap", 1, T0 + timedelta(hours=1)),
    ]
    assert len(later) == 3
    assert out["ghost"] == 0  # a learner who does not exist (or was erased) gets no event


async def _per_read(seeded: Seeded, principal: Principal) -> list[AccessEntry]:
    container = bootstrap(seeded.settings)
    log = AccessLog(container.store, flush_s=3600, window_s=0, now=Clock())
    try:
        log.record(principal, "candidates", "urn:test:job", [seeded.learner, seeded.learner])
        await log.flush()
        return await _mine(log, seeded.learner, principal.key_id)
    finally:
        await log.close()
        await container.close()


def test_window_zero_writes_an_event_per_read(seeded: Seeded, principal: Principal) -> None:
    events = run(_per_read(seeded, principal))
    assert [e.count for e in events] == [1, 1] and len({e.id for e in events}) == 2

"""The access log's buffer: repeated reads coalesce into one event per learner, key, operation,
posting and window; what cannot be written stays buffered (merged with later reads); the buffer
stays bounded. The graph side (the MERGE into an earlier flush's event, the learner's page) is
tested against Neo4j in tests/integration/test_access_log.py."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from credmatch.domain.principal import Principal, Role
from credmatch.errors import GraphUnavailableError
from credmatch.graph.store import GraphStore
from credmatch.services import access_log as module
from credmatch.services.access_log import AccessLog, event_id

T0 = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
RECRUITER = Principal("key-r", Role.RECRUITER, org_id="org-a")
OTHER = Principal("key-s", Role.RECRUITER, org_id="org-a")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Writes:
    """Records the rows of each access-log write; ``fail`` makes the next writes fail as when
    Neo4j is down."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.fail = False

    async def write(
        self, query: str, params: Mapping[str, Any] | None = None, *, bump: bool = True
    ) -> list[dict[str, Any]]:
        if self.fail:
            raise GraphUnavailableError("Neo4j is not reachable")
        assert params is not None and not bump
        if "rows" in params:
            self.batches.append(list(params["rows"]))
        return [{"pruned": 0}]


def make(window_s: int = 3600) -> tuple[AccessLog, Writes, Clock]:
    writes, clock = Writes(), Clock()
    store = cast(GraphStore, writes)
    return AccessLog(store, flush_s=3600, window_s=window_s, now=clock), writes, clock


def rows(writes: Writes) -> list[dict[str, Any]]:
    return [row for batch in writes.batches for row in batch]


async def _repeated_reads_are_one_event() -> None:
    log, writes, clock = make()
    log.record(RECRUITER, "candidates", "job-1", ["l1", "l2"])
    clock.now = T0 + timedelta(minutes=20)
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    clock.now = T0 + timedelta(minutes=30)
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    assert log.buffered == 2
    assert await log.flush() == 4  # reads written
    by_learner = {r["learner"]: r for r in rows(writes)}
    assert by_learner["l1"]["count"] == 3
    assert by_learner["l1"]["first"] == T0
    assert by_learner["l1"]["last"] == T0 + timedelta(minutes=30)
    assert by_learner["l2"]["count"] == 1
    assert by_learner["l2"]["first"] == by_learner["l2"]["last"] == T0
    assert {r["org"] for r in rows(writes)} == {"org-a"}
    await log.close()


def test_repeated_reads_within_a_window_are_one_event() -> None:
    asyncio.run(_repeated_reads_are_one_event())


async def _what_separates_events() -> None:
    log, writes, clock = make()
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    log.record(OTHER, "candidates", "job-1", ["l1"])  # another key
    log.record(RECRUITER, "skillGap", "job-1", ["l1"])  # another operation
    log.record(RECRUITER, "candidates", "job-2", ["l1"])  # another posting
    log.record(RECRUITER, "candidatesForSkills", None, ["l1"])
    clock.now = T0 + timedelta(hours=1)  # the next window (aligned to the hour)
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    await log.flush()
    written = rows(writes)
    assert len(written) == 6 and len({r["id"] for r in written}) == 6
    assert all(r["count"] == 1 for r in written)
    await log.close()


def test_key_operation_posting_and_window_separate_events() -> None:
    asyncio.run(_what_separates_events())


def test_event_ids_are_stable_within_a_window_and_random_without_one() -> None:
    same = event_id(3600, T0, "l1", "k", "candidates", "j")
    assert event_id(3600, T0 + timedelta(minutes=44), "l1", "k", "candidates", "j") == same
    assert event_id(3600, T0 + timedelta(minutes=45), "l1", "k", "candidates", "j") != same
    assert event_id(3600, T0, "l1", "k", "candidates", None) != same
    assert event_id(0, T0, "l1", "k", "candidates", "j") != event_id(
        0, T0, "l1", "k", "candidates", "j"
    )


async def _no_window() -> None:
    log, writes, _ = make(window_s=0)
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    await log.flush()
    assert [r["count"] for r in rows(writes)] == [1, 1]
    await log.close()


def test_window_zero_keeps_an_event_per_read() -> None:
    asyncio.run(_no_window())


async def _failed_write_keeps_reads() -> None:
    log, writes, clock = make()
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    writes.fail = True
    assert await log.flush() == 0
    clock.now = T0 + timedelta(minutes=5)
    log.record(RECRUITER, "candidates", "job-1", ["l1", "l3"])
    writes.fail = False
    assert await log.flush() == 3
    by_learner = {r["learner"]: r for r in rows(writes)}
    assert by_learner["l1"]["count"] == 2
    assert (by_learner["l1"]["first"], by_learner["l1"]["last"]) == (T0, clock.now)
    assert list(by_learner) == ["l1", "l3"]  # the older event stays in front
    await log.close()


def test_a_failed_write_keeps_its_reads_and_merges_later_ones() -> None:
    asyncio.run(_failed_write_keeps_reads())


async def _bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MAX_BUFFERED", 3)
    log, writes, _ = make()
    log.record(RECRUITER, "candidates", "job-1", ["l1", "l1", "l2"])
    log.record(RECRUITER, "candidates", "job-1", ["l3", "l4"])
    assert log.buffered == 3 and log.dropped == 2  # l1's event (two reads) was the oldest
    await log.flush()
    assert [r["learner"] for r in rows(writes)] == ["l2", "l3", "l4"]
    await log.close()


def test_the_buffer_drops_the_oldest_events_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(_bounded(monkeypatch))


async def _close_writes_what_is_left() -> None:
    log, writes, _ = make()
    log.record(RECRUITER, "candidates", "job-1", ["l1", "l2"])
    await log.close()  # cancels the background flush (an hour away) and writes the buffer
    assert sorted(r["learner"] for r in rows(writes)) == ["l1", "l2"]
    assert log.buffered == 0


def test_close_writes_what_is_buffered() -> None:
    asyncio.run(_close_writes_what_is_left())


async def _repeats_are_held() -> None:
    log, writes, clock = make()
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    assert await log.flush() == 1
    clock.now = T0 + timedelta(seconds=5)
    log.record(RECRUITER, "candidates", "job-1", ["l1", "l2"])  # l1 again, l2 new
    assert await log.flush() == 1  # l2's event at once; l1's further read is held
    assert [r["learner"] for r in writes.batches[-1]] == ["l2"]
    clock.now = T0 + timedelta(seconds=20)
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    assert await log.flush() == 0
    clock.now = T0 + timedelta(seconds=35)  # 30 s after the first held read
    assert await log.flush() == 2
    [row] = writes.batches[-1]
    assert (row["learner"], row["count"]) == ("l1", 2)
    assert (row["first"], row["last"]) == (T0 + timedelta(seconds=5), T0 + timedelta(seconds=20))
    clock.now = T0 + timedelta(seconds=36)
    log.record(RECRUITER, "candidates", "job-1", ["l1"])
    await log.close()  # a clean shutdown writes held reads too
    assert [(r["learner"], r["count"]) for r in writes.batches[-1]] == [("l1", 1)]


def test_further_reads_of_a_written_event_are_held_for_the_repeat_interval() -> None:
    asyncio.run(_repeats_are_held())

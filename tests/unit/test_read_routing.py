"""A candidates request only reads, and every read is routed as a read: with a ``neo4j://``
URI pointing at a cluster (or Aura with read replicas), the driver sends them to followers
and read replicas, so ranking traffic scales with the replicas (README "Scale")."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import neo4j

from credmatch.domain.model import MatchPolicy
from credmatch.graph.queries import match as q
from credmatch.graph.queries import matches as mq
from credmatch.graph.store import GraphStore
from credmatch.services.match_table import policy_id
from credmatch.services.matching import CandidateFilter, Matcher

POLICY = MatchPolicy()


@dataclass
class _Row:
    values: dict[str, Any]

    def data(self) -> dict[str, Any]:
        return self.values


@dataclass
class _Result:
    records: list[_Row]


class _Driver:
    """Answers the posting and its ranked page; fails on anything that is not a routed read."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    async def execute_query(self, query: Any, *, parameters_: Any, routing_: Any,
                            database_: str) -> _Result:  # fmt: skip
        self.calls.append((query.text, routing_))
        if query.text == q.JOB_WITH_REQUIREMENTS:
            return _Result([_Row(_job())])
        if query.text == mq.RANKED_PAGE:
            return _Result([_Row({"total": 0, "before": 0, "page": []})])
        raise AssertionError(f"unexpected statement: {query.text[:80]}")

    def session(self, **_: Any) -> Any:
        raise AssertionError("a candidates request opened a session (a write)")


def _job() -> dict[str, Any]:
    link = {"achievement": "a1", "similarity": 0.9}
    req = {"id": "r1", "text": "SQL", "weight": 1.0, "required": True, "kind": "skill",
           "section": "", "skills": [], "links": [link]}  # fmt: skip
    return {
        "job": {"id": "j1", "title": "Analyst"},
        "requirements": [req],
        "matchesPolicy": policy_id(POLICY),
        "matchesStale": False,
        "version": 3,
    }


def test_a_candidates_request_is_routed_as_reads_only() -> None:
    driver = _Driver()
    store = GraphStore(driver, "neo4j", 5.0)  # type: ignore[arg-type]
    page = asyncio.run(Matcher(store, POLICY).candidates("j1", 20, None, CandidateFilter()))
    assert page.total == 0
    assert [text for text, _ in driver.calls] == [q.JOB_WITH_REQUIREMENTS, mq.RANKED_PAGE]
    assert {routing for _, routing in driver.calls} == {neo4j.RoutingControl.READ}

"""Neo4j stopped while the API serves concurrent ``candidates`` requests: each one ends within
a bound with data or GRAPH_UNAVAILABLE (never a 500, never a hang), and after a restart the
same running API answers again."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from credmatch.bootstrap import bootstrap
from credmatch.config import Settings
from credmatch.domain.principal import Role
from credmatch.graph.schema import ensure_schema
from credmatch.server import create_app
from credmatch.services.api_keys import KeyService
from credmatch.services.catalog import load_learner_profiles
from credmatch.services.credentials import CredentialLoader, verify_paths
from credmatch.services.linking import link_all
from credmatch.services.postings import load_postings
from tests.conftest import free_port
from tests.faults.harness import SEED, PrivateNeo4j

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

CONNECT_TIMEOUT_S = 2.0
QUERY_TIMEOUT_S = 5.0
# A request may wait for a connection, retry for up to 2 s, and connect again; allow a loaded
# 2-core machine some slack on top, but far less than a client would wait on a hung request.
ANSWER_WITHIN_S = 15.0
WORKERS = 8
CANDIDATES = """
query ($job: ID!) { candidates(jobId: $job, first: 5) { totalCount edges { node { score } } } }
"""


@dataclass(frozen=True)
class Outcome:
    began: float
    ended: float
    status: int | None  # None: the client got no response at all
    codes: tuple[str, ...]  # extensions.code of each GraphQL error
    total: int | None  # candidates.totalCount when the query succeeded
    detail: str

    @property
    def seconds(self) -> float:
        return self.ended - self.began


def _settings(server: PrivateNeo4j) -> Settings:
    return server.settings.model_copy(
        update={
            "embedding_cache": server.embedding_cache,
            "document_cache": server.document_cache,
            "neo4j_connect_timeout_s": CONNECT_TIMEOUT_S,
            "neo4j_query_timeout_s": QUERY_TIMEOUT_S,
            # The gate's rate limit would answer 429 to this many requests from one key.
            "rate_limit_per_s": 10_000.0,
            "rate_limit_burst": 10_000,
        }
    )


async def _seed_small_graph(settings: Settings) -> tuple[str, str]:
    """Two issuers' credentials, consent, every posting, links; returns (job id, key)."""
    container = bootstrap(settings)
    try:
        store = container.store
        await ensure_schema(store, settings.embedding_dimension)
        verifier = container.build_verifier(
            trust=SEED / "trust.json", documents=[SEED / "documents"]
        )
        files = [SEED / "credentials" / name for name in ("lakeshore-state.jsonl", "gsab.jsonl")]
        summary = await CredentialLoader(store).load(verify_paths(verifier, files))
        assert summary.loaded > 0 and summary.error is None
        await load_learner_profiles(store, SEED / "learners.json")
        await load_postings(store, [SEED / "postings"])
        linker = await container.skill_linker(refresh=True)
        await link_all(store, container.embedder(), container.link_policy(), linker)
        rows = await store.read(
            "MATCH (j:JobPosting)-[:REQUIRES]->(:Requirement)-[:SATISFIED_BY]->(:Achievement)"
            "<-[:ATTESTS]-(:Credential)<-[:HOLDS]-(l:Learner {discoverable: true}) "
            "RETURN j.id AS id, count(DISTINCT l) AS n ORDER BY n DESC, id LIMIT 1"
        )
        assert rows, "no posting has a consenting candidate in the small graph"
        key = await KeyService(store).create(Role.RECRUITER)
        return str(rows[0]["id"]), key.token
    finally:
        await container.close()


@pytest.fixture
def serving(empty_graph: PrivateNeo4j) -> Iterator[tuple[str, Settings]]:
    """The app under uvicorn in a thread, on a free port; yields (base URL, settings)."""
    settings = _settings(empty_graph)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, auth=settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ws="none",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", settings
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "uvicorn did not shut down"


def _ask(client: httpx.Client, job: str) -> Outcome:
    began = time.monotonic()
    try:
        response = client.post("/graphql", json={"query": CANDIDATES, "variables": {"job": job}})
    except httpx.HTTPError as e:
        return Outcome(began, time.monotonic(), None, (), None, f"{type(e).__name__}: {e}")
    ended = time.monotonic()
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        return Outcome(began, ended, response.status_code, (), None, response.text[:300])
    errors = body.get("errors") or []
    codes = tuple(str((e.get("extensions") or {}).get("code")) for e in errors)
    data = body.get("data") or {}
    total = data["candidates"]["totalCount"] if data.get("candidates") else None
    return Outcome(began, ended, response.status_code, codes, total, str(errors)[:300])


def _hammer(base: str, key: str, job: str, stop: threading.Event, out: list[Outcome]) -> None:
    # Longer than any acceptable answer, so a hung request shows up as a slow outcome.
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=4 * ANSWER_WITHIN_S) as client:
        while not stop.is_set():
            out.append(_ask(client, job))


def test_requests_fail_fast_while_neo4j_is_down_and_recover_after(
    empty_graph: PrivateNeo4j, serving: tuple[str, Settings]
) -> None:
    base, settings = serving
    job, key = asyncio.run(_seed_small_graph(settings))
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=4 * ANSWER_WITHIN_S) as client:
        before = _ask(client, job)
    assert before.status == 200 and not before.codes, before
    assert before.total and before.total > 0, before

    stop = threading.Event()
    outcomes: list[Outcome] = []
    workers = [
        threading.Thread(target=_hammer, args=(base, key, job, stop, outcomes), daemon=True)
        for _ in range(WORKERS)
    ]
    for w in workers:
        w.start()
    time.sleep(1.0)  # requests flowing against a healthy server
    stop_began = time.monotonic()
    empty_graph.launcher.stop()
    stop_ended = time.monotonic()
    # Keep asking while it is down: longer than a connect timeout plus the retry budget.
    time.sleep(2 * CONNECT_TIMEOUT_S + 4)
    stop.set()
    for w in workers:
        w.join(timeout=4 * ANSWER_WITHIN_S + 5)
    assert not any(w.is_alive() for w in workers), "a request hung past the client timeout"

    slowest = max(outcomes, key=lambda o: o.seconds)
    straddling = [o for o in outcomes if o.began < stop_ended and o.ended > stop_began]
    after_stop = [o for o in outcomes if o.began > stop_ended]
    print(
        f"\n{len(outcomes)} requests; Neo4j took {stop_ended - stop_began:.1f}s to stop; "
        f"{len(straddling)} in flight while it stopped; slowest {slowest.seconds:.2f}s; "
        f"{len(after_stop)} sent after it was down, slowest of those "
        f"{max((o.seconds for o in after_stop), default=0):.2f}s"
    )
    for o in outcomes:
        assert o.status is not None, f"no response: {o.detail}"
        assert o.status != 500 and "INTERNAL" not in o.codes, o
        assert o.seconds < ANSWER_WITHIN_S, o
        if o.codes:  # an error must say the graph is unavailable, whoever met the dead server
            assert set(o.codes) == {"GRAPH_UNAVAILABLE"}, o
            assert o.status in (200, 503), o
        else:
            assert o.status == 200 and o.total == before.total, o
    assert straddling, "no request was in flight while Neo4j stopped"
    assert after_stop, "no request was sent while Neo4j was down"
    assert all(o.codes == ("GRAPH_UNAVAILABLE",) for o in after_stop), after_stop[:3]

    empty_graph.launcher.start()
    with httpx.Client(base_url=base, headers=headers, timeout=4 * ANSWER_WITHIN_S) as client:
        after = [_ask(client, job) for _ in range(5)]
    assert all(o.status == 200 and not o.codes and o.total == before.total for o in after), after

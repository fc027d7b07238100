"""API keys, permissions plumbing and abuse limits through the real ASGI app and a real Neo4j."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, request_response
from starlette.testclient import TestClient
from tests.conftest import issue_key

from credmatch.api.auth import AuthGate, load_auth_settings, principal_of
from credmatch.bootstrap import bootstrap
from credmatch.config import Settings
from credmatch.domain.principal import Role
from credmatch.server import create_app
from credmatch.services.api_keys import KeyService, parse_key

pytestmark = pytest.mark.neo4j

HEALTH = {"query": "{ health { neo4j version } }"}


def revoke_key(settings: Settings, token: str) -> None:
    async def revoke() -> None:
        container = bootstrap(settings)
        try:
            await KeyService(container.store).revoke(parse_key(token).key_id)
        finally:
            await container.close()

    asyncio.run(revoke())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(neo4j_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings, auth=load_auth_settings(auth_cache_ttl_s=0))) as c:
        yield c


@pytest.fixture
def token(neo4j_settings: Settings) -> str:
    return issue_key(neo4j_settings)


def assert_refused(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    assert body["errors"][0]["extensions"] == {"code": code}
    message: str = body["errors"][0]["message"]
    return message


# --- authentication -----------------------------------------------------------------------------


def test_no_key_is_401_with_a_graphql_error_body(client: TestClient) -> None:
    response = client.post("/graphql", json=HEALTH)
    message = assert_refused(response, 401, "UNAUTHENTICATED")
    assert "Authorization: Bearer" in message
    assert response.headers["www-authenticate"].startswith("Bearer")
    # A query sent with GET needs a key as well.
    assert_refused(client.get("/graphql", params=HEALTH), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-key",
        "Bearer cm_ffffffffffffffff_" + "A" * 44,  # well formed, unknown id
    ],
)
def test_wrong_keys_are_401(client: TestClient, header: str) -> None:
    response = client.post("/graphql", json=HEALTH, headers={"Authorization": header})
    assert_refused(response, 401, "UNAUTHENTICATED")


def test_a_right_id_with_a_wrong_secret_is_401(
    client: TestClient, token: str, neo4j_settings: Settings
) -> None:
    other = parse_key(issue_key(neo4j_settings)).secret
    forged = f"cm_{parse_key(token).key_id}_{other}"
    assert_refused(
        client.post("/graphql", json=HEALTH, headers=bearer(forged)), 401, "UNAUTHENTICATED"
    )


def test_a_valid_key_runs_the_health_query(client: TestClient, token: str) -> None:
    response = client.post("/graphql", json=HEALTH, headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["data"]["health"]["neo4j"] is True
    # GET queries work with a key too.
    get = client.get("/graphql", params=HEALTH, headers=bearer(token))
    assert get.json()["data"]["health"]["neo4j"] is True


def test_a_revoked_key_is_401(client: TestClient, neo4j_settings: Settings) -> None:
    token = issue_key(neo4j_settings, Role.JOBBOARD)
    assert client.post("/graphql", json=HEALTH, headers=bearer(token)).status_code == 200
    revoke_key(neo4j_settings, token)  # the app's cache TTL is 0 here
    assert_refused(
        client.post("/graphql", json=HEALTH, headers=bearer(token)), 401, "UNAUTHENTICATED"
    )


def test_graphiql_and_healthz_need_no_key(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert client.get("/healthz").status_code == 200


def test_the_gate_hands_the_principal_to_the_app(neo4j_settings: Settings) -> None:
    # The same gate in front of an endpoint that echoes what the GraphQL context receives.
    async def echo(request: Request) -> JSONResponse:
        p = principal_of(request)
        assert p is not None
        return JSONResponse({"keyId": p.key_id, "role": p.role.value, "learnerId": p.learner_id})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.container = bootstrap(neo4j_settings)
        yield
        await app.state.container.close()

    gate = AuthGate(request_response(echo), Settings())
    app = Starlette(routes=[Route("/echo", gate, methods=["POST"])], lifespan=lifespan)
    token = issue_key(neo4j_settings, Role.LEARNER, learner_id="L-77")
    with TestClient(app) as c:
        body = c.post("/echo", json={}, headers=bearer(token)).json()
        assert c.post("/echo", json={}).status_code == 401
    assert body == {"keyId": parse_key(token).key_id, "role": "learner", "learnerId": "L-77"}


def test_logs_name_key_ids_never_keys(
    client: TestClient, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    key_id, secret = parse_key(token).key_id, parse_key(token).secret
    client.post("/graphql", json=HEALTH, headers=bearer(token))
    client.post("/graphql", json=HEALTH, headers=bearer(f"cm_{key_id}_{'B' * 44}"))
    assert key_id in caplog.text  # the refusal is logged, by id
    assert secret not in caplog.text and token not in caplog.text


# --- abuse limits -------------------------------------------------------------------------------


def refused_in(client: TestClient, token: str, query: str) -> tuple[list[dict[str, object]], float]:
    start = time.perf_counter()
    response = client.post("/graphql", json={"query": query}, headers=bearer(token))
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None  # refused before any resolver ran
    return body["errors"], elapsed


def test_query_shape_limits_refuse_cheaply(client: TestClient, token: str) -> None:
    start = time.perf_counter()
    client.post("/graphql", json=HEALTH, headers=bearer(token))
    baseline = time.perf_counter() - start

    deep = "{ health " + "{ neo4j " * 12 + "}" * 12 + " }"
    aliases = "{ " + " ".join(f"h{i}: health {{ neo4j }}" for i in range(200)) + " }"
    tokens = "{ " + "__typename " * 20_000 + "}"  # about 220 KB: under the body cap
    cases = [
        (deep, "exceeds maximum operation depth of 10", "GRAPHQL_VALIDATION_FAILED"),
        (aliases, "200 aliases found. Allowed: 15", "GRAPHQL_VALIDATION_FAILED"),
        (tokens, "more than 2000 tokens", "GRAPHQL_PARSE_FAILED"),
    ]
    print(f"\nhealth query answered in {baseline * 1000:.1f} ms (with a Neo4j round trip)")
    for query, expected, code in cases:
        errors, elapsed = refused_in(client, token, query)
        matching = [e for e in errors if expected in str(e["message"])]
        assert matching, errors
        assert matching[0]["extensions"] == {"code": code}
        _, again = refused_in(client, token, query)  # parse/validation caches
        print(
            f"refused {expected!r}: {len(query):,}-byte query in {elapsed * 1000:.1f} ms, "
            f"again in {again * 1000:.1f} ms"
        )


def test_the_standard_introspection_query_is_allowed(client: TestClient, token: str) -> None:
    from graphql import get_introspection_query

    response = client.post(
        "/graphql", json={"query": get_introspection_query()}, headers=bearer(token)
    )
    body = response.json()
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_a_huge_body_is_413(client: TestClient, token: str) -> None:
    huge = json.dumps({"query": "{ health { neo4j } }", "variables": {"x": "a" * 300_000}})
    response = client.post(
        "/graphql", content=huge, headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert "262144-byte limit" in assert_refused(response, 413, "BAD_INPUT")

    # Without a Content-Length header the body is read only up to the cap.
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 10_000

    streamed = client.post(
        "/graphql", content=chunks(), headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert_refused(streamed, 413, "BAD_INPUT")


def test_a_burst_over_the_rate_is_429_with_retry_after(
    neo4j_settings: Settings, token: str
) -> None:
    auth = load_auth_settings(rate_limit_per_s=0.5, rate_limit_burst=5)
    other = issue_key(neo4j_settings)
    with TestClient(create_app(neo4j_settings, auth=auth)) as client:
        codes = [
            client.post("/graphql", json=HEALTH, headers=bearer(token)).status_code
            for _ in range(8)
        ]
        assert codes == [200] * 5 + [429] * 3
        response = client.post("/graphql", json=HEALTH, headers=bearer(token))
        message = assert_refused(response, 429, "RATE_LIMITED")
        assert parse_key(token).key_id in message
        assert int(response.headers["retry-after"]) == 2  # one token at 0.5/s
        # The limit is per key: another key is unaffected.
        assert client.post("/graphql", json=HEALTH, headers=bearer(other)).status_code == 200


def test_batched_operations_are_refused(client: TestClient, token: str) -> None:
    response = client.post("/graphql", json=[HEALTH, HEALTH], headers=bearer(token))
    assert "batched operations" in assert_refused(response, 400, "BAD_INPUT")


# --- permissions through HTTP (the full operation x role matrix is the lead's API tests) ---------


VIEWER = {"query": "{ viewer { role learnerId keyId } }"}


@pytest.mark.parametrize("role", list(Role))
def test_viewer_reports_the_key_s_principal(
    client: TestClient, neo4j_settings: Settings, role: Role
) -> None:
    learner_id = "L-viewer" if role is Role.LEARNER else None
    token = issue_key(neo4j_settings, role, learner_id=learner_id)
    body = client.post("/graphql", json=VIEWER, headers=bearer(token)).json()
    assert body == {
        "data": {
            "viewer": {
                "role": role.value,
                "learnerId": learner_id,
                "keyId": parse_key(token).key_id,
            }
        }
    }


@pytest.mark.parametrize(
    ("role", "query"),
    [
        (Role.LEARNER, '{ learner(id: "someone-else") { id } }'),
        (Role.RECRUITER, 'mutation { deleteJobPosting(id: "no-such-posting") }'),
        (Role.ISSUER, '{ candidatesForSkills(skills: ["python"]) { totalCount } }'),
        (Role.LEARNER, 'mutation { eraseLearner(learnerId: "someone-else") }'),
    ],
)
def test_forbidden_operations_are_refused_with_forbidden(
    client: TestClient, neo4j_settings: Settings, role: Role, query: str
) -> None:
    learner_id = "L-own" if role is Role.LEARNER else None
    token = issue_key(neo4j_settings, role, learner_id=learner_id)
    body = client.post("/graphql", json={"query": query}, headers=bearer(token)).json()
    assert not any((body["data"] or {}).values())  # null: nullable fields stay in data
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert parse_key(token).key_id in error["message"] and role.value in error["message"]

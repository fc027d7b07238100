"""GraphQL over HTTP through the real app and a real Neo4j: media types, status codes, error
codes, partial results and CORS (the graphql-http audit suite runs in tests/http_audit/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.conftest import issue_key

from credmatch.config import Settings
from credmatch.domain.principal import Role
from credmatch.server import create_app

pytestmark = pytest.mark.neo4j

GQL = "application/graphql-response+json"
JSON = "application/json"
TYPENAME = {"query": "{ __typename }"}


@pytest.fixture(scope="module")
def client(neo4j_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings)) as c:
        yield c


@pytest.fixture(scope="module")
def admin(neo4j_settings: Settings) -> str:
    return issue_key(neo4j_settings, Role.ADMIN)


def post(client: TestClient, key: str | None, payload: Any, accept: str | None = GQL) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if accept is not None:
        headers["Accept"] = accept
    return client.post("/graphql", json=payload, headers=headers)


def media_type(response: Any) -> str:
    return str(response.headers["content-type"]).split(";")[0]


def only_error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


# --- content negotiation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        (JSON, JSON),
        (GQL, GQL),
        (f"{GQL}, {JSON};q=0.9", GQL),  # what the spec tells clients to send
        (f"{JSON};q=0.5, {GQL}", GQL),
        (f"{JSON}, {GQL}", JSON),  # equal weight: the one listed first
        (f"{GQL};q=0, */*", JSON),
        ("application/*", JSON),
        (f"{GQL}; charset=utf-8", GQL),
        ("text/html, */*;q=0.8", JSON),  # a browser
    ],
)
def test_the_response_media_type_follows_accept(
    client: TestClient, admin: str, accept: str | None, expected: str
) -> None:
    response = post(client, admin, TYPENAME, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == f"{expected}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("accept", ["text/html", "application/xml, text/plain", f"{JSON};q=0"])
def test_nothing_acceptable_is_406_with_a_json_error(
    client: TestClient, admin: str, accept: str
) -> None:
    for key in (admin, None):  # before the key is even looked at
        response = post(client, key, TYPENAME, accept)
        assert response.status_code == 406, response.text
        assert media_type(response) == JSON
        error = only_error(response)
        assert error["extensions"] == {"code": "NOT_ACCEPTABLE"}
        assert accept in error["message"] and GQL in error["message"]


# --- request errors: 400 without data under graphql-response+json, 200 under application/json ---


REQUEST_ERRORS = [
    ("{", {}, "GRAPHQL_PARSE_FAILED", "Syntax Error"),
    ("{ noSuchField }", {}, "GRAPHQL_VALIDATION_FAILED", "noSuchField"),
    ("query($j: ID!) { jobPosting(id: $j) { id } }", {"j": None}, "BAD_USER_INPUT", "$j"),
    ("query($n: Int!) { jobPostings(first: $n) { totalCount } }", {"n": "ten"},
     "BAD_USER_INPUT", "$n"),
    ("{ __typename " + "__typename " * 2500 + "}", {}, "GRAPHQL_PARSE_FAILED", "2000 tokens"),
    ("{ jobPostings { nodes { " + "requirements { " * 11 + "id" + " }" * 14, {},
     "GRAPHQL_VALIDATION_FAILED", "depth"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "variables", "code", "says"), REQUEST_ERRORS)
def test_request_errors_have_their_own_codes_and_status(
    client: TestClient, admin: str, query: str, variables: dict[str, Any], code: str, says: str
) -> None:
    payload = {"query": query, "variables": variables}
    strict = post(client, admin, payload, GQL)
    assert strict.status_code == 400, strict.text
    assert media_type(strict) == GQL
    assert "data" not in strict.json()
    codes = {e["extensions"]["code"] for e in strict.json()["errors"]}
    assert codes == {code}
    assert any(says in e["message"] for e in strict.json()["errors"]), strict.json()

    legacy = post(client, admin, payload, JSON)
    assert legacy.status_code == 200, legacy.text
    assert media_type(legacy) == JSON
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"] == strict.json()["errors"]


def test_an_unknown_operation_name_is_a_request_error(client: TestClient, admin: str) -> None:
    payload = {"query": "query A { __typename }", "operationName": "B"}
    strict = post(client, admin, payload, GQL)
    assert strict.status_code == 400 and "data" not in strict.json()
    assert only_error(strict)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert post(client, admin, payload, JSON).status_code == 200


# --- malformed requests: JSON bodies with a code, whatever refuses them ------------------------


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"qeury": "{ __typename }"}, 400),
        ({"query": 42}, 400),
        ({"query": "{ __typename }", "variables": "x"}, 400),
        ({"query": "{ __typename }", "extensions": [1]}, 400),
        ({"query": "{ __typename }", "operationName": 7}, 400),
        ({"query": "{ __typename }", "operationName": {"a": 1}}, 400),
    ],
)
def test_malformed_requests_are_4xx_json(
    client: TestClient, admin: str, payload: Any, status: int
) -> None:
    for accept in (GQL, JSON):
        response = post(client, admin, payload, accept)
        assert response.status_code == status, response.text
        assert media_type(response) == accept
        assert only_error(response)["extensions"] == {"code": "BAD_INPUT"}


def test_a_body_that_is_not_json_is_415(client: TestClient, admin: str) -> None:
    response = client.post(
        "/graphql",
        content=b"{ __typename }",
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/graphql"},
    )
    assert response.status_code == 415
    assert "Content-Type: application/json" in only_error(response)["message"]


def test_the_gate_s_refusals_follow_the_negotiated_media_type(client: TestClient) -> None:
    for accept in (GQL, JSON, None):
        response = post(client, None, TYPENAME, accept)
        assert response.status_code == 401
        assert media_type(response) == (accept or JSON)
        assert only_error(response)["extensions"] == {"code": "UNAUTHENTICATED"}


@pytest.mark.parametrize("accept", [GQL, JSON, "*/*"])
def test_a_mutation_over_get_is_405_with_allow_post(
    client: TestClient, admin: str, accept: str
) -> None:
    response = client.get(
        "/graphql",
        params={"query": 'mutation { deleteJobPosting(id: "x") }'},
        headers={"Authorization": f"Bearer {admin}", "Accept": accept},
    )
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert media_type(response) in (GQL, JSON)
    error = only_error(response)
    assert error["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert "POST" in error["message"]


def test_a_subscription_over_http_is_400_not_405(client: TestClient, admin: str) -> None:
    response = client.get(
        "/graphql",
        params={"query": "subscription { __typename }"},
        headers={"Authorization": f"Bearer {admin}", "Accept": GQL},
    )
    assert response.status_code == 400, response.text
    assert "allow" not in response.headers
    # The schema has no subscription root yet: the operation cannot be run at all.
    assert only_error(response)["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_get_queries_with_variables_and_an_empty_operation_name(
    client: TestClient, admin: str
) -> None:
    response = client.get(
        "/graphql",
        params={
            "query": "query T($name: String!) { __type(name: $name) { name } }",
            "variables": '{"name": "Query"}',
            "operationName": "",
        },
        headers={"Authorization": f"Bearer {admin}", "Accept": GQL},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__type": {"name": "Query"}}}


# --- partial results --------------------------------------------------------------------------


def test_a_failing_root_field_is_null_and_the_others_answer(client: TestClient, admin: str) -> None:
    query = """{
      viewer { role }
      jobPosting(id: "no-such-posting") { id }
      candidates(jobId: "no-such-posting") { totalCount }
      learner(id: "did:example:nobody") { id }
      skillGap(learnerId: "did:example:nobody", jobId: "no-such-posting") { score }
      candidatesForSkills(skills: []) { totalCount }
      issuers { id }
    }"""
    for accept in (GQL, JSON):
        response = post(client, admin, {"query": query}, accept)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"]["viewer"] == {"role": "admin"}
        assert isinstance(body["data"]["issuers"], list)
        failed = ("jobPosting", "candidates", "learner", "skillGap", "candidatesForSkills")
        for field in failed:
            assert body["data"][field] is None, field
        by_field = {tuple(e["path"]): e["extensions"]["code"] for e in body["errors"]}
        assert by_field == {
            ("jobPosting",): "NOT_FOUND",
            ("candidates",): "NOT_FOUND",
            ("learner",): "NOT_FOUND",
            ("skillGap",): "NOT_FOUND",
            ("candidatesForSkills",): "BAD_INPUT",
        }


def test_a_forbidden_learner_field_does_not_wipe_the_response(
    client: TestClient, neo4j_settings: Settings
) -> None:
    learner = issue_key(neo4j_settings, Role.LEARNER, learner_id="did:example:me")
    query = '{ viewer { learnerId } learner(id: "did:example:someone-else") { id } }'
    body = post(client, learner, {"query": query}).json()
    assert body["data"] == {"viewer": {"learnerId": "did:example:me"}, "learner": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["learner"], "FORBIDDEN")
    ]


def test_mutations_after_a_failed_one_still_run(client: TestClient, admin: str) -> None:
    mutation = """mutation {
      gone: eraseLearner(learnerId: "did:example:nobody")
      upsertJobPosting(input: {externalId: "partial-results-posting", title: "Welder",
                               description: "Requirements: MIG welding"}) { id externalId }
    }"""
    body = post(client, admin, {"query": mutation}).json()
    posting = (body.get("data") or {}).get("upsertJobPosting") or {}
    if posting.get("id"):
        delete = "mutation($id: ID!) { deleteJobPosting(id: $id) }"
        post(client, admin, {"query": delete, "variables": {"id": posting["id"]}})
    assert body["data"]["gone"] is None
    assert posting["externalId"] == "partial-results-posting"
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["gone"], "NOT_FOUND")
    ]


# --- CORS -------------------------------------------------------------------------------------

BOARD = "https://board.example"
PREFLIGHT = {
    "Origin": BOARD,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture(scope="module")
def cors_client(neo4j_settings: Settings) -> Iterator[TestClient]:
    settings = neo4j_settings.model_copy(update={"cors_origins": f"{BOARD}, https://b.example"})
    with TestClient(create_app(settings)) as c:
        yield c


def test_a_preflight_from_an_allowed_origin_needs_no_key(cors_client: TestClient) -> None:
    response = cors_client.options("/graphql", headers=PREFLIGHT)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == BOARD
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_from_another_origin_is_refused(cors_client: TestClient) -> None:
    response = cors_client.options(
        "/graphql", headers={**PREFLIGHT, "Origin": "https://evil.example"}
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_cross_origin_requests_still_need_a_key(cors_client: TestClient, admin: str) -> None:
    refused = cors_client.post("/graphql", json=TYPENAME, headers={"Origin": BOARD})
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == BOARD  # the page can read why
    assert "WWW-Authenticate" in refused.headers["access-control-expose-headers"]
    answered = cors_client.post(
        "/graphql", json=TYPENAME, headers={"Origin": BOARD, "Authorization": f"Bearer {admin}"}
    )
    assert answered.status_code == 200
    assert answered.headers["access-control-allow-origin"] == BOARD
    other = cors_client.post(
        "/graphql",
        json=TYPENAME,
        headers={"Origin": "https://evil.example", "Authorization": f"Bearer {admin}"},
    )
    assert "access-control-allow-origin" not in other.headers


def test_cors_is_off_by_default(client: TestClient, admin: str) -> None:
    preflight = client.options("/graphql", headers=PREFLIGHT)
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
    response = post(client, admin, TYPENAME)
    assert "access-control-allow-origin" not in response.headers

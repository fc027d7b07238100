"""Hostile GraphQL over HTTP: every abusive request is refused with a code, never a 5xx.

Times to refuse are printed (not asserted: this runs on a shared 2-core machine).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import get_introspection_query
from starlette.testclient import TestClient

Body = dict[str, Any]


def post(
    client: TestClient,
    key: str | None,
    payload: Any = None,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Body, float]:
    sent = {"Authorization": f"Bearer {key}"} if key else {}
    sent.update(headers or {})
    if content is None:
        content = json.dumps(payload).encode()
        sent.setdefault("Content-Type", "application/json")
    started = time.perf_counter()
    response = client.post("/graphql", content=content, headers=sent)
    elapsed = time.perf_counter() - started
    print(f"  -> HTTP {response.status_code}: {response.text[:160]!r}")
    assert response.status_code < 500, (response.status_code, response.text[:500])
    try:
        body: Body = response.json()
    except ValueError:  # a plain-text 4xx from strawberry: no code to check
        return response.status_code, {"errors": [{"message": response.text}]}, elapsed
    return response.status_code, body, elapsed


def codes(body: Body) -> set[str]:
    return {str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []}


def refused(
    client: TestClient, key: str | None, label: str, payload: Any = None, **kwargs: Any
) -> tuple[int, Body]:
    """A refusal: errors, each with a message and a code, and no data."""
    status, body, elapsed = post(client, key, payload, **kwargs)
    print(f"{label}: HTTP {status} {sorted(codes(body))} in {elapsed * 1000:.1f} ms")
    errors = body.get("errors")
    assert errors, body
    assert all(e.get("message") and (e.get("extensions") or {}).get("code") for e in errors), body
    assert not any((body.get("data") or {}).values()), body  # nullable fields: null
    assert "INTERNAL" not in codes(body), body
    return status, body


def q(query: str, **variables: Any) -> Body:
    return {"query": query, "variables": variables}


@pytest.fixture(scope="module")
def admin(hostile_keys: dict[str, str]) -> str:
    return hostile_keys["admin"]


def test_a_normal_query_works(hostile_api: TestClient, admin: str) -> None:
    status, body, _ = post(
        hostile_api, admin, q("{ viewer { role } jobPostings(first: 5) { nodes { id } } }")
    )
    assert status == 200 and body["data"]["viewer"]["role"] == "admin", body


def _nested(depth: int) -> str:
    return "{ jobPostings { nodes { " + "requirements { " * depth + "id" + " }" * depth + " } } }"


@pytest.mark.parametrize("depth", [12, 60, 3000])
def test_depth_bombs(hostile_api: TestClient, admin: str, depth: int) -> None:
    _status, body = refused(hostile_api, admin, f"depth {depth}", q(_nested(depth)))
    assert codes(body) <= {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_INPUT"}
    text = " ".join(e["message"] for e in body["errors"]).lower()
    assert any(w in text for w in ("depth", "token", "exceeds", "nested too deeply")), text


@pytest.mark.parametrize("count", [16, 500, 10_000])
def test_alias_explosions(hostile_api: TestClient, admin: str, count: int) -> None:
    query = "{ " + " ".join(f"a{n}: viewer {{ role }}" for n in range(count)) + " }"
    _status, body = refused(hostile_api, admin, f"{count} aliases", q(query))
    text = " ".join(e["message"] for e in body["errors"]).lower()
    assert "alias" in text or "token" in text or "exceeds" in text, text


def test_fragment_cycle(hostile_api: TestClient, admin: str) -> None:
    query = """
      query { ...A }
      fragment A on Query { viewer { role } ...B }
      fragment B on Query { jobPostings { nodes { id } } ...A }
    """
    _, body = refused(hostile_api, admin, "fragment cycle", q(query))
    assert "GRAPHQL_VALIDATION_FAILED" in codes(body)


def test_fragment_explosion(hostile_api: TestClient, admin: str) -> None:
    # Each level doubles the work: 2**12 jobPostings fields if it were executed.
    levels = [
        "fragment F0 on Query "
        "{ jobPostings(first: 100) { nodes { id title requirements { id } } } }"
    ]
    for n in range(1, 13):
        levels.append(
            f"fragment F{n} on Query {{ x{n}: viewer {{ role }} ...F{n - 1} ...F{n - 1} }}"
        )
    status, body, elapsed = post(hostile_api, admin, q("query { ...F12 } " + " ".join(levels)))
    print(f"fragment explosion: HTTP {status} {sorted(codes(body))} in {elapsed * 1000:.1f} ms")
    # Repeated spreads of one fragment merge (GraphQL field merging): either refused, or the
    # answer is the size of one copy.
    if body.get("errors"):
        assert "INTERNAL" not in codes(body)
    else:
        assert len(json.dumps(body)) < 200_000


@pytest.mark.parametrize("first", [10**9, 101, 0, -1, 2**31 - 1])
def test_page_sizes_out_of_range(hostile_api: TestClient, admin: str, first: int) -> None:
    for field in ("jobPostings", "achievements"):
        _, body = refused(
            hostile_api,
            admin,
            f"{field}(first: {first})",
            q(f"query($n: Int!) {{ {field}(first: $n) {{ __typename }} }}", n=first),
        )
        assert codes(body) == {"BAD_INPUT"}, body
        assert "first" in body["errors"][0]["message"]
    _, body = refused(
        hostile_api,
        admin,
        "candidates(first)",
        q('query($n: Int!) { candidates(jobId: "x", first: $n) { totalCount } }', n=first),
    )
    assert codes(body) <= {"BAD_INPUT", "NOT_FOUND"}


def test_int_literal_overflow_is_a_validation_error(hostile_api: TestClient, admin: str) -> None:
    _, body = refused(
        hostile_api,
        admin,
        "first: 2**40",
        q("{ jobPostings(first: 1099511627776) { nodes { id } } }"),
    )
    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}


def test_int_variable_overflow_is_refused_with_a_code(hostile_api: TestClient, admin: str) -> None:
    _, body = refused(
        hostile_api,
        admin,
        "$n = 1e30",
        q("query($n: Int!) { jobPostings(first: $n) { nodes { id } } }", n=10**30),
    )
    assert codes(body) == {"BAD_USER_INPUT"}  # the variable does not fit Int


def test_batched_operations_are_refused(hostile_api: TestClient, admin: str) -> None:
    batch = [q("{ viewer { role } }")] * 50
    status, body = refused(hostile_api, admin, "batch of 50", batch)
    assert status == 400 and codes(body) == {"BAD_INPUT"}
    status, body = refused(
        hostile_api,
        admin,
        "deep batch",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert status == 400
    status, body = refused(hostile_api, admin, "no content type", content=b"[" * 100_000)
    assert status == 415


def test_oversized_bodies(hostile_api: TestClient, admin: str) -> None:
    big = q("{ viewer { role } }", pad="x" * 2_000_000)
    status, _ = refused(hostile_api, admin, "2 MB body", big)
    assert status == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap applies while reading
        yield b'{"query": "{ viewer { role } }", "variables": {"pad": "'
        for _ in range(64):
            yield b"x" * 65_536
        yield b'"}}'

    started = time.perf_counter()
    response = hostile_api.post(
        "/graphql",
        content=chunks(),
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"},
    )
    print(f"4 MB chunked body: HTTP {response.status_code} in {time.perf_counter() - started:.3f}s")
    assert response.status_code == 413, response.text[:300]
    status, _body = refused(hostile_api, None, "2 MB body, no key", big)
    assert status in (401, 413)


@pytest.mark.parametrize(
    ("label", "content"),
    [
        ("not JSON", b"{nope"),
        pytest.param("JSON string", b'"{ viewer { role } }"'),
        ("query not a string", b'{"query": 42}'),
        ("variables not an object", b'{"query": "{ viewer { role } }", "variables": [1]}'),
        pytest.param(
            "deep variables",
            b'{"query": "query($j: JSON) { viewer { role } }", "variables": {"j": '
            + b"[" * 50_000
            + b"]" * 50_000
            + b"}}",
        ),
        ("lone surrogate", b'{"query": "{ skills(search: \\"\\ud800\\") { uri } }"}'),
        ("NUL in query", b'{"query": "{ viewer { role } }\\u0000"}'),
    ],
)
def test_malformed_bodies(hostile_api: TestClient, admin: str, label: str, content: bytes) -> None:
    status, body, elapsed = post(
        hostile_api, admin, content=content, headers={"Content-Type": "application/json"}
    )
    print(f"{label}: HTTP {status} {sorted(codes(body))} in {elapsed * 1000:.1f} ms")
    assert body.get("errors") or body.get("data"), body


@pytest.mark.parametrize("depth", [200, 5000])
def test_deep_json_argument(
    hostile_api: TestClient, hostile_keys: dict[str, str], depth: int
) -> None:
    mutation = "mutation($c: [JSON!]!) { ingestCredentials(credentials: $c) { loaded rejected } }"
    content = (
        json.dumps({"query": mutation})[:-1]
        + ', "variables": {"c": ['
        + "[" * depth
        + '"x"'
        + "]" * depth
        + "]}}"
    ).encode()
    status, body, elapsed = post(
        hostile_api,
        hostile_keys["issuer"],
        content=content,
        headers={"Content-Type": "application/json"},
    )
    print(
        f"{depth}-deep JSON credential: HTTP {status} {sorted(codes(body))} "
        f"in {elapsed * 1000:.1f} ms"
    )
    assert "INTERNAL" not in codes(body), body
    if status == 200 and body.get("data"):
        assert body["data"]["ingestCredentials"]["loaded"] == 0


def test_introspection_policy(hostile_api: TestClient, admin: str) -> None:
    """Policy: introspection is allowed for any key (clients generate types from it), refused
    without a key like every operation, and its nesting is bounded."""
    status, body, elapsed = post(hostile_api, admin, {"query": get_introspection_query()})
    print(f"standard introspection: HTTP {status} in {elapsed * 1000:.1f} ms")
    assert status == 200 and body["data"]["__schema"]["queryType"]["name"] == "Query", body
    refused(hostile_api, None, "introspection without a key", {"query": get_introspection_query()})
    deep = "{ __schema { types { " + "fields { type { " * 12 + "name" + " } }" * 12 + " } } }"
    _, body = refused(hostile_api, admin, "deep introspection", q(deep))
    assert "GRAPHQL_VALIDATION_FAILED" in codes(body)


def test_get_cannot_mutate(hostile_api: TestClient, admin: str) -> None:
    response = hostile_api.get(
        "/graphql",
        params={"query": 'mutation { deleteJobPosting(id: "x") }'},
        headers={"Authorization": f"Bearer {admin}"},
    )
    print(f"mutation over GET: HTTP {response.status_code}")
    assert response.status_code == 405, response.text[:300]
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"

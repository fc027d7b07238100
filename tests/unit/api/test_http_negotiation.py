"""Accept negotiation and response shaping for GraphQL over HTTP (api/http.py)."""

from __future__ import annotations

from typing import Any

import pytest

from credmatch.api.http import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    is_request_error,
    negotiate,
    parse_accept,
    shape_result,
    wants_graphiql,
)

JSON, GQL = APPLICATION_JSON, GRAPHQL_RESPONSE_JSON


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GQL, GQL),
        (f"{GQL}, {JSON};q=0.9", GQL),
        (f"{JSON};q=0.9, {GQL}", GQL),
        (f"{JSON}, {GQL}", JSON),  # equal weight and specificity: the one listed first
        (f"{GQL}, {JSON}", GQL),
        (f"{GQL};q=0.5, */*;q=0.9", JSON),  # */* outweighs the explicit range here
        (f"{GQL};q=0, */*", JSON),  # q=0 refuses GQL even though */* would allow it
        (f"{JSON};q=0, */*", GQL),
        (f"{GQL.upper()}", GQL),  # media types are case-insensitive
        (f"{GQL} ; charset=utf-8 ; q=0.8, text/html", GQL),
        ("text/html, application/xhtml+xml, */*;q=0.8", JSON),  # a browser's navigation
        ("text/html", None),
        ("image/png, text/*", None),
        (f"{JSON};q=0, {GQL};q=0", None),
        (f"{JSON};q=0, */*;q=0", None),
        ("nonsense, ;;, /", None),
        (f"{GQL};q=abc, {JSON};q=0.1", JSON),  # an unreadable weight makes a range unacceptable
    ],
)
def test_negotiate(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


def test_parse_accept_reads_weights_and_positions() -> None:
    ranges = parse_accept("text/html;level=1, application/*;q=0.25 , */*;q=2")
    assert [(r.type, r.subtype, r.q, r.position) for r in ranges] == [
        ("text", "html", 1.0, 0),
        ("application", "*", 0.25, 1),
        ("*", "*", 1.0, 2),  # q is capped at 1
    ]
    assert ranges[1].specificity(JSON) == 1 and ranges[0].specificity(JSON) == -1


REQUEST_ERROR = {"data": None, "errors": [{"message": "Syntax Error", "extensions": {}}]}
FIELD_ERROR = {"data": None, "errors": [{"message": "no", "path": ["viewer"]}]}
PARTIAL = {"data": {"a": None, "b": 1}, "errors": [{"message": "no", "path": ["a"]}]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [(REQUEST_ERROR, True), (FIELD_ERROR, False), (PARTIAL, False), ({"data": {"a": 1}}, False)],
)
def test_is_request_error(body: dict[str, Any], expected: bool) -> None:
    assert is_request_error(body) is expected


def test_shape_result_drops_data_and_answers_400_only_for_request_errors_in_gql() -> None:
    assert shape_result(GQL, REQUEST_ERROR) == ({"errors": REQUEST_ERROR["errors"]}, 400)
    assert shape_result(JSON, REQUEST_ERROR) == (REQUEST_ERROR, 200)
    for body in (FIELD_ERROR, PARTIAL):
        assert shape_result(GQL, body) == (body, 200)
        assert shape_result(JSON, body) == (body, 200)


def _scope(method: str, query: bytes, accept: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "query_string": query,
        "headers": [(b"accept", accept.encode())],
    }


def test_wants_graphiql_only_for_a_browser_get_without_a_query() -> None:
    assert wants_graphiql(_scope("GET", b"", "text/html,*/*;q=0.8"))
    assert wants_graphiql(_scope("GET", b"q=%7B%7D", "text/html"))  # a shared GraphiQL link
    assert not wants_graphiql(_scope("GET", b"query=%7B%7D", "text/html"))
    assert not wants_graphiql(_scope("GET", b"", JSON))
    assert not wants_graphiql(_scope("POST", b"", "text/html"))

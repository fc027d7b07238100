"""GraphQL over HTTP: response media types, status codes and JSON error bodies.

Follows the GraphQL-over-HTTP draft as the ``graphql-http`` audit suite checks it
(https://graphql.github.io/graphql-over-http/draft/, the text of May 2025):

- The response media type is negotiated from ``Accept`` (RFC 9110 §12.5.1: q-values, ``*/*``
  and ``type/*`` ranges, the most specific range deciding): ``application/graphql-response+json``
  or ``application/json``; ``application/json`` when ``Accept`` is absent or only ``*/*``;
  ``406 Not Acceptable`` when neither is acceptable.
- Under ``application/graphql-response+json`` a request error (the document does not parse or
  validate, or the variables cannot be coerced) is ``400`` and the body has no ``data``; under
  ``application/json`` it stays ``200`` with ``"data": null``, as legacy clients expect.
- Whatever refuses a request (the gate, strawberry's request checks, this module) answers with
  a GraphQL error body ``{"errors": [{"message", "extensions": {"code"}}]}`` in the negotiated
  media type, never plain text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
# On a tie (``*/*``, or equal q and specificity) the legacy type wins: it is what clients that
# say nothing in particular have always received.
SUPPORTED = (APPLICATION_JSON, GRAPHQL_RESPONSE_JSON)

_MEDIA_TYPE = "credmatch.media_type"  # key in the request's scope["state"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, -1 when it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped."""
    ranges = []
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0  # an unreadable weight: treat the range as unacceptable
        ranges.append(MediaRange(kind, sub, q, position))
    return ranges


def negotiate(accept: str | None, supported: Sequence[str] = SUPPORTED) -> str | None:
    """The media type to answer in, or None when ``accept`` allows none of ``supported``.

    Each supported type takes the weight of the most specific range that matches it (RFC 9110:
    ``text/html, */*;q=0`` refuses everything but HTML). The highest weight wins, then the more
    specific match, then the range listed first, then the order of ``supported``.
    """
    if accept is None or not accept.strip():
        return supported[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for rank, media_type in enumerate(supported):
        matches = [(r.specificity(media_type), r) for r in ranges]
        matches = [(s, r) for s, r in matches if s >= 0]
        if not matches:
            continue
        specificity, match = max(matches, key=lambda m: (m[0], -m[1].position))
        if match.q <= 0:
            continue
        key = (round(match.q, 3), specificity, -match.position, -rank)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def media_type_of(scope: Scope) -> str:
    """The media type :class:`Negotiation` chose for this request (``application/json`` if none)."""
    value = scope.get("state", {}).get(_MEDIA_TYPE)
    return value if isinstance(value, str) else APPLICATION_JSON


def error_response(
    scope: Scope,
    status: int,
    message: str,
    code: str,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    """A GraphQL request error (no ``data``) in the request's media type."""
    error = {"message": message, "extensions": {"code": code, **(extensions or {})}}
    return json_response(scope, {"errors": [error]}, status, headers)


def json_response(
    scope: Scope, body: Any, status: int, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
        status_code=status,
        headers=dict(headers or {}),
        media_type=content_type(media_type_of(scope)),
    )


def is_request_error(body: Mapping[str, Any]) -> bool:
    """Whether a GraphQL response reports a request error: execution never started, so there is
    no data and no error belongs to a field (field errors always carry a ``path``)."""
    errors = body.get("errors") or []
    return body.get("data") is None and bool(errors) and not any("path" in e for e in errors)


def shape_result(media_type: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The body and status for a GraphQL result served as ``media_type``."""
    if media_type == GRAPHQL_RESPONSE_JSON and is_request_error(body):
        return {k: v for k, v in body.items() if k != "data"}, 400
    return body, 200


def wants_graphiql(scope: Scope) -> bool:
    """A GET for the GraphiQL page: no ``query`` parameter, and a browser's ``Accept``."""
    if scope.get("method") != "GET" or "query" in QueryParams(scope.get("query_string", b"")):
        return False
    accept = Headers(scope=scope).get("accept", "")
    return "text/html" in accept or "*/*" in accept


class Negotiation:
    """ASGI middleware for /graphql: picks the response media type before anything answers.

    It runs in front of the API-key gate, so the gate's refusals use the same media type; a
    request that accepts neither GraphQL media type is answered ``406`` at once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or wants_graphiql(scope):
            await self._app(scope, receive, send)
            return
        accept = Headers(scope=scope).get("accept")
        media_type = negotiate(accept)
        if media_type is None:
            response = error_response(
                scope,
                406,
                f"none of the media types in 'Accept: {accept}' can be served; accept "
                f"{GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}",
                "NOT_ACCEPTABLE",
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})[_MEDIA_TYPE] = media_type

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":  # caches must key GET answers on Accept
                MutableHeaders(scope=message).add_vary_header("Accept")
            await send(message)

        await self._app(scope, receive, send_varying)

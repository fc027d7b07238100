"""strawberry's ASGI view, made to answer as GraphQL over HTTP says (see api/http.py).

What changes against strawberry's own view: responses carry the negotiated media type, a
request error under ``application/graphql-response+json`` is 400 without ``data``, a mutation
over GET is ``405`` with ``Allow: POST``, every refusal has a JSON error body with a code, a
non-string ``operationName`` is refused, and GraphiQL is served from the package (no CDN).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from credmatch.api.context import Context
from credmatch.api.errors import VALIDATION_FAILED
from credmatch.api.http import (
    APPLICATION_JSON,
    content_type,
    error_response,
    media_type_of,
    shape_result,
)

GRAPHIQL_PAGE = Path(__file__).parent / "graphiql.html"
# The GraphiQL page loads only its own scripts and styles (credmatch/web/graphiql/) and talks
# only to this origin. Its fonts are data: URIs inside graphiql.min.css.
GRAPHIQL_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src data:; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


class MethodNotAllowedError(Exception):
    """A mutation sent with GET: GraphQL over HTTP says 405 with ``Allow: POST``."""


class GraphQLView(GraphQL[Context, None]):
    """The /graphql endpoint (behind :class:`~credmatch.api.http.Negotiation` and the gate)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except MethodNotAllowedError as e:
            response = error_response(
                scope, 405, str(e), "METHOD_NOT_ALLOWED", headers={"Allow": "POST"}
            )
        except HTTPException as e:  # strawberry's checks of the request's shape
            code = "NOT_FOUND" if e.status_code == 404 else "BAD_INPUT"
            response = error_response(scope, e.status_code, e.reason, code)
        await response(scope, receive, send)

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = media_type_of(request.scope)  # read by create_response
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or APPLICATION_JSON
        status = 200
        if isinstance(response_data, dict):
            shaped, status = shape_result(media_type, dict(response_data))
            response_data = cast("GraphQLHTTPResponse", shaped)
        response = super().create_response(response_data, sub_response)
        response.status_code = sub_response.status_code or status
        response.headers["content-type"] = content_type(media_type)
        return response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        for data in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(data.operation_name, str | None):
                raise HTTPException(
                    400, "The GraphQL operation's `operationName` must be a string or null."
                )
            if data.operation_name == "":  # GET: an empty parameter means none
                data.operation_name = None
        return parsed

    async def execute_single(  # type: ignore[override]
        self, request: Request, request_adapter: AsyncHTTPRequestAdapter, **kwargs: Any
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request=request, request_adapter=request_adapter, **kwargs
            )
        except HTTPException as e:
            cause = e.__cause__
            if (
                isinstance(cause, InvalidOperationTypeError)
                and cause.operation_type is OperationType.MUTATION
                and request_adapter.method == "GET"
            ):
                raise MethodNotAllowedError(
                    f"{cause.as_http_error_reason('GET')}: send mutations with POST"
                ) from e
            if isinstance(cause, CannotGetOperationTypeError):
                # GetOperation() failed: a request error like a validation failure (200 with
                # data null under application/json, 400 under graphql-response+json).
                error = GraphQLError(
                    cause.as_http_error_reason(), extensions={"code": VALIDATION_FAILED}
                )
                return ExecutionResult(data=None, errors=[error])
            raise

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(
            GRAPHIQL_PAGE.read_text(encoding="utf-8"),
            headers={
                "Content-Security-Policy": GRAPHIQL_CSP,
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
            },
        )

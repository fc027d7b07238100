"""GraphQL error policy: expected errors keep their message and a stable code; others are masked.

Request errors (execution never started) get a code for the step that refused them:
``GRAPHQL_PARSE_FAILED`` (the document does not parse, or has more tokens than allowed),
``GRAPHQL_VALIDATION_FAILED`` (it breaks a GraphQL validation rule or one of our limits) and
``BAD_USER_INPUT`` (the variables do not fit their declared types). Field errors raised by
credmatch carry the error's own code (``NOT_FOUND``, ``FORBIDDEN``, ``BAD_INPUT``, ...).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from credmatch.errors import CredmatchError

log = logging.getLogger("credmatch.api")

MASKED_MESSAGE = "Unexpected error. Quote the requestId when reporting it."
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"


class ErrorPolicy(SchemaExtension):
    """Adds ``extensions.code`` to expected errors; masks and logs the rest with a request id."""

    _invalid: frozenset[int] = frozenset()  # ids of this request's validation errors

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or []
        self._invalid = frozenset(id(e) for e in errors)

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = uuid.uuid4().hex[:16]
        result.errors = [self._shape(error, request_id) for error in result.errors]

    def _shape(self, error: GraphQLError, request_id: str) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            return _with(error, error.message, {"code": self._request_error_code(error)})
        if isinstance(original, CredmatchError):
            return _with(error, str(original), {"code": original.code})
        log.error(
            "unexpected error in %s (requestId=%s)", error.path, request_id, exc_info=original
        )
        return _with(error, MASKED_MESSAGE, {"code": "INTERNAL", "requestId": request_id})

    def _request_error_code(self, error: GraphQLError) -> str:
        if isinstance(error, GraphQLSyntaxError):
            return PARSE_FAILED
        if id(error) in self._invalid:
            return VALIDATION_FAILED
        if error.path is None:  # refused before execution, after validation: the variables
            return BAD_USER_INPUT
        # graphql-core's own error while completing a field (a non-null field resolved to null):
        # a fault on our side, but its message names only the field.
        return "INTERNAL"


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )

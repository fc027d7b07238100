"""GraphQL error policy: expected errors keep their message and a stable code; others are masked."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from credmatch.errors import CredmatchError

log = logging.getLogger("credmatch.api")

MASKED_MESSAGE = "Unexpected error. Quote the requestId when reporting it."


class ErrorPolicy(SchemaExtension):
    """Adds ``extensions.code`` to expected errors; masks and logs the rest with a request id."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = uuid.uuid4().hex[:16]
        result.errors = [_shape(error, request_id) for error in result.errors]


def _shape(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # a syntax, validation or variable-coercion error: the message is about the query
        return _with(error, error.message, {"code": "GRAPHQL_VALIDATION"})
    if isinstance(original, CredmatchError):
        return _with(error, str(original), {"code": original.code})
    log.error("unexpected error in %s (requestId=%s)", error.path, request_id, exc_info=original)
    return _with(error, MASKED_MESSAGE, {"code": "INTERNAL", "requestId": request_id})


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

"""Who may call what: the API-key gate in front of /graphql and the role policy resolvers check.

The gate (:class:`AuthGate`, plain ASGI) runs before strawberry sees a request. In order:
declared body size (413), the ``Authorization: Bearer <key>`` header (401), the body read with a
hard cap (413), a POST body that is not JSON (415), batched JSON arrays (400 unless
``max_batch_operations`` allows them), the key's token bucket (429 with Retry-After). Refusals
carry a GraphQL-style body: ``{"errors": [{"message": ..., "extensions": {"code": ...}}]}``, in
the media type :class:`~credmatch.api.http.Negotiation` chose. Only a GET without a ``query``
parameter (the GraphiQL page, which cannot run an operation) passes without a key, and a JSON
POST whose operation selects nothing but :data:`KEYLESS_FIELDS` (a learner's presentation
proves who is asking), rate-limited per client address; every other keyless request is a 401.

Resolvers then call :func:`require` with the action they perform; :data:`POLICY` is the one
table of what each role may do. Logs name key ids, never keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from graphql import FieldNode, GraphQLSyntaxError, OperationDefinitionNode, parse
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credmatch.api.http import error_response
from credmatch.api.limits import RateLimitedError, RateLimiter
from credmatch.config import ENV_PREFIX, Settings, load_settings
from credmatch.domain.principal import Principal, Role
from credmatch.errors import (
    AuthenticationError,
    CredmatchError,
    GraphError,
    GraphUnavailableError,
    InputError,
    PermissionDeniedError,
)
from credmatch.graph.store import GraphStore
from credmatch.services.api_keys import KeyService

__all__ = [
    "KEYLESS_FIELDS",
    "POLICY",
    "Action",
    "AuthGate",
    "Grant",
    "Principal",
    "Role",
    "bearer_token",
    "load_auth_settings",
    "principal_of",
    "require",
]

log = logging.getLogger("credmatch.api.auth")


def load_auth_settings(**overrides: Any) -> Settings:
    """The settings, with overrides: kept for callers that only care about access control."""
    return load_settings(**overrides)


# --- the policy ---------------------------------------------------------------------------------


class Action(StrEnum):
    CANDIDATES = "candidates"
    CANDIDATES_FOR_SKILLS = "candidatesForSkills"
    SKILL_GAP = "skillGap"
    LEARNER_OPPORTUNITIES = "learnerOpportunities"  # the learner's own view: never recruiters
    BROWSE = "browse"  # jobPostings, jobPosting, achievements, issuers, skills
    LINK_SKILLS = "linkSkills"
    LEARNER = "learner"
    UPSERT_JOB_POSTING = "upsertJobPosting"
    DELETE_JOB_POSTING = "deleteJobPosting"
    INGEST_CREDENTIALS = "ingestCredentials"
    SET_DISCOVERABLE = "setDiscoverable"
    ERASE_LEARNER = "eraseLearner"
    VIEWER = "viewer"
    CANDIDATE_MATCHED = "candidateMatched"  # the subscription
    WEBHOOKS = "webhooks"  # registerWebhook, deleteWebhook, webhooks, webhookDeliveries


class Grant(StrEnum):
    """How far a granted action reaches; :func:`require` returns it."""

    ANY = "any"  # every record
    DISCOVERABLE = "discoverable"  # the resolver must limit learners to those who opted in
    OWN = "own"  # only the learner the key is bound to (checked by require)


_A, _G = Action, Grant
_COMMON = {_A.BROWSE: _G.ANY, _A.LINK_SKILLS: _G.ANY, _A.VIEWER: _G.ANY}
_RECRUITER = {
    **_COMMON,
    _A.CANDIDATES: _G.DISCOVERABLE,
    _A.CANDIDATES_FOR_SKILLS: _G.DISCOVERABLE,
    _A.SKILL_GAP: _G.DISCOVERABLE,
    _A.LEARNER: _G.DISCOVERABLE,
    _A.CANDIDATE_MATCHED: _G.DISCOVERABLE,
}

POLICY: Mapping[Role, Mapping[Action, Grant]] = MappingProxyType(
    {
        Role.RECRUITER: MappingProxyType(_RECRUITER),
        Role.JOBBOARD: MappingProxyType(
            {
                **_RECRUITER,
                _A.UPSERT_JOB_POSTING: _G.ANY,
                _A.DELETE_JOB_POSTING: _G.ANY,
                _A.WEBHOOKS: _G.ANY,
            }
        ),
        Role.ISSUER: MappingProxyType(
            {_A.INGEST_CREDENTIALS: _G.ANY, _A.BROWSE: _G.ANY, _A.VIEWER: _G.ANY}
        ),
        Role.LEARNER: MappingProxyType(
            {
                **_COMMON,
                _A.SKILL_GAP: _G.OWN,
                _A.LEARNER_OPPORTUNITIES: _G.OWN,
                _A.LEARNER: _G.OWN,
                _A.SET_DISCOVERABLE: _G.OWN,
                _A.ERASE_LEARNER: _G.OWN,
            }
        ),
        Role.ADMIN: MappingProxyType(dict.fromkeys(Action, _G.ANY)),
    }
)
"""Role -> action -> grant. An action missing from a role's row is forbidden to that role."""

# Root fields a request may select without an API key: the challenge, and the presentation
# signed over it (the holder's proof authenticates that request).
KEYLESS_FIELDS = frozenset({"presentationChallenge", "submitPresentation"})

# Actions about one learner: the resolver must always say which (learner_id=...).
LEARNER_ACTIONS = frozenset(
    action for row in POLICY.values() for action, grant in row.items() if grant is Grant.OWN
)


def require(principal: Principal | None, action: str, *, learner_id: str | None = None) -> Grant:
    """Allow ``action`` for ``principal`` or raise PermissionDeniedError (code FORBIDDEN).

    Pass ``learner_id`` for the learner-scoped actions (skillGap, learner, setDiscoverable,
    eraseLearner). The returned Grant says how far the permission reaches: on ``DISCOVERABLE``
    the resolver must only return learners who opted in.
    """
    act = Action(action)  # an unknown action name is a bug in the caller: ValueError
    if act in LEARNER_ACTIONS and learner_id is None:
        raise ValueError(f"require({act.value!r}) needs the learner_id the operation is about")
    if principal is None:
        raise AuthenticationError("this operation needs an API key: 'Authorization: Bearer <key>'")
    grant = POLICY[principal.role].get(act)
    if grant is None:
        allowed = ", ".join(role.value for role, row in POLICY.items() if act in row)
        raise PermissionDeniedError(
            f"API key {principal.key_id} has role {principal.role.value}, which may not run "
            f"{act.value}; that needs a key with one of the roles: {allowed}"
        )
    if grant is Grant.OWN and learner_id != principal.learner_id:
        raise PermissionDeniedError(
            f"API key {principal.key_id} is bound to learner {principal.learner_id} and may run "
            f"{act.value} only for that learner, not for {learner_id}"
        )
    return grant


# --- the gate -----------------------------------------------------------------------------------

_PRINCIPAL = "principal"  # key in the request's scope["state"]


def principal_of(connection: HTTPConnection) -> Principal | None:
    """The principal :class:`AuthGate` authenticated for this request (None for GraphiQL and
    for keyless presentation requests)."""
    value = connection.scope.get("state", {}).get(_PRINCIPAL)
    return value if isinstance(value, Principal) else None


class RequestTooLargeError(InputError):
    """The request body exceeds ``max_body_bytes``."""


class UnsupportedMediaTypeError(InputError):
    """A POST body that is not ``application/json``."""


class _DisconnectedError(Exception):
    """The client disconnected while its request body was being read: nothing to answer."""


class AuthGate:
    """ASGI middleware for the /graphql and VC-API routes: key, size, batch and rate checks."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        anonymous: RateLimiter | None = None,
        *,
        keyless: bool = True,
    ) -> None:
        """``keyless``: admit KEYLESS_FIELDS operations without a key (the /graphql route);
        False refuses every request without a key (the VC-API routes)."""
        self._app = app
        self._settings = settings
        self._limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
        self._anonymous = anonymous or anonymous_limiter(settings)
        self._keyless = keyless
        self._keys: tuple[GraphStore, KeyService] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # websockets have their own route (server.py); never here
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        connection = HTTPConnection(scope)
        if scope["method"] == "GET" and "query" not in connection.query_params:
            await self._app(scope, receive, send)  # the GraphiQL page: runs no operation
            return
        try:
            principal, body = await self._admit(connection, receive)
        except _DisconnectedError:
            return
        except CredmatchError as e:
            await _refusal(e, scope)(scope, receive, send)
            return
        scope.setdefault("state", {})[_PRINCIPAL] = principal
        await self._app(scope, _replay(body, receive), send)

    async def _admit(
        self, connection: HTTPConnection, receive: Receive
    ) -> tuple[Principal | None, bytes]:
        cap = self._settings.max_body_bytes
        declared = connection.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(int(declared), cap)
        if self._keyless and not connection.headers.get("authorization"):
            return await self._admit_keyless(connection, receive, cap)
        principal = await self._service(connection).authenticate(_bearer(connection))
        body = await _read_body(receive, cap)
        parsed = _json_body(connection, body)
        self._limiter.check(principal.key_id, self._batch_cost(parsed))
        return principal, body

    async def _admit_keyless(
        self, connection: HTTPConnection, receive: Receive, cap: int
    ) -> tuple[None, bytes]:
        body = await _read_body(receive, cap)
        if not _keyless_operation(connection, body, self._settings.max_tokens):
            _bearer(connection)  # raises the 401 every other keyless request gets
        self._anonymous.check(client_address(connection))
        return None, body

    def _service(self, connection: HTTPConnection) -> KeyService:
        # Built on first use and rebuilt when the app's lifespan made a new store, so the
        # verified-key cache lives as long as the container it reads from.
        store: GraphStore = connection.app.state.container.store
        if self._keys is None or self._keys[0] is not store:
            service = KeyService(
                store,
                cache_ttl_s=self._settings.auth_cache_ttl_s,
                touch_interval_s=self._settings.auth_touch_interval_s,
            )
            self._keys = (store, service)
        return self._keys[1]

    def _batch_cost(self, parsed: Any) -> int:
        if not isinstance(parsed, list):
            return 1
        operations = parsed
        limit = self._settings.max_batch_operations
        if limit == 0:
            raise InputError(
                "batched operations (a JSON array body) are not accepted: send one operation "
                "per request"
            )
        if len(operations) > limit:
            raise InputError(f"a batch holds {len(operations)} operations; the limit is {limit}")
        return max(1, len(operations))


def anonymous_limiter(settings: Settings) -> RateLimiter:
    """The per-client-address limiter for requests without an API key."""
    return RateLimiter(settings.anonymous_rate_limit_per_s, settings.anonymous_rate_limit_burst)


def client_address(connection: HTTPConnection) -> str:
    """The rate-limit bucket of a keyless request: the client's address."""
    host = connection.client.host if connection.client is not None else "unknown"
    return f"address:{host}"


def _keyless_operation(connection: HTTPConnection, body: bytes, max_tokens: int) -> bool:
    """Whether this POST runs one operation that selects only KEYLESS_FIELDS at its root
    (fields only: a fragment could hide anything)."""
    if connection.scope.get("method") != "POST":
        return False
    try:
        request = json.loads(body)
        if not isinstance(request, dict):
            return False
        document = parse(request["query"], max_tokens=max_tokens, no_location=True)
    except (ValueError, RecursionError, TypeError, KeyError, GraphQLSyntaxError):
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != len(document.definitions) or not operations:
        return False
    name = request.get("operationName")
    chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
    if len(chosen) != 1 or (name is None and len(operations) != 1):
        return False
    return all(
        isinstance(s, FieldNode) and s.name.value in KEYLESS_FIELDS
        for s in chosen[0].selection_set.selections
    )


def _json_body(connection: HTTPConnection, body: bytes) -> Any:
    """A JSON POST body parsed once here, so malformed or hostile JSON gets a clear 400
    instead of reaching the GraphQL library (which answers some of it with a 500)."""
    if connection.scope.get("method") != "POST":
        return None
    if not connection.headers.get("content-type", "").startswith("application/json"):
        raise UnsupportedMediaTypeError(
            "send the GraphQL request as JSON (Content-Type: application/json)"
        )
    try:
        parsed = json.loads(body)
    except RecursionError as e:
        raise InputError("request body JSON is nested too deeply; send flatter variables") from e
    except ValueError as e:
        raise InputError(f"request body is not valid JSON: {e}") from e
    if not isinstance(parsed, dict | list):
        raise InputError('the body must be a JSON object: {"query": ..., "variables": {...}}')
    return parsed


def _bearer(connection: HTTPConnection) -> str:
    return bearer_token(connection.headers.get("authorization", ""))


def bearer_token(header: str) -> str:
    """The key of an ``Authorization: Bearer <key>`` value (header, or a websocket's
    ``connection_init`` payload)."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(
            "no API key: send 'Authorization: Bearer <key>' (create one with "
            "'credmatch keys create --role ROLE')"
        )
    return token.strip()


async def _read_body(receive: Receive, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _DisconnectedError
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            raise _too_large(size, cap)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _too_large(size: int, cap: int) -> RequestTooLargeError:
    return RequestTooLargeError(
        f"request body exceeds the {cap}-byte limit (got {size} bytes or more; "
        f"{ENV_PREFIX}MAX_BODY_BYTES): send less per request"
    )


def _refusal(error: CredmatchError, scope: Scope) -> Response:
    headers: dict[str, str] = {}
    if isinstance(error, AuthenticationError):
        status = 401
        headers["WWW-Authenticate"] = 'Bearer realm="credmatch"'
    elif isinstance(error, RateLimitedError):
        status = 429
        headers["Retry-After"] = str(error.retry_after_s)
    elif isinstance(error, RequestTooLargeError):
        status = 413
    elif isinstance(error, UnsupportedMediaTypeError):
        status = 415
    elif isinstance(error, InputError):
        status = 400
    elif isinstance(error, GraphUnavailableError | GraphError):
        status = 503
    else:
        status = 500
    log.info("refused /graphql request (%s): %s", status, error)
    return error_response(scope, status, str(error), error.code, headers)

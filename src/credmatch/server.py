"""The ASGI application: /graphql (with GraphiQL), /healthz, /challenges, the VC-API verifier
(/credentials/verify, /presentations/verify), and the demo page at /."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute, request_response
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from credmatch import __version__
from credmatch.api import vcapi
from credmatch.api.auth import (
    AuthGate,
    anonymous_limiter,
    bearer_token,
    principal_of,
)
from credmatch.api.context import Context
from credmatch.api.cors import cors_middleware
from credmatch.api.http import Negotiation
from credmatch.api.limits import schema_extensions
from credmatch.api.schema import build_schema
from credmatch.api.view import GraphQLView
from credmatch.bootstrap import Container, bootstrap
from credmatch.config import Settings, load_settings
from credmatch.errors import CredmatchError
from credmatch.graph.store import GraphStore
from credmatch.services.api_keys import KeyService
from credmatch.services.challenges import purge_expired_challenges
from credmatch.services.webhooks import DeliveryWorker

log = logging.getLogger("credmatch.server")
WEB_DIR = Path(__file__).parent / "web"


class _GraphQLApp(GraphQLView):
    def __init__(self, app: Starlette, auth: Settings, **kwargs: Any) -> None:
        super().__init__(
            build_schema(schema_extensions(auth)),
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=20,
            allowed_origins=auth.cors_origin_list,
            **kwargs,
        )
        self._app = app
        self._auth = auth
        self._keys: tuple[GraphStore, KeyService] | None = None

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(container=self._app.state.container, principal=principal_of(request))

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A websocket (graphql-transport-ws) authenticates in its ``connection_init``
        payload, ``{"Authorization": "Bearer <key>"}``: refused (4403) without a valid key."""
        params = context.connection_params or {}
        header = params.get("Authorization", params.get("authorization", ""))
        try:
            token = bearer_token(header if isinstance(header, str) else "")
            context.principal = await self._key_service().authenticate(token)
        except CredmatchError as e:
            log.info("refused a websocket connection: %s", e)
            raise ConnectionRejectionError({"message": str(e), "code": e.code}) from e
        return await super().on_ws_connect(context)

    def _key_service(self) -> KeyService:
        store: GraphStore = self._app.state.container.store
        if self._keys is None or self._keys[0] is not store:
            service = KeyService(
                store,
                cache_ttl_s=self._auth.auth_cache_ttl_s,
                touch_interval_s=self._auth.auth_touch_interval_s,
            )
            self._keys = (store, service)
        return self._keys[1]


def create_app(settings: Settings | None = None, *, auth: Settings | None = None) -> Starlette:
    """Build the app; its lifespan opens the Neo4j driver (and model) and closes them."""
    settings = settings or load_settings()
    auth = auth or settings

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        container = bootstrap(settings)
        app.state.container = container
        # Load the model and the skill linker in the background: the first linkSkills or
        # upsertJobPosting does not pay for it, and /healthz answers at once meanwhile.
        warming = asyncio.create_task(_warm(container)) if settings.warm_model else None
        # Bring the match table up to date (left stale by a crash, or built under other trust
        # settings; rankings are computed live until it is), then keep expiring credentials
        # whose validUntil passes.
        refreshing = asyncio.create_task(
            _maintain_matches(container, settings.match_refresh_interval_s)
        )
        delivering = None
        if settings.webhook_worker:  # sends the webhook deliveries due in Neo4j
            worker = DeliveryWorker(container.store, settings)
            container.events.on_publish(worker.wake)
            delivering = asyncio.create_task(worker.run())
        try:
            yield
        finally:
            for task in (warming, refreshing, delivering):
                if task is not None:
                    task.cancel()
            await container.close()

    app = Starlette(lifespan=lifespan, middleware=cors_middleware(settings))
    graphql = _GraphQLApp(app, auth, graphql_ide="graphiql" if settings.graphiql else None)
    anonymous = anonymous_limiter(auth)  # keyless requests, per client address
    app.router.routes.extend(
        [
            Route("/healthz", _healthz, methods=["GET"]),
            Route(
                "/graphql", Negotiation(AuthGate(graphql, auth, anonymous)), methods=["GET", "POST"]
            ),
            Route("/challenges", vcapi.challenge_endpoint(anonymous), methods=["POST"]),
            *_vc_api_routes(auth),
            WebSocketRoute("/graphql", graphql),  # subscriptions: authenticated in on_ws_connect
            Mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web"),
        ]
    )
    return app


def _vc_api_routes(auth: Settings) -> list[Route]:
    """The VC-API verifier endpoints, behind API keys (any role)."""
    return [
        Route(path, AuthGate(request_response(endpoint), auth, keyless=False), methods=["POST"])
        for path, endpoint in (
            ("/credentials/verify", vcapi.verify_credential),
            ("/presentations/verify", vcapi.verify_presentation),
        )
    ]


async def _warm(container: Container) -> None:
    try:
        await asyncio.to_thread(container.embedder().encode, ["warm up"])
        await container.skill_linker()
    except CredmatchError as e:  # Neo4j down at start-up: the first request will retry
        log.warning("model warm-up deferred: %s", e)


async def _maintain_matches(container: Container, interval_s: float) -> None:
    while True:
        try:
            done = await container.refresh_matches()
            purged = await purge_expired_challenges(container.store)
            if purged:
                log.info("deleted %d expired presentation challenges", purged)
            if done.jobs or done.learners or done.expired:
                log.info(
                    "match table refreshed: %d postings, %d learners, %d credentials expired",
                    done.jobs,
                    done.learners,
                    done.expired,
                )
        except CredmatchError as e:  # Neo4j down: the next pass (or write) retries
            log.warning("match table refresh deferred: %s", e)
        if interval_s <= 0:
            return
        await asyncio.sleep(interval_s)


async def _healthz(request: Request) -> JSONResponse:
    container: Container = request.app.state.container
    try:
        await container.store.ping()
    except CredmatchError as e:
        return JSONResponse(
            {"status": "unavailable", "neo4j": "down", "reason": str(e), "version": __version__},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "neo4j": "up", "version": __version__})

"""Helpers shared by the sub-commands: run a use case against a started graph."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from credmatch.bootstrap import Container, bootstrap
from credmatch.cli.progress import Reporter, progress
from credmatch.config import Settings, load_settings
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import ensure_schema

T = TypeVar("T")


def ensure_neo4j(settings: Settings) -> str:
    """Start the bundled server when no NEO4J_URI is given; return the Bolt URI."""
    return Neo4jLauncher(settings).start() if settings.launches_neo4j else settings.bolt_uri


def with_graph(
    use_case: Callable[[Container], Awaitable[T]],
    settings: Settings | None = None,
    schema: bool = True,
) -> T:
    """Start Neo4j if needed, make sure the schema exists, and run ``use_case``."""
    settings = settings or load_settings()
    ensure_neo4j(settings)

    async def run() -> T:
        container = bootstrap(settings)
        try:
            if schema:
                await ensure_schema(container.store, settings.embedding_dimension)
            return await use_case(container)
        finally:
            await container.close()

    return asyncio.run(run())


def progress_bar(label: str, total: int | None = None) -> AbstractContextManager[Reporter]:
    """A progress bar on a terminal; a log line every few seconds when output is redirected."""
    return progress(label, total)

"""The GraphQL schema: types, queries and mutations (resolvers stay thin)."""

from __future__ import annotations

import strawberry

from credmatch import __version__
from credmatch.api.context import Info
from credmatch.api.errors import ErrorPolicy


@strawberry.type(description="Whether the API can reach its graph store.")
class Health:
    neo4j: bool
    version: str


@strawberry.type
class Query:
    @strawberry.field(
        description="Checks that Neo4j answers; errors with GRAPH_UNAVAILABLE if not."
    )
    async def health(self, info: Info) -> Health:
        await info.context.container.store.ping()
        return Health(neo4j=True, version=__version__)


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[ErrorPolicy])

"""The Neo4j store: one async driver, reads routed as reads, driver errors translated."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseUnavailable,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from credmatch.config import Settings
from credmatch.errors import GraphError, GraphUnavailableError
from credmatch.graph import queries as q

Record = dict[str, Any]
Runner = Callable[[str, Mapping[str, Any]], Awaitable[list[Record]]]
T = TypeVar("T")


class GraphStore:
    """Runs Cypher against Neo4j. Every query text is a constant from graph/queries.py."""

    def __init__(self, driver: neo4j.AsyncDriver, database: str, timeout_s: float) -> None:
        self._driver = driver
        self._database = database
        self._timeout_s = timeout_s

    @classmethod
    def connect(cls, settings: Settings, password: str) -> GraphStore:
        """Create the driver; no connection is made until the first query."""
        driver = neo4j.AsyncGraphDatabase.driver(
            settings.bolt_uri,
            auth=(settings.neo4j_user, password),
            connection_timeout=settings.neo4j_connect_timeout_s,
            connection_acquisition_timeout=settings.neo4j_connect_timeout_s,
            # Retrying a dead server for the default 30 s would hang requests; fail fast.
            max_transaction_retry_time=min(2.0, settings.neo4j_query_timeout_s),
            liveness_check_timeout=0,
            notifications_min_severity="OFF",
        )
        return cls(driver, settings.neo4j_database, settings.neo4j_query_timeout_s)

    async def close(self) -> None:
        await self._driver.close()

    async def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._run(query, params, neo4j.RoutingControl.READ)

    async def write(
        self, query: str, params: Mapping[str, Any] | None = None, *, bump: bool = True
    ) -> list[Record]:
        """One write; ``bump`` also advances the graph version (off for schema commands,
        which Neo4j will not mix with data writes, and for bookkeeping that cannot change a
        ranking)."""
        return (await self.write_all([(query, params or {})], bump=bump))[0]

    async def write_all(
        self, statements: Sequence[tuple[str, Mapping[str, Any]]], *, bump: bool = True
    ) -> list[list[Record]]:
        """Run several writes in one transaction: all of them land, or none does. The graph
        version moves in the same transaction, so cached rankings never outlive a change."""
        steps = [*statements, (q.BUMP_VERSION, {})] if bump else list(statements)

        @neo4j.unit_of_work(timeout=self._timeout_s)
        async def work(tx: neo4j.AsyncManagedTransaction) -> list[list[Record]]:
            out = []
            for query, params in steps:
                result = await tx.run(query, dict(params))
                out.append([record.data() async for record in result])
            return out

        async with self._translated(), self._driver.session(database=self._database) as session:
            return await session.execute_write(work)

    async def transact(self, work: Callable[[Runner], Awaitable[T]]) -> T:
        """Run ``work`` in one write transaction; it gets a runner for statements and may
        decide the next statement from the last one's rows. All of it lands, or none does.
        The driver may run ``work`` again after a transient error: keep it free of effects
        outside the transaction. Does not move the graph version."""

        @neo4j.unit_of_work(timeout=self._timeout_s)
        async def unit(tx: neo4j.AsyncManagedTransaction) -> T:
            async def run(query: str, params: Mapping[str, Any]) -> list[Record]:
                result = await tx.run(query, dict(params))
                return [record.data() async for record in result]

            return await work(run)

        async with self._translated(), self._driver.session(database=self._database) as session:
            return await session.execute_write(unit)

    async def version(self) -> int:
        """The graph version: it changes with every write that can change a ranking."""
        rows = await self.read(q.GRAPH_VERSION)
        return int(rows[0]["version"]) if rows else 0

    async def write_autocommit(self, query: str, params: Mapping[str, Any] | None = None) -> None:
        """Run a statement in an implicit transaction (needed by CALL ... IN TRANSACTIONS)."""
        async with self._translated(), self._driver.session(database=self._database) as session:
            result = await session.run(neo4j.Query(query), dict(params or {}))
            await result.consume()
        await self.write_all([])  # moves the version

    async def ping(self) -> None:
        """Raise GraphUnavailableError unless Neo4j answers ``RETURN 1``."""
        await self.read(q.PING)

    async def _run(
        self, query: str, params: Mapping[str, Any] | None, routing: neo4j.RoutingControl
    ) -> list[Record]:
        # Query text comes only from graph/queries.py constants; values travel as parameters.
        cypher = neo4j.Query(query, timeout=self._timeout_s)
        async with self._translated():
            result = await self._driver.execute_query(
                cypher,
                parameters_=dict(params or {}),
                routing_=routing,
                database_=self._database,
            )
        return [record.data() for record in result.records]

    @asynccontextmanager
    async def _translated(self) -> AsyncIterator[None]:
        """Re-raise driver errors as credmatch errors that say what to do."""
        try:
            yield
        except AuthError as e:
            raise GraphUnavailableError(
                f"Neo4j rejected the credentials: {e.message}; check NEO4J_USER/NEO4J_PASSWORD"
            ) from e
        except (ServiceUnavailable, SessionExpired, DatabaseUnavailable) as e:
            raise GraphUnavailableError(f"Neo4j is unavailable: {e}") from e
        except ClientError as e:
            raise GraphError(f"Neo4j refused a query ({e.code}): {e.message}") from e
        except Neo4jError as e:
            raise GraphError(f"Neo4j error ({e.code}): {e.message}") from e
        except (DriverError, OSError) as e:
            raise GraphUnavailableError(f"cannot talk to Neo4j: {e}") from e

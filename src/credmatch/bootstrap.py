"""The composition root: builds the driver, the model and the services, once, on request."""

from __future__ import annotations

from dataclasses import dataclass

from credmatch.config import Settings
from credmatch.graph.launcher import resolve_password
from credmatch.graph.store import GraphStore


@dataclass
class Container:
    """What one running credmatch (API process or CLI command) shares."""

    settings: Settings
    store: GraphStore

    async def close(self) -> None:
        await self.store.close()


def bootstrap(settings: Settings) -> Container:
    """Wire the parts together. Opens no connection: the driver connects on first use."""
    store = GraphStore.connect(settings, resolve_password(settings))
    return Container(settings=settings, store=store)

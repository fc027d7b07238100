"""The per-request GraphQL context: the caller, services, and fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from credmatch.api import types as t
from credmatch.bootstrap import Container
from credmatch.domain.principal import Principal
from credmatch.services import browse
from credmatch.services.api_ingest import ApiIngest
from credmatch.services.matching import Matcher


@dataclass
class Loaders:
    """Batch per-item lookups within one request (never shared across requests)."""

    container: Container
    achievement_skills: DataLoader[str, list[t.SkillMatch]] = field(init=False)

    def __post_init__(self) -> None:
        self.achievement_skills = DataLoader(load_fn=self._achievement_skills)

    async def _achievement_skills(self, ids: list[str]) -> list[list[t.SkillMatch]]:
        found = await browse.achievement_skills(self.container.store, ids)
        return [[t.skill_match(s) for s in found[i]] for i in ids]


@dataclass
class Context:
    container: Container
    principal: Principal | None = None  # set by AuthGate; None only on the GraphiQL page
    connection_params: dict[str, Any] | None = None  # a websocket's connection_init payload
    loaders: Loaders = field(init=False)
    matcher: Matcher = field(init=False)
    ingest: ApiIngest = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.container)
        self.matcher = self.container.matcher()
        self.ingest = self.container.ingest()


Info = StrawberryInfo[Context, Any]

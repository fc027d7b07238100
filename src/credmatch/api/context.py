"""The per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from credmatch.bootstrap import Container


@dataclass
class Context:
    container: Container


Info = StrawberryInfo[Context, None]

"""Pages of rankings kept in the API process, valid for one graph version.

Every write that can change a ranking advances the graph version in its own transaction
(GraphStore.write_all), so a cached page is served only while the graph is exactly as it was
when the page was computed. Several API workers each keep their own cache; Neo4j stays the
only state that matters.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cachetools import LRUCache


class RankingCache:
    def __init__(self, max_entries: int = 512) -> None:
        self._pages: LRUCache[str, tuple[int, dict[str, Any]]] = LRUCache(max_entries)

    @staticmethod
    def key(params: dict[str, Any]) -> str:
        """A key for the ranking parameters (every value that can change the page)."""
        text = json.dumps(params, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, key: str, version: int) -> dict[str, Any] | None:
        found = self._pages.get(key)
        if found is None or found[0] != version:
            return None
        return found[1]

    def put(self, key: str, version: int, row: dict[str, Any]) -> None:
        self._pages[key] = (version, row)

"""The operator's list of issuers whose credentials count as trusted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from credmatch.errors import ConfigError


class TrustRegistry:
    """Issuer id -> display name, from ``{"issuers": [{"id": ..., "name": ...}]}``."""

    def __init__(self, issuers: Mapping[str, str]) -> None:
        self._issuers = dict(issuers)

    @classmethod
    def from_file(cls, path: Path) -> TrustRegistry:
        """Load a registry file; raises ConfigError naming the file and the problem."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"trust registry {path} cannot be read as JSON: {e}") from e
        entries = raw.get("issuers") if isinstance(raw, dict) else None
        if not isinstance(entries, list):
            raise ConfigError(
                f'trust registry {path} must be {{"issuers": [{{"id": ..., "name": ...}}]}}'
            )
        issuers: dict[str, str] = {}
        for n, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise ConfigError(f"trust registry {path}: issuers[{n}] needs a string id")
            issuers[entry["id"]] = str(entry.get("name") or entry["id"])
        return cls(issuers)

    @classmethod
    def empty(cls) -> TrustRegistry:
        """A registry that knows no issuer (every issuer check is null)."""
        return cls({})

    def lookup(self, issuer_id: str) -> str | None:
        """The registered name of ``issuer_id``, or None when it is not registered."""
        return self._issuers.get(issuer_id)

"""The operator's list of issuers whose credentials count as trusted."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from credmatch.errors import ConfigError


class TrustRegistry:
    """Issuer id -> display name, from ``{"issuers": [{"id": ..., "name": ...}]}``.

    An entry may also list ``"statusIssuers": ["did:..."]``: issuers whose status list
    credentials answer for this issuer's credentials (a registry that signs status lists on
    issuers' behalf).
    """

    def __init__(
        self,
        issuers: Mapping[str, str],
        status_issuers: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._issuers = dict(issuers)
        self._status = {k: frozenset(v) for k, v in (status_issuers or {}).items()}

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
        status: dict[str, list[str]] = {}
        for n, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise ConfigError(f"trust registry {path}: issuers[{n}] needs a string id")
            issuers[entry["id"]] = str(entry.get("name") or entry["id"])
            status[entry["id"]] = _status_issuers(entry.get("statusIssuers", []), path, n)
        return cls(issuers, status)

    @classmethod
    def empty(cls) -> TrustRegistry:
        """A registry that knows no issuer (every issuer check is null)."""
        return cls({})

    def lookup(self, issuer_id: str) -> str | None:
        """The registered name of ``issuer_id``, or None when it is not registered."""
        return self._issuers.get(issuer_id)

    def status_issuers(self, issuer_id: str) -> frozenset[str]:
        """Who besides ``issuer_id`` may sign the status lists of its credentials."""
        return self._status.get(issuer_id, frozenset())


def _status_issuers(value: Any, path: Path, n: int) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            f"trust registry {path}: issuers[{n}].statusIssuers must be a list of issuer ids"
        )
    return list(value)

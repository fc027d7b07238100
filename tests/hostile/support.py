"""Shared helpers for the hostile-input tests: hypothesis settings and fixture credentials."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

SHARED = Path("/work/shared/data/credentials")
SPEC_CREDENTIAL = SHARED / "obv3-spec" / "credential.json"
CONTEXTS = SHARED / "1edtech" / "contexts"
SPEC_ISSUER = "https://example.edu/issuers/565049"
SPEC_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"  # obv3-spec/keys.json

# Reproducible in CI: a fixed example sequence, no example database, no deadline (2-core box).
HOSTILE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

Path_ = tuple[str | int, ...]


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path (keys and indexes) to every value below ``node``, parents first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def get(doc: Any, path: Path_) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def replaced(doc: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with the value at ``path`` replaced."""
    out = copy.deepcopy(doc)
    parent = get(out, path[:-1])
    parent[path[-1]] = copy.deepcopy(value)
    return out


def nested(depth: int, leaf: Any = None, kind: str = "dict") -> Any:
    """A value nested ``depth`` levels deep, built without recursion."""
    value = leaf
    for _ in range(depth):
        value = {"a": value} if kind == "dict" else [value]
    return value

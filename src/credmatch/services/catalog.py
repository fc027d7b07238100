"""Load an achievement catalog: the issuers' published achievement definitions.

The catalog file is JSON: ``{"issuers": [OB 3.0 Profile...], "achievements": [{"issuer": id,
"hours": n, "stacks_into": [achievement id...], "achievement": OB 3.0 Achievement}...]}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credmatch.credentials.parse import parse_achievement
from credmatch.credentials.trust import TrustRegistry
from credmatch.errors import InputError
from credmatch.graph.queries import ingest as q
from credmatch.graph.queries.matches import REKEY_LEARNERS
from credmatch.graph.store import GraphStore
from credmatch.services import rows


@dataclass(frozen=True)
class CatalogSummary:
    issuers: int
    achievements: int
    alignments: int
    stacks: int


def read_catalog(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: cannot read the catalog: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("achievements"), list):
        raise InputError(f"{path}: a catalog is an object with an 'achievements' list")
    return data


async def load_catalog(store: GraphStore, path: Path, trust: TrustRegistry) -> CatalogSummary:
    data = read_catalog(path)
    issuers = [
        {
            "id": p["id"],
            "props": rows.compact(
                {
                    "name": p.get("name"),
                    "url": p.get("url"),
                    "description": p.get("description"),
                    "trusted": trust.lookup(p["id"]) is not None,
                }
            ),
        }
        for p in data.get("issuers", [])
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    ]
    achievements: list[dict[str, Any]] = []
    alignments: list[dict[str, Any]] = []
    stacks: list[dict[str, Any]] = []
    for number, entry in enumerate(data["achievements"]):
        try:
            info = parse_achievement(entry["achievement"])
            issuer = str(entry["issuer"])
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"{path}: achievements[{number}]: {e}") from e
        if not info.id:
            raise InputError(f"{path}: achievements[{number}]: the achievement has no id")
        hours = entry.get("hours")
        achievements.append(rows.achievement_row(info, issuer, float(hours) if hours else None))
        alignments.extend(rows.alignment_rows(info))
        stacks.extend({"source": info.id, "target": t} for t in entry.get("stacks_into", []))
    await store.write_all(
        [
            (q.UPSERT_ISSUERS, {"rows": issuers}),
            (q.UPSERT_ACHIEVEMENTS, {"rows": achievements}),
            (q.ALIGN_ACHIEVEMENTS, {"rows": alignments}),
            (q.STACK_ACHIEVEMENTS, {"rows": stacks}),
        ]
    )
    return CatalogSummary(len(issuers), len(achievements), len(alignments), len(stacks))


async def load_learner_profiles(store: GraphStore, path: Path) -> int:
    """Apply consent and shared display names (``{"learners": [{id, discoverable,
    displayName?}]}``) to learners already in the graph."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        learners = [
            {
                "id": str(x["id"]),
                "discoverable": bool(x.get("discoverable", False)),
                "displayName": x.get("displayName"),
            }
            for x in data["learners"]
        ]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise InputError(f"{path}: cannot read learner profiles: {e}") from e
    await store.write_all(
        [
            (q.SET_LEARNER_PROFILES, {"rows": learners}),
            (REKEY_LEARNERS, {"ids": [x["id"] for x in learners]}),
        ]
    )
    return len(learners)

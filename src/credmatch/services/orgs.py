"""Organisations: who owns which keys and postings (``credmatch orgs list``)."""

from __future__ import annotations

from dataclasses import dataclass

from credmatch.graph.queries import orgs as q
from credmatch.graph.store import GraphStore


@dataclass(frozen=True)
class OrgKey:
    id: str
    role: str
    label: str
    revoked: bool
    issuer_ids: tuple[str, ...]


@dataclass(frozen=True)
class OrgInfo:
    id: str
    name: str
    postings: int
    keys: tuple[OrgKey, ...]


async def list_orgs(store: GraphStore) -> list[OrgInfo]:
    rows = await store.read(q.LIST_ORGS)
    return [
        OrgInfo(
            id=r["id"],
            name=r["name"] or r["id"],
            postings=int(r["postings"]),
            keys=tuple(
                OrgKey(
                    id=k["id"],
                    role=k["role"],
                    label=k.get("label") or "",
                    revoked=bool(k.get("revoked")),
                    issuer_ids=tuple(k.get("issuerIds") or ()),
                )
                for k in sorted(r["keys"], key=lambda k: (k["role"], k["id"]))
            ),
        )
        for r in rows
    ]


async def org_names(store: GraphStore, ids: list[str]) -> dict[str, str]:
    rows = await store.read(q.ORG_NAMES, {"ids": ids})
    return {r["id"]: r["name"] or r["id"] for r in rows}

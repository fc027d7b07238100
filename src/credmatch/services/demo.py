"""Demo API keys for the seed graph: one per role, created once, kept in a 0600 file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from credmatch.domain.principal import Role
from credmatch.graph.store import GraphStore
from credmatch.services import browse
from credmatch.services.api_keys import MAX_ISSUERS, KeyService

DEMO_LEARNER = """
MATCH (l:Learner {discoverable: true})-[:HOLDS]->(c:Credential {verdict: 'verified'})
WITH l, count(c) AS n WHERE n >= 3
RETURN l.id AS id ORDER BY n DESC, l.id LIMIT 1
"""

GRAPH_COUNTS = """
RETURN COUNT { (:Learner) } AS learners, COUNT { (:Credential) } AS credentials,
       COUNT { (:JobPosting) } AS postings, COUNT { (:Achievement) } AS achievements
"""


async def graph_counts(store: GraphStore) -> dict[str, int]:
    return (await store.read(GRAPH_COUNTS))[0]


async def ensure_demo_keys(store: GraphStore, path: Path) -> tuple[dict[str, str], bool]:
    """The demo keys by role, and whether they were created now (and so never shown before)."""
    service = KeyService(store)
    if path.is_file():
        saved: dict[str, str] = json.loads(path.read_text())
        known = {k.id for k in await service.list()}
        if all(token.split("_")[1] in known for token in saved.values()):
            return saved, False
    learner = await store.read(DEMO_LEARNER)
    # The demo issuer key acts for every issuer in the seed (an issuer key loads only its own).
    issuers = [i.id for i in await browse.issuers(store)][:MAX_ISSUERS]
    keys: dict[str, str] = {}
    for role in Role:
        learner_id = learner[0]["id"] if role is Role.LEARNER and learner else None
        if role is Role.LEARNER and learner_id is None:
            continue
        issued = await service.create(
            role,
            learner_id=learner_id,
            label=f"demo {role.value}",
            issuer_ids=issuers if role is Role.ISSUER else (),
        )
        keys[role.value] = issued.token
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(keys, f, indent=2)
    return keys, True

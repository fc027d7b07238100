"""A credential id belongs to one holder and one issuer: nobody can take it over.

Anyone can mint a ``did:key`` issuer, so a credential that verifies may still reuse the id of a
credential the graph holds for another learner or issuer; loading it would re-point or
overwrite that credential. Presentations and API ingests refuse such credentials, each on its
own, with a failed ``credential_id`` check. (The operator's CLI ingest is not limited.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from credmatch.credentials.model import Check, Report
from credmatch.graph.queries import presentations as q
from credmatch.graph.store import GraphStore
from credmatch.services.rows import credential_id


async def refuse_taken(
    store: GraphStore, reports: list[Report], candidates: Sequence[Report]
) -> list[Report]:
    """``reports`` with a failed ``credential_id`` check added to each of ``candidates`` whose
    id the graph already holds for another subject or issuer."""
    ids = {credential_id(r): r for r in candidates if r.credential is not None}
    if not ids:
        return reports
    rows = await store.read(q.CREDENTIAL_OWNERS, {"ids": sorted(ids)})
    taken = {}
    for row in rows:
        problems = _problems(ids[row["id"]], row["holders"], row["issuerId"])
        if problems:
            taken[row["id"]] = Check(
                "credential_id",
                False,
                f"credential id {row['id']} is already in the graph, {' and '.join(problems)}: "
                "a credential cannot take over another credential's id",
                "id_taken",
            )
    return [
        replace(r, valid=False, checks=(*r.checks, taken[credential_id(r)]))
        if r.credential is not None and credential_id(r) in taken
        else r
        for r in reports
    ]


def _problems(report: Report, holders: list[str], issuer_id: str) -> list[str]:
    cred = report.credential
    assert cred is not None
    others = [h for h in holders if h != cred.subject_id]
    problems = [f"held by {', '.join(sorted(others))}"] if others else []
    if issuer_id != cred.issuer.id:
        problems.append(f"issued by {issuer_id}, not {cred.issuer.id}")
    return problems

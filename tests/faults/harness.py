"""What the fault tests share: a private Neo4j, the ``credmatch`` CLI as a subprocess, and a
snapshot of the graph to compare runs with.

The snapshot reads the graph with the plain neo4j driver (it observes, it is not under test).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j

from credmatch.config import Settings
from credmatch.graph.launcher import Neo4jLauncher
from tests.conftest import REPO, TEST_PASSWORD

SEED = REPO / "graph_seed"
BATCH_SIZE = 50  # small, so the seed's ~2,700 credentials take ~54 transactions
INGEST_ARGS = (
    "ingest",
    "credentials",
    "graph_seed/credentials",
    "--documents",
    "graph_seed/documents",
    "--trust",
    "graph_seed/trust.json",
)
CLI_TIMEOUT_S = 240.0


@dataclass(frozen=True)
class PrivateNeo4j:
    """A Neo4j server only these tests start and stop (its own home and port)."""

    settings: Settings
    launcher: Neo4jLauncher
    embedding_cache: Path  # shared by every run, so only the first one encodes with the model
    document_cache: Path

    def cli_env(self) -> dict[str, str]:
        """The environment a ``credmatch`` subprocess needs to use this server and nothing else."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CREDMATCH_") and not k.startswith("NEO4J_")
        }
        s = self.settings
        env.update(
            {
                "NEO4J_PASSWORD": TEST_PASSWORD,
                "CREDMATCH_NEO4J_HOME": str(s.neo4j_home),
                "CREDMATCH_NEO4J_BOLT_PORT": str(s.neo4j_bolt_port),
                "CREDMATCH_NEO4J_HEAP": s.neo4j_heap,
                "CREDMATCH_NEO4J_PAGECACHE": s.neo4j_pagecache,
                "CREDMATCH_INGEST_BATCH_SIZE": str(BATCH_SIZE),
                "CREDMATCH_EMBEDDING_CACHE": str(self.embedding_cache),
                "CREDMATCH_DOCUMENT_CACHE": str(self.document_cache),
            }
        )
        return env

    def driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(
            self.settings.bolt_uri, auth=("neo4j", TEST_PASSWORD), connection_timeout=5
        )

    def wipe(self) -> None:
        """Delete every node (the schema stays: ensure_schema re-creates nothing)."""
        with self.driver() as d, d.session() as session:
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
            ).consume()

    def count(self, label: str) -> int:
        with self.driver() as d:
            records, _, _ = d.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n")
            return int(records[0]["n"])


def credmatch_command(*args: str) -> list[str]:
    """The installed console script when there is one, else the same entry point via -c."""
    script = Path(sys.executable).parent / "credmatch"
    if script.is_file():
        return [str(script), *args]
    return [
        sys.executable,
        "-c",
        "import sys; from credmatch.cli import main; sys.exit(main())",
        *args,
    ]


def start_cli(env: Mapping[str, str], out: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start ``credmatch ARGS`` in the repository; stdout and stderr go to ``out``."""
    with out.open("wb") as sink:
        return subprocess.Popen(
            credmatch_command(*args),
            cwd=REPO,
            env=dict(env),
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def run_cli(env: Mapping[str, str], out: Path, *args: str) -> tuple[int, str]:
    """Run ``credmatch ARGS`` to the end; returns the exit status and its output."""
    proc = start_cli(env, out, *args)
    try:
        rc = proc.wait(timeout=CLI_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return rc, out.read_text(errors="replace")


def loaded_count(output: str) -> int:
    """N from the CLI's ``loaded N (...)`` line."""
    found = re.search(r"^loaded (\d+) ", output, re.MULTILINE)
    assert found, f"no 'loaded N' line in the CLI output:\n{output}"
    return int(found.group(1))


def wait_for_count(
    server: PrivateNeo4j, proc: subprocess.Popen[bytes], at_least: int, timeout_s: float
) -> int:
    """Poll the credential count until it reaches ``at_least``; fail if the CLI ends first."""
    deadline = time.monotonic() + timeout_s
    with server.driver() as d:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the ingest finished before the fault could be injected"
            records, _, _ = d.execute_query("MATCH (c:Credential) RETURN count(c) AS n")
            n = int(records[0]["n"])
            if n >= at_least:
                return n
            time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} credentials landed within {timeout_s:.0f}s")


@dataclass(frozen=True)
class GraphState:
    """What an ingest leaves in the graph, in a form two runs can be compared by."""

    labels: dict[str, int]  # node count per label
    relationships: dict[str, int]  # relationship count per type
    credentials: dict[str, tuple[Any, ...]]  # id -> (verdict, holders, achievements, issuers)
    duplicate_ids: list[str]  # credential ids held by more than one node
    embedded: dict[str, int]  # nodes with an embedding, per label
    alignments: dict[str, int]  # ALIGNS_TO per source (issuer-declared or from embeddings)
    achievements: frozenset[str]
    learners: frozenset[str]
    matches: dict[tuple[str, str], tuple[float, int, str]]  # (learner, job) -> score, met, key
    stale: int  # postings and learners still flagged for a match-table refresh


def snapshot(server: PrivateNeo4j) -> GraphState:
    with server.driver() as d:

        def rows(query: str) -> list[dict[str, Any]]:
            records, _, _ = d.execute_query(query)
            return [r.data() for r in records]

        creds = rows(
            "MATCH (c:Credential) RETURN c.id AS id, c.verdict AS verdict, "
            "[(l)-[:HOLDS]->(c) | l.id] AS holders, [(c)-[:ATTESTS]->(a) | a.id] AS achievements,"
            " [(i)-[:ISSUED]->(c) | i.id] AS issuers"
        )
        return GraphState(
            labels={
                r["label"]: r["n"]
                for r in rows("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
            },
            relationships={
                r["type"]: r["n"]
                for r in rows("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
            },
            credentials={
                r["id"]: (
                    r["verdict"],
                    tuple(sorted(r["holders"])),
                    tuple(sorted(r["achievements"])),
                    tuple(sorted(r["issuers"])),
                )
                for r in creds
            },
            duplicate_ids=sorted(
                r["id"]
                for r in rows(
                    "MATCH (c:Credential) WITH c.id AS id, count(*) AS n WHERE n > 1 RETURN id"
                )
            ),
            embedded={
                r["label"]: r["n"]
                for r in rows(
                    "MATCH (n) WHERE n.embedding IS NOT NULL "
                    "UNWIND labels(n) AS label RETURN label, count(*) AS n"
                )
            },
            alignments={
                str(r["source"]): r["n"]
                for r in rows("MATCH ()-[r:ALIGNS_TO]->() RETURN r.source AS source, count(*) AS n")
            },
            achievements=frozenset(
                r["id"] for r in rows("MATCH (a:Achievement) RETURN a.id AS id")
            ),
            learners=frozenset(r["id"] for r in rows("MATCH (l:Learner) RETURN l.id AS id")),
            matches={
                (r["l"], r["j"]): (round(r["s"], 9), r["m"], r["k"])
                for r in rows(
                    "MATCH (l:Learner)-[m:MATCHES]->(j:JobPosting) "
                    "RETURN l.id AS l, j.id AS j, m.score AS s, m.met AS m, m.rankKey AS k"
                )
            },
            stale=rows("MATCH (n) WHERE n.matchesStale = true RETURN count(n) AS n")[0]["n"],
        )


def assert_same_graph(got: GraphState, want: GraphState) -> None:
    """Field by field, so a failure names what differs rather than dumping two graphs."""
    assert got.duplicate_ids == [], f"duplicate credential nodes: {got.duplicate_ids[:10]}"
    assert got.labels == want.labels
    assert got.relationships == want.relationships
    missing = sorted(want.credentials.keys() - got.credentials.keys())
    extra = sorted(got.credentials.keys() - want.credentials.keys())
    assert not missing and not extra, f"missing {missing[:10]}, extra {extra[:10]}"
    changed = {
        k: (got.credentials[k], v) for k, v in want.credentials.items() if got.credentials[k] != v
    }
    assert not changed, f"credentials that differ (got, want): {list(changed.items())[:5]}"
    assert got.achievements == want.achievements
    assert got.learners == want.learners
    assert got.embedded == want.embedded
    assert got.alignments == want.alignments
    assert got.stale == want.stale == 0, "the match table was left flagged for a refresh"
    assert got.matches == want.matches


def half_written(state: GraphState) -> list[str]:
    """Credentials not wired to exactly one holder, achievement and issuer."""
    return sorted(
        cid
        for cid, (_, holders, achievements, issuers) in state.credentials.items()
        if (len(holders), len(achievements), len(issuers)) != (1, 1, 1)
    )

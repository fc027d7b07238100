"""Soak test: interrupt `credmatch ingest credentials` at random moments, re-run, compare.

Too slow for CI (about 40 s a round after a 1-2 minute start); tests/faults runs one fixed
interruption of each kind. Here each round empties the graph, starts the seed ingest, and at a
random moment anywhere in the run (loading *or* embedding and linking) either SIGKILLs the CLI
or stops Neo4j (then restarts it). It then runs the same command again and checks that the graph
equals the one a clean run leaves: node counts per label, relationship counts per type, every
credential id with its verdict, holder, achievement and issuer, embeddings and ALIGNS_TO counts.

Run from the repository root (it starts and stops its own Neo4j in a temporary folder, on a free
port, and touches no other server):

    .venv/bin/python scripts/fault_soak_ingest.py --rounds 10
    .venv/bin/python scripts/fault_soak_ingest.py --rounds 20 --fault kill --random-seed 7

Exits 0 when every round ends with the clean graph, 1 otherwise (each failure is printed).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the fault tests' harness lives in tests/faults

from tests.conftest import launcher_settings  # noqa: E402
from tests.faults.harness import (  # noqa: E402
    INGEST_ARGS,
    GraphState,
    PrivateNeo4j,
    assert_same_graph,
    half_written,
    run_cli,
    snapshot,
    start_cli,
)

from credmatch.graph.launcher import Neo4jLauncher  # noqa: E402


def clean_run(server: PrivateNeo4j, log: Path) -> tuple[GraphState, float]:
    server.wipe()
    began = time.monotonic()
    rc, output = run_cli(server.cli_env(), log, *INGEST_ARGS)
    if rc != 0:
        raise SystemExit(f"a clean ingest failed (exit {rc}):\n{output}")
    return snapshot(server), time.monotonic() - began


def interrupted_round(server: PrivateNeo4j, fault: str, delay_s: float, work: Path) -> str:
    """One round; returns what happened, raises AssertionError when the graph is wrong."""
    server.wipe()
    proc = start_cli(server.cli_env(), work / "interrupted.log", *INGEST_ARGS)
    time.sleep(delay_s)
    finished_first = proc.poll() is not None
    if fault == "kill":
        if not finished_first:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    else:
        server.launcher.stop()
        proc.wait(timeout=120)
        server.launcher.start()
    partial = snapshot(server)
    assert half_written(partial) == [], f"half-written credentials: {half_written(partial)[:5]}"
    embedded = sum(partial.embedded.values())
    rc, output = run_cli(server.cli_env(), work / "rerun.log", *INGEST_ARGS)
    assert rc == 0, f"the re-run failed (exit {rc}):\n{output}"
    return (
        f"{fault} at {delay_s:5.1f}s (exit {proc.returncode}"
        f"{', already done' if finished_first else ''}): "
        f"{len(partial.credentials)} credentials, {embedded} embeddings before the re-run"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--fault", choices=("kill", "stop", "both"), default="both")
    parser.add_argument("--random-seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.random_seed)  # noqa: S311 - picks fault times, not secrets
    os.chdir(REPO)

    with tempfile.TemporaryDirectory(prefix="credmatch-soak-") as tmp:
        home = Path(tmp)
        settings = launcher_settings(home / "neo4j")
        launcher = Neo4jLauncher(settings)
        server = PrivateNeo4j(settings, launcher, home / "embeddings.sqlite", home / "documents")
        print(f"starting a private Neo4j in {home} on port {settings.neo4j_bolt_port}")
        launcher.start()
        try:
            baseline, cold_s = clean_run(server, home / "baseline.log")
            again, warm_s = clean_run(server, home / "baseline-again.log")
            assert_same_graph(again, baseline)  # two clean runs must agree, or nothing can
            print(f"clean runs agree: cold {cold_s:.1f}s, warm {warm_s:.1f}s")
            failures = 0
            for n in range(1, args.rounds + 1):
                fault = args.fault if args.fault != "both" else rng.choice(("kill", "stop"))
                delay = rng.uniform(3.0, warm_s)  # from 3 s: the CLI has connected by then
                work = home / f"round-{n}"
                work.mkdir()
                try:
                    what = interrupted_round(server, fault, delay, work)
                    assert_same_graph(snapshot(server), baseline)
                    print(f"round {n:3d} ok    {what}")
                except AssertionError as e:
                    failures += 1
                    print(f"round {n:3d} FAIL  {fault} at {delay:.1f}s: {e}")
            print(f"{args.rounds - failures}/{args.rounds} rounds ended with the clean graph")
            return 1 if failures else 0
        finally:
            launcher.stop()


if __name__ == "__main__":
    sys.exit(main())

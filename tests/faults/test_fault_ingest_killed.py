"""An ingest SIGKILLed between batches, then run again, ends with the graph a clean run makes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.faults.conftest import Baseline
from tests.faults.harness import (
    BATCH_SIZE,
    CLI_TIMEOUT_S,
    INGEST_ARGS,
    PrivateNeo4j,
    assert_same_graph,
    half_written,
    loaded_count,
    run_cli,
    snapshot,
    start_cli,
    wait_for_count,
)

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def test_sigkilled_ingest_resumes_to_the_clean_graph(
    baseline: Baseline, empty_graph: PrivateNeo4j, tmp_path: Path
) -> None:
    env = empty_graph.cli_env()
    started = time.monotonic()
    proc = start_cli(env, tmp_path / "killed.log", *INGEST_ARGS)
    try:
        at_kill = wait_for_count(empty_graph, proc, 2 * BATCH_SIZE, timeout_s=CLI_TIMEOUT_S)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        rc = proc.wait()
    assert rc == -signal.SIGKILL

    partial = snapshot(empty_graph)
    total = len(baseline.state.credentials)
    landed = len(partial.credentials)
    assert at_kill <= landed < total, f"killed at {at_kill}, {landed} of {total} in the graph"
    # One transaction per batch: a kill leaves whole credentials, never half-wired ones.
    assert half_written(partial) == []
    assert partial.duplicate_ids == []
    assert partial.credentials.items() <= baseline.state.credentials.items()

    rc, output = run_cli(env, tmp_path / "rerun.log", *INGEST_ARGS)
    assert rc == 0, output
    assert loaded_count(output) == baseline.loaded
    assert_same_graph(snapshot(empty_graph), baseline.state)
    print(
        f"\nkilled at {at_kill} credentials; kill + re-run took {time.monotonic() - started:.1f}s"
    )

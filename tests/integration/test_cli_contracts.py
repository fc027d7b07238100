"""Command-line contracts other tools depend on, run as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import REPO, TEST_PASSWORD
from tests.support.seeded import Seeded

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]


def _env(seeded: Seeded, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_URI": seeded.settings.bolt_uri,
        "NEO4J_PASSWORD": seeded.settings.neo4j_password or TEST_PASSWORD,
        "CREDMATCH_EMBEDDING_CACHE": str(seeded.settings.embedding_cache),
        "CREDMATCH_NEO4J_HOME": str(tmp_path / "unused"),
    }


def _credmatch(
    *args: str, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credmatch.cli", *args],
        input=stdin,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_link_skills_prints_one_json_object_per_input_line(seeded: Seeded, tmp_path: Path) -> None:
    texts = ["Python programming", "operate a forklift safely", "administer intravenous medication"]
    result = _credmatch(
        "link-skills", "--top", "3", env=_env(seeded, tmp_path), stdin="\n".join(texts) + "\n"
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x["text"] for x in lines] == texts
    for line in lines:
        assert 1 <= len(line["skills"]) <= 3
        assert set(line["skills"][0]) == {"uri", "label", "score"}
        scores = [s["score"] for s in line["skills"]]
        assert scores == sorted(scores, reverse=True)
    assert "python" in lines[0]["skills"][0]["label"].lower()
    assert any("forklift" in s["label"] for s in lines[1]["skills"])


def test_verify_exit_codes_and_json_lines(tmp_path: Path) -> None:
    good = REPO / "graph_seed" / "credentials" / "standalone" / "ironworks-000001.json"
    tampered = tmp_path / "tampered.json"
    doc = json.loads(good.read_text())
    doc["name"] = "Master Welder"
    tampered.write_text(json.dumps(doc))
    env = {**os.environ}
    base = ["verify", "--documents", "graph_seed/documents", "--trust", "graph_seed/trust.json"]
    ok = _credmatch(*base, str(good), env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = _credmatch(*base, str(good), str(tampered), env=env)
    assert bad.returncode == 1
    reports = [json.loads(line) for line in bad.stdout.splitlines()]
    assert [r["valid"] for r in reports] == [True, False]
    proof = next(c for c in reports[1]["checks"] if c["name"] == "proof")
    assert proof["ok"] is False
    usage = _credmatch("verify", env=env)
    assert usage.returncode == 2


def test_verify_output_is_the_same_with_any_number_of_workers() -> None:
    files = sorted(str(p) for p in (REPO / "graph_seed" / "credentials").rglob("*") if p.is_file())
    base = ["verify", "--documents", "graph_seed/documents", "--trust", "graph_seed/trust.json"]
    env = {**os.environ}
    one = _credmatch(*base, "--workers", "1", *files, env=env)
    assert one.returncode in (0, 1), one.stderr
    assert len(one.stdout.splitlines()) > 2000  # JSON Lines files, a CLR, a JWT...
    for workers in (["--workers", "2"], []):  # [] picks one worker per core
        other = _credmatch(*base, *workers, *files, env=env)
        assert (other.returncode, other.stdout) == (one.returncode, one.stdout), workers
    bad = _credmatch(*base, "--workers", "0", files[0], env=env)
    assert bad.returncode == 2 and "--workers" in bad.stderr

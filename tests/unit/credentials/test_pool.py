"""Verifying in worker processes gives the same reports, in the same order, as in-process."""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credmatch.credentials import pool, signing
from credmatch.credentials.cli import run_verify
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.model import Report
from credmatch.credentials.pool import verify_files
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.services.credentials import verify_paths

from .helpers import badge, did_key_signed, seed_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)
CRASH_HOST = "crash.example"
RAISE_HOST = "raise.example"


class TrapStore(DocumentStore):
    """A store whose worker dies (or raises) when asked for a did:web document of a trap host."""

    def load(self, url: str) -> dict[str, Any]:
        if CRASH_HOST in url:
            os._exit(70)  # a worker process dying mid-record, like a native crash or OOM kill
        if RAISE_HOST in url:
            raise RuntimeError(f"bug while loading {url}")
        return super().load(url)


@pytest.fixture(scope="module")
def signed() -> dict[str, dict[str, Any]]:
    key = seed_key(30)
    did = signing.did_key(key.public_key())
    store = DocumentStore([])
    return {
        suite: did_key_signed(badge(did), key, suite, store)
        for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022")
    }


def _trap(credential: dict[str, Any], host: str) -> dict[str, Any]:
    doc = copy.deepcopy(credential)
    doc["proof"]["verificationMethod"] = f"did:web:{host}#key-1"
    return doc


@pytest.fixture(scope="module")
def files(
    signed: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """Many records of every kind: valid, tampered, unreadable, not JSON, JSON Lines, a JWT."""
    directory = tmp_path_factory.mktemp("pool")
    jcs, rdfc = signed["eddsa-jcs-2022"], signed["eddsa-rdfc-2022"]
    tampered = copy.deepcopy(jcs)
    tampered["name"] = "Master Welder"
    paths = []
    for n in range(40):
        doc = copy.deepcopy((jcs, rdfc, tampered)[n % 3])
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"  # reports differ in order
        path = directory / f"cred-{n:03d}.json"
        path.write_text(json.dumps(doc))
        paths.append(path)
    lines = [json.dumps(d) for d in (jcs, rdfc, tampered)] * 30
    lines[7] = "   "  # blank lines are skipped, numbering is kept
    lines[8] = "{not json"
    (directory / "batch.jsonl").write_text("\n".join(lines) + "\n")
    (directory / "bad.json").write_bytes(b"\xff\xfe not utf-8")
    (directory / "other.json").write_text('{"hello": 1}')
    key = seed_key(31)
    kid = signing.did_key_verification_method(signing.did_key(key.public_key()))
    (directory / "one.jwt").write_text(signing.sign_vc_jwt(badge(kid.split("#")[0]), key, kid))
    return [
        *paths[:20],
        directory / "batch.jsonl",
        directory / "missing.json",
        directory / "bad.json",
        directory / "one.jwt",
        directory / "other.json",
        *paths[20:],
    ]


def _verifier(store: DocumentStore | None = None) -> Verifier:
    return Verifier(VerifyOptions(store or DocumentStore([]), TrustRegistry.empty(), now=NOW))


def _json(reports: Iterator[Report] | list[Report]) -> list[dict[str, Any]]:
    return [r.to_json() for r in reports]


def test_two_workers_give_the_in_process_reports_in_order(files: list[Path]) -> None:
    expected = [r for path in files for r in _verifier().verify_file(path)]
    assert len(expected) > 4 * pool.CHUNK_RECORDS
    assert {r.checks[0].name for r in expected} == {"proof", "format"}
    assert any(r.valid for r in expected) and not all(r.valid for r in expected)
    for workers in (1, 2, 3):
        assert list(verify_files(_verifier(), files, workers)) == expected, workers
    assert _json(verify_files(_verifier(), files, 2)) == _json(expected)


def test_run_verify_output_is_byte_identical_with_any_number_of_workers(files: list[Path]) -> None:
    outputs = []
    for workers in (1, 2, None):
        out = io.StringIO()
        code = run_verify(files, [], None, NOW, False, out, workers)
        outputs.append((code, out.getvalue()))
    assert outputs[0][0] == 1
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]
    sources = [json.loads(line)["source"] for line in outputs[0][1].splitlines()]
    assert sources[20:23] == [f"{files[20]}:1", f"{files[20]}:2", f"{files[20]}:3"]
    assert f"{files[20]}:8" not in sources and f"{files[20]}:9" in sources


def test_verify_paths_walks_directories_in_the_same_order(files: list[Path]) -> None:
    directory = files[0].parent
    in_process = _json(verify_paths(_verifier(), [directory]))
    assert _json(verify_paths(_verifier(), [directory], workers=2)) == in_process


def test_a_worker_crash_fails_only_its_record(
    signed: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    jcs = signed["eddsa-jcs-2022"]
    lines = [json.dumps(jcs)] * 70
    lines[5] = json.dumps(_trap(jcs, CRASH_HOST))
    lines[40] = json.dumps(_trap(jcs, CRASH_HOST))
    (tmp_path / "creds.jsonl").write_text("\n".join(lines))
    reports = list(verify_files(_verifier(TrapStore([])), [tmp_path / "creds.jsonl"], 2))
    assert [r.source for r in reports] == [f"{tmp_path}/creds.jsonl:{n}" for n in range(1, 71)]
    crashed = [n for n, r in enumerate(reports) if not r.valid]
    assert crashed == [5, 40]
    for n in crashed:
        check = reports[n].checks[0]
        assert (check.name, check.ok) == ("format", False)
        assert "crashed its worker process" in check.detail
    others = [r for n, r in enumerate(reports) if n not in crashed]
    assert all(r.valid and r.checks[0].name == "proof" for r in others)


def test_an_exception_in_a_worker_surfaces_in_order_like_in_process(
    signed: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    jcs = signed["eddsa-jcs-2022"]
    lines = [json.dumps(jcs)] * 70
    lines[50] = json.dumps(_trap(jcs, RAISE_HOST))
    (tmp_path / "creds.jsonl").write_text("\n".join(lines))
    for workers in (1, 2):
        seen: list[Report] = []
        with pytest.raises(RuntimeError, match="bug while loading"):
            for report in verify_files(
                _verifier(TrapStore([])), [tmp_path / "creds.jsonl"], workers
            ):
                seen.append(report)
        assert len(seen) == 50 and all(r.valid for r in seen), workers


def test_automatic_workers(files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    real = pool._PoolRun

    def spy(verifier: Verifier, workers: int) -> Any:
        started.append(workers)
        return real(verifier, workers)

    monkeypatch.setattr(pool, "_PoolRun", spy)
    monkeypatch.setattr(pool, "available_cores", lambda: 2)
    monkeypatch.setattr(pool, "AUTO_MIN_RECORDS", 64)
    few = files[:3]
    assert list(verify_files(_verifier(), few, None)) == list(verify_files(_verifier(), few, 1))
    assert started == []  # a handful of records: not worth starting processes
    expected = list(verify_files(_verifier(), files, 1))
    assert list(verify_files(_verifier(), files, None)) == expected
    assert started == [2]
    fetching = DocumentStore([], fetch_enabled=True)
    assert list(verify_files(_verifier(fetching), files, 4)) == expected
    assert started == [2]  # fetching documents stays in one process (one writer of the cache)


KILLED_RUN = """
import json, sys
from pathlib import Path
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.pool import verify_files
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

if __name__ == "__main__":
    verifier = Verifier(VerifyOptions(DocumentStore([]), TrustRegistry.empty()))
    for n, report in enumerate(verify_files(verifier, [Path(sys.argv[1])], 2)):
        if n == 100:
            print("verifying", flush=True)
            sys.stdin.read()  # until the test kills this process
"""


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_workers_exit_when_the_caller_is_killed(
    signed: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    (tmp_path / "creds.jsonl").write_text((json.dumps(signed["eddsa-jcs-2022"]) + "\n") * 2000)
    (tmp_path / "run.py").write_text(KILLED_RUN)
    src = Path(pool.__file__).parents[2]
    # The tmp path is on the workers' sys.path, hence in their command lines.
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{src}"}
    with subprocess.Popen(
        [sys.executable, str(tmp_path / "run.py"), str(tmp_path / "creds.jsonl")],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline() == b"verifying\n"
            assert _processes_mentioning(str(tmp_path)) != []  # the workers are running
        finally:
            proc.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 20
    while _processes_mentioning(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(tmp_path)) == []


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if text.encode() in cmdline:
                found.append(int(entry.name))
    return found

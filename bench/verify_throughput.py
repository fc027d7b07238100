"""Verification throughput: sign N credentials per suite with signing.py, then verify them.

Usage: python bench/verify_throughput.py [--n 500] [--contexts DIR] [--processes 2]
                                         [--repeat 3] [--jsonl-copies 5] [--suite S ...]

Suites (all but the P-384 ones by default, side by side in one run): eddsa-rdfc-2022,
eddsa-jcs-2022 (Ed25519), ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256), and
ecdsa-rdfc-2019:P-384, ecdsa-jcs-2019:P-384. Each suite signs its own N credentials.

Reports credentials/s per suite:

- ``1_process_per_s`` / ``N_process_per_s``: parsed credentials verified by one warm
  ``Verifier``, and by a warm process pool of N (the verifier's own throughput);
- ``1_process_per_cpu_s`` / ``N_process_per_cpu_s``: the same per CPU-second the verifying
  processes used (what an idle core does; on a shared machine the wall-clock rates above
  depend on the other work, these much less);
- ``jsonl_1_worker_per_s`` / ``jsonl_N_workers_per_s``: what ``credmatch verify`` and
  ``credmatch ingest credentials`` do with ``--workers``: ``credentials.pool.verify_files`` over a
  JSON Lines file of the N credentials repeated ``--jsonl-copies`` times, reports in order,
  end to end (reading, parsing, starting and warming the workers).

Each rate is the best of ``--repeat`` runs (all runs are listed under ``runs``); the load
average before and after is printed, since other work on the machine changes the numbers.
Contexts come from the installed packages plus --contexts (e.g. the 1EdTech contexts directory).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.pool import verify_files
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019")
MORE_SUITES = ("ecdsa-rdfc-2019:P-384", "ecdsa-jcs-2019:P-384")
_verifier: Verifier | None = None


def _signing_key(suite: str) -> signing.DataIntegrityKey:
    if suite.startswith("ecdsa-"):
        curve = ec.SECP384R1() if suite.endswith(":P-384") else ec.SECP256R1()
        return ec.derive_private_key(0x5EED, curve)
    return signing.keypair_from_seed(bytes(range(32)))


def make_credentials(n: int, suite: str, store: DocumentStore) -> list[dict[str, Any]]:
    """``n`` badges signed with ``suite`` (``name`` or ``name:P-384``) by a did:key."""
    key = _signing_key(suite)
    suite = suite.split(":", 1)[0]
    did = signing.did_key(key.public_key())
    vm = signing.did_key_verification_method(did)
    return [
        signing.sign_data_integrity(_badge(did, i), key, vm, suite, "2024-01-01T00:00:00Z", store)
        for i in range(n)
    ]


def _badge(issuer: str, i: int) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Bench University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": f"Badge {i}",
        "credentialSubject": {
            "id": f"did:example:learner{i}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://bench.example/achievements/{i % 50}",
                "type": ["Achievement"],
                "name": f"Skill {i % 50}",
                "description": "Demonstrated the skill in a supervised project.",
                "criteria": {"narrative": "Completed the project."},
            },
        },
    }


def _new_verifier(dirs: list[str]) -> Verifier:
    store = DocumentStore([Path(d) for d in dirs])
    return Verifier(VerifyOptions(store, TrustRegistry.empty(), now=datetime.now(UTC)))


def _init(dirs: list[str]) -> None:
    global _verifier
    _verifier = _new_verifier(dirs)


def _verify_batch(batch: list[dict[str, Any]]) -> int:
    assert _verifier is not None
    return sum(r.valid for doc in batch for r in _verifier.verify(doc, "bench"))


def _verify_batch_timed(batch: list[dict[str, Any]]) -> tuple[int, float]:
    """Valid credentials in ``batch`` and the CPU seconds this process spent on them."""
    start = time.process_time()
    valid = _verify_batch(batch)
    return valid, time.process_time() - start


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds else float("inf")


def _in_memory(creds: list[dict[str, Any]], dirs: list[str], processes: int) -> dict[str, float]:
    n = len(creds)
    _init(dirs)
    _verify_batch(creds[:5])  # warm the context cache, as a long-running verifier would be
    start = time.perf_counter()
    valid, single_cpu = _verify_batch_timed(creds)
    single = time.perf_counter() - start
    assert valid == n, f"only {valid}/{n} verified"
    chunks = [creds[i :: processes * 4] for i in range(processes * 4)]
    with ProcessPoolExecutor(processes, initializer=_init, initargs=(dirs,)) as pool:
        list(pool.map(_verify_batch, [creds[:5]] * processes))
        start = time.perf_counter()
        done = list(pool.map(_verify_batch_timed, chunks))
        pooled = time.perf_counter() - start
    assert sum(valid for valid, _ in done) == n
    return {
        "1_process_per_s": _rate(n, single),
        f"{processes}_process_per_s": _rate(n, pooled),
        # Credentials per CPU-second: what one otherwise idle core would do.
        "1_process_per_cpu_s": _rate(n, single_cpu),
        f"{processes}_process_per_cpu_s": _rate(n, sum(cpu for _, cpu in done)),
    }


def _jsonl(path: Path, n: int, dirs: list[str], workers: int) -> float:
    start = time.perf_counter()
    valid = sum(r.valid for r in verify_files(_new_verifier(dirs), [path], workers))
    seconds = time.perf_counter() - start
    assert valid == n, f"only {valid}/{n} verified"
    return _rate(n, seconds)


def run(
    n: int,
    dirs: list[str],
    processes: int,
    repeat: int,
    copies: int,
    suites: tuple[str, ...] = SUITES,
) -> dict[str, Any]:
    store = DocumentStore([Path(d) for d in dirs])
    results: dict[str, Any] = {
        "n": n,
        "processes": processes,
        "jsonl_lines": n * copies,
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    for suite in suites:
        creds = make_credentials(n, suite, store)
        runs: dict[str, list[float]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "creds.jsonl"
            path.write_text("".join(json.dumps(c) + "\n" for c in creds) * copies)
            for _ in range(repeat):
                for name, rate in _in_memory(creds, dirs, processes).items():
                    runs.setdefault(name, []).append(rate)
                for workers in (1, processes):
                    name = f"jsonl_{workers}_worker{'s' if workers > 1 else ''}_per_s"
                    runs.setdefault(name, []).append(_jsonl(path, n * copies, dirs, workers))
        results[suite] = {name: max(rates) for name, rates in runs.items()}
        results[suite]["runs"] = runs
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--contexts", action="append", default=[])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument(
        "--jsonl-copies", type=int, default=5, help="times the N credentials fill the .jsonl file"
    )
    parser.add_argument(
        "--suite",
        action="append",
        choices=SUITES + MORE_SUITES,
        help="suite to measure (repeatable; default: the four P-256 / Ed25519 suites)",
    )
    args = parser.parse_args()
    suites = tuple(args.suite) if args.suite else SUITES
    result = run(args.n, args.contexts, args.processes, args.repeat, args.jsonl_copies, suites)
    text = json.dumps(result, indent=2)
    # Lists of numbers on one line each.
    print(re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: f"[{' '.join(m.group(1).split())}]", text))


if __name__ == "__main__":
    main()

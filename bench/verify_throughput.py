"""Verification throughput: sign N credentials per suite with signing.py, then verify them.

Usage: python bench/verify_throughput.py [--n 500] [--contexts DIR] [--processes 2]

Reports credentials/s per suite in one process and in a process pool. Contexts come
from the installed packages plus --contexts (e.g. the 1EdTech contexts directory).
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
_verifier: Verifier | None = None


def make_credentials(n: int, suite: str, store: DocumentStore) -> list[dict[str, Any]]:
    key = signing.keypair_from_seed(bytes(range(32)))
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


def _init(dirs: list[str]) -> None:
    global _verifier
    store = DocumentStore([Path(d) for d in dirs])
    _verifier = Verifier(VerifyOptions(store, TrustRegistry.empty(), now=datetime.now(UTC)))


def _verify_batch(batch: list[dict[str, Any]]) -> int:
    assert _verifier is not None
    return sum(r.valid for doc in batch for r in _verifier.verify(doc, "bench"))


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def run(n: int, dirs: list[str], processes: int) -> dict[str, Any]:
    store = DocumentStore([Path(d) for d in dirs])
    results: dict[str, Any] = {"n": n, "processes": processes}
    for suite in SUITES:
        creds = make_credentials(n, suite, store)
        _init(dirs)
        _verify_batch(creds[:5])  # warm the context cache, as a long-running verifier would be
        start = time.perf_counter()
        valid = _verify_batch(creds)
        single = time.perf_counter() - start
        assert valid == n, f"{suite}: only {valid}/{n} verified"
        chunks = [creds[i :: processes * 4] for i in range(processes * 4)]
        with ProcessPoolExecutor(processes, initializer=_init, initargs=(dirs,)) as pool:
            list(pool.map(_verify_batch, [creds[:5]] * processes))
            start = time.perf_counter()
            pooled_valid = sum(pool.map(_verify_batch, chunks))
            pooled = time.perf_counter() - start
        assert pooled_valid == n
        results[suite] = {
            "1_process_per_s": round(_rate(n, single), 1),
            f"{processes}_process_per_s": round(_rate(n, pooled), 1),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--contexts", action="append", default=[])
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(run(args.n, args.contexts, args.processes), indent=2))


if __name__ == "__main__":
    main()

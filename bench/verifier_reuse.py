"""What building the API's verifier once per process saves: one seed credential verified
through a verifier built for the call (what every API request did before) and through one
shared verifier (``Container.verifier()`` now), side by side in one run.

Usage: python bench/verifier_reuse.py [--n 30]

Prints milliseconds per verification (median of --n) for each, CPU seconds, and the load
average before and after (other work on the machine changes the numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

SEED = Path(__file__).resolve().parents[1] / "graph_seed"


def _verifier() -> Verifier:
    store = DocumentStore([SEED / "documents"])
    return Verifier(
        VerifyOptions(documents=store, trust=TrustRegistry.from_file(SEED / "trust.json"))
    )


def _one_per_suite(verifier: Verifier) -> dict[str, dict[str, object]]:
    """The first valid seed credential of each proof suite (JSON Lines files, in name order)."""
    found: dict[str, dict[str, object]] = {}
    for path in sorted((SEED / "credentials").glob("*.jsonl")):
        for line in path.read_text().splitlines()[:50]:
            doc = json.loads(line)
            report = verifier.verify(doc, "scan")[0]
            if report.valid and report.credential is not None:
                found.setdefault(report.credential.proof_suite, doc)
    return found


def _ms_per_call(n: int, shared: bool, credential: dict[str, object]) -> tuple[float, float]:
    verifier = _verifier()
    verifier.verify(credential, "warm-up")  # both start after imports and one verification
    times = []
    cpu = time.process_time()
    for _ in range(n):
        start = time.perf_counter()
        (verifier if shared else _verifier()).verify(credential, "bench")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    print("load average before:", os.getloadavg())
    for suite, credential in sorted(_one_per_suite(_verifier()).items()):
        for label, shared in (("verifier built per call", False), ("one shared verifier", True)):
            ms, cpu = _ms_per_call(args.n, shared, credential)
            print(
                f"{suite}, {label}: {ms:.1f} ms per verification (median of {args.n}), "
                f"{cpu:.2f} CPU s"
            )
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()

"""Presentation verification throughput: N holders each present 10 credentials.

Usage: python bench/presentation_throughput.py [--n 200] [--per 10] [--processes 2]
                                               [--repeat 3]

For each way of signing the presentation (eddsa-jcs-2022, eddsa-rdfc-2022, VP-JWT EdDSA),
with eddsa-jcs-2022 credentials inside (the seed's most common suite) and, for the JCS
presentation, also eddsa-rdfc-2022 credentials: presentations verified per second by one warm
``PresentationVerifier`` and by a warm pool of ``--processes`` processes. A verified
presentation means its holder proof, challenge and domain, plus every enclosed credential's
six checks and holder binding (what ``submitPresentation`` does before it loads anything).
Each rate is the best of ``--repeat`` runs; the load average before and after is printed. The
``*_per_cpu_s`` rates divide by the CPU time the verifying processes used: on a shared machine
the wall-clock rates depend on the other work, these much less (what ``--processes`` idle cores
would do is about that many times the per-CPU-second rate).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.presentation import PresentationLimits, PresentationVerifier
from credmatch.credentials.presenting import presentation, sign_presentation, sign_vp_jwt
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

DOMAIN = "credmatch.local"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CASES = (  # (presentation proof, credential suite)
    ("eddsa-jcs-2022", "eddsa-jcs-2022"),
    ("eddsa-rdfc-2022", "eddsa-jcs-2022"),
    ("jwt", "eddsa-jcs-2022"),
    ("eddsa-jcs-2022", "eddsa-rdfc-2022"),
)
_checker: PresentationVerifier | None = None


def make_presentations(n: int, per: int, proof: str, suite: str) -> list[Any]:
    store = DocumentStore()
    issuer_key = signing.keypair_from_seed(bytes(range(32)))
    issuer = signing.did_key(issuer_key.public_key())
    issuer_vm = signing.did_key_verification_method(issuer)
    out: list[Any] = []
    for h in range(n):
        key = signing.keypair_from_seed(h.to_bytes(4, "big") * 8)
        holder = signing.did_key(key.public_key())
        vm = signing.did_key_verification_method(holder)
        creds = [
            signing.sign_data_integrity(
                _badge(issuer, holder, h * per + i), issuer_key, issuer_vm, suite,
                "2024-01-01T00:00:00Z", store,
            )
            for i in range(per)
        ]  # fmt: skip
        vp = presentation(holder, creds)
        challenge = f"challenge-{h}"
        if proof == "jwt":
            out.append(sign_vp_jwt(vp, key, vm, challenge=challenge, domain=DOMAIN))
        else:
            out.append(
                sign_presentation(vp, key, vm, challenge=challenge, domain=DOMAIN, suite=proof)
            )
    return out


def _badge(issuer: str, holder: str, i: int) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", OB3],
        "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Bench University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": f"Badge {i}",
        "credentialSubject": {
            "id": holder,
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


def _init() -> None:
    global _checker
    verifier = Verifier(
        VerifyOptions(DocumentStore(), TrustRegistry.empty(), now=datetime.now(UTC))
    )
    _checker = PresentationVerifier(verifier, PresentationLimits(max_bytes=10_000_000))


def _verify(batch: list[Any]) -> int:
    assert _checker is not None
    ok = 0
    for n, vp in enumerate(batch):
        result = _checker.verify(vp, DOMAIN, None)
        ok += result.valid and all(r.valid for r in result.reports) and len(result.reports) > 0
        assert result.challenge is not None, (n, result.checks)
    return ok


def _verify_timed(batch: list[Any]) -> tuple[int, float]:
    """Verified presentations in ``batch`` and the CPU seconds this process spent on them."""
    start = time.process_time()
    ok = _verify(batch)
    return ok, time.process_time() - start


def measure(vps: list[Any], processes: int, repeat: int) -> dict[str, Any]:
    _init()
    _verify(vps[:3])  # warm the context cache, as a running API worker would be
    singles, pools, single_cpu, pool_cpu = [], [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        ok, cpu = _verify_timed(vps)
        assert ok == len(vps)
        singles.append(len(vps) / (time.perf_counter() - start))
        single_cpu.append(len(vps) / cpu)
    chunks = [vps[i :: processes * 4] for i in range(processes * 4)]
    with ProcessPoolExecutor(processes, initializer=_init) as pool:
        list(pool.map(_verify, [vps[:3]] * processes))
        for _ in range(repeat):
            start = time.perf_counter()
            done = list(pool.map(_verify_timed, chunks))
            assert sum(ok for ok, _ in done) == len(vps)
            pools.append(len(vps) / (time.perf_counter() - start))
            pool_cpu.append(len(vps) / sum(cpu for _, cpu in done))
    return {
        "1_process_per_s": round(max(singles), 1),
        f"{processes}_process_per_s": round(max(pools), 1),
        "1_process_per_cpu_s": round(max(single_cpu), 1),
        f"{processes}_process_per_cpu_s": round(max(pool_cpu), 1),
        "runs": {"1": [round(x, 1) for x in singles], str(processes): [round(x, 1) for x in pools]},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--per", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps({"loadavg_before": os.getloadavg(), "cpus": os.cpu_count()}))
    for proof, suite in CASES:
        vps = make_presentations(args.n, args.per, proof, suite)
        result = measure(vps, args.processes, args.repeat)
        row = {"presentation": proof, "credentials": suite, "per_presentation": args.per}
        print(json.dumps({**row, "n": args.n, **result}))
    print(json.dumps({"loadavg_after": os.getloadavg()}))


if __name__ == "__main__":
    main()

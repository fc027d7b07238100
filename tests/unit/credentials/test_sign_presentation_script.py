"""scripts/sign_presentation.py as a learner runs it: make a key, sign credential files over a
challenge; the verifier accepts what it prints."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.holders import SEED, reissuable, reissue

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.presentation import PresentationVerifier
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "sign_presentation.py"


def run(*args: str | Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout


@pytest.mark.parametrize("mode", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "jwt"])
def test_the_script_signs_what_the_verifier_accepts(tmp_path: Path, mode: str) -> None:
    key = tmp_path / "me.hex"
    did = run("new-key", key).strip()
    assert did.startswith("did:key:z6Mk")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with pytest.raises(subprocess.CalledProcessError):
        run("new-key", key)  # never overwrites a key
    mine = [reissue(c, did, f"script-{mode}-{n}") for n, c in enumerate(reissuable(2))]
    (tmp_path / "a.json").write_text(json.dumps(mine[0]))
    (tmp_path / "b.jsonl").write_text(json.dumps(mine[1]) + "\n")
    flags = ["--jwt"] if mode == "jwt" else ["--suite", mode]
    out = run("sign", "--key", key, "--challenge", "ch-1", *flags,
              tmp_path / "a.json", tmp_path / "b.jsonl")  # fmt: skip
    vp = json.loads(out)
    verifier = PresentationVerifier(
        Verifier(
            VerifyOptions(
                documents=DocumentStore([SEED / "documents"]),
                trust=TrustRegistry.from_file(SEED / "trust.json"),
            )
        )
    )
    result = verifier.verify(vp, "credmatch.local", "ch-1")
    assert result.valid and result.holder == did, result.checks
    assert [r.valid for r in result.reports] == [True, True]
    assert not verifier.verify(vp, "credmatch.local", "ch-2").valid

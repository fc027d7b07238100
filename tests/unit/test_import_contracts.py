"""The layers' import rules (pyproject.toml, [tool.importlinter]) hold: `make lint` runs the
same contracts, and this test makes the README's test command (CI) enforce them too.

import-linter runs in a child process: its CLI configures logging with dictConfig, which
would disable every logger this test process already holds (and the log tests after it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports({!r}, no_cache=True))"
)


def _lint(config: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", RUN.format(str(config))],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=300,
        check=False,
    )


def test_import_contracts_are_kept() -> None:
    result = _lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_is_reported(tmp_path: Path) -> None:
    # The check can fail: a contract that the code breaks (domain imports errors) is reported.
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "credmatch"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "domain imports nothing"\ntype = "forbidden"\n'
        'source_modules = ["credmatch.domain"]\nforbidden_modules = ["credmatch.errors"]\n'
    )
    result = _lint(config)
    assert result.returncode == 1 and "credmatch.domain" in result.stdout, result.stdout

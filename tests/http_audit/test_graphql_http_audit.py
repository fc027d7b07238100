"""The graphql-http GraphQL-over-HTTP audit suite (npm ``graphql-http``, ``serverAudits``)
against the real app under uvicorn and a real Neo4j, with an API key: 0 errors, 0 warnings.

The npm packages (pinned by package-lock.json) are installed with ``npm ci`` into a cache
folder keyed by the lock file's hash (``~/.cache/credmatch/http-audit``, or
``$CREDMATCH_HTTP_AUDIT_CACHE``); npm's own cache (``~/.npm``) makes later installs offline.
Skips only where ``node`` or ``npm`` is absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from credmatch.config import Settings
from credmatch.domain.principal import Role
from tests.conftest import issue_key
from tests.support.serve import serving

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

HERE = Path(__file__).parent
FILES = ("package.json", "package-lock.json", "audit.mjs")


def _cache_root() -> Path:
    configured = os.environ.get("CREDMATCH_HTTP_AUDIT_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "credmatch" / "http-audit"


def installed_audit() -> Path:
    """A folder holding audit.mjs and its node_modules, installed once per lock file."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("needs node and npm (the graphql-http audit suite is an npm package)")
    digest = hashlib.sha256(b"".join((HERE / f).read_bytes() for f in FILES)).hexdigest()[:16]
    folder = _cache_root() / digest
    if not (folder / "node_modules" / "graphql-http" / "package.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copy(HERE / name, folder / name)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return folder


def run_audits(folder: Path, url: str, key: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(folder / "audit.mjs"), url],
        env={**os.environ, "CREDMATCH_AUDIT_KEY": key},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_the_graphql_http_audits_pass_with_a_key(neo4j_settings: Settings) -> None:
    folder = installed_audit()
    key = issue_key(neo4j_settings, Role.RECRUITER)
    # The suite sends ~60 requests back to back with one key: above the default rate limit.
    settings = neo4j_settings.model_copy(
        update={"rate_limit_per_s": 1000.0, "rate_limit_burst": 1000}
    )
    with serving(settings) as base_url:
        results = run_audits(folder, f"{base_url}/graphql", key)
    for r in results:
        print(
            f"{r['status']:6} {r['id']} {r['name']}"
            + (f" -- {r['reason']}" if "reason" in r else "")
        )
    by_status = {s: [r for r in results if r["status"] == s] for s in ("error", "warn", "notice")}
    print(
        f"{len(results)} audits: {len(results) - sum(map(len, by_status.values()))} ok, "
        f"{len(by_status['error'])} errors, {len(by_status['warn'])} warnings, "
        f"{len(by_status['notice'])} notices"
    )
    assert len(results) > 50  # the whole suite ran
    assert by_status["error"] == []
    assert by_status["warn"] == []

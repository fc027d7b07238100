"""run_verify prints one JSON object per credential and exits 0 only when all are valid."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from credmatch.credentials.cli import run_verify
from credmatch.credentials.documents import DocumentStore

from .helpers import badge, did_key_signed, seed_key


def _run(
    files: list[Path], documents: list[Path], trust: Path | None = None, strict: bool = False
) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = run_verify(files, documents, trust, datetime(2025, 1, 1, tzinfo=UTC), strict, out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_valid_jsonl_and_trust(tmp_path: Path, contexts_dir: Path) -> None:
    from credmatch.credentials import signing

    key = seed_key(20)
    did = signing.did_key(key.public_key())
    store = DocumentStore([contexts_dir])
    lines = [
        json.dumps(did_key_signed(badge(did), key, s, store))
        for s in ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    ]
    (tmp_path / "creds.jsonl").write_text("\n".join(lines) + "\n")
    code, reports = _run([tmp_path / "creds.jsonl"], [contexts_dir])
    assert code == 0 and [r["source"] for r in reports] == [
        f"{tmp_path}/creds.jsonl:1",
        f"{tmp_path}/creds.jsonl:2",
    ]
    assert [c["name"] for c in reports[0]["checks"]] == [
        "proof",
        "key_binding",
        "context",
        "validity_period",
        "status",
        "issuer",
        "schema",
    ]
    assert set(reports[0]) == {"source", "id", "valid", "kind", "checks"}
    assert reports[0]["kind"] == "achievement"
    assert _run([tmp_path / "creds.jsonl"], [contexts_dir], strict=True)[0] == 1
    registry = tmp_path / "trust.json"
    registry.write_text(json.dumps({"issuers": [{"id": did, "name": "Seed U"}]}))
    code, reports = _run([tmp_path / "creds.jsonl"], [contexts_dir], trust=registry)
    assert code == 0 and reports[0]["checks"][5] == {
        **reports[0]["checks"][5],
        "name": "issuer",
        "ok": True,
    }


def test_not_a_credential_gets_a_format_report(tmp_path: Path, contexts_dir: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"hello": 1}')
    code, reports = _run([tmp_path / "bad.json", tmp_path / "other.json"], [contexts_dir])
    assert code == 1
    assert [r["checks"][0]["name"] for r in reports] == ["format", "format"]
    assert "not valid JSON" in reports[0]["checks"][0]["detail"] and reports[0]["valid"] is False
    assert "@context and type" in reports[1]["checks"][0]["detail"]


def test_fixture_file_exit_code(shared: Path, fixture_store_dir: Path, contexts_dir: Path) -> None:
    assert _run([shared / "1edtech/ob30/simple.json"], [fixture_store_dir, contexts_dir])[0] == 0
    assert (
        _run([shared / "1edtech/ob30/simple-err-expired.json"], [fixture_store_dir, contexts_dir])[
            0
        ]
        == 1
    )

"""``credmatch verify``: one JSON report per credential per line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TextIO

from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.pool import verify_files
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions


def run_verify(
    files: list[Path],
    documents: list[Path],
    trust: Path | None,
    now: datetime | None,
    strict: bool,
    out: TextIO,
    workers: int | None = 1,
) -> int:
    """Verify ``files`` and print one JSON line per credential; 0 when all are valid, else 1.

    ``workers``: processes to verify in (1: this one; None: one per core when there are many
    records); the output is the same, in the same order, whatever the number.
    Raises ConfigError for an unreadable trust registry or a missing store directory
    (the CLI layer turns that into exit code 2).
    """
    registry = TrustRegistry.from_file(trust) if trust is not None else TrustRegistry.empty()
    verifier = Verifier(VerifyOptions(DocumentStore(documents), registry, now=now, strict=strict))
    all_valid = True
    for report in verify_files(verifier, [Path(path) for path in files], workers):
        all_valid = all_valid and report.valid
        out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    return 0 if all_valid else 1

"""``python -m credmatch.seed [--esco DIR] [--out DIR]``: regenerate graph_seed/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from credmatch.errors import CredmatchError


def repo_root() -> Path:
    # src/credmatch/seed/__main__.py -> the repository root is three levels above src/.
    return Path(__file__).resolve().parents[3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credmatch.seed", description=__doc__)
    parser.add_argument(
        "--esco",
        type=Path,
        default=repo_root().parent / "shared" / "data" / "esco",
        help="folder with the full ESCO CSVs (default: ../shared/data/esco)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=repo_root() / "graph_seed",
        help="output folder (default: graph_seed at the repository root)",
    )
    parser.add_argument(
        "--contexts",
        type=Path,
        default=None,
        help="document-store folder with the OB 3.0 / CLR 2.0 JSON-LD contexts",
    )
    args = parser.parse_args(argv)
    from credmatch.seed.generate import generate

    try:
        summary = generate(args.out, args.esco, args.contexts)
    except CredmatchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(
        f"wrote {summary.out_dir}: {summary.achievements} achievements, "
        f"{summary.learners} learners, "
        f"{summary.credentials} credentials ({summary.clrs} CLRs), {summary.postings} postings, "
        f"{summary.skills} ESCO skills in {summary.seconds:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

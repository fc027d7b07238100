"""``credmatch verify|ingest|taxonomy|seed|link|link-skills|reembed``: data in and out."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from credmatch.bootstrap import Container
from credmatch.cli.runner import progress_bar, with_graph
from credmatch.config import load_settings
from credmatch.errors import InputError

Subparsers = Any


def register(commands: Subparsers) -> None:
    verify = commands.add_parser("verify", help="verify credentials; one JSON line each")
    _verification_options(verify)
    verify.add_argument("--now", help="judge validity at this ISO 8601 instant")
    verify.add_argument(
        "--strict", action="store_true", help="status and issuer must be positively checked too"
    )
    verify.add_argument("files", nargs="+", type=Path, metavar="FILE")
    verify.set_defaults(handler=_verify)

    ingest = commands.add_parser("ingest", help="load credentials or job postings")
    kinds = ingest.add_subparsers(dest="kind", required=True, metavar="KIND")
    creds = kinds.add_parser("credentials", help="verify and load credentials")
    _verification_options(creds)
    creds.add_argument("--report", type=Path, help="write the JSON report of rejects here")
    creds.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    creds.set_defaults(handler=_ingest_credentials)
    posts = kinds.add_parser("postings", help="load JobPosting JSON-LD, text or Markdown")
    posts.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    posts.add_argument(
        "--org",
        metavar="ORG_ID",
        default="default",
        help="the organisation that owns the postings (default: 'default'; created on first use)",
    )
    posts.set_defaults(handler=_ingest_postings)

    taxonomy = commands.add_parser("taxonomy", help="import a skills framework")
    taxonomy.add_argument("action", choices=("import",))
    taxonomy.add_argument("framework", help="esco or custom")
    taxonomy.add_argument("path", type=Path)
    taxonomy.set_defaults(handler=_taxonomy)

    seed = commands.add_parser("seed", help="generate or load the demo seed graph")
    seed.add_argument("action", choices=("generate", "load"))
    seed.add_argument("--dir", type=Path, help="seed folder (default CREDMATCH_SEED_DIR)")
    seed.add_argument(
        "--esco",
        type=Path,
        default=Path("../shared/data/esco"),
        help="full ESCO CSV folder the seed's slice is cut from (generate)",
    )
    seed.set_defaults(handler=_seed)

    link = commands.add_parser("link", help="embed new nodes and compute missing links")
    link.set_defaults(handler=_link)

    link_skills = commands.add_parser(
        "link-skills", help="read texts on stdin, print the best taxonomy skills as JSON lines"
    )
    link_skills.add_argument("--top", type=int, default=5, metavar="K")
    link_skills.set_defaults(handler=_link_skills)

    reembed = commands.add_parser(
        "reembed", help="re-embed everything with the configured model and rebuild indexes"
    )
    reembed.set_defaults(handler=_reembed)


def _verification_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--documents",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="document store folder with an index.json (repeatable)",
    )
    parser.add_argument("--trust", type=Path, metavar="FILE", help="trust registry JSON")
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes that verify credentials (default: one per CPU core when there are "
        "many credentials, else 1; always 1 when fetching documents); the output is the same",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return value


def _verify(args: argparse.Namespace) -> int:
    from credmatch.credentials.cli import run_verify

    settings = load_settings()
    try:
        now = datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else None
    except ValueError as e:
        raise InputError(f"--now: not an ISO 8601 instant: {args.now!r}") from e
    documents = [*args.documents, *settings.document_dirs]
    return run_verify(
        args.files,
        documents,
        args.trust or settings.trust_registry,
        now,
        args.strict,
        sys.stdout,
        args.workers,
    )


def _ingest_credentials(args: argparse.Namespace) -> int:
    from credmatch.services.credentials import CredentialLoader, verify_paths

    async def run(c: Container) -> int:
        verifier = c.build_verifier(trust=args.trust, documents=args.documents)
        loader = CredentialLoader(c.store, c.settings.ingest_batch_size)
        with progress_bar("verifying and loading") as advance:
            reports = verify_paths(verifier, args.paths, args.workers)
            summary = await loader.load(reports, advance)
        # After a graph failure linking would fail too, and its error would hide the summary.
        if summary.loaded and summary.error is None:
            await _relink(c)
        report = summary.to_json()
        if args.report:
            args.report.write_text(json.dumps(report, indent=2))
        print(
            f"loaded {summary.loaded} ({_counts(summary.by_verdict)}); "
            f"rejected {sum(summary.rejected.values())} ({_counts(summary.rejected)})"
        )
        for reject in summary.rejects[:20]:
            failed = [f"{c['name']}: {c['detail']}" for c in reject["checks"] if c["ok"] is False]
            reason = "; ".join(failed) or f"not loaded: {reject['reason']}"
            print(f"  rejected {reject['source']}: {reason}")
        if summary.error:
            print(f"NOT LOADED {len(summary.not_loaded)} credentials: {summary.error}")
            return 1
        return 0

    return with_graph(run)


def _ingest_postings(args: argparse.Namespace) -> int:
    from credmatch.services.api_keys import check_org_id
    from credmatch.services.postings import load_postings

    org = check_org_id(args.org)

    async def run(c: Container) -> int:
        summary = await load_postings(c.store, args.paths, org)
        await _relink(c)
        print(
            f"loaded {len(summary.loaded)} postings, {summary.unchanged} unchanged, "
            f"{len(summary.errors)} bad"
        )
        for error in summary.errors:
            print(f"  bad posting: {error}")
        return 0 if not summary.errors else 1

    return with_graph(run)


def _taxonomy(args: argparse.Namespace) -> int:
    from credmatch.services.taxonomy import import_taxonomy
    from credmatch.taxonomy import open_source

    async def run(c: Container) -> int:
        source = open_source(args.framework, args.path)
        with progress_bar("importing") as advance:
            summary = await import_taxonomy(c.store, source, progress=lambda kind, n: advance(n))
        print(
            f"imported {summary.skills} skills, {summary.occupations} occupations, "
            f"{summary.relations} relations; {len(summary.row_errors)} bad rows"
        )
        for err in summary.row_errors[:20]:
            print(f"  {err.file}:{err.line}: {err.reason}")
        await _relink(c)
        return 0

    return with_graph(run)


def _seed(args: argparse.Namespace) -> int:
    settings = load_settings()
    seed_dir = args.dir or settings.seed_dir
    if args.action == "generate":
        from credmatch.seed.generate import generate

        summary = generate(seed_dir, args.esco)
        print(
            f"wrote {summary.out_dir}: {summary.credentials} credentials, "
            f"{summary.learners} learners, {summary.postings} postings"
        )
        return 0
    from credmatch.cli.summaries import print_seed_summary
    from credmatch.services.seed import load_seed

    async def run(c: Container) -> int:
        with progress_bar("credentials") as advance:
            summary = await load_seed(c.seed_deps(), seed_dir, progress=advance)
        print_seed_summary(summary)
        return 0

    return with_graph(run, settings)


def _link(args: argparse.Namespace) -> int:
    async def run(c: Container) -> int:
        summary = await _relink(c)
        print(
            f"embedded {summary.embedded} nodes; linked {summary.requirements_linked} "
            f"requirements, {summary.achievements_linked} achievements; "
            f"{summary.skill_links} skill links; {_matches(summary.matches)}"
        )
        return 0

    return with_graph(run)


def _matches(m: Any) -> str:
    expired = f", {m.expired} credentials expired" if m.expired else ""
    return f"match table: {m.jobs} postings and {m.learners} learners refreshed{expired}"


async def _relink(c: Container) -> Any:
    # Embedding a taxonomy's views is the long part (about 125k texts for ESCO): show it.
    with progress_bar("embedding") as advance, c.embedding_progress(advance):
        return await c.relink(refresh_linker=True)


def _link_skills(args: argparse.Namespace) -> int:
    texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]

    async def run(c: Container) -> int:
        linker = await c.skill_linker()
        if linker is None:
            raise InputError("the graph has no skills; run `credmatch taxonomy import esco PATH`")
        results = await asyncio.to_thread(linker.link, texts, args.top)
        for text, matches in zip(texts, results, strict=True):
            print(
                json.dumps(
                    {
                        "text": text,
                        "skills": [
                            {"uri": m.uri, "label": m.label, "score": round(m.score, 4)}
                            for m in matches
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        return 0

    return with_graph(run, schema=False)


def _reembed(args: argparse.Namespace) -> int:
    from credmatch.services.reembed import reembed

    async def run(c: Container) -> int:
        with progress_bar("embedding") as advance, c.embedding_progress(advance):
            summary = await reembed(c.store, c.embedder(), c.links)
        print(
            f"re-embedded {summary.embedded} nodes with {c.embedder().name} "
            f"(dimension {c.embedder().dimension}); relinked"
        )
        return 0

    return with_graph(run, schema=False)


def _counts(counter: Any) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"

"""``credmatch neo4j|init|serve``: run the platform."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from credmatch.bootstrap import Container, bootstrap
from credmatch.cli.runner import ensure_neo4j, progress_bar, with_graph
from credmatch.config import Settings, load_settings
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.graph.schema import SchemaReport, ensure_schema

Subparsers = Any  # argparse's _SubParsersAction is private


def register(commands: Subparsers) -> None:
    neo = commands.add_parser("neo4j", help="start, stop or check the bundled Neo4j server")
    neo.add_argument("action", choices=("start", "stop", "status"))
    neo.set_defaults(handler=_neo4j)

    init = commands.add_parser("init", help="create the graph schema (constraints, indexes)")
    init.set_defaults(handler=_init)

    for name, handler, text in (
        ("serve", _serve, "serve the GraphQL API with uvicorn"),
        ("run", _run, "the main job: start Neo4j, create the schema, load the seed, serve"),
    ):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("--host", help="address to bind (default CREDMATCH_HOST)")
        cmd.add_argument("--port", type=int, help="port to bind (default CREDMATCH_PORT)")
        cmd.set_defaults(handler=handler)


def _neo4j(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.launches_neo4j:
        print(f"NEO4J_URI is set ({settings.neo4j_uri}): using that server, nothing to launch")
        return 0
    launcher = Neo4jLauncher(settings)
    if args.action == "start":
        print(launcher.start())
    elif args.action == "stop":
        print("stopped" if launcher.stop() else "not running")
    else:
        status = launcher.status()
        state = f"running (pid {status.pid})" if status.running else "stopped"
        print(f"{state} {status.uri} home={status.home}")
        return 0 if status.running else 3
    return 0


def init_schema(settings: Settings) -> SchemaReport:
    async def run() -> SchemaReport:
        container = bootstrap(settings)
        try:
            return await ensure_schema(container.store, settings.embedding_dimension)
        finally:
            await container.close()

    return asyncio.run(run())


def _init(args: argparse.Namespace) -> int:
    settings = load_settings()
    ensure_neo4j(settings)
    report = init_schema(settings)
    print(f"schema ready: {len(report.constraints)} constraints, {len(report.indexes)} indexes")
    keys, postings = report.migrated
    if keys or postings:
        print(
            f"moved {keys} API keys and {postings} job postings made before organisations "
            "existed into the organisation 'default'"
        )
    for line in report.indexes:
        print(f"  {line}")
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = _with_seed_verifier(load_settings())
    print(f"Neo4j: {ensure_neo4j(settings)}")
    with_graph(lambda c: _prepare(c, settings), settings)
    return _serve(args, settings)


def _with_seed_verifier(settings: Settings) -> Settings:
    """The main job serves the seed: unless the operator chose a document store or a trust
    registry, the API verifies with the seed's, so credentials the seed's learners present
    again (submitPresentation, ingestCredentials) keep the verdicts they were loaded with."""
    seed = settings.seed_dir
    trust, documents = seed / "trust.json", seed / "documents"
    if settings.documents or settings.trust_registry or not trust.is_file():
        return settings
    print(f"verifier: the seed's trust registry and documents in {seed} (set "
          "CREDMATCH_TRUST_REGISTRY / CREDMATCH_DOCUMENTS to use your own)")  # fmt: skip
    return settings.model_copy(update={"trust_registry": trust, "documents": str(documents)})


async def _prepare(container: Container, settings: Settings) -> None:
    """Load the seed into an empty graph (or finish linking); make the demo keys."""
    from credmatch.cli.summaries import print_seed_summary
    from credmatch.services.demo import ensure_demo_keys, graph_counts
    from credmatch.services.seed import load_seed

    counts = await graph_counts(container.store)
    if counts["postings"] == 0 and counts["learners"] == 0:
        print(f"empty graph: loading the seed from {settings.seed_dir}")
        with progress_bar("credentials") as advance:
            print_seed_summary(
                await load_seed(container.seed_deps(), settings.seed_dir, progress=advance)
            )
    else:
        print("graph already loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        await container.relink()
    keys_file = settings.neo4j_home.parent / "demo-keys.json"
    keys, created = await ensure_demo_keys(container.store, keys_file)
    if created:
        print(f"demo API keys (shown once; also saved, mode 600, in {keys_file}):")
        for role, token in keys.items():
            print(f"  {role:<10} {token}")
    else:
        print(f"demo API keys: see {keys_file} (or `credmatch keys create --role ...`)")


def _serve(args: argparse.Namespace, settings: Settings | None = None) -> int:
    import uvicorn

    from credmatch.server import create_app

    settings = settings or load_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"credmatch API on http://{host}:{port}/graphql (GraphiQL), health at /healthz")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0

"""Load the demo seed (graph_seed/): taxonomy, catalog, credentials, consent, postings, links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from credmatch.credentials.verify import Verifier
from credmatch.errors import ConfigError
from credmatch.graph.store import GraphStore
from credmatch.services.catalog import CatalogSummary, load_catalog, load_learner_profiles
from credmatch.services.credentials import CredentialLoader, IngestSummary, verify_paths
from credmatch.services.linking import LinkSummary
from credmatch.services.postings import PostingSummary, load_postings
from credmatch.services.scheduling import Relinker
from credmatch.services.taxonomy import TaxonomySummary, import_taxonomy
from credmatch.taxonomy import EscoCsvSource

Step = Callable[[str], None]
# The seed's verifier: its own document store and trust registry (seed_dir/documents,
# seed_dir/trust.json) on top of the configured ones; the caller builds it.
VerifierFor = Callable[[Path], Verifier]


@dataclass
class SeedLoadSummary:
    taxonomy: TaxonomySummary
    catalog: CatalogSummary
    credentials: IngestSummary
    learners: int
    postings: PostingSummary
    links: LinkSummary


@dataclass(frozen=True)
class SeedDeps:
    """What loading the seed uses."""

    store: GraphStore
    verifier_for: VerifierFor
    links: Relinker
    batch_size: int


async def load_seed(
    deps: SeedDeps,
    seed_dir: Path,
    step: Step = print,
    progress: Callable[[int], None] | None = None,
) -> SeedLoadSummary:
    if not (seed_dir / "catalog.json").is_file():
        raise ConfigError(
            f"{seed_dir} holds no seed (catalog.json missing); set CREDMATCH_SEED_DIR"
        )
    store = deps.store
    step("importing the ESCO skills slice")
    taxonomy = await import_taxonomy(store, EscoCsvSource(seed_dir / "esco"))
    verifier = deps.verifier_for(seed_dir)
    step("loading the achievement catalog")
    catalog = await load_catalog(store, seed_dir / "catalog.json", verifier.options.trust)
    step("verifying and loading credentials")
    loader = CredentialLoader(store, deps.batch_size)
    credentials = await loader.load(verify_paths(verifier, [seed_dir / "credentials"]), progress)
    learners = await load_learner_profiles(store, seed_dir / "learners.json")
    step("loading job postings")
    postings = await load_postings(store, [seed_dir / "postings"])
    step("embedding and linking (the first run encodes everything; later runs hit the cache)")
    links = await deps.links.relink(refresh_linker=True)
    return SeedLoadSummary(taxonomy, catalog, credentials, learners, postings, links)

"""Load the demo seed (graph_seed/): taxonomy, catalog, credentials, consent, postings, links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from credmatch.bootstrap import Container
from credmatch.errors import ConfigError
from credmatch.services.catalog import CatalogSummary, load_catalog, load_learner_profiles
from credmatch.services.credentials import CredentialLoader, IngestSummary, verify_paths
from credmatch.services.linking import LinkSummary
from credmatch.services.postings import PostingSummary, load_postings
from credmatch.services.taxonomy import TaxonomySummary, import_taxonomy
from credmatch.taxonomy import EscoCsvSource

Step = Callable[[str], None]


@dataclass
class SeedLoadSummary:
    taxonomy: TaxonomySummary
    catalog: CatalogSummary
    credentials: IngestSummary
    learners: int
    postings: PostingSummary
    links: LinkSummary


async def load_seed(
    container: Container,
    seed_dir: Path,
    step: Step = print,
    progress: Callable[[int], None] | None = None,
) -> SeedLoadSummary:
    if not (seed_dir / "catalog.json").is_file():
        raise ConfigError(
            f"{seed_dir} holds no seed (catalog.json missing); set CREDMATCH_SEED_DIR"
        )
    store = container.store
    step("importing the ESCO skills slice")
    taxonomy = await import_taxonomy(store, EscoCsvSource(seed_dir / "esco"))
    verifier = container.verifier(trust=seed_dir / "trust.json", documents=[seed_dir / "documents"])
    step("loading the achievement catalog")
    catalog = await load_catalog(store, seed_dir / "catalog.json", verifier.options.trust)
    step("verifying and loading credentials")
    loader = CredentialLoader(store, container.settings.ingest_batch_size)
    credentials = await loader.load(verify_paths(verifier, [seed_dir / "credentials"]), progress)
    learners = await load_learner_profiles(store, seed_dir / "learners.json")
    step("loading job postings")
    postings = await load_postings(store, [seed_dir / "postings"])
    step("embedding and linking (the first run encodes everything; later runs hit the cache)")
    links = await container.relink(refresh_linker=True)
    return SeedLoadSummary(taxonomy, catalog, credentials, learners, postings, links)

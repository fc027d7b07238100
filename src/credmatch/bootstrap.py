"""The composition root: builds the driver, the model and the services, once, on request."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from credmatch.config import Settings
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.presentation import PresentationLimits
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.domain.model import MatchPolicy, TrustPolicy
from credmatch.domain.paging import MAX_PAGE_SIZE
from credmatch.embeddings import (
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    build_embedder,
)
from credmatch.embeddings.cache import Progress
from credmatch.embeddings.tuned import TUNED_SKILL_MIN_SCORE, tuned_linker_embedder
from credmatch.graph.launcher import resolve_password
from credmatch.graph.store import GraphStore
from credmatch.linking import SkillLinker
from credmatch.services.access_log import AccessLog
from credmatch.services.api_ingest import ApiIngest
from credmatch.services.events import EventBus
from credmatch.services.linking import LinkPolicy, LinkSummary
from credmatch.services.match_table import EventOptions, MatchRefresh
from credmatch.services.matching import Matcher
from credmatch.services.presentations import PresentationDeps
from credmatch.services.ranking_cache import RankingCache
from credmatch.services.scheduling import LinkScheduler
from credmatch.services.seed import SeedDeps


@dataclass
class Container:
    """What one running credmatch (API process or CLI command) shares.

    The model, the verifier and the skill linker are built on first use: a command that
    does not need them never pays for loading them. Services get what they use from here
    (store, embedder, verifier, the link scheduler); none of them imports this module.
    """

    settings: Settings
    store: GraphStore
    embedder_override: Embedder | None = None
    _embedder: CachedEmbedder | None = field(default=None, init=False)
    _linker_embedder: CachedEmbedder | None = field(default=None, init=False)
    _cache: EmbeddingCache | None = field(default=None, init=False)
    _verifier: Verifier | None = field(default=None, init=False)
    ranking_cache: RankingCache | None = field(default=None, init=False)
    access_log: AccessLog = field(init=False)
    # Match events: refreshes publish score changes here (subscriptions listen; the webhook
    # delivery worker is woken); webhook deliveries are stored by the refresh itself.
    events: EventBus = field(default_factory=EventBus, init=False)
    links: LinkScheduler = field(init=False)

    def __post_init__(self) -> None:
        if self.settings.ranking_cache_size > 0:
            self.ranking_cache = RankingCache(self.settings.ranking_cache_size)
        s = self.settings
        self.access_log = AccessLog(
            self.store,
            retention_days=s.access_log_retention_days,
            flush_s=s.access_log_flush_s,
            window_s=s.access_log_window_s,
            repeat_flush_s=s.access_log_repeat_flush_s,
            enabled=s.access_log,
        )
        self.links = LinkScheduler(
            self.store,
            self.embedder,
            self.link_policy(),
            self.match_policy(),
            self.event_options(),
            linker_embedder=self.linker_embedder,
        )

    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            inner = self.embedder_override or build_embedder(
                s.embedding_backend, s.model, s.embedding_batch_size, s.onnx_dir
            )
            self.settings.embedding_cache.parent.mkdir(parents=True, exist_ok=True)
            self._cache = EmbeddingCache(self.settings.embedding_cache)
            self._embedder = CachedEmbedder(inner, self._cache)
        return self._embedder

    def linker_embedder(self) -> Embedder:
        """The skill linker's embedder: the tuned artefact (``linker_model = "tuned"``) unless
        the settings ask for the base model or an embedder was injected (tests, benches).
        Same cache file, its own cache key."""
        if self.settings.linker_model == "base" or self.embedder_override is not None:
            return self.embedder()
        if self._linker_embedder is None:
            self.embedder()  # opens the cache
            assert self._cache is not None
            inner = tuned_linker_embedder(batch_size=self.settings.embedding_batch_size)
            self._linker_embedder = CachedEmbedder(inner, self._cache)
        return self._linker_embedder

    @contextlib.contextmanager
    def embedding_progress(self, progress: Progress) -> Iterator[None]:
        """Report to ``progress`` every text the embedders (base and linker) encode meanwhile."""
        self.embedder()
        self.linker_embedder()
        assert self._embedder is not None
        with contextlib.ExitStack() as stack:
            stack.enter_context(self._embedder.reporting(progress))
            if self._linker_embedder is not None:
                stack.enter_context(self._linker_embedder.reporting(progress))
            yield

    def verifier(self) -> Verifier:
        """The process's verifier over the configured document store and trust registry,
        built once (its document, context and template caches serve every request)."""
        if self._verifier is None:
            self._verifier = self.build_verifier()
        return self._verifier

    def build_verifier(
        self, trust: Path | None = None, documents: list[Path] | None = None, **options: object
    ) -> Verifier:
        """A new verifier; ``documents`` go before the configured document folders and
        ``trust`` replaces the configured registry (the seed and ``credmatch verify``)."""
        s = self.settings
        store = DocumentStore(
            dirs=[*(documents or []), *s.document_dirs],
            fetch_enabled=s.fetch_documents,
            allowlist=s.fetch_hosts,
            timeout_s=s.fetch_timeout_s,
            max_bytes=s.fetch_max_bytes,
            cache_dir=s.document_cache if s.fetch_documents else None,
        )
        trust_file = trust or s.trust_registry
        registry = TrustRegistry.from_file(trust_file) if trust_file else TrustRegistry.empty()
        return Verifier(VerifyOptions(documents=store, trust=registry, **options))  # type: ignore[arg-type]

    def presentations(self) -> PresentationDeps:
        """What the presentation services use: store, verifier, limits, links."""
        s = self.settings
        limits = PresentationLimits(s.max_presentation_bytes, s.max_presentation_credentials)
        return PresentationDeps(self.store, self.verifier(), limits, s.domain, self.links)

    def seed_deps(self) -> SeedDeps:
        """What loading a seed folder uses; its verifier adds the seed's documents and trust."""

        def verifier_for(seed_dir: Path) -> Verifier:
            return self.build_verifier(
                trust=seed_dir / "trust.json", documents=[seed_dir / "documents"]
            )

        return SeedDeps(self.store, verifier_for, self.links, self.settings.ingest_batch_size)

    def ingest(self) -> ApiIngest:
        """The API's postings and credentials writes."""
        return ApiIngest(self.store, self.verifier, self.links)

    def link_policy(self) -> LinkPolicy:
        s = self.settings
        return LinkPolicy(
            top_k=s.link_top_k,
            cosine_floor=s.link_cosine_floor,
            cosine_full=s.link_cosine_full,
            skill_min_score=skill_min_score(s),
            evidence_floor=s.evidence_floor,
            named_skill_score=s.named_skill_score,
            other_skill_similarity=s.other_skill_similarity,
        )

    def match_policy(self, verified_only: bool = False) -> MatchPolicy:
        return match_policy(self.settings, verified_only)

    def matcher(self) -> Matcher:
        return Matcher(self.store, self.match_policy(), MAX_PAGE_SIZE, self.ranking_cache)

    async def skill_linker(self, refresh: bool = False) -> SkillLinker | None:
        return await self.links.skill_linker(refresh)

    async def relink(self, refresh_linker: bool = False, matches: bool = True) -> LinkSummary:
        """See LinkScheduler.relink."""
        return await self.links.relink(refresh_linker, matches)

    def refresh_soon(self) -> None:
        """See LinkScheduler.refresh_soon."""
        self.links.refresh_soon()

    async def refresh_matches(self) -> MatchRefresh:
        """See LinkScheduler.refresh_matches."""
        return await self.links.refresh_matches()

    def event_options(self) -> EventOptions:
        """What writes that produce match events need: this process's bus, retry window."""
        return EventOptions(self.events, self.settings.webhook_retry_for_s)

    async def close(self) -> None:
        await self.links.close()
        await self.access_log.close()  # what is buffered is written before the driver closes
        await self.store.close()
        if self._cache is not None:
            self._cache.close()


def skill_min_score(s: Settings) -> float:
    """The weakest skill link kept: the setting, else the linker model's own. The tuned model
    scores neighbouring skills higher than the base model does, so its links need a higher
    bar to mean the same skill (chosen on the tuning occupations of bench/match_quality.py)."""
    if s.skill_min_score is not None:
        return s.skill_min_score
    return TUNED_SKILL_MIN_SCORE if s.linker_model == "tuned" else LinkPolicy.skill_min_score


def match_policy(s: Settings, verified_only: bool = False) -> MatchPolicy:
    """The trust weights and gap threshold the settings ask for."""
    trust = TrustPolicy(
        unknown_issuer=s.unknown_issuer_weight,
        unverifiable=s.unverifiable_weight,
        verified_only=verified_only,
    )
    return MatchPolicy(gap_threshold=s.gap_threshold, trust=trust, table_depth=s.match_table_depth)


def bootstrap(settings: Settings, embedder: Embedder | None = None) -> Container:
    """Wire the parts together. Opens no connection: the driver connects on first use."""
    store = GraphStore.connect(settings, resolve_password(settings))
    return Container(settings=settings, store=store, embedder_override=embedder)

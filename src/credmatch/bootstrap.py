"""The composition root: builds the driver, the model and the services, once, on request."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from credmatch.config import Settings
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions
from credmatch.domain.model import MatchPolicy, TrustPolicy
from credmatch.embeddings import (
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    build_embedder,
)
from credmatch.embeddings.cache import Progress
from credmatch.errors import CredmatchError
from credmatch.graph.launcher import resolve_password
from credmatch.graph.store import GraphStore
from credmatch.linking import SkillLinker
from credmatch.services.access_log import AccessLog
from credmatch.services.events import EventBus
from credmatch.services.linking import LinkPolicy, LinkSummary, link_all, load_skill_linker
from credmatch.services.match_table import EventOptions, MatchRefresh, refresh_matches
from credmatch.services.matching import Matcher
from credmatch.services.ranking_cache import RankingCache

log = logging.getLogger("credmatch.matches")


@dataclass
class Container:
    """What one running credmatch (API process or CLI command) shares.

    The model, the verifier and the skill linker are built on first use: a command that
    does not need them never pays for loading them.
    """

    settings: Settings
    store: GraphStore
    embedder_override: Embedder | None = None
    _embedder: CachedEmbedder | None = field(default=None, init=False)
    _cache: EmbeddingCache | None = field(default=None, init=False)
    _linker: SkillLinker | None = field(default=None, init=False)
    ranking_cache: RankingCache | None = field(default=None, init=False)
    link_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    refresh_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _refreshing: asyncio.Task[None] | None = field(default=None, init=False)
    _refresh_again: bool = field(default=False, init=False)
    access_log: AccessLog = field(init=False)
    # Match events: refreshes publish score changes here (subscriptions listen; the webhook
    # delivery worker is woken); webhook deliveries are stored by the refresh itself.
    events: EventBus = field(default_factory=EventBus, init=False)

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

    @contextlib.contextmanager
    def embedding_progress(self, progress: Progress) -> Iterator[None]:
        """Report to ``progress`` every text the embedder encodes meanwhile."""
        self.embedder()
        assert self._embedder is not None
        with self._embedder.reporting(progress):
            yield

    def verifier(
        self, trust: Path | None = None, documents: list[Path] | None = None, **options: object
    ) -> Verifier:
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

    def link_policy(self) -> LinkPolicy:
        s = self.settings
        return LinkPolicy(
            top_k=s.link_top_k,
            cosine_floor=s.link_cosine_floor,
            cosine_full=s.link_cosine_full,
            skill_min_score=s.skill_min_score,
            evidence_floor=s.evidence_floor,
        )

    def match_policy(self, verified_only: bool = False) -> MatchPolicy:
        return match_policy(self.settings, verified_only)

    def matcher(self) -> Matcher:
        from credmatch.api.limits import MAX_PAGE_SIZE

        return Matcher(self.store, self.match_policy(), MAX_PAGE_SIZE, self.ranking_cache)

    async def skill_linker(self, refresh: bool = False) -> SkillLinker | None:
        if self._linker is None or refresh:
            self._linker = await load_skill_linker(self.store, self.embedder())
        return self._linker

    async def relink(self, refresh_linker: bool = False, matches: bool = True) -> LinkSummary:
        """Embed and link whatever is pending, then (``matches``) bring the match table up
        to date.

        One at a time per process: concurrent passes would only race for the same pending
        nodes. Everything works off what is flagged or pending in the graph, so a pass that
        fails is finished by the next one."""
        async with self.link_lock:
            linker = await self.skill_linker(refresh=refresh_linker)
            summary = await link_all(self.store, self.embedder(), self.link_policy(), linker)
        if matches:
            summary.matches = await self.refresh_matches()
        return summary

    def refresh_soon(self) -> None:
        """Refresh the match table in a background task (API writes: the response does not
        wait for it; rankings are computed live until it is done). Calls while one runs
        coalesce into one more pass."""
        if self._refreshing is not None and not self._refreshing.done():
            self._refresh_again = True
            return
        self._refreshing = asyncio.create_task(self._refresh_passes())

    async def _refresh_passes(self) -> None:
        while True:
            self._refresh_again = False
            try:
                await self.refresh_matches()
            except CredmatchError as e:  # flags stay set: the next pass or write retries
                log.warning("match table refresh deferred: %s", e)
            if not self._refresh_again:
                return

    async def refresh_matches(self) -> MatchRefresh:
        """Only the match-table refresh (no model needed), one pass at a time per process.
        Its own lock: a long posting rebuild must not hold up the next write's linking."""
        async with self.refresh_lock:
            return await refresh_matches(
                self.store, self.match_policy(), events=self.event_options()
            )

    def event_options(self) -> EventOptions:
        """What writes that produce match events need: this process's bus, retry window."""
        return EventOptions(self.events, self.settings.webhook_retry_for_s)

    async def close(self) -> None:
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refreshing
        await self.access_log.close()  # what is buffered is written before the driver closes
        await self.store.close()
        if self._cache is not None:
            self._cache.close()


def match_policy(s: Settings, verified_only: bool = False) -> MatchPolicy:
    """The trust weights and gap threshold the settings ask for."""
    trust = TrustPolicy(
        unknown_issuer=s.unknown_issuer_weight,
        unverifiable=s.unverifiable_weight,
        verified_only=verified_only,
    )
    return MatchPolicy(gap_threshold=s.gap_threshold, trust=trust)


def bootstrap(settings: Settings, embedder: Embedder | None = None) -> Container:
    """Wire the parts together. Opens no connection: the driver connects on first use."""
    store = GraphStore.connect(settings, resolve_password(settings))
    return Container(settings=settings, store=store, embedder_override=embedder)

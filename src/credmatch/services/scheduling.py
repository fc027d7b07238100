"""When linking and the match-table refresh run: one pass at a time per process, and
background refreshes that coalesce.

API writes link what they added before answering (the response shows the links) and leave
the match-table refresh to a background task; rankings are computed live until it is done.
The services that write take a :class:`Relinker`; the composition root owns one
:class:`LinkScheduler` per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from credmatch.domain.embedder import Embedder
from credmatch.domain.model import MatchPolicy
from credmatch.errors import CredmatchError
from credmatch.graph.store import GraphStore
from credmatch.linking import SkillLinker
from credmatch.services.linking import LinkPolicy, LinkSummary, link_all, load_skill_linker
from credmatch.services.match_table import EventOptions, MatchRefresh, refresh_matches

log = logging.getLogger("credmatch.matches")


class Relinker(Protocol):
    """What a service that writes needs to bring links and rankings up to date."""

    async def relink(self, refresh_linker: bool = False, matches: bool = True) -> LinkSummary: ...

    def refresh_soon(self) -> None: ...


class LinkScheduler:
    """Runs linking and match-table refreshes for one process (see the module docstring).

    ``embedder`` (and ``linker_embedder``) is called on the first pass that needs it, so a
    process that never links never loads the model.
    """

    def __init__(
        self,
        store: GraphStore,
        embedder: Callable[[], Embedder],
        link_policy: LinkPolicy,
        match_policy: MatchPolicy,
        events: EventOptions,
        linker_embedder: Callable[[], Embedder] | None = None,
    ) -> None:
        self._store = store
        self._embedder = embedder
        # The skill linker may use its own (tuned) model; requirement and achievement
        # vectors always come from ``embedder``.
        self._linker_embedder = linker_embedder or embedder
        self._link_policy = link_policy
        self._match_policy = match_policy
        self._events = events
        self._linker: SkillLinker | None = None
        self._link_lock = asyncio.Lock()
        self._refresh_lock = asyncio.Lock()
        self._refreshing: asyncio.Task[None] | None = None
        self._refresh_again = False

    async def skill_linker(self, refresh: bool = False) -> SkillLinker | None:
        if self._linker is None or refresh:
            self._linker = await load_skill_linker(self._store, self._linker_embedder())
        return self._linker

    async def relink(self, refresh_linker: bool = False, matches: bool = True) -> LinkSummary:
        """Embed and link whatever is pending, then (``matches``) bring the match table up
        to date.

        One at a time per process: concurrent passes would only race for the same pending
        nodes. Everything works off what is flagged or pending in the graph, so a pass that
        fails is finished by the next one."""
        async with self._link_lock:
            linker = await self.skill_linker(refresh=refresh_linker)
            summary = await link_all(self._store, self._embedder(), self._link_policy, linker)
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
        async with self._refresh_lock:
            return await refresh_matches(self._store, self._match_policy, events=self._events)

    async def close(self) -> None:
        """Stop a background refresh (its flags stay set for the next process)."""
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refreshing

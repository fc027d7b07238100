"""The in-process event bus: the match-table refresh publishes score changes, subscriptions
(and the webhook delivery worker, to wake up) listen.

Each listener has its own bounded queue; a listener too slow to keep up loses the oldest
changes rather than holding the refresh up (a subscription is best-effort and live only;
webhooks are the durable channel, their deliveries are stored in Neo4j).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from credmatch.domain.events import ScoreChange

log = logging.getLogger("credmatch.events")
QUEUE_SIZE = 10_000


class EventBus:
    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self._queues: set[asyncio.Queue[ScoreChange]] = set()
        self._wakers: list[Callable[[], None]] = []
        self._queue_size = queue_size

    def listening(self) -> bool:
        return bool(self._queues)

    def on_publish(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` after every publish (the delivery worker's nudge)."""
        self._wakers.append(wake)

    def publish(self, changes: list[ScoreChange]) -> None:
        for queue in self._queues:
            for change in changes:
                if queue.full():  # drop the oldest: a stalled listener must not block writes
                    queue.get_nowait()
                    log.warning("an event listener fell behind; oldest match event dropped")
                queue.put_nowait(change)
        for wake in self._wakers:
            wake()

    @contextlib.asynccontextmanager
    async def listen(self) -> AsyncIterator[asyncio.Queue[ScoreChange]]:
        """A queue of every change published while the context is open."""
        queue: asyncio.Queue[ScoreChange] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

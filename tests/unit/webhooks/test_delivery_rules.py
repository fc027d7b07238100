"""The delivery worker's backoff and the in-process event bus."""

from __future__ import annotations

import asyncio

from credmatch.config import load_settings
from credmatch.domain.events import ScoreChange
from credmatch.services.events import EventBus
from credmatch.services.webhooks import backoff_s


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    s = load_settings(webhook_retry_base_s=10, webhook_retry_max_delay_s=3600)
    assert [backoff_s(n, s) for n in range(1, 10)] == [
        10, 20, 40, 80, 160, 320, 640, 1280, 2560,
    ]  # fmt: skip
    assert backoff_s(11, s) == backoff_s(500, s) == 3600


def test_the_bus_gives_each_listener_every_change_and_forgets_closed_ones() -> None:
    async def go() -> None:
        bus, woken = EventBus(queue_size=3), []
        bus.on_publish(lambda: woken.append(1))
        assert not bus.listening()
        changes = [ScoreChange("j", f"l{i}", None, 0.9) for i in range(5)]
        async with bus.listen() as one, bus.listen() as two:
            assert bus.listening()
            bus.publish(changes[:2])
            assert [one.get_nowait(), two.get_nowait()] == [changes[0], changes[0]]
            bus.publish(changes[2:])  # one now holds l1..l4: four for three places
            assert [one.get_nowait() for _ in range(3)] == changes[2:]  # oldest dropped
        assert not bus.listening() and woken == [1, 1]

    asyncio.run(go())

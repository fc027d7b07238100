"""The real app under uvicorn on a free loopback port, in a background thread, for tests that
need a real HTTP server (the graphql-http audit, the GraphiQL browser test)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from credmatch.config import Settings
from credmatch.server import create_app
from tests.conftest import free_port


@contextmanager
def serving(
    settings: Settings, start_timeout_s: float = 60, ws: Literal["none", "wsproto"] = "none"
) -> Iterator[str]:
    """Serve ``create_app(settings)``; yields its base URL (``http://127.0.0.1:PORT``).
    ``ws="wsproto"`` serves websockets (subscriptions) too."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        ws=ws,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"credmatch-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"credmatch did not start on 127.0.0.1:{port}; see the log above")
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)

"""CORS for a job board's own web front end on another origin (``CREDMATCH_CORS_ORIGINS``).

Off unless origins are configured. Preflights (``OPTIONS`` with ``Access-Control-Request-Method``)
are answered by the middleware before the API-key gate, so they need no key, and only for the
listed origins (others get 400); the actual requests still need ``Authorization: Bearer``.
Credentials (cookies) are never allowed: the API authenticates with a header, not a cookie.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from credmatch.config import Settings

ALLOW_METHODS = ("GET", "POST")
ALLOW_HEADERS = ("Authorization", "Content-Type", "Accept")
# Response headers a browser may show the calling page beyond the CORS-safelisted ones.
EXPOSE_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow")
PREFLIGHT_MAX_AGE_S = 600


def cors_middleware(settings: Settings) -> list[Middleware]:
    """The CORS middleware for the app, or nothing when no origin is configured."""
    origins = settings.cors_origin_list
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=ALLOW_METHODS,
            allow_headers=ALLOW_HEADERS,
            expose_headers=EXPOSE_HEADERS,
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE_S,
        )
    ]

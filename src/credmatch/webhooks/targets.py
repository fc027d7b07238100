"""Where a webhook may point: SSRF checks at registration and again before every delivery.

A URL must be ``https`` (``http`` only when the operator allows it) with a host and no user
info. Its host must resolve only to public addresses: private, loopback, link-local,
multicast, reserved and unspecified addresses (IPv4 and IPv6, IPv4-mapped included) are
refused, unless the host name (or literal address) is on the operator's allowlist. Every
address the name resolves to is checked, at registration and before each delivery (a name
can be re-pointed later). Redirects are never followed when delivering.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from credmatch.errors import InputError

MAX_URL = 2048


class UnsafeTargetError(InputError):
    """A webhook URL that may not be called."""


@dataclass(frozen=True)
class TargetPolicy:
    allow_http: bool = False
    allowlist: frozenset[str] = frozenset()  # host names or literal addresses, lower case

    @classmethod
    def of(cls, allow_http: bool, hosts: Collection[str]) -> TargetPolicy:
        return cls(allow_http, frozenset(h.strip().lower().strip("[]") for h in hosts if h))


def check_url(url: str, policy: TargetPolicy) -> tuple[str, int]:
    """The (host, port) of an acceptable URL; UnsafeTargetError says what is wrong."""
    if len(url) > MAX_URL:
        raise UnsafeTargetError(f"url: longer than {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise UnsafeTargetError(f"url: not a valid URL ({e})") from e
    if parts.scheme == "http" and not policy.allow_http:
        raise UnsafeTargetError(
            "url: http is not allowed for webhooks; use https (an operator may allow http "
            "with CREDMATCH_WEBHOOK_ALLOW_HTTP)"
        )
    if parts.scheme not in ("https", "http"):
        raise UnsafeTargetError(f"url: scheme {parts.scheme!r} is not allowed; use https")
    if not parts.hostname:
        raise UnsafeTargetError("url: has no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTargetError("url: must not carry user info (user:password@)")
    return parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def refused_address(address: str) -> str | None:
    """Why an address may not be called (None: a public address)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return reason
    return None if ip.is_global else "not public"


async def check_target(url: str, policy: TargetPolicy) -> None:
    """Refuse ``url`` unless it passes :func:`check_url` and its host is allowlisted or
    resolves only to public addresses."""
    host, port = check_url(url, policy)
    if host.strip("[]") in policy.allowlist:
        return
    for address in await _resolve(host.strip("[]"), port):
        reason = refused_address(address)
        if reason is not None:
            raise UnsafeTargetError(
                f"url: host {host!r} resolves to {address}, a {reason} address; webhooks may "
                "only call public addresses (an operator may allow a host with "
                "CREDMATCH_WEBHOOK_ALLOWLIST)"
            )


async def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise UnsafeTargetError(f"url: host {host!r} does not resolve ({e})") from e
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise UnsafeTargetError(f"url: host {host!r} does not resolve")
    return addresses

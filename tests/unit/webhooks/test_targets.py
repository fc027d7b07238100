"""SSRF checks on webhook URLs: scheme, user info, and every resolved address."""

from __future__ import annotations

import asyncio

import pytest

from credmatch.webhooks.targets import (
    TargetPolicy,
    UnsafeTargetError,
    check_target,
    check_url,
    refused_address,
)

STRICT = TargetPolicy()


def _check(url: str, policy: TargetPolicy = STRICT) -> None:
    asyncio.run(check_target(url, policy))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://93.184.215.14/hook", "http is not allowed"),
        ("ftp://93.184.215.14/hook", "scheme 'ftp'"),
        ("https:///hook", "has no host"),
        ("https://user:pw@93.184.215.14/hook", "user info"),
        ("https://93.184.215.14:99999/hook", "not a valid URL"),
    ],
)
def test_malformed_or_plain_http_urls_are_refused(url: str, words: str) -> None:
    with pytest.raises(UnsafeTargetError, match=words):
        check_url(url, STRICT)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("https://172.16.5.4/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://localhost/hook", "loopback"),
    ],
)
def test_private_loopback_and_link_local_targets_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeTargetError, match=f"a {reason} address"):
        _check(url)


def test_an_allowlisted_host_passes_and_http_only_when_allowed() -> None:
    _check("https://127.0.0.1:8443/hook", TargetPolicy.of(False, ["127.0.0.1"]))
    _check("http://127.0.0.1:8080/hook", TargetPolicy.of(True, ["127.0.0.1"]))
    with pytest.raises(UnsafeTargetError, match="http is not allowed"):
        _check("http://127.0.0.1:8080/hook", TargetPolicy.of(False, ["127.0.0.1"]))
    with pytest.raises(UnsafeTargetError, match="loopback"):  # another host is still checked
        _check("https://127.0.0.2/hook", TargetPolicy.of(False, ["127.0.0.1"]))


def test_a_public_address_passes_and_an_unresolvable_name_is_refused() -> None:
    assert refused_address("93.184.215.14") is None
    assert refused_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c") is None
    _check("https://93.184.215.14/hook")
    with pytest.raises(UnsafeTargetError, match="does not resolve"):
        _check("https://no-such-host.invalid/hook")

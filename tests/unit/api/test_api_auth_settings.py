from __future__ import annotations

import pytest

from credmatch.api.auth import load_auth_settings
from credmatch.errors import ConfigError


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(str(tmp_path))  # no stray .env
    defaults = load_auth_settings()
    assert (defaults.auth_cache_ttl_s, defaults.max_query_depth, defaults.max_aliases) == (
        30,
        10,
        15,
    )
    assert (defaults.max_tokens, defaults.max_body_bytes) == (2000, 256 * 1024)
    assert (defaults.rate_limit_per_s, defaults.rate_limit_burst) == (20, 40)
    assert defaults.max_batch_operations == 0
    monkeypatch.setenv("CREDMATCH_RATE_LIMIT_PER_S", "2.5")
    monkeypatch.setenv("CREDMATCH_AUTH_CACHE_TTL_S", "0")
    settings = load_auth_settings()
    assert settings.rate_limit_per_s == 2.5 and settings.auth_cache_ttl_s == 0


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("CREDMATCH_RATE_LIMIT_PER_S", "0")
    with pytest.raises(ConfigError, match="CREDMATCH_RATE_LIMIT_PER_S"):
        load_auth_settings()

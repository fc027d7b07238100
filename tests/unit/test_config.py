from __future__ import annotations

import pytest

from credmatch.config import load_settings
from credmatch.errors import ConfigError


def test_bad_port_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDMATCH_PORT", "eighty")
    with pytest.raises(ConfigError, match="CREDMATCH_PORT"):
        load_settings()


def test_bad_neo4j_uri_names_the_standard_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "http://localhost:7474")
    with pytest.raises(ConfigError, match=r"NEO4J_URI: .*bolt://"):
        load_settings()


def test_password_value_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(neo4j_password=["s3cret-value"])
    assert "NEO4J_PASSWORD" in str(err.value)
    assert "s3cret-value" not in str(err.value)


def test_neo4j_uri_switches_off_the_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://example.databases.neo4j.io")
    settings = load_settings()
    assert not settings.launches_neo4j
    assert settings.bolt_uri == "neo4j+s://example.databases.neo4j.io"


def test_external_neo4j_requires_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    from credmatch.graph.launcher import resolve_password

    monkeypatch.setenv("NEO4J_URI", "bolt://db.internal:7687")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        resolve_password(load_settings())


def test_cors_origins_are_off_by_default_and_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDMATCH_CORS_ORIGINS", raising=False)
    assert load_settings().cors_origin_list == []
    monkeypatch.setenv("CREDMATCH_CORS_ORIGINS", " https://board.example , http://localhost:3000,")
    assert load_settings().cors_origin_list == ["https://board.example", "http://localhost:3000"]


@pytest.mark.parametrize(
    "value", ["board.example", "https://board.example/", "https://board.example/jobs", "ftp://x"]
)
def test_a_cors_origin_that_is_not_an_origin_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CREDMATCH_CORS_ORIGINS", f"https://ok.example,{value}")
    with pytest.raises(ConfigError, match=r"CREDMATCH_CORS_ORIGINS: .*is not an origin"):
        load_settings()


def test_embedding_backend_is_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().embedding_backend == "onnx"
    monkeypatch.setenv("CREDMATCH_EMBEDDING_BACKEND", "onnx-int8")
    assert load_settings().embedding_backend == "onnx-int8"
    monkeypatch.setenv("CREDMATCH_EMBEDDING_BACKEND", "tensorrt")
    with pytest.raises(ConfigError, match="CREDMATCH_EMBEDDING_BACKEND"):
        load_settings()


def test_other_skill_evidence_cannot_sit_below_the_evidence_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings()
    assert settings.evidence_floor <= settings.other_skill_similarity < settings.gap_threshold
    monkeypatch.setenv("CREDMATCH_EVIDENCE_FLOOR", "0.35")
    monkeypatch.setenv("CREDMATCH_OTHER_SKILL_SIMILARITY", "0.3")
    with pytest.raises(ConfigError, match=r"CREDMATCH_OTHER_SKILL_SIMILARITY: .*EVIDENCE_FLOOR"):
        load_settings()
    monkeypatch.setenv("CREDMATCH_OTHER_SKILL_SIMILARITY", "0.35")
    assert load_settings().other_skill_similarity == 0.35


def test_the_gap_threshold_stays_above_other_skill_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDMATCH_GAP_THRESHOLD", "0.3")
    with pytest.raises(ConfigError, match=r"CREDMATCH_GAP_THRESHOLD: .*OTHER_SKILL_SIMILARITY"):
        load_settings()
    monkeypatch.setenv("CREDMATCH_OTHER_SKILL_SIMILARITY", "0.3")
    monkeypatch.setenv("CREDMATCH_GAP_THRESHOLD", "0.31")
    assert load_settings().gap_threshold == 0.31

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.conftest import issue_key, launcher_settings

from credmatch.config import Settings
from credmatch.graph.launcher import Neo4jLauncher
from credmatch.server import create_app

pytestmark = pytest.mark.neo4j


def _auth(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_key(settings)}"}


def test_graphql_answers_through_the_asgi_app(neo4j_settings: Settings) -> None:
    headers = _auth(neo4j_settings)
    with TestClient(create_app(neo4j_settings)) as client:
        response = client.post(
            "/graphql", json={"query": "{ health { neo4j version } }"}, headers=headers
        )
        assert response.status_code == 200
        assert response.json() == {"data": {"health": {"neo4j": True, "version": "0.1.0"}}}


def test_graphiql_is_served(neo4j_settings: Settings) -> None:
    with TestClient(create_app(neo4j_settings)) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()


def test_a_query_error_has_a_code(neo4j_settings: Settings) -> None:
    headers = _auth(neo4j_settings)
    with TestClient(create_app(neo4j_settings)) as client:
        body = client.post("/graphql", json={"query": "{ nope }"}, headers=headers).json()
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.slow
def test_healthz_follows_neo4j_down_and_up(tmp_path: Path) -> None:
    settings = launcher_settings(tmp_path / "neo4j", neo4j_connect_timeout_s=2.0)
    launcher = Neo4jLauncher(settings)
    launcher.start()
    headers = _auth(settings)
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/healthz").status_code == 200

            launcher.stop()
            down = client.get("/healthz")
            assert down.status_code == 503
            assert down.json()["neo4j"] == "down"
            assert "unavailable" in down.json()["reason"].lower()
            # Whether the key check or the query meets the dead server, the code says so.
            error = client.post(
                "/graphql", json={"query": "{ health { neo4j } }"}, headers=headers
            ).json()
            assert error["errors"][0]["extensions"]["code"] == "GRAPH_UNAVAILABLE"

            launcher.start()
            assert client.get("/healthz").status_code == 200
            body = client.post("/graphql", json={"query": "{ health { neo4j } }"}, headers=headers)
            assert body.json() == {"data": {"health": {"neo4j": True}}}
    finally:
        launcher.stop()

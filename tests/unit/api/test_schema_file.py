"""schema.graphql in the repo is the contract job boards generate clients from."""

from __future__ import annotations

from tests.conftest import REPO

from credmatch.api.export import sdl


def test_schema_file_matches_the_code() -> None:
    written = (REPO / "schema.graphql").read_text()
    assert written == sdl(), "run `python -m credmatch.api.export` and commit schema.graphql"

"""The GraphiQL page loads only files shipped in the package, and they are the ones recorded
(with their npm tarball) in credmatch/web/graphiql/README.md."""

from __future__ import annotations

import hashlib
import re

from credmatch.api.view import GRAPHIQL_CSP, GRAPHIQL_PAGE
from credmatch.server import WEB_DIR

ASSETS = WEB_DIR / "graphiql"


def test_every_file_the_page_loads_is_shipped() -> None:
    page = GRAPHIQL_PAGE.read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert loaded, page
    for url in loaded:
        if url.startswith("data:"):
            continue
        assert url.startswith("graphiql/"), f"{url} is not one of the page's own files"
        assert (WEB_DIR / url).is_file(), url
    assert "<script>" not in page and "style=" not in page  # nothing inline: the CSP allows none


def test_the_shipped_files_are_the_recorded_upstream_files_with_their_licences() -> None:
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    for name in (
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    ):
        digest = hashlib.sha256((ASSETS / name).read_bytes()).hexdigest()
        assert digest in readme, f"{name}: sha256 {digest} is not the one README.md records"
    for package in ("graphiql", "react", "react-dom"):
        licence = (ASSETS / f"LICENSE.{package}").read_text(encoding="utf-8")
        assert licence.startswith("MIT License"), package


def test_no_asset_reaches_for_the_network() -> None:
    for path in ("setup.js", "page.css"):
        text = (ASSETS / path).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
    css = (ASSETS / "graphiql.min.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.search(r"url\((?!data:)", css), "the stylesheet loads something not inline"


def test_the_csp_allows_only_this_origin() -> None:
    directives = dict(d.strip().split(" ", 1) for d in GRAPHIQL_CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'" and directives["font-src"] == "data:"
    assert directives["frame-ancestors"] == "'none'"

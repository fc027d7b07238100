"""The shape-template fast path expands exactly like pyld and stays as strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credmatch.credentials import canonical
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.templates import TemplateExpander

from .helpers import badge


@pytest.fixture()
def store(contexts_dir: Path) -> DocumentStore:
    return DocumentStore([contexts_dir])


def test_same_result_as_pyld_for_fixtures(shared: Path, store: DocumentStore) -> None:
    expander = TemplateExpander(store)
    checked = 0
    for path in sorted((shared / "1edtech/ob30").glob("simple*.json")):
        doc = {k: v for k, v in json.loads(path.read_text()).items() if k != "proof"}
        try:
            expected = canonical.expand_safely(doc, store)
        except canonical.UnsafeJsonLdError:
            with pytest.raises(canonical.UnsafeJsonLdError):
                expander.expand(doc)
            continue
        for _ in range(2):  # first call builds the template, second one uses it
            assert canonical.rdfc(expander.expand(doc), store) == canonical.rdfc(expected, store)
        checked += 1
    assert checked >= 5


def test_cached_shape_still_rejects_relative_and_rewritten_iris(store: DocumentStore) -> None:
    expander = TemplateExpander(store)
    good = badge("did:example:issuer")
    expander.expand(good)
    relative = badge("did:example:issuer")
    relative["credentialSubject"]["achievement"]["id"] = "achievements/python"
    with pytest.raises(canonical.UnsafeJsonLdError, match="relative IRI"):
        expander.expand(relative)
    # A value pyld rewrites (a compact IRI with a defined prefix) must not be copied verbatim.
    compact = badge("did:example:issuer")
    compact["credentialSubject"]["achievement"]["id"] = "xsd:string"
    assert canonical.rdfc(expander.expand(compact), store) == canonical.rdfc(
        canonical.expand_safely(compact, store), store
    )

"""Canonical forms that Data Integrity proofs sign: RDFC-1.0 N-Quads and RFC 8785 JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from credmatch.credentials.bounds import jcs_ready
from credmatch.credentials.documents import DocumentStore


class UnsafeJsonLdError(ValueError):
    """A document whose JSON-LD would lose or misplace data when canonicalised."""


ISSUER_DEPENDENT_VOCAB = "https://www.w3.org/ns/credentials/issuer-dependent#"


def expand_safely(doc: dict[str, Any], documents: DocumentStore) -> list[Any]:
    """Expand ``doc``, refusing anything RDF canonicalisation would silently drop.

    pyld drops terms its contexts do not define and triples with relative IRIs, so a
    field outside the signed graph could ride along unnoticed; this raises instead.
    """
    from pyld import jsonld

    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        expanded = processor.expand(doc, _options(documents))
    except jsonld.JsonLdError as e:
        raise UnsafeJsonLdError(f"JSON-LD expansion failed: {_jsonld_reason(e)}") from e
    except ValueError as e:  # pyld raises bare ValueError for a relative @context IRI
        raise UnsafeJsonLdError(f"JSON-LD expansion failed: {e}") from e
    if dropped:
        names = ", ".join(sorted({str(d) for d in dropped}))
        raise UnsafeJsonLdError(f"terms not defined by any @context: {names}")
    problems: list[str] = []
    _scan(expanded, problems)
    if problems:
        raise UnsafeJsonLdError("; ".join(sorted(set(problems))[:5]))
    return list(expanded)


def rdfc(
    doc: dict[str, Any] | list[Any], documents: DocumentStore, hash_name: str = "sha256"
) -> str:
    """RDFC-1.0 canonical N-Quads of ``doc`` (expanded or compacted JSON-LD).

    ``hash_name`` is RDFC-1.0's hash algorithm (its blank node labelling): SHA-256 by
    default, SHA-384 where a suite asks for it (ecdsa-rdfc-2019 with P-384 keys).
    """
    from pyld import jsonld

    if isinstance(doc, list):
        return _rdfc_expanded(doc, hash_name)
    if hash_name != "sha256":
        try:
            expanded = jsonld.JsonLdProcessor().expand(doc, _options(documents))
        except jsonld.JsonLdError as e:
            raise UnsafeJsonLdError(f"RDF canonicalisation failed: {_jsonld_reason(e)}") from e
        except ValueError as e:  # pyld raises bare ValueError for a relative @context IRI
            raise UnsafeJsonLdError(f"RDF canonicalisation failed: {e}") from e
        return _rdfc_expanded(list(expanded), hash_name)

    options: dict[str, Any] = _options(documents)
    options.update(algorithm="URDNA2015", format="application/n-quads")
    try:
        return str(jsonld.normalize(doc, options))
    except jsonld.JsonLdError as e:
        raise UnsafeJsonLdError(f"RDF canonicalisation failed: {_jsonld_reason(e)}") from e
    except ValueError as e:  # pyld raises bare ValueError for a relative @context IRI
        raise UnsafeJsonLdError(f"RDF canonicalisation failed: {e}") from e


def _rdfc_expanded(expanded: list[Any], hash_name: str = "sha256") -> str:
    # pyld's normalize() would expand the already-expanded document again; this is the
    # same to_rdf + URDNA2015 (= RDFC-1.0) pipeline without that step.
    from pyld import jsonld
    from pyld.identifier_issuer import IdentifierIssuer

    processor = jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    try:
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, _TO_RDF_OPTIONS)
            for name, graph in sorted(node_map.items())
            if name == "@default" or is_absolute_iri(name)
        }
        canonicaliser = _canonicaliser(hash_name)
        return str(canonicaliser.main(dataset, {"format": "application/n-quads"}))
    except jsonld.JsonLdError as e:
        raise UnsafeJsonLdError(f"RDF canonicalisation failed: {_jsonld_reason(e)}") from e


def _canonicaliser(hash_name: str) -> Any:
    """pyld's URDNA2015 (RDFC-1.0), hashing with ``hash_name`` (RDFC-1.0 section 4.2 lets
    the caller choose the hash algorithm; pyld hard-codes SHA-256 in create_hash)."""
    import hashlib

    from pyld.canon import URDNA2015

    if hash_name == "sha256":
        return URDNA2015()

    class Rdfc(URDNA2015):  # type: ignore[misc]
        def create_hash(self) -> Any:
            return hashlib.new(hash_name)

    return Rdfc()


def jcs(doc: Any, *, checked: bool = False) -> bytes:
    """RFC 8785 canonical JSON bytes.

    Plain JSON (``bounds.jcs_ready``) is serialised by the C JSON encoder, whose output is the
    same bytes for such values: no floats (RFC 8785 formats them like ECMAScript), integers
    within ±(2**53 - 1), and object keys of BMP characters only, so that sorting by code point
    equals RFC 8785's sort by UTF-16 code units. Anything else takes the rfc8785 package.
    ``checked`` says the caller's ``bounds.scan`` of ``doc``, or of a document holding all
    of its parts, was jcs_ready, which saves walking it again.
    """
    if checked or jcs_ready(doc):
        try:
            return _PLAIN_JSON(doc).encode("utf-8")
        except (TypeError, ValueError, RecursionError):
            pass  # the rfc8785 package below reports the problem in its own words
    import rfc8785

    try:
        return rfc8785.dumps(doc)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as e:
        raise UnsafeJsonLdError(f"JSON canonicalisation (RFC 8785) failed: {e}") from e


# RFC 8785 for bounds.jcs_ready values: sorted keys, no whitespace, UTF-8 text as is, and only
# the quote, the backslash and U+0000..U+001F escaped (\b \t \n \f \r, the rest as \u00xx in
# lowercase hex), exactly as RFC 8785 section 3.2.2.2 prescribes.
_PLAIN_JSON = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def _options(documents: DocumentStore) -> dict[str, Any]:
    return {
        "documentLoader": documents.pyld_loader(),
        "contextResolver": documents.context_resolver(),
        # None, not "": pyld resolves against a made-up http://example.org/base/ when given "".
        "base": None,
    }


def _jsonld_reason(e: Exception) -> str:
    parts: list[str] = []
    cause: BaseException | None = e
    while cause is not None and len(parts) < 4:
        text = str(cause).split("\n", 1)[0]
        details = getattr(cause, "details", None)
        if isinstance(details, dict) and details.get("url"):
            text += f" (url {details['url']})"
        parts.append(text)
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return " <- ".join(parts)


def is_absolute_iri(iri: str) -> bool:
    """True for blank node ids and IRIs with a scheme (RFC 3987 absolute IRIs)."""
    if iri.startswith("_:"):
        return True
    scheme, sep, _ = iri.partition(":")
    if not sep:
        return False
    if scheme.isascii():  # the same test as below, for ASCII
        return _ASCII_SCHEME.fullmatch(scheme) is not None
    return scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


_ASCII_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")


def _scan(node: Any, problems: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _scan(item, problems)
        return
    if not isinstance(node, dict):
        return
    ident = node.get("@id")
    if isinstance(ident, str) and not is_absolute_iri(ident):
        problems.append(f"relative IRI {ident!r} used as an id")
    types = node.get("@type")
    for t in types if isinstance(types, list) else [types] if isinstance(types, str) else []:
        if t != "@json" and not is_absolute_iri(t):
            problems.append(f"relative IRI {t!r} used as a type")
        elif t.startswith(ISSUER_DEPENDENT_VOCAB):
            problems.append(
                f"type {t[len(ISSUER_DEPENDENT_VOCAB) :]!r} is not defined by any @context"
            )
    for key, value in node.items():
        if key.startswith(ISSUER_DEPENDENT_VOCAB):
            problems.append(
                f"term {key[len(ISSUER_DEPENDENT_VOCAB) :]!r} is not defined by any @context"
            )
        if key != "@value":
            _scan(value, problems)


_TO_RDF_OPTIONS = {
    "produceGeneralizedRdf": False,
    "processingMode": "json-ld-1.1",
    "rdfDirection": None,
}

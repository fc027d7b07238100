"""Fast, equally strict JSON-LD expansion for documents whose shape was seen before.

Processing the OB 3.0 contexts (type-scoped contexts are re-processed for every node)
dominates verification. Credentials from one issuer share a shape: the same keys,
type values and contexts, differing only in string values. A shape is expanded once
with placeholder strings; later documents of that shape reuse the expanded template
with their own strings put back. A string that lands in an IRI position is only put
back when it is an absolute IRI whose prefix no context defines (so pyld would have
left it unchanged); anything else takes the full pyld path, which applies every check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any, cast

from cachetools import LRUCache

from credmatch.credentials import canonical
from credmatch.credentials.documents import DocumentStore

SLOT = "x-credmatch-slot:"
# Keys whose values change how a document expands, so they are part of the shape.
VERBATIM_KEYS = frozenset(
    {"@context", "type", "@type", "@language", "@direction", "@vocab", "@base"}
)
MAX_SHAPES = 512
_MISSING = object()


@dataclass(frozen=True)
class Template:
    expanded: Any  # expanded JSON-LD with SLOT+index strings where the document's strings go
    iri_slots: frozenset[int]  # slots that land in @id / @type positions


class TemplateExpander:
    """``expand_safely`` with a per-shape template cache (same results, same errors)."""

    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents
        self._templates: LRUCache[str, Template | None] = LRUCache(MAX_SHAPES)
        self._prefixes: dict[str, frozenset[str]] = {}
        self._lock = Lock()

    def expand(self, doc: dict[str, Any]) -> list[Any]:
        """The expanded document; raises canonical.UnsafeJsonLdError like expand_safely."""
        return self.expand_lazily(doc)()

    def expand_lazily(self, doc: dict[str, Any]) -> Callable[[], list[Any]]:
        """Check ``doc`` now (raising like expand_safely); build the expanded form on call.

        JCS proofs need the safety verdict but not the expanded document.
        """
        values: list[str] = []
        shape = _compact_json(_shape(doc, values))
        template = self._template(shape, doc, frozenset())
        if template is None:
            return _ready(canonical.expand_safely(doc, self._documents))
        unsafe = self._unsafe_iri_slots(doc, template, values)
        if unsafe:
            # IRI-position strings pyld would rewrite (terms, compact IRIs, "assertionMethod"
            # under @vocab) become part of the shape, expanded by pyld itself.
            fixed = _compact_json(sorted((i, values[i]) for i in unsafe))
            template = self._template(f"{shape}|{fixed}", doc, unsafe)
            if template is None or self._unsafe_iri_slots(doc, template, values):
                return _ready(canonical.expand_safely(doc, self._documents))
        expanded = template.expanded
        return lambda: list(_fill(expanded, values))

    def _template(self, key: str, doc: dict[str, Any], keep: frozenset[int]) -> Template | None:
        with self._lock:  # one verifier serves concurrent requests' worker threads
            found = self._templates.get(key, _MISSING)  # and marks it most recently used
        if found is not _MISSING:
            return cast(Template | None, found)
        placeholder_doc = _with_slots(doc, iter(range(1 << 30)), keep)
        # Raises for unsafe documents: the shape (and kept values) decide dropped terms,
        # types and relative IRIs exactly as for the document itself.
        expanded = canonical.expand_safely(placeholder_doc, self._documents)
        iri_slots: set[int] = set()
        template = None
        if _collect_slots(expanded, iri_slots, in_value=False):
            template = Template(expanded, frozenset(iri_slots))
        # else a slot was transformed (e.g. inside an @json literal): always use pyld.
        with self._lock:
            self._templates[key] = template
        return template

    def _unsafe_iri_slots(
        self, doc: dict[str, Any], template: Template, values: list[str]
    ) -> frozenset[int]:
        if not template.iri_slots:
            return frozenset()
        prefixes = self._context_terms(doc.get("@context"))
        return frozenset(
            slot
            for slot in template.iri_slots
            if values[slot].partition(":")[0] in prefixes
            or ":" not in values[slot]
            or not canonical.is_absolute_iri(values[slot])
        )

    def _context_terms(self, context: Any) -> frozenset[str]:
        key: Any
        if type(context) is list and all(type(c) is str for c in context):
            key = tuple(context)  # the usual list of context URLs, without serialising it
        else:
            key = json.dumps(context, sort_keys=True)
        if key not in self._prefixes:
            terms: set[str] = set()
            for item in context if isinstance(context, list) else [context]:
                doc = self._documents.load(item) if isinstance(item, str) else item
                _all_keys(doc, terms)
            self._prefixes[key] = frozenset(terms)
        return self._prefixes[key]


_compact_json = json.JSONEncoder(separators=(",", ":")).encode
"""``json.dumps(value, separators=(",", ":"))`` without building an encoder per call."""


def _ready(expanded: list[Any]) -> Callable[[], list[Any]]:
    return lambda: expanded


def _shape(node: Any, values: list[str]) -> Any:
    if isinstance(node, str):  # the commonest node first
        values.append(node)
        return 0  # strings are slots; numbers, booleans and null stay in the shape
    if isinstance(node, dict):
        return {k: v if k in VERBATIM_KEYS else _shape(v, values) for k, v in sorted(node.items())}
    if isinstance(node, list):
        return [_shape(v, values) for v in node]
    return ["v", node]


def _with_slots(node: Any, counter: Any, keep: frozenset[int]) -> Any:
    # Same traversal order as _shape, so slot i is values[i]; slots in keep stay as they are.
    if isinstance(node, dict):
        return {
            k: v if k in VERBATIM_KEYS else _with_slots(v, counter, keep)
            for k, v in sorted(node.items())
        }
    if isinstance(node, list):
        return [_with_slots(v, counter, keep) for v in node]
    if isinstance(node, str):
        slot = next(counter)
        return node if slot in keep else f"{SLOT}{slot}"
    return node


def _collect_slots(node: Any, iri_slots: set[int], in_value: bool) -> bool:
    """Record IRI-position slots; False when a slot appears in any altered form."""
    if isinstance(node, list):
        return all(_collect_slots(v, iri_slots, in_value) for v in node)
    if isinstance(node, dict):
        if node.get("@type") == "@json":
            return SLOT not in json.dumps(node)
        for key, value in node.items():
            if SLOT in key:
                return False
            if not _collect_slots(value, iri_slots, key == "@value"):
                return False
        return True
    if isinstance(node, str) and SLOT in node:
        if not node.startswith(SLOT) or not node[len(SLOT) :].isdigit():
            return False
        if not in_value:
            iri_slots.add(int(node[len(SLOT) :]))
    return True


def _fill(node: Any, values: list[str]) -> Any:
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    if isinstance(node, str) and node.startswith(SLOT):
        return values[int(node[len(SLOT) :])]
    return node


def _all_keys(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        out.update(k for k in node if isinstance(k, str))
        for value in node.values():
            _all_keys(value, out)
    elif isinstance(node, list):
        for value in node:
            _all_keys(value, out)

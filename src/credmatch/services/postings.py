"""Load job postings: replace a posting's requirements when its content changed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credmatch.errors import PostingFormatError
from credmatch.graph.queries import ingest as q
from credmatch.graph.store import GraphStore
from credmatch.postings import Posting, read_postings
from credmatch.services.rows import compact, text_hash
from credmatch.tenancy import DEFAULT_ORG, posting_id

POSTING_SUFFIXES = (".json", ".jsonld", ".jsonl", ".ndjson", ".txt", ".md", ".markdown")


@dataclass
class PostingSummary:
    loaded: list[str] = field(default_factory=list)  # posting ids written (new or changed)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def requirement_text(text: str, context: str | None, parts: Sequence[str] = ()) -> str:
    """What a requirement is embedded from: an item split out of a longer statement keeps
    that statement beside it ("joins" alone says little; "Strong SQL: joins, ..." does), and
    the sub-skills the statement does not spell out itself (a schema.org ``skills`` entry
    "network security" merged into "Knowledge of networking and firewalls") follow it."""
    base = text if not context or context.strip() == text.strip() else f"{text} ({context})"
    folded = base.casefold()
    extra = [p for p in parts if p.casefold() not in folded]
    return f"{base} ({'; '.join(extra)})" if extra else base


def requirement_id(posting_id: str, position: int) -> str:
    return f"{posting_id}#req-{position}"


def posting_rows(
    posting: Posting, graph_id: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The posting's properties and requirement rows; ``graph_id`` is its id in the graph
    (``posting.id`` is the owner's external id)."""
    gid = graph_id or posting.id
    props = compact(
        {
            "title": posting.title,
            "organization": posting.organization,
            "description": posting.description,
            "occupationalCategory": posting.occupational_category,
            "datePosted": posting.date_posted,
            "validThrough": posting.valid_through,
            "url": posting.url,
            "source": posting.source,
            "contentHash": posting.content_hash,
        }
    )
    requirements = [
        {
            "id": requirement_id(gid, r.position),
            "postingId": gid,
            "position": r.position,
            "text": r.text,
            "kind": r.kind,
            "required": r.required,
            "weight": r.weight,
            "section": r.section,
            "category": r.category,
            "parts": list(r.parts),
            "context": r.context or r.text,
            "textHash": text_hash(requirement_text(r.text, r.context, r.parts)),
        }
        for r in posting.requirements
    ]
    return props, requirements


async def upsert_posting(
    store: GraphStore, posting: Posting, org_id: str = DEFAULT_ORG
) -> tuple[str, bool]:
    """Write the posting as ``org_id``'s posting with external id ``posting.id``; returns its
    global id and whether anything was written (False: an identical version is stored)."""
    key = {"org": org_id, "externalId": posting.id}
    found = await store.read(q.POSTING_HASH, key)
    if found and found[0]["contentHash"] == posting.content_hash:
        return found[0]["id"], False
    graph_id = found[0]["id"] if found else posting_id(org_id, posting.id)
    props, requirements = posting_rows(posting, graph_id)
    await store.write(
        q.REPLACE_POSTING, {**key, "id": graph_id, "props": props, "requirements": requirements}
    )
    return graph_id, True


def iter_posting_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in POSTING_SUFFIXES)
        else:
            yield path


async def load_postings(
    store: GraphStore, paths: Iterable[Path], org_id: str = DEFAULT_ORG
) -> PostingSummary:
    summary = PostingSummary()
    for path in iter_posting_files(paths):
        for item in read_postings(path):
            if isinstance(item, PostingFormatError):
                summary.errors.append(str(item))
            else:
                graph_id, written = await upsert_posting(store, item, org_id)
                if written:
                    summary.loaded.append(graph_id)
                else:
                    summary.unchanged += 1
    return summary

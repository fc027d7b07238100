"""Load job postings: replace a posting's requirements when its content changed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credmatch.errors import PostingFormatError
from credmatch.graph.queries import ingest as q
from credmatch.graph.store import GraphStore
from credmatch.postings import Posting, read_postings
from credmatch.services.rows import compact, text_hash

POSTING_SUFFIXES = (".json", ".jsonld", ".jsonl", ".ndjson", ".txt", ".md", ".markdown")


@dataclass
class PostingSummary:
    loaded: list[str] = field(default_factory=list)  # posting ids written (new or changed)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def requirement_text(text: str, context: str | None) -> str:
    """What a requirement is embedded from: an item split out of a longer statement keeps
    that statement beside it ("joins" alone says little; "Strong SQL: joins, ..." does)."""
    if not context or context.strip() == text.strip():
        return text
    return f"{text} ({context})"


def requirement_id(posting_id: str, position: int) -> str:
    return f"{posting_id}#req-{position}"


def posting_rows(posting: Posting) -> tuple[dict[str, Any], list[dict[str, Any]]]:
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
            "id": requirement_id(posting.id, r.position),
            "postingId": posting.id,
            "position": r.position,
            "text": r.text,
            "kind": r.kind,
            "required": r.required,
            "weight": r.weight,
            "section": r.section,
            "context": r.context or r.text,
            "textHash": text_hash(requirement_text(r.text, r.context)),
        }
        for r in posting.requirements
    ]
    return props, requirements


async def upsert_posting(store: GraphStore, posting: Posting) -> bool:
    """Write the posting; returns False when an identical version is already stored."""
    found = await store.read(q.POSTING_HASH, {"id": posting.id})
    if found and found[0]["contentHash"] == posting.content_hash:
        return False
    props, requirements = posting_rows(posting)
    await store.write(
        q.REPLACE_POSTING, {"id": posting.id, "props": props, "requirements": requirements}
    )
    return True


def iter_posting_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in POSTING_SUFFIXES)
        else:
            yield path


async def load_postings(store: GraphStore, paths: Iterable[Path]) -> PostingSummary:
    summary = PostingSummary()
    for path in iter_posting_files(paths):
        for item in read_postings(path):
            if isinstance(item, PostingFormatError):
                summary.errors.append(str(item))
            elif await upsert_posting(store, item):
                summary.loaded.append(item.id)
            else:
                summary.unchanged += 1
    return summary

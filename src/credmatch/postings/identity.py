"""Stable posting ids and content hashes, so the loader can tell new, same and changed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import PurePath

from credmatch.postings.model import Requirement


def fallback_id(title: str, organization: str | None, source: str) -> str:
    """``posting:<sha256[:20]>`` of title, organization and the source's file name.

    Used when a posting has no identifier (and, for JSON-LD, no url). The file name is in it so
    that two files holding the same title from an unnamed employer stay two postings; the
    directory is not, so moving the files keeps the ids; the body is not, so editing the text
    updates the posting instead of creating a new one.
    """
    name = PurePath(source.split("#", 1)[0]).name + (
        "#" + source.split("#", 1)[1] if "#" in source else ""
    )
    key = "\x1f".join((" ".join(title.casefold().split()), (organization or "").casefold(), name))
    return "posting:" + hashlib.sha256(key.encode()).hexdigest()[:20]


def content_hash(fields: dict[str, str | None], requirements: tuple[Requirement, ...]) -> str:
    """``sha256:<hex>`` of the posting's content (not its source path).

    Requirements are part of it, so a better extractor also counts as an update.
    """
    payload = {
        **fields,
        "requirements": [dataclasses.astuple(r) for r in requirements],
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

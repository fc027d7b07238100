"""Read the hand-written seed data (seed/data/) into the spec dataclasses.

The catalog is TOML (one ``[[achievement]]`` table per AchievementSpec, in order), the
JSON-LD postings are a JSON list of PostingSpec fields (rendered to JSON-LD by postings.py),
and the plain-text postings are the ``.txt`` / ``.md`` files themselves.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from credmatch.errors import InputError
from credmatch.seed.catalog_spec import AchievementSpec
from credmatch.seed.postings_spec import PostingSpec

CATALOG_FILES = ("catalog-tech.toml", "catalog-other.toml")
POSTINGS_FILE = "postings.json"
TEXT_POSTINGS_DIR = "postings-text"
TEXT_SUFFIXES = (".txt", ".md")

T = TypeVar("T")


def data_dir() -> Traversable:
    return resources.files("credmatch.seed").joinpath("data")


def catalog_specs() -> tuple[AchievementSpec, ...]:
    """Every catalog entry, in file order (the seed's order depends on it)."""
    specs: list[AchievementSpec] = []
    for name in CATALOG_FILES:
        tables = tomllib.loads(_text(name)).get("achievement", [])
        specs.extend(
            _spec(AchievementSpec, row, f"{name} entry {i}") for i, row in enumerate(tables)
        )
    return tuple(specs)


def posting_specs() -> tuple[PostingSpec, ...]:
    rows = json.loads(_text(POSTINGS_FILE))
    return tuple(
        _spec(PostingSpec, row, f"{POSTINGS_FILE} entry {i}") for i, row in enumerate(rows)
    )


def text_postings() -> dict[str, str]:
    """File name -> text of each plain-text or Markdown posting, by name."""
    folder = data_dir().joinpath(TEXT_POSTINGS_DIR)
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(TEXT_SUFFIXES)), key=lambda f: f.name
    )
    return {f.name: f.read_text(encoding="utf-8") for f in files}


def _text(name: str) -> str:
    return data_dir().joinpath(name).read_text(encoding="utf-8")


def _spec(cls: type[T], row: Any, where: str) -> T:
    if not isinstance(row, dict):
        raise InputError(f"seed data {where}: expected a table of fields, got {type(row).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(row) - names)
    if unknown:
        raise InputError(f"seed data {where}: unknown field(s) {', '.join(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
    try:
        return cls(**values)
    except TypeError as e:  # a required field is missing
        raise InputError(f"seed data {where} ({row.get('key') or row.get('slug')}): {e}") from e

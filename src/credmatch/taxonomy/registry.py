"""Framework name -> source class; a new framework is one more entry here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from credmatch.errors import InputError
from credmatch.taxonomy.base import TaxonomySource
from credmatch.taxonomy.custom import CustomCsvSource
from credmatch.taxonomy.esco import EscoCsvSource

SOURCES: Final[Mapping[str, Callable[[Path], TaxonomySource]]] = {
    "esco": EscoCsvSource,
    "custom": CustomCsvSource,
}


def open_source(name: str, path: Path) -> TaxonomySource:
    """Open the taxonomy files at ``path`` with the reader registered as ``name``."""
    factory = SOURCES.get(name.lower())
    if factory is None:
        raise InputError(
            f"unknown taxonomy framework {name!r}; choose one of: {', '.join(sorted(SOURCES))}"
        )
    return factory(Path(path))

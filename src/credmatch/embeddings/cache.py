"""A persistent embedding cache: one SQLite file, keyed by model name and sha256 of the text."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from credmatch.embeddings.base import Embedder, normalize_rows
from credmatch.errors import ConfigError

# A rowid table, not WITHOUT ROWID: rows carry a 1.5 KB blob, and SQLite stores large rows
# far more compactly outside the key's B-tree.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS embedding (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
)
"""
# SQLite's default limit on host parameters is 999 in old builds; stay well under it.
_CHUNK = 500

T = TypeVar("T")


def text_hash(text: str) -> str:
    """The cache key of a text: hex sha256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Float32 vectors in a SQLite file (WAL), looked up and stored in bulk.

    ``path`` may be ``":memory:"`` for a cache that lives as long as the object.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(_SCHEMA)
            self._conn.commit()
        except sqlite3.Error as e:
            raise ConfigError(
                f"cannot open the embedding cache at {self.path}: {e}. "
                "Point it at a writable file path"
            ) from e
        self._lock = threading.Lock()

    def get_many(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Return the cached vector of every hash that has one (missing hashes are absent)."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for chunk in _chunks(list(hashes)):
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT text_hash, vector FROM embedding "  # noqa: S608 (marks are '?' only)
                    f"WHERE model = ? AND text_hash IN ({marks})",
                    (model, *chunk),
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store (or replace) vectors by text hash, in one transaction."""
        rows = [
            (model, key, np.asarray(vec, dtype=np.float32).tobytes())
            for key, vec in vectors.items()
        ]
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO embedding (model, text_hash, vector) VALUES (?, ?, ?)",
                rows,
            )

    def count(self, model: str | None = None) -> int:
        """Number of cached vectors, for one model or all."""
        with self._lock:
            if model is None:
                row = self._conn.execute("SELECT COUNT(*) FROM embedding").fetchone()
            else:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM embedding WHERE model = ?", (model,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class Progress(Protocol):
    """Told how many texts an encode call has to encode, then how many it has encoded."""

    def expect(self, n: int) -> None: ...

    def advance(self, n: int) -> None: ...


class CachedEmbedder:
    """Wraps an Embedder so each distinct text is encoded once per model, across runs too.

    Missing texts go to the inner embedder shortest first, in chunks of ``batch_size``, so each
    chunk (and each model batch in it) holds texts of similar length and pads little.
    """

    def __init__(self, inner: Embedder, cache: EmbeddingCache, batch_size: int = 1024) -> None:
        self.inner = inner
        self.cache = cache
        # How many missing texts go to the inner embedder (and then to SQLite) at a time, so
        # a long cold run keeps what it has done if it is interrupted.
        self.batch_size = batch_size
        self.progress: Progress | None = None

    @contextmanager
    def reporting(self, progress: Progress) -> Iterator[None]:
        """Report the texts encoded (not those found in the cache) to ``progress`` meanwhile."""
        previous, self.progress = self.progress, progress
        try:
            yield
        finally:
            self.progress = previous

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_hash(t) for t in texts]
        unique: dict[str, str] = dict(zip(keys, texts, strict=True))
        found = self.cache.get_many(self.name, unique)
        missing = sorted(
            ((k, t) for k, t in unique.items() if k not in found), key=lambda kt: len(kt[1])
        )
        progress = self.progress
        if progress is not None and missing:
            progress.expect(len(missing))
        for chunk in _chunks(missing, self.batch_size):
            encoded = normalize_rows(self.inner.encode([t for _, t in chunk]))
            fresh = {k: encoded[i] for i, (k, _) in enumerate(chunk)}
            self.cache.put_many(self.name, fresh)
            found.update(fresh)
            if progress is not None:
                progress.advance(len(chunk))
        if not keys:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""Local-first store for JSON-LD contexts, DID/controller documents and status lists.

Every document the verifier needs comes from directories holding an ``index.json``
(URL -> file name). Network fetching is off unless the operator turns it on, and
then only for allow-listed hosts, with a timeout and a size cap; fetched documents
are written into ``cache_dir`` so the next run is offline again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from threading import Lock
from typing import Any
from urllib.parse import unquote, urlsplit

from credmatch.credentials.bounds import bounds_problem
from credmatch.errors import ConfigError, DocumentNotAvailableError

INDEX_FILE = "index.json"
PyldLoader = Callable[[str, dict[str, Any]], dict[str, Any]]


class DocumentStore:
    """Documents by URL from a chain of local directories, with optional guarded fetching."""

    def __init__(
        self,
        dirs: Sequence[Path] = (),
        fetch_enabled: bool = False,
        allowlist: Iterable[str] = (),
        timeout_s: float = 5,
        max_bytes: int = 1_000_000,
        cache_dir: Path | None = None,
        include_bundled: bool = True,
    ) -> None:
        self._dirs = tuple(Path(d) for d in dirs)
        self.fetch_enabled = fetch_enabled
        self.allowlist = frozenset(h.lower() for h in allowlist)
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._include_bundled = include_bundled
        self._index: dict[str, Path] | None = None
        self._docs: dict[str, dict[str, Any]] = {}
        self._lock = Lock()
        self._resolver: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # Worker processes get the configuration, not the lock or the caches.
        state = dict(self.__dict__)
        state.update(_docs={}, _lock=None, _resolver=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = Lock()

    def load(self, url: str) -> dict[str, Any]:
        """The JSON document stored for ``url`` (fragment ignored).

        Raises DocumentNotAvailableError when it is in no directory and may not be fetched.
        """
        key = url.split("#", 1)[0]
        cached = self._docs.get(key)
        if cached is not None:
            return cached
        path = self._paths().get(key)
        doc = _read_json(path, key) if path is not None else self._fetch(key)
        with self._lock:
            self._docs[key] = doc
        return doc

    def has(self, url: str) -> bool:
        """Whether ``url`` can be answered without the network."""
        key = url.split("#", 1)[0]
        return key in self._docs or key in self._paths()

    def pyld_loader(self) -> PyldLoader:
        """A pyld ``documentLoader`` that answers only from this store."""

        def loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": self.load(url),
            }

        return loader

    def context_resolver(self) -> Any:
        """A pyld ContextResolver whose processed-context cache belongs to this store.

        pyld's default cache is process-global and keyed by URL only, so two stores
        with different documents for one URL would leak into each other; this one
        is per store, and reusing it across documents is what makes canonicalising
        many credentials fast.
        """
        if self._resolver is None:
            from cachetools import LRUCache
            from pyld.context_resolver import ContextResolver

            self._resolver = ContextResolver(LRUCache(maxsize=1000), self.pyld_loader())
        return self._resolver

    def _paths(self) -> dict[str, Path]:
        if self._index is None:
            index: dict[str, Path] = {}
            if self._include_bundled:
                index.update(bundled_documents())
            # Later entries win, so the first directory in the chain has the last word.
            dirs = [*reversed(self._dirs)]
            if self.cache_dir is not None:
                dirs.insert(0, self.cache_dir)
            for directory in dirs:
                # The cache directory is created on first write, so it may not exist yet.
                if directory != self.cache_dir or directory.exists():
                    index.update(_read_index(directory))
            self._index = index
        return self._index

    def _fetch(self, url: str) -> dict[str, Any]:
        host = (urlsplit(url).hostname or "").lower()
        if not self.fetch_enabled:
            raise DocumentNotAvailableError(
                f"document {url} is not in the document store and fetching is off; "
                "add it to a store directory's index.json or enable fetching for its host"
            )
        if host not in self.allowlist or urlsplit(url).scheme not in ("https", "http"):
            raise DocumentNotAvailableError(
                f"document {url} is not in the document store and host {host!r} is not on "
                "the fetch allowlist; add the host to the allowlist or the document to a store"
            )
        doc = _http_get_json(url, self.timeout_s, self.max_bytes)
        if self.cache_dir is not None:
            self._write_cache(url, doc)
        return doc

    def _write_cache(self, url: str, doc: dict[str, Any]) -> None:
        assert self.cache_dir is not None
        with self._lock:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            index = _read_index(self.cache_dir)
            name = _cache_file_name(url, {p.name for p in index.values()})
            (self.cache_dir / name).write_text(json.dumps(doc, indent=2), encoding="utf-8")
            raw = {u: p.name for u, p in index.items()}
            raw[url] = name
            (self.cache_dir / INDEX_FILE).write_text(json.dumps(raw, indent=2), encoding="utf-8")
            if self._index is not None:
                self._index[url] = self.cache_dir / name


def did_web_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document (did:web spec, section 3.2)."""
    parts = did.split("#", 1)[0].split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web":
        raise ValueError(f"not a did:web DID: {did!r}")
    host = unquote(parts[2])
    path = "/".join(unquote(p) for p in parts[3:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def bundled_documents() -> Mapping[str, Path]:
    """Contexts shipped with installed packages: pyld's bundle plus credmatch's package data
    (OB 3.0, CLR 2.0, Data Integrity and Multikey contexts among them)."""
    from pyld.documentloader.frozen import BUNDLED_CONTEXTS

    found: dict[str, Path] = dict(BUNDLED_CONTEXTS)
    found.update(_credmatch_contexts())
    return found


def _credmatch_contexts() -> dict[str, Path]:
    # Contexts credmatch ships itself (credentials/contexts, see NOTICE.md there). Only
    # versioned OB URLs are listed: the unversioned OB context.json that 1EdTech serves changes.
    root = Path(str(resources.files("credmatch.credentials").joinpath("contexts")))
    return _read_index(root) if (root / INDEX_FILE).is_file() else {}


def _read_index(directory: Path) -> dict[str, Path]:
    index_path = directory / INDEX_FILE
    if not index_path.is_file():
        if directory.exists():
            return {}
        raise ConfigError(
            f"document store directory {directory} does not exist; "
            "create it or remove it from the store list"
        )
    raw = _read_json(index_path, str(index_path))
    return {str(url): directory / str(name) for url, name in raw.items()}


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DocumentNotAvailableError(
            f"document {what}: file {path} named in index.json is missing; fix the index"
        ) from e
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise DocumentNotAvailableError(
            f"document {what}: file {path} is not valid JSON ({e}); replace the file"
        ) from e
    if not isinstance(doc, dict):
        raise DocumentNotAvailableError(f"document {what}: file {path} is not a JSON object")
    return doc


def _http_get_json(url: str, timeout_s: float, max_bytes: int) -> dict[str, Any]:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=timeout_s, follow_redirects=False) as resp:
            resp.raise_for_status()
            body = bytearray()
            for chunk in resp.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise DocumentNotAvailableError(
                        f"document {url} is larger than {max_bytes} bytes; "
                        "raise the size cap or store it locally"
                    )
    except httpx.HTTPError as e:
        raise DocumentNotAvailableError(f"fetching document {url} failed: {e}") from e
    try:
        doc = json.loads(bytes(body))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DocumentNotAvailableError(f"document {url} is not valid JSON ({e})") from e
    except RecursionError as e:  # json's C decoder recurses once per nesting level
        raise DocumentNotAvailableError(f"document {url} is nested too deeply to parse") from e
    if not isinstance(doc, dict):
        raise DocumentNotAvailableError(f"document {url} is not a JSON object")
    # A fetched document is as untrusted as a credential: the same limits apply before
    # JSON-LD processing walks it.
    problem = bounds_problem(doc)
    if problem is not None:
        raise DocumentNotAvailableError(f"document {url} refused: {problem}")
    return doc


def _cache_file_name(url: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", url.split("://", 1)[-1]).strip("_")[:100] or "doc"
    name, n = f"{base}.json", 1
    while name in taken:
        n += 1
        name = f"{base}-{n}.json"
    return name

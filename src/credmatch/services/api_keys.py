"""API keys: issue, list, revoke and authenticate the keys every API request carries.

A key reads ``cm_<keyid>_<secret>``: the id finds the ``(:ApiKey)`` node directly and the secret
is checked against the stored hash. Only the SHA-256 of the whole key is stored, so a leaked
database does not leak usable keys; the key itself is shown once, at creation.

Verified keys are cached in-process for ``cache_ttl_s`` (30 s by default), so most requests cost
no Cypher round trip. The price: a revoked key keeps working for up to ``cache_ttl_s`` in every
API process other than the one that revoked it (the CLI revokes from its own process, so for a
running server the delay is the full TTL at most).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import base58
from cachetools import LRUCache, TTLCache

from credmatch.domain.principal import ORG_ROLES, Principal, Role
from credmatch.errors import (
    AuthenticationError,
    GraphError,
    GraphUnavailableError,
    InputError,
    NotFoundError,
)
from credmatch.graph.queries import auth as q
from credmatch.graph.store import GraphStore, Record

log = logging.getLogger("credmatch.keys")

KEY_PREFIX = "cm"
_KEY_ID_BYTES = 8  # 16 hex characters: ids are looked up, not guessed, so 64 bits is plenty
_SECRET_BYTES = 32  # 256 bits of entropy: what makes a fast hash safe (see hash_key)
_KEY_RE = re.compile(r"^cm_(?P<id>[0-9a-f]{16})_(?P<secret>[1-9A-HJ-NP-Za-km-z]{32,64})$")
_KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_HASH_SCHEME = "sha256:"
MAX_LABEL_LENGTH = 200
_MAX_CACHED = 10_000  # verified plus refused ids held in memory, oldest dropped first


DEFAULT_ORG = "default"  # where keys made without --org (and before organisations) belong
_ORG_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_ISSUERS = 50


@dataclass(frozen=True)
class ApiKeyInfo:
    """One stored key as ``keys list`` shows it; it never holds the secret or its hash."""

    id: str
    role: Role
    learner_id: str | None
    label: str
    org_id: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool
    issuer_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key: ``token`` is the only copy of the secret; show it once."""

    info: ApiKeyInfo
    token: str


@dataclass(frozen=True)
class ParsedKey:
    key_id: str
    secret: str


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as e:
        roles = ", ".join(r.value for r in Role)
        raise InputError(f"unknown role {value!r}: use one of {roles}") from e


def new_key() -> tuple[str, str]:
    """A fresh ``(key_id, token)`` pair from the OS's CSPRNG."""
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    secret = base58.b58encode(secrets.token_bytes(_SECRET_BYTES)).decode("ascii")
    return key_id, format_key(key_id, secret)


def format_key(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}_{key_id}_{secret}"


def parse_key(token: str) -> ParsedKey:
    """Split a key into id and secret; raise AuthenticationError when it is not well formed."""
    match = _KEY_RE.fullmatch(token)
    if match is None:
        raise AuthenticationError(
            "malformed API key: expected 'cm_<16 hex>_<secret>' as issued by "
            "'credmatch keys create'"
        )
    return ParsedKey(key_id=match["id"], secret=match["secret"])


def hash_key(token: str) -> str:
    """The stored form of a key: SHA-256 of the whole ``cm_<id>_<secret>`` string.

    Not bcrypt/scrypt/argon2: slow hashes protect low-entropy passwords from offline guessing.
    A 256-bit random secret cannot be guessed at any hash speed, while a deliberately slow hash
    would cost tens of milliseconds of CPU per cache miss and hand anyone who sends wrong keys
    a cheap way to burn our CPU. Hashing the id along with the secret binds them together.
    """
    return _HASH_SCHEME + hashlib.sha256(token.encode("ascii")).hexdigest()


def key_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(hash_key(token).encode("ascii"), stored_hash.encode("ascii"))


def check_key_id(key_id: str) -> str:
    if not _KEY_ID_RE.fullmatch(key_id):
        raise InputError(
            f"{key_id!r} is not a key id: expected 16 hex characters, as 'credmatch keys list' "
            "prints them"
        )
    return key_id


@dataclass
class _Verified:
    principal: Principal
    hash: str


class KeyService:
    """Creates, lists, revokes and authenticates API keys stored in Neo4j."""

    def __init__(
        self,
        store: GraphStore,
        *,
        cache_ttl_s: float = 30.0,
        touch_interval_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._touch_interval = touch_interval_s
        self._clock = clock
        self._now = now
        # Verified and refused (unknown or revoked) ids expire cache_ttl_s after they were
        # filled, on the injected clock.
        self._verified: TTLCache[str, _Verified] = TTLCache(_MAX_CACHED, cache_ttl_s, clock)
        self._refused: TTLCache[str, bool] = TTLCache(_MAX_CACHED, cache_ttl_s, clock)
        self._touched: LRUCache[str, float] = LRUCache(_MAX_CACHED)  # key id -> last stamped

    async def create(
        self,
        role: Role | str,
        *,
        learner_id: str | None = None,
        label: str = "",
        org_id: str | None = None,
        org_name: str | None = None,
        issuer_ids: tuple[str, ...] | list[str] = (),
    ) -> IssuedKey:
        """Create a key. Recruiter, job-board and issuer keys belong to ``org_id`` (the
        ``default`` organisation when not given), created on first use with ``org_name``."""
        role = parse_role(role) if isinstance(role, str) else role
        learner_id = _check_learner(role, learner_id)
        org_id = _check_org(role, org_id)
        issuers = _check_issuers(role, issuer_ids)
        name = (org_name or "").strip() or None
        if name is not None and (org_id is None or len(name) > MAX_LABEL_LENGTH):
            raise InputError(
                f"--org-name names the key's organisation: give --org with it and keep it to "
                f"{MAX_LABEL_LENGTH} characters"
            )
        label = label.strip()
        if len(label) > MAX_LABEL_LENGTH:
            raise InputError(f"key label is {len(label)} characters; keep it to {MAX_LABEL_LENGTH}")
        key_id, token = new_key()
        rows = await self._store.write(
            q.CREATE_KEY,
            {
                "id": key_id,
                "hash": hash_key(token),
                "role": role.value,
                "learnerId": learner_id,
                "orgId": org_id,
                "orgName": name,
                "issuerIds": list(issuers),
                "label": label,
                "createdAt": self._now(),
            },
        )
        log.info("created API key %s (role %s, organisation %s)", key_id, role.value, org_id)
        return IssuedKey(info=_info(rows[0]), token=token)

    async def list(self) -> list[ApiKeyInfo]:
        return [_info(row) for row in await self._store.read(q.LIST_KEYS)]

    async def revoke(self, key_id: str) -> ApiKeyInfo:
        """Mark a key revoked (idempotent); NotFoundError when no key has this id."""
        rows = await self._store.write(
            q.REVOKE_KEY, {"id": check_key_id(key_id), "now": self._now()}
        )
        if not rows:
            raise NotFoundError(f"no API key with id {key_id}: see 'credmatch keys list'")
        self._verified.pop(key_id, None)
        log.info("revoked API key %s", key_id)
        return _info(rows[0])

    async def authenticate(self, token: str) -> Principal:
        """The principal a key stands for; AuthenticationError if it is not a live key."""
        parsed = parse_key(token)
        now = self._clock()
        principal = self._cached(parsed.key_id, token)
        if principal is None:
            principal = await self._lookup(parsed.key_id, token)
        await self._touch(parsed.key_id, now)
        return principal

    def _cached(self, key_id: str, token: str) -> Principal | None:
        if key_id in self._refused:
            raise _refused(key_id)
        entry = self._verified.get(key_id)
        if entry is None:
            return None
        if not key_matches(token, entry.hash):
            raise _refused(key_id)
        return entry.principal

    async def _lookup(self, key_id: str, token: str) -> Principal:
        rows = await self._store.read(q.KEY_FOR_AUTH, {"id": key_id})
        if not rows or rows[0]["revoked"]:
            self._refused[key_id] = True
            raise _refused(key_id)
        row = rows[0]
        if not key_matches(token, row["hash"]):
            # Not cached as refused: that would let a wrong secret lock out the real key.
            raise _refused(key_id)
        principal = Principal(
            key_id=key_id,
            role=Role(row["role"]),
            learner_id=row["learnerId"],
            org_id=row["orgId"],
            issuer_ids=tuple(row["issuerIds"]),
        )
        self._verified[key_id] = _Verified(principal=principal, hash=row["hash"])
        return principal

    async def _touch(self, key_id: str, now: float) -> None:
        last = self._touched.get(key_id)
        if last is not None and now - last < self._touch_interval:
            return
        self._touched[key_id] = now
        stamp = self._now()
        cutoff = stamp - timedelta(seconds=self._touch_interval)
        try:
            await self._store.write(
                q.TOUCH_KEY, {"id": key_id, "now": stamp, "cutoff": cutoff}, bump=False
            )
        except (GraphError, GraphUnavailableError) as e:  # a missed stamp must not fail a request
            log.warning("could not stamp last use of API key %s: %s", key_id, e)


def _check_learner(role: Role, learner_id: str | None) -> str | None:
    learner_id = (learner_id or "").strip() or None
    if role is Role.LEARNER and learner_id is None:
        raise InputError("a learner key needs the learner id it is bound to (--learner ID)")
    if role is not Role.LEARNER and learner_id is not None:
        raise InputError(f"only learner keys are bound to a learner; drop --learner for {role}")
    return learner_id


def check_org_id(org_id: str) -> str:
    if not _ORG_ID_RE.fullmatch(org_id):
        raise InputError(
            f"{org_id!r} is not an organisation id: use 1-64 lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    return org_id


def _check_org(role: Role, org_id: str | None) -> str | None:
    org_id = (org_id or "").strip() or None
    if role not in ORG_ROLES:
        if org_id is not None:
            raise InputError(f"{role} keys belong to no organisation; drop --org")
        return None
    return check_org_id(org_id or DEFAULT_ORG)


def _check_issuers(role: Role, issuer_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    issuers = tuple(dict.fromkeys(i.strip() for i in issuer_ids if i.strip()))
    if role is not Role.ISSUER and issuers:
        raise InputError(f"only issuer keys are bound to issuer ids; drop --issuer for {role}")
    if len(issuers) > MAX_ISSUERS:
        raise InputError(f"a key is bound to {len(issuers)} issuers; the limit is {MAX_ISSUERS}")
    bad = [i for i in issuers if ":" not in i or len(i) > 2000]
    if bad:
        raise InputError(f"--issuer {bad[0]!r} is not an issuer id (a DID or URL, e.g. did:web:…)")
    return issuers


def _refused(key_id: str) -> AuthenticationError:
    # The key id is safe to name (it is not a secret); the secret never appears in messages.
    return AuthenticationError(f"API key {key_id} is unknown, revoked or wrong")


def _info(row: Record) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row["id"],
        role=Role(row["role"]),
        learner_id=row["learnerId"],
        org_id=row["orgId"],
        issuer_ids=tuple(row["issuerIds"] or ()),
        label=row["label"] or "",
        created_at=_native(row["createdAt"]),
        last_used_at=_native(row["lastUsedAt"]) if row["lastUsedAt"] is not None else None,
        revoked=bool(row["revoked"]),
    )


def _native(value: Any) -> datetime:
    # The driver returns neo4j.time.DateTime; callers get the standard library type.
    native = value.to_native() if hasattr(value, "to_native") else value
    if not isinstance(native, datetime):
        raise GraphError(f"ApiKey timestamp {value!r} is not a datetime")
    return native

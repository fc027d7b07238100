"""Who acts for which organisation, and whose records a principal may touch.

One place answers the tenancy questions every resolver (and later subscriptions) asks:
which organisation a key acts for, whether it may rank or write a posting, whether an issuer
key may load a credential. The rules:

- recruiter, job-board and issuer keys act for exactly one organisation (``Principal.org_id``);
  admin and learner keys for none;
- a posting belongs to the organisation that created it; only its own organisation's job-board
  keys (and admin) write it, only its own organisation's keys (and admin) see it, rank
  candidates for it or read gap reports against it; learners may read any posting;
- a posting another organisation owns answers exactly as a posting that does not exist
  (NOT_FOUND), so ids cannot be probed;
- an issuer key loads only credentials whose issuer is one of its bound ids.
"""

from __future__ import annotations

import hashlib
import json

from credmatch.domain.principal import ORG_ROLES, Principal, Role
from credmatch.errors import NotFoundError, PermissionDeniedError
from credmatch.services.api_keys import DEFAULT_ORG

__all__ = [
    "DEFAULT_ORG",
    "acting_org",
    "check_org_write",
    "logs_access",
    "may_load_issuer",
    "may_see",
    "may_write",
    "posting_id",
    "posting_not_found",
    "posting_scope",
]

_RANKERS = frozenset({Role.RECRUITER, Role.JOBBOARD})
_SEE_ALL = frozenset({Role.ADMIN, Role.LEARNER})


def posting_id(org_id: str, external_id: str) -> str:
    """The global id of ``org_id``'s posting ``external_id``.

    Postings of the ``default`` organisation (the seed, CLI loads, postings from before
    organisations) keep their external id as their id, so existing ids keep working; every
    other organisation's postings get an opaque ``jp_`` id that no other organisation's
    identifier can collide with by accident.
    """
    if org_id == DEFAULT_ORG:
        return external_id
    # JSON keeps the pair unambiguous whatever characters the external id holds.
    digest = hashlib.sha256(json.dumps([org_id, external_id]).encode()).hexdigest()
    return f"jp_{digest[:24]}"


def acting_org(principal: Principal) -> str | None:
    """The organisation a key acts for (None for admin and learner keys)."""
    return principal.org_id if principal.role in ORG_ROLES else None


def posting_scope(principal: Principal) -> str | None:
    """Whose postings ``jobPostings`` lists: every posting (None) for admin and learner keys,
    the key's own organisation's for every other key."""
    if principal.role in _SEE_ALL:
        return None
    return principal.org_id or ""


def may_see(principal: Principal, owner_id: str | None) -> bool:
    """Whether the key may read a posting, rank candidates for it or read gap reports against
    it (what its role allows at all is the policy's business, api/auth.py)."""
    if principal.role in _SEE_ALL:
        return True
    return owner_id is not None and principal.org_id == owner_id


def logs_access(principal: Principal) -> bool:
    """Whether reads of learners' evidence by this key go to the access log."""
    return principal.role in _RANKERS


def may_write(principal: Principal, owner_id: str | None) -> bool:
    """Whether the key may update or delete a posting owned by ``owner_id``."""
    if principal.role is Role.ADMIN:
        return True
    return principal.role is Role.JOBBOARD and owner_id is not None and principal.org_id == owner_id


def posting_not_found(job_id: str) -> NotFoundError:
    # The same words whether the posting is missing or another organisation's.
    return NotFoundError(f"no job posting with id {job_id!r}")


def check_org_write(principal: Principal, org_id: str) -> str:
    """The organisation a posting write goes to; FORBIDDEN when a key names another one."""
    if principal.role is Role.ADMIN or principal.org_id == org_id:
        return org_id
    raise PermissionDeniedError(
        f"API key {principal.key_id} acts for organisation {principal.org_id!r} and may not "
        f"write postings of organisation {org_id!r}"
    )


def may_load_issuer(principal: Principal, issuer_id: str | None) -> bool:
    """Whether an API key may load a credential from ``issuer_id`` (admin: any)."""
    if principal.role is Role.ADMIN:
        return True
    return issuer_id is not None and issuer_id in principal.issuer_ids

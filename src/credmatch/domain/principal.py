"""Who a request acts as: the role of its API key and what that key is bound to.

The API keys themselves (issuing, hashing, authenticating) are services/api_keys.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    RECRUITER = "recruiter"
    JOBBOARD = "jobboard"
    ISSUER = "issuer"
    LEARNER = "learner"
    ADMIN = "admin"


# Roles whose keys act for an organisation; admin and learner keys belong to none.
ORG_ROLES = frozenset({Role.RECRUITER, Role.JOBBOARD, Role.ISSUER})


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the key's id, its role, for learner keys the learner, for
    recruiter, job-board and issuer keys the organisation, and for issuer keys the issuer ids
    whose credentials it may load."""

    key_id: str
    role: Role
    learner_id: str | None = None
    org_id: str | None = None
    issuer_ids: tuple[str, ...] = ()

"""The tenancy rules on their own: which postings a key sees and writes, which issuers it loads."""

from __future__ import annotations

import pytest

from credmatch.domain.principal import Principal, Role
from credmatch.errors import PermissionDeniedError
from credmatch.tenancy import (
    check_org_write,
    logs_access,
    may_load_issuer,
    may_see,
    may_write,
    posting_id,
    posting_scope,
)

A_BOARD = Principal("k1", Role.JOBBOARD, org_id="a")
A_RECRUITER = Principal("k2", Role.RECRUITER, org_id="a")
A_ISSUER = Principal("k3", Role.ISSUER, org_id="a", issuer_ids=("did:web:a.example",))
B_BOARD = Principal("k4", Role.JOBBOARD, org_id="b")
LEARNER = Principal("k5", Role.LEARNER, learner_id="did:x")
ADMIN = Principal("k6", Role.ADMIN)


def test_posting_ids_are_per_organisation_and_default_keeps_its_ids() -> None:
    assert posting_id("default", "acme-1") == "acme-1"
    a, b = posting_id("a", "acme-1"), posting_id("b", "acme-1")
    assert a != b and a.startswith("jp_") and len(a) == 27
    assert posting_id("a", "acme-1") == a  # stable: upserting again finds the same posting
    assert posting_id("a\x1fb", "c") != posting_id("a", "b\x1fc")


@pytest.mark.parametrize(
    ("who", "sees_a", "writes_a", "scope", "logged"),
    [
        (A_BOARD, True, True, "a", True),
        (A_RECRUITER, True, False, "a", True),
        (A_ISSUER, True, False, "a", False),
        (B_BOARD, False, False, "b", True),
        (LEARNER, True, False, None, False),
        (ADMIN, True, True, None, False),
    ],
)
def test_who_sees_and_writes_organisation_a_s_posting(
    who: Principal, sees_a: bool, writes_a: bool, scope: str | None, logged: bool
) -> None:
    assert may_see(who, "a") is sees_a
    assert may_write(who, "a") is writes_a
    assert posting_scope(who) == scope
    assert logs_access(who) is logged
    assert may_see(who, None) is (who.role in (Role.LEARNER, Role.ADMIN))


def test_writes_naming_another_organisation_are_forbidden() -> None:
    assert check_org_write(A_BOARD, "a") == "a"
    assert check_org_write(ADMIN, "b") == "b"
    with pytest.raises(PermissionDeniedError, match="may not write postings of organisation"):
        check_org_write(B_BOARD, "a")


def test_issuer_keys_load_only_their_bound_issuers() -> None:
    assert may_load_issuer(A_ISSUER, "did:web:a.example")
    assert not may_load_issuer(A_ISSUER, "did:web:b.example")
    assert not may_load_issuer(A_ISSUER, None)
    assert not may_load_issuer(Principal("k7", Role.ISSUER, org_id="a"), "did:web:a.example")
    assert may_load_issuer(ADMIN, "did:web:anything.example")

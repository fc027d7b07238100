from __future__ import annotations

import hashlib

import pytest

from credmatch.errors import InputError
from credmatch.services.api_keys import (
    AuthenticationError,
    check_key_id,
    format_key,
    hash_key,
    key_matches,
    new_key,
    parse_key,
    parse_role,
)


def test_new_keys_parse_back_to_their_id() -> None:
    key_id, token = new_key()
    parsed = parse_key(token)
    assert parsed.key_id == key_id
    assert token == format_key(parsed.key_id, parsed.secret)
    assert token.startswith(f"cm_{key_id}_")


def test_new_keys_are_unique_and_high_entropy() -> None:
    tokens = {new_key()[1] for _ in range(500)}
    assert len(tokens) == 500
    ids = {parse_key(t).key_id for t in tokens}
    assert len(ids) == 500
    # 32 random bytes in base58 are 43-44 characters (fewer only with leading zero bytes).
    assert min(len(parse_key(t).secret) for t in tokens) >= 40


def test_hash_is_sha256_of_the_whole_key_and_never_the_key() -> None:
    _, token = new_key()
    stored = hash_key(token)
    assert stored == "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    assert parse_key(token).secret not in stored


def test_key_matches_only_its_own_hash() -> None:
    _, token = new_key()
    _, other = new_key()
    assert key_matches(token, hash_key(token))
    assert not key_matches(other, hash_key(token))
    # Same id, different secret: the id alone must never be enough.
    forged = format_key(parse_key(token).key_id, parse_key(other).secret)
    assert not key_matches(forged, hash_key(token))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "Bearer cm_0123456789abcdef_" + "A" * 44,
        "cm_0123456789abcdef",
        "cm_0123456789ABCDEF_" + "A" * 44,  # ids are lower-case hex
        "cm_0123456789abcde_" + "A" * 44,  # 15-character id
        "cm_0123456789abcdef_" + "0" * 44,  # '0' is not base58
        "cm_0123456789abcdef_" + "A" * 10,  # too short to be a real secret
        "xx_0123456789abcdef_" + "A" * 44,
        "cm_0123456789abcdef_" + "A" * 44 + "\n",
    ],
)
def test_malformed_keys_are_refused_before_any_lookup(token: str) -> None:
    with pytest.raises(AuthenticationError) as e:
        parse_key(token)
    assert e.value.code == "UNAUTHENTICATED"
    assert "cm_<16 hex>_<secret>" in str(e.value)


def test_role_and_key_id_validation_name_the_choices() -> None:
    assert parse_role("jobboard").value == "jobboard"
    with pytest.raises(InputError, match="recruiter, jobboard, issuer, learner, admin"):
        parse_role("superuser")
    assert check_key_id("0123456789abcdef") == "0123456789abcdef"
    with pytest.raises(InputError, match="16 hex characters"):
        check_key_id("cm_0123456789abcdef_secret")

"""Standard Webhooks signatures: the published test vector, and our bodies and secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from credmatch.errors import InputError
from credmatch.webhooks import signing

# The test vector published with the Standard Webhooks reference libraries
# (github.com/standard-webhooks/standard-webhooks, MIT licence).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_published_test_vector_signs_exactly() -> None:
    assert signing.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == (
        VECTOR_SIGNATURE
    )
    headers = signing.headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    assert headers["webhook-id"] == VECTOR_ID
    assert headers["webhook-timestamp"] == "1614265330"
    assert headers["webhook-signature"] == VECTOR_SIGNATURE


def test_new_secrets_are_whsec_base64_of_32_random_bytes() -> None:
    one, two = signing.new_secret(), signing.new_secret()
    assert one != two and one.startswith("whsec_")
    assert len(base64.b64decode(one[len("whsec_") :])) == 32


@pytest.mark.parametrize(
    ("secret", "words"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with"),
        ("whsec_not base64!", "not base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "decodes to 5 bytes"),
    ],
)
def test_malformed_secrets_are_refused_naming_the_field(secret: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        signing.secret_key(secret)
    assert str(caught.value).startswith("secret:")


def test_a_delivery_body_is_stable_json_with_id_type_and_timestamp() -> None:
    delivery = {
        "id": "msg_1",
        "type": "CANDIDATE_MATCHED",
        "createdAt": "2026-11-29T17:00:00.000000Z",
        "jobId": "jp_1",
        "learnerId": "did:example:l",
        "score": 0.61,
        "previousScore": None,
    }
    body = signing.body(delivery)
    assert body == signing.body(dict(reversed(list(delivery.items()))))
    assert json.loads(body) == {
        "id": "msg_1",
        "type": "candidate.matched",
        "timestamp": "2026-11-29T17:00:00.000000Z",
        "data": {"jobId": "jp_1", "learnerId": "did:example:l", "score": 0.61,
                 "previousScore": None},
    }  # fmt: skip
    # Independently: what a receiver computes from the secret and the headers.
    secret = signing.new_secret()
    key = base64.b64decode(secret[len("whsec_") :])
    expected = hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()
    assert (
        signing.sign(secret, "msg_1", 1700000000, body)
        == "v1," + base64.b64encode(expected).decode()
    )

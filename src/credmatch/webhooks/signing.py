"""Standard Webhooks (https://www.standardwebhooks.com/, spec v1): secrets, message bodies
and signatures.

A secret is ``whsec_`` + base64 of 24 to 64 random bytes; the HMAC key is the decoded bytes.
A delivery carries ``webhook-id`` (the message id, the same on every retry),
``webhook-timestamp`` (integer seconds of this attempt) and ``webhook-signature``:
``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

from credmatch.errors import InputError

PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; InputError when it is not one."""
    if not secret.startswith(PREFIX):
        raise InputError(f"secret: must start with {PREFIX!r} followed by base64")
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except ValueError as e:
        raise InputError(f"secret: the part after {PREFIX!r} is not base64 ({e})") from e
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise InputError(
            f"secret: decodes to {len(key)} bytes; give {MIN_KEY_BYTES} to {MAX_KEY_BYTES}"
        )
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


_TYPES = {"CANDIDATE_MATCHED": "candidate.matched", "CANDIDATE_UNMATCHED": "candidate.unmatched"}


def body(delivery: Mapping[str, Any]) -> bytes:
    """A delivery's JSON body, the same bytes on every attempt (built from stored fields)."""
    message = {
        "id": delivery["id"],
        "type": _TYPES[delivery["type"]],
        "timestamp": delivery["createdAt"],
        "data": {
            "jobId": delivery["jobId"],
            "learnerId": delivery["learnerId"],
            "score": delivery.get("score"),
            "previousScore": delivery.get("previousScore"),
        },
    }
    return json.dumps(message, separators=(",", ":"), sort_keys=True).encode()

"""Multibase / multicodec encoding of Ed25519 keys and signatures (did:key, Multikey)."""

from __future__ import annotations

import base64

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded


class KeyFormatError(ValueError):
    """A multibase key or signature that cannot be decoded (message says why)."""


def encode_base58btc(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: str) -> bytes:
    """Bytes of a base58btc (``z``) or base64url (``u``) multibase string."""
    if not value:
        raise KeyFormatError("empty multibase value")
    prefix, body = value[0], value[1:]
    try:
        if prefix == "z":
            return _b58decode(body)
        if prefix == "u":
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as e:
        raise KeyFormatError(f"multibase value {value[:16]}... does not decode: {e}") from e
    raise KeyFormatError(f"multibase prefix {prefix!r} is not supported (use z or u)")


_B58_ALPHABET = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_DIGITS = {byte: n for n, byte in enumerate(_B58_ALPHABET)}


def _b58decode(body: str) -> bytes:
    """``base58.b58decode(body)``, several times faster for clean input (signatures, keys).

    Input with anything but alphabet characters (whitespace, which base58 strips at the end,
    or invalid characters) goes to base58 itself, which accepts or rejects it as before.
    """
    if not body.isascii():
        return bytes(base58.b58decode(body))
    raw = body.encode("ascii")
    if raw.translate(None, _B58_ALPHABET):
        return bytes(base58.b58decode(body))
    digits = _B58_DIGITS
    value = 0
    for byte in raw:
        value = value * 58 + digits[byte]
    zeros = len(raw) - len(raw.lstrip(b"1"))
    return b"\0" * zeros + value.to_bytes((value.bit_length() + 7) // 8, "big")


def public_key_multibase(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return encode_base58btc(ED25519_PUB_PREFIX + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def ed25519_from_multikey(value: str) -> Ed25519PublicKey:
    """The Ed25519 key in a Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
    raw = decode_multibase(value)
    if raw[:2] != ED25519_PUB_PREFIX:
        raise KeyFormatError(
            f"key {value[:16]}... is not an Ed25519 multikey (multicodec prefix 0xed01 expected)"
        )
    if len(raw) != 34:
        raise KeyFormatError(f"key {value[:16]}... has {len(raw) - 2} key bytes, 32 expected")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def ed25519_from_raw_multibase(value: str) -> Ed25519PublicKey:
    """An Ed25519 key as bare multibase bytes (Ed25519VerificationKey2020 may omit the codec)."""
    raw = decode_multibase(value)
    if len(raw) == 34 and raw[:2] == ED25519_PUB_PREFIX:
        raw = raw[2:]
    if len(raw) != 32:
        raise KeyFormatError(f"key {value[:16]}... is not a 32-byte Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(raw)

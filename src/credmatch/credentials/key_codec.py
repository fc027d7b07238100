"""Multibase / multicodec encoding of public keys and signatures (did:key, Multikey, JWK).

Ed25519, and the NIST curves P-256 and P-384 (compressed points, as Multikey requires).
The curve arithmetic is the ``cryptography`` package's.
"""

from __future__ import annotations

import base64
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
P256_PUB_PREFIX = b"\x80\x24"  # multicodec p256-pub (0x1200), varint-encoded
P384_PUB_PREFIX = b"\x81\x24"  # multicodec p384-pub (0x1201), varint-encoded
# Multicodec prefix -> (curve, compressed point length, name).
EC_MULTIKEYS: dict[bytes, tuple[ec.EllipticCurve, int, str]] = {
    P256_PUB_PREFIX: (ec.SECP256R1(), 33, "P-256"),
    P384_PUB_PREFIX: (ec.SECP384R1(), 49, "P-384"),
}
JWK_CURVES: dict[str, tuple[ec.EllipticCurve, int]] = {
    "P-256": (ec.SECP256R1(), 32),
    "P-384": (ec.SECP384R1(), 48),
}
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


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


def public_key_from_multikey(value: str) -> PublicKey:
    """The key in a Multikey ``publicKeyMultibase``: Ed25519 (``z6Mk``), P-256 (``zDn``) or
    P-384 (``z82``), the NIST curves as compressed points."""
    raw = decode_multibase(value)
    curve = EC_MULTIKEYS.get(raw[:2])
    if curve is None:
        if raw[:2] != ED25519_PUB_PREFIX:
            raise KeyFormatError(
                f"key {value[:16]}... has multicodec prefix 0x{raw[:2].hex()}; supported: "
                "Ed25519 (0xed01), P-256 (0x8024) and P-384 (0x8124), varint-encoded"
            )
        return ed25519_from_multikey(value)
    kind, length, name = curve
    point = raw[2:]
    if len(point) != length or point[:1] not in (b"\x02", b"\x03"):
        raise KeyFormatError(
            f"key {value[:16]}... is not a compressed {name} point ({length} bytes starting "
            f"0x02 or 0x03 expected, got {len(point)} bytes)"
        )
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(kind, point)
    except ValueError as e:
        raise KeyFormatError(f"key {value[:16]}... is not a point on {name}: {e}") from e


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """The key in an EC (P-256, P-384) or OKP (Ed25519) JWK."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return Ed25519PublicKey.from_public_bytes(_b64url(jwk["x"]))
        if kty == "EC" and isinstance(crv, str) and crv in JWK_CURVES:
            curve, size = JWK_CURVES[crv]
            x, y = _b64url(jwk["x"]), _b64url(jwk["y"])
            if len(x) != size or len(y) != size:
                raise KeyFormatError(f"{crv} JWK coordinates must be {size} bytes each")
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve
            )
            return numbers.public_key()
    except (KeyError, TypeError, ValueError) as e:
        raise KeyFormatError(f"JWK is malformed: {e}") from e
    raise KeyFormatError(f"JWK type {kty}/{crv} is not supported (EC P-256/P-384, OKP Ed25519)")


def curve_name(key: PublicKey) -> str:
    """Ed25519, P-256 or P-384 (what a signature check needs to know about a key)."""
    if isinstance(key, Ed25519PublicKey):
        return "Ed25519"
    return {"secp256r1": "P-256", "secp384r1": "P-384"}.get(key.curve.name, key.curve.name)


def _b64url(value: Any) -> bytes:
    if not isinstance(value, str):
        raise KeyFormatError("JWK coordinates must be base64url strings")
    return decode_multibase("u" + value)

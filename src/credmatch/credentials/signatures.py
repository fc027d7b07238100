"""Check one Data Integrity signature: Ed25519 (eddsa suites) or ECDSA on P-256 / P-384.

ECDSA signatures in proofValue are IEEE P1363 ``r || s`` (64 bytes on P-256, 96 on P-384);
the hash is SHA-256 on P-256 and SHA-384 on P-384 (vc-di-ecdsa, section 3). The curve
arithmetic is the ``cryptography`` package's.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from credmatch.credentials.key_codec import PublicKey, curve_name
from credmatch.credentials.methods import MethodError

# Curve -> (hash name, signature bytes).
ECDSA_CURVES = {"P-256": ("sha256", 64), "P-384": ("sha384", 96)}
ECDSA_HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384()}


def family(suite: str) -> str:
    """eddsa or ecdsa: the key type a suite signs with."""
    return "ecdsa" if suite.startswith("ecdsa-") else "eddsa"


def hash_for(suite: str, key: PublicKey) -> str:
    """The hash a suite uses with this key (raises when the key does not fit the suite)."""
    name = curve_name(key)
    if family(suite) == "eddsa":
        if name != "Ed25519":
            raise MethodError(
                "bad_method", f"{suite} needs an Ed25519 key; the verification method has {name}"
            )
        return "sha256"
    if name not in ECDSA_CURVES:
        raise MethodError(
            "bad_method", f"{suite} needs a P-256 or P-384 key; the verification method has {name}"
        )
    return ECDSA_CURVES[name][0]


def verify(suite: str, key: PublicKey, signature: bytes, data: bytes, signer: str) -> None:
    """Raise MethodError (``bad_signature``) unless ``signature`` signs ``data`` with ``key``."""
    try:
        if isinstance(key, Ed25519PublicKey):
            _length(signature, 64, "an Ed25519")
            key.verify(signature, data)
        else:
            verify_ecdsa(key, signature, data)
    except InvalidSignature as e:
        raise MethodError(
            "bad_signature",
            f"{suite} signature by {signer} does not match the document: it was altered after "
            "signing or signed with another key",
        ) from e


def verify_ecdsa(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> None:
    """Check an IEEE P1363 ECDSA signature over ``data`` (hashed with the curve's hash)."""
    name = curve_name(key)
    hash_name, size = ECDSA_CURVES[name]
    _length(signature, size, f"a {name}")
    half = size // 2
    der = encode_dss_signature(
        int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
    )
    key.verify(der, data, ec.ECDSA(ECDSA_HASHES[hash_name]))


def _length(signature: bytes, expected: int, what: str) -> None:
    if len(signature) != expected:
        raise MethodError(
            "bad_proof",
            f"proofValue holds {len(signature)} bytes; {what} signature has {expected} "
            "(truncated, or made with another key type?)",
        )

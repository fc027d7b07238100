"""ecdsa-sd-2023 derived proofs (W3C vc-di-ecdsa, section 3.4), verification only.

A derived proof carries the issuer's base signature over
``proofHash || ephemeral public key || mandatoryHash`` and one signature by the ephemeral
P-256 key per disclosed non-mandatory N-Quad. The verifier canonicalises the revealed
document (RDFC-1.0), replaces the canonical blank node labels with the HMAC-derived labels the
proof carries, sorts the N-Quads, and splits them by the proof's mandatory indexes.

Base proofs (header 0xd95d00) are for the holder, who derives a disclosure from them; a
verifier refuses them. The CBOR payload must be exactly the five components the spec lists,
with no tags and nothing after them (checked by re-encoding it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from credmatch.credentials import canonical, signatures
from credmatch.credentials.key_codec import (
    P256_PUB_PREFIX,
    KeyFormatError,
    PublicKey,
    decode_multibase,
    encode_base58btc,
    public_key_from_multikey,
)
from credmatch.credentials.methods import MethodError

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
SUITE = "ecdsa-sd-2023"
# N-Quads terms: a literal, an IRI, or a canonical blank node label (the only thing replaced).
_TERM = re.compile(r'"(?:[^"\\]|\\.)*"|<[^>]*>|_:c14n[0-9]+')


@dataclass(frozen=True)
class DerivedProof:
    base_signature: bytes
    public_key: bytes  # the ephemeral key, multikey-encoded (0x8024 + compressed P-256 point)
    signatures: list[bytes]
    label_map: dict[str, str]  # canonical label (c14nN) -> HMAC label (u...)
    mandatory_indexes: list[int]


def verify_derived(unsecured: Any, n: int, proof: dict[str, Any], key: PublicKey) -> str:
    """Raise MethodError unless ``proof`` is a valid derived proof by ``key`` for
    ``unsecured`` (a proofs.Unsecured); returns a note for the report."""
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise MethodError("bad_method", f"{SUITE} needs a P-256 key; the method has Ed25519")
    hash_name = signatures.hash_for(SUITE, key)
    derived = parse_derived(proof.get("proofValue"))
    ephemeral = _ephemeral_key(derived.public_key)
    nquads = relabelled_nquads(unsecured.canonical("rdfc").decode("utf-8"), derived.label_map)
    if derived.mandatory_indexes and derived.mandatory_indexes[-1] >= len(nquads):
        raise MethodError(
            "bad_proof",
            f"{SUITE}: mandatory index {derived.mandatory_indexes[-1]} is past the document's "
            f"{len(nquads)} statements",
        )
    mandatory_at = set(derived.mandatory_indexes)
    mandatory = [q for i, q in enumerate(nquads) if i in mandatory_at]
    optional = [q for i, q in enumerate(nquads) if i not in mandatory_at]
    if len(derived.signatures) != len(optional):
        raise MethodError(
            "bad_signature",
            f"{SUITE}: the proof signs {len(derived.signatures)} disclosed statements but the "
            f"document has {len(optional)} non-mandatory ones: statements were added or "
            "removed after signing",
        )
    proof_hash = _proof_hash(unsecured, n, proof, hash_name)
    mandatory_hash = hashlib.new(hash_name, "".join(mandatory).encode("utf-8")).digest()
    _check(key, derived.base_signature, proof_hash + derived.public_key + mandatory_hash, "base")
    for i, (signature, statement) in enumerate(zip(derived.signatures, optional, strict=True)):
        _check(ephemeral, signature, statement.encode("utf-8"), f"statement {i}")
    return (
        f" (derived proof: {len(mandatory)} mandatory and {len(optional)} selectively "
        "disclosed statements)"
    )


def parse_derived(value: Any) -> DerivedProof:
    """The five components of a derived proofValue; MethodError (bad_proof) says what is wrong."""
    if not isinstance(value, str) or not value.startswith("u"):
        raise MethodError("bad_proof", f"{SUITE} proofValue must be base64url multibase ('u...')")
    try:
        raw = decode_multibase(value)
    except (KeyFormatError, ValueError) as e:
        raise MethodError("bad_proof", f"{SUITE} proofValue does not decode: {e}") from e
    if raw[:3] == BASE_HEADER:
        raise MethodError(
            "bad_proof",
            f"this is an {SUITE} base proof, meant for the holder to derive a disclosure from; "
            "a verifier needs a derived proof (header 0xd95d01)",
        )
    if raw[:3] != DERIVED_HEADER:
        raise MethodError(
            "bad_proof", f"{SUITE} proofValue header is 0x{raw[:3].hex()}, not 0xd95d01"
        )
    return _components(_cbor(raw[3:]))


def relabelled_nquads(canonical_nquads: str, label_map: dict[str, str]) -> list[str]:
    """Canonical N-Quads with each _:c14nN replaced by _:<label map value>, sorted."""

    def replace(match: re.Match[str]) -> str:
        term = match.group(0)
        if not term.startswith("_:"):
            return term
        label = label_map.get(term[2:])
        if label is None:
            raise MethodError(
                "bad_signature",
                f"{SUITE}: the label map has no label for blank node {term}: the document's "
                "blank nodes do not match the proof",
            )
        return "_:" + label

    lines = [line + "\n" for line in canonical_nquads.split("\n") if line]
    return sorted(_TERM.sub(replace, line) for line in lines)


def _cbor(data: bytes) -> Any:
    import cbor2

    try:
        components = cbor2.loads(data)
        exact = cbor2.dumps(components) == data
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise MethodError("bad_proof", f"{SUITE} proofValue is not valid CBOR: {e}") from e
    if not exact:
        raise MethodError(
            "bad_proof",
            f"{SUITE} proofValue is not plain CBOR: it uses tags, a non-minimal encoding or "
            "has bytes after the five components",
        )
    return components


def _components(components: Any) -> DerivedProof:
    def bad(what: str) -> MethodError:
        return MethodError("bad_proof", f"{SUITE} derived proofValue: {what}")

    if not isinstance(components, list) or len(components) != 5:
        raise bad("the CBOR payload must be an array of 5 components")
    base, public, sigs, labels, indexes = components
    if not isinstance(base, bytes) or len(base) != 64:
        raise bad("the base signature must be 64 bytes")
    if not isinstance(public, bytes) or len(public) != 35 or public[:2] != P256_PUB_PREFIX:
        raise bad("the ephemeral public key must be a P-256 multikey (0x8024 + 33 bytes)")
    if not isinstance(sigs, list) or not all(isinstance(s, bytes) and len(s) == 64 for s in sigs):
        raise bad("the signatures must be an array of 64-byte values")
    if not isinstance(labels, dict) or not all(
        type(k) is int and k >= 0 and isinstance(v, bytes) and len(v) == 32
        for k, v in labels.items()
    ):
        raise bad("the label map must map non-negative integers to 32-byte values")
    if not isinstance(indexes, list) or not all(type(i) is int and i >= 0 for i in indexes):
        raise bad("the mandatory indexes must be an array of non-negative integers")
    if any(a >= b for a, b in pairwise(indexes)):
        # One way to write each proof: a repeated or reordered index changes nothing signed.
        raise bad("the mandatory indexes must be strictly increasing")
    label_map = {f"c14n{k}": "u" + _b64url(v) for k, v in labels.items()}
    return DerivedProof(base, public, sigs, label_map, indexes)


def _ephemeral_key(public: bytes) -> ec.EllipticCurvePublicKey:
    try:
        key = public_key_from_multikey(encode_base58btc(public))
    except KeyFormatError as e:
        raise MethodError("bad_proof", f"{SUITE} ephemeral public key: {e}") from e
    assert isinstance(key, ec.EllipticCurvePublicKey)  # the 0x8024 prefix was checked
    return key


def _proof_hash(unsecured: Any, n: int, proof: dict[str, Any], hash_name: str) -> bytes:
    from credmatch.credentials.proofs import config_digest, proof_config

    config: Any = proof_config(proof, unsecured.doc.get("@context"))
    if unsecured.expanded_configs and n in unsecured.expanded_configs:
        config = unsecured.expanded_configs[n]()
    try:
        return config_digest(config, "rdfc", unsecured.documents, hash_name=hash_name)
    except canonical.UnsafeJsonLdError as e:
        raise MethodError("bad_proof", f"cannot canonicalise the proof options: {e}") from e


def _check(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes, what: str) -> None:
    try:
        signatures.verify_ecdsa(key, signature, data)
    except InvalidSignature as e:
        raise MethodError(
            "bad_signature",
            f"{SUITE} {what} signature does not match the document: it was altered after "
            "signing or signed with another key",
        ) from e


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

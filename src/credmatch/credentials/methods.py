"""Resolve a proof's verification method to a public key and check the issuer controls it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from credmatch.credentials.documents import DocumentStore, did_web_url
from credmatch.credentials.keys import (
    KeyFormatError,
    decode_multibase,
    ed25519_from_multikey,
    ed25519_from_raw_multibase,
)
from credmatch.errors import DocumentNotAvailableError


class MethodError(Exception):
    """The verification method cannot be used; ``code`` says whether it is missing or bad."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ResolvedMethod:
    id: str
    controller: str
    material: dict[str, Any]  # publicKeyMultibase / publicKeyJwk as found
    type: str


def resolve_method(
    vm_id: str, documents: DocumentStore, relationship: str = "assertionMethod"
) -> ResolvedMethod:
    """Find ``vm_id`` and its key material: did:key locally, did:web and http(s) in the store.

    A method found in a document must be listed under ``relationship`` there
    (``assertionMethod`` to sign credentials, ``authentication`` to sign presentations); a
    did:key's one key serves both.
    """
    if vm_id.startswith("did:key:"):
        return _did_key(vm_id)
    if vm_id.startswith("did:web:"):
        return _from_document(
            vm_id, did_web_url(vm_id), vm_id.split("#", 1)[0], documents, relationship
        )
    if vm_id.startswith("did:"):
        method = vm_id.split(":", 2)[1]
        raise MethodError(
            "key_unresolved",
            f"verification method {vm_id} uses DID method did:{method}, which credmatch cannot "
            "resolve (supported: did:key, did:web, https)",
        )
    if vm_id.startswith(("https://", "http://", "urn:")):
        # Controller documents come from the store (or an allow-listed fetch for http(s));
        # a urn: controller can only be known to the operator's store.
        base = vm_id.split("#", 1)[0]
        return _from_document(vm_id, base, base, documents, relationship)
    if ":" not in vm_id:
        raise MethodError("bad_method", f"verification method {vm_id!r} is not a URI (no scheme)")
    raise MethodError(
        "bad_method",
        f"verification method {vm_id} has URI scheme {vm_id.split(':', 1)[0]!r}; "
        "use did:key, did:web or https",
    )


def check_controller(method: ResolvedMethod, issuer: str | None) -> None:
    """Raise unless the method's controller is the credential's issuer."""
    if issuer is None:
        raise MethodError(
            "key_mismatch", "credential has no issuer id to match the signing key against"
        )
    if method.controller != issuer:
        raise MethodError(
            "key_mismatch",
            f"signing key {method.id} is controlled by {method.controller}, not by the issuer "
            f"{issuer}; the credential was not signed by its issuer",
        )


def ed25519_key(method: ResolvedMethod) -> Any:
    """The Ed25519 public key of a Multikey / Ed25519VerificationKey2020 / OKP JWK method."""
    multibase = method.material.get("publicKeyMultibase")
    if type(multibase) is str:
        # The key depends on nothing else; errors are not cached and name the method.
        try:
            return _multibase_key(multibase, method.type == "Ed25519VerificationKey2020")
        except (KeyFormatError, ValueError) as e:
            raise MethodError("bad_method", f"verification method {method.id}: {e}") from e
    return _ed25519_key(method.id, method.type, json.dumps(method.material, sort_keys=True))


@lru_cache(maxsize=4096)
def _multibase_key(multibase: str, raw: bool) -> Any:
    return ed25519_from_raw_multibase(multibase) if raw else ed25519_from_multikey(multibase)


@lru_cache(maxsize=4096)
def _ed25519_key(method_id: str, method_type: str, material_json: str) -> Any:
    # Decoding multibase keys is slow in pure Python and the same few keys sign everything.
    material = json.loads(material_json)
    method = ResolvedMethod(method_id, "", material, method_type)
    try:
        if isinstance(material.get("publicKeyMultibase"), str):
            mb = material["publicKeyMultibase"]
            if method.type == "Ed25519VerificationKey2020":
                return ed25519_from_raw_multibase(mb)
            return ed25519_from_multikey(mb)
        jwk = material.get("publicKeyJwk")
        if isinstance(jwk, dict) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

            return Ed25519PublicKey.from_public_bytes(decode_multibase("u" + str(jwk.get("x", ""))))
    except (KeyFormatError, ValueError) as e:
        raise MethodError("bad_method", f"verification method {method.id}: {e}") from e
    raise MethodError("bad_method", f"verification method {method.id} has no Ed25519 public key")


@lru_cache(maxsize=4096)
def _did_key(vm_id: str) -> ResolvedMethod:
    did, _, fragment = vm_id.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise MethodError(
            "bad_method", f"did:key fragment #{fragment} does not match the key {multibase}"
        )
    try:
        ed25519_from_multikey(multibase)
    except KeyFormatError as e:
        raise MethodError("bad_method", f"verification method {vm_id}: {e}") from e
    return ResolvedMethod(
        id=f"{did}#{multibase}",
        controller=did,
        material={"publicKeyMultibase": multibase},
        type="Multikey",
    )


def _from_document(
    vm_id: str,
    url: str,
    controller_id: str,
    documents: DocumentStore,
    relationship: str = "assertionMethod",
) -> ResolvedMethod:
    try:
        doc = documents.load(url)
    except DocumentNotAvailableError as e:
        raise MethodError(
            "key_unresolved", f"cannot resolve verification method {vm_id}: {e}"
        ) from e
    if doc.get("id") != controller_id:
        raise MethodError(
            "bad_method", f"document at {url} is for {doc.get('id')!r}, not {controller_id}"
        )
    method = _find(doc, vm_id, controller_id)
    if method is None:
        raise MethodError(
            "bad_method",
            f"verification method {vm_id} is not listed in the document of {controller_id}",
        )
    if not _listed(doc.get(relationship), vm_id, controller_id):
        use = {"assertionMethod": "credentials", "authentication": "presentations"}.get(
            relationship, f"as {relationship}"
        )
        raise MethodError(
            "bad_method",
            f"verification method {vm_id} is not an {relationship} of {controller_id}; "
            f"it may not sign {use}",
        )
    controller = method.get("controller")
    if controller != controller_id:
        raise MethodError(
            "key_mismatch",
            f"verification method {vm_id} names controller {controller!r}, not {controller_id}",
        )
    return ResolvedMethod(
        id=vm_id, controller=controller_id, material=method, type=str(method.get("type", ""))
    )


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _find(doc: dict[str, Any], vm_id: str, base: str) -> dict[str, Any] | None:
    candidates: list[Any] = []
    for key in ("verificationMethod", "assertionMethod", "authentication"):
        value = doc.get(key)
        candidates.extend(value if isinstance(value, list) else [value] if value else [])
    for item in candidates:
        if isinstance(item, dict) and _absolute(str(item.get("id", "")), base) == vm_id:
            return item
    return None


def _listed(value: Any, vm_id: str, base: str) -> bool:
    for item in value if isinstance(value, list) else [value] if value else []:
        ref = item.get("id") if isinstance(item, dict) else item
        if isinstance(ref, str) and _absolute(ref, base) == vm_id:
            return True
    return False

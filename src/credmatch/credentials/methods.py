"""Resolve a proof's verification method to a public key and check the issuer controls it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from credmatch.credentials.documents import DocumentStore, did_web_url
from credmatch.credentials.key_codec import (
    KeyFormatError,
    PublicKey,
    ed25519_from_raw_multibase,
    public_key_from_jwk,
    public_key_from_multikey,
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
    controller: str  # the DID / URL whose document lists the method (did:key: the DID itself)
    material: dict[str, Any]  # publicKeyMultibase / publicKeyJwk as found
    type: str
    declared_controller: str | None = None  # the method's own "controller" (None: as above)
    assertion: bool = True  # listed under the controller document's assertionMethod


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


def binding_problem(method: ResolvedMethod, issuer: str | None) -> str | None:
    """Why the key does not belong to ``issuer`` (None when it does).

    The key belongs to the issuer when the issuer is the controller of the document that
    lists it (for did:key, the DID itself), the method names that controller, and the
    document lists it under assertionMethod (it may sign credentials).
    """
    if issuer is None:
        return "credential has no issuer id to match the signing key against"
    if method.controller != issuer:
        return (
            f"signing key {method.id} is controlled by {method.controller}, not by the issuer "
            f"{issuer}; the credential was not signed by its issuer"
        )
    declared = method.declared_controller
    if declared is not None and declared != method.controller:
        return f"verification method {method.id} names controller {declared!r}, not {issuer}"
    if not method.assertion:
        return (
            f"verification method {method.id} is not an assertionMethod of {issuer}; "
            "it may not sign credentials"
        )
    return None


def public_key(method: ResolvedMethod) -> PublicKey:
    """The public key of a Multikey (Ed25519, P-256, P-384), Ed25519VerificationKey2020 or
    JsonWebKey / JsonWebKey2020 (EC P-256/P-384, OKP Ed25519) verification method."""
    multibase = method.material.get("publicKeyMultibase")
    jwk = method.material.get("publicKeyJwk")
    # Keys depend on nothing else, so they are cached; errors are not, and name the method.
    try:
        if type(multibase) is str:
            return _multibase_key(multibase, method.type == "Ed25519VerificationKey2020")
        if isinstance(jwk, dict):
            return _jwk_key(json.dumps(jwk, sort_keys=True))
    except (KeyFormatError, ValueError) as e:
        raise MethodError("bad_method", f"verification method {method.id}: {e}") from e
    raise MethodError(
        "bad_method",
        f"verification method {method.id} has neither publicKeyMultibase nor publicKeyJwk",
    )


@lru_cache(maxsize=4096)
def _multibase_key(multibase: str, raw: bool) -> PublicKey:
    return ed25519_from_raw_multibase(multibase) if raw else public_key_from_multikey(multibase)


@lru_cache(maxsize=4096)
def _jwk_key(jwk_json: str) -> PublicKey:
    return public_key_from_jwk(json.loads(jwk_json))


@lru_cache(maxsize=4096)
def _did_key(vm_id: str) -> ResolvedMethod:
    did, _, fragment = vm_id.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise MethodError(
            "bad_method", f"did:key fragment #{fragment} does not match the key {multibase}"
        )
    try:
        _multibase_key(multibase, False)
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
    # Signing credentials: whether the key is an assertionMethod is the key_binding check's
    # question (ResolvedMethod.assertion), reported apart from the signature. Signing
    # presentations: a key that is not the holder's authentication key is refused outright.
    if relationship != "assertionMethod" and not _listed(
        doc.get(relationship), vm_id, controller_id
    ):
        raise MethodError(
            "bad_method",
            f"verification method {vm_id} is not an {relationship} of {controller_id}; "
            "it may not sign presentations",
        )
    controller = method.get("controller")
    return ResolvedMethod(
        id=vm_id,
        controller=controller_id,
        material=method,
        type=str(method.get("type", "")),
        declared_controller=controller if isinstance(controller, str) else repr(controller),
        assertion=_listed(doc.get("assertionMethod"), vm_id, controller_id),
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

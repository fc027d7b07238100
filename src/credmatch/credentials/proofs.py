"""Verify embedded Data Integrity proofs: eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020,
ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256, P-384) and ecdsa-sd-2023 derived proofs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from credmatch.credentials import canonical, signatures
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.key_codec import KeyFormatError, PublicKey, decode_multibase
from credmatch.credentials.methods import (
    MethodError,
    ResolvedMethod,
    binding_problem,
    public_key,
    resolve_method,
)
from credmatch.credentials.model import Check
from credmatch.credentials.parse import as_list

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
ECDSA_RDFC = "ecdsa-rdfc-2019"
ECDSA_JCS = "ecdsa-jcs-2019"
ECDSA_SD = "ecdsa-sd-2023"
# eddsa-2022 is the draft name of eddsa-rdfc-2022; same algorithm, accepted with a note.
LEGACY_SUITES = {"eddsa-2022": RDFC}
KNOWN_PROOF_TYPES = ("DataIntegrityProof", "Ed25519Signature2020")
# Suite -> how the document is transformed before hashing (RDFC-1.0 N-Quads or RFC 8785 JSON).
TRANSFORM = {
    RDFC: "rdfc",
    JCS: "jcs",
    "Ed25519Signature2020": "rdfc",
    ECDSA_RDFC: "rdfc",
    ECDSA_JCS: "jcs",
}
SUPPORTED = (*TRANSFORM, ECDSA_SD)
DATA_INTEGRITY_SUITES = tuple(s for s in SUPPORTED if s != "Ed25519Signature2020")


@dataclass
class Unsecured:
    """The document without its proof, canonicalised at most once per transform."""

    doc: dict[str, Any]
    documents: DocumentStore
    expanded: Callable[[], list[Any]] | None = None
    # Expanded proof configurations by proof index, from the context check.
    expanded_configs: dict[int, Callable[[], list[Any]]] | None = None
    # bounds.scan found the whole credential (proofs included) jcs_ready: canonical.jcs
    # need not walk the document or the proof configurations again.
    jcs_ready: bool = False
    _canonical: dict[tuple[str, str], bytes] | None = None
    _hashes: dict[tuple[str, str], bytes] | None = None

    def canonical(self, transform: str, hash_name: str = "sha256") -> bytes:
        """The document's RDFC-1.0 N-Quads ("rdfc", labelled with ``hash_name``) or
        RFC 8785 JSON ("jcs"), UTF-8."""
        key = (transform, hash_name if transform == "rdfc" else "")
        if self._canonical is None:
            self._canonical = {}
        if key not in self._canonical:
            if transform == "jcs":
                data = canonical.jcs(self.doc, checked=self.jcs_ready)
            else:
                source: Any = self.expanded() if self.expanded is not None else self.doc
                data = canonical.rdfc(source, self.documents, hash_name).encode("utf-8")
            self._canonical[key] = data
        return self._canonical[key]

    def digest(self, suite: str, hash_name: str = "sha256") -> bytes:
        """The hash of the canonical document a ``suite`` proof signs (a suite or transform);
        with RDFC-1.0, ``hash_name`` is also its labelling hash (vc-di-ecdsa, section 3.1)."""
        key = (TRANSFORM.get(suite, suite), hash_name)
        if self._hashes is None:
            self._hashes = {}
        if key not in self._hashes:
            data = self.canonical(key[0], hash_name)
            self._hashes[key] = hashlib.new(hash_name, data).digest()
        return self._hashes[key]


def proof_config(proof: dict[str, Any], context: Any) -> dict[str, Any]:
    """The signed proof options: the proof minus proofValue, with the document's context."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if context is not None:
        config["@context"] = context
    return config


def config_digest(
    config: Any,
    suite: str,
    documents: DocumentStore,
    jcs_ready: bool = False,
    hash_name: str = "sha256",
) -> bytes:
    """The hash of the canonical proof configuration (a suite or transform name)."""
    if TRANSFORM.get(suite, suite) == "jcs":
        return hashlib.new(hash_name, canonical.jcs(config, checked=jcs_ready)).digest()
    data = canonical.rdfc(config, documents, hash_name).encode("utf-8")
    return hashlib.new(hash_name, data).digest()


def suite_of(proof: dict[str, Any]) -> str | None:
    """The signing algorithm a proof uses, None for proof types credmatch does not know."""
    kind = proof.get("type")
    if kind == "Ed25519Signature2020":
        return "Ed25519Signature2020"
    if kind == "DataIntegrityProof":
        suite = proof.get("cryptosuite")
        return str(suite) if suite else ""
    return None


@dataclass(frozen=True)
class ProofChecks:
    """The ``proof`` check (signatures with the resolved keys) and the ``key_binding`` check
    (whether those keys belong to the issuer), decided independently of each other."""

    proof: Check
    binding: Check


def not_checked(proof: Check) -> ProofChecks:
    """``proof`` with a key_binding check saying the keys were not looked at."""
    return ProofChecks(proof, Check("key_binding", None, "not checked: no proof was checked"))


@dataclass
class _Outcome:
    n: int
    detail: str = ""
    error: MethodError | None = None
    method: ResolvedMethod | None = None


def check_embedded_proofs(
    unsecured: Unsecured, proofs: list[Any], issuer: str | None
) -> ProofChecks:
    """The ``proof`` and ``key_binding`` checks for a document's ``proof`` value (one or a set)."""
    if not proofs:
        return not_checked(
            Check(
                "proof",
                False,
                "credential has no proof and no JWT envelope; it cannot be verified",
                "no_proof",
            )
        )
    outcomes: list[_Outcome] = []
    unknown: list[str] = []
    for n, proof in enumerate(proofs):
        if not isinstance(proof, dict):
            return not_checked(Check("proof", False, f"proof[{n}] is not an object", "bad_proof"))
        suite = suite_of(proof)
        if suite is None:
            unknown.append(str(proof.get("type")))
            continue
        outcome = _Outcome(n)
        try:
            _check_chain(proof, proofs)
            _verify_one(unsecured, outcome, proof, suite)
        except MethodError as e:
            outcome.error = e
        outcomes.append(outcome)
    return ProofChecks(_proof_check(outcomes, unknown), binding_check(outcomes, issuer))


def _proof_check(outcomes: list[_Outcome], unknown: list[str]) -> Check:
    failed = next((o for o in outcomes if o.error is not None), None)
    if failed is not None and failed.error is not None:
        return Check("proof", False, f"proof[{failed.n}]: {failed.error}", failed.error.code)
    if not outcomes:
        return Check(
            "proof",
            False,
            f"no proof of a supported type (found {', '.join(unknown)}); "
            f"supported: DataIntegrityProof with {', '.join(DATA_INTEGRITY_SUITES)}, "
            "and Ed25519Signature2020",
            "unsupported_suite",
        )
    detail = "; ".join(o.detail for o in outcomes)
    if unknown:
        detail += f"; ignored proof(s) of unknown type {', '.join(unknown)}"
    return Check("proof", True, detail)


def binding_check(outcomes: list[_Outcome], issuer: str | None) -> Check:
    """``key_binding`` over the proofs whose key was resolved (the first problem decides)."""
    bound: list[str] = []
    for outcome in outcomes:
        if outcome.method is None:
            return Check(
                "key_binding",
                None,
                f"proof[{outcome.n}]: not checked: the signing key was not resolved",
            )
        problem = binding_problem(outcome.method, issuer)
        if problem is not None:
            return Check("key_binding", False, f"proof[{outcome.n}]: {problem}", "key_mismatch")
        bound.append(outcome.method.id)
    if not bound:
        return Check("key_binding", None, "not checked: no proof of a supported type")
    return Check(
        "key_binding",
        True,
        f"signing key {', '.join(bound)} belongs to the issuer {issuer} (assertionMethod)",
    )


def _check_chain(proof: dict[str, Any], proofs: list[Any]) -> None:
    """Refuse proof chains: a dangling ``previousProof`` is an error (VC Data Integrity 4.3),
    and a proper chain signs the earlier proofs too, which this verifier does not compute."""
    if "previousProof" not in proof:
        return
    known = {p.get("id") for p in proofs if isinstance(p, dict) and isinstance(p.get("id"), str)}
    for ref in as_list(proof["previousProof"]):
        if not isinstance(ref, str) or ref not in known:
            raise MethodError(
                "bad_proof",
                f"previousProof {ref!r} names no proof in this credential's proof set",
            )
    raise MethodError(
        "unsupported_suite",
        "proof chains (previousProof) are not supported; the chained proof was not checked",
    )


def _verify_one(unsecured: Unsecured, outcome: _Outcome, proof: dict[str, Any], suite: str) -> None:
    note = ""
    if suite in LEGACY_SUITES:
        note = f" (legacy cryptosuite name {suite}, verified as {LEGACY_SUITES[suite]})"
        suite = LEGACY_SUITES[suite]
    if suite not in SUPPORTED:
        raise MethodError(
            "unsupported_suite",
            f"cryptosuite {suite or '(missing)'!r} is not supported (supported: "
            f"{', '.join(SUPPORTED)}); the signature was not checked",
        )
    vm = proof.get("verificationMethod")
    if not isinstance(vm, str):
        raise MethodError("bad_method", "proof has no verificationMethod string")
    # Resolved before anything else is judged, so key_binding can be reported whatever
    # is wrong with the signature.
    outcome.method = method = resolve_method(vm, unsecured.documents)
    if proof.get("proofPurpose") != "assertionMethod":
        raise MethodError(
            "bad_proof", f"proofPurpose is {proof.get('proofPurpose')!r}, not 'assertionMethod'"
        )
    key = public_key(method)
    if suite == ECDSA_SD:
        from credmatch.credentials import ecdsa_sd  # CBOR and HMAC labels, only when needed

        note += ecdsa_sd.verify_derived(unsecured, outcome.n, proof, key)
    else:
        _verify_signature(unsecured, outcome.n, proof, suite, key)
    outcome.detail = f"{suite} signature by {vm} verified{note}"


def _verify_signature(
    unsecured: Unsecured, n: int, proof: dict[str, Any], suite: str, key: PublicKey
) -> None:
    signature = _signature(proof)
    hash_name = signatures.hash_for(suite, key)
    config: Any = proof_config(proof, unsecured.doc.get("@context"))
    if (
        TRANSFORM[suite] == "rdfc"
        and unsecured.expanded_configs
        and n in unsecured.expanded_configs
    ):
        config = unsecured.expanded_configs[n]()
    try:
        data = config_digest(
            config, suite, unsecured.documents, unsecured.jcs_ready, hash_name
        ) + unsecured.digest(suite, hash_name)
    except canonical.UnsafeJsonLdError as e:
        raise MethodError("bad_proof", f"cannot canonicalise: {e}") from e
    signatures.verify(suite, key, signature, data, str(proof.get("verificationMethod")))


def _signature(proof: dict[str, Any]) -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise MethodError("bad_proof", "proof has no proofValue")
    if not value.startswith("z"):
        raise MethodError("bad_proof", "proofValue must be base58btc multibase (start with 'z')")
    try:
        signature = decode_multibase(value)
    except KeyFormatError as e:
        raise MethodError("bad_proof", f"proofValue: {e}") from e
    return signature


def proof_list(doc: dict[str, Any]) -> list[Any]:
    return as_list(doc.get("proof"))

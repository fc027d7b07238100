"""Presentations: the holder's proof (Data Integrity and VP-JWT) over a challenge and domain,
holder binding, and every refusal the verifier names."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from tests.support.holders import SEED, Holder, holder_with, seed_holders

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.credentials.presentation import (
    PresentationLimits,
    PresentationResult,
    PresentationVerifier,
)
from credmatch.credentials.presenting import presentation, sign_presentation, sign_vp_jwt
from credmatch.credentials.trust import TrustRegistry
from credmatch.credentials.verify import Verifier, VerifyOptions

DOMAIN = "credmatch.local"
CHALLENGE = "c-7hG2kq9Lw0pXz4Rt8vYb1nM5"
HOLDER_DID_WEB = "did:web:wallet.example"


def write_store(directory: Path, documents: dict[str, dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    index = {}
    for n, (url, doc) in enumerate(documents.items()):
        (directory / f"doc{n}.json").write_text(json.dumps(doc), encoding="utf-8")
        index[url] = f"doc{n}.json"
    (directory / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return directory


P256 = ec.derive_private_key(0x5EED, ec.SECP256R1())
ED_WEB = signing.keypair_from_seed(bytes([42]) * 32)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> DocumentStore:
    """The seed's documents, plus did:web holders: one ES256 key for authentication, one
    Ed25519 key listed only as an assertionMethod (it may sign credentials, not log in)."""
    es = signing.jwk_document(HOLDER_DID_WEB, P256)
    es["authentication"] = [f"{HOLDER_DID_WEB}#key-1"]
    assertion_only = signing.multikey_document("did:web:issuer-only.example", ED_WEB.public_key())
    extra = write_store(
        tmp_path_factory.mktemp("holders"),
        {
            "https://wallet.example/.well-known/did.json": es,
            "https://issuer-only.example/.well-known/did.json": assertion_only,
        },
    )
    return DocumentStore([SEED / "documents", extra])


@pytest.fixture(scope="module")
def checker(store: DocumentStore) -> PresentationVerifier:
    trust = TrustRegistry.from_file(SEED / "trust.json")
    return PresentationVerifier(Verifier(VerifyOptions(documents=store, trust=trust)))


@pytest.fixture(scope="module")
def holder() -> Holder:
    return holder_with(4)


@pytest.fixture(scope="module")
def stranger(holder: Holder) -> Holder:
    return next(h for h in seed_holders().values() if h.did != holder.did)


def check(checker: PresentationVerifier, vp: Any, challenge: str | None = CHALLENGE) -> Any:
    return checker.verify(vp, DOMAIN, challenge)


def refused(result: PresentationResult, code: str) -> str:
    failure = result.failure()
    assert failure is not None and not result.valid, result
    assert failure.code == code, failure
    assert result.reports == ()  # nothing enclosed was even looked at
    return failure.detail


# --- what passes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suite", "vc1", "with_credentials"),
    [
        ("eddsa-rdfc-2022", False, True),
        ("eddsa-jcs-2022", False, True),
        ("Ed25519Signature2020", False, True),
        ("eddsa-jcs-2022", True, True),
        # VCDM 1.1 and 2.0 contexts both protect their terms, so RDF canonicalisation of a 1.1
        # presentation refuses the seed's 2.0 credentials inside it: a sign-in here.
        ("eddsa-rdfc-2022", True, False),
        ("Ed25519Signature2020", True, False),
    ],
)
def test_a_holder_signed_presentation_verifies_with_each_suite(
    checker: PresentationVerifier,
    store: DocumentStore,
    holder: Holder,
    suite: str,
    vc1: bool,
    with_credentials: bool,
) -> None:
    creds = list(holder.credentials) if with_credentials else []
    vp = holder.sign(CHALLENGE, DOMAIN, creds, suite=suite, vc1=vc1, documents=store)
    result = check(checker, vp)
    assert result.valid, result.checks
    assert result.holder == holder.did and result.challenge == CHALLENGE
    assert suite in result.checks[1].detail and "authentication" in result.checks[1].detail
    assert len(result.reports) == len(creds)
    assert all(r.check("holder") and r.check("holder").ok for r in result.reports)  # type: ignore[union-attr]


def test_the_challenge_named_in_the_proof_is_returned_when_none_is_expected(
    checker: PresentationVerifier, holder: Holder
) -> None:
    result = check(checker, holder.sign("anything-at-all", DOMAIN, []), challenge=None)
    assert result.valid and result.challenge == "anything-at-all"


def test_vp_jwt_eddsa_with_enveloped_vc_jwts_and_objects(
    checker: PresentationVerifier, holder: Holder
) -> None:
    token = sign_vp_jwt(
        presentation(holder.did, list(holder.credentials)),
        holder.key,
        holder.method,
        challenge=CHALLENGE,
        domain=DOMAIN,
    )
    result = check(checker, token)
    assert result.valid, result.checks
    assert "VP-JWT EdDSA" in result.checks[1].detail
    assert len(result.reports) == len(holder.credentials)
    assert all(r.check("holder").ok for r in result.reports)  # type: ignore[union-attr]


def test_vp_jwt_es256_by_a_did_web_holder(checker: PresentationVerifier) -> None:
    token = sign_vp_jwt(
        presentation(HOLDER_DID_WEB, []), P256, "#key-1", challenge=CHALLENGE, domain=DOMAIN
    )
    result = check(checker, token)
    assert result.valid, result.checks
    assert "ES256" in result.checks[1].detail and result.holder == HOLDER_DID_WEB


def test_vp_jwt_as_json_text_and_vp_as_json_text(
    checker: PresentationVerifier, holder: Holder
) -> None:
    vp = holder.sign(CHALLENGE, DOMAIN, [])
    assert check(checker, json.dumps(vp)).valid


# --- holder binding -----------------------------------------------------------------------------


def test_a_credential_about_someone_else_is_refused_alone(
    checker: PresentationVerifier, holder: Holder, stranger: Holder
) -> None:
    creds = [*holder.credentials[:2], stranger.credentials[0]]
    result = check(checker, holder.sign(CHALLENGE, DOMAIN, creds))
    assert result.valid  # the presentation itself is fine
    mine, theirs = result.reports[:2], result.reports[2]
    assert all(r.check("holder").ok is True for r in mine)  # type: ignore[union-attr]
    binding = theirs.check("holder")
    assert binding is not None and binding.ok is False and binding.code == "not_holder"
    assert stranger.did in binding.detail and holder.did in binding.detail
    assert not theirs.valid
    assert theirs.check("proof").ok is True  # type: ignore[union-attr]  # a fine credential


# --- refusals -----------------------------------------------------------------------------------


def test_unsigned_presentation(checker: PresentationVerifier, holder: Holder) -> None:
    detail = refused(check(checker, presentation(holder.did, [])), "no_proof")
    assert "unsigned" in detail


def test_wrong_proof_purpose(checker: PresentationVerifier, holder: Holder) -> None:
    vp = holder.sign(CHALLENGE, DOMAIN, [], purpose="assertionMethod")
    assert "authentication" in refused(check(checker, vp), "wrong_purpose")


def test_wrong_challenge_and_missing_challenge(
    checker: PresentationVerifier, holder: Holder
) -> None:
    refused(check(checker, holder.sign("another-challenge", DOMAIN, [])), "challenge")
    vp = holder.sign(CHALLENGE, DOMAIN, [])
    del vp["proof"]["challenge"]  # also breaks the signature, but the challenge is named first
    refused(check(checker, vp, challenge=None), "challenge")


def test_wrong_domain(checker: PresentationVerifier, holder: Holder) -> None:
    detail = refused(check(checker, holder.sign(CHALLENGE, "evil.example", [])), "domain")
    assert "evil.example" in detail and DOMAIN in detail


def test_a_proof_by_a_key_the_holder_does_not_control(
    checker: PresentationVerifier, holder: Holder, stranger: Holder
) -> None:
    vp = presentation(holder.did, [])
    signed = sign_presentation(
        vp, stranger.key, stranger.method, challenge=CHALLENGE, domain=DOMAIN
    )
    detail = refused(check(checker, signed), "key_mismatch")
    assert stranger.did in detail and holder.did in detail


def test_a_signature_by_another_key_under_the_holders_method(
    checker: PresentationVerifier, holder: Holder, stranger: Holder
) -> None:
    vp = presentation(holder.did, [])
    forged = sign_presentation(vp, stranger.key, holder.method, challenge=CHALLENGE, domain=DOMAIN)
    refused(check(checker, forged), "bad_signature")


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_adding_a_credential_after_signing(
    checker: PresentationVerifier, holder: Holder, stranger: Holder, suite: str
) -> None:
    vp = holder.sign(CHALLENGE, DOMAIN, list(holder.credentials[:1]), suite=suite)
    vp["verifiableCredential"].append(holder.credentials[1])
    refused(check(checker, vp), "bad_signature")


def test_a_did_web_key_that_is_not_an_authentication_method(
    checker: PresentationVerifier,
) -> None:
    did = "did:web:issuer-only.example"
    vp = sign_presentation(
        presentation(did, []),
        ED_WEB,
        f"{did}#{signing.did_key(ED_WEB.public_key())[len('did:key:') :]}",
        challenge=CHALLENGE,
        domain=DOMAIN,
    )
    assert "not an authentication" in refused(check(checker, vp), "bad_method")


def test_a_presentation_nested_in_a_presentation(
    checker: PresentationVerifier, holder: Holder
) -> None:
    inner = holder.sign(CHALLENGE, DOMAIN, [])
    result = check(checker, holder.sign(CHALLENGE, DOMAIN, [inner]))
    assert "nested" in refused(result, "format")


def test_oversized_presentation_and_too_many_credentials(
    store: DocumentStore, holder: Holder
) -> None:
    big = holder.sign(CHALLENGE, DOMAIN, list(holder.credentials[:2]))
    cap = len(json.dumps(big, separators=(",", ":")).encode()) - 1
    small = PresentationVerifier(
        Verifier(VerifyOptions(documents=store, trust=TrustRegistry.empty())),
        PresentationLimits(max_bytes=cap, max_credentials=2),
    )
    assert f"limit is {cap}" in refused(small.verify(big, DOMAIN, CHALLENGE), "format")
    many = holder.sign(CHALLENGE, DOMAIN, [{"x": n} for n in range(3)])
    assert "limit is 2 per" in refused(small.verify(many, DOMAIN, CHALLENGE), "format")
    jwt_like = "e" * (cap + 1)
    assert f"limit is {cap}" in refused(small.verify(jwt_like, DOMAIN, CHALLENGE), "format")


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256"])
def test_vp_jwt_with_alg_none_symmetric_or_unsupported(
    checker: PresentationVerifier, holder: Holder, alg: str
) -> None:
    token = sign_vp_jwt(
        presentation(holder.did, []),
        holder.key,
        holder.method,
        challenge=CHALLENGE,
        domain=DOMAIN,
        alg=alg,
    )
    if alg == "none":
        token = token.rsplit(".", 1)[0] + "."
    detail = refused(check(checker, token), "unsupported_suite")
    assert alg in detail


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"aud": "evil.example"}, "domain"),
        ({"nonce": "other"}, "challenge"),
        ({"exp": 1}, "bad_claims"),
    ],
)
def test_vp_jwt_claims(
    checker: PresentationVerifier, holder: Holder, claims: dict[str, Any], code: str
) -> None:
    header = {"alg": "EdDSA", "typ": "JWT", "kid": holder.method}
    base = {
        "iss": holder.did,
        "aud": DOMAIN,
        "nonce": CHALLENGE,
        "vp": presentation(holder.did, []),
    }
    token = signing.sign_jws(header, {**base, **claims}, holder.key)
    refused(check(checker, token), code)


def test_vp_jwt_with_an_unknown_crit_extension(
    checker: PresentationVerifier, holder: Holder
) -> None:
    # RFC 7515 §4.1.11: an extension listed in crit that we do not understand voids the JWS.
    header = {"alg": "EdDSA", "typ": "JWT", "kid": holder.method}
    claims = {
        "iss": holder.did,
        "aud": DOMAIN,
        "nonce": CHALLENGE,
        "vp": presentation(holder.did, []),
    }
    assert check(checker, signing.sign_jws(header, claims, holder.key)).valid
    crit = {**header, "crit": ["urn:example:bound"], "urn:example:bound": True}
    detail = refused(check(checker, signing.sign_jws(crit, claims, holder.key)), "format")
    assert "Unsupported critical extension: urn:example:bound" in detail


def test_not_a_presentation(checker: PresentationVerifier, holder: Holder) -> None:
    for doc in (
        [],
        "not a jwt",
        {"@context": ["https://example.com"], "type": "VerifiablePresentation"},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential"},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiablePresentation"},
    ):
        result = check(checker, copy.deepcopy(doc))
        assert result.checks[0].name == "format" and result.checks[0].ok is False, doc


def test_credentials_are_reported_on_failure_when_asked(
    checker: PresentationVerifier, holder: Holder
) -> None:
    vp = holder.sign("another-challenge", DOMAIN, list(holder.credentials[:2]))
    result = checker.verify(vp, DOMAIN, CHALLENGE, credentials_on_failure=True)
    assert not result.valid and len(result.reports) == 2


def test_a_vcdm_1_1_rdfc_presentation_of_vcdm_2_credentials_is_refused_with_the_reason(
    checker: PresentationVerifier, holder: Holder
) -> None:
    vp = holder.sign(CHALLENGE, DOMAIN, list(holder.credentials[:1]), suite="eddsa-jcs-2022",
                     vc1=True)  # fmt: skip
    vp["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    detail = refused(check(checker, vp), "context")
    assert "protected term" in detail

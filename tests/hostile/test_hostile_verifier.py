"""Hostile credentials: every input gets reports (no exception escapes verify()), and nothing
tampered with or unsafe is ever ``valid``."""

from __future__ import annotations

import base64
import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from credmatch.credentials import signing
from credmatch.credentials.bounds import MAX_CHARS, MAX_DEPTH
from credmatch.credentials.model import Report, verdict
from credmatch.credentials.verify import Verifier
from tests.hostile.conftest import badge, did_key_signed, seed_key
from tests.hostile.support import HOSTILE, SHARED, get, nested, paths, replaced

OTHER_TYPES: list[Any] = [None, True, 0, -1.5, "", "x", [], {}, [{}], {"id": "urn:x"}]


def reports_of(verifier: Verifier, doc: Any, source: str = "hostile") -> list[Report]:
    """verify() must answer with reports, each failing check saying why."""
    reports = verifier.verify(doc, source)
    assert reports and all(isinstance(r, Report) for r in reports)
    for report in reports:
        assert not any(c.ok is False and not c.detail.strip() for c in report.checks), report
        assert verdict(report) in {
            "verified",
            "expired",
            "revoked",
            "suspended",
            "not_yet_valid",
            "unverifiable",
            "invalid",
        }
        json.dumps(report.to_json())  # the CLI can always print it
    return reports


def refused(verifier: Verifier, doc: Any, code: str | None = None) -> Report:
    """The single (first) report, which must not be valid; with ``code``, a check has it."""
    report = reports_of(verifier, doc)[0]
    assert not report.valid, report.to_json()
    if code is not None:
        codes = {c.code for c in report.checks if c.ok is False}
        assert code in codes, report.to_json()
    return report


# --- the baselines: the attacks below start from credentials that verify --------------------


def test_baselines_verify(
    verifier: Verifier,
    spec_credential: dict[str, Any],
    rdfc_credential: dict[str, Any],
    jcs_credential: dict[str, Any],
) -> None:
    for doc in (spec_credential, rdfc_credential, jcs_credential):
        report = reports_of(verifier, doc)[0]
        assert report.valid, report.to_json()


# --- size and nesting --------------------------------------------------------------------------

DEEP_PLACES = [("credentialSubject", "extra"), ("name",), ("credentialSubject", "achievement")]


@pytest.mark.parametrize("kind", ["dict", "list"])
@pytest.mark.parametrize("place", DEEP_PLACES, ids="/".join)
def test_10000_deep_nesting_is_refused_cleanly(
    verifier: Verifier, rdfc_credential: dict[str, Any], place: tuple[str, ...], kind: str
) -> None:
    doc = copy.deepcopy(rdfc_credential)
    get(doc, place[:-1])[place[-1]] = nested(10_000, "x", kind)
    started = time.perf_counter()
    report = refused(verifier, doc, "format")
    print(f"10,000-deep {kind} at {place}: refused in {time.perf_counter() - started:.3f}s")
    assert "nested more than" in report.checks[0].detail


def test_nesting_just_inside_the_limit_is_checked_not_refused(
    verifier: Verifier, rdfc_credential: dict[str, Any]
) -> None:
    doc = copy.deepcopy(rdfc_credential)
    doc["credentialSubject"]["extra"] = nested(MAX_DEPTH - 4, "x")
    report = refused(verifier, doc)  # tampered: the signature no longer matches
    assert report.check("format") is None and report.check("proof") is not None


def test_deep_json_text_and_jwt_are_refused(verifier: Verifier, tmp_path: Path) -> None:
    deep = '{"@context": ' + "[" * 100_000 + "]" * 100_000 + ', "type": "x"}'
    path = tmp_path / "deep.json"
    path.write_text(deep)
    report = verifier.verify_file(path)[0]
    assert not report.valid and report.checks[0].code == "format"
    payload = base64.urlsafe_b64encode(b'{"vc": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    jwt = "eyJhbGciOiJFZERTQSJ9." + payload.decode().rstrip("=") + ".c2ln"
    report = reports_of(verifier, jwt)[0]
    assert not report.valid and report.checks[0].code == "format"
    assert "nested too deeply" in report.checks[0].detail


def test_5mb_string_and_huge_arrays_are_refused(
    verifier: Verifier, rdfc_credential: dict[str, Any]
) -> None:
    for name, value in [
        ("5 MB name", "A" * 5_000_000),
        ("200k-item array", list(range(200_000))),
        ("100k keys", {f"k{n}": n for n in range(100_000)}),
    ]:
        doc = copy.deepcopy(rdfc_credential)
        doc["name"] = value
        started = time.perf_counter()
        refused(verifier, doc, "format")
        print(f"{name}: refused in {time.perf_counter() - started:.3f}s")
    text = json.dumps({**rdfc_credential, "name": "A" * (2 * MAX_CHARS)})
    report = verifier._verify_text(text, "big")[0]
    assert report.checks[0].code == "format" and not report.valid


# --- wrong types in every field of real credentials ---------------------------------------------


@pytest.mark.parametrize("fixture", ["spec_credential", "jcs_credential"])
def test_every_field_replaced_by_every_other_type(
    verifier: Verifier, fixture: str, request: pytest.FixtureRequest
) -> None:
    original: dict[str, Any] = request.getfixturevalue(fixture)
    started, count = time.perf_counter(), 0
    for path in paths(original):
        current = get(original, path)
        for value in OTHER_TYPES:
            if type(value) is type(current) and value == current:
                continue
            refused(verifier, replaced(original, path, value))
            count += 1
    print(f"{fixture}: {count} mutations in {time.perf_counter() - started:.1f}s")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIXTURE_FILES = [
    "1edtech/ob30/simple.json",
    "1edtech/ob30/complete.json",
    "1edtech/clr20/simple.json",
    "1edtech/ob30/simple-multiple-proofs.json",
]


@settings(HOSTILE, max_examples=60)
@given(data=st.data())
def test_random_json_anywhere_in_real_fixtures(verifier: Verifier, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(FIXTURE_FILES))
    original = json.loads((SHARED / name).read_text())
    path = data.draw(st.sampled_from(list(paths(original))))
    value = data.draw(JSON_VALUES)
    doc = replaced(original, path, value)
    reports = reports_of(verifier, doc)
    if json.dumps(get(doc, path), sort_keys=True) != json.dumps(
        get(original, path), sort_keys=True
    ):
        assert not reports[0].valid


@HOSTILE
@given(value=JSON_VALUES)
def test_random_json_as_the_whole_document(verifier: Verifier, value: Any) -> None:
    reports = reports_of(verifier, value)
    assert not any(r.valid for r in reports)


@HOSTILE
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: "ey" + b.hex()))
def test_random_text_and_jwts(verifier: Verifier, text: str, tmp_path_factory: Any) -> None:
    for candidate in (text, f"ey{text}.{text}.{text}"):
        assert not any(r.valid for r in reports_of(verifier, candidate))
        assert not any(r.valid for r in verifier._verify_text(candidate, "text"))


# --- unicode -----------------------------------------------------------------------------------

UNICODE = {
    "lone high surrogate": "Team\ud800work",
    "lone low surrogate": "\udfffTeamwork",
    "mojibake": "TeamworkÃ©",
    "NUL": "Team\x00work",
    "RTL override": "Team\u202ekrow",
    "zero-width joiner": "Team\u200dwork",
    "BOM": "\ufeffTeamwork",
    "combining": "Teamwork\u0301\u0301\u0301",
    "astral": "Teamwork\U0001f600",
    "100k-char name": "T" * 100_000,
}


@pytest.mark.parametrize("label", UNICODE)
def test_unicode_tampering_is_never_valid(
    verifier: Verifier, spec_credential: dict[str, Any], label: str
) -> None:
    text = UNICODE[label]
    for path in [
        ("name",),
        ("credentialSubject", "achievement", "name"),
        ("issuer", "id"),
        ("issuer", "name"),
    ]:
        refused(verifier, replaced(spec_credential, path, text))
    # A key with the same trick is an undefined term.
    doc = copy.deepcopy(spec_credential)
    doc["credentialSubject"]["achievement"][text[:40]] = "x"
    refused(verifier, doc)


@pytest.mark.parametrize("label", [k for k in UNICODE if "surrogate" not in k])
def test_unicode_signed_by_the_issuer_round_trips(
    verifier: Verifier, issuer_key: Ed25519PrivateKey, did: str, label: str
) -> None:
    doc = badge(did)
    doc["credentialSubject"]["achievement"]["name"] = UNICODE[label]
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = did_key_signed(doc, issuer_key, suite)
        report = reports_of(verifier, signed)[0]
        assert report.valid, (suite, report.to_json())
        assert report.credential is not None and report.credential.achievement is not None
        assert report.credential.achievement.name == UNICODE[label]
        tampered = copy.deepcopy(signed)
        tampered["credentialSubject"]["achievement"]["name"] = UNICODE[label] + "\u200b"
        refused(verifier, tampered, "bad_signature")


# --- JSON-LD tricks ----------------------------------------------------------------------------

VC2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _ctx(*extra: Any) -> list[Any]:
    return [VC2, OB, *extra]


# (label, change to the unsigned badge, expected failing code or None for "any refusal")
TRICKS: list[tuple[str, dict[str, Any], str | None]] = [
    ("undefined term", {"credentialSubject.achievement.secretLevel": "admin"}, "context"),
    ("undefined type", {"credentialSubject.achievement.type": ["Achievement", "Admin"]}, "context"),
    ("relative id", {"credentialSubject.achievement.id": "../../admin"}, "context"),
    ("relative issuer id", {"issuer.id": "issuers/565049"}, None),
    (
        "unknown context URL",
        {"@context": _ctx("https://evil.example/ctx.json")},
        "document_missing",
    ),
    ("file: context", {"@context": _ctx("file:///etc/passwd")}, "document_missing"),
    ("loopback context", {"@context": _ctx("http://127.0.0.1:9/ctx.json")}, "document_missing"),
    ("relative context", {"@context": _ctx("ctx.json")}, None),
    ("VC context not first", {"@context": [OB, VC2]}, "context"),
    ("redefine id", {"@context": _ctx({"id": "@type"})}, "context"),
    ("redefine type", {"@context": _ctx({"type": "https://evil.example/type"})}, "context"),
    ("redefine protected name", {"@context": _ctx({"name": "https://evil.example/name"})}, None),
    ("null a protected term", {"@context": _ctx({"name": None})}, "context"),
    ("nested null context", {"credentialSubject.achievement.@context": {"name": None}}, "context"),
    (
        "@base and relative ids",
        {"@context": _ctx({"@base": "http://evil/"}), "credentialSubject.achievement.secret": "x"},
        "context",
    ),
    (
        "@vocab relative",
        {"@context": _ctx({"@vocab": "relative/"}), "credentialSubject.achievement.secret": "x"},
        None,
    ),
    ("keyword-like key", {"credentialSubject.achievement.@secret": "x"}, None),
    ("@context not a list or string", {"@context": 42}, "context"),
    ("@context empty", {"@context": []}, "context"),
]


def _apply(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    for dotted, value in changes.items():
        keys = dotted.split(".")
        get(out, tuple(keys[:-1]))[keys[-1]] = value
    return out


@pytest.mark.parametrize(("label", "changes", "code"), TRICKS, ids=[t[0] for t in TRICKS])
def test_jsonld_tricks_after_signing_are_refused(
    verifier: Verifier, rdfc_credential: dict[str, Any], label: str, changes: Any, code: Any
) -> None:
    refused(verifier, _apply(rdfc_credential, changes))


@pytest.mark.parametrize(("label", "changes", "code"), TRICKS, ids=[t[0] for t in TRICKS])
def test_jsonld_tricks_signed_by_the_issuer_are_refused(
    verifier: Verifier,
    issuer_key: Ed25519PrivateKey,
    did: str,
    label: str,
    changes: Any,
    code: str | None,
) -> None:
    """The issuer's own signature does not make a document whose JSON and RDF differ valid."""
    doc = _apply(badge(did), changes)
    for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
        try:
            signed = did_key_signed(doc, issuer_key, suite)
        except Exception as e:
            print(f"{label}: {suite} signing refused ({type(e).__name__}: {str(e)[:80]})")
            continue
        refused(verifier, signed, code)


# --- proof tricks ------------------------------------------------------------------------------


def test_wrong_suites_are_never_valid(verifier: Verifier, rdfc_credential: dict[str, Any]) -> None:
    changes: list[dict[str, Any]] = [
        {"cryptosuite": "eddsa-jcs-2022"},  # an rdfc signature checked as jcs
        {"cryptosuite": "ecdsa-rdfc-2019"},
        {"cryptosuite": None},
        {"cryptosuite": ["eddsa-rdfc-2022"]},
        {"type": "Ed25519Signature2020"},
        {"type": "Ed25519Signature2018"},
        {"type": ["DataIntegrityProof"]},
        {"proofPurpose": "authentication"},
        {"proofPurpose": None},
        {"verificationMethod": {"id": rdfc_credential["proof"]["verificationMethod"]}},
        {"proofValue": "u" + rdfc_credential["proof"]["proofValue"][1:]},
        {"proofValue": rdfc_credential["proof"]["proofValue"][:-3]},
        {"proofValue": "z" + "1" * 200},
        {"proofValue": "z0OIl"},  # not base58
        {"created": "2030-01-01T00:00:00Z"},
    ]
    for change in changes:
        proof = {**rdfc_credential["proof"], **change}
        refused(verifier, {**rdfc_credential, "proof": proof})


def test_key_of_another_issuer(
    verifier: Verifier, issuer_key: Ed25519PrivateKey, did: str, spec_credential: dict[str, Any]
) -> None:
    other = seed_key(9)
    other_did = signing.did_key(other.public_key())
    # Signed by another did:key, claiming our issuer.
    refused(verifier, did_key_signed(badge(did), other, "eddsa-rdfc-2022"), "key_mismatch")
    # Signed by our key, claiming the spec issuer (whose document lists a different key).
    spec_issuer = spec_credential["issuer"]["id"]
    refused(
        verifier, did_key_signed(badge(spec_issuer), issuer_key, "eddsa-jcs-2022"), "key_mismatch"
    )
    # The spec issuer's verification method on a credential issued by a did:key.
    doc = badge(other_did)
    doc["proof"] = {**spec_credential["proof"]}
    refused(verifier, doc, "key_mismatch")


def test_signature_copied_from_another_credential(
    verifier: Verifier, issuer_key: Ed25519PrivateKey, did: str, rdfc_credential: dict[str, Any]
) -> None:
    other = badge(did)
    other["credentialSubject"]["achievement"]["name"] = "Administrator"
    other["proof"] = copy.deepcopy(rdfc_credential["proof"])
    refused(verifier, other, "bad_signature")
    # And a proof lifted into a proof set next to a good one.
    signed_other = did_key_signed(other | {"proof": None}, issuer_key, "eddsa-jcs-2022")
    signed_other.pop("proof")
    signed_other = did_key_signed(signed_other, issuer_key, "eddsa-jcs-2022")
    mixed = {**signed_other, "proof": [signed_other["proof"], rdfc_credential["proof"]]}
    refused(verifier, mixed, "bad_signature")


def test_proof_sets_and_chains(
    verifier: Verifier, issuer_key: Ed25519PrivateKey, did: str, rdfc_credential: dict[str, Any]
) -> None:
    good = rdfc_credential["proof"]
    bad = {**good, "proofValue": "z" + "2" * 87}
    for proofs in ([], [bad], [good, bad], [bad, good], [good, "x"], [good, None], [[good]]):
        refused(verifier, {**rdfc_credential, "proof": proofs})
    # Proofs signed by the issuer that claim a chain (previousProof) to a proof not in the set.
    doc = badge(did)
    first = _signed_proof(verifier, doc, issuer_key, did, {"id": "urn:uuid:proof-1"})
    assert reports_of(verifier, {**doc, "proof": first})[0].valid
    dangling = _signed_proof(verifier, doc, issuer_key, did, {"previousProof": "urn:uuid:missing"})
    refused(verifier, {**doc, "proof": [first, dangling]})
    refused(verifier, {**doc, "proof": [dangling]})
    # A chain whose link is present but was signed over the document alone (no chaining).
    linked = _signed_proof(verifier, doc, issuer_key, did, {"previousProof": "urn:uuid:proof-1"})
    report = reports_of(verifier, {**doc, "proof": [first, linked]})[0]
    assert not report.valid and verdict(report) != "verified"


def _signed_proof(
    verifier: Verifier,
    doc: dict[str, Any],
    key: Ed25519PrivateKey,
    did: str,
    options: dict[str, Any],
) -> dict[str, Any]:
    """A jcs proof by ``key`` over ``doc`` whose signed options include ``options``."""
    from credmatch.credentials.key_codec import encode_base58btc

    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": signing.did_key_verification_method(did),
        "cryptosuite": "eddsa-jcs-2022",
        "proofPurpose": "assertionMethod",
        **options,
    }
    data = signing.hash_data(doc, proof, "eddsa-jcs-2022", verifier.options.documents)
    return {**proof, "proofValue": encode_base58btc(key.sign(data))}


def test_status_and_revocation_fields_of_every_type(
    verifier: Verifier, rdfc_credential: dict[str, Any]
) -> None:
    entries: list[Any] = [
        {
            "type": "BitstringStatusListEntry",
            "statusListIndex": "1e9999",
            "statusListCredential": 5,
        },
        {"type": "BitstringStatusListEntry", "statusListIndex": "-1", "statusListCredential": "x"},
        {"type": "1EdTechRevocationList", "id": ["x"]},
        {
            "type": "BitstringStatusListEntry",
            "statusListIndex": float("inf"),
            "statusListCredential": "x",
        },
        {
            "type": "BitstringStatusListEntry",
            "statusListIndex": float("nan"),
            "statusListCredential": "x",
        },
        {"type": ["BitstringStatusListEntry"]},
        {"type": {"a": 1}},
        "urn:status",
        [[[]]],
    ]
    for entry in entries:
        refused(verifier, {**rdfc_credential, "credentialStatus": entry})


def test_hostile_revocation_list_and_credential_ids(
    rdfc_credential: dict[str, Any], issuer_dir: Path, contexts_dir: Path, tmp_path: Path
) -> None:
    """A 1EdTech revocation list (from a store or an allow-listed host) holding any JSON."""
    from credmatch.credentials.documents import DocumentStore
    from credmatch.credentials.trust import TrustRegistry
    from credmatch.credentials.verify import VerifyOptions
    from tests.hostile.conftest import NOW, write_store

    url = "https://status.example/revocations"
    listing = {"revokedCredentials": [["a"], {"id": {"x": 1}}, {"id": ["y"]}, None, 3, "urn:z"]}
    store = DocumentStore(
        [write_store(tmp_path / "lists", {url: listing}), issuer_dir, contexts_dir]
    )
    verifier = Verifier(VerifyOptions(store, TrustRegistry.empty(), now=NOW))
    status = {"type": "1EdTechRevocationList", "id": url}
    for credential_id in ({"x": 1}, ["urn:z"], "urn:z", None, 5):
        doc = {**rdfc_credential, "credentialStatus": status, "id": credential_id}
        report = refused(verifier, doc)
        if credential_id == "urn:z":
            assert report.check("status") is not None and report.check("status").ok is False  # type: ignore[union-attr]

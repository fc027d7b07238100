"""Learners bring their own credentials, through HTTP on the seed graph: a holder signs a
presentation over a fresh challenge and their credentials load; a replay is refused; a
credential about someone else is refused alone; a learner key issued by sign-in sees its own
skillGap and nobody else's. Plus the VC-API verifier endpoints."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.support.holders import Holder, holder_with, reissuable, reissue, seed_holders
from tests.support.seeded import Seeded, first_job, gql

from credmatch.credentials import signing
from credmatch.credentials.documents import DocumentStore
from credmatch.server import create_app

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

SUBMIT = """
mutation($p: JSON!, $k: Boolean) {
  submitPresentation(presentation: $p, issueKey: $k) {
    learnerId loaded rejected
    results { source id valid verdict loaded checks { name ok detail } }
    apiKey { id role learnerId token }
  }
}"""
PROFILE = "query($l: ID!) { learner(id: $l) { id discoverable credentials { id verdict } } }"
GAP = "query($l: ID!, $j: ID!) { skillGap(learnerId: $l, jobId: $j) { score gaps { text } } }"


@pytest.fixture(scope="module")
def client(seeded: Seeded) -> Iterator[TestClient]:
    settings = seeded.settings.model_copy(
        update={"anonymous_rate_limit_per_s": 1000.0, "anonymous_rate_limit_burst": 1000}
    )
    with TestClient(create_app(settings)) as c:
        yield c


def fresh_challenge(client: TestClient) -> dict[str, Any]:
    response = client.post("/challenges")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def new_holder(n: int, credentials: int) -> Holder:
    """A learner the graph has never seen, holding re-issued seed credentials."""
    key = signing.keypair_from_seed(bytes([n]) * 32)
    did = signing.did_key(key.public_key())
    creds = tuple(
        reissue(c, did, f"00000000-0000-4000-8000-{n:04d}{i:08d}")
        for i, c in enumerate(reissuable(credentials))
    )
    return Holder(0, did, key, creds)


def submit(client: TestClient, vp: Any, issue_key: bool = False) -> dict[str, Any]:
    return gql(client, None, SUBMIT, p=vp, k=issue_key)


def test_challenge_endpoint_and_graphql_field(client: TestClient, seeded: Seeded) -> None:
    first, second = fresh_challenge(client), fresh_challenge(client)
    assert first["domain"] == seeded.settings.domain == "credmatch.local"
    assert first["challenge"] != second["challenge"] and len(first["challenge"]) >= 22
    assert first["expiresAt"].endswith("Z")
    body = gql(client, None, "{ presentationChallenge { challenge domain expiresAt } }")
    assert body["data"]["presentationChallenge"]["domain"] == "credmatch.local", body


def test_a_new_holder_loads_their_credentials_then_a_replay_is_refused(
    client: TestClient, seeded: Seeded
) -> None:
    holder = new_holder(101, 3)
    vp = holder.sign(fresh_challenge(client)["challenge"], "credmatch.local")
    body = submit(client, vp)
    report = body["data"]["submitPresentation"]
    assert report["learnerId"] == holder.did and report["apiKey"] is None
    assert (report["loaded"], report["rejected"]) == (3, 0), report
    assert all(r["verdict"] == "verified" and r["valid"] for r in report["results"])
    assert {c["name"] for c in report["results"][0]["checks"]} >= {"proof", "holder"}

    admin = seeded.keys["admin"]
    profile = gql(client, admin, PROFILE, l=holder.did)["data"]["learner"]
    assert profile["discoverable"] is False  # created by the presentation, not opted in
    assert sorted(c["id"] for c in profile["credentials"]) == sorted(
        c["id"] for c in holder.credentials
    )

    replay = submit(client, vp)
    assert (replay["data"] or {}).get("submitPresentation") is None
    error = replay["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert "already used" in error["message"] and "replay" in error["message"]


def test_a_credential_about_someone_else_is_refused_alone(
    client: TestClient, seeded: Seeded
) -> None:
    holder = new_holder(102, 2)
    stranger = next(
        h for h in seed_holders().values() if any(isinstance(c, dict) for c in h.credentials)
    )
    theirs = next(c for c in stranger.credentials if isinstance(c, dict))
    vp = holder.sign(
        fresh_challenge(client)["challenge"], "credmatch.local", [*holder.credentials, theirs]
    )
    report = submit(client, vp)["data"]["submitPresentation"]
    assert (report["loaded"], report["rejected"]) == (2, 1), report
    refused = report["results"][2]
    assert refused["loaded"] is False and refused["valid"] is False
    holder_check = next(c for c in refused["checks"] if c["name"] == "holder")
    assert holder_check["ok"] is False and stranger.did in holder_check["detail"]
    profile = gql(client, seeded.keys["admin"], PROFILE, l=holder.did)["data"]["learner"]
    assert theirs["id"] not in {c["id"] for c in profile["credentials"]}
    assert len(profile["credentials"]) == 2


def victim_credential(client: TestClient, admin: str) -> tuple[Holder, dict[str, Any]]:
    """A seed learner and one of their credentials (a JSON object) that the graph holds."""
    for victim in sorted(seed_holders().values(), key=lambda h: h.number):
        profile = gql(client, admin, PROFILE, l=victim.did)["data"]["learner"]
        in_graph = {c["id"] for c in (profile or {}).get("credentials", [])}
        for credential in victim.credentials:
            if isinstance(credential, dict) and credential["id"] in in_graph:
                return victim, credential
    raise LookupError("no seed credential found in the graph")


def forged_copy(target: dict[str, Any], seed: int, subject: str) -> tuple[dict[str, Any], str]:
    """``target`` re-signed by a fresh did:key issuer (from ``seed``) about ``subject``:
    a credential that verifies but reuses another credential's id. Returns it and the issuer."""
    forger = signing.keypair_from_seed(bytes([seed]) * 32)
    forger_did = signing.did_key(forger.public_key())
    forged = {k: v for k, v in target.items() if k not in ("proof", "credentialStatus")}
    forged["issuer"] = {**forged["issuer"], "id": forger_did}
    forged["credentialSubject"] = {**forged["credentialSubject"], "id": subject}
    signed = signing.sign_data_integrity(
        forged,
        forger,
        signing.did_key_verification_method(forger_did),
        "eddsa-jcs-2022",
        "2026-01-05T00:00:00Z",
        DocumentStore(),
    )
    return signed, forger_did


def test_a_self_issued_credential_cannot_take_over_another_learners_credential_id(
    client: TestClient, seeded: Seeded
) -> None:
    attacker = new_holder(104, 1)
    admin = seeded.keys["admin"]
    victim, target = victim_credential(client, admin)
    forged, forger_did = forged_copy(target, 105, attacker.did)  # an issuer nobody trusts
    vp = attacker.sign(
        fresh_challenge(client)["challenge"], "credmatch.local", [*attacker.credentials, forged]
    )
    report = submit(client, vp)["data"]["submitPresentation"]
    assert (report["loaded"], report["rejected"]) == (1, 1), report
    refused = report["results"][1]
    assert refused["loaded"] is False and refused["valid"] is False
    check = next(c for c in refused["checks"] if c["name"] == "credential_id")
    assert check["ok"] is False and victim.did in check["detail"] and forger_did in check["detail"]
    theirs = gql(client, admin, PROFILE, l=victim.did)["data"]["learner"]["credentials"]
    assert target["id"] in {c["id"] for c in theirs}
    mine = gql(client, admin, PROFILE, l=attacker.did)["data"]["learner"]["credentials"]
    assert target["id"] not in {c["id"] for c in mine}


INGEST = """
mutation($c: [JSON!]!) {
  ingestCredentials(credentials: $c) {
    results { loaded notLoadedReason checks { name ok detail } }
  }
}"""


def test_ingest_credentials_cannot_take_over_another_learners_credential_id(
    client: TestClient, seeded: Seeded
) -> None:
    """The same guard on the API's own ingest: any key that may ingest (here admin's) cannot
    re-point a stored credential by loading a forged one with its id."""
    admin = seeded.keys["admin"]
    victim, target = victim_credential(client, admin)
    someone = signing.did_key(signing.keypair_from_seed(bytes([107]) * 32).public_key())
    forged, _ = forged_copy(target, 106, someone)
    body = gql(client, admin, INGEST, c=[forged])
    result = body["data"]["ingestCredentials"]["results"][0]
    assert result["loaded"] is False and result["notLoadedReason"] == "credential_id", body
    check = next(c for c in result["checks"] if c["name"] == "credential_id")
    assert check["ok"] is False and victim.did in check["detail"]
    theirs = gql(client, admin, PROFILE, l=victim.did)["data"]["learner"]["credentials"]
    assert target["id"] in {c["id"] for c in theirs}


def test_sign_in_issues_a_learner_key_that_sees_only_its_own_gap(
    client: TestClient, seeded: Seeded
) -> None:
    returning = holder_with(3)  # a seed learner: already in the graph
    vp = returning.sign(fresh_challenge(client)["challenge"], "credmatch.local", [])
    report = submit(client, vp, issue_key=True)["data"]["submitPresentation"]
    assert report["learnerId"] == returning.did and report["results"] == []
    key = report["apiKey"]
    assert key["role"] == "learner" and key["learnerId"] == returning.did
    token = key["token"]

    viewer = gql(client, token, "{ viewer { role learnerId } }")["data"]["viewer"]
    assert viewer == {"role": "learner", "learnerId": returning.did}
    job = first_job(client, token, "Nurse")
    own = gql(client, token, GAP, l=returning.did, j=job)
    assert own.get("errors") is None and own["data"]["skillGap"]["score"] >= 0, own
    other = gql(client, token, GAP, l=seeded.other_learner, j=job)
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_keyless_requests_stay_refused_for_everything_else(client: TestClient) -> None:
    for query in (
        "{ viewer { role } }",
        "{ presentationChallenge { challenge } viewer { role } }",
        "query A { presentationChallenge { challenge } } query B { viewer { role } }",
        "{ ...F } fragment F on Query { presentationChallenge { challenge } }",
        "not graphql at all {",
    ):
        response = client.post("/graphql", json={"query": query})
        assert response.status_code == 401, (query, response.text)
    named = client.post(
        "/graphql",
        json={
            "query": "query A { presentationChallenge { challenge } } query B { viewer { role } }",
            "operationName": "A",
        },
    )
    assert named.status_code == 200 and named.json()["data"]["presentationChallenge"]
    response = client.get("/graphql", params={"query": "{ presentationChallenge { challenge } }"})
    assert response.status_code == 401


def test_keyless_requests_are_rate_limited_per_address(seeded: Seeded) -> None:
    settings = seeded.settings.model_copy(
        update={"anonymous_rate_limit_per_s": 0.01, "anonymous_rate_limit_burst": 2}
    )
    with TestClient(create_app(settings)) as c:
        assert c.post("/challenges").status_code == 200
        assert gql(c, None, "{ presentationChallenge { challenge } }")["data"]
        limited = c.post("/challenges")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        again = c.post("/graphql", json={"query": "{ presentationChallenge { challenge } }"})
        assert again.status_code == 429
        # API keys have their own buckets: a keyed request still passes.
        keyed = gql(c, seeded.keys["recruiter"], "{ presentationChallenge { challenge } }")
        assert keyed["data"]["presentationChallenge"]["challenge"]


# --- the VC-API verifier ----------------------------------------------------------------------


def vcapi(client: TestClient, path: str, body: Any, key: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = client.post(path, json=body, headers=headers)
    return response.status_code, response.json()


def test_vc_api_verify_credential(client: TestClient, seeded: Seeded) -> None:
    credential = reissue(reissuable(1)[0], "did:example:vcapi-subject", "0000-vcapi-1")
    key = seeded.keys["issuer"]
    status, body = vcapi(client, "/credentials/verify", {"verifiableCredential": credential}, key)
    assert status == 200, body
    assert set(body) == {"checks", "warnings", "errors"}
    assert "proof" in body["checks"] and body["errors"] == []

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Something Else Entirely"
    status, body = vcapi(client, "/credentials/verify", {"verifiableCredential": tampered}, key)
    assert status == 400 and body["errors"][0].startswith("proof: "), body
    assert "proof" not in body["checks"]

    status, body = vcapi(client, "/credentials/verify", {"options": {}}, key)
    assert status == 400 and "verifiableCredential" in body["errors"][0]
    for role in ("recruiter", "jobboard", "learner", "admin"):
        status, _ = vcapi(client, "/credentials/verify", {"verifiableCredential": credential},
                          seeded.keys[role])  # fmt: skip
        assert status == 200, role
    status, body = vcapi(client, "/credentials/verify", {"verifiableCredential": credential}, None)
    assert status == 401


def test_vc_api_verify_presentation(client: TestClient, seeded: Seeded) -> None:
    holder = new_holder(103, 2)
    vp = holder.sign("vcapi-challenge-1", "verifier.example")
    key = seeded.keys["recruiter"]
    options = {"challenge": "vcapi-challenge-1", "domain": "verifier.example"}
    status, body = vcapi(
        client, "/presentations/verify", {"verifiablePresentation": vp, "options": options}, key
    )
    assert status == 200, body
    assert body["checks"] == ["proof", "challenge", "domain"] and body["errors"] == []

    wrong = {"challenge": "another", "domain": "verifier.example"}
    status, body = vcapi(
        client, "/presentations/verify", {"verifiablePresentation": vp, "options": wrong}, key
    )
    assert (
        status == 400
        and body["errors"][0].startswith("proof: ")
        and "challenge" in (body["errors"][0])
    )
    # Nothing is loaded by verifying: the holder is still unknown to the graph.
    assert gql(client, seeded.keys["admin"], PROFILE, l=holder.did)["data"]["learner"] is None
    status, body = vcapi(client, "/presentations/verify", {"verifiablePresentation": 7}, key)
    assert status == 400
    status, _ = vcapi(client, "/presentations/verify", {"verifiablePresentation": vp}, None)
    assert status == 401

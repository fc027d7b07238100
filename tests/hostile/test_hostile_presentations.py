"""Hostile presentations through HTTP (keyless ``submitPresentation``): every bad one is refused
with BAD_INPUT naming the reason, nothing is loaded (the holder never appears in the graph),
and nothing gets a 5xx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from credmatch.bootstrap import bootstrap
from credmatch.credentials import signing
from credmatch.credentials.presenting import presentation, sign_presentation, sign_vp_jwt
from credmatch.services.challenges import issue_challenge
from tests.hostile.conftest import seed_key
from tests.hostile.support import HOSTILE, nested, paths, replaced

pytestmark = pytest.mark.neo4j

DOMAIN = "credmatch.local"
SUBMIT = (
    "mutation($p: JSON!) { submitPresentation(presentation: $p) "
    "{ learnerId loaded results { loaded } } }"
)
LIMIT_BYTES = 20_000
LIMIT_CREDENTIALS = 3


@pytest.fixture(scope="module")
def client(hostile_settings: Any, hostile_keys: dict[str, str]) -> Iterator[TestClient]:
    settings = hostile_settings.model_copy(
        update={
            "anonymous_rate_limit_per_s": 10_000.0,
            "anonymous_rate_limit_burst": 10_000,
            "max_presentation_bytes": LIMIT_BYTES,
            "max_presentation_credentials": LIMIT_CREDENTIALS,
        }
    )
    app = create_app_for(settings)
    app.state.admin_key = hostile_keys["admin"]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def create_app_for(settings: Any) -> Any:
    from credmatch.server import create_app

    return create_app(settings)


class Signer:
    def __init__(self, n: int) -> None:
        self.key: Ed25519PrivateKey = seed_key(n)
        self.did = signing.did_key(self.key.public_key())
        self.method = signing.did_key_verification_method(self.did)


HOLDER, OTHER = Signer(61), Signer(62)


def challenge(client: TestClient) -> str:
    response = client.post("/challenges")
    assert response.status_code == 200, response.text
    return str(response.json()["challenge"])


def signed(client: TestClient, vp: dict[str, Any] | None = None, **options: Any) -> Any:
    vp = vp if vp is not None else presentation(HOLDER.did, [])
    key = options.pop("key", HOLDER.key)
    method = options.pop("method", HOLDER.method)
    options.setdefault("challenge", challenge(client))
    options.setdefault("domain", DOMAIN)
    options.setdefault("suite", "eddsa-jcs-2022")
    return sign_presentation(vp, key, method, **options)


def refused(client: TestClient, vp: Any, *reasons: str, holder: str = HOLDER.did) -> str:
    response = client.post("/graphql", json={"query": SUBMIT, "variables": {"p": vp}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body.get("data") or {}).get("submitPresentation") is None, body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT", body
    for reason in reasons:
        assert reason in error["message"], error["message"]
    assert holder_unknown(client, holder), "a refused presentation created its holder"
    return str(error["message"])


def holder_unknown(client: TestClient, holder: str) -> bool:
    """An accepted presentation creates its holder; a refused one must not."""
    admin = client.app.state.admin_key  # type: ignore[attr-defined]
    response = client.post(
        "/graphql",
        json={"query": "query($l: ID!) { learner(id: $l) { id } }", "variables": {"l": holder}},
        headers={"Authorization": f"Bearer {admin}"},
    )
    return bool(response.json()["data"]["learner"] is None)


def test_unsigned(client: TestClient) -> None:
    refused(client, presentation(HOLDER.did, []), "(proof)", "unsigned")


def test_a_proof_by_a_key_the_holder_does_not_control(client: TestClient) -> None:
    vp = signed(client, key=OTHER.key, method=OTHER.method)
    refused(client, vp, "not by the holder", OTHER.did)


def test_wrong_proof_purpose(client: TestClient) -> None:
    refused(client, signed(client, purpose="assertionMethod"), "proofPurpose", "authentication")


def test_wrong_domain(client: TestClient) -> None:
    refused(client, signed(client, domain="evil.example"), "domain", "evil.example")


def test_unknown_used_and_expired_challenges(client: TestClient) -> None:
    refused(client, signed(client, challenge="made-up-challenge"), "unknown")
    settings = client.app.state.container.settings  # type: ignore[attr-defined]

    async def expired() -> str:
        container = bootstrap(settings)  # its own driver: the app's belongs to its loop
        try:
            past = datetime.now(UTC) - timedelta(hours=1)
            return (await issue_challenge(container.store, DOMAIN, 60, now=past)).value
        finally:
            await container.close()

    refused(client, signed(client, challenge=asyncio.run(expired())), "expired at")


def test_a_presentation_nested_in_a_presentation(client: TestClient) -> None:
    inner = signed(client)
    refused(client, signed(client, presentation(HOLDER.did, [inner])), "nested")


def test_oversized_and_too_many_credentials(client: TestClient) -> None:
    padded = {**presentation(HOLDER.did, []), "padding": "x" * LIMIT_BYTES}
    refused(client, signed(client, padded), f"limit is {LIMIT_BYTES}")
    many = presentation(HOLDER.did, [{"n": n} for n in range(LIMIT_CREDENTIALS + 1)])
    refused(client, signed(client, many), f"limit is {LIMIT_CREDENTIALS} per presentation")


@pytest.mark.parametrize("alg", ["none", "HS256", "HS512"])
def test_vp_jwt_alg_none_and_symmetric(client: TestClient, alg: str) -> None:
    token = sign_vp_jwt(
        presentation(HOLDER.did, []),
        HOLDER.key,
        HOLDER.method,
        challenge=challenge(client),
        domain=DOMAIN,
        alg=alg,
    )
    if alg == "none":
        token = token.rsplit(".", 1)[0] + "."
    refused(client, token, alg)


@pytest.mark.parametrize(
    "value",
    [[], 7, True, "", "x", "a.b.c", {}, {"type": "VerifiablePresentation"}, nested(200)],
    ids=["list", "int", "bool", "empty", "text", "bad-jwt", "object", "no-context", "deep"],
)
def test_not_a_presentation(client: TestClient, value: Any) -> None:
    refused(client, value)


@HOSTILE
@given(data=st.data())
def test_any_change_to_a_signed_presentation_is_refused(client: TestClient, data: Any) -> None:
    # One real signed presentation; hypothesis picks a place and a hostile value for it.
    base = _base(client)
    places = list(paths(base))
    place = data.draw(st.sampled_from(places))
    value = data.draw(
        st.one_of(
            st.none(), st.booleans(), st.integers(), st.text(max_size=20),
            st.just([]), st.just({}), st.just(nested(80)), st.just("did:key:z6MkEvil"),
        )
    )  # fmt: skip
    changed = replaced(base, place, value)
    if json.dumps(changed, sort_keys=True) == json.dumps(base, sort_keys=True):
        return
    response = client.post("/graphql", json={"query": SUBMIT, "variables": {"p": changed}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body.get("data") or {}).get("submitPresentation") is None, (place, value, body)
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT", body


_BASE: dict[str, Any] = {}


def _base(client: TestClient) -> dict[str, Any]:
    # Signed over an unknown challenge: even an unchanged copy would be refused at the
    # challenge, and a change anywhere is caught earlier, by the signature.
    if not _BASE:
        _BASE.update(signed(client, challenge="hypothesis-never-issued"))
    return _BASE


@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
def test_vc_api_endpoints_answer_hostile_bodies_with_400(
    client: TestClient, hostile_keys: dict[str, str], path: str
) -> None:
    auth = {"Authorization": f"Bearer {hostile_keys['recruiter']}"}
    field = "verifiableCredential" if "credentials" in path else "verifiablePresentation"
    bodies: list[bytes] = [
        b"", b"not json", b"[]", b"7", b"{}", b"[" * 50_000 + b"]" * 50_000,
        json.dumps({field: None}).encode(), json.dumps({field: [1, 2]}).encode(),
        json.dumps({field: "e30.e30.e30"}).encode(),
        json.dumps({field: nested(300)}).encode(),
        json.dumps({field: {"@context": [7], "type": {"a": 1}}}).encode(),
        json.dumps({field: {}, "options": "nope"}).encode(),
        json.dumps({field: {}, "options": {"challenge": 7}}).encode(),
    ]  # fmt: skip
    for body in bodies:
        response = client.post(
            path, content=body, headers={**auth, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, (body[:60], response.status_code, response.text)
        answer = response.json()
        assert answer.get("errors"), answer

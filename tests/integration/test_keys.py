from __future__ import annotations

import argparse
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from credmatch.bootstrap import Container, bootstrap
from credmatch.cli import keys as keys_cli
from credmatch.config import Settings
from credmatch.domain.principal import Principal, Role
from credmatch.errors import AuthenticationError, InputError, NotFoundError
from credmatch.graph.schema import ensure_schema, migrate_to_organizations
from credmatch.services.api_keys import KeyService, parse_key
from credmatch.services.orgs import list_orgs

pytestmark = [pytest.mark.anyio, pytest.mark.neo4j]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def container(neo4j_settings: Settings) -> AsyncIterator[Container]:
    container = bootstrap(neo4j_settings)
    await ensure_schema(container.store, neo4j_settings.embedding_dimension)
    try:
        yield container
    finally:
        await container.close()


async def test_create_authenticate_list(container: Container) -> None:
    service = KeyService(container.store, cache_ttl_s=0)
    before = datetime.now(UTC)
    issued = await service.create("learner", learner_id="learner-7", label="  Ada's laptop ")
    assert issued.info.role is Role.LEARNER
    assert issued.info.learner_id == "learner-7"
    assert issued.info.label == "Ada's laptop"
    assert issued.info.created_at >= before.replace(microsecond=0)
    assert issued.info.last_used_at is None and not issued.info.revoked

    principal = await service.authenticate(issued.token)
    assert principal == Principal(issued.info.id, Role.LEARNER, "learner-7")

    listed = {info.id: info for info in await service.list()}
    info = listed[issued.info.id]
    assert info.role is Role.LEARNER and not info.revoked
    assert info.last_used_at is not None and info.last_used_at >= info.created_at
    assert parse_key(issued.token).secret not in repr(info)


async def test_the_secret_is_stored_only_as_a_hash(container: Container) -> None:
    issued = await KeyService(container.store).create(Role.ADMIN)
    rows = await container.store.read(
        "MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS p", {"id": issued.info.id}
    )
    stored = rows[0]["p"]
    assert stored["hash"].startswith("sha256:")
    assert all(parse_key(issued.token).secret not in str(v) for v in stored.values())


async def test_wrong_or_unknown_keys_are_refused(container: Container) -> None:
    service = KeyService(container.store)
    issued = await service.create(Role.RECRUITER)
    other = await service.create(Role.RECRUITER)
    forged = issued.token.rsplit("_", 1)[0] + "_" + parse_key(other.token).secret
    for _ in range(2):  # the second time the verified key is cached: still refused
        with pytest.raises(AuthenticationError, match=issued.info.id):
            await service.authenticate(forged)
        await service.authenticate(issued.token)
    unknown = "cm_" + "f" * 16 + "_" + parse_key(other.token).secret
    with pytest.raises(AuthenticationError, match="unknown, revoked or wrong"):
        await service.authenticate(unknown)


async def test_revocation_with_no_cache_is_immediate(container: Container) -> None:
    service = KeyService(container.store, cache_ttl_s=0)
    issued = await service.create(Role.JOBBOARD, label="board")
    other_process = KeyService(container.store, cache_ttl_s=0)
    await other_process.authenticate(issued.token)

    revoked = await service.revoke(issued.info.id)
    assert revoked.revoked and revoked.id == issued.info.id
    with pytest.raises(AuthenticationError):
        await other_process.authenticate(issued.token)
    assert (await service.revoke(issued.info.id)).revoked  # idempotent
    assert next(k for k in await service.list() if k.id == issued.info.id).revoked


async def test_a_cached_key_survives_revocation_for_the_ttl_at_most(container: Container) -> None:
    clock = Clock()
    revoker = KeyService(container.store)
    issued = await revoker.create(Role.ISSUER)
    server = KeyService(container.store, cache_ttl_s=30, clock=clock)
    await server.authenticate(issued.token)

    await revoker.revoke(issued.info.id)
    clock.now = 29.0
    assert (await server.authenticate(issued.token)).role is Role.ISSUER  # still cached
    clock.now = 30.0
    with pytest.raises(AuthenticationError):
        await server.authenticate(issued.token)
    with pytest.raises(AuthenticationError):  # now negatively cached, still refused
        await server.authenticate(issued.token)


async def test_the_revoking_process_forgets_the_key_at_once(container: Container) -> None:
    service = KeyService(container.store, cache_ttl_s=3600)
    issued = await service.create(Role.ADMIN)
    await service.authenticate(issued.token)
    await service.revoke(issued.info.id)
    with pytest.raises(AuthenticationError):
        await service.authenticate(issued.token)


async def test_bad_requests_for_keys(container: Container) -> None:
    service = KeyService(container.store)
    with pytest.raises(InputError, match="--learner"):
        await service.create(Role.LEARNER)
    with pytest.raises(InputError, match="drop --learner"):
        await service.create(Role.RECRUITER, learner_id="L1")
    with pytest.raises(InputError, match="unknown role"):
        await service.create("root")
    with pytest.raises(NotFoundError, match="keys list"):
        await service.revoke("0" * 16)


def test_cli_create_list_revoke(
    neo4j_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.bolt_uri)
    if neo4j_settings.neo4j_password:
        monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    parser = argparse.ArgumentParser()
    keys_cli.register(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> tuple[str, str]:
        args = parser.parse_args(list(argv))
        assert args.handler(args) == 0
        captured = capsys.readouterr()
        return captured.out, captured.err

    out, err = run("keys", "create", "--role", "learner", "--learner", "L42", "--label", "cli")
    token = out.strip()
    key_id = parse_key(token).key_id  # stdout holds exactly the key
    assert key_id in err and "shown only now" in err

    out, _ = run("keys", "list")
    line = next(line for line in out.splitlines() if line.startswith(key_id))
    assert "learner" in line and "active" in line and "L42 cli" in line
    assert parse_key(token).secret not in out

    out, _ = run("keys", "revoke", key_id)
    assert f"revoked API key {key_id}" in out
    out, _ = run("keys", "list", "--json")
    assert f'"id": "{key_id}"' in out and '"revoked": true' in out
    assert parse_key(token).secret not in out


async def test_cached_and_uncached_authentication_cost(container: Container) -> None:
    issued = await KeyService(container.store).create(Role.RECRUITER)
    expected = Principal(issued.info.id, Role.RECRUITER, None, org_id="default")
    for ttl in (0.0, 30.0):
        service = KeyService(container.store, cache_ttl_s=ttl)
        await service.authenticate(issued.token)  # first use: lookup and last-used stamp
        start = time.perf_counter()
        results = [await service.authenticate(issued.token) for _ in range(200)]
        mean_us = (time.perf_counter() - start) / 200 * 1e6
        assert set(results) == {expected}
        print(f"\nauthenticate with cache TTL {ttl:g} s: {mean_us:.0f} µs per request")


async def test_keys_belong_to_organisations_and_issuer_keys_to_issuers(
    container: Container,
) -> None:
    service = KeyService(container.store, cache_ttl_s=0)
    board = await service.create(Role.JOBBOARD, org_id="acme-jobs", org_name="ACME Jobs")
    issuer = await service.create(
        Role.ISSUER, org_id="uni", issuer_ids=["did:web:uni.example", "did:web:uni.example"]
    )
    assert (board.info.org_id, issuer.info.issuer_ids) == ("acme-jobs", ("did:web:uni.example",))
    assert await service.authenticate(board.token) == Principal(
        board.info.id, Role.JOBBOARD, None, org_id="acme-jobs"
    )
    assert (await service.authenticate(issuer.token)).issuer_ids == ("did:web:uni.example",)
    assert (await service.create(Role.ADMIN)).info.org_id is None
    orgs = {o.id: o for o in await list_orgs(container.store)}
    assert orgs["acme-jobs"].name == "ACME Jobs"
    assert [k.id for k in orgs["acme-jobs"].keys] == [board.info.id]
    assert orgs["uni"].keys[0].issuer_ids == ("did:web:uni.example",)
    for bad, match in (
        ({"role": Role.ADMIN, "org_id": "x"}, "drop --org"),
        ({"role": Role.LEARNER, "learner_id": "L", "org_id": "x"}, "drop --org"),
        ({"role": Role.RECRUITER, "org_id": "Not An Id!"}, "not an organisation id"),
        ({"role": Role.RECRUITER, "issuer_ids": ["did:web:x"]}, "drop --issuer"),
        ({"role": Role.ISSUER, "issuer_ids": ["not-a-did"]}, "not an issuer id"),
    ):
        role = bad.pop("role")
        with pytest.raises(InputError, match=match):
            await service.create(role, **bad)  # type: ignore[arg-type]


async def test_init_moves_keys_and_postings_from_before_organisations_into_default(
    container: Container,
) -> None:
    store = container.store
    await store.write(
        "CREATE (:ApiKey {id: 'legacy00legacy00', role: 'recruiter', hash: 'x', revoked: false}),"
        " (:JobPosting {id: 'legacy-posting', title: 'Legacy'})"
    )
    assert (await migrate_to_organizations(store))[0] >= 1
    assert await migrate_to_organizations(store) == (0, 0)  # idempotent
    rows = await store.read(
        "MATCH (o:Organization {id: 'default'})-[:HAS_KEY]->(k:ApiKey {id: 'legacy00legacy00'}),"
        " (o)-[:OWNS]->(j:JobPosting {id: 'legacy-posting'})"
        " RETURN k.orgId AS k, j.ownerId AS j, j.externalId AS e"
    )
    assert rows == [{"k": "default", "j": "default", "e": "legacy-posting"}]
    await store.write(
        "MATCH (n) WHERE n.id IN ['legacy00legacy00', 'legacy-posting'] DETACH DELETE n"
    )


def test_cli_orgs_list_and_issuer_keys_need_issuers(
    neo4j_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.bolt_uri)
    if neo4j_settings.neo4j_password:
        monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    parser = argparse.ArgumentParser()
    keys_cli.register(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> str:
        args = parser.parse_args(list(argv))
        assert args.handler(args) == 0
        return capsys.readouterr().out

    with pytest.raises(InputError, match="--issuer"):
        args = parser.parse_args(["keys", "create", "--role", "issuer", "--org", "cli-uni"])
        args.handler(args)
    create = ["keys", "create", "--role", "issuer", "--org", "cli-uni", "--org-name", "CLI Uni"]
    issuers = ["--issuer", "did:web:cli.example", "--issuer", "did:web:cli2.example"]
    key = run(*create, *issuers).strip()
    key_id = parse_key(key).key_id
    out = run("orgs", "list")
    block = out.split("cli-uni", 1)[1].split("\n\n")[0]
    assert "'CLI Uni'  0 postings  1 keys" in block
    assert key_id in block and "did:web:cli.example did:web:cli2.example" in block
    listed = run("orgs", "list", "--json")
    assert '"id": "cli-uni"' in listed and key not in listed

"""Many organisations on one platform, through HTTP: two organisations A and B, each with a job
board, a recruiter and an issuer key. Ownership of postings, scoping of rankings and listings,
issuer-bound keys, keyset cursors under a changing ranking, and the learner's access log.
Each test leaves the seed graph as it found it."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.conftest import SHARED_DATA
from tests.support.seeded import Seeded, first_job, gql, run, seed_path

from credmatch.bootstrap import bootstrap
from credmatch.credentials.signing import sign_data_integrity
from credmatch.keys import KeyService, Role
from credmatch.seed.generate import context_store
from credmatch.seed.identities import issuer_identity
from credmatch.seed.issuers import ISSUERS
from credmatch.server import create_app

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

ISSUER_A, ISSUER_B = "opencoursehub", "launchpad"  # seed issuers the two issuer keys act for

CANDIDATES = """
query($job: ID!, $first: Int, $after: String, $filter: CandidateFilter) {
  candidates(jobId: $job, first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { rank score learner { id } } }
  }
}"""
UPSERT = """mutation($i: JobPostingInput, $j: JSON, $o: ID) {
  upsertJobPosting(input: $i, jsonld: $j, organizationId: $o) {
    id externalId organization { id name } title requirements { id text }
  }
}"""
POSTING = "query($id: ID!) { jobPosting(id: $id) { id externalId organization { id } } }"
INGEST = """mutation($c: [JSON!]!) { ingestCredentials(credentials: $c) {
  loaded rejected results { id verdict loaded refused refusedReason } } }"""
ACCESS_LOG = """query($l: ID!, $first: Int, $after: String) { learner(id: $l) {
  accessLog(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { firstAt lastAt count operation keyId jobPostingId organization { id name } } }
  } } }"""


def _issuer_did(slug: str) -> str:
    return issuer_identity(next(s for s in ISSUERS if s.slug == slug)).did


@pytest.fixture(scope="module")
def orgs(seeded: Seeded) -> dict[str, dict[str, str]]:
    """org -> role -> token, for organisations org-a and org-b."""

    async def make() -> dict[str, dict[str, str]]:
        container = bootstrap(seeded.settings)
        try:
            service = KeyService(container.store)
            made: dict[str, dict[str, str]] = {}
            for org, issuer in (("org-a", ISSUER_A), ("org-b", ISSUER_B)):
                made[org] = {}
                for role in (Role.JOBBOARD, Role.RECRUITER, Role.ISSUER):
                    bound = [_issuer_did(issuer)] if role is Role.ISSUER else []
                    issued = await service.create(
                        role, org_id=org, org_name=f"Organisation {org[-1].upper()}",
                        issuer_ids=bound,
                    )  # fmt: skip
                    made[org][role.value] = issued.token
            return made
        finally:
            await container.close()

    return dict(run(make()))


def _read(seeded: Seeded, query: str, **params: Any) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        container = bootstrap(seeded.settings)
        try:
            return [dict(r) for r in await container.store.read(query, params)]
        finally:
            await container.close()

    return list(run(go()))


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def _snapshot(seeded: Seeded, job_id: str) -> str:
    """Everything stored about a posting: its properties, owner and requirements with links."""
    rows = _read(
        seeded,
        "MATCH (o:Organization)-[:OWNS]->(j:JobPosting {id: $id}) "
        "OPTIONAL MATCH (j)-[:REQUIRES]->(r:Requirement) "
        "OPTIONAL MATCH (r)-[s:SATISFIED_BY]->(a:Achievement) "
        "WITH o, j, r, collect([a.id, s.similarity]) AS links ORDER BY r.id "
        "RETURN o.id AS owner, properties(j) AS job, "
        "collect([properties(r), links]) AS requirements",
        id=job_id,
    )
    return json.dumps(rows, sort_keys=True, default=str)


def _wait_until_ranked(seeded: Seeded, job_id: str) -> None:
    deadline = time.monotonic() + 60
    query = "MATCH (j:JobPosting {id: $id}) RETURN j.matchesStale IS NULL AS fresh"
    while not _read(seeded, query, id=job_id)[0]["fresh"]:
        assert time.monotonic() < deadline, "the match table refresh never reached the posting"
        time.sleep(0.3)


def _sign(cred: dict[str, Any], slug: str, learner: str) -> dict[str, Any]:
    """A seed credential re-issued by its issuer to ``learner`` and signed again."""
    cred = json.loads(json.dumps(cred))
    cred.pop("proof")
    cred["id"] = f"urn:uuid:{uuid.uuid4()}"
    cred["credentialSubject"]["id"] = learner
    ident = issuer_identity(next(s for s in ISSUERS if s.slug == slug))
    return sign_data_integrity(
        cred, ident.key, ident.verification_method, "eddsa-jcs-2022", "2026-01-01T00:00:00Z",
        context_store(SHARED_DATA / "esco"),
    )  # fmt: skip


def _seed_credentials() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(Path(seed_path("credentials")).glob("*.jsonl")):
        for line in path.read_text().splitlines()[:60]:
            cred = json.loads(line)  # some lines are VC-JWTs (strings): skipped
            if isinstance(cred, dict) and "achievement" in cred.get("credentialSubject", {}):
                found.append((path.stem, cred))
    return found


def test_postings_belong_to_their_organisation_and_b_cannot_touch_a_s(
    api: TestClient, seeded: Seeded, orgs: dict[str, dict[str, str]]
) -> None:
    a, b, admin = orgs["org-a"], orgs["org-b"], seeded.keys["admin"]
    fields = {
        "externalId": "req-2024-17",
        "title": "Data Analyst",
        "description": "Analyse sales data.",
        "requirements": [{"text": "SQL queries and joins"}, {"text": "Python for data analysis"}],
    }
    mine = gql(api, a["jobboard"], UPSERT, i=fields)["data"]["upsertJobPosting"]
    theirs = gql(api, b["jobboard"], UPSERT, i={**fields, "title": "BI Analyst"})
    theirs = theirs["data"]["upsertJobPosting"]
    # The same external id from two organisations: two postings, each with its owner.
    assert mine["id"] != theirs["id"] and mine["externalId"] == theirs["externalId"]
    assert (mine["organization"], theirs["organization"]["id"]) == (
        {"id": "org-a", "name": "Organisation A"},
        "org-b",
    )
    job = mine["id"]
    _wait_until_ranked(seeded, job)  # the background table refresh is done with the posting
    before = _snapshot(seeded, job)
    learner = seeded.learner

    refused = {
        "upsert into A": gql(api, b["jobboard"], UPSERT, i={**fields, "title": "Hijacked"},
                             o="org-a"),
        "upsert A's JSON-LD into A": gql(api, b["jobboard"], UPSERT, o="org-a", j={
            "@type": "JobPosting", "identifier": "req-2024-17", "title": "Hijacked",
            "description": "<ul><li>Nothing</li></ul>"}),
        "delete": gql(api, b["jobboard"], "mutation($id: ID!) { deleteJobPosting(id: $id) }",
                      id=job),
        "delete as recruiter": gql(api, b["recruiter"],
                                   "mutation($id: ID!) { deleteJobPosting(id: $id) }", id=job),
        "candidates (job board)": gql(api, b["jobboard"], CANDIDATES, job=job, first=5),
        "candidates (recruiter)": gql(api, b["recruiter"], CANDIDATES, job=job, first=5),
        "skillGap": gql(api, b["recruiter"], "query($l: ID!, $j: ID!) { skillGap(learnerId: $l, "
                        "jobId: $j) { score } }", l=learner, j=job),
        "upsert (issuer)": gql(api, b["issuer"], UPSERT, i=fields, o="org-a"),
    }  # fmt: skip
    codes = {name: _code(body) for name, body in refused.items()}
    assert codes == {
        "upsert into A": "FORBIDDEN",
        "upsert A's JSON-LD into A": "FORBIDDEN",
        "delete": "NOT_FOUND",  # another organisation's posting answers as a missing one
        "delete as recruiter": "FORBIDDEN",  # the role may not delete at all
        "candidates (job board)": "NOT_FOUND",
        "candidates (recruiter)": "NOT_FOUND",
        "skillGap": "NOT_FOUND",
        "upsert (issuer)": "FORBIDDEN",
    }
    missing = gql(api, b["jobboard"], 'mutation { deleteJobPosting(id: "jp_nonexistent") }')
    assert refused["delete"]["errors"][0]["message"].replace(job, "X") == missing["errors"][0][
        "message"
    ].replace("jp_nonexistent", "X")  # indistinguishable from a posting that does not exist
    assert gql(api, b["recruiter"], POSTING, id=job)["data"]["jobPosting"] is None
    listed = gql(api, b["recruiter"], "{ jobPostings(first: 100) { totalCount nodes { id } } }")
    assert [n["id"] for n in listed["data"]["jobPostings"]["nodes"]] == [theirs["id"]]
    assert _snapshot(seeded, job) == before  # byte for byte

    # A's own keys: rank, list, read and delete their posting; admin sees both.
    assert _code(gql(api, a["recruiter"], CANDIDATES, job=job, first=5)) is None
    own = gql(api, a["recruiter"], "{ jobPostings(first: 100) { totalCount nodes { id } } }")
    assert own["data"]["jobPostings"] == {"totalCount": 1, "nodes": [{"id": job}]}
    seed_job = first_job(api, seeded.keys["recruiter"], "Electrician")
    assert _code(gql(api, a["recruiter"], CANDIDATES, job=seed_job, first=1)) == "NOT_FOUND"
    everything = gql(api, admin, "{ jobPostings(first: 100) { totalCount } }")
    learners_view = gql(api, seeded.keys["learner"], "{ jobPostings(first: 100) { totalCount } }")
    total = everything["data"]["jobPostings"]["totalCount"]
    assert total == learners_view["data"]["jobPostings"]["totalCount"] >= 2 + 1
    for owner, posting in ((a, job), (b, theirs["id"])):
        gone = gql(api, owner["jobboard"], "mutation($id: ID!) { deleteJobPosting(id: $id) }",
                   id=posting)  # fmt: skip
        assert gone["data"]["deleteJobPosting"] is True


def test_job_postings_page_with_cursors_bound_to_the_listing(
    api: TestClient, seeded: Seeded
) -> None:
    key = seeded.keys["admin"]
    query = """query($first: Int, $after: String, $search: String) {
      jobPostings(first: $first, after: $after, search: $search) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } }"""
    whole = gql(api, key, query, first=100)["data"]["jobPostings"]
    seen: list[str] = []
    after = None
    while True:
        page = gql(api, key, query, first=7, after=after)["data"]["jobPostings"]
        assert page["totalCount"] == whole["totalCount"]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [n["id"] for n in whole["nodes"]] and len(seen) > 7
    other = gql(api, key, query, first=7, after=after, search="nurse")
    assert _code(other) == "BAD_INPUT"  # a cursor of the unfiltered list


def test_issuer_keys_load_only_their_own_issuers_credentials(
    api: TestClient, seeded: Seeded, orgs: dict[str, dict[str, str]]
) -> None:
    learner = "did:example:tenancy-issuer-test"
    creds = {slug: next(c for s, c in _seed_credentials() if s == slug)
             for slug in (ISSUER_A, ISSUER_B)}  # fmt: skip
    a_cred, b_cred = (_sign(creds[s], s, learner) for s in (ISSUER_A, ISSUER_B))
    body = gql(api, orgs["org-b"]["issuer"], INGEST, c=[a_cred, b_cred])
    assert "errors" not in body, body
    report = body["data"]["ingestCredentials"]
    first, second = report["results"]
    assert (first["loaded"], first["refused"], first["verdict"]) == (False, "FORBIDDEN", "verified")
    assert _issuer_did(ISSUER_A) in first["refusedReason"]
    assert (second["loaded"], second["refused"]) == (True, None)  # the rest of the batch loads
    stored = _read(
        seeded,
        "MATCH (:Learner {id: $l})-[:HOLDS]->(c:Credential) RETURN c.issuerId AS issuer",
        l=learner,
    )
    assert stored == [{"issuer": _issuer_did(ISSUER_B)}]
    own = gql(api, orgs["org-a"]["issuer"], INGEST, c=[a_cred])["data"]["ingestCredentials"]
    assert own["loaded"] == 1
    erased = gql(api, seeded.keys["admin"], f'mutation {{ eraseLearner(learnerId: "{learner}") }}')
    assert erased["data"]["eraseLearner"] is True


def _ranked(api: TestClient, key: str, job: str) -> list[str]:
    """The whole ranking, learner ids in order (pages of 100, the limit)."""
    ranked: list[str] = []
    after = None
    while True:
        body = gql(api, key, CANDIDATES, job=job, first=100, after=after)["data"]["candidates"]
        ranked += [e["node"]["learner"]["id"] for e in body["edges"]]
        if not body["pageInfo"]["hasNextPage"]:
            assert len(ranked) == body["totalCount"] == len(set(ranked))
            return ranked
        after = body["pageInfo"]["endCursor"]


def _set_discoverable(api: TestClient, seeded: Seeded, learner: str, value: bool) -> None:
    body = gql(
        api,
        seeded.keys["admin"],
        "mutation($l: ID!, $d: Boolean!) { setDiscoverable(learnerId: $l, discoverable: $d) "
        "{ discoverable } }",
        l=learner,
        d=value,
    )
    assert body["data"]["setDiscoverable"]["discoverable"] is value, body


@pytest.fixture(scope="module")
def paging_api(seeded: Seeded) -> Iterator[TestClient]:
    """An app of its own with room in the rate limit: the test reads whole rankings, which
    the session-wide app's recruiter key (shared with every other test) may not have left."""
    roomy = {"rate_limit_per_s": 1000.0, "rate_limit_burst": 1000}
    with TestClient(create_app(seeded.settings.model_copy(update=roomy))) as client:
        yield client


def test_cursor_pages_survive_a_changing_ranking(paging_api: TestClient, seeded: Seeded) -> None:
    api = paging_api
    key, admin = seeded.keys["recruiter"], seeded.keys["admin"]
    job = first_job(api, key, "Data Analyst")
    initially = _ranked(api, key, job)
    assert len(initially) >= 8
    page1 = gql(api, key, CANDIDATES, job=job, first=4)["data"]["candidates"]
    shown = [e["node"]["learner"]["id"] for e in page1["edges"]]
    cursor = page1["pageInfo"]["endCursor"]

    # Ranks move: a learner shown on page 1 withdraws consent (an offset cursor would now
    # skip someone), and a new learner with the strongest evidence arrives at the top (an
    # offset cursor would now repeat someone).
    newcomer = "did:example:aaa-tenancy-newcomer"  # sorts before the seed's did:key ids on ties
    _set_discoverable(api, seeded, shown[1], False)
    try:
        linked = {r["a"] for r in _read(
            seeded, "MATCH (:JobPosting {id: $j})-[:REQUIRES]->()-[:SATISFIED_BY]->(a:Achievement)"
            " RETURN DISTINCT a.id AS a", j=job)}  # fmt: skip
        creds, taken = [], set()
        for slug, cred in _seed_credentials():
            achievement = cred["credentialSubject"]["achievement"]["id"]
            if achievement in linked and achievement not in taken:
                taken.add(achievement)
                creds.append(_sign(cred, slug, newcomer))
        loaded = gql(api, admin, INGEST, c=creds)["data"]["ingestCredentials"]
        assert loaded["loaded"] == len(creds) > 0, loaded
        _set_discoverable(api, seeded, newcomer, True)
        now = _ranked(api, key, job)
        assert newcomer in now and now.index(newcomer) < 4  # it did move in above
        rest: list[str] = []
        after = cursor
        while after is not None:
            page = gql(api, key, CANDIDATES, job=job, first=3, after=after)["data"]["candidates"]
            rest += [e["node"]["learner"]["id"] for e in page["edges"]]
            after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
        throughout = set(initially) & set(now)
        seen = [x for x in shown + rest if x in throughout]
        assert sorted(seen) == sorted(throughout)  # nobody ranked throughout is missing...
        assert len(seen) == len(set(seen))  # ...or shown twice

        other_job = first_job(api, key, "Electrician")
        foreign = gql(api, key, CANDIDATES, job=other_job, first=3, after=cursor)
        assert _code(foreign) == "BAD_INPUT" and "another" in foreign["errors"][0]["message"]
        filtered = gql(api, key, CANDIDATES, job=job, first=3, after=cursor,
                       filter={"verifiedOnly": True})  # fmt: skip
        assert _code(filtered) == "BAD_INPUT"
        forged = cursor[:-6] + ("AAAAAA" if not cursor.endswith("AAAAAA") else "BBBBBB")
        assert _code(gql(api, key, CANDIDATES, job=job, first=3, after=forged)) == "BAD_INPUT"
    finally:
        _set_discoverable(api, seeded, shown[1], True)
        gql(api, admin, f'mutation {{ eraseLearner(learnerId: "{newcomer}") }}')


def _access_log(api: TestClient, key: str, learner: str, **args: Any) -> dict[str, Any]:
    body = gql(api, key, ACCESS_LOG, l=learner, **args)
    assert "errors" not in body, body
    log: dict[str, Any] = body["data"]["learner"]["accessLog"]
    return log


def _reads(log: dict[str, Any]) -> Counter[tuple[str, str | None, str | None]]:
    """Reads per (operation, organisation, posting): an event stands for ``count`` reads."""
    reads: Counter[tuple[str, str | None, str | None]] = Counter()
    for edge in log["edges"]:
        n = edge["node"]
        org = n["organization"]["id"] if n["organization"] else None
        reads[(n["operation"], org, n["jobPostingId"])] += n["count"]
    return reads


def _wait_for_reads(api: TestClient, key: str, me: str, reads: int) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # the log is written in the background, within ~1 s
        log = _access_log(api, key, me, first=100)
        if sum(_reads(log).values()) >= reads:
            break
        time.sleep(0.3)
    return log


def test_learners_see_who_read_their_evidence(
    api: TestClient, seeded: Seeded, orgs: dict[str, dict[str, str]]
) -> None:
    me, my_key = seeded.learner, seeded.keys["learner"]
    time.sleep(2.5)  # events of earlier tests still buffered (flushed every second) land first
    before = _access_log(api, my_key, me, first=100)
    assert before["totalCount"] < 90  # all of it on one page of 100, with room for this test
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    job = _read(
        seeded,
        "MATCH (:Learner {id: $me})-[m:MATCHES]->(j:JobPosting) "
        "RETURN j.id AS id ORDER BY m.score DESC, j.id LIMIT 1",
        me=me,
    )[0]["id"]
    assert me in _ranked(api, seeded.keys["recruiter"], job)  # shown on exactly one page
    gap = gql(api, seeded.keys["recruiter"], "query($l: ID!, $j: ID!) { skillGap(learnerId: "
              "$l, jobId: $j) { score } }", l=me, j=job)  # fmt: skip
    assert _code(gap) is None
    gap = gql(api, orgs["org-a"]["recruiter"], "query($l: ID!, $j: ID!) { skillGap(learnerId: "
              "$l, jobId: $j) { score } }", l=me, j=job)  # fmt: skip
    assert _code(gap) == "NOT_FOUND"  # org A cannot read gaps against another org's posting
    skills = gql(api, orgs["org-a"]["recruiter"],
                 '{ candidatesForSkills(skills: ["SQL", "Python"], first: 100) '
                 "{ edges { node { learner { id } } } } }")  # fmt: skip
    by_skills = {e["node"]["learner"]["id"] for e in skills["data"]["candidatesForSkills"]["edges"]}
    new_reads = 2 + (me in by_skills)
    expected = sum(_reads(before).values()) + new_reads
    log = _wait_for_reads(api, my_key, me, expected)
    assert sum(_reads(log).values()) == expected
    added = _reads(log) - _reads(before)
    assert added[("candidates", "default", job)] == 1
    assert added[("skillGap", "default", job)] == 1
    assert added[("candidatesForSkills", "org-a", None)] == (me in by_skills)
    # Reads the same key made of the same posting within the hour are in the same event.
    assert before["totalCount"] <= log["totalCount"] <= before["totalCount"] + new_reads
    nodes = [e["node"] for e in log["edges"]]
    assert all(n["organization"]["name"] for n in nodes)
    assert all(n["firstAt"] <= n["lastAt"] and n["count"] >= 1 for n in nodes)
    stamps = [n["firstAt"] for n in nodes]
    assert stamps == sorted(stamps, reverse=True)

    # Paged newest first with cursors; only the learner's own key (or admin) may read it.
    one = _access_log(api, my_key, me, first=1)
    two = _access_log(api, my_key, me, first=1, after=one["pageInfo"]["endCursor"])
    assert [one["edges"][0]["node"], two["edges"][0]["node"]] == nodes[:2]
    for other in (seeded.keys["recruiter"], orgs["org-a"]["jobboard"]):
        body = gql(api, other, ACCESS_LOG, l=me, first=5)
        assert _code(body) == "FORBIDDEN"
    assert _access_log(api, seeded.keys["admin"], me, first=1)["totalCount"] == log["totalCount"]

    # The same key reading the same posting again: the event's count grows, no new event
    # (unless the clock crossed into the next hour's window since the first read).
    assert me in _ranked(api, seeded.keys["recruiter"], job)
    again = _wait_for_reads(api, my_key, me, expected + 1)
    assert (_reads(again) - _reads(log))[("candidates", "default", job)] == 1
    if datetime.now(UTC).replace(minute=0, second=0, microsecond=0) == hour:
        assert again["totalCount"] == log["totalCount"]

        def ident(n: dict[str, Any]) -> tuple[str, ...]:
            return (n["keyId"], n["firstAt"], n["operation"], str(n["jobPostingId"]))

        counts = {ident(n): n["count"] for n in nodes}
        [event] = [
            e["node"]
            for e in again["edges"]
            if e["node"]["count"] > counts.get(ident(e["node"]), 0)
        ]
        assert (event["operation"], event["jobPostingId"]) == ("candidates", job)
        assert event["count"] >= 2 and event["lastAt"] > event["firstAt"]

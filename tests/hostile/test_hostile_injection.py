"""Cypher injection through every string argument of the API, and a static proof that no query
text is built from runtime values."""

from __future__ import annotations

import ast
import asyncio
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from credmatch.bootstrap import bootstrap
from credmatch.graph.store import GraphStore

SRC = Path(__file__).resolve().parents[2] / "src" / "credmatch"

PAYLOADS = [
    '"}) MATCH (n) DETACH DELETE n //',
    "' OR 1=1 //",
    "x') MATCH (n) DETACH DELETE n RETURN 1 //",
    "`) MATCH (n) DETACH DELETE n //",
    "$search",
    "{id: $id}",
    "\u2019) MATCH (n) DETACH DELETE n //",  # right single quotation mark
    "\u02bc OR 1=1 //",  # modifier letter apostrophe
    "1 UNION MATCH (n) DETACH DELETE n RETURN 1 AS id //",
    "*:* OR label:* AND (",
    'title:"unbalanced',
    "\\'; CALL dbms.killQueries([]) //",
    "x\x00y",
]
# Errors a hostile string may get: typed, and none from the graph layer (GRAPH_ERROR would mean
# the text reached Cypher or Lucene as syntax).
CLEAN_CODES = {"BAD_INPUT", "NOT_FOUND", "FORBIDDEN", "BAD_POSTING", "BAD_CREDENTIAL"}

OPERATIONS: list[tuple[str, str, Any]] = [
    (
        "candidates.jobId",
        "query($s: ID!) { candidates(jobId: $s) { totalCount } }",
        lambda s: {"s": s},
    ),
    (
        "candidates.after",
        'query($s: String) { candidates(jobId: "x", after: $s) { totalCount } }',
        lambda s: {"s": s},
    ),
    (
        "candidates.filter.issuers",
        'query($f: CandidateFilter) { candidatesForSkills(skills: ["Python"], filter: $f) '
        "{ totalCount } }",
        lambda s: {"f": {"issuers": [s]}},
    ),
    (
        "candidatesForSkills.skills",
        "query($s: [String!]!) { candidatesForSkills(skills: $s, first: 5) { totalCount } }",
        lambda s: {"s": [s, f"https://{s}", f"urn:{s}"]},
    ),
    (
        "candidatesForSkills.after",
        'query($s: String) { candidatesForSkills(skills: ["SQL"], after: $s) { totalCount } }',
        lambda s: {"s": s},
    ),
    (
        "skillGap",
        "query($s: ID!) { skillGap(learnerId: $s, jobId: $s) { score } }",
        lambda s: {"s": s},
    ),
    (
        "jobPostings.search",
        "query($s: String) { jobPostings(search: $s) { nodes { id } } }",
        lambda s: {"s": s},
    ),
    ("jobPosting.id", "query($s: ID!) { jobPosting(id: $s) { id } }", lambda s: {"s": s}),
    (
        "achievements",
        "query($s: String, $i: ID) { achievements(search: $s, issuerId: $i) { id } }",
        lambda s: {"s": s, "i": s},
    ),
    ("skills.search", "query($s: String!) { skills(search: $s) { uri } }", lambda s: {"s": s}),
    ("linkSkills.text", "query($s: String!) { linkSkills(text: $s) { uri } }", lambda s: {"s": s}),
    ("learner.id", "query($s: ID!) { learner(id: $s) { id } }", lambda s: {"s": s}),
    (
        "deleteJobPosting.id",
        "mutation($s: ID!) { deleteJobPosting(id: $s) }",
        lambda s: {"s": s},
    ),
    (
        "setDiscoverable.learnerId",
        "mutation($s: ID!) { setDiscoverable(learnerId: $s, discoverable: true) { id } }",
        lambda s: {"s": s},
    ),
    (
        "eraseLearner.learnerId",
        "mutation($s: ID!) { eraseLearner(learnerId: $s) }",
        lambda s: {"s": s},
    ),
    (
        "ingestCredentials.credentials",
        "mutation($c: [JSON!]!) { ingestCredentials(credentials: $c) { loaded rejected } }",
        lambda s: {"c": [_credential(s), s, {s: s}]},
    ),
]


def _credential(s: str) -> dict[str, Any]:
    """An unsigned OB 3.0 credential with the payload in every string field."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{s}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"did:example:{s}", "type": ["Profile"], "name": s},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": s,
        "credentialSubject": {
            "id": f"did:example:learner-{s}",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"urn:a:{s}",
                "type": ["Achievement"],
                "name": s,
                "description": s,
                "criteria": {"narrative": s},
            },
        },
    }


def _query_constants() -> set[str]:
    import importlib
    import pkgutil

    import credmatch.graph.queries as queries

    found: set[str] = set()
    for info in pkgutil.iter_modules(queries.__path__):
        module = importlib.import_module(f"{queries.__name__}.{info.name}")
        found.update(v for v in vars(module).values() if isinstance(v, str))
    return found


def _counts(settings: Any) -> Counter[str]:
    async def run() -> Counter[str]:
        container = bootstrap(settings)
        try:
            rows = await container.store.read(
                "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n"
            )
            total = await container.store.read("MATCH (n) RETURN count(n) AS n")
        finally:
            await container.close()
        counts = Counter({r["label"]: r["n"] for r in rows})
        counts["*"] = total[0]["n"]
        return counts

    return asyncio.run(run())


@pytest.fixture
def query_log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Cypher text the app sends (the real store runs it; this only records it)."""
    seen: list[str] = []
    run, write_all = GraphStore._run, GraphStore.write_all

    async def logged_run(self: GraphStore, query: str, params: Any, routing: Any) -> Any:
        seen.append(query)
        return await run(self, query, params, routing)

    async def logged_write_all(self: GraphStore, statements: Any, **options: Any) -> Any:
        seen.extend(query for query, _ in statements)
        return await write_all(self, statements, **options)

    monkeypatch.setattr(GraphStore, "_run", logged_run)
    monkeypatch.setattr(GraphStore, "write_all", logged_write_all)
    return seen


def _call(client: TestClient, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code < 500, response.text[:300]
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in CLEAN_CODES, (query, variables, error)
        assert error["message"]
    return body


def test_every_string_argument_with_every_payload(
    hostile_api: TestClient,
    hostile_keys: dict[str, str],
    hostile_settings: Any,
    query_log: list[str],
) -> None:
    admin = hostile_keys["admin"]
    before = _counts(hostile_settings)
    query_log.clear()
    for payload in PAYLOADS:
        for _, query, variables in OPERATIONS:
            _call(hostile_api, admin, query, variables(payload))
    sent = list(query_log)
    after = _counts(hostile_settings)
    # Credentials with a payload in every field may be loaded (as unverifiable): they add
    # Credential/Learner/Issuer/Achievement nodes; nothing else may change, nothing may vanish.
    added_by_ingest = {"Credential", "Learner", "Issuer", "Achievement", "*"}
    for label in set(before) | set(after):
        assert after[label] >= before[label], (label, before, after)
        if label not in added_by_ingest:
            assert after[label] == before[label], (label, before, after)
    assert sent, "the operations ran no Cypher at all"
    # Every text sent is one of the constants in graph/queries (the payloads went as parameters).
    constants = _query_constants()
    unknown = [text for text in set(sent) if text not in constants]
    assert not unknown, unknown
    for text in set(sent):
        for payload in PAYLOADS:
            if "DETACH DELETE n" in payload or "1=1" in payload:
                assert payload not in text, (payload, text)
    print(f"{len(PAYLOADS) * len(OPERATIONS)} calls, {len(set(sent))} distinct Cypher texts")


def test_payloads_round_trip_as_data_through_upsert(
    hostile_api: TestClient, hostile_keys: dict[str, str], hostile_settings: Any
) -> None:
    key = hostile_keys["jobboard"]
    before = _counts(hostile_settings)
    upsert = (
        "mutation($i: JobPostingInput, $j: JSON) { upsertJobPosting(input: $i, jsonld: $j) "
        "{ id externalId title hiringOrganization description requirements { text } } }"
    )
    for n, payload in enumerate(PAYLOADS):
        posting_id = f"hostile-{n}-{payload}"
        fields = {
            "externalId": posting_id,
            "title": f"Engineer {payload}",
            "description": f"We need Python.\n{payload}",
            "organization": payload,
            "requirements": [{"text": f"Python {payload}", "required": True}],
        }
        body = _call(hostile_api, key, upsert, {"i": fields, "j": None})
        if body.get("data"):
            job = body["data"]["upsertJobPosting"]
            assert job["externalId"] == posting_id and job["hiringOrganization"] == payload.strip()
            assert any(payload.strip() in r["text"] for r in job["requirements"])
        jsonld = {
            "@type": "JobPosting",
            "identifier": f"{posting_id}-ld",
            "title": f"Analyst {payload}",
            "description": f"<p>{payload}</p><ul><li>SQL</li></ul>",
            "skills": [payload, "SQL"],
        }
        _call(hostile_api, key, upsert, {"i": None, "j": jsonld})
        for ident in (posting_id, f"{posting_id}-ld"):
            _call(hostile_api, key, "mutation($s: ID!) { deleteJobPosting(id: $s) }", {"s": ident})
    after = _counts(hostile_settings)
    assert after["JobPosting"] == before["JobPosting"] and after["ApiKey"] == before["ApiKey"]
    assert after["Skill"] == before["Skill"]


# --- static: no Cypher text built from runtime values ------------------------------------------

STORE_METHODS = {"read", "write", "write_all", "write_autocommit"}
# Functions allowed to build Cypher with f-strings: names come from constant tuples in
# graph/queries/schema.py (labels, properties and index names cannot be parameters in Cypher).
BUILDERS = {"drop_index", "unique_constraint", "vector_index"}
CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|DELETE|RETURN|UNWIND|SET|CALL|DROP|WHERE)\b")


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(), str(p))) for p in sorted(SRC.rglob("*.py"))]


def _is_built(node: ast.AST) -> bool:
    """An expression that builds a string at run time: f-string, %, +, .format(), .join()."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return not all(isinstance(x, ast.Constant) for x in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join", "replace", "format_map"}
    return False


def test_query_modules_hold_only_constants() -> None:
    """Module-level values in graph/queries are literals, or f-strings/concatenations of the
    module's earlier literal constants or of constants imported from a sibling query module
    (itself checked here): built once at import, from no input."""
    problems = []
    for path in sorted((SRC / "graph" / "queries").glob("*.py")):
        tree = ast.parse(path.read_text())
        constants: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "credmatch.graph.queries."
            ):
                constants.update(alias.asname or alias.name for alias in node.names)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                bad = [
                    sub
                    for sub in ast.walk(node.value)
                    if isinstance(sub, ast.Call | ast.Attribute | ast.Subscript)
                    or (isinstance(sub, ast.Name) and sub.id not in constants)
                    or (isinstance(sub, ast.FormattedValue) and not isinstance(sub.value, ast.Name))
                ]
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if bad:
                    problems.append(f"{path.name}:{node.lineno}: {ast.unparse(bad[0])}")
                else:
                    constants.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.FunctionDef) and node.name not in BUILDERS:
                problems.append(f"{path.name}:{node.lineno} defines {node.name}() (not a builder)")
    assert not problems, problems


def test_builders_are_only_called_with_schema_constants() -> None:
    """drop_index/unique_constraint/vector_index get names from NODE_KEYS / VECTOR_INDEXES."""
    problems = []
    for path, tree in _sources():
        loops: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.For) and isinstance(node.iter, ast.Name | ast.Attribute):
                source = node.iter.id if isinstance(node.iter, ast.Name) else node.iter.attr
                for target in ast.walk(node.target):
                    if isinstance(target, ast.Name):
                        loops[target.id] = source
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name not in BUILDERS:
                continue
            for arg in node.args:
                ok = isinstance(arg, ast.Constant) or (
                    isinstance(arg, ast.Name)
                    and loops.get(arg.id) in {"NODE_KEYS", "VECTOR_INDEXES", "SKILL_FULLTEXT_INDEX"}
                )
                if not ok:
                    problems.append(
                        f"{path.relative_to(SRC)}:{node.lineno} {name}({ast.unparse(arg)})"
                    )
    assert not problems, problems


def test_store_calls_never_get_built_query_text() -> None:
    """Every store.read/write/write_all/write_autocommit call gets query text that is a name
    (a constant, a loop variable over constants) or a builder call, never an expression that
    builds a string; and no f-string or concatenation anywhere in src/ holds Cypher except in
    the builders."""
    problems, calls = [], 0
    for path, tree in _sources():
        builder_lines = {
            n.lineno
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and f.name in BUILDERS
            for n in ast.walk(f)
            if hasattr(n, "lineno")
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = ast.unparse(node.func.value)
                if node.func.attr in STORE_METHODS and node.args and receiver.endswith("store"):
                    calls += 1
                    query = node.args[0]
                    candidates = [query]
                    if node.func.attr == "write_all":
                        candidates = [
                            e.elts[0]
                            for e in ast.walk(query)
                            if isinstance(e, ast.Tuple) and e.elts
                        ]
                    for q in candidates:
                        if any(_is_built(sub) for sub in ast.walk(q)):
                            problems.append(
                                f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(q)}"
                            )
            in_queries = path.parent.name == "queries"  # checked by the test above
            line = getattr(node, "lineno", 0)
            if _is_built(node) and line not in builder_lines and not in_queries:
                text = " ".join(
                    s.value
                    for s in ast.walk(node)
                    if isinstance(s, ast.Constant) and isinstance(s.value, str)
                )
                if CYPHER.search(text) and re.search(r"[(:]\w*[:)]|\$\w", text):
                    problems.append(f"{path.relative_to(SRC)}:{line}: builds {text[:60]!r}")
    assert calls > 20, f"found only {calls} store calls: the scan is not seeing them"
    assert not problems, problems

"""The demo page, end to end in headless Chromium, against a GraphQL double of the API.

The double serves the real ``src/credmatch/web`` files at ``/`` and answers ``/graphql`` by
validating and executing the page's queries against the real SDL (``schema.graphql`` at the repo
root, generated from the code) with graphql-core, over canned data: a query the schema does not
allow fails the test, and the page only ever sees fields it asked for, shaped and null-checked by
the schema.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync, parse, validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

if TYPE_CHECKING:
    from tests.browser.conftest import Page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
WEB_DIR = REPO / "src" / "credmatch" / "web"
SDL = REPO / "schema.graphql"

RECRUITER_KEY = "cm_recruiter_demo_7f3a9c"
LEARNER_KEY = "cm_learner_demo_51be02"
XSS_NAME = '<img src=x onerror="window.__pwned=1">Mallory'
XSS_BADGE = "<script>window.__pwned=2</script>Rogue Badge"
MET_THRESHOLD = 0.6

# ---------------------------------------------------------------------------
# Canned data, shaped like the SDL types
# ---------------------------------------------------------------------------


def _issuer(did: str, name: str, trusted: bool = True) -> dict[str, Any]:
    return {"id": did, "name": name, "trusted": trusted, "achievementCount": 3}


ISSUERS = {
    "lakeshore": _issuer(
        "did:web:credentials.example-university.edu",
        "Lakeshore State University, School of Professional Studies",
    ),
    "riverside": _issuer(
        "did:key:z6MkiT6bY312DTxi3SypFqWtEyyX15zwyYUfrRiRU56zNqWB",
        "Riverside Institute of Technology",
    ),
    "stratus": _issuer(
        "did:key:z6MkocoskLBbQyMup8LePaYruapG9yLTmjer5Bh6MezcWZ3f",
        "Stratus Cloud Certification Program",
    ),
    "opencourse": _issuer(
        "did:key:z6Mkf8McQFdvbYtw89ZCZvNrwQnAUhhxy1tNDSLgZVq1pzX2", "OpenCourseHub"
    ),
    "halden": _issuer(
        "did:key:z6Mkiyu9nMrmh8MKZiHThHKHJs82bGy2ChAfxWJkLrPRZaz5",
        "Halden University Continuing Education",
    ),
    "launchpad": _issuer(
        "did:key:z6MkesfR3BT9oUdN3odVjV6f7bhFj3VxCxKVb4cZy7HxDokf", "Launchpad Code Academy"
    ),
    "gsab": _issuer(
        "did:key:z6MkhkHhrvBeJooXGVmd33UtVEHZ4xHbHSo1m7dePPgyRhW1",
        "Global Skills Accreditation Board",
        trusted=False,
    ),
}


def _achievement(
    key: str, name: str, issuer: str, kind: str, hours: float | None, desc: str
) -> dict[str, Any]:
    return {
        "id": f"urn:credmatch:achievement:{key}",
        "name": name,
        "description": desc,
        "criteria": None,
        "achievementType": kind,
        "credits": None,
        "hours": hours,
        "fieldOfStudy": None,
        "issuer": ISSUERS[issuer],
        "skills": [],
        "stacksInto": [],
    }


ACHIEVEMENTS = {
    "python": _achievement(
        "python",
        "Python for Data Analysis",
        "riverside",
        "Course",
        40,
        "pandas, NumPy and tested, reviewed Python code for analysis pipelines.",
    ),
    "backend": _achievement(
        "backend",
        "Backend APIs with Python",
        "launchpad",
        "Badge",
        60,
        "REST APIs in Python with automated tests and CI/CD.",
    ),
    "ml": _achievement(
        "ml",
        "Applied Machine Learning",
        "lakeshore",
        "Certificate",
        90,
        "Supervised learning, model evaluation and deep learning with PyTorch.",
    ),
    "dl": _achievement(
        "dl",
        "Deep Learning Foundations",
        "opencourse",
        "Course",
        30,
        "Neural networks, CNNs and transformers from first principles.",
    ),
    "cloud_sa": _achievement(
        "cloud_sa",
        "Stratus Certified Solutions Architect - Associate",
        "stratus",
        "Certification",
        None,
        "Designing and deploying resilient services on Stratus Cloud.",
    ),
    "cloud_cp": _achievement(
        "cloud_cp",
        "Stratus Certified Cloud Practitioner",
        "stratus",
        "Certification",
        None,
        "Core cloud concepts, pricing and the shared responsibility model.",
    ),
    "mlops": _achievement(
        "mlops",
        "MLOps: Serving and Monitoring Models",
        "opencourse",
        "Course",
        25,
        "Model serving, drift monitoring, versioning and retraining pipelines.",
    ),
    "cloud_ml": _achievement(
        "cloud_ml",
        "Cloud ML Engineering Certificate",
        "lakeshore",
        "Certificate",
        120,
        "<p>Deploy, serve and monitor <b>machine learning</b> on the cloud.</p>",
    ),
    "fhir": _achievement(
        "fhir",
        "Health Data Standards: HL7 FHIR",
        "halden",
        "Course",
        20,
        "FHIR resources, profiles and interoperability in clinical systems.",
    ),
    "k8s": _achievement(
        "k8s",
        "Kubernetes for Developers",
        "launchpad",
        "Badge",
        24,
        "Containers, deployments and services on Kubernetes.",
    ),
    "k8s_gsab": _achievement(
        "k8s_gsab",
        "Container Orchestration Specialist",
        "gsab",
        "Badge",
        None,
        "Container orchestration fundamentals.",
    ),
    "rogue": _achievement(
        "rogue", XSS_BADGE, "gsab", "Badge", None, "A badge whose name tries to inject markup."
    ),
}
ACHIEVEMENTS["cloud_ml"]["stacksInto"] = [
    {"id": "urn:credmatch:achievement:msc-ai", "name": "MSc Applied AI"}
]
ACHIEVEMENTS["cloud_ml"]["credits"] = 12.0


def _requirement(job: str, n: int, text: str, required: bool, section: str) -> dict[str, Any]:
    return {
        "id": f"{job}#r{n}",
        "text": text,
        "kind": "SKILL",
        "required": required,
        "weight": 2.0 if required else 1.0,
        "section": section,
        "skills": [],
    }


ML_JOB = "carepath-ml-engineer"
ML_REQS = [
    _requirement(
        ML_JOB,
        1,
        "Strong Python and software engineering practices (tests, code review, CI/CD)",
        True,
        "Requirements",
    ),
    _requirement(
        ML_JOB,
        2,
        "Hands-on machine learning experience, including deep learning",
        True,
        "Requirements",
    ),
    _requirement(
        ML_JOB, 3, "Experience deploying services on a major cloud platform", True, "Requirements"
    ),
    _requirement(
        ML_JOB,
        4,
        "Understanding of MLOps: model serving, monitoring and versioning",
        True,
        "Requirements",
    ),
    _requirement(ML_JOB, 5, "Healthcare data standards such as FHIR", False, "Nice to have"),
    _requirement(ML_JOB, 6, "Kubernetes", False, "Nice to have"),
]
POSTINGS: list[dict[str, Any]] = [
    {
        "id": ML_JOB,
        "title": "Machine Learning Engineer",
        "organization": "CarePath Health Technologies",
        "description": (
            "<h2>About us</h2><p>CarePath builds clinical decision support that helps nurses spot "
            "deteriorating patients earlier. Our models run in 60 hospitals &amp; clinics.</p>"
            "<h3>What you&#x27;ll do</h3><ul><li>Take models from research notebooks to reliable, "
            "monitored services</li><li>Build training and evaluation pipelines on our cloud "
            "platform</li></ul>"
        ),
        "datePosted": "2026-10-05",
        "validThrough": "2026-12-05T23:59:59Z",
        "url": "https://jobs.credmatch.example/postings/carepath-ml-engineer",
        "requirements": ML_REQS,
    },
    {
        "id": "brightpixel-fullstack",
        "title": "Full-Stack Developer",
        "organization": "BrightPixel Studio",
        "description": "Build web products end to end with TypeScript, React and Python.",
        "datePosted": "2026-09-28",
        "validThrough": None,
        "url": "javascript:alert(1)",
        "requirements": [
            _requirement("brightpixel-fullstack", 1, "React and TypeScript", True, "Requirements"),
            _requirement("brightpixel-fullstack", 2, "REST API design", True, "Requirements"),
        ],
    },
    {
        "id": "clearpath-phlebotomist",
        "title": "Phlebotomist",
        "organization": "ClearPath Diagnostics",
        "description": "Collect blood samples safely in a busy outpatient lab.",
        "datePosted": "2026-10-12",
        "validThrough": "2026-11-30T23:59:59Z",
        "url": None,
        "requirements": [
            _requirement(
                "clearpath-phlebotomist", 1, "Certified phlebotomy technician", True, "Requirements"
            ),
        ],
    },
]
for _posting in POSTINGS:  # the API names the employer hiringOrganization
    _posting["hiringOrganization"] = _posting["organization"]

# Per requirement: None (no credential) or (achievement key, similarity, verdict).
Proof = tuple[str, float, str] | None


@dataclass(frozen=True)
class Learner:
    id: str
    name: str | None
    proofs: tuple[Proof, ...]


HANDMADE = [
    Learner(
        "did:key:z6MkebqGnVjjDrFircucNcZa5f4E51K2NmTm2nfWSZuRiz1J",
        "Amara F.",
        (
            ("python", 0.93, "verified"),
            ("ml", 0.91, "verified"),
            ("cloud_sa", 0.86, "verified"),
            ("mlops", 0.82, "verified"),
            None,
            ("k8s", 0.77, "verified"),
        ),
    ),
    Learner(
        "sha256$d7e88893d0bb82e2ea592e8536a82d104a8013f72bb6d854e172310713574b99",
        None,
        (
            ("backend", 0.89, "verified"),
            ("dl", 0.85, "verified"),
            ("cloud_sa", 0.9, "expired"),
            ("mlops", 0.8, "verified"),
            ("fhir", 0.84, "verified"),
            ("k8s_gsab", 0.82, "verified"),
        ),
    ),
    Learner(
        "did:key:z6Mkit3D9z4frtp5aGZ6CY77QMZ8BCBAF1u7C3vuT3DMLzv6",
        "Tariq L.",
        (
            ("python", 0.9, "verified"),
            ("ml", 0.84, "verified"),
            ("cloud_cp", 0.55, "verified"),
            None,
            None,
            None,
        ),
    ),
    Learner(
        "did:key:z6MkpY416VLkoRvJfiuLceA8KM8HZMioN66SfA1ekEfkPbXM",
        XSS_NAME,
        (None, None, None, None, None, ("rogue", 0.5, "unverifiable")),
    ),
]
EVIDENCE_FOR = (
    ("python", "backend"),
    ("ml", "dl"),
    ("cloud_sa", "cloud_cp"),
    ("mlops", "cloud_ml"),
    ("fhir",),
    ("k8s", "k8s_gsab"),
)
NAMES = ("Paulo H.", "Hana Z.", None, "Tomasz L.", "Jae R.", None, "Ines M.", "Kwame O.")


def _generated_learners() -> list[Learner]:
    rng = random.Random(2026)
    out = []
    for i, name in enumerate(NAMES):
        proofs: list[Proof] = []
        for options in EVIDENCE_FOR:
            if rng.random() < 0.3:
                proofs.append(None)
            else:
                proofs.append((rng.choice(options), round(rng.uniform(0.5, 0.9), 2), "verified"))
        out.append(
            Learner(
                f"did:key:z6MkgenLearner{i:02d}xQ7vT3pK9mW2sN5bR8cY4dH6jF1aE", name, tuple(proofs)
            )
        )
    return out


LEARNERS = HANDMADE + _generated_learners()
LEARNER_VIEWER = HANDMADE[2]  # the learner key belongs to Tariq, who has gaps


def _evidence(n: int, proof: Proof, learner: Learner) -> dict[str, Any] | None:
    if proof is None:
        return None
    key, similarity, verdict = proof
    achievement = ACHIEVEMENTS[key]
    trust = (1.0 if achievement["issuer"]["trusted"] else 0.6) if verdict == "verified" else 0.0
    return {
        "credentialId": f"urn:credmatch:credential:{key}:{learner.id[-8:]}:{n}",
        "achievement": {"id": achievement["id"], "name": achievement["name"]},
        "issuer": achievement["issuer"],
        "similarity": similarity,
        "trust": trust,
        "verdict": verdict,
        "validFrom": "2025-03-01T00:00:00Z",
        "validUntil": "2026-03-01T00:00:00Z" if verdict == "expired" else None,
        "issued": "2025-03-01T00:00:00Z",
    }


def coverage(learner: Learner, job: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for n, req in enumerate(job["requirements"]):
        proof = learner.proofs[n] if job["id"] == ML_JOB else None
        ev = _evidence(n, proof, learner)
        value = round(ev["similarity"] * ev["trust"], 4) if ev else 0.0
        alternatives = []
        if ev and n == 0 and learner is HANDMADE[0]:  # one learner with a second credential for r1
            alternatives = [_evidence(9, ("backend", 0.71, "verified"), learner)]
        rows.append(
            {
                "requirement": req,
                "value": value,
                "met": value >= MET_THRESHOLD,
                "evidence": ev,
                "alternatives": alternatives,
            }
        )
    return rows


def match(learner: Learner, job: dict[str, Any]) -> dict[str, Any]:
    cov = coverage(learner, job)
    total = sum(c["requirement"]["weight"] for c in cov)
    required = [c for c in cov if c["requirement"]["required"]]
    return {
        "learner": {"id": learner.id, "displayName": learner.name},
        "score": round(sum(c["value"] * c["requirement"]["weight"] for c in cov) / total, 4),
        "rank": 0,
        "requiredMet": sum(c["met"] for c in required),
        "requiredTotal": len(required),
        "coverage": cov,
        "gaps": [c["requirement"] for c in required if not c["met"]],
    }


def ranked(job: dict[str, Any]) -> list[dict[str, Any]]:
    if job["id"] != ML_JOB:
        return []
    matches = sorted(
        (match(lrn, job) for lrn in LEARNERS), key=lambda m: (-m["score"], m["learner"]["id"])
    )
    for i, m in enumerate(matches, start=1):
        m["rank"] = i
    return matches


CATALOG_COVERS = {
    "cloud_ml": (3, 4),
    "mlops": (4,),
    "cloud_sa": (3,),
    "python": (1,),
    "ml": (2,),
    "fhir": (5,),
}


def recommendations(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Greedy weighted set cover over the canned catalog."""
    open_gaps = {g["id"]: g for g in gaps}
    recs = []
    while open_gaps:
        best: str | None = None
        closes: list[dict[str, Any]] = []
        for key, numbers in CATALOG_COVERS.items():
            hit = [open_gaps[i] for i in (f"{ML_JOB}#r{n}" for n in numbers) if i in open_gaps]
            if sum(g["weight"] for g in hit) > sum(g["weight"] for g in closes):
                best, closes = key, hit
        if best is None:
            break
        recs.append(
            {
                "achievement": ACHIEVEMENTS[best],
                "closes": closes,
                "gapWeightClosed": sum(g["weight"] for g in closes),
            }
        )
        for g in closes:
            del open_gaps[g["id"]]
    return recs


# ---------------------------------------------------------------------------
# The GraphQL double
# ---------------------------------------------------------------------------
@dataclass
class Call:
    operation: str | None
    variables: dict[str, Any]
    authorization: str | None


@dataclass
class ApiDouble:
    schema: GraphQLSchema
    calls: list[Call] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)

    def of(self, operation: str) -> list[Call]:
        return [c for c in self.calls if c.operation == operation]


def _fail(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _job(job_id: str) -> dict[str, Any]:
    for job in POSTINGS:
        if job["id"] == job_id:
            return job
    raise _fail(
        "NOT_FOUND", f"No job posting with id {job_id!r}; list them with the jobPostings query."
    )


def _root(viewer: dict[str, Any]) -> dict[str, Any]:
    def job_postings(
        _info: Any, first: int = 20, search: str | None = None, after: str | None = None
    ) -> dict[str, Any]:
        needle = (search or "").lower()
        hits = [j for j in POSTINGS if needle in f"{j['title']} {j['organization']}".lower()]
        return {"nodes": hits[:first], "totalCount": len(hits)}

    # graphql-core's default resolver calls these with the SDL's argument names
    def candidates(_info: Any, **args: Any) -> dict[str, Any]:
        job_id, first, after = args["jobId"], args.get("first", 20), args.get("after")
        if viewer["role"] == "learner":
            raise _fail(
                "FORBIDDEN",
                "A learner key cannot rank candidates; use skillGap for your own record.",
            )
        matches = ranked(_job(job_id))
        f = args.get("filter") or {}
        if f.get("minScore") is not None:
            matches = [m for m in matches if m["score"] >= f["minScore"]]
        if f.get("allRequiredMet"):
            matches = [m for m in matches if not m["gaps"]]
        if f.get("verifiedOnly"):
            matches = [
                m
                for m in matches
                if all(
                    c["evidence"] is None or c["evidence"]["verdict"] == "verified"
                    for c in m["coverage"]
                )
            ]
        start = int(after[1:]) + 1 if after else 0
        page = matches[start : start + first]
        edges = [{"cursor": f"c{start + i}", "node": m} for i, m in enumerate(page)]
        return {
            "edges": edges,
            "totalCount": len(matches),
            "requirements": _job(job_id)["requirements"],
            "pageInfo": {
                "hasNextPage": start + first < len(matches),
                "hasPreviousPage": start > 0,
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }

    def skill_gap(_info: Any, **args: Any) -> dict[str, Any]:
        learner_id, job_id = args["learnerId"], args["jobId"]
        if viewer["role"] == "learner" and learner_id != viewer["learnerId"]:
            raise _fail("FORBIDDEN", "A learner key can only read its own gap report.")
        learner = next((lrn for lrn in LEARNERS if lrn.id == learner_id), None)
        if learner is None:
            raise _fail("NOT_FOUND", f"No discoverable learner with id {learner_id!r}.")
        job = _job(job_id)
        m = match(learner, job)
        return {
            "learner": m["learner"],
            "job": job,
            "score": m["score"],
            "coverage": m["coverage"],
            "gaps": m["gaps"],
            "recommendations": recommendations(m["gaps"]),
        }

    return {
        "viewer": viewer,
        "jobPostings": job_postings,
        "candidates": candidates,
        "skillGap": skill_gap,
        **KEYLESS_ROOT,
    }


# The learner's presentation, as the double answers it: two credentials load, one about someone
# else is refused alone, and the sign-in key is the learner key above.
PRESENTED = {
    "learnerId": LEARNER_VIEWER.id,
    "loaded": 2,
    "rejected": 1,
    "results": [
        {"source": f"verifiableCredential[{n}]", "id": f"urn:uuid:presented-{n}", "valid": True,
         "verdict": "verified", "loaded": True,
         "checks": [{"name": "proof", "ok": True, "detail": "eddsa-jcs-2022 signature verified"},
                    {"name": "holder", "ok": True, "detail": "credentialSubject.id is the holder"}]}
        for n in range(2)
    ] + [
        {"source": "verifiableCredential[2]", "id": "urn:uuid:someone-elses", "valid": False,
         "verdict": "verified", "loaded": False,
         "checks": [{"name": "proof", "ok": True, "detail": "eddsa-jcs-2022 signature verified"},
                    {"name": "holder", "ok": False,
                     "detail": "this credential is about 'did:key:z6MkOther', not the holder"}]},
    ],
}  # fmt: skip


def _submit_presentation(_info: Any, **args: Any) -> dict[str, Any]:
    presentation = args["presentation"]
    if not isinstance(presentation, dict) or presentation.get("holder") != LEARNER_VIEWER.id:
        raise _fail("BAD_INPUT", "presentation refused (proof): the presentation is unsigned")
    token = LEARNER_KEY if args.get("issueKey") else None
    return {**PRESENTED, "apiKey": {"token": token} if token else None}


KEYLESS_ROOT: dict[str, Any] = {
    "presentationChallenge": {
        "challenge": "Zq3-challenge-for-the-page",
        "domain": "credmatch.local",
        "expiresAt": "2026-11-29T18:05:00Z",
    },
    "submitPresentation": _submit_presentation,
}
KEYLESS_OPERATIONS = {"Challenge", "SubmitPresentation"}


VIEWERS: dict[str, dict[str, Any]] = {
    RECRUITER_KEY: {"role": "recruiter", "learnerId": None, "keyId": "key_rec_7f3a"},
    LEARNER_KEY: {"role": "learner", "learnerId": LEARNER_VIEWER.id, "keyId": "key_lrn_51be"},
}


def double_app(api: ApiDouble) -> Starlette:
    async def graphql(request: Request) -> JSONResponse:
        body = await request.json()
        auth = request.headers.get("authorization")
        api.calls.append(Call(body.get("operationName"), body.get("variables") or {}, auth))
        viewer = (
            VIEWERS.get(auth.removeprefix("Bearer "))
            if auth and auth.startswith("Bearer ")
            else None
        )
        if viewer is None and body.get("operationName") in KEYLESS_OPERATIONS:
            viewer = {"role": "anonymous", "learnerId": None, "keyId": None}
        if viewer is None:
            error = {
                "message": "The API key is missing or not valid. "
                "Send 'Authorization: Bearer <key>'.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
            return JSONResponse({"errors": [error]}, status_code=401)  # as the real gate answers
        problems = validate(api.schema, parse(body["query"]))
        if problems:
            api.schema_errors.extend(p.message for p in problems)
            errors = [
                {"message": p.message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
                for p in problems
            ]
            return JSONResponse({"data": None, "errors": errors})
        result = graphql_sync(
            api.schema,
            body["query"],
            root_value=_root(viewer),
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
        )
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
            api.schema_errors.extend(
                e.message for e in result.errors if not (e.extensions or {}).get("code")
            )
        return JSONResponse(out)

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["POST"]),
            Mount("/", app=StaticFiles(directory=WEB_DIR, html=True)),
        ]
    )


# ---------------------------------------------------------------------------
# Fixtures: server thread, browser, screenshots
# ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def api() -> ApiDouble:
    return ApiDouble(schema=build_schema(SDL.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def base_url(api: ApiDouble) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        double_app(api), host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="page-double", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the GraphQL double did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# ---------------------------------------------------------------------------
# Page helpers
# ---------------------------------------------------------------------------
def _wait(driver: Any, condition: Callable[[Any], Any], what: str, timeout: float = 10) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout).until(condition)
    except TimeoutException:
        banner = driver.execute_script(
            "const e = document.getElementById('error'); return e && !e.hidden ? e.innerText : null"
        )
        pytest.fail(f"timed out waiting for {what}; the page's error banner: {banner!r}")


def _console_errors(driver: Any) -> list[str]:
    """Severe console entries, less the 401/403 answers the tests provoke on purpose."""
    entries = driver.get_log("browser")
    return [
        e["message"]
        for e in entries
        if e["level"] == "SEVERE" and "status of 401" not in e["message"]
    ]


def _by_css(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, css))


def _one(driver: Any, css: str) -> Any:
    found = _by_css(driver, css)
    assert len(found) == 1, f"expected one {css!r}, found {len(found)}"
    return found[0]


def _visible(driver: Any, css: str) -> bool:
    found = _by_css(driver, css)
    return bool(found) and found[0].is_displayed()


def _enter_key(driver: Any, key: str) -> None:
    box = _one(driver, "#api-key")
    box.clear()
    box.send_keys(key)
    _one(driver, "#key-form button[type=submit]").click()


def _session_key(driver: Any) -> str | None:
    return driver.execute_script("return sessionStorage.getItem('credmatch.apiKey')")  # type: ignore[no-any-return]


def _cards(driver: Any) -> list[Any]:
    return _by_css(driver, "#candidates-list article.candidate")


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
def test_recruiter_ranks_candidates_and_opens_a_gap_report(
    driver: Any, page: Page, base_url: str, api: ApiDouble, screenshot: Callable[..., Path]
) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(base_url + "/")
    assert "credmatch" in driver.title
    assert _visible(driver, "#intro") and not _visible(driver, "#workspace")
    page.check_accessibility()

    # A wrong key: the API's UNAUTHENTICATED error is shown, nothing is kept.
    _enter_key(driver, "not-a-key")
    _wait(driver, lambda d: _visible(d, "#error"), "the error banner")
    assert _one(driver, "#error-code").text == "UNAUTHENTICATED"
    assert "missing or not valid" in _one(driver, "#error-message").text
    assert api.calls[-1].authorization == "Bearer not-a-key"
    assert _session_key(driver) is None
    assert not _visible(driver, "#workspace")

    # The right key: the role is shown and the postings are listed.
    _enter_key(driver, RECRUITER_KEY)
    _wait(
        driver,
        lambda d: len(_by_css(d, "#postings-list .posting")) == len(POSTINGS),
        "the postings",
    )
    assert not _visible(driver, "#error")
    assert _one(driver, "#viewer-role").text.lower() == "recruiter"
    assert _session_key(driver) == RECRUITER_KEY
    assert {c.authorization for c in api.calls[-2:]} == {f"Bearer {RECRUITER_KEY}"}
    titles = [e.text for e in _by_css(driver, "#postings-list .posting-title")]
    assert titles == [p["title"] for p in POSTINGS]

    # Choose the ML posting with the keyboard.
    ml_button = _one(driver, f'#postings-list .posting[data-job-id="{ML_JOB}"]')
    ml_button.send_keys(Keys.ENTER)
    expected = ranked(POSTINGS[0])
    _wait(driver, lambda d: len(_cards(d)) == 10, "the first page of candidates")
    assert ml_button.get_attribute("aria-pressed") == "true"
    assert api.of("Candidates")[-1].variables == {"jobId": ML_JOB, "first": 10}
    assert _one(driver, "#candidates-status").text == f"Showing 10 of {len(expected)} candidates"
    description = _one(driver, "#posting-detail .posting-desc").text
    assert description.startswith("CarePath builds clinical decision support")
    assert "60 hospitals & clinics. Take models" in description  # entities decoded, list items end
    assert "<" not in description and "About us" not in description  # tags and headings gone

    cards = _cards(driver)
    for card, m in zip(cards, expected, strict=False):
        assert card.get_attribute("data-learner-id") == m["learner"]["id"]
        assert card.find_element("css selector", ".rank").text == f"#{m['rank']}"
        assert card.find_element("css selector", ".cand-score .score-value").text.endswith(
            _pct(m["score"])
        )
        fill = card.find_element("css selector", ".cand-score .score-fill").get_attribute("style")
        assert f"width: {round(m['score'] * 100)}%" in fill
        assert f"{m['requiredMet']} of {m['requiredTotal']} required met" in card.text
        chips = [c.text for c in card.find_elements("css selector", ".gaps .chip")]
        assert chips == [g["text"] for g in m["gaps"]]

    # The top candidate's evidence is open: issuer, verdict and similarity per requirement.
    top, top_m = cards[0], expected[0]
    rows = top.find_elements("css selector", "details.evidence tbody tr")
    assert len(rows) == len(ML_REQS)
    for row, cov in zip(rows, top_m["coverage"], strict=True):
        assert cov["requirement"]["text"] in row.text
        ev = cov["evidence"]
        if ev is None:
            assert "No credential covers this requirement" in row.text
            continue
        assert ev["achievement"]["name"] in row.text
        assert ev["issuer"]["name"] in row.text
        assert (
            row.find_element("css selector", ".verdict").get_attribute("data-verdict")
            == ev["verdict"]
        )
        assert row.find_element("css selector", ".similarity").text == f"{ev['similarity']:.2f}"
    assert "+1 other credential" in rows[0].text

    page.check_accessibility()
    assert screenshot("ranking", full_page=False).stat().st_size > 20_000
    screenshot("ranking-full")

    # An unnamed learner with a long id: shortened, the full id in the title; an expired credential.
    unnamed = next(
        c for c, m in zip(cards, expected, strict=False) if m["learner"]["id"].startswith("sha256$")
    )
    full_id = unnamed.get_attribute("data-learner-id")
    id_chip = unnamed.find_element("css selector", "code.id")
    assert id_chip.get_attribute("title") == full_id
    assert "…" in id_chip.text and len(id_chip.text) < len(full_id)
    assert "Unnamed learner" in unnamed.find_element("css selector", ".cand-name").text
    unnamed.find_element("css selector", "details.evidence summary").click()
    verdicts = [
        v.get_attribute("data-verdict") for v in unnamed.find_elements("css selector", ".verdict")
    ]
    assert "expired" in verdicts
    assert "untrusted issuer" in unnamed.text.lower()

    # "Show more" asks for the page after endCursor; injected markup in names stays text.
    more = _one(driver, "#more-candidates")
    assert more.is_displayed()
    more.click()
    _wait(driver, lambda d: len(_cards(d)) == len(expected), "the second page")
    assert api.of("Candidates")[-1].variables["after"] == "c9"
    assert not more.is_displayed()
    assert driver.execute_script("return window.__pwned === undefined")
    assert not _by_css(driver, "#candidates-list img, #candidates-list script")
    mallory = next(
        c for c in _cards(driver) if c.get_attribute("data-learner-id") == HANDMADE[3].id
    )
    assert mallory.find_element("css selector", ".cand-name").text == XSS_NAME
    mallory.find_element("css selector", "details.evidence summary").click()
    assert XSS_BADGE in mallory.text

    # Filters go to the API as a CandidateFilter.
    _one(driver, "#filter-all-required").click()
    _one(driver, "#filter-min-score").send_keys("50")
    _one(driver, "#filter-form button[type=submit]").click()
    complete = [m for m in expected if not m["gaps"] and m["score"] >= 0.5]
    _wait(
        driver,
        lambda d: api.of("Candidates")[-1].variables.get("filter") is not None,
        "the filtered query",
    )
    _wait(driver, lambda d: len(_cards(d)) == len(complete), "the filtered list")
    assert api.of("Candidates")[-1].variables["filter"] == {"minScore": 0.5, "allRequiredMet": True}
    _one(driver, "#filter-all-required").click()
    _one(driver, "#filter-min-score").clear()
    _one(driver, "#filter-form button[type=submit]").click()
    _wait(driver, lambda d: len(_cards(d)) == 10, "the unfiltered list")

    # Click a candidate with gaps: the gap report for the same job, with recommendations.
    target = next(m for m in expected if len(m["gaps"]) >= 2)
    card = next(
        c for c in _cards(driver) if c.get_attribute("data-learner-id") == target["learner"]["id"]
    )
    card.find_element("css selector", "button.open-gap").click()
    _wait(driver, lambda d: _by_css(d, "#gap-report .rec"), "the recommendations")
    assert _one(driver, "#tab-gap").get_attribute("aria-selected") == "true"
    assert not _visible(driver, "#panel-rank")
    assert api.of("SkillGap")[-1].variables == {
        "learnerId": target["learner"]["id"],
        "jobId": ML_JOB,
    }
    assert _one(driver, "#gap-learner").get_attribute("value") == target["learner"]["id"]
    assert _one(driver, "#gap-job").get_attribute("value") == ML_JOB
    summary = _one(driver, "#gap-report .gap-summary")
    assert summary.find_element("css selector", ".score-value").text.endswith(_pct(target["score"]))
    recs = recommendations(target["gaps"])
    shown = _by_css(driver, "#gap-report .rec")
    assert [r.find_element("css selector", ".rec-name").text for r in shown] == [
        r["achievement"]["name"] for r in recs
    ]
    for card_el, rec in zip(shown, recs, strict=True):
        closes = [c.text for c in card_el.find_elements("css selector", ".closes .chip")]
        assert closes == [g["text"] for g in rec["closes"]]
        assert (
            card_el.find_element("css selector", ".rec-weight-num").text
            == f"{rec['gapWeightClosed']:.2f}"
        )
        assert rec["achievement"]["issuer"]["name"] in card_el.text
    assert "Stacks into MSc Applied AI" in _one(driver, "#gap-report").text
    page.check_accessibility()
    screenshot("gap-report")

    # Tabs follow the arrow keys.
    _one(driver, "#tab-gap").send_keys(Keys.ARROW_LEFT)
    assert _one(driver, "#tab-rank").get_attribute("aria-selected") == "true"
    assert _visible(driver, "#panel-rank")

    # The key survives a reload (sessionStorage) and "Forget key" drops it.
    driver.refresh()
    _wait(
        driver,
        lambda d: len(_by_css(d, "#postings-list .posting")) == len(POSTINGS),
        "postings after reload",
    )
    _one(driver, "#sign-out").click()
    assert _session_key(driver) is None
    assert _visible(driver, "#intro") and not _visible(driver, "#workspace")

    # Nothing left the origin (no CDN, no fonts), and every query matched the schema.
    origins = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert origins and all(url.startswith(base_url + "/") for url in origins), origins
    assert not [url for url in origins if "javascript:" in url]
    assert api.schema_errors == []
    assert _console_errors(driver) == []


def test_learner_sees_only_their_gap_report(
    driver: Any, page: Page, base_url: str, api: ApiDouble, screenshot: Callable[..., Path]
) -> None:
    driver.get(base_url + "/")
    _enter_key(driver, LEARNER_KEY)
    _wait(driver, lambda d: _visible(d, "#panel-gap"), "the learner's gap panel")
    assert not _visible(driver, "#tab-rank") and not _visible(driver, "#panel-rank")
    assert _one(driver, "#tab-gap").text == "My gap report"
    learner_box = _one(driver, "#gap-learner")
    assert learner_box.get_attribute("readonly") is not None
    assert learner_box.get_attribute("value") == LEARNER_VIEWER.id

    _wait(
        driver, lambda d: len(_by_css(d, "#gap-job option")) == len(POSTINGS) + 1, "the job choices"
    )
    from selenium.webdriver.support.ui import Select

    Select(_one(driver, "#gap-job")).select_by_value(ML_JOB)
    _one(driver, "#gap-form button[type=submit]").click()
    _wait(driver, lambda d: _by_css(d, "#gap-report .rec"), "the learner's recommendations")
    report = match(LEARNER_VIEWER, POSTINGS[0])
    assert api.of("SkillGap")[-1].variables == {"learnerId": LEARNER_VIEWER.id, "jobId": ML_JOB}
    assert [c.text for c in _by_css(driver, "#gap-report .gap-summary ~ section .gaps .chip")] == [
        g["text"] for g in report["gaps"]
    ]
    assert len(_by_css(driver, "#gap-report .rec")) == len(recommendations(report["gaps"]))
    page.check_accessibility()
    screenshot("learner-gap-report")

    # Someone else's id (forced past the read-only box): FORBIDDEN is shown, the session stays.
    driver.execute_script(
        "document.getElementById('gap-learner').value = arguments[0]", HANDMADE[0].id
    )
    _one(driver, "#gap-form button[type=submit]").click()
    _wait(driver, lambda d: _visible(d, "#error"), "the FORBIDDEN error")
    assert _one(driver, "#error-code").text == "FORBIDDEN"
    assert "own gap report" in _one(driver, "#error-message").text
    assert _session_key(driver) == LEARNER_KEY
    assert _visible(driver, "#workspace")
    assert api.schema_errors == []
    assert LEARNER_KEY not in _one(driver, "body").text  # the key is never echoed on the page
    assert _console_errors(driver) == []


def test_learner_brings_their_credentials_and_sees_their_gap_report(
    driver: Any, page: Page, base_url: str, api: ApiDouble, screenshot: Callable[..., Path]
) -> None:
    driver.get(base_url + "/")
    _one(driver, "#bring-challenge").click()
    _wait(driver, lambda d: _by_css(d, "#bring-challenge-value"), "the challenge")
    assert _one(driver, "#bring-challenge-value").text == "Zq3-challenge-for-the-page"
    assert api.of("Challenge")[-1].authorization is None  # no key needed
    page.check_accessibility()

    # A presentation that is not JSON: refused on the page, nothing sent.
    sent = len(api.calls)
    _one(driver, "#bring-text").send_keys("{not json")
    _one(driver, "#bring-form button[type=submit]").click()
    _wait(driver, lambda d: _visible(d, "#error"), "the JSON error")
    assert _one(driver, "#error-code").text == "BAD_INPUT" and len(api.calls) == sent

    vp = (
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], '
        '"type": ["VerifiablePresentation"], "holder": "' + LEARNER_VIEWER.id + '"}'
    )
    box = _one(driver, "#bring-text")
    box.clear()
    driver.execute_script("arguments[0].value = arguments[1]", box, vp)
    _one(driver, "#bring-form button[type=submit]").click()
    _wait(driver, lambda d: _visible(d, "#panel-gap"), "the learner's gap panel after sign-in")
    submitted = api.of("SubmitPresentation")[-1]
    assert submitted.authorization is None
    assert submitted.variables["issueKey"] is True
    assert submitted.variables["presentation"]["holder"] == LEARNER_VIEWER.id

    results = _by_css(driver, "#bring-report .result")
    assert [r.get_attribute("data-loaded") for r in results] == ["true", "true", "false"]
    assert "not the holder" in results[2].text and "holder" in results[2].text
    assert "2 credentials loaded, 1 not" in _one(driver, "#bring-report-title").text
    assert _session_key(driver) == LEARNER_KEY  # signed in with the issued key...
    assert LEARNER_KEY not in _one(driver, "body").text  # ...which the page never shows
    assert _one(driver, "#gap-learner").get_attribute("value") == LEARNER_VIEWER.id

    _wait(
        driver, lambda d: len(_by_css(d, "#gap-job option")) == len(POSTINGS) + 1, "the job choices"
    )
    from selenium.webdriver.support.ui import Select

    Select(_one(driver, "#gap-job")).select_by_value(ML_JOB)
    _one(driver, "#gap-form button[type=submit]").click()
    _wait(driver, lambda d: _by_css(d, "#gap-report .rec"), "the learner's recommendations")
    assert api.of("SkillGap")[-1].authorization == f"Bearer {LEARNER_KEY}"
    page.check_accessibility()
    screenshot("learner-brings-credentials")
    assert api.schema_errors == []
    assert _console_errors(driver) == []

"""The demo page end to end against the real app and the seed graph (real Neo4j, real model).

``create_app(seeded.settings)`` runs under uvicorn in a background thread (its lifespan opens its
own driver); headless Chromium drives the page as a recruiter and then as a learner. What the
page should show is read from the same server over HTTP with the same keys, so the test checks
that the page renders what the API answers, not numbers written down here.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from credmatch.server import create_app

if TYPE_CHECKING:
    from tests.browser.conftest import Page
    from tests.support.seeded import Seeded

pytestmark = [
    pytest.mark.browser,
    pytest.mark.neo4j,
    pytest.mark.model,
    pytest.mark.slow,
    # before the seed graph loads (minutes): skip at once where there is no browser
    pytest.mark.usefixtures("browser_available"),
]

JOB_TITLE = "Data Analyst"
PAGE_SIZE = 10  # the page asks for ten candidates at a time
SLOW = 90.0  # seconds: the first query after start-up may load the model

CANDIDATES = """
query($jobId: ID!, $first: Int!, $after: String) {
  candidates(jobId: $jobId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      rank score requiredMet requiredTotal
      learner { id displayName }
      gaps { text }
      coverage {
        met requirement { text required }
        evidence { verdict similarity achievement { name } issuer { id name trusted } }
      }
    } }
  }
}
"""

SKILL_GAP = """
query($learnerId: ID!, $jobId: ID!) {
  skillGap(learnerId: $learnerId, jobId: $jobId) {
    score
    learner { id displayName }
    gaps { id text }
    recommendations {
      gapWeightClosed
      closes { id text }
      achievement { name issuer { id name } }
    }
  }
}
"""


# ---------------------------------------------------------------------------
# The real app, served for the browser
# ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(seeded: Seeded) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        create_app(seeded.settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="credmatch-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"credmatch did not start on 127.0.0.1:{port}; see the log above")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


class Api:
    """The same server the browser uses, asked directly: what the page ought to show."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def __call__(self, key: str, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.base_url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {key}"},
            timeout=SLOW,
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture(scope="module")
def real_api(base_url: str) -> Api:
    return Api(base_url)


# ---------------------------------------------------------------------------
# What the page does with numbers and ids (app.js), to compare like with like
# ---------------------------------------------------------------------------
def _pct(value: float) -> int:
    """app.js's pct(): JavaScript's Math.round, which rounds halves up (Python's round does not)."""
    return math.floor(max(0.0, min(1.0, value)) * 100 + 0.5)


def _cards(page: Page) -> list[Any]:
    return page.all("#candidates-list article.candidate")


def _chips(element: Any, css: str) -> list[str]:
    return [c.text for c in element.find_elements("css selector", css)]


# ---------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------
def test_recruiter_and_learner_against_the_seed_graph(
    driver: Any,
    page: Page,
    base_url: str,
    real_api: Api,
    seeded: Seeded,
    screenshot: Callable[..., Path],
) -> None:
    from selenium.webdriver.support.ui import Select

    recruiter, learner_key = seeded.keys["recruiter"], seeded.keys["learner"]
    postings = real_api(recruiter, "{ jobPostings(first: 100) { nodes { id title } } }")[
        "jobPostings"
    ]["nodes"]
    job_id = next(p["id"] for p in postings if p["title"] == JOB_TITLE)
    ranked = real_api(recruiter, CANDIDATES, jobId=job_id, first=PAGE_SIZE)["candidates"]
    expected = [e["node"] for e in ranked["edges"]]
    assert expected, f"the seed graph has no candidates for {JOB_TITLE!r}"

    # --- Recruiter: the postings, then the Data Analyst ranking ---
    driver.get(base_url + "/")
    assert "credmatch" in driver.title
    page.enter_key(recruiter)
    page.wait(lambda d: page.all("#postings-list .posting"), "the postings", timeout=SLOW)
    assert _one_text(page, "#viewer-role").lower() == "recruiter"
    titles = [e.text for e in page.all("#postings-list .posting-title")]
    assert sorted(titles) == sorted(p["title"] for p in postings)

    page.one(f'#postings-list .posting[data-job-id="{job_id}"]').click()
    page.wait(lambda d: len(_cards(page)) == len(expected), "the ranked candidates", timeout=SLOW)
    assert not page.visible("#error"), page.banner()
    assert _one_text(page, "#posting-title") == JOB_TITLE
    assert _one_text(page, "#candidates-status") == (
        f"Showing {len(expected)} of {ranked['totalCount']} candidates"
    )

    cards = _cards(page)
    for card, m in zip(cards, expected, strict=True):
        assert card.get_attribute("data-learner-id") == m["learner"]["id"]
        assert card.find_element("css selector", ".rank").text == f"#{m['rank']}"
        name = card.find_element("css selector", ".cand-name").text
        assert name == (m["learner"]["displayName"] or "Unnamed learner")
        assert (
            card.find_element("css selector", "code.id").get_attribute("title")
            == (m["learner"]["id"])
        )
        score = card.find_element("css selector", ".cand-score")
        assert score.find_element("css selector", ".score-value").text.endswith(
            f"{_pct(m['score'])}%"
        )
        fill = score.find_element("css selector", ".score-fill")
        assert f"width: {_pct(m['score'])}%" in fill.get_attribute("style")
        assert fill.size["height"] > 0 and (m["score"] < 0.01 or fill.size["width"] > 0)
        assert f"{m['requiredMet']} of {m['requiredTotal']} required met" in card.text
        assert _chips(card, ".gaps .chip") == [g["text"] for g in m["gaps"]]

    # The top candidate's evidence is open: per requirement, the credential, issuer and verdict.
    top, top_m = cards[0], expected[0]
    rows = top.find_elements("css selector", "details.evidence tbody tr")
    # required requirements first, each group in posting order
    coverage = sorted(top_m["coverage"], key=lambda c: not c["requirement"]["required"])
    shown_evidence = 0
    for row, cov in zip(rows, coverage, strict=True):
        assert row.find_element("css selector", ".req-text").text == cov["requirement"]["text"]
        ev = cov["evidence"]
        if ev is None:
            assert "No credential covers this requirement" in row.text
            continue
        shown_evidence += 1
        assert row.find_element("css selector", ".achievement").text == ev["achievement"]["name"]
        issuer = row.find_element("css selector", ".issuer-name")
        assert issuer.get_attribute("title") == ev["issuer"]["id"]
        if ev["issuer"]["name"]:
            assert issuer.text == ev["issuer"]["name"]
        verdict = row.find_element("css selector", ".verdict")
        assert verdict.get_attribute("data-verdict") == ev["verdict"]
        assert row.find_element("css selector", ".similarity").text == f"{ev['similarity']:.2f}"
    assert shown_evidence, "the top candidate shows at least one credential"
    page.check_accessibility()
    page.check_layout()
    screenshot("real-ranking", full_page=False)
    screenshot("real-ranking-full")

    # --- Recruiter: a candidate with gaps and recommendations -> the gap report ---
    # The best-ranked often miss only what no catalog achievement teaches, so look down the list
    # and page the browser ("Show more") to that candidate's card.
    target, report = _candidate_with_recommendations(real_api, recruiter, job_id)
    card = _show_card(page, target["learner"]["id"])
    card.find_element("css selector", "button.open-gap").click()
    page.wait(lambda d: page.all("#gap-report .gap-summary"), "the gap report", timeout=SLOW)
    assert page.one("#tab-gap").get_attribute("aria-selected") == "true"
    assert not page.visible("#panel-rank")
    _check_gap_report(page, report)
    page.check_accessibility()
    page.check_layout()
    screenshot("real-gap-report")

    # --- Learner: only their own gap report ---
    page.one("#sign-out").click()
    page.enter_key(learner_key)
    page.wait(lambda d: page.visible("#panel-gap"), "the learner's gap panel", timeout=SLOW)
    assert _one_text(page, "#viewer-role").lower() == "learner"
    assert not page.visible("#tab-rank") and not page.visible("#panel-rank")
    assert _one_text(page, "#tab-gap") == "My gap report"
    own_box = page.one("#gap-learner")
    assert own_box.get_attribute("readonly") is not None
    assert own_box.get_attribute("value") == seeded.learner
    page.wait(
        lambda d: len(page.all("#gap-job option")) == len(postings) + 1,
        "the job choices",
        timeout=SLOW,
    )

    def choose_job(d: Any) -> bool:
        # The page may rewrite the options as its posting pages arrive: a stale option is
        # chosen again from the fresh list.
        from selenium.common.exceptions import StaleElementReferenceException

        try:
            Select(page.one("#gap-job")).select_by_value(job_id)
            return bool(page.one("#gap-job").get_attribute("value") == job_id)
        except StaleElementReferenceException:
            return False

    page.wait(choose_job, "the posting chosen", timeout=SLOW)
    page.one("#gap-form button[type=submit]").click()
    page.wait(lambda d: page.all("#gap-report .gap-summary"), "the learner's report", timeout=SLOW)
    own = real_api(learner_key, SKILL_GAP, learnerId=seeded.learner, jobId=job_id)["skillGap"]
    _check_gap_report(page, own)
    page.check_accessibility()
    page.check_layout()
    screenshot("real-learner-gap-report")

    # Another learner's id, forced past the read-only box: the API refuses, the session stays.
    driver.execute_script(
        "document.getElementById('gap-learner').value = arguments[0]", seeded.other_learner
    )
    page.one("#gap-form button[type=submit]").click()
    page.wait(lambda d: page.visible("#error"), "the FORBIDDEN error", timeout=SLOW)
    assert _one_text(page, "#error-code") == "FORBIDDEN"
    assert not page.all("#gap-report .gap-summary")
    assert page.visible("#workspace")
    assert learner_key not in page.one("body").text and recruiter not in page.one("body").text
    assert page.console_errors() == [], page.console_errors()


def _one_text(page: Page, css: str) -> str:
    return str(page.one(css).text)


def _candidate_with_recommendations(
    api: Api, key: str, job_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The best-ranked candidate whose gap report recommends something, and that report."""
    after: str | None = None
    seen_gaps: set[str] = set()
    while True:
        found = api(key, CANDIDATES, jobId=job_id, first=50, after=after)["candidates"]
        for edge in found["edges"]:
            m = edge["node"]
            if not m["gaps"]:
                continue
            report = api(key, SKILL_GAP, learnerId=m["learner"]["id"], jobId=job_id)["skillGap"]
            if report["recommendations"]:
                return m, report
            seen_gaps.update(g["text"] for g in m["gaps"])
        if not found["pageInfo"]["hasNextPage"]:
            pytest.fail(
                f"no candidate for {job_id} has a gap the catalog can close; gaps seen: "
                f"{sorted(seen_gaps)}"
            )
        after = found["pageInfo"]["endCursor"]


def _show_card(page: Page, learner_id: str) -> Any:
    """That learner's card, pressing "Show more candidates" until it is on the page."""
    while True:
        for card in _cards(page):
            if card.get_attribute("data-learner-id") == learner_id:
                return card
        more = page.one("#more-candidates")
        assert more.is_displayed(), f"{learner_id} is not in the ranking the page shows"
        shown = len(_cards(page))

        def grown(_driver: Any, before: int = shown) -> bool:
            return len(_cards(page)) > before

        more.click()
        page.wait(grown, "the next page of candidates", timeout=SLOW)


def _check_gap_report(page: Page, report: dict[str, Any]) -> None:
    summary = page.one("#gap-report .gap-summary")
    assert summary.get_attribute("data-learner-id") == report["learner"]["id"]
    assert summary.find_element("css selector", ".score-value").text.endswith(
        f"{_pct(report['score'])}%"
    )
    assert JOB_TITLE in summary.find_element("css selector", "#gap-title").text
    gaps = _chips(page.one("#gap-report"), ".gap-summary ~ section .gaps .chip")
    assert gaps == [g["text"] for g in report["gaps"]]
    shown = page.all("#gap-report .rec")
    assert [r.find_element("css selector", ".rec-name").text for r in shown] == [
        r["achievement"]["name"] for r in report["recommendations"]
    ]
    for card, rec in zip(shown, report["recommendations"], strict=True):
        assert _chips(card, ".closes .chip") == [g["text"] for g in rec["closes"]]
        weight = card.find_element("css selector", ".rec-weight-num").text
        assert weight == f"{rec['gapWeightClosed']:.2f}"
        issuer = card.find_element("css selector", ".issuer-name")
        assert issuer.get_attribute("title") == rec["achievement"]["issuer"]["id"]
        if rec["achievement"]["issuer"]["name"]:
            assert issuer.text == rec["achievement"]["issuer"]["name"]
    recs = page.one("#gap-report .recs")
    closed = {g["id"] for r in report["recommendations"] for g in r["closes"]}
    still_open = [g["text"] for g in report["gaps"] if g["id"] not in closed]
    if report["recommendations"]:
        assert _chips(recs, ".open-gaps .chip") == still_open
    elif report["gaps"]:
        assert "No achievement in the catalog closes these gaps" in recs.text
    else:
        assert "Nothing to recommend" in recs.text

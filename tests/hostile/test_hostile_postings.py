"""Hostile job postings: any text, HTML or JSON-LD gives a Posting or a PostingFormatError."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credmatch.errors import PostingFormatError
from credmatch.postings import Posting, parse_jsonld, parse_posting, parse_text, read_postings
from credmatch.postings.guard import MAX_CHARS
from tests.hostile.support import HOSTILE, nested

HTML_BITS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<ul>",
        "<li>",
        "</li>",
        "<h2>Requirements</h2>",
        "<br>",
        "<b>",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "&#99999999999;",
        "&nbsp;",
        "<!--",
        "-->",
        "<script>",
        "<![CDATA[",
        "\n",
        "- ",
        "* ",
        "## ",
        "Required:",
        "Nice to have:",
        "Python",
        "\x00",
        "\u202e",
        "\ud800",
        "Ã©",
        "```",
        "|",
        "<",
        ">",
        "&",
        "\r\n",
        "\t",
        "id: x\n",
        "---\n",
        "Company: Acme\n",
    ]
)
POSTING_TEXT = st.lists(HTML_BITS | st.text(max_size=20), max_size=40).map("".join)
JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_LEAF,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=15,
)
POSTING_KEYS = [
    "@type",
    "@id",
    "@graph",
    "title",
    "name",
    "description",
    "identifier",
    "url",
    "hiringOrganization",
    "occupationalCategory",
    "datePosted",
    "validThrough",
    "skills",
    "qualifications",
    "experienceRequirements",
    "educationRequirements",
    "responsibilities",
]


def _ok(result: Any) -> None:
    if isinstance(result, PostingFormatError):
        assert str(result).strip()
        return
    assert isinstance(result, Posting)
    assert result.id and result.title
    json.dumps(result.id)


def parsed(call: Any) -> None:
    try:
        _ok(call())
    except PostingFormatError as e:
        _ok(e)


@settings(HOSTILE, max_examples=150)
@given(text=POSTING_TEXT)
def test_any_text_or_html(text: str) -> None:
    parsed(lambda: parse_text(text, "hostile.txt"))
    parsed(lambda: parse_text("Data Engineer\n\n" + text, "hostile.txt"))
    parsed(lambda: parse_posting(text))


@settings(HOSTILE, max_examples=150)
@given(
    doc=st.fixed_dictionaries(
        {"@type": st.sampled_from(["JobPosting", "schema:JobPosting", ["JobPosting"], 3])},
        optional={k: JSON_VALUES | POSTING_TEXT for k in POSTING_KEYS if k != "@type"},
    )
)
def test_any_jsonld_shape(doc: dict[str, Any]) -> None:
    parsed(lambda: parse_jsonld(doc, "hostile.jsonld"))
    parsed(lambda: parse_posting(json.dumps(doc)))
    parsed(lambda: parse_jsonld({"@graph": [doc, doc]}, "graph.jsonld"))


@settings(HOSTILE, max_examples=60)
@given(value=JSON_VALUES)
def test_any_json_document(value: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    parsed(lambda: parse_jsonld(value, "any.json"))
    path = tmp_path_factory.mktemp("p") / "any.jsonl"
    path.write_text(json.dumps(value) + "\n" + json.dumps([value, {"@graph": value}]))
    for result in read_postings(path):
        _ok(result)


GOOD = {
    "@type": "JobPosting",
    "title": "Data Engineer",
    "description": "<p>We need:</p><ul><li>Python</li><li>SQL</li></ul>",
}


@pytest.mark.parametrize("kind", ["dict", "list"])
@pytest.mark.parametrize("key", ["description", "skills", "hiringOrganization", "identifier"])
def test_10000_deep_values(key: str, kind: str, tmp_path: Path) -> None:
    doc = {**GOOD, key: nested(10_000, "Python", kind)}
    parsed(lambda: parse_jsonld(doc, "deep.jsonld"))
    path = tmp_path / "deep.json"
    path.write_text(
        json.dumps({**GOOD, "x": 1})[:-1] + ', "skills": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    results = list(read_postings(path))
    assert len(results) == 1
    _ok(results[0])
    parsed(lambda: parse_posting(path.read_text()))


def test_reference_cycles_in_a_graph() -> None:
    org = {"@id": "#org", "name": {"@id": "#org"}, "description": {"@id": "#job"}}
    job = {**GOOD, "@id": "#job", "hiringOrganization": {"@id": "#org"}, "skills": {"@id": "#job"}}
    self_ref = {"@id": "#self", "value": {"@id": "#self"}}
    job2 = {**GOOD, "@id": "#job2", "identifier": {"@id": "#self"}, "title": {"@id": "#job2"}}
    for graph in ([job, org], [job2, self_ref]):
        parsed(lambda g=graph: parse_jsonld({"@graph": g}, "cycle.jsonld"))


HUGE = {
    "5 MB description (refused)": "Python and SQL. " * 330_000,
    "20k bullet lines": "Requirements\n" + "- Python\n" * 20_000,
    "190k-char single line": "x" * 190_000,
    "10k nested tags": "<div>" * 10_000 + "Python" + "</div>" * 10_000,
    "190k-char title": "T" * 190_000,
}


@pytest.mark.parametrize("label", HUGE)
def test_huge_inputs_take_bounded_time(label: str) -> None:
    body = HUGE[label]
    started = time.perf_counter()
    parsed(lambda: parse_text("Data Engineer\n\n" + body, "huge.txt"))
    text_s = time.perf_counter() - started
    started = time.perf_counter()
    parsed(lambda: parse_jsonld({**GOOD, "description": body}, "huge.jsonld"))
    print(f"{label}: text {text_s:.2f}s, JSON-LD {time.perf_counter() - started:.2f}s")
    if len(body) > MAX_CHARS:
        with pytest.raises(PostingFormatError, match="characters"):
            parse_text("Data Engineer\n\n" + body, "huge.txt")

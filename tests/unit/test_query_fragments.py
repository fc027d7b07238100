"""The shared pieces of Cypher are written once (graph/queries/fragments.py) and the statements
built from them are the statements they replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from credmatch.graph.queries import fragments as f
from credmatch.graph.queries import link, match, match_depth, matches, opportunities

QUERIES = Path(__file__).resolve().parents[2] / "src" / "credmatch" / "graph" / "queries"

# Text that only fragments.py may spell out: the cosine -> similarity mapping, the trust
# lookup, the consent digit and the rank-key digits.
ONCE = [
    "(cosine - $floor) / ($full - $floor)",
    "2 * score - 1",
    "'|' + toString(coalesce(c.issuerTrusted",
    "THEN '1' ELSE '0'",
    "1000000000",
    "toString(9999 -",
    "sum(r.weight * value)",
]


@pytest.mark.parametrize("text", ONCE)
def test_shared_rules_are_written_in_one_module(text: str) -> None:
    holders = sorted(p.name for p in QUERIES.glob("*.py") if text in p.read_text())
    assert holders == ["fragments.py"], (text, holders)


def test_the_verified_page_is_the_default_page_over_the_verified_properties() -> None:
    expected = (
        matches.RANKED_PAGE.replace("rankKey", "vrankKey")
        .replace("m.score", "m.vscore")
        .replace("m.met", "m.vmet")
    )
    assert expected == matches.VERIFIED_RANKED_PAGE
    assert matches.RANKED_PAGE.count("m.rankKey") == 10
    assert "m.vrankKey" not in matches.RANKED_PAGE


def test_the_cut_tables_verified_page_is_its_default_page_over_the_verified_properties() -> None:
    expected = (
        match_depth.RANKED_PAGE_TOP.replace("rankKey", "vrankKey")
        .replace("m.score", "m.vscore")
        .replace("m.met", "m.vmet")
        .replace("j.matchesFloor", "j.matchesVFloor")
        .replace("j.matchesShown", "j.matchesVShown")
    )
    assert expected == match_depth.VERIFIED_RANKED_PAGE_TOP
    assert match_depth.RANKED_PAGE_TOP.count("m.rankKey") == 13
    assert "m.vrankKey" not in match_depth.RANKED_PAGE_TOP


def test_rank_keys_differ_only_in_the_values_they_key() -> None:
    assert f.RANK_KEY.replace("score", "vscore").replace("met", "vmet") == f.VRANK_KEY
    # An order key is a rank key of a ranked row, without the consent digit.
    assert f"{f.CONSENT_DIGIT} + " + f.ORDER_KEY.replace("learner", "l.id") == f.RANK_KEY


@pytest.mark.parametrize(
    "statement",
    [
        match.RANK_CANDIDATES,
        matches.BUILD_JOB,
        matches.BUILD_LEARNERS,
        opportunities.DOOR_OPENERS,
    ],
)
def test_every_score_uses_the_one_trust_lookup(statement: str) -> None:
    assert f.TRUST in statement


@pytest.mark.parametrize(
    "statement", [link.LINK_REQUIREMENTS, link.LINK_ACHIEVEMENTS, match.ACHIEVEMENTS_NEAR_TEXT]
)
def test_every_vector_link_calibrates_with_the_one_mapping(statement: str) -> None:
    assert f"{f.COSINE} AS cosine" in statement and f"{f.SIMILARITY} AS similarity" in statement


def test_both_link_directions_share_their_tail() -> None:
    def tail(q: str) -> str:
        return q[q.index("WITH r, a, cosine") :]

    assert tail(link.LINK_REQUIREMENTS) == tail(link.LINK_ACHIEVEMENTS)
    via = "WITH r, a, max(n.score * e.score) AS via"
    assert (
        link.LINK_REQUIREMENTS_VIA_SKILLS[link.LINK_REQUIREMENTS_VIA_SKILLS.index(via) :]
        == link.LINK_ACHIEVEMENTS_VIA_SKILLS[link.LINK_ACHIEVEMENTS_VIA_SKILLS.index(via) :]
    )
    # Conditions are never linked, from either side.
    assert f.MATCHED in link.LINK_ACHIEVEMENTS and f.MATCHED in link.LINK_ACHIEVEMENTS_VIA_SKILLS

"""Evidence about another skill, on the seed graph in a real Neo4j (queries/link.py
_OTHER_SKILL): when a requirement names a taxonomy skill, a credential its issuer aligned only
to other skills (none the named one or narrower, and whose name does not hold the
requirement's words) is held at ``other_skill_similarity``, however close the sentences; a
change of the rule's settings links everything again. The tests leave the seed graph as they
found it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.support.seeded import Seeded, container_of, run

from credmatch.services.linking import link_satisfied

pytestmark = [pytest.mark.neo4j, pytest.mark.model, pytest.mark.slow]

# A text as whole words ("jenkins tools for ..." holds "tools for ..."); X is replaced.
WORDS = "' ' + replace(replace(replace(replace(toLower(X), '(', ' '), ')', ' '), ',', ' '),"
WORDS += " '/', ' ') + ' '"


def holds(outer: str, inner: str) -> str:
    return f"{WORDS.replace('X', outer)} CONTAINS {WORDS.replace('X', inner)}"


# Every link, with whether the rule describes it: r names a skill (NEEDS score >= $namedAt),
# a's issuer aligned it to skills, none a named one or narrower (below it in the hierarchy, or
# its label holding the named label), and a's name does not hold r's text.
LINKS = (
    """
MATCH (r:Requirement)-[s:SATISFIED_BY]->(a:Achievement)
WITH r, a, s, [(r)-[n:NEEDS]->(k:Skill) WHERE n.score >= $namedAt | k] AS named
RETURN r.text AS requirement, a.name AS achievement, s.similarity AS similarity,
       s.otherSkill AS flagged,
       size(named) > 0 AND EXISTS { (a)-[:ALIGNS_TO {source: 'issuer'}]->(:Skill) }
       AND NOT EXISTS {
         MATCH (a)-[:ALIGNS_TO {source: 'issuer'}]->(t:Skill)
         WHERE any(k IN named WHERE k = t OR EXISTS { (t)-[:BROADER*1..4]->(k) } OR """
    + holds("t.label", "k.label")
    + """) }
       AND NOT """
    + holds("coalesce(a.name, '')", "r.text")
    + """ AS other
ORDER BY requirement, achievement
"""
)


def _links(seeded: Seeded) -> list[dict[str, object]]:
    async def body() -> list[dict[str, object]]:
        async with container_of(seeded.settings) as c:
            return await c.store.read(LINKS, {"namedAt": c.settings.named_skill_score})

    result: list[dict[str, object]] = run(body())
    return result


def _similarity(rows: list[dict[str, object]], requirement: str, achievement: str) -> float:
    found = [r for r in rows if (r["requirement"], r["achievement"]) == (requirement, achievement)]
    assert len(found) == 1, (requirement, achievement, found)
    return float(str(found[0]["similarity"]))


def test_evidence_about_another_skill_never_meets_a_named_skill(seeded: Seeded) -> None:
    rows = _links(seeded)
    cap = seeded.settings.other_skill_similarity
    assert cap < seeded.settings.gap_threshold
    other = [r for r in rows if r["other"]]
    assert other, "the seed has no evidence about another skill"
    assert [r for r in other if float(str(r["similarity"])) > cap] == []
    assert all(r["flagged"] for r in other if float(str(r["similarity"])) == cap)
    assert not any(r["flagged"] for r in rows if not r["other"])
    # A broader skill is another skill: the catalog's algorithms course, aligned to "computer
    # programming", does not meet "Python" (named "Python (computer programming)").
    assert _similarity(rows, "Python", "Algorithms and Data Structures") == cap
    # A narrower skill is not: "implement cloud security and compliance" meets the named
    # "cloud security and compliance"; and a course named with the requirement's words is
    # about it whatever its alignments.
    gap = seeded.settings.gap_threshold
    security = _similarity(
        rows, "Cloud security and compliance", "Stratus Certified Security - Specialty"
    )
    assert security >= gap
    assert _similarity(rows, "data visualisation", "Data Visualisation and Storytelling") >= gap


def test_changing_the_rule_links_everything_again(seeded: Seeded) -> None:
    async def body() -> tuple[set[tuple[object, object]], list[float], list[float]]:
        async with container_of(seeded.settings) as c:
            policy = c.link_policy()
            params = {"namedAt": policy.named_skill_score}
            before = await c.store.read(LINKS, params)
            held = {(r["requirement"], r["achievement"]) for r in before if r["flagged"]}
            raised = replace(policy, other_skill_similarity=policy.other_skill_similarity + 0.05)
            try:
                await link_satisfied(c.store, raised)
                during = await c.store.read(LINKS, params)
            finally:
                await link_satisfied(c.store, policy)
                await c.refresh_matches()
            after = await c.store.read(LINKS, params)
            return (
                held,
                [float(r["similarity"]) for r in during if r["flagged"]],
                [float(r["similarity"]) for r in after if r["flagged"]],
            )

    held, during, after = run(body())
    cap = seeded.settings.other_skill_similarity
    assert held
    assert during and during == pytest.approx([cap + 0.05] * len(during))
    assert len(after) == len(held)
    assert set(after) == {cap}


def test_a_skill_below_the_named_one_in_the_hierarchy_is_not_another_skill(
    seeded: Seeded,
) -> None:
    # The seed's ESCO slice has no broader relations; give "computer programming" one up to
    # "Python (computer programming)" for the length of the test, and link "Python" again.
    link = """
    MATCH (t:Skill {label: 'computer programming'}), (k:Skill {label: $named})
    MERGE (t)-[:BROADER]->(k)
    """
    unlink = "MATCH (:Skill {label: 'computer programming'})-[b:BROADER]->() DELETE b"
    relink = "MATCH (r:Requirement {text: 'Python'}) REMOVE r.linkedAt"

    async def body() -> tuple[float, float]:
        async with container_of(seeded.settings) as c:
            await c.store.write(link, {"named": "Python (computer programming)"})
            try:
                await c.store.write(relink)
                await c.relink()
                rows = await c.store.read(LINKS, {"namedAt": c.settings.named_skill_score})
                below = _similarity(rows, "Python", "Algorithms and Data Structures")
            finally:
                await c.store.write(unlink)
                await c.store.write(relink)
                await c.relink()
            rows = await c.store.read(LINKS, {"namedAt": c.settings.named_skill_score})
            return below, _similarity(rows, "Python", "Algorithms and Data Structures")

    below, restored = run(body())
    assert below > seeded.settings.other_skill_similarity
    assert restored == seeded.settings.other_skill_similarity

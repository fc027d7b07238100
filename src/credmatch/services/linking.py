"""Embed what is new in the graph and compute the links ranking traverses.

Requirement -> Achievement (SATISFIED_BY) comes from Neo4j's vector indexes, from whichever
side arrived last; Requirement -> Skill (NEEDS) and Achievement -> Skill (ALIGNS_TO, source
embedding) come from the SkillLinker over the taxonomy held in the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from credmatch.embeddings import Embedder
from credmatch.graph.queries import link as q
from credmatch.graph.store import GraphStore
from credmatch.linking import InMemoryRetriever, SkillDoc, SkillLinker
from credmatch.services.match_table import MatchRefresh
from credmatch.services.postings import requirement_text
from credmatch.services.rows import achievement_text

BATCH = 256
# Raise when the other-skill rule in queries/link.py changes meaning: graphs linked under an
# older rule are linked again on the next pass.
OTHER_SKILL_RULE_VERSION = 2.0


@dataclass(frozen=True)
class LinkPolicy:
    top_k: int = 25  # achievements considered per requirement
    cosine_floor: float = 0.30  # below this cosine an achievement says nothing about a need
    cosine_full: float = 0.65  # at or above this cosine it fully satisfies it
    skills_per_text: int = 3
    skill_min_score: float = 0.5
    min_via_skill: float = 0.6  # a taxonomy path this strong counts as satisfying evidence
    evidence_floor: float = 0.30  # no SATISFIED_BY edge below this similarity (see queries)
    # Evidence about another skill (queries/link.py _OTHER_SKILL): a requirement names a skill
    # its NEEDS link scores at least named_skill_score; an achievement aligned only to other
    # skills is held at other_skill_similarity. Chosen on bench/match_quality.py's tuning part.
    named_skill_score: float = 0.95
    other_skill_similarity: float = 0.3

    def other_skill_rules(self) -> list[float]:
        """What the graph records of the other-skill rule its links were made under: the
        rule's version (raised when queries/link.py changes it) and its two parameters."""
        return [OTHER_SKILL_RULE_VERSION, self.named_skill_score, self.other_skill_similarity]


@dataclass
class LinkSummary:
    embedded: int = 0
    requirements_linked: int = 0
    achievements_linked: int = 0
    skill_links: int = 0
    matches: MatchRefresh = field(default_factory=MatchRefresh)  # filled by Container.relink


async def embed_pending(store: GraphStore, embedder: Embedder) -> int:
    """Give every Achievement, Requirement and Skill without an embedding one."""
    total = 0
    kinds: Sequence[tuple[str, str, Callable[[dict[str, Any]], str]]] = (
        (
            q.PENDING_ACHIEVEMENTS,
            q.SET_ACHIEVEMENT_VECTORS,
            lambda r: achievement_text(r["name"], r["description"]),
        ),
        (
            q.PENDING_REQUIREMENTS,
            q.SET_REQUIREMENT_VECTORS,
            lambda r: requirement_text(r["text"], r["context"], r["parts"]),
        ),
        (
            q.PENDING_SKILLS,
            q.SET_SKILL_VECTORS,
            lambda r: achievement_text(r["label"], r["description"]),
        ),
    )
    for pending, setter, text_of in kinds:
        while found := await store.read(pending, {"limit": BATCH * 4}):
            # A node deleted by a concurrent write while this read ran comes back empty.
            rows = [r for r in found if r["id"] is not None]
            if not rows:
                break
            vectors = embedder.encode([text_of(r) or r["id"] for r in rows])
            await store.write(
                setter,
                {
                    "rows": [
                        {"id": r["id"], "vector": v.tolist()}
                        for r, v in zip(rows, vectors, strict=True)
                    ]
                },
            )
            total += len(rows)
    return total


async def link_satisfied(store: GraphStore, policy: LinkPolicy) -> tuple[int, int]:
    """SATISFIED_BY for requirements and achievements not linked yet."""
    params = {
        "floor": policy.cosine_floor,
        "full": policy.cosine_full,
        "minVia": policy.min_via_skill,
        "evidenceFloor": policy.evidence_floor,
        **_other_skill_params(policy),
    }
    await _apply_evidence_rules(store, policy)
    reqs = await _drain(
        store,
        q.UNLINKED_REQUIREMENTS,
        (q.LINK_REQUIREMENTS, q.LINK_REQUIREMENTS_VIA_SKILLS, q.OTHER_SKILL_OF_REQUIREMENTS),
        q.MARK_REQUIREMENTS_LINKED,
        {**params, "k": policy.top_k},
    )
    achs = await _drain(
        store,
        q.UNLINKED_ACHIEVEMENTS,
        (
            q.LINK_ACHIEVEMENTS,
            q.LINK_ACHIEVEMENTS_VIA_SKILLS,
            q.OTHER_SKILL_OF_ACHIEVEMENTS,
        ),
        q.MARK_ACHIEVEMENTS_LINKED,
        {**params, "k": policy.top_k * 8},
    )
    return reqs, achs


async def _apply_evidence_rules(store: GraphStore, policy: LinkPolicy) -> None:
    """Bring the links in line with the rules in force, once per change of a rule: remove
    what a raised evidence floor no longer allows; make every link again under new
    other-skill rules."""
    rows = await store.read(q.EVIDENCE_RULES_IN_FORCE)
    held = rows[0] if rows else {"floor": None, "otherSkillRules": None}
    if held["floor"] != policy.evidence_floor:
        await store.write(q.PRUNE_WEAK_EVIDENCE, {"evidenceFloor": policy.evidence_floor})
    if held["otherSkillRules"] != policy.other_skill_rules():
        await store.write(q.RELINK_ALL_EVIDENCE, _other_skill_params(policy))


def _other_skill_params(policy: LinkPolicy) -> dict[str, Any]:
    return {
        "namedAt": policy.named_skill_score,
        "otherSkill": policy.other_skill_similarity,
        "otherSkillRules": policy.other_skill_rules(),
    }


async def _drain(
    store: GraphStore, pending: str, links: Sequence[str], mark: str, params: dict[str, Any]
) -> int:
    done = 0
    while rows := await store.read(pending, {"limit": BATCH}):
        ids = [r["id"] for r in rows]
        steps = [(link, {**params, "ids": ids}) for link in links]
        await store.write_all([*steps, (mark, {"ids": ids})])
        done += len(ids)
    return done


async def load_skill_linker(store: GraphStore, embedder: Embedder) -> SkillLinker | None:
    """A SkillLinker over the taxonomy in the graph, or None while it has no skills."""
    docs = [
        SkillDoc(
            uri=r["uri"],
            label=r["label"],
            alt_labels=tuple(r["altLabels"]),
            description=r["description"],
        )
        for r in await store.read(q.ALL_SKILL_DOCS)
    ]
    if not docs:
        return None
    return SkillLinker(embedder, InMemoryRetriever(docs, embedder))


async def link_skills(store: GraphStore, linker: SkillLinker, policy: LinkPolicy) -> int:
    """NEEDS for requirements and embedding ALIGNS_TO for achievements not linked yet.

    A requirement's sub-skills (``parts``) are linked too: "Strong SQL: joins, aggregations"
    needs what "joins" needs, which is how its parts help it match."""
    links = 0
    jobs: Sequence[tuple[str, str, Callable[[dict[str, Any]], list[str]]]] = (
        (
            q.UNNEEDED_REQUIREMENTS,
            q.SET_NEEDS,
            lambda r: [str(r["text"]), *r.get("parts", ())],
        ),
        (
            q.UNALIGNED_ACHIEVEMENTS,
            q.SET_EMBEDDING_ALIGNMENTS,
            lambda r: [achievement_text(r["name"], r["description"])],
        ),
    )
    for pending, setter, texts_of in jobs:
        while rows := await store.read(pending, {"limit": BATCH}):
            texts = [texts_of(r) for r in rows]
            flat = linker.link([t for group in texts for t in group], top_k=policy.skills_per_text)
            payload, at = [], 0
            for r, group in zip(rows, texts, strict=True):
                found = best_skills(flat[at : at + len(group)], policy.skill_min_score)
                at += len(group)
                payload.append({"id": r["id"], "skills": found})
            links += sum(len(p["skills"]) for p in payload)
            await store.write(setter, {"rows": payload})
    return links


def best_skills(groups: Sequence[Sequence[Any]], min_score: float) -> list[dict[str, Any]]:
    """Skill links of one text and its parts: each skill once, at its best score."""
    best: dict[str, float] = {}
    for found in groups:
        for m in found:
            if m.score >= min_score and m.score > best.get(m.uri, -1.0):
                best[m.uri] = m.score
    return [{"uri": uri, "score": score} for uri, score in best.items()]


async def link_all(
    store: GraphStore, embedder: Embedder, policy: LinkPolicy, linker: SkillLinker | None
) -> LinkSummary:
    summary = LinkSummary(embedded=await embed_pending(store, embedder))
    # Skills first: SATISFIED_BY also follows requirement -> skill <- achievement paths.
    if linker is not None:
        summary.skill_links = await link_skills(store, linker, policy)
    summary.requirements_linked, summary.achievements_linked = await link_satisfied(store, policy)
    return summary

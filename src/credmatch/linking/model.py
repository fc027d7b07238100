"""Plain values the linker reads and returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SkillDoc:
    """What the linker knows about one taxonomy skill."""

    uri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class SkillMatch:
    """One skill linked to a text; ``score`` is in [0, 1], higher is better."""

    uri: str
    label: str
    score: float


def skill_views(doc: SkillDoc, with_description: bool = True) -> list[str]:
    """The texts embedded for a skill, label first: label, each alt label, label + description.

    The Neo4j store embeds exactly these strings (one vector per view) so that dense retrieval
    there max-pools over the same vectors as the in-memory retriever.
    """
    views = [doc.label]
    seen = {doc.label.casefold()}
    for alt in doc.alt_labels:
        key = alt.casefold()
        if alt.strip() and key not in seen:
            seen.add(key)
            views.append(alt)
    if with_description and doc.description.strip():
        views.append(f"{doc.label}: {doc.description}")
    return views

"""What a parsed posting writes to the graph: kinds, parts and the text that is embedded."""

from __future__ import annotations

from credmatch.linking.model import SkillMatch
from credmatch.postings import parse_text
from credmatch.services.linking import best_skills
from credmatch.services.postings import posting_rows, requirement_text

SOC = (
    "# SOC Analyst\n\n## Must have\n- Knowledge of networking and firewalls\n"
    "- Willing to work a rotating shift pattern\n## What you'll do\n- Triage SIEM alerts\n"
)


def test_rows_carry_kind_category_and_parts() -> None:
    _, rows = posting_rows(parse_text(SOC, "soc.md"), "job-1")
    assert [(r["kind"], r["required"], r["weight"], r["parts"]) for r in rows] == [
        ("skill", True, 1.0, ["networking", "firewalls"]),
        ("condition", False, 0.0, []),
        ("duty", False, 0.5, []),
    ]
    assert [r["category"] for r in rows] == ["skill", "condition", "duty"]


def test_embedded_text_adds_only_the_parts_the_statement_does_not_spell_out() -> None:
    text = "Knowledge of networking and firewalls"
    assert requirement_text(text, text, ("networking", "firewalls")) == text
    assert requirement_text(text, text, ("networking", "network security")) == (
        f"{text} (network security)"
    )
    assert requirement_text("Dutch", "Dutch is a plus") == "Dutch (Dutch is a plus)"


def test_a_statement_and_its_parts_need_each_skill_once_at_its_best_score() -> None:
    whole = [SkillMatch("esco:sql", "SQL", 0.7), SkillMatch("esco:db", "databases", 0.4)]
    part = [SkillMatch("esco:sql", "SQL", 0.9), SkillMatch("esco:win", "window functions", 0.6)]
    assert best_skills([whole, part], min_score=0.5) == [
        {"uri": "esco:sql", "score": 0.9},
        {"uri": "esco:win", "score": 0.6},
    ]

"""Match events: a learner's score for a posting moved across a threshold.

The match-table refresh compares each affected (learner, posting) row before and after it
rebuilds it (``services/match_table.py``) and hands the changed rows on as
:class:`ScoreChange`; each listener (a subscription, a webhook) applies its own threshold with
:func:`crossing`. Scores are compared rounded to 9 digits, as the rankings compare them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EventType = Literal["MATCHED", "UNMATCHED"]
MATCHED: EventType = "MATCHED"
UNMATCHED: EventType = "UNMATCHED"
DIGITS = 9


@dataclass(frozen=True)
class ScoreChange:
    """One row of the match table that changed; ``None``: no row (no counted evidence)."""

    job_id: str
    learner_id: str
    old: float | None
    new: float | None


def crossing(change: ScoreChange, threshold: float) -> EventType | None:
    """MATCHED when the score reaches ``threshold`` from below (or from no row), UNMATCHED
    when it drops below it (or the row goes), None otherwise."""
    before = change.old is not None and change.old >= threshold
    after = change.new is not None and change.new >= threshold
    if after and not before:
        return MATCHED
    if before and not after:
        return UNMATCHED
    return None


def score_changes(
    before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
) -> list[ScoreChange]:
    """The rows whose score differs; keys are (job id, learner id)."""
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = _rounded(before.get(key)), _rounded(after.get(key))
        if old != new:
            changes.append(ScoreChange(key[0], key[1], old, new))
    return changes


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(float(score), DIGITS)

"""Match events: which score changes cross a threshold."""

from __future__ import annotations

import pytest

from credmatch.domain.events import MATCHED, UNMATCHED, ScoreChange, crossing, score_changes


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, 0.6, MATCHED),  # a new row at or above
        (0.4, 0.5, MATCHED),  # exactly the threshold counts (as minScore does in candidates)
        (0.5, 0.49, UNMATCHED),
        (0.7, None, UNMATCHED),  # the row went (evidence expired, erased, posting changed)
        (0.6, 0.9, None),  # above throughout
        (0.1, 0.3, None),  # below throughout
        (None, 0.2, None),
    ],
)
def test_crossing(old: float | None, new: float | None, expected: str | None) -> None:
    assert crossing(ScoreChange("j", "l", old, new), 0.5) == expected


def test_score_changes_are_the_rows_that_differ_rounded_to_nine_digits() -> None:
    before = {("j", "a"): 0.4, ("j", "b"): 0.7, ("j", "c"): 0.3, ("k", "a"): 0.5}
    after = {("j", "a"): 0.6, ("j", "c"): 0.3 + 1e-12, ("k", "a"): 0.5, ("k", "d"): 0.8}
    assert score_changes(before, after) == [
        ScoreChange("j", "a", 0.4, 0.6),
        ScoreChange("j", "b", 0.7, None),
        ScoreChange("k", "d", None, 0.8),
    ]

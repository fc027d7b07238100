"""Progress of long CLI steps when output is not a terminal: periodic log lines."""

import logging

import pytest

from credmatch.cli.progress import ProgressLog, progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_interval_with_counts_and_rate() -> None:
    clock, lines = Clock(), []
    log = ProgressLog("embedding", interval_s=5.0, clock=clock, write=lines.append)
    log.expect(1000)
    clock.now += 2.0
    log.advance(100)
    assert lines == []  # under the interval: quiet
    clock.now += 3.0
    log(150)
    assert lines == ["embedding: 250/1,000 (25 %), 50.0/s, 5 s"]
    clock.now += 1.0
    log.advance(10)
    assert len(lines) == 1
    log.expect(500)
    clock.now += 4.0
    log.advance(240)
    assert lines[-1] == "embedding: 500/1,500 (33 %), 50.0/s, 10 s"
    log.finish()
    assert lines[-1] == "embedding: 500/1,500 (33 %), 50.0/s, 10 s, done"


def test_without_a_known_total_it_logs_counts_and_rate() -> None:
    clock, lines = Clock(), []
    log = ProgressLog("importing", interval_s=1.0, clock=clock, write=lines.append)
    clock.now += 4.0
    log.advance(2000)
    assert lines == ["importing: 2,000, 500.0/s, 4 s"]


def test_nothing_done_logs_nothing_at_the_end() -> None:
    lines: list[str] = []
    ProgressLog("embedding", write=lines.append).finish()
    assert lines == []


def test_redirected_output_gets_log_lines_not_a_bar(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    with caplog.at_level(logging.INFO, logger="credmatch.progress"), progress("embedding") as p:
        assert isinstance(p, ProgressLog)
        p.expect(3)
        p(3)
    assert [r.getMessage() for r in caplog.records][-1].startswith("embedding: 3/3 (100 %)")
    assert caplog.records[-1].getMessage().endswith(", done")

"""Progress of long steps: a bar on a terminal, a log line every few seconds otherwise.

A reporter is called with the number of units just done (``advance(n)``, or ``reporter(n)``)
and told about work as it becomes known (``expect(n)``), because an embedding pass learns how
many texts it has to encode only when it reaches them.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

log = logging.getLogger("credmatch.progress")


class Reporter(Protocol):
    def __call__(self, n: int) -> None: ...

    def advance(self, n: int) -> None: ...

    def expect(self, n: int) -> None: ...


class ProgressLog:
    """Logs ``label: done/total (pct), rate/s`` at most every ``interval_s``, and at the end."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        interval_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        write: Callable[[str], None] = log.info,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.interval_s = interval_s
        self._clock = clock
        self._write = write
        self._start = clock()
        self._last = self._start

    def __call__(self, n: int) -> None:
        self.advance(n)

    def expect(self, n: int) -> None:
        self.total = (self.total or 0) + n

    def advance(self, n: int) -> None:
        self.done += n
        now = self._clock()
        if now - self._last >= self.interval_s:
            self._last = now
            self._write(self.line(now))

    def finish(self) -> None:
        if self.done:
            self._write(self.line(self._clock()) + ", done")

    def line(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-9)
        count = f"{self.done:,}"
        if self.total:
            count += f"/{self.total:,} ({100 * self.done / self.total:.0f} %)"
        return f"{self.label}: {count}, {self.done / elapsed:,.1f}/s, {elapsed:.0f} s"


class _Bar:
    def __init__(self, bar: object, task: object) -> None:
        self._bar = bar
        self._task = task

    def __call__(self, n: int) -> None:
        self.advance(n)

    def advance(self, n: int) -> None:
        self._bar.advance(self._task, n)  # type: ignore[attr-defined]

    def expect(self, n: int) -> None:
        task = self._bar.tasks[self._task]  # type: ignore[attr-defined]
        self._bar.update(self._task, total=(task.total or 0) + n)  # type: ignore[attr-defined]


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Reporter]:
    """A bar when stderr is a terminal; log lines every few seconds when it is not."""
    if not sys.stderr.isatty():
        reporter = ProgressLog(label, total)
        yield reporter
        reporter.finish()
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))

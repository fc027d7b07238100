"""Verify many credentials on every core: records go to worker processes, reports come back in
the order ``Verifier.verify_file`` would give them.

Checking a credential is CPU-bound Python, so one process uses one core. ``verify_files``
reads the files in the calling process and sends their records in chunks to a process pool,
keeping a bounded number of chunks in flight (memory stays flat however many files there
are). Each worker builds its own ``Verifier`` from the caller's ``VerifyOptions``.

Failures keep the contract of the in-process run:

- A record whose check raises an exception is checked again in the calling process, so the
  exception (a bug) surfaces there, after the reports of the records before it, exactly as
  in an in-process run.
- A worker that dies (killed, out of memory, a crash in native code) breaks the pool. The
  records of the chunk at the head of the queue are then checked one at a time in a fresh
  pool, and a record that kills its worker again gets a failed ``format`` report saying so;
  the other chunks in flight are sent again. Nothing else in the batch is lost.
- Workers exit when the calling process is gone, even if it was killed without a chance to
  shut the pool down.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from multiprocessing.connection import wait
from pathlib import Path

from credmatch.credentials.model import Check, Report
from credmatch.credentials.verify import TextRecord, Verifier, VerifyOptions, read_records

Record = TextRecord | Report
Outcomes = list[list[Report] | None]  # per record: its reports, or None when checking raised

AUTO_MIN_RECORDS = 1000
"""With ``workers=None``, fewer records than this are verified in-process: starting workers
and warming their caches (about 0.4 s on 2 busy cores) costs more than it saves."""
CHUNK_RECORDS = 16
"""Records per task sent to a worker (amortises the inter-process round trip)."""
CHUNKS_IN_FLIGHT_PER_WORKER = 4
"""Tasks queued per worker: enough to keep it busy while the caller consumes reports."""

_verifier: Verifier | None = None  # in a worker process


def available_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def verify_files(
    verifier: Verifier, files: Iterable[Path], workers: int | None = 1
) -> Iterator[Report]:
    """The reports of ``verifier.verify_file`` for each file, in order.

    ``workers``: processes to verify in; 1 verifies in this process, None picks one per core
    when there are at least AUTO_MIN_RECORDS records, else 1. Fetching documents over the
    network always runs in this process, so that one process writes the fetch cache.
    """
    records: Iterator[Record] = (r for path in files for r in read_records(Path(path)))
    if verifier.options.documents.fetch_enabled:
        workers = 1
    elif workers is None:
        head = list(islice(records, AUTO_MIN_RECORDS))
        workers = available_cores() if len(head) >= AUTO_MIN_RECORDS else 1
        records = chain(head, records)
    if workers <= 1:
        for record in records:
            yield from verifier.verify_record(record)
        return
    yield from _PoolRun(verifier, workers).reports(records)


def crash_report(source: str, reason: str) -> Report:
    """The failed report of a record whose verification killed its worker process."""
    detail = (
        f"not checked: verifying this record crashed its worker process ({reason}); "
        "the other records were checked"
    )
    return Report(source, None, False, (Check("format", False, detail, "format"),), None)


class _PoolRun:
    def __init__(self, verifier: Verifier, workers: int) -> None:
        self._verifier = verifier
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def reports(self, records: Iterator[Record]) -> Iterator[Report]:
        chunks = _chunks(records, CHUNK_RECORDS)
        window = self._workers * CHUNKS_IN_FLIGHT_PER_WORKER
        pending: deque[tuple[list[Record], Future[Outcomes]]] = deque()
        try:
            self._start()
            for chunk in islice(chunks, window):
                pending.append((chunk, self._submit(chunk)))
            while pending:
                chunk, future = pending.popleft()
                try:
                    outcomes = future.result()
                except (BrokenProcessPool, CancelledError):
                    outcomes = self._isolate(chunk)
                    pending = deque((c, self._resubmit(c, f)) for c, f in pending)
                for n, record in enumerate(chunk):
                    outcome = outcomes[n] if n < len(outcomes) else None
                    if outcome is None:  # it raised in the worker: raise it here, in order
                        yield from self._verifier.verify_record(record)
                    else:
                        yield from outcome
                for next_chunk in islice(chunks, 1):
                    pending.append((next_chunk, self._submit(next_chunk)))
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    def _start(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        methods = multiprocessing.get_all_start_methods()
        # forkserver/spawn: no fork of a process that may run threads (progress bar, driver).
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self._pool = ProcessPoolExecutor(
            self._workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self._verifier.options,),
        )

    def _submit(self, chunk: list[Record]) -> Future[Outcomes]:
        assert self._pool is not None
        try:
            return self._pool.submit(_verify_chunk, chunk)
        except BrokenProcessPool:  # it broke since the last result; failed futures are redone
            self._start()
            return self._pool.submit(_verify_chunk, chunk)

    def _resubmit(self, chunk: list[Record], future: Future[Outcomes]) -> Future[Outcomes]:
        if future.done() and not future.cancelled() and future.exception() is None:
            return future  # finished before the pool broke
        return self._submit(chunk)

    def _isolate(self, chunk: list[Record]) -> Outcomes:
        """The chunk's outcomes, one record per task in a fresh pool; crashes are reported."""
        self._start()
        outcomes: Outcomes = []
        for record in chunk:
            try:
                outcomes.extend(self._submit([record]).result())
            except (BrokenProcessPool, CancelledError) as e:
                reason = str(e) or type(e).__name__
                outcomes.append([crash_report(record.source, reason)])
                self._start()
        return outcomes


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    while chunk := list(islice(records, size)):
        yield chunk


def _init_worker(options: VerifyOptions) -> None:
    global _verifier
    # Ctrl-C goes to the whole process group; the calling process alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    _verifier = Verifier(options)


def _exit_with(parent_sentinel: int) -> None:
    # A worker waits for tasks forever, so one whose caller was killed (SIGKILL, OOM) would
    # outlive it; the sentinel becomes ready when the calling process is gone.
    wait([parent_sentinel])
    os._exit(0)


def _verify_chunk(chunk: list[Record]) -> Outcomes:
    """Reports per record; None for a record whose check raised."""
    assert _verifier is not None
    outcomes: Outcomes = []
    for record in chunk:
        try:
            outcomes.append(_verifier.verify_record(record))
        except Exception:
            outcomes.append(None)
    return outcomes

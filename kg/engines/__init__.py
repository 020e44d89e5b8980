"""Extraction engines: where the per-paper extraction runs.

An engine takes batches of :class:`~kg.records.Paper` and yields, batch by
batch and in the same order, one outcome per paper: its
:class:`~kg.records.PaperExtraction`, or a :class:`~kg.failures.PaperFailure`
when extracting that paper raised (the rest of the batch is unaffected).
Engines never touch the output folder; :mod:`kg.pipeline` does. Three engines:

- ``serial``: this process (``workers=1``);
- ``processes``: a stdlib process pool of ``workers`` processes, each building
  the pipeline once and returning plain records (FINDINGS.md: faster than
  ``nlp.pipe(n_process=...)``, which pickles Docs back);
- ``dask``: partitions on a Dask cluster (:mod:`kg.engines.dask_engine`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol

from kg.failures import PaperFailure
from kg.records import Paper, PaperExtraction

log = logging.getLogger(__name__)

#: What an engine yields per paper: its extraction, or why it failed.
Outcome = PaperExtraction | PaperFailure
#: The unit of work every engine ships: a batch of papers in, one outcome per paper out, in order.
Task = Callable[[list[Paper]], list[Outcome]]
#: The component named on a paper whose worker process died while extracting it alone.
WORKER_DIED = "worker process"


class Engine(Protocol):
    """Anything that turns batches of papers into batches of outcomes, in order."""

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[Outcome]]: ...

    def close(self) -> None: ...


def extract_batch(papers: list[Paper]) -> list[Outcome]:
    """Extract one batch in this process; the unit of work every engine ships.

    An exception while extracting one paper is caught for that paper alone:
    it comes back as a :class:`~kg.failures.PaperFailure` in the paper's
    place (naming the pipe that raised), and the batch goes on. Lives at
    module level so process pools and Dask workers can import it by name; the
    spaCy pipeline is built once per process by :mod:`kg.extract`.
    """
    from kg.extract import EXTRACTOR_VERSION, load_pipeline
    from kg.extract.pipeline import run

    failures: dict[int, PaperFailure] = {}

    def failed(paper: Paper, component: str, error: Exception) -> None:
        log.warning("paper %s (%s:%s) failed in %s: %s", paper.id, paper.source, paper.position, component, error)
        failures[id(paper)] = PaperFailure.from_exception(paper, component, error)

    extracted = {
        id(record.paper): record
        for record in run(
            papers, extractor=EXTRACTOR_VERSION, batch_size=max(1, len(papers)), nlp=load_pipeline(),
            on_error=failed,
        )
    }
    return [extracted.get(id(paper)) or failures[id(paper)] for paper in papers]


class SerialEngine:
    """Extract in the calling process."""

    def __init__(self, task: Task = extract_batch) -> None:
        self.task = task

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[Outcome]]:
        for batch in batches:
            yield self.task(batch)

    def close(self) -> None:
        return None


class ProcessEngine:
    """Extract in a pool of worker processes, keeping at most ``2 * workers`` batches in flight.

    Workers ignore Ctrl-C (the build stops them in order) and exit on their
    own when the build process is gone (:func:`kg.engines.workers.watch_parent`),
    so a killed build leaves no process behind. A worker that dies (a crash in
    native code, the kernel's OOM killer) breaks the pool: the pool is started
    again and each batch that was in flight is run again one paper at a time,
    so only the paper that kills its worker is recorded as failed (component
    :data:`WORKER_DIED`).
    """

    def __init__(self, workers: int, task: Task = extract_batch) -> None:
        self.workers = workers
        self.task = task
        self._generation = 0
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing
        import os

        from kg.engines.workers import init_worker

        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
        )

    def _restart(self, generation: int) -> None:
        """Replace the pool, unless it was already replaced since ``generation``."""
        if generation != self._generation:
            return
        log.warning("an extraction worker process died; starting the pool again")
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._start()
        self._generation += 1

    def _collect(self, batch: list[Paper], future: Future[list[Outcome]], generation: int) -> list[Outcome]:
        """Wait for one batch; if its worker died, run the batch again one paper at a time."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            self._restart(generation)
        outcomes: list[Outcome] = []
        for paper in batch:
            generation = self._generation
            try:
                outcomes.extend(self._pool.submit(self.task, [paper]).result())
            except BrokenProcessPool as error:
                self._restart(generation)
                outcomes.append(PaperFailure.from_exception(paper, WORKER_DIED, error))
        return outcomes

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[Outcome]]:
        from collections import deque

        pending: deque = deque()
        for batch in batches:
            pending.append((batch, self._pool.submit(self.task, batch), self._generation))
            if len(pending) >= 2 * self.workers:
                yield self._collect(*pending.popleft())
        while pending:
            yield self._collect(*pending.popleft())

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_engine(name: str = "local", *, workers: int = 1, scheduler: str | None = None) -> Engine:
    """Return the engine called ``name`` (``local`` or ``dask``).

    Args:
        name: ``"local"`` (serial for one worker, a process pool otherwise) or ``"dask"``.
        workers: processes (local) or workers of a new ``LocalCluster`` (dask).
        scheduler: address of an existing Dask scheduler (dask only).

    Raises:
        KGError: an unknown engine, or Dask not installed.
    """
    from kg.errors import KGError

    if name == "local":
        if workers < 1:
            raise KGError(f"--workers must be at least 1, got {workers}")
        return SerialEngine() if workers == 1 else ProcessEngine(workers)
    if name == "dask":
        from kg.engines.dask_engine import DaskEngine

        return DaskEngine(workers=max(1, workers), scheduler=scheduler)
    raise KGError(f"unknown engine {name!r}: choose 'local' or 'dask'")

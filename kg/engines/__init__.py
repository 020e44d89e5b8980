"""Extraction engines: where the per-paper extraction runs.

An engine takes batches of :class:`~kg.records.Paper` and yields, batch by
batch and in the same order, their :class:`~kg.records.PaperExtraction`.
Engines never touch the output folder; :mod:`kg.pipeline` does. Three engines:

- ``serial``: this process (``workers=1``);
- ``processes``: a stdlib process pool of ``workers`` processes, each building
  the pipeline once and returning plain records (FINDINGS.md: faster than
  ``nlp.pipe(n_process=...)``, which pickles Docs back);
- ``dask``: partitions on a Dask cluster (:mod:`kg.engines.dask_engine`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from kg.records import Paper, PaperExtraction


class Engine(Protocol):
    """Anything that turns batches of papers into batches of extractions, in order."""

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[PaperExtraction]]: ...

    def close(self) -> None: ...


def extract_batch(papers: list[Paper]) -> list[PaperExtraction]:
    """Extract one batch in this process; the unit of work every engine ships.

    Lives at module level so process pools and Dask workers can import it by
    name; the spaCy pipeline is built once per process by :mod:`kg.extract`.
    """
    from kg.extract import extract_papers

    return list(extract_papers(papers, batch_size=max(1, len(papers))))


class SerialEngine:
    """Extract in the calling process."""

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[PaperExtraction]]:
        for batch in batches:
            yield extract_batch(batch)

    def close(self) -> None:
        return None


class ProcessEngine:
    """Extract in a pool of worker processes, keeping at most ``2 * workers`` batches in flight."""

    def __init__(self, workers: int) -> None:
        import concurrent.futures
        import multiprocessing

        self.workers = workers
        context = multiprocessing.get_context("spawn")
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[PaperExtraction]]:
        from collections import deque

        pending: deque = deque()
        for batch in batches:
            pending.append(self._pool.submit(extract_batch, batch))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

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

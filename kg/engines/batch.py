"""The unit of work every extraction engine ships: one batch of papers in, one outcome per paper out.

Kept apart from the engines themselves so that each engine (the local pools
in :mod:`kg.engines`, Dask in :mod:`kg.engines.dask_engine`) imports it from
below, and workers import :func:`extract_batch` by name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kg.failures import PaperFailure
from kg.records import Paper, PaperExtraction

log = logging.getLogger("kg.engines")

#: What an engine yields per paper: its extraction, or why it failed.
Outcome = PaperExtraction | PaperFailure
#: The unit of work every engine ships: a batch of papers in, one outcome per paper out, in order.
Task = Callable[[list[Paper]], list[Outcome]]
#: The component named on a paper whose worker process died while extracting it alone.
WORKER_DIED = "worker process"


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

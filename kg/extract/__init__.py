"""The extractor: a spaCy pipeline that finds methods, models, datasets, tasks and links.

``extract_papers`` turns :class:`kg.records.Paper` records into
:class:`kg.records.PaperExtraction` records, exactly as
``spec/ANNOTATION.md`` defines them. spaCy is imported lazily (inside the
functions, through :mod:`kg.extract.pipeline`), never when this package is
imported, because spaCy-free code imports :mod:`kg.extract.abbreviations` and
:mod:`kg.extract.wordlists`. It imports nothing from the layers above (the API,
the build pipeline, the package root).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg.records import Paper, PaperExtraction
from kg.version import __version__

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["EXTRACTOR_VERSION", "extract_paper", "extract_papers", "load_pipeline"]


EXTRACTOR_VERSION = f"kg-extract/{__version__}"
"""Name and version of the extractor; recorded on every extraction as provenance."""


def load_pipeline(*, config: Path | None = None) -> Language:
    """Return the extraction pipeline (built once per process).

    Args:
        config: a spaCy config file; by default the pipeline named by
            :func:`kg.extract.pipelines.pipeline_config` (the learned one
            unless ``KG_PIPELINE=fast``).
    """
    from kg.extract.pipeline import load_pipeline as _load
    from kg.extract.pipelines import pipeline_config

    return _load(config=config or pipeline_config())


def extract_papers(
    papers: Iterable[Paper], *, batch_size: int = 64, config: Path | None = None
) -> Iterator[PaperExtraction]:
    """Extract entities and links from papers, lazily, in batches through ``nlp.pipe``.

    Args:
        papers: the papers (title + abstract) to process; consumed lazily.
        batch_size: how many papers spaCy processes per batch.
        config: another pipeline config (default: the bundled one).

    Yields:
        One :class:`PaperExtraction` per paper, in input order, with
        ``extractor`` set to :data:`EXTRACTOR_VERSION`. The paper's own
        metadata links are included with origin ``"metadata"``.
    """
    from kg.extract.pipeline import run

    nlp = load_pipeline(config=config)
    yield from run(papers, extractor=EXTRACTOR_VERSION, batch_size=batch_size, nlp=nlp)


def extract_paper(paper: Paper) -> PaperExtraction:
    """Extract one paper (see :func:`extract_papers`)."""
    return next(extract_papers([paper], batch_size=1))

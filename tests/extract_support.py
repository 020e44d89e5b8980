"""Helpers shared by the extraction rule tests: the tiny fixture lexicon and one-paper runs.

The ``nlp`` fixture that builds the pipeline over this lexicon lives in
``conftest.py``; these are plain functions so test modules can import them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.extract import EXTRACTOR_VERSION
from kg.records import Paper, PaperExtraction

if TYPE_CHECKING:
    from spacy.language import Language

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
#: Config override that swaps the bundled lexicons for the invented ones in tests/fixtures/extract.
LEXICON_OVERRIDE = {"components.kg_lexicon.entries.path": str(FIXTURES / "lexicons")}


def extract(nlp: Language, abstract: str, title: str = "") -> PaperExtraction:
    """Run ``nlp`` over one paper made of ``title`` and ``abstract``."""
    from kg.extract.pipeline import run

    return next(run([Paper(id="t", title=title, abstract=abstract)], extractor=EXTRACTOR_VERSION, nlp=nlp))


def found(x: PaperExtraction) -> dict[str, tuple[str, str]]:
    """Return name -> (type, role) for the entities of one extraction."""
    return {e.name: (e.type, e.role) for e in x.entities}

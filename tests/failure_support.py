"""A pipe that raises on purpose, and engine tasks that use it, for the failure-capture tests.

Module-level functions so a spawned pool worker can import them by name: the
worker adds the pipe to its own copy of the default pipeline.
"""

from __future__ import annotations

import os

from spacy.language import Language

from kg.engines import Outcome, extract_batch
from kg.records import Paper

BOMB = "kg_test_bomb"
#: A paper whose text holds this word makes the bomb pipe raise.
TRIGGER = "Zyxwvutron"
#: A paper whose title holds this word makes the whole worker process die.
CRASH = "Qwertycrash"


@Language.component(BOMB)
def bomb(doc):  # type: ignore[no-untyped-def]
    """Raise on papers that mention :data:`TRIGGER`, like a component bug on odd text would."""
    if TRIGGER in doc.text:
        raise ValueError("an invented bug for testing")
    return doc


def install() -> None:
    """Add the bomb pipe to this process's default pipeline (once)."""
    from kg.extract import load_pipeline

    nlp = load_pipeline()
    if BOMB not in nlp.pipe_names:
        nlp.add_pipe(BOMB)


def remove() -> None:
    """Take the bomb pipe out of this process's default pipeline again."""
    from kg.extract import load_pipeline

    nlp = load_pipeline()
    if BOMB in nlp.pipe_names:
        nlp.remove_pipe(BOMB)


def extract_with_bomb(papers: list[Paper]) -> list[Outcome]:
    """The engines' task with the bomb installed in this worker."""
    install()
    return extract_batch(papers)


def crash_or_extract(papers: list[Paper]) -> list[Outcome]:
    """Kill this worker process outright if a paper says so (a native crash, an OOM kill)."""
    if any(CRASH in paper.title for paper in papers):
        os._exit(7)
    return extract_batch(papers)

"""Shared pytest set-up: opt-in slow tests, the extraction pipeline over the fixture lexicon."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

# The rule tables and everything downstream of extraction were written for the rules-only
# pipeline; they keep running it (``KG_PIPELINE`` reaches subprocesses too). The learned
# pipeline, the default for users, is tested explicitly in tests/test_learned.py.
os.environ.setdefault("KG_PIPELINE", "fast")

if TYPE_CHECKING:
    from spacy.language import Language


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The default pipeline with the invented fixture lexicon (spaCy loads only for tests that ask)."""
    from extract_support import LEXICON_OVERRIDE

    from kg.extract.pipeline import build_pipeline

    return build_pipeline(overrides=LEXICON_OVERRIDE)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session: playwright's sync API allows one running loop."""
    from browser_support import chromium_missing_reason, launch_chromium

    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    with launch_chromium() as chromium:
        yield chromium

"""Reader for the Hugging Face daily-papers JSON (``/api/daily_papers``).

The API returns a list of entries, each with a ``paper`` object: ``id`` (the
arXiv id), ``title``, ``summary`` (the abstract), ``authors`` (``[{name}]``),
``publishedAt``, and the links the authors registered, ``githubRepo`` and
``projectPage``. Those two become :class:`kg.records.Link` records with
``origin="metadata"`` (the abstract text need not mention them). Bare paper
objects (without the ``paper`` wrapper), JSON Lines of either, are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.records import Paper
from kg.sources.base import Item, json_object, make_paper, metadata_link, split_names
from kg.sources.jsonstream import read_json_any

FORMAT = "hf-daily"


def paper_from_hf(record: Any, *, path: Path, position: int) -> Paper:
    """Build a :class:`Paper` from one daily-papers entry (or a bare paper object).

    Raises:
        InputError: not an object, or no title or abstract.
    """
    record = json_object(record, path=path, position=position)
    wrapped = record.get("paper")
    paper: dict[str, Any] = wrapped if isinstance(wrapped, dict) else record
    title = paper.get("title") or record.get("title")
    abstract = paper.get("summary") or paper.get("abstract") or record.get("summary")
    raw_id = paper.get("id")
    return make_paper(
        path=path,
        position=position,
        title=title,
        abstract=abstract,
        arxiv_id=raw_id if isinstance(raw_id, str) else None,
        authors=split_names(paper.get("authors")),
        date=paper.get("publishedAt") or record.get("publishedAt"),
        links=[metadata_link(paper.get("githubRepo")), metadata_link(paper.get("projectPage"))],
        record="entry",
    )


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a daily-papers JSON file, and an error for each bad entry."""
    yield from read_json_any(path, paper_from_hf)

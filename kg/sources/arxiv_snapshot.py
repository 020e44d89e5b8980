"""Reader for the arXiv bulk metadata snapshot (Kaggle's ``arxiv-metadata-oai-snapshot.json``).

One JSON object a line with ``id``, ``title``, ``abstract``, ``authors`` (a
string), ``authors_parsed`` (``[last, first, suffix]`` lists), ``categories``
(space separated) and ``update_date``. Titles and abstracts are hard-wrapped
in the snapshot; their whitespace is collapsed. The full snapshot is several
GB, so it is read line by line (``.gz`` works too).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.normalize import collapse_whitespace
from kg.records import Paper
from kg.sources.base import Item, json_object, make_paper, split_names, split_terms
from kg.sources.jsonstream import read_json_any

FORMAT = "arxiv-snapshot"


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts and all(isinstance(p, str) for p in parts):
                last, first, suffix = (list(parts) + ["", ""])[:3]
                name = collapse_whitespace(" ".join(p for p in (first, last, suffix) if p))
                if name:
                    names.append(name)
        if names:
            return tuple(names)
    return split_names(record.get("authors"))


def paper_from_snapshot(record: Any, *, path: Path, position: int) -> Paper:
    """Build a :class:`Paper` from one snapshot record.

    Raises:
        InputError: not an object, or no title or abstract.
    """
    record = json_object(record, path=path, position=position)
    raw_id = record.get("id")
    return make_paper(
        path=path,
        position=position,
        title=record.get("title"),
        abstract=record.get("abstract"),
        arxiv_id=str(raw_id) if isinstance(raw_id, (str, float)) else None,
        doi=record.get("doi") if isinstance(record.get("doi"), str) else None,
        authors=_authors(record),
        date=record.get("update_date"),
        categories=split_terms(record.get("categories")),
        record="line",
    )


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a snapshot file, and an error for each bad line."""
    yield from read_json_any(path, paper_from_snapshot)


"""Reader for a JSON document holding paper objects, parsed incrementally.

Accepts a top-level array of objects, an API page whose ``results`` (or
``data``/``papers``/``items``) member is that array, or a single object. Keys
are mapped by :mod:`kg.sources.mapping`. A record without title or abstract
is skipped; a syntax error ends the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.sources.base import Item
from kg.sources.jsonstream import iter_json_document, map_records
from kg.sources.mapping import paper_from_mapping

FORMAT = "json"


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a JSON document, and an error for each bad record."""
    yield from map_records(iter_json_document(path), paper_from_mapping, path=path)

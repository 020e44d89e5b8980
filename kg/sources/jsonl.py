"""Reader for JSON Lines: one paper object per line, generic key names.

Keys are mapped by :mod:`kg.sources.mapping` (``title``, ``abstract`` or
``summary``, ``authors``, ``date``/``published``/``year``, ...). A malformed
line or a line without title or abstract is one skipped record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.sources.base import Item
from kg.sources.jsonstream import iter_json_lines, map_records
from kg.sources.mapping import paper_from_mapping

FORMAT = "jsonl"


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a JSON Lines file, and an error for each bad line."""
    yield from map_records(iter_json_lines(path), paper_from_mapping, path=path)

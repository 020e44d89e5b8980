"""Extraction records on disk: the one JSON Lines reader and the one rule for duplicate paper ids.

Every layer that reads ``extractions.jsonl`` (a build's records, a gold file,
``kg eval``'s predictions, ``kg.load`` on a folder) reads it with
:func:`read_extractions`, so a bad record is reported the same way
everywhere: an :class:`~kg.errors.InputError` naming the file and line.
Every layer that needs one record per paper calls :func:`dedupe_by_id`, so
two records with one id cannot become two different graphs depending on
which module built them. Stdlib only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.io import read_jsonl_numbered
from kg.records import ENTITY_TYPES, ROLES, PaperExtraction

__all__ = ["dedupe_by_id", "load_extractions", "read_extractions"]


def read_extractions(path: str | Path) -> Iterator[PaperExtraction]:
    """Yield the extraction records of a JSON Lines file, streaming and checking each one.

    Raises:
        InputError: naming the file and line of a record that is not valid
            JSON, lacks an ``id``, or has an entity of an unknown type or role.
    """
    for line, record in read_jsonl_numbered(path):
        try:
            extraction = PaperExtraction.from_dict(record)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"not an extraction record ({exc!s}); expected id, title, abstract, entities",
                path=path,
                line=line,
            ) from None
        for entity in extraction.entities:
            if entity.type not in ENTITY_TYPES:
                raise InputError(
                    f"unknown entity type {entity.type!r}; expected one of {', '.join(ENTITY_TYPES)}",
                    path=path,
                    line=line,
                )
            if entity.role not in ROLES:
                raise InputError(
                    f"unknown role {entity.role!r}; expected one of {', '.join(ROLES)}", path=path, line=line
                )
        yield extraction


def load_extractions(path: str | Path) -> list[PaperExtraction]:
    """Read a gold or extraction JSON Lines file whole, in file order (see :func:`read_extractions`)."""
    return list(read_extractions(path))


def _canonical_json(record: PaperExtraction) -> str:
    return json.dumps(record.to_dict(), sort_keys=True, ensure_ascii=False)


def dedupe_by_id(extractions: Iterable[PaperExtraction]) -> list[PaperExtraction]:
    """Return one extraction per paper id, sorted by id, whatever order the input came in.

    The tie rule, the only one in kg: when records share an id, equal records
    count once, and of differing ones the record whose canonical JSON (sorted
    keys) sorts first is kept. The choice is arbitrary but free of input
    order, so shards read in any order build the same graph. A caller that
    wants "the existing record wins" (:func:`kg.graph.add_extractions`)
    filters before calling.

    >>> from kg.records import Paper
    >>> a, b = (PaperExtraction(Paper(id="p1", title=t, abstract="")) for t in ("B", "A"))
    >>> [r.paper.title for r in dedupe_by_id([a, b])], [r.paper.title for r in dedupe_by_id([b, a])]
    (['A'], ['A'])
    """
    chosen: dict[str, PaperExtraction] = {}
    for record in extractions:
        other = chosen.get(record.id)
        if other is None or (other != record and _canonical_json(record) < _canonical_json(other)):
            chosen[record.id] = record
    return [chosen[key] for key in sorted(chosen)]

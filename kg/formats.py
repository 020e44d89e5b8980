"""Which graph files ``kg build`` writes: the ``--formats`` choice and its default.

Writing every form of the graph costs 8 GB at 92k papers (N-Triples 3.9 GB,
JSON-LD 1.9 GB, Turtle 1.4 GB, node-link JSON 0.7 GB) and most of the write
time, while queries only need the on-disk store. So the user chooses; the
default (``auto``) writes everything for small graphs, where it costs
nothing, and the store, node-link JSON and the HTML page above
:data:`AUTO_ALL_MAX_PAPERS` papers. ``papers.jsonl`` and ``extractions.jsonl``
are the build's state and always written. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable

#: format name -> the file (or folder, for the store) it is written to in the output folder
FORMAT_FILES: dict[str, str] = {
    "store": "graph.oxigraph",
    "json": "graph.json",
    "html": "graph.html",
    "nt": "graph.nt",
    "ttl": "graph.ttl",
    "jsonld": "graph.jsonld",
}
#: every format, in the order the help text lists them
FORMATS: tuple[str, ...] = tuple(FORMAT_FILES)
#: what ``auto`` writes for a large graph
LARGE_DEFAULT: tuple[str, ...] = ("store", "json", "html")
#: up to this many papers ``auto`` writes every format
AUTO_ALL_MAX_PAPERS = 10_000
_ALIASES = {"turtle": "ttl", "n-triples": "nt", "ntriples": "nt", "json-ld": "jsonld", "oxigraph": "store"}


def parse_formats(spec: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Parse a ``--formats`` value: comma-separated names, ``all`` or ``auto`` (``None``).

    Returns:
        The formats in :data:`FORMATS` order, or ``None`` for ``auto`` (decided
        by :func:`choose_formats` once the number of papers is known).

    Raises:
        ValueError: an unknown name, or nothing named.

    >>> parse_formats("html,store,Turtle")
    ('store', 'html', 'ttl')
    >>> parse_formats("all") == FORMATS, parse_formats("auto")
    (True, None)
    """
    if spec is None:
        return None
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    chosen: set[str] = set()
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if name == "auto":
            return None
        if name == "all":
            chosen.update(FORMATS)
            continue
        name = _ALIASES.get(name, name)
        if name not in FORMAT_FILES:
            raise ValueError(
                f"unknown format {raw.strip()!r}; expected some of {', '.join(FORMATS)}, all or auto"
            )
        chosen.add(name)
    if not chosen:
        raise ValueError(f"no format given; expected some of {', '.join(FORMATS)}, all or auto")
    return tuple(f for f in FORMATS if f in chosen)


def choose_formats(formats: tuple[str, ...] | None, papers: int) -> tuple[str, ...]:
    """Return the formats to write: the user's choice, else the ``auto`` default for ``papers`` papers.

    >>> choose_formats(None, 500) == FORMATS, choose_formats(None, 92_000)
    (True, ('store', 'json', 'html'))
    >>> choose_formats(("nt",), 92_000)
    ('nt',)
    """
    if formats is not None:
        return formats
    return FORMATS if papers <= AUTO_ALL_MAX_PAPERS else LARGE_DEFAULT


__all__ = [
    "AUTO_ALL_MAX_PAPERS",
    "FORMATS",
    "FORMAT_FILES",
    "LARGE_DEFAULT",
    "choose_formats",
    "parse_formats",
]

"""Find the graph behind a path a user gives: the one place that knows kg's graph file names.

``kg.load``, ``kg query``, ``kg serve`` and ``kg view`` all call
:func:`locate_graph`, so a folder that works for one works for all. An
output folder of ``kg build`` may hold:

* ``graph.oxigraph/``: an on-disk Oxigraph store (opened read-only; the
  fastest way to query, so queries prefer it over every file);
* ``graph.nt``, ``graph.ttl``, ``graph.jsonld``: RDF (best first for queries);
* ``graph.json``: kg's node-link JSON (the lossless form, preferred when a
  networkx graph is wanted);
* ``extractions.jsonl``: the extraction records the graph is built from;
* ``graph.html``: the view.

A file given directly is known by its extension (a ``.json`` file holding
``@context`` or ``@graph`` is JSON-LD); a directory holding a RocksDB
``CURRENT`` file is an Oxigraph store. This module decides *which* file;
reading it is done by the layer that needs it (:func:`load_networkx` for a
networkx graph, :mod:`kg.query` for a SPARQL store).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.errors import InputError
from kg.records import PaperExtraction

if TYPE_CHECKING:
    import networkx as nx

#: the on-disk Oxigraph store inside an output folder
STORE_DIR = "graph.oxigraph"
#: RDF files of an output folder, best first for queries (N-Triples loads fastest)
RDF_FILES: tuple[str, ...] = ("graph.nt", "graph.ttl", "graph.jsonld")
NODE_LINK_FILE = "graph.json"
EXTRACTIONS_FILE = "extractions.jsonl"
HTML_FILE = "graph.html"
RDF_SUFFIXES = frozenset({".nt", ".ttl", ".turtle", ".jsonld"})

GraphKind = Literal["store", "rdf", "node-link", "extractions"]


@dataclass(frozen=True)
class GraphFiles:
    """What :func:`locate_graph` found: every graph form present, and the output folder if one was given."""

    path: Path
    folder: Path | None = None
    store: Path | None = None
    rdf: tuple[Path, ...] = ()
    node_link: Path | None = None
    extractions: Path | None = None
    html: Path | None = None

    def for_query(self) -> tuple[GraphKind, Path]:
        """Return the form to load into a SPARQL store: the store, else RDF, else node-link, else extractions."""
        return self._first(("store", "rdf", "node-link", "extractions"))

    def for_graph(self) -> tuple[GraphKind, Path]:
        """Return the form to read as a networkx graph: node-link, else extractions, else RDF, else the store."""
        return self._first(("node-link", "extractions", "rdf", "store"))

    def _first(self, order: tuple[GraphKind, ...]) -> tuple[GraphKind, Path]:
        found: dict[GraphKind, Path | None] = {
            "store": self.store,
            "rdf": self.rdf[0] if self.rdf else None,
            "node-link": self.node_link,
            "extractions": self.extractions,
        }
        for kind in order:
            path = found[kind]
            if path is not None:
                return kind, path
        raise InputError("no graph here", path=self.path)  # pragma: no cover - locate_graph never builds this

    def rdf_file(self, suffix: str) -> Path | None:
        """Return the RDF file with this suffix (``.nt``, ``.ttl``, ``.jsonld``), if present."""
        return next((p for p in self.rdf if p.suffix.lower() == suffix), None)


def is_store(path: Path) -> bool:
    """Tell whether ``path`` is an on-disk Oxigraph (RocksDB) store: a directory with a ``CURRENT`` file."""
    return path.is_dir() and (path / "CURRENT").is_file()


def _is_json_ld(path: Path) -> bool:
    """Tell JSON-LD from node-link JSON by the first bytes of a ``.json`` file."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b'"@context"' in head or b'"@graph"' in head


def locate_graph(path: str | Path) -> GraphFiles:
    """Find the graph forms at ``path``: an output folder, a graph file or an Oxigraph store directory.

    Raises:
        InputError: the path is missing, of an unknown kind, or a folder with no graph.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("file not found" if p.suffix else "file or folder not found", path=p)
    if is_store(p):
        return GraphFiles(path=p, store=p)
    if p.is_dir():
        store = p / STORE_DIR
        files = GraphFiles(
            path=p,
            folder=p,
            store=store if is_store(store) else None,
            rdf=tuple(p / name for name in RDF_FILES if (p / name).is_file()),
            node_link=p / NODE_LINK_FILE if (p / NODE_LINK_FILE).is_file() else None,
            extractions=p / EXTRACTIONS_FILE if (p / EXTRACTIONS_FILE).is_file() else None,
            html=p / HTML_FILE if (p / HTML_FILE).is_file() else None,
        )
        if not (files.store or files.rdf or files.node_link or files.extractions):
            expected = ", ".join((f"{STORE_DIR}/", *RDF_FILES, NODE_LINK_FILE, EXTRACTIONS_FILE))
            raise InputError(f"no graph file in this folder (expected one of {expected}; run `kg build` first)", path=p)
        return files
    suffix = p.suffix.lower()
    if suffix in RDF_SUFFIXES or (suffix == ".json" and _is_json_ld(p)):
        return GraphFiles(path=p, rdf=(p,))
    if suffix == ".json":
        return GraphFiles(path=p, node_link=p)
    if suffix == ".jsonl":
        return GraphFiles(path=p, extractions=p)
    raise InputError(
        "unknown graph file type; expected an output folder, a graph.oxigraph store, "
        ".json, .jsonl, .ttl, .nt or .jsonld",
        path=p,
    )


# -- reading a located graph as networkx --------------------------------------------------------------


def read_extractions(path: str | Path) -> Iterator[PaperExtraction]:
    """Yield the extraction records of an ``extractions.jsonl`` file.

    Raises:
        InputError: a line that is not an extraction record (with its line number).
    """
    from kg.io import read_jsonl

    for line, row in enumerate(read_jsonl(path), start=1):
        try:
            yield PaperExtraction.from_dict(row)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not an extraction record ({exc})", path=path, line=line) from None


def unique_by_id(extractions: Iterable[PaperExtraction]) -> list[PaperExtraction]:
    """Keep the first record of each paper id, sorted by id (how every graph is built from records)."""
    out: dict[str, PaperExtraction] = {}
    for rec in extractions:
        out.setdefault(rec.id, rec)
    return [out[key] for key in sorted(out)]


def load_networkx(kind: GraphKind, path: Path) -> nx.DiGraph:
    """Read one located graph form as kg's networkx graph.

    Raises:
        InputError: the file is missing or malformed.
    """
    if kind == "node-link":
        from kg.graph import read_node_link

        return read_node_link(path)
    if kind == "extractions":
        from kg.graph import build_graph

        return build_graph(unique_by_id(read_extractions(path)))
    from kg.rdf import load_rdf

    if kind == "rdf":
        return load_rdf(path)
    import pyoxigraph as ox

    store = ox.Store.read_only(str(path))
    with tempfile.TemporaryDirectory(prefix="kg-store-") as tmp:
        dump = Path(tmp) / "graph.nt"
        store.dump(output=str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return load_rdf(dump)


__all__ = [
    "EXTRACTIONS_FILE",
    "HTML_FILE",
    "NODE_LINK_FILE",
    "RDF_FILES",
    "STORE_DIR",
    "GraphFiles",
    "is_store",
    "load_networkx",
    "locate_graph",
    "read_extractions",
    "unique_by_id",
]

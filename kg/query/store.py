"""What a query runs on: a picklable description of a graph (:class:`StoreSpec`) and how to open it.

A query worker process receives a :class:`StoreSpec`, not a store: an on-disk
Oxigraph store is opened read-only (cheap, shared by every worker through the
page cache, and unable to change the data), an RDF file is parsed into an
in-memory store, and a node-link or extractions file is turned into RDF first.
:func:`open_store` gives the same stores to code that runs a query in the
calling process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.errors import InputError
from kg.locate import locate_graph

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph

SpecKind = Literal["store", "rdf", "node-link", "extractions", "ntriples"]
_LINE = re.compile(r"(?:line |at )(\d+)")


@dataclass(frozen=True)
class StoreSpec:
    """A graph a process can open by itself: ``kind`` with a ``path`` (or N-Triples ``data``)."""

    kind: SpecKind
    path: str = ""
    data: bytes = b""

    def __repr__(self) -> str:
        where = self.path or f"{len(self.data)} bytes"
        return f"StoreSpec({self.kind}, {where})"

    def open(self) -> pyoxigraph.Store:
        """Open the graph as a pyoxigraph store (read-only on disk, or in memory).

        Raises:
            InputError: the file or store is missing or not valid RDF (with the line when known).
        """
        import pyoxigraph as ox

        if self.kind == "store":
            try:
                return ox.Store.read_only(self.path)
            except OSError as exc:
                raise InputError(f"cannot open the Oxigraph store read-only: {exc}", path=self.path) from None
        store = ox.Store()
        if self.kind == "ntriples":
            store.load(input=self.data, format=ox.RdfFormat.N_TRIPLES)
            return store
        if self.kind == "rdf":
            from kg.rdf import rdf_format_of

            fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}[
                rdf_format_of(self.path)
            ]
            try:
                store.load(path=self.path, format=fmt)  # in memory, load is about 2x faster than bulk_load
            except SyntaxError as exc:
                m = _LINE.search(str(exc))
                raise InputError(
                    f"not valid RDF: {exc}", path=self.path, line=int(m.group(1)) if m else None
                ) from None
            except OSError as exc:
                raise InputError(f"cannot read the graph: {exc}", path=self.path) from None
            return store
        from kg.locate import load_networkx

        graph = load_networkx(self.kind, Path(self.path))
        store.load(input=_ntriples(graph), format=ox.RdfFormat.N_TRIPLES)
        return store


def build_store(spec: StoreSpec, directory: str | Path) -> int:
    """Bulk-load the graph of ``spec`` into a new on-disk store at ``directory``; return its triple count.

    The store is closed when this returns, so other processes can open it
    read-only (:class:`StoreSpec` ``"store"``).

    Raises:
        InputError: the graph cannot be read.
    """
    import pyoxigraph as ox

    store = ox.Store(str(directory))
    try:
        if spec.kind == "store":
            raise InputError("already an Oxigraph store", path=spec.path)
        if spec.kind == "rdf":
            from kg.rdf import rdf_format_of

            fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}[
                rdf_format_of(spec.path)
            ]
            try:
                store.bulk_load(path=spec.path, format=fmt)
            except SyntaxError as exc:
                m = _LINE.search(str(exc))
                raise InputError(
                    f"not valid RDF: {exc}", path=spec.path, line=int(m.group(1)) if m else None
                ) from None
        elif spec.kind == "ntriples":
            store.bulk_load(input=spec.data, format=ox.RdfFormat.N_TRIPLES)
        else:
            from kg.locate import load_networkx

            store.bulk_load(
                input=_ntriples(load_networkx(spec.kind, Path(spec.path))), format=ox.RdfFormat.N_TRIPLES
            )
        store.flush()
        return len(store)
    finally:
        del store


def _ntriples(graph: nx.DiGraph) -> bytes:
    from kg.rdf import serialize

    return serialize(graph, format="nt")


def spec_for(path: str | Path) -> StoreSpec:
    """Return how to open the graph at ``path`` for queries (see :func:`kg.locate.locate_graph`).

    Raises:
        InputError: nothing loadable is there.
    """
    kind, found = locate_graph(path).for_query()
    return StoreSpec(kind, str(found))


def memory_spec(source: nx.DiGraph | pyoxigraph.Store) -> StoreSpec:
    """Describe an in-memory graph or store by its N-Triples, for a process that cannot share its memory."""
    import pyoxigraph as ox

    if isinstance(source, ox.Store):
        return StoreSpec(
            "ntriples", data=source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
        )
    return StoreSpec("ntriples", data=_ntriples(source))


def open_store(source: str | Path | StoreSpec | nx.DiGraph | pyoxigraph.Store) -> pyoxigraph.Store:
    """Return a pyoxigraph store holding ``source``, in this process.

    Args:
        source: an output folder (its ``graph.oxigraph/`` store, else its
            best RDF file, else ``graph.json``, else ``extractions.jsonl``), a
            graph file, a :class:`StoreSpec`, a networkx graph of kg, or a
            store (returned as is).

    Raises:
        InputError: missing file, unknown extension or invalid RDF (with line).
    """
    import pyoxigraph as ox

    if isinstance(source, ox.Store):
        return source
    if isinstance(source, (str, Path)):
        return spec_for(source).open()
    if isinstance(source, StoreSpec):
        return source.open()
    store = ox.Store()
    store.load(input=_ntriples(source), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


__all__ = ["StoreSpec", "build_store", "memory_spec", "open_store", "spec_for"]

"""The public Python API: :class:`KnowledgeGraph` and the ``build`` / ``load`` / ``extract_paper`` entry points.

This module is a facade. It composes :mod:`kg.sources`, :mod:`kg.extract`,
:mod:`kg.graph`, :mod:`kg.rdf`, :mod:`kg.query` and :mod:`kg.view` and adds
no extraction, resolution or serialisation logic of its own: a graph is
always rebuilt from its full set of :class:`~kg.records.PaperExtraction`
records, so merging and adding papers give exactly what one build over all
inputs gives. Every heavy library is imported inside the function that needs
it, so importing this module costs next to nothing.

A graph made from extraction records (no spaCy needed):

>>> from kg.records import Entity, Paper, PaperExtraction
>>> rec = PaperExtraction(
...     paper=Paper(id="p1", title="Tiny", abstract="We fine-tune BERT."),
...     entities=(Entity(type="Model", name="BERT"),),
... )
>>> g = KnowledgeGraph.from_extractions([rec])
>>> [e["name"] for e in g.entities()]
['BERT']
>>> [p.id for p in g.papers()]
['p1']

Merging rebuilds from both sets of records, so entities are resolved across graphs:

>>> rec2 = PaperExtraction(
...     paper=Paper(id="p2", title="Other", abstract="BERT on GLUE."),
...     entities=(Entity(type="Model", name="BERT"), Entity(type="Dataset", name="GLUE")),
... )
>>> both = g.merge(KnowledgeGraph.from_extractions([rec2]))
>>> [(e["name"], e["papers"]) for e in both.entities(type="Model")]
[('BERT', ['p1', 'p2'])]
>>> sorted(row["id"] for row in both.neighbors("bert") if row["relation"] == "uses")
['paper:p1', 'paper:p2']
>>> both.query("ASK { ?s ?p 'GLUE' }").boolean
True

Saving and loading round-trip (node-link JSON here; also ``.ttl``, ``.nt``, ``.jsonld``):

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = both.save(pathlib.Path(tmp) / "graph.json")
...     load(path) == both
True
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import InputError
from kg.normalize import match_key, paper_id
from kg.records import ENTITY_TYPES, Paper, PaperExtraction

if TYPE_CHECKING:  # pragma: no cover - typing only
    import networkx as nx
    import rdflib

    from kg.query import QueryResult
    from kg.sources import ReadReport

log = logging.getLogger(__name__)

#: what :meth:`KnowledgeGraph.save` writes: an RDF format of :func:`kg.rdf.write_rdf`, or node-link JSON
SaveFormat = Literal["turtle", "nt", "json-ld", "node-link"]
#: file suffix -> format name accepted by :meth:`KnowledgeGraph.save`
SAVE_FORMATS: dict[str, SaveFormat] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "node-link",
}
_FORMAT_ALIASES: dict[str, SaveFormat] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "node-link": "node-link",
    "json": "node-link",
}

PathLike = str | Path


class KnowledgeGraph:
    """A knowledge graph of papers and the methods, models, datasets, tasks and links they mention.

    Holds the networkx graph (the contract of ``docs/DESIGN.md``) together
    with the extraction records it was built from. Instances are made by
    :func:`build`, :func:`load` or :meth:`from_extractions`; the wrapped graph
    is never handed out directly (:meth:`to_networkx` returns a copy), so the
    graph and its records cannot drift apart.
    """

    __slots__ = ("_extractions", "_loader", "_nx", "_store")

    def __init__(self, graph: nx.DiGraph, *, extractions: Sequence[PaperExtraction] | None = None) -> None:
        """Wrap a graph built by :func:`kg.graph.build_graph`.

        Args:
            graph: the networkx graph; it is kept, not copied.
            extractions: the records ``graph`` was built from; recovered from
                the graph with :func:`kg.graph.extractions_from_graph` when
                first needed if not given.
        """
        self._nx: nx.DiGraph | None = graph
        self._loader: Callable[[], nx.DiGraph] | None = None
        self._extractions: list[PaperExtraction] | None = None if extractions is None else list(extractions)
        self._store: Any = None  # pyoxigraph store for query(), made on first use

    @classmethod
    def _deferred(cls, loader: Callable[[], nx.DiGraph], store: Any) -> KnowledgeGraph:
        """Wrap a build's on-disk store: queries answer from it; the graph is read only when needed.

        ``kg.load(folder).query(...)`` on a big build then costs a read-only
        store open, not reading and holding the whole graph (0.7 GB of
        node-link JSON and 1.5 GB of memory at 92k papers).
        """
        self = cls.__new__(cls)
        self._nx, self._loader, self._extractions, self._store = None, loader, None, store
        return self

    @property
    def _graph(self) -> nx.DiGraph:
        """The networkx graph, read on first use when the graph came with a build's store."""
        if self._nx is None:
            assert self._loader is not None
            self._nx, self._loader = self._loader(), None
        return self._nx

    @_graph.setter
    def _graph(self, graph: nx.DiGraph) -> None:
        self._nx, self._loader = graph, None

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_extractions(cls, extractions: Iterable[PaperExtraction]) -> KnowledgeGraph:
        """Build a graph from extraction records; a paper id seen twice keeps its first record.

        Args:
            extractions: one record per paper, in any order.

        Returns:
            A new :class:`KnowledgeGraph`.
        """
        from kg.graph import build_graph

        records = _unique_by_id(extractions)
        return cls(build_graph(records), extractions=records)

    # -- reading ------------------------------------------------------------------------------

    def extractions(self) -> list[PaperExtraction]:
        """Return the extraction records of every paper, sorted by paper id."""
        if self._extractions is None:
            from kg.graph import extractions_from_graph

            self._extractions = list(extractions_from_graph(self._graph))
        return sorted(self._extractions, key=lambda rec: rec.id)

    def papers(self) -> list[Paper]:
        """Return the papers in the graph, sorted by id."""
        return [rec.paper for rec in self.extractions()]

    def entities(self, type: str | None = None) -> list[dict[str, Any]]:
        """Return the entities (methods, models, datasets, tasks) as plain dicts.

        Each dict holds ``id`` (the node id), ``type``, ``name``, ``aliases``,
        ``paper_count``, ``mention_count`` and ``papers`` (ids of the papers
        that mention it), sorted by type, name and id.

        Args:
            type: keep only this entity type (``"Method"``, ``"Model"``,
                ``"Dataset"`` or ``"Task"``); all four when ``None``.

        Raises:
            ValueError: ``type`` is not an entity type.
        """
        if type is not None and type not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {type!r}; expected one of {', '.join(ENTITY_TYPES)}")
        wanted = {type} if type else set(ENTITY_TYPES)
        g = self._graph
        out = []
        for node, data in g.nodes(data=True):
            if data.get("kind") not in wanted:
                continue
            papers = sorted(
                str(g.nodes[src].get("paper_id", src))
                for src in g.predecessors(node)
                if g.nodes[src].get("kind") == "Paper"
            )
            out.append(
                {
                    "id": node,
                    "type": data["kind"],
                    "name": data.get("name", data.get("label", node)),
                    "aliases": list(data.get("aliases", [])),
                    "paper_count": data.get("paper_count", len(papers)),
                    "mention_count": data.get("mention_count", 0),
                    "papers": papers,
                }
            )
        out.sort(key=lambda rec: (rec["type"], rec["name"].casefold(), rec["id"]))
        return out

    def find(self, name: str) -> list[str]:
        """Return the ids of the nodes called ``name``: by node id, name, alias, title, paper id or URL.

        Names are compared by :func:`kg.normalize.match_key`, so case, dashes
        and spacing do not matter. Several ids come back for homonyms (e.g. a
        method and a dataset with the same name).
        """
        if name in self._graph:
            return [name]
        key = match_key(name)
        hits = []
        for node, data in self._graph.nodes(data=True):
            forms = [data.get("name"), data.get("label"), data.get("title"), data.get("paper_id"), data.get("url")]
            forms.extend(data.get("aliases", ()))
            if any(isinstance(form, str) and match_key(form) == key for form in forms):
                hits.append(node)
        return sorted(hits)

    def neighbors(self, name: str) -> list[dict[str, Any]]:
        """Return the nodes linked to the node(s) called ``name``, in both directions.

        Each dict holds ``id``, ``kind``, ``label``, ``relation`` (the edge's
        relation) and ``direction`` (``"out"`` when the edge starts at the
        named node, ``"in"`` when it ends there); sorted by relation, kind,
        label and id.

        Args:
            name: a node id, an entity name or alias, a paper title or id, or a URL.

        Raises:
            KeyError: no node has that name.
        """
        nodes = self.find(name)
        if not nodes:
            raise KeyError(f"no node named {name!r} in the graph")
        g = self._graph
        rows = {}
        for node in nodes:
            for direction, edges in (("out", g.out_edges(node, data=True)), ("in", g.in_edges(node, data=True))):
                for src, dst, data in edges:
                    other = dst if direction == "out" else src
                    attrs = g.nodes[other]
                    row = {
                        "id": other,
                        "kind": attrs.get("kind", ""),
                        "label": attrs.get("label", other),
                        "relation": data.get("relation", ""),
                        "direction": direction,
                    }
                    rows[(row["relation"], direction, other)] = row
        return sorted(rows.values(), key=lambda r: (r["relation"], r["kind"], str(r["label"]).casefold(), r["id"]))

    def stats(self) -> dict[str, Any]:
        """Return counts of nodes and edges by kind (see :func:`kg.graph.graph_stats`)."""
        from kg.graph import graph_stats

        return dict(graph_stats(self._graph))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.find(name))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KnowledgeGraph):
            return NotImplemented
        return _graphs_equal(self._graph, other._graph)

    __hash__ = None  # type: ignore[assignment]  # mutable (add_papers), so unhashable

    def __repr__(self) -> str:
        kinds: dict[str, int] = {}
        for _, data in self._graph.nodes(data=True):
            kinds[data.get("kind", "?")] = kinds.get(data.get("kind", "?"), 0) + 1
        return (
            f"<KnowledgeGraph papers={kinds.get('Paper', 0)} "
            f"nodes={self._graph.number_of_nodes()} edges={self._graph.number_of_edges()}>"
        )

    # -- combining ----------------------------------------------------------------------------

    def merge(self, other: KnowledgeGraph) -> KnowledgeGraph:
        """Return a new graph holding the papers of both; neither input changes.

        The union of both sets of extraction records is rebuilt from scratch,
        so entities are resolved across the two graphs exactly as one build
        over both inputs would. A paper in both keeps this graph's record.
        """
        if not isinstance(other, KnowledgeGraph):
            raise TypeError(f"can only merge another KnowledgeGraph, not {type(other).__name__}")
        return KnowledgeGraph.from_extractions([*self.extractions(), *other.extractions()])

    def add_papers(
        self,
        papers: PathLike | Paper | Iterable[PathLike | Paper],
        *,
        format: str | None = None,
        strict: bool = False,
        batch_size: int = 64,
    ) -> int:
        """Extract the papers not already in the graph and rebuild it in place.

        Takes what :func:`build` takes: paper files (any format ``kg papers``
        reads), :class:`~kg.records.Paper` records, or a mix. Papers whose id
        is already present (or repeated) are skipped without running the extractor.

        Args:
            papers: a path, a Paper, or an iterable of them.
            format: force a source format for the files instead of sniffing it.
            strict: stop at the first bad record instead of skipping it.
            batch_size: papers per extraction batch.

        Returns:
            How many papers were added.

        Raises:
            InputError: a file is missing or unreadable, or (with ``strict``) holds a bad record.
        """
        from kg.extract import extract_papers
        from kg.graph import build_graph
        from kg.sources import ReadReport

        report = ReadReport()
        known = {rec.id for rec in self.extractions()}
        fresh = []
        for paper in _read_sources(papers, format=format, strict=strict, report=report):
            if paper.id not in known:
                known.add(paper.id)
                fresh.append(paper)
        for reason in report.reasons:
            log.warning("skipped: %s", reason)
        if not fresh:
            return 0
        records = [*self.extractions(), *extract_papers(fresh, batch_size=batch_size)]
        self._graph = build_graph(records)
        self._extractions = records
        self._store = None
        return len(fresh)

    # -- exporting ----------------------------------------------------------------------------

    def to_networkx(self) -> nx.DiGraph:
        """Return a deep copy of the networkx graph (changing it does not change this graph)."""
        return copy.deepcopy(self._graph)

    def to_rdf(self, *, base: str | None = None) -> rdflib.Graph:
        """Return the graph as an rdflib Graph in the ``kg:`` vocabulary.

        Args:
            base: base IRI for minted resources; kg's default when ``None``.
        """
        from kg.rdf import to_rdf

        return to_rdf(self._graph) if base is None else to_rdf(self._graph, base=base)

    def query(self, sparql: str, *, timeout: float | None = None) -> QueryResult:
        """Run a read-only SPARQL query over the graph's RDF form.

        A graph loaded from a folder with a ``graph.oxigraph/`` store is
        queried there (opened read-only); otherwise the RDF is loaded into a
        pyoxigraph store on the first query and kept for the next ones (until
        :meth:`add_papers` changes the graph). With a ``timeout`` the query
        runs in a worker process that is killed when time is up.

        Args:
            sparql: a SELECT, ASK, CONSTRUCT or DESCRIBE query.
            timeout: seconds before the query is stopped; no limit when ``None``.

        Returns:
            A :class:`kg.query.QueryResult` (format it with :func:`kg.query.format_result`).

        Raises:
            QueryError: the query does not parse or fails.
            QueryTimeout: the query ran out of time.
        """
        from kg.query import open_store, run_query

        if self._store is None:
            self._store = open_store(self._graph)
        return run_query(self._store, sparql, timeout=timeout)

    def save(self, path: PathLike, *, format: str | None = None, base: str | None = None) -> Path:
        """Write the graph to one file, in a format chosen by ``format`` or the file's extension.

        ``.ttl`` Turtle, ``.nt`` N-Triples, ``.jsonld`` JSON-LD, ``.json``
        kg's node-link JSON (which :func:`load` reads back losslessly). The
        file is written atomically.

        Args:
            path: the file to write.
            format: ``"turtle"``, ``"nt"``, ``"json-ld"`` or ``"node-link"``
                (also ``"ttl"``, ``"jsonld"``, ``"json"``); from the extension when ``None``.
            base: base IRI for the RDF formats.

        Returns:
            The path written.

        Raises:
            InputError: the format is unknown or cannot be told from the extension.
        """
        target = Path(path)
        fmt = _save_format(target, format)
        if fmt == "node-link":
            from kg.graph import write_node_link

            write_node_link(self._graph, target)
        else:
            from kg.rdf import write_rdf

            if base is None:
                write_rdf(self._graph, target, format=fmt)
            else:
                write_rdf(self._graph, target, format=fmt, base=base)
        return target

    def export(self, path: PathLike, *, format: str | None = None) -> Any:
        """Write the graph for Gephi, Cytoscape or Neo4j (see :func:`kg.export.export_graph`).

        Args:
            path: the ``.graphml`` or ``.gexf`` file, or the folder of Neo4j CSV files.
            format: ``"graphml"``, ``"gexf"`` or ``"neo4j"``; from the suffix when ``None``.

        Returns:
            The :class:`kg.export.ExportSummary` (files written, counts, Neo4j import command).

        Raises:
            InputError: the format is unknown or cannot be told from ``path``.
        """
        from kg.export import export_graph

        try:
            return export_graph(self._graph, Path(path), format=format)
        except (ValueError, NotADirectoryError) as exc:
            raise InputError(str(exc), path=Path(path)) from None

    def to_html(self, path: PathLike, **options: Any) -> Any:
        """Write the interactive offline HTML page (see :func:`kg.view.write_html` for ``options``).

        Returns:
            The :class:`kg.view.ViewSummary` of what was drawn.
        """
        from kg.view import write_html

        return write_html(self._graph, Path(path), **options)

    def to_pyvis(self, **options: Any) -> Any:
        """Return a ``pyvis.network.Network`` of what the HTML page would draw (same ``options``).

        Built without pyvis's quadratic ``add_node`` loop, with kg's positions,
        sizes and colours, physics off, and only labels that do not overlap.
        See :func:`kg.view.notebook.to_network`.
        """
        from kg.view.notebook import to_network

        return to_network(self._graph, **options)

    def _repr_html_(self) -> str:
        """Show the map in a notebook cell: the default page in a sandboxed iframe."""
        from kg.view import render_html
        from kg.view.notebook import notebook_html

        return notebook_html(render_html(self._graph))


# -- module-level entry points ----------------------------------------------------------------


def build(
    sources: PathLike | Paper | Iterable[PathLike | Paper] | None = None,
    *,
    format: str | None = None,
    strict: bool = False,
    batch_size: int = 64,
) -> KnowledgeGraph:
    """Read papers, extract entities and links, and build the graph, all in memory.

    Unlike ``kg build`` this writes no files; call :meth:`KnowledgeGraph.save`
    for that.

    Args:
        sources: a paper file or folder, several of them, or :class:`~kg.records.Paper`
            records; the bundled Daily Papers sample when ``None``.
        format: force a source format instead of sniffing it.
        strict: stop at the first bad record instead of skipping it.
        batch_size: papers per extraction batch.

    Returns:
        The new :class:`KnowledgeGraph`.

    Raises:
        InputError: a file is missing or unreadable, or (with ``strict``) holds a bad record.
    """
    from kg.extract import extract_papers
    from kg.sources import ReadReport

    report = ReadReport()
    papers = _unique_papers(_read_sources(sources, format=format, strict=strict, report=report))
    graph = KnowledgeGraph.from_extractions(extract_papers(papers, batch_size=batch_size))
    for reason in report.reasons:
        log.warning("skipped: %s", reason)
    return graph


def load(path: PathLike) -> KnowledgeGraph:
    """Load a graph from a file or from an ``outputs/`` folder written by ``kg build``.

    The graph is found by :func:`kg.locate.locate_graph`, as ``kg query``,
    ``kg serve`` and ``kg view`` find it. Files by extension: ``.json`` (kg's
    node-link JSON, or JSON-LD when it has ``@context``/``@graph``),
    ``.jsonl`` (kg's extraction records), ``.ttl``/``.turtle``, ``.nt``,
    ``.jsonld`` (RDF in the ``kg:`` vocabulary), or an Oxigraph store
    directory. For a folder the first of ``graph.json``,
    ``extractions.jsonl``, ``graph.nt``, ``graph.ttl``, ``graph.jsonld``,
    ``graph.oxigraph/`` found is read; when the folder has a
    ``graph.oxigraph/`` store, :meth:`KnowledgeGraph.query` opens it
    read-only instead of converting the graph.

    Raises:
        InputError: the path is missing, of an unknown kind, or malformed.
    """
    from kg.locate import load_networkx, locate_graph, read_extractions

    files = locate_graph(path)
    kind, found = files.for_graph()

    def read() -> KnowledgeGraph:
        if kind == "extractions":
            return KnowledgeGraph.from_extractions(read_extractions(found))
        return KnowledgeGraph(load_networkx(kind, found))

    if files.store is not None:
        from kg.query import StoreSpec

        return KnowledgeGraph._deferred(lambda: read()._graph, StoreSpec("store", str(files.store)))
    return read()


def extract_paper(text_or_paper: str | Paper) -> PaperExtraction:
    """Extract the entities and links of one abstract.

    Args:
        text_or_paper: an abstract as plain text (it gets an id from
            :func:`kg.normalize.paper_id` and an empty title) or a :class:`~kg.records.Paper`.

    Returns:
        The :class:`~kg.records.PaperExtraction` of that paper.
    """
    from kg.extract import extract_paper as extract_one

    return extract_one(as_paper(text_or_paper))


def as_paper(text_or_paper: str | Paper) -> Paper:
    """Return ``text_or_paper`` as a :class:`~kg.records.Paper`; text becomes the abstract.

    >>> as_paper("We evaluate LoRA on GLUE.").abstract
    'We evaluate LoRA on GLUE.'
    >>> as_paper("We evaluate LoRA on GLUE.").id == as_paper("We evaluate LoRA on GLUE.").id
    True
    """
    if isinstance(text_or_paper, Paper):
        return text_or_paper
    if not isinstance(text_or_paper, str):
        raise TypeError(f"expected a str or a Paper, got {type(text_or_paper).__name__}")
    return Paper(id=paper_id(text_or_paper), title="", abstract=text_or_paper)


# -- helpers ----------------------------------------------------------------------------------


def _read_sources(
    sources: PathLike | Paper | Iterable[PathLike | Paper] | None,
    *,
    format: str | None,
    strict: bool,
    report: ReadReport,
) -> Iterator[Paper]:
    """Yield papers from paths (through :func:`kg.sources.read_papers`) and Paper records as given."""
    from kg.sources import SAMPLE_PATH, read_papers

    if sources is None:
        yield from read_papers([SAMPLE_PATH], format=format, strict=strict, report=report)
        return
    items: Iterable[PathLike | Paper] = [sources] if isinstance(sources, (str, Path, Paper)) else sources
    paths: list[PathLike] = []
    for item in items:
        if isinstance(item, Paper):
            if paths:
                yield from read_papers(paths, format=format, strict=strict, report=report)
                paths = []
            yield item
        elif isinstance(item, (str, Path)):
            paths.append(item)
        else:
            raise TypeError(f"expected paths or Paper records, got {type(item).__name__}")
    if paths:
        yield from read_papers(paths, format=format, strict=strict, report=report)


def _unique_papers(papers: Iterable[Paper]) -> Iterator[Paper]:
    seen: set[str] = set()
    for paper in papers:
        if paper.id not in seen:
            seen.add(paper.id)
            yield paper


def _unique_by_id(extractions: Iterable[PaperExtraction]) -> list[PaperExtraction]:
    from kg.locate import unique_by_id

    return unique_by_id(extractions)


def _save_format(path: Path, format: str | None) -> SaveFormat:
    if format is not None:
        fmt = _FORMAT_ALIASES.get(format.lower())
        if fmt is None:
            raise InputError(f"unknown format {format!r}; expected one of turtle, nt, json-ld, node-link", path=path)
        return fmt
    fmt = SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError("cannot tell the format from the extension; use .ttl, .nt, .jsonld or .json", path=path)
    return fmt


def _graphs_equal(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    """Compare two graphs node by node and edge by edge, attributes included (:func:`kg.graph.graphs_equal`)."""
    from kg.graph import graphs_equal

    return bool(graphs_equal(a, b))


__all__ = ["KnowledgeGraph", "as_paper", "build", "extract_paper", "load"]

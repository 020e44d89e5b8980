"""Graph files for the tools people already use: GraphML, GEXF and Neo4j bulk-import CSV.

``nx.write_graphml`` and ``nx.write_gexf`` refuse kg's graph as it is: lists
(aliases, authors) and lists of dicts (evidence) are not attribute values
those formats know. This module flattens a copy of the graph into plain
values that Gephi, Cytoscape, yEd and Neo4j read, and writes it
deterministically (sorted nodes and edges, no timestamps) and atomically.

What flattening does, in one place (:func:`flatten_attributes`):
lists of plain values are joined with ``"; "``; ``None`` is dropped;
``evidence`` (a list of dicts) is left out and replaced by
``evidence_count``; other nested values are left out. An attribute that
holds different kinds of value on different nodes is written as text, so
each GraphML/GEXF key has one type.

Neo4j gets what its importer can type: one CSV per label and one per
relationship type, headers such as ``paper_count:int`` or
``aliases:string[]``, arrays kept as arrays and evidence sentences as a
``string[]``. It must not import rdflib, spaCy or pyvis.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from kg.io import atomic_write

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "ExportSummary",
    "export_graph",
    "flat_graph",
    "flatten_attributes",
    "write_gexf",
    "write_graphml",
    "write_neo4j",
]

log = logging.getLogger(__name__)

ExportFormat = Literal["graphml", "gexf", "neo4j"]
#: format name -> one-line description (for help text)
EXPORT_FORMATS: dict[str, str] = {
    "graphml": "GraphML (Gephi, Cytoscape, yEd, igraph): one .graphml file",
    "gexf": "GEXF 1.2 (Gephi): one .gexf file",
    "neo4j": "Neo4j bulk-import CSV: a folder of nodes_<Label>.csv and relationships_<TYPE>.csv",
}
#: what joins the items of a list attribute in GraphML and GEXF
LIST_SEPARATOR = "; "
#: attributes left out of GraphML/GEXF (nested records); their item count is kept as ``<name>_count``
_NESTED_LEFT_OUT = ("evidence",)
#: Neo4j array delimiters tried in order; the first absent from every array item is used
_ARRAY_DELIMITERS = (";", "|", "\u241f", "\x1f")

Scalar = str | int | float | bool


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the files, and how many nodes and edges they hold."""

    format: str
    files: tuple[Path, ...]
    nodes: int
    edges: int
    #: the ``neo4j-admin`` command that imports the files (Neo4j only)
    command: str | None = None

    @property
    def message(self) -> str:
        """One line for the CLI."""
        where = self.files[0] if len(self.files) == 1 else f"{len(self.files)} files"
        return f"{self.nodes:,} nodes and {self.edges:,} edges as {self.format} ({where})"


# --------------------------------------------------------------------------- flattening


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def flatten_attributes(data: Mapping[str, Any]) -> dict[str, Scalar]:
    """Return the attributes of a node or edge as plain values GraphML and GEXF can hold.

    >>> flatten_attributes({"name": "BERT", "aliases": ["BERT-base", "bert"], "url": None,
    ...                     "evidence": [{"sentence": "We use BERT."}], "confidence": 0.9})
    {'aliases': 'BERT-base; bert', 'confidence': 0.9, 'evidence_count': 1, 'name': 'BERT'}
    """
    out: dict[str, Scalar] = {}
    for key in sorted(data):
        value = data[key]
        if value is None:
            continue
        if key in _NESTED_LEFT_OUT and isinstance(value, list | tuple):
            out[f"{key}_count"] = len(value)
        elif _is_scalar(value):
            out[key] = value
        elif isinstance(value, list | tuple) and all(_is_scalar(item) for item in value):
            out[key] = LIST_SEPARATOR.join(str(item) for item in value)
    return dict(sorted(out.items()))


def _harmonise(records: list[dict[str, Scalar]]) -> None:
    """Give each attribute name one type across ``records`` (in place): int+float -> float, else text."""
    kinds: dict[str, set[type]] = {}
    for rec in records:
        for key, value in rec.items():
            kinds.setdefault(key, set()).add(type(value))
    for key, seen in kinds.items():
        if len(seen) <= 1:
            continue
        to_float = seen <= {int, float}
        for rec in records:
            if key in rec:
                rec[key] = float(rec[key]) if to_float else str(rec[key])


def flat_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Return a copy of ``graph`` with flattened attributes and nodes and edges in sorted order.

    Args:
        graph: a kg graph (``docs/DESIGN.md``, "The networkx graph").

    Returns:
        A new ``nx.DiGraph`` that ``nx.write_graphml`` and ``nx.write_gexf`` accept.
    """
    nodes = sorted(graph.nodes)
    node_attrs = [flatten_attributes(graph.nodes[n]) for n in nodes]
    edges = sorted(graph.edges)
    edge_attrs = [flatten_attributes(graph.edges[e]) for e in edges]
    _harmonise(node_attrs)
    _harmonise(edge_attrs)
    flat = nx.DiGraph()
    flat.graph.update(flatten_attributes(graph.graph))
    for node, attrs in zip(nodes, node_attrs):
        flat.add_node(node, **attrs)
    for (src, dst), attrs in zip(edges, edge_attrs):
        flat.add_edge(src, dst, **attrs)
    return flat


# --------------------------------------------------------------------------- GraphML and GEXF


def write_graphml(graph: nx.DiGraph, path: str | Path) -> ExportSummary:
    """Write ``graph`` as GraphML with flattened attributes (atomic, deterministic)."""
    target = Path(path)
    flat = flat_graph(graph)
    with atomic_write(target, mode="wb") as handle:
        nx.write_graphml(flat, handle, encoding="utf-8", prettyprint=True)
    return ExportSummary("graphml", (target,), flat.number_of_nodes(), flat.number_of_edges())


#: the only line networkx's GEXF writer dates; the attribute is optional in GEXF, so it is dropped
_GEXF_DATE = re.compile(r'\s+lastmodifieddate="[^"]*"')


def write_gexf(graph: nx.DiGraph, path: str | Path) -> ExportSummary:
    """Write ``graph`` as GEXF 1.2 with flattened attributes (atomic, deterministic).

    Edges get their ``relation`` as GEXF label, which Gephi shows on the edge.
    """
    target = Path(path)
    flat = flat_graph(graph)
    for _, _, data in flat.edges(data=True):
        data["label"] = data.get("relation", "")
    with atomic_write(target, mode="w") as handle:
        for line in nx.generate_gexf(flat, encoding="utf-8", prettyprint=True, version="1.2draft"):
            handle.write(_GEXF_DATE.sub("", line) + "\n")
    return ExportSummary("gexf", (target,), flat.number_of_nodes(), flat.number_of_edges())


# --------------------------------------------------------------------------- Neo4j


def _neo4j_type(values: Iterable[Any]) -> str | None:
    """Return the Neo4j header type of a column (``""`` for string), or ``None`` to leave it out."""
    kinds: set[str] = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            kinds.add("boolean")
        elif isinstance(value, int):
            kinds.add("int")
        elif isinstance(value, float):
            kinds.add("float")
        elif isinstance(value, str):
            kinds.add("")
        elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            kinds.add("string[]")
        else:
            return None
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"int", "float"}:
        return "float"
    return ""


def _neo4j_value(data: Mapping[str, Any], key: str) -> Any:
    """Return a property as Neo4j should see it: evidence becomes its list of sentences."""
    value = data.get(key)
    if key == "evidence" and isinstance(value, list | tuple):
        return [str(item.get("sentence", "")) for item in value if isinstance(item, Mapping)]
    return value


def _array_delimiter(graph: nx.DiGraph) -> str:
    """Pick a delimiter for Neo4j arrays that no array item contains."""
    items: set[str] = set()
    for _, data in graph.nodes(data=True):
        for key in data:
            value = _neo4j_value(data, key)
            if isinstance(value, list | tuple):
                items.update(str(v) for v in value)
    for _, _, data in graph.edges(data=True):
        for key in data:
            value = _neo4j_value(data, key)
            if isinstance(value, list | tuple):
                items.update(str(v) for v in value)
    for delimiter in _ARRAY_DELIMITERS:
        if not any(delimiter in item for item in items):
            return delimiter
    raise ValueError("every candidate Neo4j array delimiter occurs inside some list value")


def _cell(value: Any, kind: str, delimiter: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        return delimiter.join(str(item) for item in value)
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    """Return a file-name-safe form of a label or relationship type."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", name) or "_"


def write_neo4j(graph: nx.DiGraph, folder: str | Path) -> ExportSummary:
    """Write ``graph`` as Neo4j bulk-import CSV files into ``folder``.

    One ``nodes_<Label>.csv`` per node kind (``id:ID`` is the kg node id,
    ``:LABEL`` the kind) and one ``relationships_<TYPE>.csv`` per relation
    (``PROPOSES``, ``USES``, ``HAS_CODE``, ``HAS_LINK``, ``CO_OCCURS``), with
    typed headers. Files of an earlier export in ``folder`` that this one
    does not write are removed, so the folder always holds one export.

    Returns:
        The summary, with the ``neo4j-admin database import full`` command
        that loads the files.
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target}: the neo4j export writes a folder; this is a file")
    delimiter = _array_delimiter(graph)
    files: dict[str, str] = {}

    by_label: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        by_label.setdefault(str(data.get("kind", "Node")), []).append(node)
    node_files = []
    for label in sorted(by_label):
        nodes = sorted(by_label[label])
        keys = sorted({k for n in nodes for k in graph.nodes[n] if k != "kind"})
        columns = [(k, _neo4j_type(_neo4j_value(graph.nodes[n], k) for n in nodes)) for k in keys]
        typed = [(k, t) for k, t in columns if t is not None]
        header = ["id:ID"] + [f"{k}:{t}" if t else k for k, t in typed] + [":LABEL"]
        rows = (
            [n] + [_cell(_neo4j_value(graph.nodes[n], k), t, delimiter) for k, t in typed] + [label]
            for n in nodes
        )
        name = f"nodes_{_safe_name(label)}.csv"
        files[name] = _csv_text(header, rows)
        node_files.append(name)

    by_type: dict[str, list[tuple[str, str]]] = {}
    for src, dst, data in graph.edges(data=True):
        by_type.setdefault(str(data.get("relation", "related")).upper(), []).append((src, dst))
    rel_files = []
    for rel_type in sorted(by_type):
        edges = sorted(by_type[rel_type])
        keys = sorted({k for e in edges for k in graph.edges[e] if k != "relation"})
        columns = [(k, _neo4j_type(_neo4j_value(graph.edges[e], k) for e in edges)) for k in keys]
        typed = [(k, t) for k, t in columns if t is not None]
        header = [":START_ID", ":END_ID"] + [f"{k}:{t}" if t else k for k, t in typed] + [":TYPE"]
        edge_rows = (
            [src, dst]
            + [_cell(_neo4j_value(graph.edges[src, dst], k), t, delimiter) for k, t in typed]
            + [rel_type]
            for src, dst in edges
        )
        name = f"relationships_{_safe_name(rel_type)}.csv"
        files[name] = _csv_text(header, edge_rows)
        rel_files.append(name)

    for name, text in files.items():
        with atomic_write(target / name) as handle:
            handle.write(text)
    for stale in sorted(target.glob("nodes_*.csv")) + sorted(target.glob("relationships_*.csv")):
        if stale.name not in files:
            log.info("removing %s, left by an earlier export", stale)
            stale.unlink()

    command = " ".join(
        ["neo4j-admin database import full", f"--array-delimiter={_delimiter_option(delimiter)}"]
        + ["--multiline-fields=true"]
        + [f"--nodes={target / n}" for n in node_files]
        + [f"--relationships={target / r}" for r in rel_files]
        + ["neo4j"]
    )
    paths = tuple(target / name for name in node_files + rel_files)
    return ExportSummary("neo4j", paths, graph.number_of_nodes(), graph.number_of_edges(), command)


def _delimiter_option(delimiter: str) -> str:
    """Spell a delimiter for ``neo4j-admin``: quoted for the shell if ASCII, else as ``U+XXXX``.

    >>> _delimiter_option(";"), _delimiter_option("\u241f")
    ("';'", 'U+241F')
    """
    if delimiter.isascii() and delimiter.isprintable():
        return f"'{delimiter}'"
    return f"U+{ord(delimiter):04X}"


# --------------------------------------------------------------------------- entry point


def export_graph(graph: nx.DiGraph, path: str | Path, *, format: str | None = None) -> ExportSummary:
    """Write ``graph`` in one of :data:`EXPORT_FORMATS`.

    Args:
        graph: a kg graph.
        path: the file to write (GraphML, GEXF) or the folder (Neo4j).
        format: ``"graphml"``, ``"gexf"`` or ``"neo4j"``; guessed from the
            suffix of ``path`` when ``None`` (``.graphml``, ``.gexf``; no
            suffix means a Neo4j folder).

    Raises:
        ValueError: the format is unknown or cannot be guessed.
    """
    fmt = format.lower() if format else _guess_format(Path(path))
    if fmt == "graphml":
        return write_graphml(graph, path)
    if fmt == "gexf":
        return write_gexf(graph, path)
    if fmt == "neo4j":
        return write_neo4j(graph, path)
    raise ValueError(f"unknown export format {format!r}; expected one of {', '.join(EXPORT_FORMATS)}")


def _guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".graphml", ".xml"}:
        return "graphml"
    if suffix == ".gexf":
        return "gexf"
    if suffix == "" or path.is_dir():
        return "neo4j"
    raise ValueError(f"cannot tell the export format from {path.name!r}; pass --format graphml|gexf|neo4j")

"""The graph's node-link JSON file (``graph.json``): the lossless form of kg's networkx graph.

Written deterministically (sorted nodes, edges and keys: an equal graph
always gives the same bytes) and atomically, one object at a time so a big
graph is not held twice in memory; read back with a check that the file is
a directed node-link graph as kg writes it. The graph itself is
:mod:`kg.graph`'s; this module only stores it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.io import atomic_write, read_text

__all__ = ["read_node_link", "write_node_link"]


def _node_link_dict(graph: nx.Graph) -> dict[str, Any]:
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"]))
    return data


def write_node_link(graph: nx.DiGraph, path: str | Path) -> None:
    """Write the graph as node-link JSON, deterministically and atomically.

    Nodes are sorted by id, edges by (source, target) and keys within each
    object, so an equal graph always gives the same bytes. A directed graph
    (kg's) is written one object at a time, so a big graph is never held a
    second time in memory as one dict and one JSON text; the bytes are those
    of ``json.dumps`` over ``nx.node_link_data`` with sorted lists.
    """
    encode = json.JSONEncoder(
        sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    ).encode
    with atomic_write(path) as handle:
        write = handle.write
        if not graph.is_directed() or graph.is_multigraph():
            write(encode(_node_link_dict(graph)))
            write("\n")
            return
        write('{"directed":true,"edges":[')
        sep = ""
        succ = graph.succ
        for u in sorted(graph):
            nbrs = succ[u]
            for v in sorted(nbrs):
                write(sep + encode({**nbrs[v], "source": u, "target": v}))
                sep = ","
        write(f'],"graph":{encode(graph.graph)},"multigraph":false,"nodes":[')
        sep = ""
        nodes = graph.nodes
        for n in sorted(graph):
            write(sep + encode({**nodes[n], "id": n}))
            sep = ","
        write("]}\n")


def read_node_link(path: str | Path) -> nx.DiGraph:
    """Read a node-link JSON file written by :func:`write_node_link`.

    Raises:
        InputError: the file is missing, not JSON, or not a directed node-link graph.
    """
    p = Path(path)
    text = read_text(p, what="graph file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=p, line=exc.lineno) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("nodes"), list)
        or not isinstance(data.get("edges"), list)
    ):
        raise InputError("not a node-link graph (expected an object with 'nodes' and 'edges' lists)", path=p)
    if data.get("multigraph") or not data.get("directed", False):
        raise InputError("expected a directed, non-multi graph as written by kg", path=p)
    try:
        graph = nx.node_link_graph(data, directed=True, multigraph=False, edges="edges")
    except (KeyError, TypeError, nx.NetworkXError) as exc:
        raise InputError(f"not a node-link graph: {exc}", path=p) from None
    return graph

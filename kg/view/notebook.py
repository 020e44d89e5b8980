"""The view in a notebook: a ``pyvis.network.Network`` of a selection, and the map inline.

:func:`to_network` gives notebook users pyvis's own object (to restyle,
``show()`` or ``write_html()`` as pyvis does) filled with exactly what the
page would draw: the same selection, positions, sizes and colours. It fills
the network's node and edge lists directly instead of calling
``Network.add_node`` / ``add_edge``, which scan every node and edge added so
far (quadratic: minutes for 50,000 nodes, see FINDINGS.md). pyvis draws
every label it is given, so only labels that do not overlap at the fitted
zoom are given (:func:`kg.view.labels.cull_labels`); vis-network scales
labels with the drawing, so they stay apart at every zoom.

:func:`notebook_html` is what ``KnowledgeGraph._repr_html_`` shows: kg's
own page in a sandboxed ``<iframe srcdoc>``, so the notebook's page neither
runs the map's script in its origin nor loads anything.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from kg.view.labels import cull_labels

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

#: the canvas a notebook cell usually gives the drawing, for choosing labels
NOTEBOOK_WIDTH = 1000
NOTEBOOK_HEIGHT = 640


def _colour(data: dict[str, Any], node: dict[str, Any]) -> str:
    if data["mode"] == "map":
        return str(data["clusters"][node["c"]]["color"])
    return str(data["types"][node["k"]]["color"])


def _tooltip(data: dict[str, Any], node: dict[str, Any]) -> str:
    """Plain text shown on hover (vis-network 9 draws a string title as text, not HTML)."""
    kind = data["types"][node["k"]]["name"]
    lines = [str(node.get("name") or node.get("title") or node.get("url") or node["l"]), kind]
    if node.get("aliases"):
        lines.append("also: " + ", ".join(node["aliases"]))
    if "papers" in node:
        lines.append(f"{node['papers']} paper{'s' if node['papers'] != 1 else ''}")
    if data["mode"] == "map":
        lines.append("cluster: " + data["clusters"][node["c"]]["name"])
    return "\n".join(lines)


def to_network(
    graph: nx.DiGraph,
    *,
    mode: str | None = None,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    height: str = f"{NOTEBOOK_HEIGHT}px",
    width: str = "100%",
) -> Network:
    """Return a ``pyvis.network.Network`` of the part of ``graph`` the page would draw.

    The options select as in :func:`kg.view.write_html`. Physics is off: the
    positions are kg's layout. Nodes carry ``x``, ``y``, ``size``, ``shape``,
    ``color`` and a plain-text ``title``; edges ``width`` and ``color``.

    Raises:
        InputError: an unknown mode or type, a focus name not in the graph, a bad limit.
    """
    from pyvis.network import Network

    from kg.view import build_data

    data, _ = build_data(graph, mode=mode, max_nodes=max_nodes, focus=focus, depth=depth, types=types)
    nodes = data["nodes"]
    keep = cull_labels(
        [(n["x"], n["y"]) for n in nodes],
        [float(n["s"]) for n in nodes],
        [n["l"] for n in nodes],
        [int(n.get("f", 12)) for n in nodes],
        data["labels"],
        width=NOTEBOOK_WIDTH,
        height=NOTEBOOK_HEIGHT,
        above=False,
    )
    net = Network(height=height, width=width, directed=data["mode"] == "papers", cdn_resources="in_line")
    records: list[dict[str, Any]] = []
    for i, node in enumerate(nodes):
        record: dict[str, Any] = {
            "id": node["id"],
            "x": node["x"],
            "y": node["y"],
            "size": node["s"],
            "shape": data["types"][node["k"]]["shape"],
            "color": _colour(data, node),
            "title": _tooltip(data, node),
        }
        if i in keep.labels:
            record["label"] = node["l"]
            record["font"] = {"size": round(node.get("f", 12) / keep.scale, 1), "strokeWidth": 3}
        records.append(record)
    relations = data["relations"]
    edges: list[dict[str, Any]] = []
    for edge in data["edges"]:
        relation = relations[edge[2]]
        record = {"from": nodes[edge[0]]["id"], "to": nodes[edge[1]]["id"], "color": relation["color"]}
        record["width"] = edge[6] if data["mode"] == "map" else relation["width"]
        if relation["arrow"]:
            record["arrows"] = "to"
        edges.append(record)
    net.nodes = records
    net.edges = edges
    net.node_ids = [record["id"] for record in records]
    net.node_map = {record["id"]: record for record in records}
    net.toggle_physics(False)
    return net


def notebook_html(page: str, *, height: int = NOTEBOOK_HEIGHT, title: str = "kg map") -> str:
    """Wrap a page from :func:`kg.view.render_html` for a notebook cell: a sandboxed iframe.

    >>> cell = notebook_html("<p>x</p>", title="t")
    >>> cell.startswith("<iframe") and 'srcdoc="&lt;p&gt;x&lt;/p&gt;"' in cell
    True
    """
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(title, quote=True)}" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #d8dee4;"></iframe>'
    )


__all__ = ["notebook_html", "to_network"]

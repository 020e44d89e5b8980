"""Turn the chosen part of the graph into the JSON the page script draws.

pyvis's ``add_node`` / ``from_nx`` is quadratic (10 s for 10,000 nodes), so
the node and edge lists are built here as plain lists and handed to vis.js
as JSON. Everything that comes from papers (titles, abstracts, names, URLs)
is untrusted: :func:`embed_json` makes the JSON safe to place inside a
``<script type="application/json">`` element, and the page script only ever
writes it into the DOM with ``textContent``. Styles (colour and shape per
node type, line per relation) live here too, so the legend and the drawing
come from one table. No networkx import: the graph is only read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kg.view.layout import compute_layout
from kg.view.select import ENTITY_TYPES, NODE_TYPES, ViewSummary, node_kind
from kg.view.spelling import spelling_rules

if TYPE_CHECKING:
    import networkx as nx

#: node kind -> (colour, vis.js shape); shapes without inner labels draw fast
NODE_STYLES: dict[str, tuple[str, str]] = {
    "Paper": ("#4e79a7", "square"),
    "Method": ("#f28e2b", "dot"),
    "Model": ("#e15759", "diamond"),
    "Dataset": ("#59a14f", "triangle"),
    "Task": ("#b07aa1", "star"),
    "Repository": ("#9c755f", "hexagon"),
    "Link": ("#8c8c8c", "triangleDown"),
}
OTHER_STYLE = ("#bab0ac", "dot")

#: relation -> (label in the legend, colour, dashed, arrow, width, spring strength in the layout)
RELATION_STYLES: dict[str, tuple[str, str, bool, bool, float, float]] = {
    "proposes": ("proposes", "#d4661b", False, True, 2.5, 1.0),
    "uses": ("uses", "#7f8c9a", False, True, 1.0, 1.0),
    "has_code": ("has code", "#9c755f", True, True, 1.5, 1.0),
    "has_link": ("has link", "#a0a0a0", True, True, 1.0, 1.0),
    "co_occurs": ("co-occurs", "#c9b8d6", False, False, 0.6, 1.0),
}
OTHER_RELATION = ("related", "#bbbbbb", False, False, 1.0, 1.0)

LABEL_CHARS = 40
"""Longest label drawn on the canvas; the side panel shows the full text."""
PAPER_LABEL_CHARS = 32
"""Longest paper title drawn as a label (titles are long; the tooltip has the whole)."""


def text_of(value: Any) -> str:
    """Coerce an attribute to text; ``None`` becomes empty."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def texts_of(value: Any) -> list[str]:
    """Coerce a list-like attribute to a list of non-empty strings."""
    if value is None or isinstance(value, (str, bytes)):
        return [text_of(value)] if value else []
    try:
        return [text_of(v) for v in value if v not in (None, "")]
    except TypeError:
        return [text_of(value)]


def _number(value: Any, default: float = 0.0) -> float:
    """Coerce to a finite float (JSON has no NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


#: smallest and largest label font in screen pixels (the page never draws a label smaller)
MIN_FONT = 12
MAX_FONT = 17


def label_font(papers: int, most: int) -> int:
    """Label size in screen pixels: 12 px, up to 17 px for the entity in most papers.

    >>> label_font(100, 100), label_font(1, 100), label_font(0, 0)
    (17, 12, 12)
    """
    if most <= 0 or papers <= 0:
        return MIN_FONT
    return int(MIN_FONT + (MAX_FONT - MIN_FONT) * math.sqrt(min(papers, most) / most))


def short_label(text: str, *, limit: int = LABEL_CHARS) -> str:
    """Shorten a label for the canvas.

    >>> short_label("A" * 50, limit=10)
    'AAAAAAAAA\u2026'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _node_record(
    node_id: str, attrs: dict[str, Any], x: float, y: float, kind_index: dict[str, int]
) -> dict[str, Any]:
    """The JSON record of one node: drawing fields plus the details the side panel shows."""
    kind = node_kind(attrs)
    label = text_of(
        attrs.get("label") or attrs.get("name") or attrs.get("title") or attrs.get("url") or node_id
    )
    limit = PAPER_LABEL_CHARS if kind == "Paper" else LABEL_CHARS
    record: dict[str, Any] = {
        "id": node_id,
        "k": kind_index[kind],
        "l": short_label(label, limit=limit),
        "x": x,
        "y": y,
    }
    details: dict[str, Any] = {}
    if kind == "Paper":
        size = 11.0
        details = {
            "title": text_of(attrs.get("title") or label),
            "abstract": text_of(attrs.get("abstract")),
            "url": text_of(attrs.get("url")),
            "paper_id": text_of(attrs.get("paper_id")),
            "authors": texts_of(attrs.get("authors")),
            "date": text_of(attrs.get("date")),
            "categories": texts_of(attrs.get("categories")),
        }
    elif kind in ("Repository", "Link"):
        size = 10.0
        details = {"url": text_of(attrs.get("url")), "link_kind": text_of(attrs.get("link_kind"))}
    else:
        papers = int(_number(attrs.get("paper_count"), 0))
        size = round(min(30.0, 9.0 + 4.0 * math.sqrt(max(papers, 0))), 1)
        details = {
            "name": text_of(attrs.get("name") or label),
            "aliases": texts_of(attrs.get("aliases")),
            "papers": papers,
            "mentions": int(_number(attrs.get("mention_count"), 0)),
        }
    record["s"] = size
    record.update({key: value for key, value in details.items() if value not in ("", [], None)})
    return record


def evidence_sentence(attrs: dict[str, Any]) -> str:
    """The first evidence sentence of an edge (mention edges keep a list, link edges one)."""
    evidence = attrs.get("evidence")
    if isinstance(evidence, (list, tuple)):
        for item in evidence:
            if isinstance(item, dict) and item.get("sentence"):
                return text_of(item["sentence"])
    return text_of(attrs.get("sentence"))


def build_payload(
    graph: nx.DiGraph, kept: Sequence[str], summary: ViewSummary, *, title: str
) -> dict[str, Any]:
    """Build the page data: styles, summary, node and edge lists with positions.

    Args:
        graph: the whole graph (only read).
        kept: the node ids to draw, sorted.
        summary: what was left out, shown in the page header.
        title: the page heading.

    Returns:
        A JSON-ready dict; nodes are referred to by their index in ``nodes``.
    """
    index = {node: i for i, node in enumerate(kept)}
    attrs_of = [graph.nodes[node] for node in kept]
    kind_of = [node_kind(attrs) for attrs in attrs_of]
    kinds = list(NODE_TYPES) + sorted(set(kind_of) - set(NODE_TYPES))
    kind_index = {kind: i for i, kind in enumerate(kinds)}
    # edges in (source index, target index) order; a DiGraph has one edge per pair
    raw_edges: list[tuple[int, int, str, dict[str, Any]]] = []
    successors = graph.succ
    for a, node in enumerate(kept):
        targets = sorted((index[v], attrs) for v, attrs in successors[node].items() if v in index)
        for b, attrs in targets:
            raw_edges.append((a, b, text_of(attrs.get("relation") or "related"), attrs))
    relations_present = {e[2] for e in raw_edges}
    relations = list(RELATION_STYLES) + sorted(relations_present - set(RELATION_STYLES))
    relation_index = {name: i for i, name in enumerate(relations)}

    # co-occurrence edges form a clique per paper: with papers in view they only
    # crush each paper's entities together, the paper's own edges say the same
    skip = {"co_occurs"} if "Paper" in kind_of else set()
    spring_of = {name: RELATION_STYLES.get(name, OTHER_RELATION)[5] for name in relations}
    layout_edges = [e for e in raw_edges if e[2] not in skip]
    positions = compute_layout(
        len(kept), [(a, b) for a, b, _, _ in layout_edges], weights=[spring_of[e[2]] for e in layout_edges]
    )

    nodes = [
        _node_record(node, attrs, x, y, kind_index) for node, attrs, (x, y) in zip(kept, attrs_of, positions)
    ]
    edges: list[list[Any]] = []
    for a, b, relation, attrs in raw_edges:
        if relation == "co_occurs":
            edges.append([a, b, relation_index[relation], round(_number(attrs.get("weight"), 1.0), 3), ""])
        else:
            weight = round(_number(attrs.get("confidence"), 1.0), 3)
            edges.append([a, b, relation_index[relation], weight, evidence_sentence(attrs)])

    counts = {kind: 0 for kind in kinds}
    for kind in kind_of:
        counts[kind] += 1
    types = []
    for kind in kinds:
        colour, shape = NODE_STYLES.get(kind, OTHER_STYLE)
        types.append({"name": kind, "color": colour, "shape": shape, "count": counts[kind]})
    rels = []
    for name in relations:
        label, colour, dashed, arrow, width, _ = RELATION_STYLES.get(name, OTHER_RELATION)
        rels.append(
            {"name": name, "label": label, "color": colour, "dashes": dashed, "arrow": arrow, "width": width}
        )
    _add_label_priority(nodes, kinds)
    return {
        "mode": "papers",
        "title": title,
        "summary": summary.to_dict(),
        "types": types,
        "relations": rels,
        "clusters": [],
        "nodes": nodes,
        "edges": edges,
        "labels": _label_order(nodes, kinds),
        "spelling": [list(rule) for rule in spelling_rules()],
    }


def _label_rank(node: dict[str, Any], kinds: list[str]) -> tuple[int, int]:
    """Which labels win a place first: shared entities, then papers, then the rest."""
    kind = kinds[node["k"]]
    papers = int(node.get("papers", 0))
    if kind in ENTITY_TYPES and papers >= 2:
        return (0, -papers)
    if kind == "Paper":
        return (1, 0)
    if kind in ENTITY_TYPES:
        return (2, 0)
    return (3, 0)


def _label_order(nodes: list[dict[str, Any]], kinds: list[str]) -> list[int]:
    """Node indices in label priority order (ties by node order, which is sorted by id)."""
    return sorted(range(len(nodes)), key=lambda i: (*_label_rank(nodes[i], kinds), i))


def _add_label_priority(nodes: list[dict[str, Any]], kinds: list[str]) -> None:
    """Give each node its label font size: bigger for entities in more papers."""
    most = max((int(n.get("papers", 0)) for n in nodes if kinds[n["k"]] in ENTITY_TYPES), default=0)
    for node in nodes:
        node["f"] = (
            label_font(int(node.get("papers", 0)), most) if kinds[node["k"]] in ENTITY_TYPES else MIN_FONT
        )


def embed_json(data: Any) -> str:
    """Serialise ``data`` for a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so no text can close the
    element or open a comment; every non-ASCII character (including U+2028
    and U+2029) is escaped too. The result parses back to ``data`` with
    ``JSON.parse``.

    >>> embed_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

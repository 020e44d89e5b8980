"""Turn an :class:`~kg.view.entity_map.EntityMap` into the JSON the page script draws.

The map's nodes are entities only; the papers behind them travel in a
separate table, a bounded number per entity (those that propose it first,
then the newest), so the side panel can list them and open any of them
without drawing a node per paper. Everything from papers is untrusted text:
it goes into the page through :func:`kg.view.payload.embed_json` and is
only written to the DOM as text.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kg.view.clusters import PALETTE
from kg.view.entity_map import DRAWN_PER_ENTITY, EntityMap
from kg.view.payload import (
    NODE_STYLES,
    OTHER_STYLE,
    evidence_sentence,
    label_font,
    short_label,
    text_of,
    texts_of,
)
from kg.view.select import NODE_TYPES, ViewSummary, node_kind, raw_adjacency, raw_nodes
from kg.view.spelling import spelling_rules

if TYPE_CHECKING:
    import networkx as nx

#: papers listed (and carried in the page) per entity; the panel says how many more there are
PANEL_PAPERS = 10
#: associated entities listed in an entity's panel
PANEL_ASSOCIATES = 12
#: longest map label; the tooltip and the panel show the full name
MAP_LABEL_CHARS = 30
#: longest abstract and evidence sentence carried into the page
ABSTRACT_CHARS = 4000
SENTENCE_CHARS = 400
#: authors listed per paper
AUTHORS = 8
#: the neutral colour of type swatches on the map (colour means cluster there)
TYPE_SWATCH = "#6e7781"
TIE_STYLE = {
    "name": "co_occurs",
    "label": "strongest ties",
    "color": "#9aa4ae",
    "dashes": False,
    "arrow": False,
    "width": 1.0,
}

_MENTIONS = ("proposes", "uses")
_LINKS = ("has_code", "has_link")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _entity_papers(
    pred: Mapping[str, dict[str, Any]], rank: Mapping[str, int], limit: int
) -> list[tuple[str, int, str]]:
    """The papers an entity's panel lists: proposing papers first, then by ``rank`` (newest first)."""
    rows = []
    for paper, attrs in pred.items():
        relation = attrs.get("relation")
        if relation == "uses" or relation == "proposes":
            at = rank.get(paper)
            if at is not None:
                rows.append((0 if relation == "proposes" else 1, at, paper))
    return [
        (paper, 1 - role, _clip(evidence_sentence(pred[paper]), SENTENCE_CHARS))
        for role, _, paper in heapq.nsmallest(limit, rows)
    ]


def paper_ranks(nodes: Mapping[str, dict[str, Any]]) -> dict[str, int]:
    """Rank every paper newest first (by date, then id), once, so each entity's list is a cheap pick.

    >>> paper_ranks({"paper:b": {"kind": "Paper", "date": "2025-01"}, "paper:a": {"kind": "Paper", "date": "2025-01"},
    ...              "paper:c": {"kind": "Paper", "date": "2025-03"}, "method:x": {"kind": "Method"}})
    {'paper:c': 0, 'paper:a': 1, 'paper:b': 2}
    """
    papers = sorted(node for node, attrs in nodes.items() if attrs.get("kind") == "Paper")
    papers.sort(key=lambda node: text_of(nodes[node].get("date")), reverse=True)
    return {node: i for i, node in enumerate(papers)}


def _paper_record(
    graph: nx.DiGraph,
    nodes: Mapping[str, dict[str, Any]],
    paper: str,
    index: dict[str, int],
    kind_index: dict[str, int],
) -> dict[str, Any]:
    """A paper as the side panel shows it: metadata, entities (linked when on the map), links, abstract."""
    attrs = nodes[paper]
    entities: list[list[Any]] = []
    links: list[list[str]] = []
    for target, edge in sorted(raw_adjacency(graph)[0][paper].items()):
        relation = edge.get("relation")
        target_attrs = nodes[target]
        if relation in _MENTIONS:
            kind = node_kind(target_attrs)
            name = text_of(target_attrs.get("name") or target_attrs.get("label") or target)
            entities.append(
                [index.get(target, -1), kind_index.get(kind, -1), name, 1 if relation == "proposes" else 0]
            )
        elif relation in _LINKS:
            kind = "code" if relation == "has_code" else text_of(edge.get("link_kind") or "link")
            links.append([text_of(target_attrs.get("url") or target), kind])
    entities.sort(key=lambda e: (e[1], e[2].casefold(), e[2]))
    authors = texts_of(attrs.get("authors"))
    record: dict[str, Any] = {
        "id": paper,
        "title": text_of(attrs.get("title") or attrs.get("label") or paper),
        "url": text_of(attrs.get("url")),
        "paper_id": text_of(attrs.get("paper_id")),
        "date": text_of(attrs.get("date")),
        "authors": authors[:AUTHORS],
        "more_authors": max(len(authors) - AUTHORS, 0),
        "categories": texts_of(attrs.get("categories")),
        "abstract": _clip(text_of(attrs.get("abstract")), ABSTRACT_CHARS),
        "ents": entities,
        "links": links,
    }
    return {key: value for key, value in record.items() if value not in ("", [], None, 0)}


def _associates(entity_map: EntityMap) -> list[list[list[Any]]]:
    """Per entity: its most associated map entities ``[index, papers together, strength]``."""
    per: list[list[tuple[float, int, int]]] = [[] for _ in entity_map.entities]
    for tie in entity_map.ties:
        per[tie.a].append((tie.strength, tie.together, tie.b))
        per[tie.b].append((tie.strength, tie.together, tie.a))
    out = []
    for rows in per:
        rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
        out.append(
            [[other, together, round(strength, 2)] for strength, together, other in rows[:PANEL_ASSOCIATES]]
        )
    return out


def _tie_widths(entity_map: EntityMap) -> dict[int, float]:
    """Line width per drawn tie: 0.6 to 3 px, growing with the log of the strength."""
    drawn = entity_map.drawn
    if not drawn:
        return {}
    logs = [math.log1p(entity_map.ties[k].strength) for k in drawn]
    low, high = min(logs), max(logs)
    span = high - low or 1.0
    return {k: round(0.6 + 2.4 * (value - low) / span, 2) for k, value in zip(drawn, logs)}


def build_map_payload(
    graph: nx.DiGraph, entity_map: EntityMap, summary: ViewSummary, *, title: str
) -> dict[str, Any]:
    """Build the page data of an entity map.

    Returns:
        A JSON-ready dict: ``nodes`` (entities with position, size, cluster,
        font size and panel data), ``edges`` (drawn ties), ``clusters``,
        ``papers`` (the table the panels refer to), ``labels`` (node indices,
        most important first) and the search ``spelling`` rules.
    """
    # plain dicts for the many look-ups below: networkx's views cost more per access
    nodes_attrs = raw_nodes(graph)
    preds = raw_adjacency(graph)[1]
    ranks = paper_ranks(nodes_attrs)
    entities = list(entity_map.entities)
    index = {node: i for i, node in enumerate(entities)}
    kinds = list(NODE_TYPES)
    kind_index = {kind: i for i, kind in enumerate(kinds)}
    for node in entities:
        kind = node_kind(nodes_attrs[node])
        if kind not in kind_index:
            kind_index[kind] = len(kinds)
            kinds.append(kind)
    most = max(entity_map.paper_counts, default=0)
    associates = _associates(entity_map)

    paper_index: dict[str, int] = {}
    paper_ids: list[str] = []
    nodes: list[dict[str, Any]] = []
    for i, node in enumerate(entities):
        attrs = nodes_attrs[node]
        name = text_of(attrs.get("name") or attrs.get("label") or node)
        listed = []
        for paper, role, sentence in _entity_papers(preds[node], ranks, PANEL_PAPERS):
            if paper not in paper_index:
                paper_index[paper] = len(paper_ids)
                paper_ids.append(paper)
            listed.append([paper_index[paper], role, sentence])
        x, y = entity_map.positions[i]
        record: dict[str, Any] = {
            "id": node,
            "k": kind_index[node_kind(attrs)],
            "l": short_label(name, limit=MAP_LABEL_CHARS),
            "x": x,
            "y": y,
            "s": entity_map.radii[i],
            "c": entity_map.clusters[i],
            "f": label_font(entity_map.paper_counts[i], most),
            "name": name,
            "aliases": texts_of(attrs.get("aliases")),
            "papers": entity_map.paper_counts[i],
            "mentions": int(attrs.get("mention_count") or 0),
            "pp": listed,
            "as": associates[i],
        }
        nodes.append({key: value for key, value in record.items() if value not in ("", [], None)})
    papers = [_paper_record(graph, nodes_attrs, paper, index, kind_index) for paper in paper_ids]

    widths = _tie_widths(entity_map)
    edges = []
    for k in entity_map.drawn:
        tie = entity_map.ties[k]
        edges.append([tie.a, tie.b, 0, tie.together, "", tie.strength, widths[k]])
    sizes = [0] * len(entity_map.cluster_names)
    for cluster in entity_map.clusters:
        sizes[cluster] += 1
    clusters = [
        {"name": name, "color": PALETTE[i % len(PALETTE)], "size": sizes[i]}
        for i, name in enumerate(entity_map.cluster_names)
    ]
    counts = {kind: 0 for kind in kinds}
    for record in nodes:
        counts[kinds[record["k"]]] += 1
    types = [
        {
            "name": kind,
            "color": TYPE_SWATCH,
            "shape": NODE_STYLES.get(kind, OTHER_STYLE)[1],
            "count": counts[kind],
        }
        for kind in kinds
    ]
    return {
        "mode": "map",
        "title": title,
        "summary": summary.to_dict(),
        "types": types,
        "relations": [TIE_STYLE],
        "clusters": clusters,
        "nodes": nodes,
        "edges": edges,
        "papers": papers,
        "labels": list(range(len(nodes))),
        "ties_per_entity": DRAWN_PER_ENTITY,
        "spelling": [list(rule) for rule in spelling_rules()],
    }


__all__ = ["PANEL_PAPERS", "build_map_payload"]

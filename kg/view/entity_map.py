"""The entity map: what a big graph looks like with its papers folded away.

A graph of thousands of papers cannot be read node by node. Like a
VOSviewer term map, the entity map keeps only the methods, models, datasets
and tasks found in most papers, sizes them by their number of papers, ties
them by association strength (:mod:`kg.view.association`) rather than raw
co-occurrence, draws only the few strongest ties of each, colours them by
cluster (:mod:`kg.view.clusters`) and places them with those ties
(:mod:`kg.view.layout`). Papers stay one click away: each entity carries the
papers the side panel lists.

This module decides what is on the map and computes its numbers; it writes
no JSON and no HTML (:mod:`kg.view.map_payload` does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.view.association import link_strength
from kg.view.clusters import find_clusters
from kg.view.layout import compute_layout, spread_overlaps
from kg.view.select import paper_count, raw_adjacency

if TYPE_CHECKING:
    import networkx as nx

#: entities on the map when the caller sets no limit
DEFAULT_MAP_ENTITIES = 500
#: a tie needs at least this many shared papers to count (one shared paper is chance on a big corpus)
MIN_TOGETHER = 2
#: ties drawn per entity: its strongest few
DRAWN_PER_ENTITY = 3
#: ties per entity that pull it into place (more than are drawn: the layout needs them)
LAYOUT_PER_ENTITY = 8
#: smallest and largest node radius in layout pixels: the biggest hub never covers the map
MIN_RADIUS = 8.0
MAX_RADIUS = 40.0
#: cluster names are made of this many of the cluster's top entities
NAME_ENTITIES = 3
#: layout spring factors: ties inside a cluster, ties across clusters, each entity to its cluster's hub
INSIDE_CLUSTER = 3.0
ACROSS_CLUSTERS = 0.3
TO_CLUSTER_HUB = 1.5


@dataclass(frozen=True)
class Tie:
    """A co-occurrence tie between two map entities (indices into :attr:`EntityMap.entities`)."""

    a: int
    b: int
    together: int
    strength: float


@dataclass(frozen=True)
class EntityMap:
    """Everything the page needs to draw the map, in plain numbers and ids.

    Attributes:
        entities: node ids, most papers first (ties by id); the order is the label priority.
        paper_counts: papers per entity.
        ties: every tie among map entities with at least :data:`MIN_TOGETHER` shared papers.
        drawn: indices into ``ties`` of the ties drawn (each entity's strongest few).
        clusters: cluster number per entity (0 is the largest).
        cluster_names: a name per cluster, from its top entities.
        positions: (x, y) per entity in layout pixels.
        radii: node radius per entity in layout pixels.
        total_papers: papers in the whole graph (the scale of the association strength).
    """

    entities: tuple[str, ...]
    paper_counts: tuple[int, ...]
    ties: tuple[Tie, ...]
    drawn: tuple[int, ...]
    clusters: tuple[int, ...]
    cluster_names: tuple[str, ...]
    positions: tuple[tuple[float, float], ...]
    radii: tuple[float, ...]
    total_papers: int


def find_ties(
    graph: nx.DiGraph, entities: list[str], total_papers: int, *, min_together: int = MIN_TOGETHER
) -> list[Tie]:
    """Return the co-occurrence ties among ``entities`` sharing ``min_together`` papers or more.

    ``co_occurs`` edges go one way (DESIGN.md); both directions are read so a
    graph written the other way round gives the same ties.
    """
    counts = [paper_count(graph.nodes[n]) for n in entities]
    found: dict[tuple[int, int], Tie] = {}
    succ = raw_adjacency(graph)[0]
    # a hub has tens of thousands of co-occurrence neighbours but only a few hundred on the map:
    # looking up each pair of map entities costs less than walking every hub's neighbours
    for i, node in enumerate(entities):
        own = succ[node]
        for j, other in enumerate(entities):
            attrs = own.get(other) if j != i else None
            if attrs is None or attrs.get("relation") != "co_occurs":
                continue
            together, strength = link_strength(attrs, counts[i], counts[j], total_papers)
            if together < min_together or strength <= 0:
                continue
            a, b = min(i, j), max(i, j)
            found[(a, b)] = Tie(a, b, int(together), round(strength, 4))
    return [found[key] for key in sorted(found)]


def strongest(n: int, ties: list[Tie], per_node: int) -> list[int]:
    """Return the indices of the ties among each node's ``per_node`` strongest (the union), sorted.

    >>> ties = [Tie(0, 1, 5, 9.0), Tie(0, 2, 5, 1.0), Tie(1, 2, 5, 3.0), Tie(2, 3, 2, 0.5)]
    >>> strongest(4, ties, 1)
    [0, 2, 3]
    """
    by_node: list[list[int]] = [[] for _ in range(n)]
    for k, tie in enumerate(ties):
        by_node[tie.a].append(k)
        by_node[tie.b].append(k)
    chosen: set[int] = set()
    for own in by_node:
        own.sort(key=lambda k: (-ties[k].strength, -ties[k].together, k))
        chosen.update(own[:per_node])
    return sorted(chosen)


def node_radius(papers: int, most: int) -> float:
    """Radius growing with the square root of the paper count, bounded to [MIN_RADIUS, MAX_RADIUS].

    >>> node_radius(100, 100), node_radius(1, 100)
    (40.0, 11.2)
    """
    if most <= 0:
        return MIN_RADIUS
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(max(papers, 0) / most), 1)


def name_clusters(graph: nx.DiGraph, entities: list[str], clusters: list[int]) -> list[str]:
    """Name each cluster by its top entities (most papers first), e.g. ``"LoRA · DPO · GSM8K"``."""
    members: dict[int, list[str]] = {}
    for node, cluster in zip(entities, clusters):  # entities are already most papers first
        members.setdefault(cluster, []).append(node)
    names = []
    for cluster in range(len(members)):
        top = members[cluster][:NAME_ENTITIES]
        names.append(
            " \u00b7 ".join(str(graph.nodes[n].get("name") or graph.nodes[n].get("label") or n) for n in top)
        )
    return names


def _layout_springs(
    n: int, ties: list[Tie], picked: list[int], clusters: list[int]
) -> tuple[list[tuple[int, int]], list[float]]:
    """The springs of the map layout: the strongest ties, plus one invisible hub per cluster.

    Ties pull by association strength relative to the median, three times
    harder inside a cluster and much weaker across clusters; each entity is
    also tied to its cluster's hub (an extra node at index ``n + cluster``,
    dropped after the layout). Clusters then read as regions of the map, as
    in VOSviewer, while ties across clusters still set which regions neighbour.
    """
    values = sorted(ties[k].strength for k in picked)
    median = values[len(values) // 2] if values else 1.0
    springs: list[tuple[int, int]] = []
    weights: list[float] = []
    for k in picked:
        tie = ties[k]
        weight = min(max(tie.strength / median, 0.2), 4.0)
        weight *= INSIDE_CLUSTER if clusters[tie.a] == clusters[tie.b] else ACROSS_CLUSTERS
        springs.append((tie.a, tie.b))
        weights.append(round(weight, 4))
    for node, cluster in enumerate(clusters):
        springs.append((node, n + cluster))
        weights.append(TO_CLUSTER_HUB)
    return springs, weights


def _weakest_links(n: int, weak: list[Tie], strong: list[Tie]) -> list[Tie]:
    """For each entity without any strong tie, its best single-paper tie (so it sits near its kin)."""
    tied = {t.a for t in strong} | {t.b for t in strong}
    best: dict[int, Tie] = {}
    for tie in weak:
        for node in (tie.a, tie.b):
            if node in tied:
                continue
            held = best.get(node)
            if held is None or (tie.strength, tie.together) > (held.strength, held.together):
                best[node] = tie
    return [best[node] for node in sorted(best)]


def build_entity_map(graph: nx.DiGraph, entities: list[str], *, total_papers: int) -> EntityMap:
    """Compute ties, clusters, names, sizes and positions of the chosen ``entities``.

    Args:
        graph: the whole graph (only read).
        entities: the map's entity ids, most papers first (see :func:`top_entities`).
        total_papers: papers in the whole graph.
    """
    counts = [paper_count(graph.nodes[n]) for n in entities]
    every = find_ties(graph, entities, total_papers, min_together=1)
    ties = [t for t in every if t.together >= MIN_TOGETHER]
    n = len(entities)
    loners = _weakest_links(n, [t for t in every if t.together < MIN_TOGETHER], ties)
    clusters = find_clusters(n, [(t.a, t.b, t.strength) for t in ties + loners])
    drawn = strongest(n, ties, DRAWN_PER_ENTITY)
    layout_ties = ties + loners
    springs, weights = _layout_springs(n, layout_ties, strongest(n, layout_ties, LAYOUT_PER_ENTITY), clusters)
    hubs = max(clusters, default=-1) + 1
    positions = compute_layout(n + hubs, springs, weights=weights)[:n]
    most = max(counts, default=0)
    radii = [node_radius(c, most) for c in counts]
    positions = spread_overlaps(positions, radii, gap=4.0)
    return EntityMap(
        entities=tuple(entities),
        paper_counts=tuple(counts),
        ties=tuple(ties),
        drawn=tuple(drawn),
        clusters=tuple(clusters),
        cluster_names=tuple(name_clusters(graph, entities, clusters)),
        positions=tuple(positions),
        radii=tuple(radii),
        total_papers=total_papers,
    )


__all__ = [
    "DEFAULT_MAP_ENTITIES",
    "EntityMap",
    "Tie",
    "build_entity_map",
    "find_ties",
    "node_radius",
    "strongest",
]

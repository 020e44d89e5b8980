"""Clusters of the entity map: groups of entities that keep appearing together.

A map of a field reads as a handful of regions ("3D vision", "LLM
reasoning", ...), each in its own colour, as in VOSviewer. The groups come
from Louvain community detection (networkx) over association strength; tiny
communities are folded into the neighbouring one they are most tied to, and
the smallest are merged until the count fits a palette a person can tell
apart. Deterministic: fixed seed, sorted input, ties broken by index. Works
on integer node indices; knows nothing of the graph or the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

#: at most this many clusters (each needs a colour a person can tell from the others)
MAX_CLUSTERS = 14
#: a community smaller than this is folded into its best-tied neighbour
MIN_CLUSTER_SIZE = 4
_SEED = 20250829

#: cluster colours, chosen to stay distinct from each other and readable on white
PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#17becf",
    "#e377c2",
    "#8c564b",
    "#bcbd22",
    "#393b79",
    "#e7969c",
    "#637939",
    "#7f7f7f",
    "#f0b400",
)


def find_clusters(n: int, links: Sequence[tuple[int, int, float]]) -> list[int]:
    """Return a cluster number per node, cluster 0 the largest.

    Args:
        n: number of nodes (``0 .. n-1``).
        links: undirected ``(a, b, weight)`` triples; weight is the association strength.

    Returns:
        A list of ``n`` cluster numbers in ``0 .. k-1`` with ``k <= MAX_CLUSTERS``,
        numbered by size (largest first, ties by smallest member).

    >>> find_clusters(8, [(0, 1, 5), (1, 2, 5), (0, 2, 5), (2, 3, 5), (4, 5, 5), (5, 6, 5), (4, 6, 5),
    ...                   (6, 7, 5), (3, 4, 0.1)])
    [0, 0, 0, 0, 1, 1, 1, 1]
    """
    if n == 0:
        return []
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for a, b, weight in sorted(links):
        if a != b and weight > 0:
            graph.add_edge(a, b, weight=float(weight))
    communities = nx.community.louvain_communities(graph, weight="weight", seed=_SEED)
    label = [0] * n
    for number, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c)))):
        for node in members:
            label[node] = number
    edges = [(a, b, float(data["weight"])) for a, b, data in graph.edges(data=True)]
    return _renumber(_fold_small(label, edges))


def _cluster_ties(label: list[int], edges: list[tuple[int, int, float]]) -> dict[int, dict[int, float]]:
    """Total link weight between each pair of different clusters (both directions)."""
    ties: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for a, b, weight in edges:
        la, lb = label[a], label[b]
        if la != lb:
            ties[la][lb] += weight
            ties[lb][la] += weight
    return ties


def _fold_small(label: list[int], edges: list[tuple[int, int, float]]) -> list[int]:
    """Merge tiny clusters, then the smallest while there are too many, into their best-tied neighbour.

    A cluster with no link to any other (an island) goes to another island,
    or to the largest cluster when it is the only one left over.
    """
    label = list(label)
    while True:
        sizes: dict[int, int] = defaultdict(int)
        for own in label:
            sizes[own] += 1
        if len(sizes) <= 1:
            return label
        order = sorted(sizes, key=lambda c: (sizes[c], -c))
        ties = _cluster_ties(label, edges)
        small = [c for c in order if sizes[c] < MIN_CLUSTER_SIZE and ties.get(c)]
        islands = [c for c in order if not ties.get(c)]
        if small:
            chosen = small[0]
        elif len(sizes) > MAX_CLUSTERS:
            chosen = order[0]
        elif len([c for c in islands if sizes[c] < MIN_CLUSTER_SIZE]) > 1:
            chosen = next(c for c in islands if sizes[c] < MIN_CLUSTER_SIZE)
        else:
            return label
        tied = ties.get(chosen)
        if tied:
            target = max(tied, key=lambda c: (tied[c], -c))
        else:
            others = [c for c in islands if c != chosen]
            target = others[0] if others else max(sizes, key=lambda c: (sizes[c], -c))
        label = [target if own == chosen else own for own in label]


def _renumber(label: list[int]) -> list[int]:
    """Number clusters by size, largest first; ties by smallest member."""
    members: dict[int, list[int]] = defaultdict(list)
    for node, own in enumerate(label):
        members[own].append(node)
    order = sorted(members, key=lambda c: (-len(members[c]), members[c][0]))
    new = {old: i for i, old in enumerate(order)}
    return [new[own] for own in label]

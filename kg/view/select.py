"""Choose which part of a big graph the HTML page draws, and say what was left out.

A browser copes with a few thousand nodes, not with everything a large
build produces, so the page can be limited to some node types, to the
neighbourhood of one entity, or to the most connected part. Every choice is
deterministic (ties broken by node id) so the same graph and options always
give the same page. This module only picks node ids; it does not lay out or
render anything.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import InputError
from kg.normalize import match_key
from kg.view.spelling import search_key

if TYPE_CHECKING:
    import networkx as nx

#: Node kinds of the graph contract (docs/DESIGN.md), in legend order.
NODE_TYPES: tuple[str, ...] = ("Paper", "Method", "Model", "Dataset", "Task", "Repository", "Link")
ENTITY_TYPES: frozenset[str] = frozenset({"Method", "Model", "Dataset", "Task"})

ViewMode = Literal["map", "papers"]
#: what ``mode`` accepts: a map of entities, papers with their entities as nodes, or chosen by size
MODES: tuple[str, ...] = ("auto", "map", "papers")
#: ``auto`` draws papers as nodes up to this many papers, and the entity map above it
PAPERS_MODE_MAX_PAPERS = 150


@dataclass(frozen=True)
class ViewSummary:
    """What the page shows compared with the whole graph.

    Attributes:
        total_nodes: nodes in the input graph.
        total_edges: edges in the input graph.
        shown_nodes: nodes drawn on the page.
        shown_edges: edges drawn on the page.
        hidden_by_type: node kind -> number of nodes of that kind left out.
        criteria: human-readable list of the options that reduced the view.
        focus_nodes: node ids the ``focus`` name resolved to (empty without focus).
    """

    total_nodes: int
    total_edges: int
    shown_nodes: int
    shown_edges: int
    hidden_by_type: dict[str, int] = field(default_factory=dict)
    criteria: tuple[str, ...] = ()
    focus_nodes: tuple[str, ...] = ()
    mode: ViewMode = "papers"
    total_entities: int = 0
    total_papers: int = 0
    clusters: int = 0

    @property
    def hidden_nodes(self) -> int:
        """Number of nodes left out."""
        return self.total_nodes - self.shown_nodes

    @property
    def message(self) -> str:
        """One sentence for the page header and the CLI.

        >>> ViewSummary(10234, 20000, 500, 900, {"Paper": 9000, "Method": 734}).message
        'showing 500 of 10,234 nodes and 900 of 20,000 edges; 9,734 hidden: 9,000 Paper, 734 Method'
        >>> ViewSummary(9000, 20000, 500, 900, mode="map", total_entities=4000, total_papers=1000, clusters=9).message
        'entity map of 1,000 papers: the 500 of 4,000 entities in most papers, their 900 strongest ties, 9 clusters; papers are listed in the side panel'
        """
        if self.mode == "map":
            text = (
                f"entity map of {self.total_papers:,} papers: the {self.shown_nodes:,} of "
                f"{self.total_entities:,} entities in most papers, their {self.shown_edges:,} strongest ties, "
                f"{self.clusters:,} cluster{'s' if self.clusters != 1 else ''}; papers are listed in the side panel"
            )
            if self.criteria:
                text += " (" + "; ".join(self.criteria) + ")"
            return text
        text = (
            f"showing {self.shown_nodes:,} of {self.total_nodes:,} nodes and "
            f"{self.shown_edges:,} of {self.total_edges:,} edges"
        )
        if self.hidden_nodes:
            parts = [f"{count:,} {kind}" for kind, count in _ordered_counts(self.hidden_by_type)]
            text += f"; {self.hidden_nodes:,} hidden: " + ", ".join(parts)
        if self.criteria:
            text += " (" + "; ".join(self.criteria) + ")"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form embedded in the page."""
        return {
            "total_nodes": self.total_nodes,
            "total_edges": self.total_edges,
            "shown_nodes": self.shown_nodes,
            "shown_edges": self.shown_edges,
            "hidden_nodes": self.hidden_nodes,
            "hidden_by_type": dict(_ordered_counts(self.hidden_by_type)),
            "criteria": list(self.criteria),
            "focus_nodes": list(self.focus_nodes),
            "mode": self.mode,
            "total_entities": self.total_entities,
            "total_papers": self.total_papers,
            "clusters": self.clusters,
            "message": self.message,
        }


def _ordered_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Sort counts by legend order, unknown kinds last by name."""
    order = {kind: i for i, kind in enumerate(NODE_TYPES)}
    return sorted(
        ((k, v) for k, v in counts.items() if v), key=lambda kv: (order.get(kv[0], len(order)), kv[0])
    )


def raw_adjacency(graph: nx.DiGraph) -> tuple[Mapping[str, dict[str, Any]], Mapping[str, dict[str, Any]]]:
    """Return networkx's own successor and predecessor dicts of ``graph``, to be read only.

    ``graph.succ[node]`` and ``graph.pred[node]`` wrap every look-up in a view
    object; on the 92k-paper graph those wrappers were most of the entity
    map's generation time (2.7 of 4.9 s, profiled). The raw dicts hold the
    same data; this module and the map only read them.
    """
    return graph._succ, graph._pred


def raw_nodes(graph: nx.DiGraph) -> Mapping[str, dict[str, Any]]:
    """Return networkx's own node-attribute dict of ``graph`` (read only; see :func:`raw_adjacency`)."""
    return graph._node


def node_kind(attrs: dict[str, Any]) -> str:
    """Return a node's kind, tolerating graphs that lack the attribute."""
    return str(attrs.get("kind") or "Node")


def parse_types(types: Collection[str] | str | None) -> frozenset[str] | None:
    """Validate node type names case-insensitively; ``None`` means all types.

    Raises:
        InputError: a name that is not a node type of the graph contract.

    >>> sorted(parse_types("method, dataset"))
    ['Dataset', 'Method']
    """
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    by_lower = {t.lower(): t for t in NODE_TYPES}
    chosen: set[str] = set()
    for raw in items:
        name = raw.strip()
        if not name:
            continue
        if name.lower() not in by_lower:
            raise InputError(f"unknown node type {name!r}; choose from {', '.join(NODE_TYPES)}")
        chosen.add(by_lower[name.lower()])
    if not chosen:
        raise InputError(f"no node type given; choose from {', '.join(NODE_TYPES)}")
    return frozenset(chosen)


def node_names(node_id: str, attrs: dict[str, Any]) -> list[str]:
    """Return every name a person may search a node by: name, label, aliases, title, url, id."""
    names = [node_id]
    for key in ("name", "label", "title", "url"):
        value = attrs.get(key)
        if isinstance(value, str) and value:
            names.append(value)
    aliases = attrs.get("aliases") or ()
    if isinstance(aliases, (list, tuple)):
        names.extend(str(a) for a in aliases if a)
    return names


def find_nodes(graph: nx.DiGraph, name: str) -> list[str]:
    """Return the ids of nodes whose name, alias, title or id matches ``name``.

    Matching uses :func:`kg.normalize.match_key` (case and dash folding), so
    ``"bert"`` finds the node named ``BERT``; when nothing matches so, the
    search key of :mod:`kg.view.spelling` (no spaces or punctuation, American
    spelling) is tried, so ``"low rank adaptation"`` finds
    ``Low-Rank Adaptation`` as the page's search box does. Several nodes can
    match (a method and a task with the same name); all are returned, sorted.

    Raises:
        InputError: nothing matches; the message lists close names to try.
    """
    key = match_key(name)
    if not key:
        raise InputError("empty --focus name")
    hits = sorted(
        n for n, attrs in graph.nodes(data=True) if key in {match_key(x) for x in node_names(n, attrs)}
    )
    if hits:
        return hits
    folded = search_key(name)
    if folded:
        hits = sorted(
            n
            for n, attrs in graph.nodes(data=True)
            if folded in {search_key(x) for x in node_names(n, attrs)}
        )
        if hits:
            return hits
    close: set[str] = set()
    for n, attrs in graph.nodes(data=True):
        if any(folded and folded in search_key(x) for x in node_names(n, attrs)):
            close.add(str(attrs.get("name") or attrs.get("label") or n))
    hint = f"; similar names: {', '.join(sorted(close)[:5])}" if close else ""
    raise InputError(f"no node named {name!r} in the graph{hint}")


def _undirected_neighbours(graph: nx.DiGraph, node: str, allowed: frozenset[str] | set[str]) -> Iterable[str]:
    for other in graph.successors(node):
        if other in allowed:
            yield other
    for other in graph.predecessors(node):
        if other in allowed:
            yield other


def neighbourhood(graph: nx.DiGraph, seeds: Iterable[str], depth: int) -> dict[str, int]:
    """Return node -> hop distance for every node within ``depth`` hops of ``seeds``.

    Edge direction is ignored: a method is one hop from the papers that use it.
    """
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, got {depth}")
    everything = frozenset(graph.nodes)
    dist = {s: 0 for s in seeds}
    frontier = sorted(dist)
    for hop in range(1, depth + 1):
        nxt: set[str] = set()
        for node in frontier:
            for other in _undirected_neighbours(graph, node, everything):
                if other not in dist:
                    dist[other] = hop
                    nxt.add(other)
        frontier = sorted(nxt)
        if not frontier:
            break
    return dist


def most_connected(
    graph: nx.DiGraph, candidates: set[str], limit: int, *, seeds: dict[str, int] | None = None
) -> set[str]:
    """Keep ``limit`` nodes of ``candidates``, growing connected regions from the hubs.

    Starting from the node with most neighbours (or from ``seeds``, nearest
    first) the region grows through whichever frontier node has the highest
    degree, so the result is a connected, hub-centred part of the graph
    rather than scattered high-degree nodes. When a region is exhausted the
    next best unvisited node starts a new one. Ties are broken by node id.

    Args:
        graph: the whole graph.
        candidates: nodes allowed in the result.
        limit: maximum number of nodes kept.
        seeds: node -> distance to prefer (focus neighbourhood); nearer nodes win.
    """
    if limit >= len(candidates):
        return set(candidates)
    degree = {n: sum(1 for _ in _undirected_neighbours(graph, n, candidates)) for n in candidates}
    dist = seeds or {}
    far = max(dist.values(), default=0) + 1

    def priority(node: str) -> tuple[int, int, str]:
        return (dist.get(node, far), -degree[node], node)

    order = sorted(candidates, key=priority)
    kept: set[str] = set()
    heap: list[tuple[int, int, str]] = []
    next_start = 0
    while len(kept) < limit:
        if not heap:
            while next_start < len(order) and order[next_start] in kept:
                next_start += 1
            if next_start >= len(order):
                break
            heapq.heappush(heap, priority(order[next_start]))
        node = heapq.heappop(heap)[2]
        if node in kept:
            continue
        kept.add(node)
        for other in _undirected_neighbours(graph, node, candidates):
            if other not in kept:
                heapq.heappush(heap, priority(other))
    return kept


def parse_mode(mode: str | None) -> str:
    """Validate a view mode name (``auto``, ``map`` or ``papers``; ``None`` means ``auto``).

    >>> parse_mode("Map")
    'map'
    """
    chosen = (mode or "auto").strip().lower()
    if chosen not in MODES:
        raise InputError(f"unknown view mode {mode!r}; choose from {', '.join(MODES)}")
    return chosen


@dataclass(frozen=True)
class Candidates:
    """The nodes left after ``focus`` and ``types``, with what the choice was.

    ``nodes`` is ``None`` when nothing was filtered (every node of the graph):
    a set of a few hundred thousand ids costs more than the rest of the map.
    """

    nodes: set[str] | None
    criteria: tuple[str, ...]
    seeds: dict[str, int] | None
    focus_nodes: tuple[str, ...]
    types: frozenset[str] | None = None

    def all_of(self, graph: nx.DiGraph) -> set[str]:
        """The candidate ids as a set (every node of ``graph`` when nothing was filtered)."""
        return set(graph.nodes) if self.nodes is None else self.nodes


def candidate_nodes(
    graph: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
) -> Candidates:
    """Apply ``focus`` (nodes within ``depth`` hops) and then ``types`` (focus nodes always stay)."""
    chosen_types = parse_types(types)
    nodes: set[str] | None = None
    criteria: list[str] = []
    seeds: dict[str, int] | None = None
    focus_nodes: tuple[str, ...] = ()
    if focus is not None:
        focus_nodes = tuple(find_nodes(graph, focus))
        seeds = neighbourhood(graph, focus_nodes, depth)
        nodes = set(seeds)
        criteria.append(f"within {depth} hop{'s' if depth != 1 else ''} of {focus!r}")
    if chosen_types is not None:
        pool = graph.nodes(data=True) if nodes is None else ((n, graph.nodes[n]) for n in nodes)
        nodes = {n for n, attrs in pool if node_kind(attrs) in chosen_types or n in focus_nodes}
        criteria.append("types " + ", ".join(t for t in NODE_TYPES if t in chosen_types))
    return Candidates(nodes, tuple(criteria), seeds, focus_nodes, chosen_types)


def choose_mode(
    graph: nx.DiGraph, candidates: Candidates, mode: str | None, *, kinds: Counter[str] | None = None
) -> ViewMode:
    """Resolve ``auto``: papers as nodes for a few papers, the entity map for more.

    A selection without entities (``--types Paper,Repository``) is always
    drawn as it is, and so is one with up to :data:`PAPERS_MODE_MAX_PAPERS`
    papers, where every paper fits on screen with its entities.

    Args:
        kinds: :func:`kind_counts` of the whole graph, when the caller has it.
    """
    chosen = parse_mode(mode)
    if chosen == "map":
        return "map"
    if chosen == "papers":
        return "papers"
    whole = kinds if kinds is not None else kind_counts(graph)
    chosen_kinds = whole if candidates.nodes is None else kind_counts(graph, candidates.nodes)
    if not any(chosen_kinds[k] for k in ENTITY_TYPES):
        return "papers"
    # "--types Method,Task" leaves the papers out of the selection, not out of the entities' story
    papers = chosen_kinds["Paper"] if candidates.types is None or "Paper" in candidates.types else whole["Paper"]
    return "papers" if papers <= PAPERS_MODE_MAX_PAPERS else "map"


def kind_counts(graph: nx.DiGraph, among: Collection[str] | None = None) -> Counter[str]:
    """Count nodes per kind, in the whole graph (``among=None``) or among some of its nodes."""
    if among is None:
        return Counter(str(attrs.get("kind") or "Node") for attrs in raw_nodes(graph).values())
    nodes = graph.nodes
    return Counter(node_kind(nodes[n]) for n in among)


def paper_count(attrs: dict[str, Any]) -> int:
    """Return an entity's number of papers (0 when missing or malformed)."""
    try:
        return max(int(attrs.get("paper_count") or 0), 0)
    except (TypeError, ValueError):
        return 0


def top_entities(
    graph: nx.DiGraph, candidates: Collection[str] | None, limit: int, *, keep: Collection[str] = ()
) -> list[str]:
    """Return up to ``limit`` entity ids, most papers first; ``keep`` always stays.

    Args:
        graph: the graph.
        candidates: the ids to choose from (``None``: every node).
        limit: how many to return.
        keep: ids returned whatever their paper count (the focus entity).

    Ties are broken by node id so the choice is deterministic.
    """
    nodes = graph.nodes
    chosen = [n for n in keep if n in nodes and node_kind(nodes[n]) in ENTITY_TYPES]
    pool = (
        (-paper_count(attrs), n)
        for n, attrs in raw_nodes(graph).items()
        if attrs.get("kind") in ENTITY_TYPES and (candidates is None or n in candidates) and n not in chosen
    )
    chosen += [n for _, n in heapq.nsmallest(max(limit - len(chosen), 0), pool)]
    chosen.sort(key=lambda n: (-paper_count(nodes[n]), n))
    return chosen


def edge_count(graph: nx.DiGraph) -> int:
    """Number of edges (networkx's ``number_of_edges`` sums degrees: several times slower)."""
    return sum(map(len, raw_adjacency(graph)[0].values()))


def map_summary(
    graph: nx.DiGraph,
    entities: Collection[str],
    candidates: Candidates,
    *,
    drawn_ties: int,
    clusters: int,
    kinds: Counter[str] | None = None,
) -> ViewSummary:
    """Describe an entity map: entities shown of all, ties drawn, papers folded away.

    Args:
        kinds: :func:`kind_counts` of the whole graph, when the caller has it.
    """
    kinds = kinds if kinds is not None else kind_counts(graph)
    shown = Counter(node_kind(graph.nodes[n]) for n in entities)
    hidden = {kind: count - shown.get(kind, 0) for kind, count in kinds.items()}
    return ViewSummary(
        total_nodes=graph.number_of_nodes(),
        total_edges=edge_count(graph),
        shown_nodes=len(entities),
        shown_edges=drawn_ties,
        hidden_by_type=hidden,
        criteria=candidates.criteria,
        focus_nodes=candidates.focus_nodes,
        mode="map",
        total_entities=sum(kinds[k] for k in ENTITY_TYPES),
        total_papers=kinds["Paper"],
        clusters=clusters,
    )


def select_nodes(
    graph: nx.DiGraph,
    *,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    candidates: Candidates | None = None,
) -> tuple[list[str], ViewSummary]:
    """Pick the nodes to draw with papers as nodes, and describe what was left out.

    The steps run in this order: ``focus`` (all nodes within ``depth`` hops
    of the named entity, through any node type), then ``types`` (the focus
    nodes themselves are always kept), then ``max_nodes`` (most connected
    part, nearest to the focus first).

    Args:
        candidates: the result of :func:`candidate_nodes` when the caller has it already.

    Returns:
        The kept node ids, sorted, and a :class:`ViewSummary` (its edge
        counts cover the edges among the kept nodes).

    Raises:
        InputError: an unknown type, a focus name not in the graph, a bad limit.
    """
    if max_nodes is not None and max_nodes < 1:
        raise InputError(f"--max-nodes must be at least 1, got {max_nodes}")
    if candidates is None:
        candidates = candidate_nodes(graph, focus=focus, depth=depth, types=types)
    nodes = candidates.all_of(graph)
    criteria = list(candidates.criteria)
    if max_nodes is not None and max_nodes < len(nodes):
        nodes = most_connected(graph, nodes, max_nodes, seeds=candidates.seeds)
        criteria.append(f"the {max_nodes:,} most connected nodes")
    kept = sorted(nodes)
    hidden = Counter(node_kind(attrs) for n, attrs in graph.nodes(data=True) if n not in nodes)
    shown_edges = sum(1 for u in kept for v in graph.succ[u] if v in nodes)
    summary = ViewSummary(
        total_nodes=graph.number_of_nodes(),
        total_edges=edge_count(graph),
        shown_nodes=len(kept),
        shown_edges=shown_edges,
        hidden_by_type=dict(hidden),
        criteria=tuple(criteria),
        focus_nodes=candidates.focus_nodes,
    )
    return kept, summary

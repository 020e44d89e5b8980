"""The networkx knowledge graph: papers, entities, code and links, built from extractions.

This module is the only place node ids are minted (:func:`paper_node_id`,
:func:`entity_node_id`, :func:`repo_node_id`, :func:`link_node_id`) and it
implements the graph contract of ``docs/DESIGN.md`` ("The networkx graph"),
which the RDF, view, API and server layers read. The graph is a pure
function of the *set* of extractions: :func:`build_graph` resolves entities
across papers (:mod:`kg.resolve`), and :func:`extractions_from_graph` gives
the extractions back, so loading, merging and adding papers all go through
extractions. It must not import rdflib, spaCy or pyvis.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from kg.extractions import dedupe_by_id
from kg.links import host_and_path
from kg.normalize import short_hash, slugify
from kg.records import ENTITY_TYPES, Entity, Link, Mention, Paper, PaperExtraction
from kg.registry import IdRegistry
from kg.resolve import CanonicalEntity, LexiconLike, resolve_stream
from kg.version import __version__

__all__ = [
    "ResolvedEntities",
    "add_extractions",
    "association_strength",
    "build_graph",
    "build_graph_from",
    "cooccurrence_strength",
    "entity_node_id",
    "extractions_from_graph",
    "graph_stats",
    "graphs_equal",
    "link_node_id",
    "paper_node_id",
    "repo_node_id",
]

log = logging.getLogger(__name__)


_ENTITY_RELATIONS = ("proposes", "uses")


# --------------------------------------------------------------------------- node ids


def paper_node_id(paper_id: str) -> str:
    """Return the node id of a paper.

    >>> paper_node_id("arxiv:2508.12345")
    'paper:arxiv:2508.12345'
    """
    return f"paper:{paper_id}"


def entity_node_id(kind: str, name: str, *, index: int = 1) -> str:
    """Return the node id of an entity: ``<kind lower>:<slug of name>``, ``-<index>`` for homonyms.

    A name with no ASCII letter or digit ("π") gets a short hash instead of an
    empty slug, so every id is non-empty and stable. A "+" reads "plus"
    ("LoRA+" is ``method:lora-plus``, not a homonym of LoRA's ``method:lora``).

    Args:
        kind: ``Method``, ``Model``, ``Dataset`` or ``Task``.
        name: the canonical name.
        index: 1 for the first entity with this slug; 2, 3 ... for further
            true homonyms (decided by :func:`build_graph`).

    >>> entity_node_id("Method", "Direct Preference Optimization")
    'method:direct-preference-optimization'
    >>> entity_node_id("Model", "SAM", index=2)
    'model:sam-2'
    >>> entity_node_id("Method", "ZorbLoRA+"), entity_node_id("Model", "Quux-Net++")
    ('method:zorblora-plus', 'model:quux-net-plus-plus')
    """
    if kind not in ENTITY_TYPES:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {', '.join(ENTITY_TYPES)}")
    slug = slugify(name.replace("+", " plus ")) or f"h-{short_hash(name)}"
    suffix = f"-{index}" if index > 1 else ""
    return f"{kind.lower()}:{slug}{suffix}"


def repo_node_id(url: str) -> str:
    """Return the node id of a code repository from its URL (``https://host/owner/repo``).

    >>> repo_node_id("https://github.com/owner/repo/")
    'repo:github.com/owner/repo'
    """
    host, path = host_and_path(url)
    if not host:
        raise ValueError(f"not a repository URL: {url!r}")
    return f"repo:{host}{path}"


def link_node_id(url: str) -> str:
    """Return the node id of a non-code link.

    >>> link_node_id("https://example.org/project")
    'link:https://example.org/project'
    """
    return f"link:{url}"


# --------------------------------------------------------------------------- building


def _paper_attrs(paper: Paper) -> dict[str, Any]:
    return {
        "kind": "Paper",
        "label": paper.title or paper.id,
        "paper_id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "url": paper.url,
        "authors": list(paper.authors),
        "date": paper.date,
        "categories": list(paper.categories),
        "source": paper.source,
    }


def _evidence(mentions: Sequence[Mention], sentences: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Return the evidence list of an edge; ``sentences`` makes equal sentences one string object."""
    if sentences is None:
        sentences = {}
    return [
        {
            "field": m.field,
            "start": m.start,
            "end": m.end,
            "sentence": sentences.setdefault(m.sentence, m.sentence),
        }
        for m in mentions
    ]


def _paper_links(record: PaperExtraction) -> list[Link]:
    """Merge the extracted links with the source's metadata links: one per URL and kind.

    Text evidence wins over metadata; among several sentences the first in
    sorted order is kept, so the choice does not depend on record order.
    """
    merged: dict[tuple[str, bool], list[Link]] = {}
    for link in (*record.links, *record.paper.links):
        if link.url:
            merged.setdefault((link.url, link.kind == "code"), []).append(link)
    out: list[Link] = []
    for (url, _), group in sorted(merged.items()):
        origin: Literal["text", "metadata"] = "text" if any(x.origin == "text" for x in group) else "metadata"
        sentences = sorted({x.sentence for x in group if x.sentence})
        kinds = sorted({x.kind for x in group})
        out.append(Link(url=url, kind=kinds[0], sentence=sentences[0] if sentences else "", origin=origin))
    return out


def association_strength(weight: int, papers_a: int, papers_b: int, papers: int) -> tuple[float, float]:
    """Return the association strength and the normalised PMI of a co-occurrence.

    Association strength (as VOSviewer normalises co-occurrence maps) is the
    number of papers mentioning both entities over the number expected if
    they were independent, ``weight * papers / (papers_a * papers_b)``: 1 is
    chance, above 1 attraction. The normalised pointwise mutual information
    ``log(p_ab / (p_a p_b)) / -log(p_ab)`` is the same evidence on a bounded
    scale (-1 never together, 0 independent, 1 always together), so big and
    small entities rank alike. Both are rounded to 6 digits (stable bytes).

    >>> association_strength(2, 2, 2, 100)
    (50.0, 1.0)
    >>> association_strength(1, 10, 10, 100)
    (1.0, 0.0)
    """
    if weight <= 0 or papers_a <= 0 or papers_b <= 0 or papers <= 0:
        return 0.0, -1.0
    strength = weight * papers / (papers_a * papers_b)
    p_ab = weight / papers
    npmi = 1.0 if p_ab >= 1.0 else math.log(strength) / -math.log(p_ab)
    return round(strength, 6), round(max(-1.0, min(1.0, npmi)), 6)


def cooccurrence_strength(graph: nx.DiGraph, a: str, b: str) -> tuple[float, float]:
    """Return :func:`association_strength` of the ``co_occurs`` edge between ``a`` and ``b``.

    The strength is derived, not stored: it follows from the edge's weight,
    the two entities' ``paper_count`` and the graph's number of papers
    (``graph.graph["papers"]``, counted when missing), so the 1.5M
    co-occurrence edges of a big graph keep sharing their attribute dicts.

    Raises:
        KeyError: no such edge.
    """
    data = graph.edges[a, b] if graph.has_edge(a, b) else graph.edges[b, a]
    papers = graph.graph.get("papers")
    if papers is None:
        papers = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "Paper")
    nodes = graph.nodes
    return association_strength(
        int(data.get("weight", 1)),
        int(nodes[a].get("paper_count", 0)),
        int(nodes[b].get("paper_count", 0)),
        papers,
    )


def build_graph(
    extractions: Iterable[PaperExtraction],
    *,
    lexicon: LexiconLike | None | Literal["default"] = "default",
    registry: IdRegistry | None = None,
) -> nx.DiGraph:
    """Build the knowledge graph of a set of extractions (the DESIGN.md contract).

    Entities are resolved across papers first (:mod:`kg.resolve`); nodes and
    edges are then added in sorted order, so the same set of extractions in
    any order gives an equal graph with the same iteration order.

    Args:
        extractions: per-paper extractions; a paper id given twice counts once.
        lexicon: passed to :func:`kg.resolve.resolve_stream` (``"default"``: the
            bundled lexicon; ``None``: none).
        registry: the id registry of an output folder (:mod:`kg.registry`):
            entities keep the ids they had there, and it is updated; ``None``
            mints ids afresh (deterministically).

    Returns:
        A ``networkx.DiGraph`` with Paper, entity, Repository and Link nodes and
        ``proposes``/``uses``/``has_code``/``has_link``/``co_occurs``/``broader`` edges.
    """
    records = dedupe_by_id(extractions)
    graph, _ = build_graph_from(lambda: records, lexicon=lexicon, registry=registry)
    return graph


def build_graph_from(
    read: Callable[[], Iterable[PaperExtraction]],
    *,
    lexicon: LexiconLike | None | Literal["default"] = "default",
    registry: IdRegistry | None = None,
    apart: bool = False,
    scratch: Path | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[nx.DiGraph, ResolvedEntities]:
    """Build the graph from records read three times, never holding them all (see :func:`build_graph`).

    ``kg build`` passes a reader of ``extractions.jsonl``: resolution reads
    the records twice (:func:`kg.resolve.resolve_stream`) and the graph is
    filled paper by paper on a third read, so memory holds the graph and the
    entities' surface forms, not every record besides. With ``apart``,
    resolution runs in a forked child (:mod:`kg.resolve_apart`), so its
    working memory is gone before the graph is filled.

    Args:
        read: returns the records, sorted by id with unique ids, each time it is called.
        lexicon: as for :func:`build_graph`.
        registry: as for :func:`build_graph`.
        apart: resolve in a child process (same result, less memory here).
        scratch: folder for the child's scratch file (the system's temporary folder when ``None``).
        meanwhile: work for this process while resolution runs (in a child process, with
            ``apart``; before it, without); it must not change what ``read`` reads.

    Returns:
        The graph, and the resolved entities with their node ids (what
        ``kg explain`` reports; see :class:`ResolvedEntities`).
    """
    if apart:
        from kg.resolve_apart import resolve_apart

        resolution: Any = resolve_apart(read, lexicon=lexicon, scratch=scratch, meanwhile=meanwhile)
    else:
        if meanwhile is not None:
            meanwhile()
        resolution = resolve_stream(read, lexicon=lexicon)
    try:
        return _fill_graph(read, resolution, registry)
    finally:
        close = getattr(resolution, "close", None)
        if close is not None:
            close()


def _fill_graph(
    read: Callable[[], Iterable[PaperExtraction]], resolution: Any, registry: IdRegistry | None
) -> tuple[nx.DiGraph, ResolvedEntities]:
    """Fill the graph from the resolved entities and a third read of the records, paper by paper."""
    ids = registry if registry is not None else IdRegistry()
    entity_ids = ids.assign(
        resolution.entities, mint=lambda kind, name, index: entity_node_id(kind, name, index=index)
    )

    nodes: dict[str, dict[str, Any]] = {}
    # Out-edges by source; added source by source with sorted targets, so edge
    # iteration order is sorted without sorting all edges as one list.
    edges: dict[str, dict[str, dict[str, Any]]] = {}
    broader: dict[str, Any] = {"relation": "broader"}  # one shared dict: the edge carries nothing else
    for i, entity in enumerate(resolution.entities):
        nodes[entity_ids[i]] = {
            "kind": entity.type,
            "label": entity.name,
            "name": entity.name,
            "aliases": list(entity.aliases),
            "paper_count": entity.paper_count,
            "mention_count": entity.mention_count,
        }
        if entity.broader is not None:
            edges.setdefault(entity_ids[i], {})[entity_ids[entity.broader]] = broader

    weights: Counter[tuple[str, str]] = Counter()
    link_kinds: dict[str, Counter[str]] = {}
    extractors: set[str] = set()
    papers = 0
    for position, record in enumerate(read()):
        papers += 1
        if record.extractor:
            extractors.add(record.extractor)
        source = paper_node_id(record.id)
        nodes[source] = _paper_attrs(record.paper)
        targets: list[str] = []
        sentences: dict[str, str] = {}  # one string per distinct evidence sentence of the paper
        for link in resolution.links_of(position, record):
            entity = resolution.entities[link.entity]
            target = entity_ids[link.entity]
            targets.append(target)
            attrs: dict[str, Any] = {
                "relation": "proposes" if link.role == "proposed" else "uses",
                "name": link.name,
                "aliases": list(link.aliases),
                "confidence": link.confidence,
                "component": link.component,
                "extractor": link.extractor,
                "evidence": _evidence(link.mentions, sentences),
            }
            if link.extracted_type != entity.type:
                attrs["extracted_type"] = link.extracted_type
            edges.setdefault(source, {})[target] = attrs
        weights.update(combinations(sorted(set(targets)), 2))
        for found in _paper_links(record):
            if found.kind == "code":
                target = repo_node_id(found.url)
                host, path = host_and_path(found.url)
                nodes.setdefault(
                    target,
                    {
                        "kind": "Repository",
                        "label": f"{host}{path}",
                        "url": f"https://{host}{path}",
                        "host": host,
                    },
                )
                edges.setdefault(source, {})[target] = {
                    "relation": "has_code",
                    "sentence": found.sentence,
                    "origin": found.origin,
                }
            else:
                target = link_node_id(found.url)
                link_kinds.setdefault(target, Counter())[found.kind] += 1
                nodes.setdefault(target, {"kind": "Link", "label": found.url, "url": found.url})
                edges.setdefault(source, {})[target] = {
                    "relation": "has_link",
                    "sentence": found.sentence,
                    "origin": found.origin,
                    "link_kind": found.kind,
                }
    for target, counts in link_kinds.items():
        nodes[target]["link_kind"] = min(counts, key=lambda k: (-counts[k], k))

    # co-occurrence edges with the same weight share one attribute dict: there are millions
    # of them (1.5M at 92k papers) and a dict each was the biggest part of the graph; their
    # normalised strength is derived (cooccurrence_strength), not stored, for the same reason
    shared: dict[int, dict[str, Any]] = {}
    for (a, b), weight in weights.items():
        pair = shared.get(weight)
        if pair is None:
            pair = shared[weight] = {"relation": "co_occurs", "weight": weight}
        edges.setdefault(a, {})[b] = pair
    del weights

    graph = nx.DiGraph()
    graph.graph.update(
        {"kg_version": __version__, "extractor": ", ".join(sorted(extractors)), "papers": papers}
    )
    redirects = ids.redirects()
    if redirects:
        graph.graph["redirects"] = redirects
    graph.add_nodes_from(sorted(nodes.items()))
    del nodes
    _add_sorted_edges(graph, edges)
    log.debug(
        "built graph: %d nodes, %d edges from %d papers",
        graph.number_of_nodes(),
        graph.number_of_edges(),
        papers,
    )
    return graph, ResolvedEntities(resolution.entities, entity_ids, redirects, resolution.dropped)


@dataclass(frozen=True)
class ResolvedEntities:
    """The entities of a built graph with their node ids: what ``kg explain`` and the audit read.

    Attributes:
        entities: the canonical entities (:attr:`kg.resolve.StreamedResolution.entities`).
        ids: the node id of each entity, in the same order.
        redirects: retired node id -> the node id that holds its entity now.
        dropped: surfaces left out or cut by resolution, with counts.
    """

    entities: tuple[CanonicalEntity, ...]
    ids: list[str]
    redirects: dict[str, str]
    dropped: dict[str, int]


def _add_sorted_edges(graph: nx.DiGraph, edges: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Add edges source by source, targets sorted, keeping each attribute dict as given (shared or not).

    ``DiGraph.add_edges_from`` copies every attribute dict; writing the
    adjacency directly keeps the shared co-occurrence dicts shared (the
    graph is the same to every reader).
    """
    succ, pred = graph._succ, graph._pred
    for source in sorted(edges):
        out = edges.pop(source)
        for target in sorted(out):
            attrs = out[target]
            for node in (source, target):
                if node not in succ:
                    graph.add_node(node)
            succ[source][target] = attrs
            pred[target][source] = attrs


# --------------------------------------------------------------------------- inverse


def _paper_from_node(data: dict[str, Any]) -> Paper:
    return Paper(
        id=str(data["paper_id"]),
        title=str(data.get("title") or ""),
        abstract=str(data.get("abstract") or ""),
        url=data.get("url") or None,
        authors=tuple(data.get("authors") or ()),
        date=data.get("date") or None,
        categories=tuple(data.get("categories") or ()),
        source=data.get("source"),
    )


def extractions_from_graph(graph: nx.DiGraph) -> list[PaperExtraction]:
    """Return the extractions a graph was built from (the inverse of :func:`build_graph`).

    Each paper -> entity edge becomes one entity with the surface forms,
    evidence, role, confidence and component of that paper, so
    ``build_graph(extractions_from_graph(g))`` equals ``g``. A paper without
    entity edges takes the graph's extractor version when the graph has a
    single one (the per-paper version is only kept on entity edges).

    Returns:
        One extraction per Paper node, sorted by paper id.
    """
    graph_extractor = str(graph.graph.get("extractor", "") or "")
    fallback = graph_extractor if ", " not in graph_extractor else ""
    out: list[PaperExtraction] = []
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "Paper":
            continue
        entities: list[Entity] = []
        links: list[Link] = []
        versions: set[str] = set()
        for _, target, edge in graph.out_edges(node, data=True):
            relation = edge.get("relation")
            target_data = graph.nodes[target]
            if relation in _ENTITY_RELATIONS:
                versions.add(str(edge.get("extractor", "")))
                entities.append(
                    Entity(
                        type=edge.get("extracted_type") or target_data["kind"],
                        name=str(edge["name"]),
                        aliases=tuple(edge.get("aliases") or ()),
                        role="proposed" if relation == "proposes" else "used",
                        confidence=float(edge.get("confidence", 1.0)),
                        mentions=tuple(
                            Mention(
                                start=int(e["start"]),
                                end=int(e["end"]),
                                sentence=str(e.get("sentence", "")),
                                field=e.get("field", "abstract"),
                            )
                            for e in edge.get("evidence") or ()
                        ),
                        component=str(edge.get("component", "")),
                    )
                )
            elif relation in ("has_code", "has_link"):
                links.append(
                    Link(
                        url=str(target_data["url"]),
                        kind="code" if relation == "has_code" else edge.get("link_kind", "web"),
                        sentence=str(edge.get("sentence", "") or ""),
                        origin=edge.get("origin", "text"),
                    )
                )
        extractor = min(versions) if versions else fallback
        entities.sort(key=lambda e: (e.type, e.name, e.aliases))
        links.sort(key=lambda x: (x.url, x.kind))
        out.append(
            PaperExtraction(
                paper=_paper_from_node(data),
                entities=tuple(entities),
                links=tuple(links),
                extractor=extractor,
            )
        )
    out.sort(key=lambda r: r.id)
    return out


def add_extractions(
    existing: Iterable[PaperExtraction], new: Iterable[PaperExtraction]
) -> list[PaperExtraction]:
    """Return ``existing`` plus the papers of ``new`` whose id is not already there.

    A paper already present is kept as it is (the new copy is skipped), so
    adding the same papers again changes nothing; build the graph of the
    result with :func:`build_graph`.

    Returns:
        The union, one extraction per paper id, sorted by id.
    """
    kept = dedupe_by_id(existing)
    present = {r.id for r in kept}
    added = [r for r in dedupe_by_id(new) if r.id not in present]
    if added:
        log.info("adding %d new paper(s) to %d existing", len(added), len(kept))
    return sorted((*kept, *added), key=lambda r: r.id)


# --------------------------------------------------------------------------- helpers


def graph_stats(graph: nx.DiGraph) -> dict[str, Any]:
    """Count nodes per kind and edges per relation.

    Returns:
        ``{"nodes": int, "edges": int, "kinds": {kind: n}, "relations": {relation: n}}``
        with sorted keys.
    """
    kinds = Counter(str(data.get("kind")) for _, data in graph.nodes(data=True))
    relations = Counter(str(data.get("relation")) for _, _, data in graph.edges(data=True))
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": dict(sorted(kinds.items())),
        "relations": dict(sorted(relations.items())),
    }


def graphs_equal(a: nx.Graph, b: nx.Graph) -> bool:
    """Say whether two graphs have the same graph attributes, nodes, edges and attributes.

    Iteration order is ignored; attribute values are compared with ``==``.
    """
    if a.is_directed() != b.is_directed() or a.is_multigraph() != b.is_multigraph():
        return False
    if dict(a.graph) != dict(b.graph):
        return False
    if dict(a.nodes(data=True)) != dict(b.nodes(data=True)):
        return False
    edges_a = {(u, v): d for u, v, d in a.edges(data=True)}
    edges_b = {(u, v): d for u, v, d in b.edges(data=True)}
    return edges_a == edges_b

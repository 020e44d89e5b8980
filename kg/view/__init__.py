"""The interactive HTML view of a kg graph: one offline, self-contained page.

Two drawings, chosen by size (``mode="auto"``) or by the caller:

* the **entity map** (:mod:`kg.view.entity_map`) for big graphs: the
  entities found in most papers, sized by papers, coloured by cluster,
  placed and tied by association strength; papers are listed in the side
  panel instead of drawn;
* **papers and entities** for small selections (up to
  :data:`~kg.view.select.PAPERS_MODE_MAX_PAPERS` papers): every paper, its
  entities, code and links as nodes.

The page draws with vis-network, read from the installed pyvis package, and
its own script places labels so that no two overlap (more appear as you
zoom in), searches names the forgiving way people type them, and opens a
side panel with each node's papers, evidence and links. Node and edge lists
go into the page as escaped JSON (never through pyvis's quadratic
``add_node``), positions are computed in Python (:mod:`kg.view.layout`), and
every script and style is inlined, so the file opens from ``file://`` and
makes no request to any host.

Example:
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("method:lora", kind="Method", label="LoRA", name="LoRA", paper_count=1)
    >>> html = render_html(g, title="demo")
    >>> "<script src" in html, 'id="kg-data"' in html
    (False, True)
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.io import atomic_write
from kg.view.entity_map import DEFAULT_MAP_ENTITIES, build_entity_map
from kg.view.map_payload import build_map_payload
from kg.view.page import render_page
from kg.view.payload import build_payload
from kg.view.select import (
    MODES,
    NODE_TYPES,
    ViewSummary,
    candidate_nodes,
    choose_mode,
    kind_counts,
    map_summary,
    select_nodes,
    top_entities,
)

if TYPE_CHECKING:
    import networkx as nx

log = logging.getLogger(__name__)

DEFAULT_TITLE = "kg knowledge graph"


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small lists and dicts.

    Building the node and edge records allocates no reference cycles, but the
    allocations alone trigger full collections that rescan the whole graph;
    on a 50,000-node graph that was over half of the generation time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_data(
    graph: nx.DiGraph,
    *,
    mode: str | None = None,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    title: str | None = None,
) -> tuple[dict[str, Any], ViewSummary]:
    """Return the page data (a JSON-ready dict) and the summary of what it shows.

    See :func:`write_html` for the arguments.
    """
    if max_nodes is not None and max_nodes < 1:
        raise InputError(f"--max-nodes must be at least 1, got {max_nodes}")
    heading = title or DEFAULT_TITLE
    with _gc_paused():
        candidates = candidate_nodes(graph, focus=focus, depth=depth, types=types)
        kinds = kind_counts(graph)
        chosen = choose_mode(graph, candidates, mode, kinds=kinds)
        if chosen == "map":
            entities = top_entities(
                graph, candidates.nodes, max_nodes or DEFAULT_MAP_ENTITIES, keep=candidates.focus_nodes
            )
            entity_map = build_entity_map(graph, entities, total_papers=kinds["Paper"])
            summary = map_summary(
                graph,
                entities,
                candidates,
                drawn_ties=len(entity_map.drawn),
                clusters=len(entity_map.cluster_names),
                kinds=kinds,
            )
            data = build_map_payload(graph, entity_map, summary, title=heading)
        else:
            kept, summary = select_nodes(graph, max_nodes=max_nodes, candidates=candidates)
            data = build_payload(graph, kept, summary, title=heading)
    log.info("view: %s", summary.message)
    return data, summary


def build_page(
    graph: nx.DiGraph,
    *,
    mode: str | None = None,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    title: str | None = None,
) -> tuple[str, ViewSummary]:
    """Return the page's HTML and the summary of what it shows.

    See :func:`write_html` for the arguments.
    """
    data, summary = build_data(
        graph, mode=mode, max_nodes=max_nodes, focus=focus, depth=depth, types=types, title=title
    )
    return render_page(data, title=title or DEFAULT_TITLE), summary


def render_html(
    graph: nx.DiGraph,
    *,
    mode: str | None = None,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    title: str | None = None,
) -> str:
    """Return the self-contained HTML page for ``graph`` as a string.

    See :func:`write_html` for the arguments.
    """
    return build_page(
        graph, mode=mode, max_nodes=max_nodes, focus=focus, depth=depth, types=types, title=title
    )[0]


def write_html(
    graph: nx.DiGraph,
    path: str | Path,
    *,
    mode: str | None = None,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    title: str | None = None,
) -> ViewSummary:
    """Write the interactive page for ``graph`` to ``path`` (atomically).

    The same graph and options always give the same bytes.

    Args:
        graph: a graph following the contract of docs/DESIGN.md.
        path: the HTML file to write; its folder is created if needed.
        mode: ``"map"`` (entities only, papers in the side panel), ``"papers"``
            (papers and entities as nodes) or ``"auto"``/``None``: papers up to
            150 papers in the selection, the map above.
        max_nodes: draw at most this many nodes: on the map the entities in
            most papers (default 500), with papers the most connected part.
        focus: draw only the neighbourhood of the node with this name or alias.
        depth: hops around ``focus`` (edge direction ignored).
        types: node kinds to draw (e.g. ``["Method", "Dataset"]`` or ``"Method,Dataset"``).
        title: the page title (default ``"kg knowledge graph"``).

    Returns:
        How many nodes and edges are shown and what was left out.

    Raises:
        InputError: an unknown type, a focus name not in the graph, a bad limit.
    """
    page, summary = build_page(
        graph, mode=mode, max_nodes=max_nodes, focus=focus, depth=depth, types=types, title=title
    )
    with atomic_write(path) as handle:
        handle.write(page)
    return summary


__all__ = [
    "DEFAULT_TITLE",
    "MODES",
    "NODE_TYPES",
    "ViewSummary",
    "build_data",
    "build_page",
    "render_html",
    "write_html",
]

"""The interactive HTML view of a kg graph: one offline, self-contained page.

The page draws the networkx graph of :mod:`kg.graph` with vis-network (the
copy bundled with pyvis), with a legend, type filters, search by name or
alias, a hover tooltip and a side panel with each node's papers, evidence and
links. It is built without pyvis's ``Network.add_node`` (quadratic) and
without its template (which links Bootstrap from a CDN): the node and edge
lists go into the page as escaped JSON, positions are computed in Python
(:mod:`kg.view.layout`), and every script and style is inlined, so the file
opens from ``file://`` and makes no request to any host.

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
from typing import TYPE_CHECKING

from kg.io import atomic_write
from kg.view.page import render_page
from kg.view.payload import build_payload
from kg.view.select import NODE_TYPES, ViewSummary, select_nodes

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


def build_page(
    graph: nx.DiGraph,
    *,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    title: str | None = None,
) -> tuple[str, ViewSummary]:
    """Return the page's HTML and the summary of what it shows.

    See :func:`write_html` for the arguments.
    """
    with _gc_paused():
        kept, summary = select_nodes(graph, max_nodes=max_nodes, focus=focus, depth=depth, types=types)
        data = build_payload(graph, kept, summary, title=title or DEFAULT_TITLE)
        page = render_page(data, title=title or DEFAULT_TITLE)
    log.info("view: %s", summary.message)
    return page, summary


def render_html(
    graph: nx.DiGraph,
    *,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 1,
    types: Collection[str] | str | None = None,
    title: str | None = None,
) -> str:
    """Return the self-contained HTML page for ``graph`` as a string.

    See :func:`write_html` for the arguments.
    """
    return build_page(graph, max_nodes=max_nodes, focus=focus, depth=depth, types=types, title=title)[0]


def write_html(
    graph: nx.DiGraph,
    path: str | Path,
    *,
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
        max_nodes: draw at most this many nodes: the most connected part.
        focus: draw only the neighbourhood of the node with this name or alias.
        depth: hops around ``focus`` (edge direction ignored).
        types: node kinds to draw (e.g. ``["Method", "Dataset"]`` or ``"Method,Dataset"``).
        title: the page title (default ``"kg knowledge graph"``).

    Returns:
        How many nodes and edges are shown and what was left out.

    Raises:
        InputError: an unknown type, a focus name not in the graph, a bad limit.
    """
    page, summary = build_page(graph, max_nodes=max_nodes, focus=focus, depth=depth, types=types, title=title)
    with atomic_write(path) as handle:
        handle.write(page)
    return summary


__all__ = ["DEFAULT_TITLE", "NODE_TYPES", "ViewSummary", "build_page", "render_html", "write_html"]

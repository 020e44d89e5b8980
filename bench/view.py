"""How fast the HTML view is built and drawn, on synthetic graphs of 1k, 10k and 50k nodes.

For each size: build a synthetic graph to the DESIGN.md contract (papers
with 3-8 entities drawn from a Zipf-like pool, code and web links,
co-occurrence edges), then time the layout and the whole page generation
(``kg.view.write_html``) and report the file size. For the 10k-node graph
(and ``--browser-sizes``) it also opens the page in headless Chromium and
times how long until vis-network has drawn it; generation + drawing is the
end-to-end figure (goal: under 5 s for 10k nodes).

    python bench/view.py                       # 1k, 10k, 50k; browser on 10k
    python bench/view.py --sizes 1000 5000 --browser-sizes 5000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import networkx as nx

from kg.view import write_html
from kg.view.layout import compute_layout
from kg.view.select import select_nodes

CHROMIUM = "/usr/bin/chromium"
WORDS = [
    "adaptive",
    "sparse",
    "attention",
    "retrieval",
    "graph",
    "diffusion",
    "contrastive",
    "token",
    "routing",
    "memory",
    "multilingual",
    "speech",
    "vision",
    "language",
    "reasoning",
    "pruning",
    "distillation",
    "benchmark",
    "efficient",
    "robust",
    "scalable",
    "transformer",
    "agent",
    "preference",
    "alignment",
    "instruction",
    "tuning",
]
KINDS = ("Method", "Model", "Dataset", "Task")


def synthetic_graph(n_nodes: int, *, seed: int = 7) -> nx.DiGraph:
    """A graph of about ``n_nodes`` nodes shaped like a kg build of many abstracts."""
    rnd = random.Random(seed)
    n_papers = int(n_nodes * 0.30)
    n_entities = int(n_nodes * 0.60)
    n_repos = n_nodes - n_papers - n_entities
    graph = nx.DiGraph()
    entity_ids = [f"{KINDS[i % 4].lower()}:entity-{i}" for i in range(n_entities)]
    papers_of: dict[str, set[str]] = {e: set() for e in entity_ids}
    co: dict[tuple[str, str], int] = {}
    for p in range(n_papers):
        pid = f"paper:2509.{p:05d}"
        title = " ".join(rnd.choice(WORDS).capitalize() for _ in range(rnd.randint(5, 11)))
        abstract = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(120, 200))) + "."
        graph.add_node(
            pid,
            kind="Paper",
            label=title,
            paper_id=f"2509.{p:05d}",
            title=title,
            abstract=abstract,
            url=f"https://arxiv.org/abs/2509.{p:05d}",
            authors=["A. Author"],
            date="2025-09-01",
            categories=["cs.CL"],
            source="synthetic",
        )
        chosen = set()
        for _ in range(rnd.randint(3, 8)):
            index = (
                min(int(rnd.paretovariate(0.9)) - 1, n_entities - 1)
                if rnd.random() < 0.6
                else rnd.randrange(n_entities)
            )
            chosen.add(entity_ids[index])
        for k, eid in enumerate(sorted(chosen)):
            papers_of[eid].add(pid)
            sentence = (
                f"We evaluate {eid.split(':')[1]} with {' '.join(rnd.choice(WORDS) for _ in range(12))}."
            )
            graph.add_edge(
                pid,
                eid,
                relation="proposes" if k == 0 and rnd.random() < 0.3 else "uses",
                name=eid,
                aliases=[],
                confidence=0.8,
                component="synthetic",
                extractor="bench",
                evidence=[{"field": "abstract", "start": 0, "end": 5, "sentence": sentence}],
            )
        for pair in combinations(sorted(chosen), 2):
            co[pair] = co.get(pair, 0) + 1
        if p < n_repos:
            rid = f"repo:github.com/lab{p}/code{p}"
            graph.add_node(rid, kind="Repository", label=rid[5:], url=f"https://{rid[5:]}", host="github.com")
            graph.add_edge(pid, rid, relation="has_code", sentence="Code is available.", origin="text")
    for i, eid in enumerate(entity_ids):
        graph.add_node(
            eid,
            kind=KINDS[i % 4],
            label=f"Entity {i}",
            name=f"Entity {i}",
            aliases=[f"E{i}"],
            paper_count=len(papers_of[eid]),
            mention_count=len(papers_of[eid]),
        )
    for (a, b), weight in co.items():
        graph.add_edge(a, b, relation="co_occurs", weight=weight)
    return graph


def time_browser(path: Path) -> float:
    """Seconds from navigation until vis-network has drawn the page once."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.kgView && window.kgView.isReady()", timeout=120_000, polling=20)
        elapsed = time.perf_counter() - start
        drawn = page.evaluate("kgView.drawnNodeCount()")
        browser.close()
    if drawn != page_nodes(path):
        raise RuntimeError(f"drew {drawn} nodes, expected {page_nodes(path)}")
    return elapsed


_NODE_COUNTS: dict[Path, int] = {}


def page_nodes(path: Path) -> int:
    """Return how many nodes the page at ``path`` holds, to check that the browser drew every one."""
    return _NODE_COUNTS[path]


def main(argv: list[str] | None = None) -> int:
    """Time page generation (and drawing, where Chromium exists) for each size asked for."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--browser-sizes", type=int, nargs="*", default=[10_000])
    args = parser.parse_args(argv)
    has_browser = Path(CHROMIUM).exists()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            graph = synthetic_graph(size)
            kept, _ = select_nodes(graph)
            index = {n: i for i, n in enumerate(kept)}
            pairs = [(index[u], index[v]) for u, v in graph.edges()]
            t0 = time.perf_counter()
            compute_layout(len(kept), pairs)
            layout_s = time.perf_counter() - t0
            path = Path(tmp) / f"view-{size}.html"
            t0 = time.perf_counter()
            write_html(graph, path)
            page_s = time.perf_counter() - t0
            _NODE_COUNTS[path] = graph.number_of_nodes()
            draw_s = None
            if size in args.browser_sizes and has_browser:
                draw_s = time_browser(path)
            rows.append(
                (
                    graph.number_of_nodes(),
                    graph.number_of_edges(),
                    layout_s,
                    page_s,
                    path.stat().st_size / 1e6,
                    draw_s,
                )
            )
    print(
        f"{'nodes':>8} {'edges':>8} {'layout s':>9} {'page s':>7} {'MB':>6} {'draw s':>7} {'end-to-end s':>13}"
    )
    for nodes, edges, layout_s, page_s, mb, draw_s in rows:
        draw = f"{draw_s:7.2f}" if draw_s is not None else f"{'-':>7}"
        total = f"{page_s + draw_s:13.2f}" if draw_s is not None else f"{'-':>13}"
        print(f"{nodes:>8,} {edges:>8,} {layout_s:9.2f} {page_s:7.2f} {mb:6.1f} {draw} {total}")
    if not has_browser:
        print(f"({CHROMIUM} not found: browser timing skipped)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

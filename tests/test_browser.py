"""The HTML view in a real headless Chromium (playwright driving /usr/bin/chromium).

Two kinds of test: small hand-made graphs (fast: escaping, panel contents,
filters), and the page of a real build of 10,000 arXiv abstracts from the
shared corpus (built once per session, so marked slow): readability (labels
that never overlap at any zoom, coloured clusters), search, panel and click
behaviour as a newcomer meets them.

Skipped when Chromium is missing, unless KG_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure. Nothing is installed by these tests.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from browser_support import (
    HOSTILE_NAME,
    HOSTILE_TITLE,
    PWNED_FLAG,
    build_real_graph,
    hostile_graph,
    real_corpus,
    sample_graph,
)

from kg.node_search import search_key
from kg.view import write_html
from kg.view.select import select_nodes

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"


@dataclass
class Opened:
    """A loaded page and everything it logged or requested."""

    page: Any
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def errors(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.console if kind in {"error", "pageerror", "warning"}]

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)


def _open_file(browser: Any, path: Path, contexts: list[Any], width: int = 1400, height: int = 860) -> Opened:
    context = browser.new_context(viewport={"width": width, "height": height})
    contexts.append(context)
    page = context.new_page()
    opened = Opened(page=page, url=path.as_uri())
    page.on("console", lambda m: opened.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: opened.console.append(("pageerror", str(e))))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(opened.url)
    _wait_until(page, "!!(window.kgView && window.kgView.isSettled())", seconds=60)
    return opened


def _wait_until(page: Any, expression: str, seconds: float) -> None:
    """Poll ``expression`` with plain evaluations until it is true.

    Not ``page.wait_for_function``: that compiles its predicate inside the page,
    and on a loaded machine the page's Content-Security-Policy (no
    'unsafe-eval') was seen to refuse it; an evaluation from the test runner is
    not subject to the page's policy.
    """
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"the page never reached: {expression}"
        page.wait_for_timeout(50)


@pytest.fixture()
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(
        graph: nx.DiGraph, name: str = "graph", width: int = 1400, height: int = 860, **options: Any
    ) -> Opened:
        path = tmp_path / f"{name}.html"
        write_html(graph, path, **options)
        return _open_file(browser, path, contexts, width, height)

    yield _open
    for context in contexts:
        context.close()


def _click_node(opened: Opened, node_id: str) -> None:
    _wait_still(opened)  # let a fit or focus animation finish
    pos = opened.js(f"kgView.domPosition({node_id!r})")
    assert pos is not None
    _click_to_select(opened, pos["x"], pos["y"])


def _wait_still(opened: Opened, seconds: float = 10) -> None:
    """Wait until the drawing stops moving (a fit, focus or pan animation has ended).

    The view is still when its scale and first label boxes are the same in two
    samples 150 ms apart; positions read while it moves are stale by the time
    a click arrives.
    """
    probe = "JSON.stringify([kgView.scale(), kgView.labelBoxes().slice(0, 5)])"
    deadline = time.monotonic() + seconds
    before = opened.js(probe)
    while True:
        opened.page.wait_for_timeout(150)
        now = opened.js(probe)
        if now == before or time.monotonic() > deadline:
            return
        before = now


def _click_to_select(opened: Opened, x: float, y: float) -> Any:
    """Click at (x, y) and return what the page then has selected.

    vis-network reads a press as a tap only when button-down and button-up
    arrive within 250 ms of each other; on a loaded CI machine the browser can
    stamp them further apart, and the click is then dropped as a hold. A click
    that selected nothing is repeated (three tries): a page that selects the
    wrong node, or never selects, still fails.
    """
    for _ in range(3):
        opened.page.mouse.click(x, y)
        chosen = opened.js("kgView.selected()")
        if chosen is not None:
            return chosen
        opened.page.wait_for_timeout(200)
    return None


def test_page_loads_offline_draws_every_node_and_saves_screenshot(open_page: Any) -> None:
    graph = sample_graph()
    opened = open_page(graph, title="kg: eight sample papers")
    assert opened.errors() == []
    assert opened.requests == [opened.url]
    counts = opened.js(
        "[kgView.nodeCount, kgView.drawnNodeCount(), kgView.edgeCount, kgView.drawnEdgeCount()]"
    )
    assert counts == [graph.number_of_nodes()] * 2 + [graph.number_of_edges()] * 2
    assert opened.js("kgView.physicsEnabled()") is False  # the bounded stabilisation has stopped
    assert (
        opened.page.text_content("#kg-summary")
        == f"showing {graph.number_of_nodes()} of {graph.number_of_nodes()} nodes and {graph.number_of_edges()} of {graph.number_of_edges()} edges"
    )
    assert opened.page.text_content("#kg-mode").startswith("Papers and their entities as nodes")
    stats = opened.js("kgView.labelStats()")
    assert stats["drawn"] >= 10 and stats["overlaps"] == 0
    legend = opened.page.locator("#kg-types .kg-type-name").all_text_contents()
    assert legend == ["Paper", "Method", "Model", "Dataset", "Task", "Repository", "Link"]
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "graph.png"))
    assert (ARTIFACTS / "graph.png").stat().st_size > 10_000


def test_search_focuses_node_by_alias_and_by_name(open_page: Any) -> None:
    opened = open_page(sample_graph())
    page = opened.page
    page.fill("#kg-search", "lora")
    assert "Low-Rank Adaptation" in page.locator("#kg-suggestions li").all_text_contents()[0]
    page.press("#kg-search", "Enter")
    assert opened.js("kgView.selected()") == "method:low-rank-adaptation"
    assert page.is_visible("#kg-panel")
    assert page.text_content("#kg-panel-title") == "Low-Rank Adaptation"
    page.fill("#kg-search", "WHISP")
    page.press("#kg-search", "Enter")
    assert opened.js("kgView.selected()") == "model:whisper"
    page.fill("#kg-search", "low-rank")  # arrow keys choose among the suggestions
    names = page.locator("#kg-suggestions .kg-suggestion-name").all_text_contents()
    assert names[:2] == ["Low-Rank Adaptation", "Low-Rank Distillation"]  # more papers first
    page.press("#kg-search", "ArrowDown")
    page.press("#kg-search", "ArrowDown")
    page.press("#kg-search", "Enter")
    assert opened.js("kgView.selected()") == "method:low-rank-distillation"
    page.fill("#kg-search", "no such thing")
    page.press("#kg-search", "Enter")
    assert "Nothing matches" in page.text_content("#kg-search-status")
    assert opened.errors() == []


def test_click_opens_side_panel_with_papers_and_evidence(open_page: Any) -> None:
    opened = open_page(sample_graph())
    page = opened.page
    _click_node(opened, "model:whisper")
    assert opened.js("kgView.selected()") == "model:whisper"
    assert page.text_content("#kg-panel-title") == "Whisper"
    papers = page.text_content("#kg-panel-papers")
    assert "Sparse Adapter Routing for Efficient Multilingual Speech Recognition" in papers
    assert "Preference Tuning for Speech Language Models" in papers
    assert "adapters on top of a frozen Whisper encoder." in papers
    assert "used" in page.locator("#kg-panel-papers .kg-role").all_text_contents()
    assert page.locator("#kg-panel-links").count() == 0  # Whisper is used, not proposed: no code of its own
    # from the entity to one of its papers: abstract, entities by type, code link
    page.click("#kg-panel-papers button[data-node='paper:2501.00001']")
    assert opened.js("kgView.selected()") == "paper:2501.00001"
    assert "Sparse Adapter Routing (SAR)" in page.text_content("#kg-panel .kg-abstract")
    groups = page.locator("#kg-panel-entities h4").all_text_contents()
    assert groups == ["Method (2)", "Model (1)", "Dataset (2)", "Task (1)"]
    link = page.locator("#kg-panel a.kg-url[href='https://github.com/example-lab/sparse-adapter-routing']")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # a proposed method lists the code of the paper that proposes it
    page.click("#kg-panel-entities button[data-node='method:sparse-adapter-routing']")
    assert "proposed" in page.locator("#kg-panel-papers .kg-role").all_text_contents()
    assert (
        page.locator("#kg-panel-links a").get_attribute("href")
        == "https://github.com/example-lab/sparse-adapter-routing"
    )
    assert opened.errors() == []


def test_hover_shows_tooltip_with_aliases_and_count(open_page: Any) -> None:
    opened = open_page(sample_graph())
    opened.page.wait_for_timeout(300)
    pos = opened.js("kgView.domPosition('method:low-rank-adaptation')")
    opened.page.mouse.move(pos["x"] - 40, pos["y"] - 40)
    opened.page.mouse.move(pos["x"], pos["y"], steps=4)
    opened.page.wait_for_selector("#kg-tooltip:not([hidden])", timeout=3000)
    text = opened.page.text_content("#kg-tooltip")
    assert "Low-Rank Adaptation" in text and "Method" in text and "LoRA" in text and "3 papers" in text


def test_type_filter_and_physics_toggle(open_page: Any) -> None:
    graph = sample_graph()
    opened = open_page(graph)
    papers = sum(1 for _, kind in graph.nodes(data="kind") if kind == "Paper")
    opened.page.uncheck("#kg-types input[data-type='Paper']")
    assert opened.js("kgView.drawnNodeCount()") == graph.number_of_nodes() - papers
    shown_edges = sum(
        1 for u, v in graph.edges() if graph.nodes[u]["kind"] != "Paper" and graph.nodes[v]["kind"] != "Paper"
    )
    assert opened.page.text_content("#kg-summary").startswith(
        f"showing {graph.number_of_nodes() - papers} of {graph.number_of_nodes()} nodes and "
        f"{shown_edges} of {graph.number_of_edges()} edges (hidden on this page: Paper)"
    )
    opened.page.check("#kg-types input[data-type='Paper']")
    assert opened.js("kgView.drawnNodeCount()") == graph.number_of_nodes()
    co_occurs = sum(1 for _, _, rel in graph.edges(data="relation") if rel == "co_occurs")
    opened.page.uncheck("#kg-relations input[data-relation='co_occurs']")
    assert opened.js("kgView.drawnEdgeCount()") == graph.number_of_edges() - co_occurs
    opened.page.check("#kg-relations input[data-relation='co_occurs']")
    assert opened.js("kgView.drawnEdgeCount()") == graph.number_of_edges()
    opened.page.click("#kg-physics")
    assert opened.js("kgView.physicsEnabled()") is True
    assert opened.page.get_attribute("#kg-physics", "aria-pressed") == "true"
    opened.page.click("#kg-physics")
    assert opened.js("kgView.physicsEnabled()") is False


def test_injected_markup_shows_as_text_and_never_runs(open_page: Any) -> None:
    opened = open_page(hostile_graph(), name="hostile", title="<img src=x onerror=alert(1)>")
    page = opened.page
    page.fill("#kg-search", "<img")
    page.press("#kg-search", "Enter")
    assert page.text_content("#kg-panel-title") == HOSTILE_NAME
    page.click("#kg-panel-papers button[data-node='paper:2501.00001']")
    assert page.text_content("#kg-panel-title") == HOSTILE_TITLE
    assert "</script><script>" in page.text_content("#kg-panel .kg-abstract")
    assert page.text_content("#kg-title") == "<img src=x onerror=alert(1)>"
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    assert (
        page.locator("#kg-panel img, #kg-panel script, #kg-panel iframe, #kg-panel svg[onload]").count() == 0
    )
    page.wait_for_timeout(300)
    assert opened.js(f"typeof window.{PWNED_FLAG}") == "undefined"
    assert opened.requests == [opened.url]
    assert opened.errors() == []


def _synthetic(n_papers: int, seed: int) -> nx.DiGraph:
    rnd = random.Random(seed)
    graph = nx.DiGraph()
    kinds = ["Method", "Model", "Dataset", "Task"]
    pool = [f"{kinds[i % 4].lower()}:e{i}" for i in range(n_papers)]
    for i, eid in enumerate(pool):
        graph.add_node(
            eid, kind=kinds[i % 4], label=f"E{i}", name=f"E{i}", aliases=[], paper_count=1, mention_count=1
        )
    for p in range(n_papers):
        pid = f"paper:{p}"
        graph.add_node(pid, kind="Paper", label=f"Paper {p}", title=f"Paper {p}", abstract="")
        chosen = []
        for _ in range(4):
            eid = pool[
                min(int(rnd.paretovariate(1.2)) - 1, len(pool) - 1)
                if rnd.random() < 0.5
                else rnd.randrange(len(pool))
            ]
            graph.add_edge(pid, eid, relation="uses", evidence=[])
            chosen.append(eid)
        for a, b in zip(sorted(set(chosen)), sorted(set(chosen))[1:]):
            graph.add_edge(a, b, relation="co_occurs", weight=1)
    return graph


def test_large_graph_draws_with_physics_off_and_left_out_summary(open_page: Any) -> None:
    graph = _synthetic(1500, seed=3)
    opened = open_page(graph, name="large", max_nodes=2000, mode="papers")
    shown = opened.js("kgView.drawnNodeCount()")
    assert shown == 2000 == opened.js("kgView.nodeCount")
    total_edges = opened.js("kgView.edgeCount")
    kept = set(select_nodes(graph, max_nodes=2000)[0])
    co_occurs = sum(1 for u, v, rel in graph.edges(data="relation") if rel == "co_occurs" and {u, v} <= kept)
    assert total_edges > 5000 and co_occurs > 0
    # co-occurrence edges start hidden on big graphs, and can be switched on
    assert opened.js("kgView.drawnEdgeCount()") == total_edges - co_occurs
    assert "not drawn at this size" in opened.page.text_content("#kg-relations")
    opened.page.check("#kg-relations input[data-relation='co_occurs']")
    assert opened.js("kgView.drawnEdgeCount()") == total_edges
    assert opened.js("kgView.physicsEnabled()") is False
    opened.page.click("#kg-physics")  # a bounded run on a big graph, then off again
    assert opened.js("kgView.physicsEnabled()") is True
    opened.page.click("#kg-physics")
    assert opened.js("kgView.physicsEnabled()") is False
    assert opened.page.text_content("#kg-summary").startswith(
        f"showing 2,000 of {graph.number_of_nodes():,} nodes"
    )
    assert opened.js("kgView.labelOverlaps()") == 0
    assert opened.errors() == []


def test_bundled_sample_build_draws_and_explains_an_entity(open_page: Any, tmp_path: Path) -> None:
    # the real thing: the bundled Daily Papers sample through the real extractor and graph
    from kg.node_link import read_node_link
    from kg.pipeline import build

    build([], out_dir=tmp_path / "outputs", validate=False)
    graph = read_node_link(tmp_path / "outputs" / "graph.json")
    opened = open_page(graph, name="sample", title="kg: the bundled Daily Papers sample")
    assert opened.errors() == []
    assert opened.requests == [opened.url]
    assert opened.js("kgView.mode") == "papers"  # 49 papers: every paper is a node
    stats = opened.js("kgView.labelStats()")
    assert stats["drawn"] >= 30 and stats["overlaps"] == 0 and stats["overlapsIfAll"] > 0
    assert opened.js("kgView.drawnNodeCount()") == graph.number_of_nodes()
    papers = [n for n, d in graph.nodes(data=True) if d["kind"] == "Paper"]
    assert len(papers) == 49
    # the entity used by the most papers: its panel lists exactly those papers
    entity, data = max(
        ((n, d) for n, d in graph.nodes(data=True) if d["kind"] in {"Method", "Model", "Dataset", "Task"}),
        key=lambda item: (item[1]["paper_count"], item[0]),
    )
    opened.page.fill("#kg-search", data["name"])
    opened.page.press("#kg-search", "Enter")
    assert opened.js("kgView.selected()") == entity
    panel = opened.page.text_content("#kg-panel") or ""
    titles = [
        graph.nodes[p]["title"] for p in graph.predecessors(entity) if graph.nodes[p]["kind"] == "Paper"
    ]
    assert len(titles) == data["paper_count"]
    for title in titles:
        assert title[:40] in panel
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "sample.png"))


def test_escape_closes_the_panel_and_the_paper_lists_entities_and_code_before_the_abstract(
    open_page: Any,
) -> None:
    opened = open_page(sample_graph())
    page = opened.page
    page.fill("#kg-search", "Sparse Adapter Routing for Efficient")
    page.press("#kg-search", "Enter")
    assert opened.js("kgView.selected()") == "paper:2501.00001"
    order = opened.js(
        "['kg-panel-entities', 'kg-panel-links', 'kg-panel-abstract']"
        ".map(id => document.getElementById(id)).map(el => el ? el.getBoundingClientRect().top : null)"
    )
    assert None not in order and order == sorted(order)
    page.keyboard.press("Escape")  # the first Escape only closes the suggestion list, if open
    if page.is_visible("#kg-panel"):
        page.keyboard.press("Escape")
    assert not page.is_visible("#kg-panel") and opened.js("kgView.selected()") is None


def test_search_key_in_the_page_matches_python(open_page: Any) -> None:
    opened = open_page(sample_graph())
    words = [
        "Low-Rank Adaptation",
        "colour normalisation",
        "Modelling the centre",
        "GPT-4o",
        "naïve  Bayes",
        "Analysed catalogue",
        "Straße",
    ]
    keys = opened.js(
        "(words => { const d = JSON.parse(document.getElementById('kg-data').textContent);"
        " const key = kgLib.makeSearchKey(d.spelling); return words.map(key); })(" + json.dumps(words) + ")"
    )
    assert keys == [search_key(word) for word in words]


# ---------------------------------------------------------------- a real build of 10,000 abstracts

REAL_PAPERS = 10_000


@pytest.fixture(scope="session")
def real_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.DiGraph, Path]:
    """The page ``kg build`` writes for the first 10,000 real abstracts of the shared corpus."""
    if real_corpus() is None:
        pytest.skip("the shared corpus (../shared/data/arxiv) is not beside the checkout")
    folder = tmp_path_factory.mktemp("real10k")
    graph = build_real_graph(REAL_PAPERS, folder)
    path = folder / "graph.html"
    write_html(graph, path, max_nodes=500)  # what kg build writes by default
    return graph, path


@pytest.fixture()
def open_real(browser: Any, real_map: tuple[nx.DiGraph, Path]) -> Iterator[Any]:
    contexts: list[Any] = []
    yield lambda: _open_file(browser, real_map[1], contexts)
    for context in contexts:
        context.close()


def _page_data(opened: Opened) -> dict[str, Any]:
    """The page's data without its papers table (megabytes that playwright would copy for nothing)."""
    return opened.js(
        "(() => { const d = JSON.parse(document.getElementById('kg-data').textContent);"
        " return {nodes: d.nodes.map(n => ({id: n.id, name: n.name, l: n.l, papers: n.papers, c: n.c, k: n.k, s: n.s})),"
        " clusters: d.clusters, types: d.types, summary: d.summary}; })()"
    )


def _overlapping_pairs(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            ):
                pairs.append((a["text"], b["text"]))
    return pairs


def _zoom_in(opened: Opened, steps: int) -> None:
    box = opened.page.locator("#kg-network").bounding_box()
    opened.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(steps):
        opened.page.mouse.wheel(0, -240)
        opened.page.wait_for_timeout(250)


@pytest.mark.slow
def test_real_map_opens_offline_with_many_readable_labels_and_none_overlapping(open_real: Any) -> None:
    opened = open_real()
    assert opened.errors() == []
    assert opened.requests == [opened.url]
    assert opened.js("kgView.mode") == "map"
    assert opened.page.text_content("#kg-mode").startswith("Entity map")
    assert opened.page.text_content("#kg-summary").startswith(f"entity map of {REAL_PAPERS:,} papers")
    boxes = opened.js("kgView.labelBoxes()")
    assert len(boxes) >= 30
    assert _overlapping_pairs(boxes) == []
    assert min(box["size"] for box in boxes) >= 11 and min(box["height"] for box in boxes) >= 11
    stats = opened.js("kgView.labelStats()")
    assert stats["overlapsIfAll"] > 0  # without culling they would collide: the test can fail
    data = _page_data(opened)
    top = max(data["nodes"], key=lambda n: n["papers"])
    assert top["l"] in {box["text"] for box in boxes}  # the entity in most papers is labelled
    before = {box["id"] for box in boxes}
    scale = opened.js("kgView.scale()")
    for step in (1, 2):
        _zoom_in(opened, 1)
        assert opened.js("kgView.scale()") > scale
        scale = opened.js("kgView.scale()")
        zoomed = opened.js("kgView.labelBoxes()")
        assert _overlapping_pairs(zoomed) == [], f"after zoom step {step}"
    after = opened.js("kgView.labelStats()")
    assert {box["id"] for box in zoomed} - before  # zooming in reveals labels not drawn before
    assert after["drawn"] / after["onScreen"] > stats["drawn"] / stats["onScreen"]
    assert opened.errors() == []


@pytest.mark.slow
def test_real_map_colours_every_cluster_and_names_it(open_real: Any) -> None:
    opened = open_real()
    data = _page_data(opened)
    clusters = data["clusters"]
    assert len(clusters) >= 5
    colours = [c["color"] for c in clusters]
    assert len(set(colours)) == len(colours)
    assert opened.page.locator("#kg-clusters .kg-cluster-row").count() == len(clusters)
    drawn = opened.js(
        "(ids => ids.map(id => kgView.nodeColor(id)))(" + json.dumps([n["id"] for n in data["nodes"]]) + ")"
    )
    assert drawn == [clusters[n["c"]]["color"] for n in data["nodes"]]
    for k, cluster in enumerate(clusters):
        members = sorted((n for n in data["nodes"] if n["c"] == k), key=lambda n: -n["papers"])
        assert members and cluster["name"].startswith(members[0]["name"])


@pytest.mark.slow
def test_real_map_header_counts_follow_the_filters(open_real: Any) -> None:
    opened = open_real()
    page = opened.page
    data = _page_data(opened)
    n = len(data["nodes"])
    first = data["clusters"][0]["size"]
    page.uncheck("#kg-clusters input[data-cluster='0']")
    assert opened.js("kgView.drawnNodeCount()") == n - first
    assert f"showing {n - first:,} of the {n:,} entities" in page.text_content("#kg-summary")
    tasks = sum(1 for node in data["nodes"] if data["types"][node["k"]]["name"] == "Task" and node["c"] != 0)
    page.uncheck("#kg-types input[data-type='Task']")
    assert f"showing {n - first - tasks:,} of the {n:,} entities" in page.text_content("#kg-summary")
    assert opened.js("kgView.labelBoxes()").__len__() > 0
    page.check("#kg-clusters input[data-cluster='0']")
    page.check("#kg-types input[data-type='Task']")
    assert page.text_content("#kg-summary") == data["summary"]["message"]


def _inside(point: dict[str, float], area: dict[str, float], margin: float = 1.0) -> bool:
    return (
        area["left"] - margin <= point["x"] <= area["right"] + margin
        and area["top"] - margin <= point["y"] <= area["bottom"] + margin
    )


@pytest.mark.slow
def test_real_map_search_forgives_case_dashes_spelling_and_typos(open_real: Any) -> None:
    opened = open_real()
    page = opened.page
    data = _page_data(opened)
    by_papers = sorted(data["nodes"], key=lambda n: (-n["papers"], n["id"]))
    # case, spaces and dashes: type a hyphenated or multi-word name the other way round, in capitals
    node = next(n for n in by_papers if "-" in n["name"] or " " in n["name"])
    typed = (
        node["name"].upper().replace("-", " ")
        if "-" in node["name"]
        else node["name"].upper().replace(" ", "-")
    )
    page.fill("#kg-search", typed)
    page.press("#kg-search", "Enter")
    assert opened.js("kgView.selected()") == node["id"]
    # the search zooms so that the node and its neighbours are in the part the panel leaves free
    page.wait_for_timeout(600)
    area = opened.js("kgView.freeArea()")
    neighbours = opened.js(f"kgView.neighbours({node['id']!r})")
    assert neighbours
    for other in [node["id"], *neighbours]:
        assert _inside(opened.js(f"kgView.domPosition({other!r})"), area), other
    # British spelling finds the American name (and the other way round)
    american = next((n for n in by_papers if "ization" in n["name"].lower()), None)
    if american is not None:
        page.fill("#kg-search", american["name"].lower().replace("ization", "isation"))
        page.press("#kg-search", "Enter")
        assert opened.js("kgView.selected()") == american["id"]
    # a typo: no exact match, the near name is suggested
    long_name = next(n for n in by_papers if len(n["name"]) >= 10 and n["name"].isascii())
    typo = long_name["name"][:4] + long_name["name"][5:]
    page.fill("#kg-search", typo)
    assert "did you mean" in page.text_content("#kg-search-status")
    suggested = page.locator("#kg-suggestions .kg-suggestion-name").all_text_contents()
    assert long_name["name"] in suggested
    page.press("#kg-search", "Enter")  # no exact match: Enter does not jump anywhere on its own
    assert opened.js("kgView.selected()") == (american or node)["id"]
    assert opened.errors() == []


@pytest.mark.slow
def test_real_map_panel_never_covers_the_selected_node_and_lists_papers(open_real: Any) -> None:
    opened = open_real()
    page = opened.page
    boxes = opened.js("kgView.labelBoxes()")
    # the labelled node furthest right: the panel opens over that part of the drawing
    rightmost = max(boxes, key=lambda b: opened.js(f"kgView.domPosition({b['id']!r})")["x"])
    target = rightmost["id"]
    pos = opened.js(f"kgView.domPosition({target!r})")
    assert _click_to_select(opened, pos["x"], pos["y"]) == target
    page.wait_for_timeout(600)
    area = opened.js("kgView.freeArea()")
    panel = page.locator("#kg-panel").bounding_box()
    assert area["right"] <= panel["x"] + 1
    assert _inside(opened.js(f"kgView.domPosition({target!r})"), area)
    # papers are one click away; a paper shows entities and code before its abstract
    papers = page.locator("#kg-panel-papers button[data-paper]")
    assert papers.count() >= 1
    papers.first.click()
    assert opened.js("kgView.selected()").startswith("paper:")
    tops = opened.js(
        "['kg-panel-entities', 'kg-panel-links', 'kg-panel-abstract']"
        ".map(id => document.getElementById(id)).filter(Boolean).map(el => el.getBoundingClientRect().top)"
    )
    assert len(tops) >= 2 and tops == sorted(tops)
    assert opened.js("document.getElementById('kg-panel-abstract') !== null")
    page.keyboard.press("Escape")
    assert not page.is_visible("#kg-panel") and opened.js("kgView.selected()") is None
    assert opened.errors() == []


@pytest.mark.slow
def test_real_map_click_selects_the_node_under_the_pointer_not_a_label_over_it(open_real: Any) -> None:
    opened = open_real()
    _wait_still(opened)
    # a node whose centre lies under another node's label: the click must pick the node
    hit = opened.js(
        """(() => {
          const boxes = kgView.labelBoxes();
          const d = JSON.parse(document.getElementById('kg-data').textContent);
          for (const n of d.nodes) {
            const p = kgView.domPosition(n.id);
            for (const b of boxes) {
              if (b.id !== n.id && p.x > b.x + 2 && p.x < b.x + b.width - 2 && p.y > b.y + 2 && p.y < b.y + b.height - 2) {
                return {id: n.id, x: p.x, y: p.y, label: b.id};
              }
            }
          }
          return null;
        })()"""
    )
    assert hit is not None
    assert _click_to_select(opened, hit["x"], hit["y"]) == hit["id"]
    # a click on a label away from any node selects the labelled node
    opened.page.keyboard.press("Escape")
    _wait_still(opened)  # the pan that kept the first node clear of the panel ends
    assert opened.js("kgView.selected()") is None
    # The boxes are read again before each try: closing the panel, or the pointer's hover,
    # redraws the map and may place the labels anew.
    chosen, expected = None, None
    for _ in range(3):
        _wait_still(opened)
        box = opened.js("kgView.labelBoxes()")[0]
        free = opened.page.evaluate(
            """b => {
              const d = JSON.parse(document.getElementById('kg-data').textContent);
              for (let x = b.x + 2; x < b.x + b.width - 2; x += 3) {
                const y = b.y + b.height / 2;
                const near = d.nodes.some(n => { const p = kgView.domPosition(n.id);
                  return Math.hypot(p.x - x, p.y - y) < n.s * kgView.scale() + 6; });
                if (!near) return {x: x, y: y};
              }
              return null;
            }""",
            box,
        )
        if free is None:
            break
        expected = box["id"]
        opened.page.mouse.click(free["x"], free["y"])
        chosen = opened.js("kgView.selected()")
        if chosen is not None:
            break
    assert chosen == expected
    assert opened.errors() == []

"""The HTML view in a real headless Chromium (playwright driving /usr/bin/chromium).

Skipped when Chromium is missing, unless KG_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure. Nothing is installed by these tests.
"""

from __future__ import annotations

import os
import random
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
    chromium_missing_reason,
    hostile_graph,
    launch_chromium,
    sample_graph,
)

from kg.view import write_html
from kg.view.select import select_nodes

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture()
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(
        graph: nx.DiGraph, name: str = "graph", width: int = 1400, height: int = 860, **options: Any
    ) -> Opened:
        path = tmp_path / f"{name}.html"
        write_html(graph, path, **options)
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page=page, url=path.as_uri())
        page.on("console", lambda m: opened.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: opened.console.append(("pageerror", str(e))))
        page.on("request", lambda r: opened.requests.append(r.url))
        page.goto(opened.url)
        page.wait_for_function("window.kgView && window.kgView.isSettled()", timeout=20000)
        return opened

    yield _open
    for context in contexts:
        context.close()


def _click_node(opened: Opened, node_id: str) -> None:
    opened.page.wait_for_timeout(300)  # let a fit or focus animation finish
    pos = opened.js(f"kgView.domPosition({node_id!r})")
    assert pos is not None
    opened.page.mouse.click(pos["x"], pos["y"])


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
    legend = opened.page.locator("#kg-types .kg-type-name").all_text_contents()
    assert legend == ["Paper", "Method", "Model", "Dataset", "Task", "Repository", "Link"]
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "graph.png"))
    assert (ARTIFACTS / "graph.png").stat().st_size > 10_000
    if os.environ.get("KG_UPDATE_SCREENSHOT") == "1":
        # the README picture: the same page with one entity's side panel open
        opened.page.fill("#kg-search", "LoRA")
        opened.page.press("#kg-search", "Enter")
        opened.page.wait_for_timeout(600)
        opened.page.screenshot(path=str(DOCS_SCREENSHOT))


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
    assert "No node matches" in page.text_content("#kg-search-status")
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
    opened = open_page(graph, name="large", max_nodes=2000)
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
    assert opened.errors() == []


def test_bundled_sample_build_draws_and_explains_an_entity(open_page: Any, tmp_path: Path) -> None:
    # the real thing: the bundled Daily Papers sample through the real extractor and graph
    from kg.graph import read_node_link
    from kg.pipeline import build

    build([], out_dir=tmp_path / "outputs", validate=False)
    graph = read_node_link(tmp_path / "outputs" / "graph.json")
    opened = open_page(graph, name="sample", title="kg: the bundled Daily Papers sample")
    assert opened.errors() == []
    assert opened.requests == [opened.url]
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
    titles = [graph.nodes[p]["title"] for p in graph.predecessors(entity) if graph.nodes[p]["kind"] == "Paper"]
    assert len(titles) == data["paper_count"]
    for title in titles:
        assert title[:40] in panel
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "sample.png"))

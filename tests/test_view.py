"""Unit tests of the HTML view (no browser): escaping, offline assets, selection, CLI."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import browser_support
import networkx as nx
import pytest
from browser_support import (
    HOSTILE_ABSTRACT,
    HOSTILE_NAME,
    HOSTILE_TITLE,
    hostile_graph,
    sample_graph,
)
from click.testing import CliRunner

import kg.view
from kg.cli import cli, main
from kg.errors import InputError
from kg.view import render_html, write_html
from kg.view.entity_map import MAX_RADIUS, MIN_RADIUS, find_ties, strongest
from kg.view.labels import CHAR_WIDTH, LINE_HEIGHT, fitted_scale
from kg.view.layout import compute_layout, spread_overlaps
from kg.view.map_payload import PANEL_PAPERS
from kg.view.page import APP_SCRIPTS, asset, vis_asset
from kg.view.payload import MIN_FONT, embed_json
from kg.view.select import find_nodes, most_connected, select_nodes
from kg.view.spelling import parse_spelling, search_key, spelling_rules

PYVIS_LIB = Path(__import__("pyvis").__file__).parent / "templates" / "lib" / "vis-9.1.2"


class _Tags(HTMLParser):
    """Collect start tags, their attributes and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script, self._buf = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _data(page: str) -> dict:
    scripts = [text for attrs, text in _parse(page).scripts if attrs.get("id") == "kg-data"]
    assert len(scripts) == 1
    return json.loads(scripts[0])


# ---------------------------------------------------------------- safety


def test_hostile_text_is_escaped_in_embedded_json() -> None:
    page = render_html(hostile_graph(), title="<b>t</b>")
    parsed = _parse(page)
    # exactly our script elements: data, vis-network, the page's own scripts; no injected one
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == ["application/json"] + [None] * (
        1 + len(APP_SCRIPTS)
    )
    assert not any(tag in {"img", "iframe", "svg", "b"} for tag, _ in parsed.tags)
    raw = next(text for attrs, text in parsed.scripts if attrs.get("id") == "kg-data")
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in raw
    data = json.loads(raw)
    by_id = {n["id"]: n for n in data["nodes"]}
    paper = by_id["paper:2501.00001"]
    assert paper["title"] == HOSTILE_TITLE and paper["abstract"] == HOSTILE_ABSTRACT
    assert HOSTILE_NAME in {n.get("name") for n in data["nodes"]}
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page


def test_embed_json_round_trips_and_has_no_markup() -> None:
    value = {"a": "</script><!--<script>", "b": "\u2028\u2029&", "c": ["\u00e9", 1.5]}
    text = embed_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_no_external_resources_and_strict_csp() -> None:
    page = render_html(sample_graph())
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        if tag in {"script", "link", "img", "iframe"}:
            assert "src" not in attrs and "href" not in attrs, (tag, attrs)
    assert not re.search(r"<(?:script|link|img)[^>]*(?:src|href)\s*=", page, re.IGNORECASE)
    csp = next(
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "unsafe" not in csp
    assert "connect-src" not in csp  # falls back to default-src 'none'


def test_csp_hashes_match_inline_scripts() -> None:
    import base64
    import hashlib

    page = render_html(sample_graph())
    parsed = _parse(page)
    csp = next(
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    code = [text for attrs, text in parsed.scripts if attrs.get("type") is None]
    assert len(code) == 1 + len(APP_SCRIPTS)
    for text in code:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_vis_network_comes_from_the_installed_pyvis() -> None:
    page = render_html(sample_graph())
    scripts = [text for attrs, text in _parse(page).scripts if attrs.get("type") is None]
    assert scripts[0] == (PYVIS_LIB / "vis-network.min.js").read_text(encoding="utf-8")
    assert (PYVIS_LIB / "vis-network.css").read_text(encoding="utf-8") in page
    assert vis_asset("js") == scripts[0]
    shipped = {p.name for p in Path(kg.view.__file__).parent.iterdir()}
    assert not {name for name in shipped if name.startswith("vis-network")}  # no copy in kg


def test_app_scripts_never_use_html_sinks() -> None:
    for name in APP_SCRIPTS:
        code = asset(name)
        for sink in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ):
            assert sink not in code, (name, sink)


# ---------------------------------------------------------------- content


def test_payload_has_nodes_edges_styles_and_positions() -> None:
    graph = sample_graph()
    data = _data(render_html(graph, title="Sample"))
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    assert data["title"] == "Sample"
    assert [t["name"] for t in data["types"]][:7] == [
        "Paper",
        "Method",
        "Model",
        "Dataset",
        "Task",
        "Repository",
        "Link",
    ]
    assert len({t["color"] for t in data["types"][:7]}) == 7
    assert len({t["shape"] for t in data["types"][:7]}) == 7
    rel_names = [r["name"] for r in data["relations"]]
    assert {"proposes", "uses", "has_code", "has_link", "co_occurs"} <= set(rel_names)
    lora = next(n for n in data["nodes"] if n["id"] == "method:low-rank-adaptation")
    assert lora["aliases"] == ["LoRA"] and lora["papers"] == 3
    whisper_size = next(n["s"] for n in data["nodes"] if n["id"] == "model:whisper")
    gpt_size = next(n["s"] for n in data["nodes"] if n["id"] == "model:gpt-4o")
    assert whisper_size > gpt_size  # size grows with paper_count
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) == len(data["nodes"])  # no two nodes stacked
    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    evidence = [
        e[4]
        for e in data["edges"]
        if e[0] == index["paper:2501.00001"] and e[1] == index["method:sparse-adapter-routing"]
    ]
    assert evidence and evidence[0].startswith("We introduce Sparse Adapter Routing")
    sar_edges = [e for e in data["edges"] if e[1] == index["method:sparse-adapter-routing"]]
    assert [rel_names[e[2]] for e in sar_edges if e[0] == index["paper:2501.00001"]] == ["proposes"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    graph = sample_graph()
    shuffled = nx.DiGraph()
    shuffled.graph.update(graph.graph)
    shuffled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(graph.edges(data=True))))
    write_html(graph, tmp_path / "a.html")
    write_html(shuffled, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert str(tmp_path) not in (tmp_path / "a.html").read_text(encoding="utf-8")


def test_empty_graph_renders() -> None:
    data = _data(render_html(nx.DiGraph()))
    assert data["nodes"] == [] and data["edges"] == []


def test_layout_separates_components_and_is_stable() -> None:
    edges = [(0, 1), (1, 2), (2, 0), (3, 4)]
    pts = compute_layout(6, edges)
    assert pts == compute_layout(6, edges)
    assert len(set(pts)) == 6
    big = compute_layout(2000, [(i, (i * 7 + 3) % 2000) for i in range(2000)])
    assert len(set(big)) > 1990


# ---------------------------------------------------------------- selection


def test_max_nodes_keeps_most_connected_part_and_reports_hidden() -> None:
    graph = sample_graph()
    kept, summary = select_nodes(graph, max_nodes=10)
    assert len(kept) == 10 == summary.shown_nodes
    undirected = graph.to_undirected()
    top = max(graph.nodes, key=lambda n: (undirected.degree(n), n))
    assert top in kept
    assert nx.is_connected(undirected.subgraph(kept))
    assert summary.hidden_nodes == graph.number_of_nodes() - 10
    assert sum(summary.hidden_by_type.values()) == summary.hidden_nodes
    assert summary.message.startswith(f"showing 10 of {graph.number_of_nodes()} nodes")
    assert "hidden:" in summary.message and "most connected" in summary.message
    assert kept == select_nodes(graph, max_nodes=10)[0]


def test_most_connected_starts_new_region_when_one_is_exhausted() -> None:
    graph = nx.DiGraph([("a", "b"), ("c", "d"), ("c", "e"), ("c", "f")])
    assert most_connected(graph, set(graph.nodes), 5) == {"c", "d", "e", "f", "a"}


def test_focus_by_alias_and_depth() -> None:
    graph = sample_graph()
    kept1, summary = select_nodes(graph, focus="lora", depth=1)
    assert summary.focus_nodes == ("method:low-rank-adaptation",)
    expected = {"method:low-rank-adaptation"} | set(nx.all_neighbors(graph, "method:low-rank-adaptation"))
    assert set(kept1) == expected
    kept2, _ = select_nodes(graph, focus="Low-Rank Adaptation", depth=2)
    assert set(kept1) < set(kept2)
    assert "within 1 hop of 'lora'" in summary.message


def test_focus_not_found_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="no node named 'Whisperer'"):
        select_nodes(sample_graph(), focus="Whisperer")
    with pytest.raises(InputError, match="similar names: .*Low-Rank"):
        select_nodes(sample_graph(), focus="Low-Rank")


def test_types_filter_and_unknown_type() -> None:
    graph = sample_graph()
    kept, summary = select_nodes(graph, types="method,Dataset")
    kinds = {graph.nodes[n]["kind"] for n in kept}
    assert kinds == {"Method", "Dataset"}
    assert summary.hidden_by_type["Paper"] == 8 and "Method" not in summary.hidden_by_type
    with pytest.raises(InputError, match="unknown node type 'Gadget'"):
        select_nodes(graph, types=["Gadget"])


def test_bad_limits() -> None:
    with pytest.raises(InputError, match="max-nodes"):
        select_nodes(sample_graph(), max_nodes=0)
    with pytest.raises(InputError, match="depth"):
        select_nodes(sample_graph(), focus="LoRA", depth=-1)


def test_graph_from_build_graph_renders() -> None:
    graph_mod = pytest.importorskip("kg.graph")
    from kg.records import Entity, Link, Mention, Paper, PaperExtraction

    def ext(
        pid: str, title: str, ents: list[tuple[str, str, str]], links: tuple[Link, ...] = ()
    ) -> PaperExtraction:
        abstract = title + ". " + " ".join(name for _, name, _ in ents) + "."
        entities = tuple(
            Entity(type=t, name=n, role=r, mentions=(Mention(0, len(n), f"We study {n}."),))
            for t, n, r in ents
        )
        return PaperExtraction(Paper(id=pid, title=title, abstract=abstract), entities, links, "test/0")

    records = [
        ext(
            "p1",
            "Paper one <b>",
            [("Method", "Sparse Routing", "proposed"), ("Dataset", "SQuAD", "used")],
            (Link("https://github.com/acme/routing", "code", "Code at github."),),
        ),
        ext(
            "p2", "Paper two", [("Method", "Sparse Routing", "used"), ("Task", "question answering", "used")]
        ),
    ]
    graph = graph_mod.build_graph(records, lexicon=None)
    data = _data(render_html(graph))
    assert len(data["nodes"]) == graph.number_of_nodes()
    kinds = {data["types"][n["k"]]["name"] for n in data["nodes"]}
    assert {"Paper", "Method", "Dataset", "Task", "Repository"} <= kinds
    routing = next(n for n in data["nodes"] if n.get("name") == "Sparse Routing")
    assert routing["papers"] == 2
    _, summary = select_nodes(graph, focus="sparse routing", depth=1)
    assert summary.shown_nodes >= 3


# ---------------------------------------------------------------- CLI


def _write_graph_json(path: Path) -> Path:
    graph_mod = pytest.importorskip("kg.graph")
    graph_mod.write_node_link(sample_graph(), path)
    return path


def test_cli_help() -> None:
    result = CliRunner().invoke(cli, ["view", "--help"])
    assert result.exit_code == 0
    for option in ("--max-nodes", "--focus", "--depth", "--types", "--title", "--output"):
        assert option in result.output


def test_cli_writes_page_from_graph_json(tmp_path: Path) -> None:
    source = _write_graph_json(tmp_path / "graph.json")
    out = tmp_path / "out" / "graph.html"
    result = CliRunner().invoke(
        cli,
        ["view", str(source), "-o", str(out), "--max-nodes", "12", "--types", "Paper,Method,Model,Dataset"],
    )
    assert result.exit_code == 0, result.output
    assert "showing 12 of" in result.output and str(out) in result.output
    data = _data(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 12
    first = out.read_bytes()
    CliRunner().invoke(
        cli,
        ["view", str(source), "-o", str(out), "--max-nodes", "12", "--types", "Paper,Method,Model,Dataset"],
    )
    assert out.read_bytes() == first


def test_cli_reads_outputs_folder_and_focus(tmp_path: Path) -> None:
    _write_graph_json(tmp_path / "graph.json")
    out = tmp_path / "focus.html"
    result = CliRunner().invoke(
        cli,
        ["view", str(tmp_path), "-o", str(out), "--focus", "SAR", "--depth", "1", "--title", "Focus <SAR>"],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<title>Focus &lt;SAR&gt;</title>" in page
    ids = {n["id"] for n in _data(page)["nodes"]}
    assert "method:sparse-adapter-routing" in ids and "paper:2501.00002" not in ids


def _main_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    return int(stop.value.code or 0), capsys.readouterr().err


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write_graph_json(tmp_path / "graph.json")
    out = str(tmp_path / "x.html")
    code, err = _main_error(["view", str(source), "-o", out, "--focus", "Nothing Here"], capsys)
    assert code == 2 and err.strip().count("\n") == 0
    assert "no node named 'Nothing Here'" in err
    assert not (tmp_path / "x.html").exists()
    code, err = _main_error(["view", str(source), "-o", out, "--types", "Gizmo"], capsys)
    assert code == 2 and "unknown node type 'Gizmo'" in err
    code, err = _main_error(["view", str(tmp_path / "missing.json"), "-o", out], capsys)
    assert code == 2 and "missing.json: file not found" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, err = _main_error(["view", str(empty), "-o", out], capsys)
    assert code == 2 and "graph.json" in err


def test_depth_without_focus_is_a_usage_error(tmp_path: Path) -> None:
    source = _write_graph_json(tmp_path / "graph.json")
    result = CliRunner().invoke(cli, ["view", str(source), "-o", str(tmp_path / "x.html"), "--depth", "2"])
    assert result.exit_code == 2 and "--depth needs --focus" in result.output


# ---------------------------------------------------------------- layering and test set-up


def test_view_imports_no_spacy_or_rdflib() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kg.view; print(sorted(m for m in ('spacy', 'rdflib', 'pyoxigraph') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_browser_tests_skip_or_fail_without_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser_support, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("KG_REQUIRE_BROWSER", raising=False)
    reason = browser_support.chromium_missing_reason()
    assert reason is not None and "no-chromium not found" in reason
    monkeypatch.setenv("KG_REQUIRE_BROWSER", "1")
    with pytest.raises(RuntimeError, match="KG_REQUIRE_BROWSER=1"):
        browser_support.chromium_missing_reason()


def test_cli_reads_rdf_and_gives_the_same_page(tmp_path: Path) -> None:
    rdf = pytest.importorskip("kg.rdf")
    source = _write_graph_json(tmp_path / "graph.json")
    rdf.write_rdf(sample_graph(), tmp_path / "graph.ttl", format="turtle")
    runner = CliRunner()
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert runner.invoke(cli, ["view", str(source), "-o", str(a)]).exit_code == 0
    result = runner.invoke(cli, ["view", str(tmp_path / "graph.ttl"), "-o", str(b)])
    assert result.exit_code == 0, result.output
    assert a.read_bytes() == b.read_bytes()


# ---------------------------------------------------------------- the entity map


def _field_data(**options: object) -> tuple[dict, nx.DiGraph]:
    graph = browser_support.field_graph()
    return _data(render_html(graph, **options)), graph


def test_auto_mode_draws_an_entity_map_for_many_papers_and_papers_for_few() -> None:
    data, graph = _field_data()
    assert data["mode"] == "map" and data["summary"]["mode"] == "map"
    kinds = {data["types"][n["k"]]["name"] for n in data["nodes"]}
    assert kinds <= {"Method", "Model", "Dataset", "Task"}  # papers are folded away
    assert len(data["nodes"]) == sum(1 for _, k in graph.nodes(data="kind") if k in kinds)
    assert data["summary"]["message"].startswith("entity map of 240 papers: the 22 of 22 entities")
    assert _data(render_html(sample_graph()))["mode"] == "papers"  # 8 papers: every paper fits
    assert _data(render_html(graph, mode="papers"))["mode"] == "papers"
    assert _data(render_html(sample_graph(), mode="MAP"))["mode"] == "map"
    assert _data(render_html(graph, types="Method,Task"))["mode"] == "map"  # entities of 240 papers
    assert _data(render_html(graph, types="Paper,Repository"))["mode"] == "papers"  # no entity to map
    with pytest.raises(InputError, match="unknown view mode 'tree'"):
        render_html(graph, mode="tree")


def test_map_recovers_the_topics_as_clusters_with_distinct_colours_and_names() -> None:
    data, _ = _field_data()
    cluster_of = {n["name"]: n["c"] for n in data["nodes"]}
    for topic, entities in browser_support.FIELD_TOPICS.items():
        assert len({cluster_of[name] for _, name in entities}) == 1, topic
    assert len({cluster_of[entities[0][1]] for entities in browser_support.FIELD_TOPICS.values()}) == 3
    colours = [c["color"] for c in data["clusters"]]
    assert len(colours) == len(set(colours)) == 3
    for cluster, info in enumerate(data["clusters"]):
        members = [n for n in data["nodes"] if n["c"] == cluster]
        top = max(members, key=lambda n: (n["papers"], n["name"]))
        assert info["name"].startswith(top["name"]) and info["size"] == len(members)


def test_map_sizes_are_bounded_and_grow_with_papers() -> None:
    data, _ = _field_data()
    sizes = {n["name"]: n["s"] for n in data["nodes"]}
    papers = {n["name"]: n["papers"] for n in data["nodes"]}
    assert max(sizes.values()) == MAX_RADIUS and min(sizes.values()) >= MIN_RADIUS
    ranked = sorted(papers, key=lambda name: papers[name])
    assert [sizes[name] for name in ranked] == sorted(sizes[name] for name in ranked)


def test_map_draws_each_entitys_strongest_ties_by_association_not_count() -> None:
    # a hub in every paper co-occurs most often with everything, but by chance alone
    graph = nx.DiGraph()
    total = 400
    counts = {"method:hub": 400, "method:a": 40, "method:b": 40, "method:c": 40, "method:d": 40}
    for node, papers in counts.items():
        graph.add_node(node, kind="Method", label=node, name=node, paper_count=papers, mention_count=papers)
    for p in range(total):
        graph.add_node(f"paper:{p}", kind="Paper", label=str(p), title=str(p))
    for node in ("method:a", "method:b", "method:c", "method:d"):
        graph.add_edge("method:hub", node, relation="co_occurs", weight=40)  # 40 * 400 / (400 * 40) = 1.0
    graph.add_edge("method:a", "method:b", relation="co_occurs", weight=12)  # 12 * 400 / 1600 = 3.0
    graph.add_edge("method:c", "method:d", relation="co_occurs", weight=2, association_strength=9.5)
    entities = ["method:hub", "method:a", "method:b", "method:c", "method:d"]
    ties = {(entities[t.a], entities[t.b]): t for t in find_ties(graph, entities, total)}
    assert ties[("method:hub", "method:a")].strength == 1.0
    assert ties[("method:a", "method:b")].strength == 3.0
    assert ties[("method:c", "method:d")].strength == 9.5  # a strength stored on the edge wins
    tie_list = list(ties.values())
    best_of_a = [tie_list[k] for k in strongest(5, tie_list, 1) if entities[tie_list[k].a] == "method:a"]
    assert [(entities[t.a], entities[t.b]) for t in best_of_a] == [("method:a", "method:b")]


def test_map_draws_few_ties_per_entity_and_nodes_do_not_overlap() -> None:
    data, _ = _field_data()
    n = len(data["nodes"])
    per_node = [0] * n
    for a, b, *_ in data["edges"]:
        per_node[a] += 1
        per_node[b] += 1
    assert len(data["edges"]) <= 3 * n and max(per_node) < n - 1
    for i, first in enumerate(data["nodes"]):
        for second in data["nodes"][i + 1 :]:
            gap = ((first["x"] - second["x"]) ** 2 + (first["y"] - second["y"]) ** 2) ** 0.5
            assert gap >= first["s"] + second["s"] - 0.5, (first["name"], second["name"])


def test_map_papers_are_one_click_away_proposing_first() -> None:
    data, graph = _field_data()
    warble = next(n for n in data["nodes"] if n["name"] == "Warble Adapter")
    assert len(warble["pp"]) == PANEL_PAPERS < warble["papers"]
    first = data["papers"][warble["pp"][0][0]]
    assert warble["pp"][0][1] == 1 and first["title"] == "A study of speech number 1"
    assert [row[1] for row in warble["pp"][1:]] == [0] * (PANEL_PAPERS - 1)
    assert first["links"] == [["https://github.com/example-lab/speech-code", "code"]]
    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    for paper in data["papers"]:
        node = graph.nodes[paper["id"]]
        assert paper["abstract"] == node["abstract"]
        mentioned = [t for t in graph.successors(paper["id"]) if graph.nodes[t]["kind"] != "Repository"]
        assert sorted(e[0] for e in paper["ents"]) == sorted(index[t] for t in mentioned)


def test_map_output_is_deterministic() -> None:
    graph = browser_support.field_graph()
    shuffled = nx.DiGraph()
    shuffled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(graph.edges(data=True))))
    assert render_html(graph) == render_html(shuffled)


def test_map_focus_keeps_the_focus_entity_and_its_ties() -> None:
    graph = browser_support.field_graph()
    data = _data(render_html(graph, mode="map", focus="prism pooling", max_nodes=4))
    names = {n["name"] for n in data["nodes"]}
    assert "Prism Pooling" in names and len(names) == 4
    assert "within 1 hop of 'prism pooling'" in data["summary"]["message"]


def test_spread_overlaps_separates_stacked_nodes() -> None:
    points = [(0.0, 0.0)] * 30 + [(5.0, 5.0)] * 10
    radii = [10.0] * 40
    spread = spread_overlaps(points, radii, gap=2.0)
    for i in range(40):
        for j in range(i + 1, 40):
            dist = ((spread[i][0] - spread[j][0]) ** 2 + (spread[i][1] - spread[j][1]) ** 2) ** 0.5
            assert dist >= 19.9, (i, j)


# ---------------------------------------------------------------- search keys


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("low rank adaptation", "Low-Rank Adaptation"),
        ("LOW-RANK ADAPTATION", "Low-Rank Adaptation"),
        ("gpt4o", "GPT-4o"),
        ("colour constancy", "color constancy"),
        ("image normalisation", "image normalization"),
        ("modelling", "modeling"),
        ("analysed", "analyzed"),
        ("centre loss", "center loss"),
        ("naïve bayes", "Naive Bayes"),
    ],
)
def test_search_key_folds_what_people_type(typed: str, name: str) -> None:
    assert search_key(typed) == search_key(name)


def test_search_key_keeps_different_names_apart() -> None:
    assert search_key("GPT-4") != search_key("GPT-4o")
    assert search_key("Llama 3") != search_key("Llama 3.1")


def test_focus_finds_a_name_typed_without_dashes_or_in_british_spelling() -> None:
    graph = browser_support.field_graph()
    assert find_nodes(graph, "warble-adapter") == ["method:warble-adapter"]
    assert find_nodes(graph, "pitch normalization") == ["task:pitch-normalisation"]
    assert find_nodes(graph, "Frame Colorization") == ["task:frame-colourisation"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("british\tamerican\n", "expected the header"),
        ("british\tamerican\twhere\nise\tize\n", "expected 3 tab-separated columns"),
        ("british\tamerican\twhere\nIse\tize\tend\n", "lower-case ASCII"),
        ("british\tamerican\twhere\nise\tize\tmiddle\n", "where must be 'end' or 'any'"),
        ("british\tamerican\twhere\nise\tize\tend\nise\tyze\tend\n", "repeats line 2"),
        ("# only a comment\n", "no header line"),
    ],
)
def test_spelling_file_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_spelling(text, path="spelling.tsv")
    assert "spelling.tsv" in str(caught.value)


def test_page_carries_the_same_spelling_rules_as_python() -> None:
    data = _data(render_html(sample_graph()))
    assert [tuple(rule) for rule in data["spelling"]] == list(spelling_rules())


# ---------------------------------------------------------------- labels, notebook


def test_label_fonts_are_readable_and_priority_puts_shared_entities_first() -> None:
    data = _data(render_html(sample_graph()))
    assert all(MIN_FONT >= 11 and n["f"] >= MIN_FONT for n in data["nodes"])
    order = data["labels"]
    assert sorted(order) == list(range(len(data["nodes"])))
    first = data["nodes"][order[0]]
    most = max(n.get("papers", 0) for n in data["nodes"])
    assert first.get("papers") == most and first["f"] == max(n["f"] for n in data["nodes"])


def test_to_pyvis_fills_a_network_without_add_node_and_without_overlapping_labels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pyvis.network import Network

    from kg.api import KnowledgeGraph

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyvis's quadratic add_node/add_edge must not be used")

    monkeypatch.setattr(Network, "add_node", forbidden)
    monkeypatch.setattr(Network, "add_edge", forbidden)
    graph = browser_support.field_graph()
    net = KnowledgeGraph(graph).to_pyvis()
    data = _data(render_html(graph))
    assert isinstance(net, Network)
    assert net.get_nodes() == [n["id"] for n in data["nodes"]]
    assert len(net.get_edges()) == len(data["edges"])
    assert net.get_node("method:warble-adapter")["x"] == next(
        n["x"] for n in data["nodes"] if n["name"] == "Warble Adapter"
    )
    assert net.options.physics.enabled is False
    labelled = [n for n in net.nodes if "label" in n]
    assert labelled and len(labelled) < len(net.nodes) + 1
    # no two labels overlap at the fitted zoom, measured with the same estimate the choice used
    scale = fitted_scale([(n["x"], n["y"]) for n in net.nodes], [n["size"] for n in net.nodes], 1000, 640)
    boxes = []
    for n in labelled:
        w = CHAR_WIDTH * n["font"]["size"] * scale * len(n["label"])
        h = LINE_HEIGHT * n["font"]["size"] * scale
        top = (n["y"] + n["size"]) * scale + 2
        boxes.append((n["x"] * scale - w / 2, top, n["x"] * scale + w / 2, top + h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (
                a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01
            )
    assert "Shared Backbone" in {n["label"] for n in labelled}  # the most important always gets its label
    html_text = net.generate_html()
    assert "method:warble-adapter" in html_text


def test_repr_html_shows_the_map_in_a_sandboxed_iframe() -> None:
    import html as html_lib

    from kg.api import KnowledgeGraph

    cell = KnowledgeGraph(sample_graph())._repr_html_()
    assert cell.startswith("<iframe") and cell.endswith("</iframe>")
    sandbox = re.search(r'sandbox="([^"]*)"', cell)
    assert sandbox and "allow-scripts" in sandbox.group(1) and "allow-same-origin" not in sandbox.group(1)
    srcdoc = re.search(r'srcdoc="([^"]*)"', cell)
    assert srcdoc is not None
    page = html_lib.unescape(srcdoc.group(1))
    assert page == render_html(sample_graph())


def test_cli_mode_option(tmp_path: Path) -> None:
    source = _write_graph_json(tmp_path / "graph.json")
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["view", str(source), "-o", str(out), "--mode", "map"])
    assert result.exit_code == 0, result.output
    assert "entity map of 8 papers" in result.output
    assert _data(out.read_text(encoding="utf-8"))["mode"] == "map"
    result = CliRunner().invoke(cli, ["view", str(source), "-o", str(out), "--mode", "tree"])
    assert result.exit_code == 2 and "tree" in result.output

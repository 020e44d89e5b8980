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

from kg.cli import cli, main
from kg.errors import InputError
from kg.view import render_html, write_html
from kg.view.layout import compute_layout
from kg.view.page import asset
from kg.view.payload import embed_json
from kg.view.select import most_connected, select_nodes

PYVIS_LIB = Path(__import__("pyvis").__file__).parent / "lib" / "vis-9.1.2"


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
    # exactly our three script elements: data, vis-network, app; no injected one
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == ["application/json", None, None]
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
    assert len(code) == 2
    for text in code:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_vis_network_is_pyvis_copy() -> None:
    assert asset("vis-network.min.js") == (PYVIS_LIB / "vis-network.min.js").read_text(encoding="utf-8")
    assert asset("vis-network.min.css") == (PYVIS_LIB / "vis-network.css").read_text(encoding="utf-8")


def test_app_script_never_uses_html_sinks() -> None:
    code = asset("app.js")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code


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

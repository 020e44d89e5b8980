"""Tests of the networkx graph (kg.graph): structure, attributes, ids, round trips, idempotence."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kg import __version__
from kg.errors import InputError
from kg.graph import (
    add_extractions,
    build_graph,
    entity_node_id,
    extractions_from_graph,
    graph_stats,
    graphs_equal,
    link_node_id,
    paper_node_id,
    repo_node_id,
)
from kg.io import read_jsonl
from kg.node_link import read_node_link, write_node_link
from kg.records import Entity, Paper, PaperExtraction

FIXTURE = Path(__file__).parent / "fixtures" / "graph" / "papers.jsonl"

GLS = "method:gradient-lattice-smoothing"
ZEPHYR = "dataset:zephyr-bench"
CRATER_TASK = "task:lunar-crater-counting"
ATLAS = "model:spectral-atlas-model"
CRATERSET = "dataset:craterset"
ANCHOR = "method:sparse-anchor-matching"


@pytest.fixture(scope="module")
def records() -> list[PaperExtraction]:
    return [PaperExtraction.from_dict(d) for d in read_jsonl(FIXTURE)]


@pytest.fixture(scope="module")
def graph(records):
    return build_graph(records, lexicon=None)


def simple(pid: str, *entities: Entity) -> PaperExtraction:
    return PaperExtraction(
        paper=Paper(id=pid, title=pid.upper(), abstract=""), entities=entities, extractor="t/1"
    )


# --------------------------------------------------------------------------- ids


def test_node_id_minting() -> None:
    assert paper_node_id("arxiv:2508.00001") == "paper:arxiv:2508.00001"
    assert entity_node_id("Dataset", "Zephyr-Bench") == "dataset:zephyr-bench"
    assert entity_node_id("Task", "lunar crater counting", index=3) == "task:lunar-crater-counting-3"
    assert entity_node_id("Method", "\u03c0").startswith("method:h-")  # no ASCII: a hash, never empty
    assert repo_node_id("https://GitHub.com/zeta-lab/gls/") == "repo:github.com/zeta-lab/gls"
    assert repo_node_id("gitlab.com/a/b") == "repo:gitlab.com/a/b"
    assert link_node_id("https://zeta.example.org/x") == "link:https://zeta.example.org/x"
    with pytest.raises(ValueError):
        entity_node_id("Paper", "x")


def test_true_homonyms_get_numbered_ids_deterministically() -> None:
    records = [
        simple("p1", Entity("Method", "Q&")),
        simple("p2", Entity("Method", "Q#")),
        simple("p3", Entity("Method", "Q 2")),  # its natural id is "method:q-2": the homonym must skip it
        simple("p4", Entity("Model", "Q*")),
    ]
    ids = set()
    for order in (records, records[::-1], records[1:] + records[:1]):
        g = build_graph(order, lexicon=None)
        named = {d["name"]: n for n, d in g.nodes(data=True) if d.get("kind") == "Method"}
        ids.add(tuple(sorted(named.items())))
    assert len(ids) == 1
    named = dict(ids.pop())
    assert named["Q 2"] == "method:q-2"
    assert {named["Q&"], named["Q#"]} == {"method:q", "method:q-3"}
    assert "model:q" in g
    # "+" reads "plus": a "+" variant is no homonym of its base
    g = build_graph([simple("p1", Entity("Method", "Q")), simple("p2", Entity("Method", "Q+"))], lexicon=None)
    assert {d["name"]: n for n, d in g.nodes(data=True) if d.get("kind") == "Method"} == {
        "Q": "method:q",
        "Q+": "method:q-plus",
    }


# --------------------------------------------------------------------------- structure


def test_graph_metadata_and_stats(graph) -> None:
    assert graph.is_directed() and not graph.is_multigraph()
    assert graph.graph == {"kg_version": __version__, "extractor": "kg-extract/0.1.0", "papers": 4}
    assert graph_stats(graph) == {
        "nodes": 4 + 6 + 1 + 2,
        "edges": 12 + 1 + 2 + 9,
        "kinds": {"Dataset": 2, "Link": 2, "Method": 2, "Model": 1, "Paper": 4, "Repository": 1, "Task": 1},
        "relations": {"co_occurs": 9, "has_code": 1, "has_link": 2, "proposes": 3, "uses": 9},
    }


def test_paper_node(graph) -> None:
    assert graph.nodes["paper:paper-alpha"] == {
        "kind": "Paper",
        "label": "Gradient Lattice Smoothing for Sparse Sensors",
        "paper_id": "paper-alpha",
        "title": "Gradient Lattice Smoothing for Sparse Sensors",
        "abstract": graph.nodes["paper:paper-alpha"]["abstract"],
        "url": "https://example.org/alpha",
        "authors": ["A. Author", "B. Author"],
        "date": "2025-08-29",
        "categories": ["cs.LG"],
        "source": "sample.jsonl",
    }
    assert graph.nodes["paper:paper-alpha"]["abstract"].startswith("We propose Gradient Lattice Smoothing")
    assert graph.nodes["paper:paper-delta"]["url"] is None


def test_entity_nodes_merge_across_papers(graph) -> None:
    assert graph.nodes[GLS] == {
        "kind": "Method",
        "label": "Gradient Lattice Smoothing",
        "name": "Gradient Lattice Smoothing",
        "aliases": ["GLS", "gradient lattice smoothing"],
        "paper_count": 3,
        "mention_count": 4,
    }
    assert graph.nodes[ZEPHYR]["aliases"] == ["ZephyrBench"]
    assert graph.nodes[CRATER_TASK]["name"] == "lunar crater counting"
    assert graph.nodes[CRATER_TASK]["paper_count"] == 3
    # SAM the model and SAM the method stay two nodes.
    assert graph.nodes[ATLAS]["aliases"] == ["SAM"] and graph.nodes[ANCHOR]["aliases"] == ["SAM"]
    assert graph.nodes[ATLAS]["kind"] == "Model" and graph.nodes[ANCHOR]["kind"] == "Method"


def test_paper_entity_edges_keep_the_paper_forms_and_evidence(graph) -> None:
    edge = graph.edges["paper:paper-alpha", GLS]
    assert edge["relation"] == "proposes"
    assert edge["name"] == "Gradient Lattice Smoothing" and edge["aliases"] == ["GLS"]
    assert edge["confidence"] == 0.9
    assert edge["component"] == "kg_acronyms"
    assert edge["extractor"] == "kg-extract/0.1.0"
    assert [(e["field"], e["start"], e["end"]) for e in edge["evidence"]] == [
        ("abstract", 11, 37),
        ("abstract", 64, 67),
    ]
    assert edge["evidence"][1]["sentence"] == "GLS improves lunar crater counting on ZephyrBench."
    beta = graph.edges["paper:paper-beta", GLS]
    assert (beta["relation"], beta["name"], beta["aliases"]) == ("uses", "GLS", [])
    gamma = graph.edges["paper:paper-gamma", CRATERSET]
    assert gamma["relation"] == "proposes"
    assert [e["field"] for e in gamma["evidence"]] == ["abstract", "title"]


def test_code_and_other_links(graph) -> None:
    repo = "repo:github.com/zeta-lab/gls"
    assert graph.nodes[repo] == {
        "kind": "Repository",
        "label": "github.com/zeta-lab/gls",
        "url": "https://github.com/zeta-lab/gls",
        "host": "github.com",
    }
    # The same URL from the text and from metadata is one edge; text evidence wins.
    assert graph.edges["paper:paper-alpha", repo] == {
        "relation": "has_code",
        "sentence": "Code: https://github.com/zeta-lab/gls",
        "origin": "text",
    }
    hf = "link:https://huggingface.co/datasets/zeta/craterset"
    assert graph.nodes[hf]["link_kind"] == "dataset" and graph.nodes[hf]["kind"] == "Link"
    assert graph.edges["paper:paper-gamma", hf]["relation"] == "has_link"
    assert graph.edges["paper:paper-gamma", hf]["link_kind"] == "dataset"
    assert graph.nodes["link:https://zeta.example.org/crater"]["link_kind"] == "web"


def test_co_occurrence_weights(graph) -> None:
    co = {(u, v): d["weight"] for u, v, d in graph.edges(data=True) if d["relation"] == "co_occurs"}
    expected = {
        (GLS, ZEPHYR): 2,
        (GLS, CRATER_TASK): 3,
        (ZEPHYR, CRATER_TASK): 2,
        (GLS, ATLAS): 2,
        (ATLAS, ZEPHYR): 1,
        (ATLAS, CRATER_TASK): 2,
        (CRATERSET, CRATER_TASK): 1,
        (CRATERSET, ATLAS): 1,
        (CRATERSET, GLS): 1,
    }
    # Stored once, from the smaller id to the larger.
    assert co == {tuple(sorted(pair)): w for pair, w in expected.items()}
    assert all(u < v for u, v in co)

    # Cross-check against the paper edges: weight == number of papers linked to both.
    def papers(node: str) -> set[str]:
        return {p for p in graph.predecessors(node) if graph.nodes[p]["kind"] == "Paper"}

    for (u, v), w in co.items():
        assert w == len(papers(u) & papers(v))


# --------------------------------------------------------------------------- determinism and round trips


def test_any_order_and_duplicates_give_an_equal_graph(records, graph, tmp_path) -> None:
    write_node_link(graph, tmp_path / "a.json")
    rng = random.Random(3)
    for i in range(6):
        shuffled = records + [rng.choice(records)]
        rng.shuffle(shuffled)
        other = build_graph(shuffled, lexicon=None)
        assert graphs_equal(graph, other)
        assert list(other.nodes) == list(graph.nodes)  # same iteration order too
        write_node_link(other, tmp_path / f"b{i}.json")
        assert (tmp_path / f"b{i}.json").read_bytes() == (tmp_path / "a.json").read_bytes()


def test_node_link_round_trip(graph, tmp_path) -> None:
    path = tmp_path / "out" / "graph.json"
    write_node_link(graph, path)
    back = read_node_link(path)
    assert graphs_equal(graph, back)
    data = json.loads(path.read_text("utf-8"))
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    assert [p.name for p in path.parent.iterdir()] == ["graph.json"]  # no temporary file left


def test_extractions_round_trip(graph) -> None:
    back = extractions_from_graph(graph)
    assert [r.id for r in back] == ["paper-alpha", "paper-beta", "paper-delta", "paper-gamma"]
    assert graphs_equal(build_graph(back, lexicon=None), graph)
    alpha = back[0]
    assert alpha.extractor == "kg-extract/0.1.0"
    assert {link.url: link.kind for link in alpha.links} == {"https://github.com/zeta-lab/gls": "code"}


def test_extractions_round_trip_of_a_paper_without_entities() -> None:
    g = build_graph([simple("p1"), simple("p2", Entity("Task", "lunar crater counting"))], lexicon=None)
    assert graphs_equal(build_graph(extractions_from_graph(g), lexicon=None), g)


def test_add_extractions_is_idempotent_and_existing_papers_win(records, graph) -> None:
    first, rest = records[:2], records[2:]
    combined = add_extractions(first, rest)
    assert graphs_equal(build_graph(combined, lexicon=None), graph)
    again = add_extractions(combined, records)
    assert again == combined
    assert graphs_equal(build_graph(again, lexicon=None), graph)
    from_graph = add_extractions(extractions_from_graph(graph), records)
    assert graphs_equal(build_graph(from_graph, lexicon=None), graph)
    changed = PaperExtraction(paper=records[0].paper, entities=(), extractor="other/9")
    kept = add_extractions(records, [changed])
    assert kept[0] == records[0]  # a paper already present is skipped, not replaced


def test_graphs_equal_detects_differences(graph) -> None:
    other = graph.copy()
    other.nodes[GLS]["paper_count"] = 99
    assert not graphs_equal(graph, other)
    other = graph.copy()
    other.edges["paper:paper-alpha", GLS]["confidence"] = 0.1
    assert not graphs_equal(graph, other)
    other = graph.copy()
    other.remove_edge(ZEPHYR, GLS)
    assert not graphs_equal(graph, other)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "malformed JSON"),
        ("[1, 2]", "not a node-link graph"),
        ('{"directed": false, "multigraph": false, "nodes": [], "edges": []}', "directed"),
    ],
)
def test_read_node_link_rejects_bad_files(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "g.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_node_link(path)
    assert str(path) in str(info.value)


def test_read_node_link_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_node_link(tmp_path / "nope.json")


def test_read_node_link_names_the_line_of_a_bad_byte(tmp_path) -> None:
    path = tmp_path / "g.json"
    path.write_bytes(b'{\n"nodes": [],\n"x": "caf\xe9"}\n')
    with pytest.raises(InputError, match="graph file is not valid UTF-8") as info:
        read_node_link(path)
    assert info.value.line == 3 and info.value.path == str(path)


def test_gold_seed_smoke() -> None:
    from shared_data import SEED_GOLD as seed

    if not seed.exists():
        pytest.skip("gold seed file not available")
    records = [PaperExtraction.from_dict(d) for d in read_jsonl(seed)]
    g = build_graph(records, lexicon=None)
    assert graph_stats(g)["kinds"]["Paper"] == len({r.id for r in records})
    assert graphs_equal(build_graph(extractions_from_graph(g), lexicon=None), g)


def test_output_bytes_do_not_depend_on_the_hash_seed(tmp_path) -> None:
    # Sets of strings iterate in a per-process order; nothing may leak into the output.
    script = (
        "import random, sys; from kg.graph import build_graph; from kg.node_link import write_node_link; from kg.io import read_jsonl; "
        "from kg.records import PaperExtraction as P; "
        f"r = [P.from_dict(d) for d in read_jsonl({str(FIXTURE)!r})]; random.Random(int(sys.argv[2])).shuffle(r); "
        "write_node_link(build_graph(r, lexicon=None), sys.argv[1])"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.json"
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        subprocess.run([sys.executable, "-c", script, str(out), seed], check=True, env=env)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]

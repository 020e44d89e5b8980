"""GraphML, GEXF and Neo4j CSV exports, read back by the tools' own readers (networkx, igraph, csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.export import LIST_SEPARATOR, export_graph, flatten_attributes

FIXTURE = Path(__file__).parent / "fixtures" / "api" / "extractions.jsonl"


@pytest.fixture(scope="module")
def graph() -> kg.KnowledgeGraph:
    return kg.load(FIXTURE)


@pytest.fixture(scope="module")
def nxg(graph: kg.KnowledgeGraph) -> nx.DiGraph:
    return graph.to_networkx()


def test_networkx_alone_cannot_write_the_graph(nxg: nx.DiGraph, tmp_path: Path) -> None:
    # the reason the export module exists: lists of dicts are not GraphML values
    with pytest.raises((nx.NetworkXError, TypeError, ValueError)):
        nx.write_graphml(nxg, tmp_path / "raw.graphml")


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_xml_exports_read_back_with_networkx(
    graph: kg.KnowledgeGraph, nxg: nx.DiGraph, tmp_path: Path, fmt: str, reader: object
) -> None:
    path = tmp_path / f"g.{fmt}"
    summary = graph.export(path, format=fmt)
    assert summary.files == (path,)
    back = reader(path)  # type: ignore[operator]
    assert back.is_directed()
    assert (back.number_of_nodes(), back.number_of_edges()) == (nxg.number_of_nodes(), nxg.number_of_edges())
    assert set(back.nodes) == set(nxg.nodes)
    assert set(back.edges) == set(nxg.edges)
    for node, data in nxg.nodes(data=True):
        got = dict(back.nodes[node])
        want = flatten_attributes(data)
        assert {k: got.get(k) for k in want} == want, node
    paper = next(n for n, d in nxg.nodes(data=True) if d["kind"] == "Paper" and d["authors"])
    assert back.nodes[paper]["authors"] == LIST_SEPARATOR.join(nxg.nodes[paper]["authors"])
    for src, dst, data in nxg.edges(data=True):
        got = back.edges[src, dst]
        assert got["relation"] == data["relation"]
        assert "evidence" not in got
        if "evidence" in data:
            assert got["evidence_count"] == len(data["evidence"])
            assert got["confidence"] == pytest.approx(data["confidence"])
        if "weight" in data:
            assert got["weight"] == data["weight"]


def test_graphml_reads_back_with_igraph(graph: kg.KnowledgeGraph, nxg: nx.DiGraph, tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    path = graph.export(tmp_path / "g.graphml").files[0]
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.is_directed()
    assert (ig.vcount(), ig.ecount()) == (nxg.number_of_nodes(), nxg.number_of_edges())
    by_id = {v["id"]: v for v in ig.vs}
    for node, data in nxg.nodes(data=True):
        assert by_id[node]["kind"] == data["kind"]
        assert by_id[node]["label"] == data["label"]
    relations = sorted(e["relation"] for e in ig.es)
    assert relations == sorted(d["relation"] for _, _, d in nxg.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "neo4j"])
def test_exports_are_deterministic(graph: kg.KnowledgeGraph, tmp_path: Path, fmt: str) -> None:
    first = graph.export(tmp_path / "a" / f"g.{fmt}", format=fmt)
    second = graph.export(tmp_path / "b" / f"g.{fmt}", format=fmt)
    assert [p.read_bytes() for p in first.files] == [p.read_bytes() for p in second.files]


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_neo4j_files_one_per_label_and_type_with_typed_headers(
    graph: kg.KnowledgeGraph, nxg: nx.DiGraph, tmp_path: Path
) -> None:
    out = tmp_path / "neo"
    summary = graph.export(out, format="neo4j")
    kinds = sorted({d["kind"] for _, d in nxg.nodes(data=True)})
    relations = sorted({d["relation"].upper() for _, _, d in nxg.edges(data=True)})
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"nodes_{k}.csv" for k in kinds] + [f"relationships_{r}.csv" for r in relations]
    )
    assert summary.command and "--array-delimiter=" in summary.command
    delimiter = ";" if "--array-delimiter=';'" in summary.command else None
    assert delimiter == ";"  # no list item of the fixture contains ';'

    seen_nodes: dict[str, dict[str, str]] = {}
    for kind in kinds:
        header, rows = _read_csv(out / f"nodes_{kind}.csv")
        assert header[0] == "id:ID" and header[-1] == ":LABEL"
        for row in rows:
            assert row[-1] == kind
            seen_nodes[row[0]] = dict(zip(header, row))
    assert set(seen_nodes) == set(nxg.nodes)

    header, rows = _read_csv(out / "nodes_Paper.csv")
    assert "authors:string[]" in header and "title" in header
    for node, data in nxg.nodes(data=True):
        record = seen_nodes[node]
        if data["kind"] == "Paper" and data["authors"]:
            assert record["authors:string[]"].split(delimiter) == data["authors"]
        if "paper_count" in data:
            assert int(record["paper_count:int"]) == data["paper_count"]

    edges_back = set()
    for rel in relations:
        header, rows = _read_csv(out / f"relationships_{rel}.csv")
        assert header[:2] == [":START_ID", ":END_ID"] and header[-1] == ":TYPE"
        for row in rows:
            record = dict(zip(header, row))
            data = nxg.edges[row[0], row[1]]
            assert data["relation"].upper() == row[-1] == rel
            edges_back.add((row[0], row[1]))
            if "evidence" in data:
                assert float(record["confidence:float"]) == pytest.approx(data["confidence"])
                sentences = [e["sentence"] for e in data["evidence"]]
                assert record["evidence:string[]"].split(delimiter) == sentences
            if "weight" in data:
                assert int(record["weight:int"]) == data["weight"]
    assert edges_back == set(nxg.edges)


def test_neo4j_array_delimiter_avoids_characters_inside_values(tmp_path: Path) -> None:
    g = nx.DiGraph()
    g.add_node("model:x", kind="Model", label="X", name="X", aliases=["a;b", "c|d"], paper_count=1)
    summary = export_graph(g, tmp_path / "neo", format="neo4j")
    assert summary.command is not None
    assert "--array-delimiter=';'" not in summary.command and "--array-delimiter='|'" not in summary.command
    header, rows = _read_csv(tmp_path / "neo" / "nodes_Model.csv")
    option = summary.command.split("--array-delimiter=")[1].split()[0]
    delimiter = chr(int(option.removeprefix("U+"), base=16))
    assert rows[0][header.index("aliases:string[]")].split(delimiter) == ["a;b", "c|d"]


def test_neo4j_export_removes_files_of_an_earlier_export(tmp_path: Path) -> None:
    out = tmp_path / "neo"
    out.mkdir()
    (out / "nodes_Gone.csv").write_text("id:ID\n")
    (out / "notes.txt").write_text("mine\n")
    g = nx.DiGraph()
    g.add_node("task:t", kind="Task", label="T", name="T")
    export_graph(g, out, format="neo4j")
    assert sorted(p.name for p in out.iterdir()) == ["nodes_Task.csv", "notes.txt"]


def test_mixed_attribute_types_get_one_type_per_key(tmp_path: Path) -> None:
    g = nx.DiGraph()
    g.add_node("a", kind="Task", label="A", score=1)
    g.add_node("b", kind="Task", label="B", score=2.5)
    g.add_node("c", kind="Task", label="C", date="2026")
    g.add_node("d", kind="Task", label="D", date=2026)
    export_graph(g, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.nodes["a"]["score"] == 1.0 and back.nodes["b"]["score"] == 2.5
    assert back.nodes["c"]["date"] == "2026" and back.nodes["d"]["date"] == "2026"


def test_cli_export_each_format(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, target in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("neo4j", "neo")):
        result = runner.invoke(cli, ["export", str(FIXTURE), "--format", fmt, "-o", str(tmp_path / target)])
        assert result.exit_code == 0, result.output
        assert "15 nodes and 31 edges" in result.output
    assert "neo4j-admin database import full" in result.output
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == 15


def test_cli_export_guesses_format_from_suffix_and_rejects_unknown(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["export", str(FIXTURE), "-o", str(tmp_path / "g.gexf")])
    assert ok.exit_code == 0 and "as gexf" in ok.output
    bad = runner.invoke(cli, ["export", str(FIXTURE), "-o", str(tmp_path / "g.txt")])
    assert bad.exit_code == 2
    assert "g.txt" in bad.output and "--format" in bad.output
    assert not (tmp_path / "g.txt").exists()

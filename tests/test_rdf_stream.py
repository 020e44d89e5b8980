"""Streaming RDF and node-link writers: sorted subjects, same bytes as the in-memory forms."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import KGError
from kg.graph import write_node_link
from kg.rdf import (
    iter_subjects,
    iter_triples,
    load_rdf,
    serialize,
    write_rdf_files,
)
from kg.rdf.writers import _PrefixRewriter

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"
_spec = importlib.util.spec_from_file_location("rdf_graphs_stream", FIXTURES / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]


def prefix_graph() -> nx.DiGraph:
    """Node ids that extend one another, so IRIs sort differently from their N-Triples lines.

    ``model:net`` vs ``model:net-2`` / ``model:net.v2`` (characters below
    ``/`` and ``>``), a paper whose id ends like another's, several evidence
    items (``/evidence/1`` ... ``/evidence/10`` sort as strings), author lists.
    """
    g = nx.DiGraph()
    g.graph.update({"kg_version": "0.0", "extractor": "kg-extract/x"})
    for pid, authors in (("p1", ["B. Two", "A. One"]), ("p1-2", []), ("p1.x", ["C. Three"])):
        g.add_node(
            f"paper:{pid}", kind="Paper", label=pid, paper_id=pid, title=pid, abstract="An abstract.",
            url=None, authors=authors, date="2026-01-02", categories=["cs.LG"], source="t.jsonl",
        )  # fmt: skip
    for slug in ("net", "net-2", "net.v2", "ne"):
        g.add_node(
            f"model:{slug}", kind="Model", label=slug, name=slug, aliases=[f"{slug} alias"],
            paper_count=1, mention_count=1,
        )  # fmt: skip
    sentence = 'A "quoted" sentence with \\ and\nnewline.'
    for pid in ("p1", "p1-2", "p1.x"):
        for slug in ("net", "net-2", "net.v2", "ne"):
            evidence = [
                {"field": "abstract", "start": i, "end": i + 3, "sentence": sentence} for i in range(12)
            ]
            g.add_edge(
                f"paper:{pid}", f"model:{slug}", relation="uses", name=slug, aliases=[], confidence=0.5,
                component="kg_rules", extractor="kg-extract/x", evidence=evidence,
            )  # fmt: skip
    g.add_edge("model:ne", "model:net", relation="co_occurs", weight=3)
    g.add_edge("model:net", "model:net-2", relation="co_occurs", weight=1)
    g.add_node("link:https://x.example/a", kind="Link", label="x", url="https://x.example/a", link_kind="web")
    g.add_edge("paper:p1", "link:https://x.example/a", relation="has_link", sentence="See x.", origin="text",
               link_kind="web")  # fmt: skip
    return g


GRAPHS = {"contract": graphs.contract_graph, "nasty": graphs.nasty_graph, "prefix": prefix_graph}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_subjects_come_sorted_and_hold_every_triple(name: str) -> None:
    graph = GRAPHS[name]()
    groups = list(iter_subjects(graph))
    subjects = [s for s, _ in groups]
    assert subjects == sorted(subjects)
    assert len(subjects) == len(set(subjects))
    grouped = {(s, p, o) for s, props in groups for p, o in props}
    assert grouped == set(iter_triples(graph))


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_ntriples_are_sorted_lines(name: str) -> None:
    graph = GRAPHS[name]()
    lines = serialize(graph, format="nt").decode().splitlines(keepends=True)
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == len(set(iter_triples(graph)))


def test_prefix_graph_orders_evidence_before_its_mention() -> None:
    lines = serialize(prefix_graph(), format="nt").decode().splitlines()
    subjects = list(dict.fromkeys(line.split(" ", 1)[0] for line in lines))
    mention = "<https://kg.example.org/mention/paper:p1/model:net>"
    evidence = "<https://kg.example.org/mention/paper:p1/model:net/evidence/1>"
    assert subjects.index(evidence) < subjects.index(mention)
    # JSON-LD keeps plain IRI order instead: the mention before its evidence
    ids = [node["@id"] for node in json.loads(serialize(prefix_graph(), format="json-ld"))["@graph"]]
    assert ids == sorted(ids)
    assert ids.index(mention[1:-1]) < ids.index(evidence[1:-1])


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_write_rdf_files_equals_serialize(tmp_path: Path, name: str) -> None:
    graph = GRAPHS[name]()
    paths = {"nt": tmp_path / "g.nt", "json-ld": tmp_path / "g.jsonld", "turtle": tmp_path / "g.ttl"}
    triples = write_rdf_files(graph, paths)
    for fmt, path in paths.items():
        assert path.read_bytes() == serialize(graph, format=fmt), fmt  # type: ignore[arg-type]
    assert triples == len(paths["nt"].read_bytes().splitlines())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.jsonld", "g.nt", "g.ttl"]
    assert nx.utils.graphs_equal(load_rdf(paths["turtle"]), load_rdf(paths["json-ld"]))


def test_turtle_alone_leaves_no_scratch_file(tmp_path: Path) -> None:
    graph = prefix_graph()
    assert write_rdf_files(graph, {"turtle": tmp_path / "g.ttl"}) == len(set(iter_triples(graph)))
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]
    assert (tmp_path / "g.ttl").read_bytes() == serialize(graph, format="turtle")


def test_failed_write_leaves_old_files(tmp_path: Path) -> None:
    paths = {"nt": tmp_path / "g.nt", "json-ld": tmp_path / "g.jsonld", "turtle": tmp_path / "g.ttl"}
    write_rdf_files(graphs.contract_graph(), paths)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    broken = graphs.contract_graph()
    broken.add_edge("paper:arxiv:2601.00001", "model:quillnet", relation="likes")
    with pytest.raises(KGError, match="unknown relation"):
        write_rdf_files(broken, paths)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_prefix_rewriter_handles_any_chunking(chunk: int) -> None:
    body = b"@prefix zz: <https://z.example/> .\n@prefix kg: <https://k.example/> .\n\n<a> <b> <c> .\n"
    out = io.BytesIO()
    writer = _PrefixRewriter(out)
    for i in range(0, len(body), chunk):
        writer.write(body[i : i + chunk])
    writer.close()
    text = out.getvalue().decode()
    assert "zz:" not in text
    head, rest = text.split("\n\n", 1)
    assert head.splitlines() == sorted(head.splitlines()) and "@prefix kg:" in head
    assert rest == "\n<a> <b> <c> .\n"


def _reference_node_link(graph: nx.DiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"]))
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_streamed_node_link_equals_one_json_dump(tmp_path: Path, name: str) -> None:
    graph = GRAPHS[name]()
    write_node_link(graph, tmp_path / "g.json")
    assert (tmp_path / "g.json").read_text(encoding="utf-8") == _reference_node_link(graph)
    undirected = nx.Graph(graph)
    write_node_link(undirected, tmp_path / "u.json")
    assert (tmp_path / "u.json").read_text(encoding="utf-8") == _reference_node_link(undirected)

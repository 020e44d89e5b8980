"""RDF export and import: round trip, determinism, formats, atomic writes, errors."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kg.errors import InputError, KGError
from kg.graph import build_graph, graphs_equal
from kg.ontology import schema_path
from kg.rdf import from_rdf, load_rdf, load_rdflib, serialize, to_rdf, write_rdf
from kg.records import Entity, Link, Mention, Paper, PaperExtraction

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"
_spec = importlib.util.spec_from_file_location("rdf_graphs", FIXTURES / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]

SUFFIX = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld"}


def extractions() -> list[PaperExtraction]:
    """Two hand-made extraction records that share a dataset."""
    s1 = "We propose GlintNet and evaluate it on CIFAR-10 for image classification."
    s2 = "Knowledge distillation (KD) from GlintNet improves results on CIFAR-10."
    return [
        PaperExtraction(
            paper=Paper(
                id="arxiv:2602.00010",
                title="GlintNet",
                abstract=s1,
                authors=("B. Author", "A. Author"),
                date="2026-02-01",
                categories=("cs.CV",),
                url="https://arxiv.org/abs/2602.00010",
                source="hand.jsonl",
                position=1,
            ),
            entities=(
                Entity(
                    "Model",
                    "GlintNet",
                    role="proposed",
                    confidence=0.9,
                    component="kg_rules",
                    mentions=(Mention(11, 19, s1),),
                ),
                Entity(
                    "Dataset",
                    "CIFAR-10",
                    confidence=0.8,
                    component="kg_lexicon",
                    mentions=(Mention(41, 49, s1),),
                ),
                Entity(
                    "Task",
                    "image classification",
                    confidence=0.7,
                    component="kg_lexicon",
                    mentions=(Mention(54, 74, s1),),
                ),
            ),
            links=(
                Link("https://github.com/example/glintnet", "code", "Code is online.", "text"),
                Link("https://glint.example.org", "web"),
            ),
            extractor="kg-extract/test",
        ),
        PaperExtraction(
            paper=Paper(id="distilling-glints-12345678", title='Distilling "Glints"', abstract=s2),
            entities=(
                Entity(
                    "Method",
                    "Knowledge distillation",
                    aliases=("KD",),
                    confidence=1.0,
                    component="kg_abbrev",
                    mentions=(Mention(0, 22, s2), Mention(24, 26, s2)),
                ),
                Entity(
                    "Model",
                    "GlintNet",
                    confidence=0.85,
                    component="kg_rules",
                    mentions=(Mention(33, 41, s2),),
                ),
                Entity(
                    "Dataset",
                    "CIFAR-10",
                    confidence=0.8,
                    component="kg_lexicon",
                    mentions=(Mention(62, 70, s2),),
                ),
            ),
            extractor="kg-extract/test",
        ),
    ]


GRAPHS = {
    "contract": graphs.contract_graph,
    "nasty": graphs.nasty_graph,
    "built": lambda: build_graph(extractions(), lexicon=None),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_round_trip_through_rdflib(name: str) -> None:
    graph = GRAPHS[name]()
    back = from_rdf(to_rdf(graph))
    assert graphs_equal(graph, back)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert {(u, v): d for u, v, d in back.edges(data=True)} == {
        (u, v): d for u, v, d in graph.edges(data=True)
    }


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_round_trip_through_files(tmp_path: Path, name: str, fmt: str) -> None:
    graph = GRAPHS[name]()
    path = tmp_path / f"graph.{SUFFIX[fmt]}"
    write_rdf(graph, path, format=fmt)  # type: ignore[arg-type]
    assert graphs_equal(graph, load_rdf(path))


def test_round_trip_detects_a_change() -> None:
    graph = graphs.contract_graph()
    back = from_rdf(to_rdf(graph))
    back.nodes["model:quillnet"]["aliases"] = ["Quill"]
    assert not graphs_equal(graph, back)


def test_built_graph_keeps_evidence_confidence_and_provenance() -> None:
    graph = GRAPHS["built"]()
    rdf = to_rdf(graph)
    rows = list(
        rdf.query("""
        PREFIX kg: <https://kg.example.org/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?conf ?agent ?sentence ?start WHERE {
          ?m a kg:Mention ; kg:surfaceName "Knowledge distillation" ; kg:confidence ?conf ;
             prov:wasAttributedTo/rdfs:label ?agent ; kg:hasEvidence ?e .
          ?e kg:evidenceSentence ?sentence ; kg:startOffset ?start .
        } ORDER BY ?start""")
    )
    assert [(float(r[0]), str(r[1]), int(r[3])) for r in rows] == [
        (1.0, "kg-extract/test", 0),
        (1.0, "kg-extract/test", 24),
    ]
    assert str(rows[0][2]).startswith("Knowledge distillation (KD)")


def _shuffled_copy(graph: nx.DiGraph, seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_output_is_byte_identical_for_equal_graphs(tmp_path: Path, fmt: str) -> None:
    graph = graphs.contract_graph()
    first, second, shuffled = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_rdf(graph, first, format=fmt)  # type: ignore[arg-type]
    write_rdf(graphs.contract_graph(), second, format=fmt)  # type: ignore[arg-type]
    write_rdf(_shuffled_copy(graph, 3), shuffled, format=fmt)  # type: ignore[arg-type]
    assert first.read_bytes() == second.read_bytes() == shuffled.read_bytes()


def test_turtle_matches_the_golden_file() -> None:
    golden = (FIXTURES / "contract.ttl").read_bytes()
    assert serialize(graphs.contract_graph(), format="turtle") == golden


def test_output_has_no_blank_nodes_and_sorted_ntriples() -> None:
    nt = serialize(graphs.nasty_graph(), format="nt").decode()
    lines = nt.splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines))
    assert not any(line.startswith("_:") or " _:" in line for line in lines)


def test_ntriples_escape_newlines_quotes_and_controls() -> None:
    nt = serialize(graphs.nasty_graph(), format="nt").decode()
    assert '"Line one.\\r\\nLine two with \\u0007 bell."' in nt
    assert 'A \\"quoted\\" <title> with \\\\ and é' in nt
    rdflib.Graph().parse(data=nt, format="nt")  # a second, independent parser accepts it


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    nt = serialize(graphs.contract_graph(), format="nt", base="http://data.example.com/x/").decode()
    assert "<http://data.example.com/x/paper/arxiv:2601.00001>" in nt
    assert "kg.example.org/paper" not in nt
    with pytest.raises(InputError, match="base IRI"):
        serialize(graphs.contract_graph(), format="nt", base="not an iri")


def test_jsonld_uses_the_context_file() -> None:
    doc = json.loads(serialize(graphs.contract_graph(), format="json-ld"))
    context = json.loads(Path(schema_path("context.jsonld")).read_text(encoding="utf-8"))["@context"]
    assert doc["@context"] == context
    ids = [node["@id"] for node in doc["@graph"]]
    assert ids == sorted(ids)
    rdf = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert graphs_equal(from_rdf(rdf), graphs.contract_graph())


def test_write_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"
    write_rdf(graphs.contract_graph(), path, format="nt")
    before = path.read_bytes()
    broken = graphs.contract_graph()
    broken.add_node("thing:x", kind="Spaceship", label="x")
    with pytest.raises(KGError, match="unknown kind"):
        write_rdf(broken, path, format="nt")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]


def test_unknown_relation_and_format_raise() -> None:
    graph = graphs.contract_graph()
    graph.add_edge("paper:arxiv:2601.00001", "model:quillnet", relation="likes")
    with pytest.raises(KGError, match="unknown relation"):
        serialize(graph, format="nt")
    with pytest.raises(InputError, match="unknown RDF format"):
        serialize(graphs.contract_graph(), format="xml")  # type: ignore[arg-type]


def test_load_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text('<https://a.example/s> <https://a.example/p> "ok" .\n<https://a.example/s> oops .\n')
    with pytest.raises(InputError) as info:
        load_rdf(bad)
    assert info.value.path == str(bad) and info.value.line == 2
    with pytest.raises(InputError, match="not found"):
        load_rdf(tmp_path / "missing.nt")
    with pytest.raises(InputError, match="extension"):
        load_rdf(FIXTURES / "graphs.py")


def test_blank_nodes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.nt"
    path.write_text('_:b0 <https://a.example/p> "x" .\n')
    with pytest.raises(InputError, match="blank nodes"):
        load_rdf(path)


def test_load_rdflib_gives_the_same_triples_as_to_rdf(tmp_path: Path) -> None:
    graph = graphs.nasty_graph()
    path = tmp_path / "g.ttl"
    write_rdf(graph, path, format="turtle")
    assert set(load_rdflib(path)) == set(to_rdf(graph))

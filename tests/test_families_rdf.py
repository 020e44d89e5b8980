"""Families, retired ids, extracted types and co-occurrence strength in the graph and its RDF.

Invented model names: a family "Zorblax" with versions and sizes, a dataset an
extractor once typed as a method, and a registry that retired one id.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph import association_strength, build_graph, cooccurrence_strength, graphs_equal
from kg.rdf import from_rdf, load_rdf, to_rdf, write_rdf
from kg.records import Entity, Paper, PaperExtraction
from kg.registry import IdRegistry


def paper(pid: str, *entities: Entity) -> PaperExtraction:
    return PaperExtraction(
        paper=Paper(id=pid, title=f"T {pid}", abstract="A."), entities=entities, extractor="t/1"
    )


@pytest.fixture(scope="module")
def family_graph():
    registry = IdRegistry()
    # a first build knows QLS and Quorum Lattice Smoothing as two entities: two ids
    build_graph(
        [paper("p0", Entity("Method", "QLS")), paper("p5", Entity("Method", "Quorum Lattice Smoothing"))],
        lexicon=None,
        registry=registry,
    )
    records = [
        paper("p1", Entity("Model", "Zorblax", ("Zorblax 1.5 Pro",)), Entity("Dataset", "Quorumset")),
        paper("p2", Entity("Model", "Zorblax 1.5 Pro"), Entity("Method", "Quorumset")),
        paper("p3", Entity("Model", "Zorblax 1.5"), Entity("Dataset", "Quorumset")),
        paper("p0", Entity("Method", "QLS")),
        paper(
            "p4", Entity("Method", "Quorum Lattice Smoothing", ("QLS",)), Entity("Model", "Zorblax 1.5 Pro")
        ),
        paper("p5", Entity("Method", "Quorum Lattice Smoothing")),
    ]
    return build_graph(records, lexicon=None, registry=registry)


def test_family_edges_and_extracted_types(family_graph) -> None:
    g = family_graph
    broader = {(u, v) for u, v, d in g.edges(data=True) if d["relation"] == "broader"}
    assert broader == {("model:zorblax-1-5-pro", "model:zorblax-1-5"), ("model:zorblax-1-5", "model:zorblax")}
    # p2 typed the dataset as a method: one node, the majority type, the paper's type kept on its edge.
    assert g.nodes["dataset:quorumset"]["paper_count"] == 3
    assert g.edges["paper:p2", "dataset:quorumset"]["extracted_type"] == "Method"
    assert "extracted_type" not in g.edges["paper:p1", "dataset:quorumset"]
    assert g.graph["redirects"] == {"method:qls": "method:quorum-lattice-smoothing"}
    assert g.graph["papers"] == 6


def test_rdf_round_trip_keeps_families_redirects_and_types(family_graph, tmp_path: Path) -> None:
    assert graphs_equal(from_rdf(to_rdf(family_graph)), family_graph)
    for fmt, name in (("nt", "g.nt"), ("turtle", "g.ttl")):
        write_rdf(family_graph, tmp_path / name, format=fmt)
        assert graphs_equal(load_rdf(tmp_path / name), family_graph)


def test_rdf_terms_and_shacl(family_graph) -> None:
    from kg.rdf import validate

    rdf = to_rdf(family_graph)
    text = rdf.serialize(format="nt")
    assert "<http://www.w3.org/2004/02/skos/core#broader>" in text
    assert "<http://www.w3.org/2002/07/owl#sameAs>" in text
    assert "extractedType" in text and "associationStrength" in text and "npmi" in text
    assert validate(rdf).conforms


def test_sparql_walks_a_family(family_graph) -> None:
    from kg.query import run_query

    sparql = """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name WHERE {
          ?family skos:prefLabel "Zorblax" .
          ?member skos:broader+ ?family ; skos:prefLabel ?name .
        } ORDER BY ?name
    """
    result = run_query(family_graph, sparql)
    assert [str(row[0]) for row in result.rows] == ["Zorblax 1.5", "Zorblax 1.5 Pro"]
    follow = """
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name WHERE { <https://kg.example.org/method/qls> owl:sameAs/skos:prefLabel ?name }
    """
    assert [str(row[0]) for row in run_query(family_graph, follow).rows] == ["Quorum Lattice Smoothing"]


def test_association_strength_is_derived_from_counts(family_graph) -> None:
    assert association_strength(3, 3, 3, 3) == (1.0, 1.0)
    assert association_strength(1, 4, 4, 8) == (0.5, -0.333333)
    strength, npmi = cooccurrence_strength(family_graph, "dataset:quorumset", "model:zorblax-1-5-pro")
    # 2 papers of 6 mention both; Quorumset is in 3, the Pro in 3: 2 * 6 / 9
    assert strength == pytest.approx(12 / 9, abs=1e-6) and -1 <= npmi <= 1
    # the edge itself stores only the weight (its attribute dicts are shared)
    assert family_graph.edges["dataset:quorumset", "model:zorblax-1-5-pro"] == {
        "relation": "co_occurs",
        "weight": 2,
    }


def test_ready_query_family_members(family_graph) -> None:
    from kg.query import load_query, run_query

    result = run_query(family_graph, load_query("family_members", entity="zorblax"))
    rows = [[None if cell is None else str(cell) for cell in row] for row in result.rows]
    assert rows == [
        ["Zorblax", "Zorblax 1.5 Pro", "Zorblax 1.5", "3"],
        ["Zorblax", "Zorblax", None, "1"],  # the family itself, which has no family
        ["Zorblax", "Zorblax 1.5", "Zorblax", "1"],
    ]
    # without a name: the entity with the most direct members (Zorblax and Zorblax 1.5 have
    # one each, equally used; the IRI breaks the tie)
    assert run_query(family_graph, load_query("family_members")).rows == result.rows


def test_ready_query_family_members_without_families() -> None:
    from kg.query import load_query, run_query

    graph = build_graph(
        [
            paper("p1", Entity("Model", "Quillnet"), Entity("Dataset", "Quorumset")),
            paper("p2", Entity("Model", "Quillnet")),
        ],
        lexicon=None,
    )
    result = run_query(graph, load_query("family_members"))
    rows = [[None if cell is None else str(cell) for cell in row] for row in result.rows]
    assert rows == [["Quillnet", "Quillnet", None, "2"]]  # the most used entity, alone

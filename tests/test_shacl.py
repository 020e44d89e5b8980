"""SHACL: every graph kg writes conforms to schemas/shapes.ttl; broken graphs do not."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF

from kg.graph import build_graph
from kg.ontology import KG, SCHEMA, node_iri
from kg.rdf import load_rdflib, shapes_graph, to_rdf, validate, write_rdf

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"
_spec = importlib.util.spec_from_file_location("rdf_graphs", FIXTURES / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]

P1 = rdflib.URIRef(node_iri("paper:arxiv:2601.00001"))
QUILL = rdflib.URIRef(node_iri("model:quillnet"))
REPO = rdflib.URIRef(node_iri("repo:github.com/example/quillnet"))


def test_shapes_parse() -> None:
    assert len(shapes_graph()) > 100


@pytest.mark.parametrize("make", [graphs.contract_graph, graphs.nasty_graph])
def test_exported_graphs_conform(make: Callable) -> None:
    report = validate(to_rdf(make()))
    assert report.conforms, report.text


def test_graph_built_from_records_conforms() -> None:
    from test_rdf import extractions  # same folder; pytest puts it on sys.path

    report = validate(to_rdf(build_graph(extractions(), lexicon=None)))
    assert report.conforms, report.text


@pytest.mark.parametrize("fmt,suffix", [("turtle", "ttl"), ("nt", "nt"), ("json-ld", "jsonld")])
def test_written_files_conform(tmp_path: Path, fmt: str, suffix: str) -> None:
    path = tmp_path / f"graph.{suffix}"
    write_rdf(graphs.contract_graph(), path, format=fmt)  # type: ignore[arg-type]
    report = validate(load_rdflib(path))
    assert report.conforms, report.text


def _mention(rdf: rdflib.Graph, target: rdflib.URIRef) -> rdflib.term.Node:
    return next(rdf.subjects(KG.target, target))


def _drop_title(rdf: rdflib.Graph) -> None:
    rdf.remove((P1, DCTERMS.title, None))


def _two_titles(rdf: rdflib.Graph) -> None:
    rdf.add((P1, DCTERMS.title, rdflib.Literal("Another title")))


def _confidence_above_one(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    rdf.set((m, KG.confidence, rdflib.Literal(1.5)))


def _confidence_negative(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    rdf.set((m, KG.confidence, rdflib.Literal(-0.1)))


def _proposes_a_repository(rdf: rdflib.Graph) -> None:
    rdf.add((P1, KG.proposes, REPO))


def _uses_an_untyped_node(rdf: rdflib.Graph) -> None:
    rdf.add((P1, KG.uses, rdflib.URIRef("https://kg.example.org/nothing/here")))


def _negative_offset(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    evidence = next(rdf.objects(m, KG.hasEvidence))
    rdf.set((evidence, KG.startOffset, rdflib.Literal(-3)))


def _string_count(rdf: rdflib.Graph) -> None:
    rdf.set((QUILL, KG.paperCount, rdflib.Literal("many")))


def _entity_without_name(rdf: rdflib.Graph) -> None:
    rdf.remove((QUILL, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None))


def _mention_without_paper(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    rdf.remove((m, KG.paper, None))


def _bad_relation(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    rdf.set((m, KG.relation, KG.coOccursWith))


def _repo_url_a_number(rdf: rdflib.Graph) -> None:
    # a URL is an IRI, or a plain string when it is not a valid IRI: never another literal
    rdf.set((REPO, SCHEMA.codeRepository, rdflib.Literal(42)))


def _paper_url_typed_as_a_date(rdf: rdflib.Graph) -> None:
    rdf.set((P1, SCHEMA.url, rdflib.Literal("2026-01-01", datatype=rdflib.namespace.XSD.date)))


def _same_as_a_literal(rdf: rdflib.Graph) -> None:
    rdf.add((P1, SCHEMA.sameAs, rdflib.Literal("https://arxiv.org/abs/2601.00001")))


BIBO_AUTHOR_LIST = rdflib.URIRef("http://purl.org/ontology/bibo/authorList")
CELL1 = rdflib.URIRef(str(P1) + "/author-list/1")
CELL2 = rdflib.URIRef(str(P1) + "/author-list/2")


def _author_list_a_literal(rdf: rdflib.Graph) -> None:
    rdf.set((P1, BIBO_AUTHOR_LIST, rdflib.Literal("Ada Lovelace, Alan Turing")))


def _author_cell_without_name(rdf: rdflib.Graph) -> None:
    rdf.remove((CELL1, RDF.first, None))


def _author_cell_with_two_names(rdf: rdflib.Graph) -> None:
    rdf.add((CELL1, RDF.first, rdflib.Literal("Ada King")))


def _author_cell_with_two_rests(rdf: rdflib.Graph) -> None:
    rdf.add((CELL1, RDF.rest, RDF.nil))


def _author_cell_reached_twice(rdf: rdflib.Graph) -> None:
    rdf.set((CELL2, RDF.rest, CELL2))  # a cycle: the last cell is the rest of two cells


def _author_name_a_number(rdf: rdflib.Graph) -> None:
    rdf.set((CELL2, RDF.first, rdflib.Literal(7)))


def _weight_zero(rdf: rdflib.Graph) -> None:
    pair = next(rdf.subjects(RDF.type, KG.CoOccurrence))
    rdf.set((pair, KG.weight, rdflib.Literal(0, datatype=rdflib.namespace.XSD.integer)))


def _strength_zero(rdf: rdflib.Graph) -> None:
    pair = next(rdf.subjects(RDF.type, KG.CoOccurrence))
    rdf.set((pair, KG.associationStrength, rdflib.Literal(0.0)))


def _npmi_above_one(rdf: rdflib.Graph) -> None:
    pair = next(rdf.subjects(RDF.type, KG.CoOccurrence))
    rdf.set((pair, KG.npmi, rdflib.Literal(1.5)))


def _family_link_to_a_paper(rdf: rdflib.Graph) -> None:
    rdf.add((QUILL, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader"), P1))


def _retired_id_to_a_paper(rdf: rdflib.Graph) -> None:
    rdf.add((rdflib.URIRef(node_iri("model:quillnet-old")), rdflib.OWL.sameAs, P1))


def _entity_without_rank(rdf: rdflib.Graph) -> None:
    rdf.remove((QUILL, KG.rankInType, None))


def _rank_zero(rdf: rdflib.Graph) -> None:
    rdf.set((QUILL, KG.rankInType, rdflib.Literal(0, datatype=rdflib.namespace.XSD.integer)))


def _entity_without_name_key(rdf: rdflib.Graph) -> None:
    rdf.remove((QUILL, KG.nameKey, None))


def _paper_without_id_order(rdf: rdflib.Graph) -> None:
    rdf.remove((P1, KG.idOrder, None))


BREAKS = [
    _drop_title,
    _two_titles,
    _confidence_above_one,
    _confidence_negative,
    _proposes_a_repository,
    _uses_an_untyped_node,
    _negative_offset,
    _string_count,
    _entity_without_name,
    _mention_without_paper,
    _bad_relation,
    _repo_url_a_number,
    _paper_url_typed_as_a_date,
    _same_as_a_literal,
    _author_list_a_literal,
    _author_cell_without_name,
    _author_cell_with_two_names,
    _author_cell_with_two_rests,
    _author_cell_reached_twice,
    _author_name_a_number,
    _weight_zero,
    _strength_zero,
    _npmi_above_one,
    _family_link_to_a_paper,
    _retired_id_to_a_paper,
    _entity_without_rank,
    _rank_zero,
    _entity_without_name_key,
    _paper_without_id_order,
]


@pytest.mark.parametrize("break_it", BREAKS, ids=[f.__name__.strip("_") for f in BREAKS])
def test_broken_graphs_fail(break_it: Callable[[rdflib.Graph], None]) -> None:
    rdf = to_rdf(graphs.contract_graph())
    assert validate(rdf).conforms
    break_it(rdf)
    report = validate(rdf)
    assert not report.conforms
    assert "Constraint Violation" in report.text


# -- the streaming check a build runs (kg.rdf.shacl.StreamingCheck) ---------------------------------
@pytest.mark.parametrize("make", [graphs.contract_graph, graphs.nasty_graph])
def test_streaming_check_passes_what_pyshacl_passes(make: Callable) -> None:
    from kg.rdf.shacl import check_rdflib

    rdf = to_rdf(make())
    assert validate(rdf).conforms
    report = check_rdflib(rdf)
    assert report.conforms, report.text


@pytest.mark.parametrize("break_it", BREAKS, ids=[f.__name__.strip("_") for f in BREAKS])
def test_streaming_check_fails_what_pyshacl_fails(break_it: Callable[[rdflib.Graph], None]) -> None:
    from kg.rdf.shacl import check_rdflib

    rdf = to_rdf(graphs.contract_graph())
    break_it(rdf)
    report = check_rdflib(rdf)
    assert not report.conforms
    assert "Constraint Violation" in report.text
    assert str(P1) in report.text or "quillnet" in report.text  # the report names the broken node


def test_streaming_check_refuses_shapes_it_cannot_check() -> None:
    from kg.rdf.shacl import UnsupportedShape, _compile

    shapes = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:pattern "^a" ] .
        """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="sh:pattern"):
        _compile(shapes)


@pytest.mark.parametrize(
    ("lexical", "datatype", "ok"),
    [
        ("12", "integer", True),
        ("-3", "integer", True),
        ("1.5", "integer", False),
        ("many", "integer", False),
        ("0.25", "double", True),
        ("1e-3", "double", True),
        ("INF", "double", True),
        ("x", "double", False),
        ("2025-02-29", "date", False),
        ("2024-02-29", "date", True),
        ("true", "boolean", True),
        ("yes", "boolean", False),
    ],
)
def test_streaming_check_reads_literals_like_xsd(lexical: str, datatype: str, ok: bool) -> None:
    from kg.rdf.shacl import _well_formed

    assert _well_formed(lexical, f"http://www.w3.org/2001/XMLSchema#{datatype}") is ok


def test_streaming_check_on_a_written_file(tmp_path: Path) -> None:
    from kg.rdf import parse_plain
    from kg.rdf.shacl import check_triples

    path = tmp_path / "graph.nt"
    write_rdf(graphs.nasty_graph(), path, format="nt")
    report = check_triples(parse_plain(path))
    assert report.conforms, report.text
    assert f"triples: {len(path.read_bytes().splitlines())}" in report.text


def _orphan_evidence(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    rdf.remove((m, KG.hasEvidence, None))


def _evidence_of_two_mentions(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    evidence = next(rdf.objects(m, KG.hasEvidence))
    other = next(x for x in rdf.subjects(rdflib.RDF.type, KG.Mention) if x != m)
    rdf.add((other, KG.hasEvidence, evidence))


def _evidence_pointed_to_by_a_paper(rdf: rdflib.Graph) -> None:
    m = _mention(rdf, QUILL)
    evidence = next(rdf.objects(m, KG.hasEvidence))
    rdf.remove((m, KG.hasEvidence, evidence))
    rdf.add((P1, KG.hasEvidence, evidence))


@pytest.mark.parametrize(
    "break_it",
    [_orphan_evidence, _evidence_of_two_mentions, _evidence_pointed_to_by_a_paper],
    ids=["orphan_evidence", "evidence_of_two_mentions", "evidence_pointed_to_by_a_paper"],
)
def test_inverse_paths_are_checked_like_pyshacl(break_it: Callable[[rdflib.Graph], None]) -> None:
    from kg.rdf.shacl import check_rdflib

    rdf = to_rdf(graphs.contract_graph())
    break_it(rdf)
    assert not validate(rdf).conforms
    report = check_rdflib(rdf)
    assert not report.conforms
    assert "/evidence/1>, path ^<https://kg.example.org/ontology#hasEvidence>" in report.text

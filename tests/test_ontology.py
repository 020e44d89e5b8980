"""The kg ontology parses, defines every kg: term the export uses, and IRI minting is safe."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import InputError
from kg.ontology import (
    DEFAULT_BASE_IRI,
    KG,
    KG_NAMESPACE,
    IriMinter,
    mention_iri,
    node_iri,
    schema_path,
    segment,
    validate_base,
)

_spec = importlib.util.spec_from_file_location(
    "rdf_graphs", Path(__file__).parent / "fixtures" / "rdf" / "graphs.py"
)
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]

# RFC 3987 IRI (absolute, ASCII subset as kg mints it): no space, quote, angle bracket, brace, pipe,
# backslash, caret, backtick or control character; '%' only as a percent-escape.
_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-F]{2})")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(schema_path("kg.ttl"), format="turtle")


def test_ontology_parses_and_is_an_owl_ontology(ontology: rdflib.Graph) -> None:
    assert (rdflib.URIRef(KG_NAMESPACE.rstrip("#")), RDF.type, OWL.Ontology) in ontology


def test_every_namespace_term_is_defined_with_label_and_comment(ontology: rdflib.Graph) -> None:
    terms = [name for name in KG.__annotations__]
    assert len(terms) > 30
    for name in terms:
        term = rdflib.URIRef(KG_NAMESPACE + name)
        assert (term, RDF.type, None) in ontology, name
        assert ontology.value(term, RDFS.label) is not None, name
        assert ontology.value(term, RDFS.comment) is not None, name


def test_defined_namespace_fails_on_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        KG.noSuchTerm  # noqa: B018


def test_every_kg_term_the_export_uses_is_in_the_ontology(ontology: rdflib.Graph) -> None:
    from kg.rdf import to_rdf

    defined = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(KG_NAMESPACE)}
    used: set[rdflib.URIRef] = set()
    for graph in (graphs.contract_graph(), graphs.nasty_graph()):
        for triple in to_rdf(graph):
            used.update(t for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(KG_NAMESPACE))
    assert used, "the export uses no kg: term at all"
    assert used <= defined, sorted(used - defined)


@pytest.mark.parametrize("name", graphs.NASTY_NAMES)
def test_minted_iris_are_valid_for_nasty_names(name: str) -> None:
    for kind in ("paper", "method", "model", "dataset", "task", "repo", "link", "weird"):
        iri = node_iri(f"{kind}:{name}")
        assert _IRI_OK.match(iri), iri
        assert not _BAD_ESCAPE.search(iri), iri
        rdflib.URIRef(iri)  # rdflib warns/raises on invalid IRIs in strict contexts
    m = mention_iri(f"paper:{name}", f"method:{name}")
    assert _IRI_OK.match(m), m


@pytest.mark.parametrize("name", graphs.NASTY_NAMES)
def test_minted_iris_parse_in_ntriples(name: str) -> None:
    import pyoxigraph as ox

    line = f'<{node_iri("method:" + name)}> <{KG.nodeId}> "x" .\n'
    quads = list(ox.parse(line.encode(), format=ox.RdfFormat.N_TRIPLES))  # strict IRI validation
    assert quads[0].subject.value == node_iri("method:" + name)


def test_minting_is_stable_and_injective() -> None:
    ids = [f"method:{n}" for n in graphs.NASTY_NAMES] + [
        "method:a/b",
        "method:a%2Fb",
        "method:a b",
        "method:a%20b",
    ]
    iris = [node_iri(i) for i in ids]
    assert len(set(iris)) == len(ids)
    assert iris == [node_iri(i) for i in ids]
    assert mention_iri("paper:a/b", "c") != mention_iri("paper:a", "b/c")


def test_segment_encodes_reserved_and_non_ascii() -> None:
    assert segment("a b") == "a%20b"
    assert segment("é") == "%C3%A9"
    assert segment("50%") == "50%25"
    assert "/" not in segment("x/y")


def test_minter_uses_the_configured_base() -> None:
    m = IriMinter("http://data.example.com/kg#")
    assert m.node("dataset:imagenet-1k") == "http://data.example.com/kg#dataset/imagenet-1k"
    assert node_iri("task:x").startswith(DEFAULT_BASE_IRI)
    assert m.node("no-prefix id").startswith("http://data.example.com/kg#node/")


@pytest.mark.parametrize(
    "base,problem",
    [
        ("", "empty"),
        ("example.org/", "not absolute"),
        ("https:///", "no host"),
        ("https://example.org/kg", "must end with"),
        ("https://exa mple.org/", "not allowed"),
        ("https://example.org/<x>/", "not allowed"),
        ("https://example.org/{x}/", "not allowed"),
        ("https://example.org/\\x/", "not allowed"),
        ("1https://example.org/", "not absolute"),
        ("urn:kg:", "must end with"),
    ],
)
def test_bad_base_iris_raise_a_clear_error(base: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        validate_base(base)
    with pytest.raises(InputError):
        IriMinter(base)


def test_good_base_iris_pass() -> None:
    for base in ("https://kg.example.org/", "http://localhost:8080/data/", "urn:kg/", "https://x.org/a#"):
        assert validate_base(base) == base

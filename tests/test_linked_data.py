"""Linked data: kg's terms mapped to the field's vocabularies, URLs as IRIs, canonical paper IRIs, ordered authors.

The ontology (``schemas/kg.ttl``) aligns every kg class and main property
with ML-Schema, Linked Papers With Code, FaBiO/BIBO or Web Annotation; the
export writes URLs as IRIs only when they are valid IRIs (untrusted text
must never break a writer), links each paper with an arXiv id or a DOI to its
canonical IRI with ``schema:sameAs``, and writes the authors in order as a
``bibo:authorList`` ``rdf:List``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.graph import build_graph, graphs_equal
from kg.ontology import KG_NAMESPACE, KIND_CLASSES, PREFIXES, schema_path
from kg.rdf import load_rdf, load_rdflib, serialize, to_rdf, validate, write_rdf
from kg.rdf.identifiers import MAX_IRI_LENGTH, arxiv_iri, doi_iri, same_as_iris, web_iri
from kg.rdf.shacl import check_rdflib
from kg.rdf.writers import load_context, write_rdf_files
from kg.records import Paper, PaperExtraction

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("rdf_graphs", FIXTURES / "rdf" / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]

SCHEMA = "https://schema.org/"
BIBO = "http://purl.org/ontology/bibo/"
SAME_AS = SCHEMA + "sameAs"
AUTHOR_LIST = BIBO + "authorList"
SUFFIX = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld"}


# -- 1. the alignment in schemas/kg.ttl ------------------------------------------------------------
MLS = "http://www.w3.org/ns/mls#"
LPWC_CLASS = "https://linkedpaperswithcode.com/class/"
LPWC_PROPERTY = "https://linkedpaperswithcode.com/property/"
#: the namespaces a mapping may point into
KNOWN_NAMESPACES = {
    "mls": MLS,
    "lpwcc": LPWC_CLASS,
    "lpwc": LPWC_PROPERTY,
    "fabio": "http://purl.org/spar/fabio/",
    "bibo": BIBO,
    "oa": "http://www.w3.org/ns/oa#",
    "schema": SCHEMA,
    "prov": "http://www.w3.org/ns/prov#",
    "skos": str(SKOS),
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
}
#: terms the published vocabularies declare (ML-Schema's classes; the classes and properties of
#: LPWC's ontology file): a mapping to a misspelt or invented term fails
DECLARED = {
    MLS: {
        "Algorithm", "Data", "Dataset", "EvaluationMeasure", "Implementation", "Model",
        "ModelEvaluation", "Run", "Software", "Study", "Task",
    },
    LPWC_CLASS: {"paper", "task", "dataset", "method", "model", "repository", "evaluation", "category"},
    LPWC_PROPERTY: {
        "introducedBy", "usesDataset", "hasMethod", "hasModel", "hasTask", "hasRepository",
        "hasOfficialRepository", "numberPapers",
    },
}  # fmt: skip
MAPPINGS = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
}
#: the properties a user of another vocabulary looks for first
MAIN_PROPERTIES = (
    "proposes", "uses", "hasCode", "hasLink", "evidenceSentence", "startOffset", "endOffset", "paperCount",
)  # fmt: skip


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(schema_path("kg.ttl"), format="turtle")


def _outside_mappings(ontology: rdflib.Graph, term: rdflib.URIRef) -> set[str]:
    return {
        str(o)
        for p, o in ontology.predicate_objects(term)
        if p in MAPPINGS and isinstance(o, rdflib.URIRef) and not str(o).startswith(KG_NAMESPACE)
    }


def _in_known_namespace(iri: str) -> bool:
    return any(iri.startswith(ns) and len(iri) > len(ns) for ns in KNOWN_NAMESPACES.values())


def test_every_kg_class_and_node_class_is_mapped_outside_kg(ontology: rdflib.Graph) -> None:
    kg_classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(KG_NAMESPACE)}
    node_classes = {rdflib.URIRef(c) for c in KIND_CLASSES.values()}
    assert rdflib.URIRef(KG_NAMESPACE + "Mention") in kg_classes and len(kg_classes) >= 8
    unmapped = sorted(str(c) for c in kg_classes | node_classes if not _outside_mappings(ontology, c))
    assert unmapped == []


@pytest.mark.parametrize("name", MAIN_PROPERTIES)
def test_main_properties_are_mapped(ontology: rdflib.Graph, name: str) -> None:
    assert _outside_mappings(ontology, rdflib.URIRef(KG_NAMESPACE + name))


def test_every_mapped_iri_is_in_a_known_namespace_and_declared_there(ontology: rdflib.Graph) -> None:
    mapped = [(s, p, o) for s, p, o in ontology if p in MAPPINGS and not str(o).startswith(KG_NAMESPACE)]
    assert len(mapped) >= 20
    for s, p, o in mapped:
        assert isinstance(o, rdflib.URIRef), (s, p, o)
        assert _in_known_namespace(str(o)), (s, p, o)
        for ns, names in DECLARED.items():
            if str(o).startswith(ns):
                assert str(o)[len(ns) :] in names, f"{o} is not a term of {ns}"
    # the field's own vocabularies are all used
    used = {ns for _, _, o in mapped for ns in KNOWN_NAMESPACES.values() if str(o).startswith(ns)}
    for prefix in ("mls", "lpwcc", "lpwc", "fabio", "bibo", "oa"):
        assert KNOWN_NAMESPACES[prefix] in used, prefix


def test_there_is_no_lpwc_ontology_namespace(ontology: rdflib.Graph) -> None:
    # LPWC publishes classes under /class/ and properties under /property/; /ontology/ names nothing
    assert not [t for t in ontology if any("linkedpaperswithcode.com/ontology" in str(x) for x in t)]


def test_equivalence_is_never_claimed_with_an_outside_class(ontology: rdflib.Graph) -> None:
    # kg's classes hold what an extractor found, the others' what curators recorded
    for p in (OWL.equivalentClass, OWL.equivalentProperty, SKOS.exactMatch):
        assert not [o for o in ontology.objects(None, p) if not str(o).startswith(KG_NAMESPACE)]


def test_ontology_prefixes_are_the_known_namespaces(ontology: rdflib.Graph) -> None:
    bound = {prefix: str(ns) for prefix, ns in ontology.namespaces()}
    for prefix, ns in KNOWN_NAMESPACES.items():
        assert bound.get(prefix) == ns, prefix


def test_reused_terms_kg_writes_are_documented(ontology: rdflib.Graph) -> None:
    for term in (SAME_AS, AUTHOR_LIST):
        assert (rdflib.URIRef(term), RDFS.comment, None) in ontology, term
    old = rdflib.URIRef(KG_NAMESPACE + "authorList")
    assert (old, OWL.deprecated, rdflib.Literal(True)) in ontology


# -- the JSON-LD context and the shapes follow the data ---------------------------------------------
def _export_predicates(graph: nx.DiGraph) -> dict[str, set[str]]:
    """Predicate -> kinds of objects ("iri", "literal") in the graph's export."""
    seen: dict[str, set[str]] = {}
    for _, p, o in to_rdf(graph):
        seen.setdefault(str(p), set()).add("literal" if isinstance(o, rdflib.Literal) else "iri")
    return seen


def test_context_has_a_term_per_predicate_with_the_right_coercion() -> None:
    context = load_context()

    def expand(value: str) -> str:
        prefix, _, rest = value.partition(":")
        return context[prefix] + rest if prefix in context and isinstance(context[prefix], str) else value

    terms: dict[str, dict] = {}
    for name, definition in context.items():
        if isinstance(definition, dict):
            terms[expand(definition["@id"])] = definition
        elif not name[0].isupper() and not definition.startswith(
            "http"
        ):  # a property term, not a class or prefix
            terms[expand(definition)] = {"@id": definition}
    used = _export_predicates(graphs.contract_graph())
    rdf_ns = str(RDF)
    for predicate, kinds in used.items():
        if predicate.startswith(rdf_ns):  # rdf:type is @type; list cells and rdf:_n are structure
            continue
        assert predicate in terms, f"no JSON-LD term for {predicate}"
        definition = terms[predicate]
        if kinds == {"iri"}:
            assert definition.get("@type") == "@id" or definition.get("@container") == "@list", predicate
        else:
            assert definition.get("@type") != "@id", predicate
    assert terms[SCHEMA + "url"]["@type"] == "@id"
    assert terms[SCHEMA + "codeRepository"]["@type"] == "@id"
    assert terms[AUTHOR_LIST]["@container"] == "@list"


def test_shapes_constrain_every_new_predicate() -> None:
    shapes = rdflib.Graph().parse(schema_path("shapes.ttl"), format="turtle")
    paths = {str(o) for o in shapes.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#path"))}
    for predicate in (SAME_AS, AUTHOR_LIST, str(RDF.first), str(RDF.rest), SCHEMA + "url"):
        assert predicate in paths, predicate


def test_context_and_turtle_prefixes_agree() -> None:
    context = load_context()
    assert PREFIXES["bibo"] == BIBO == context["bibo"]


# -- 2. URLs become IRIs only when they are IRIs ---------------------------------------------------
NASTY_URLS = [
    "https://example.org/a b",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/x> <https://evil.example/p> <https://evil.example/o> .\n<https://e/s",
    'https://example.org/x" .\n_:b <p> "injected',
    "https://example.org/\x00\x07\x1b[31m",
    "https://example.org/back\\slash\\u0020",
    "https://example.org/{a}|^`",
    "https://example.org/%zz",
    "https://example.org/a#b#c",
    "javascript:alert(1)",
    "mailto:someone@example.org",
    "//example.org/no-scheme",
    "https://",
    "https://example.org/" + "a" * MAX_IRI_LENGTH,
]
GOOD_URLS = [
    "https://github.com/Org/Repo",
    "https://例え.jp/パス?q=1#frag",
    "https://example.org/a%20b",
    "http://[2001:db8::1]:8080/x",
    "https://example.org/\u2028line\u2029separator",  # RFC 3987 allows them; every writer copes
]


@pytest.mark.parametrize("url", NASTY_URLS)
def test_a_url_that_is_not_an_iri_is_refused(url: str) -> None:
    assert web_iri(url) is None


@pytest.mark.parametrize("url", GOOD_URLS)
def test_a_valid_web_iri_is_kept_as_written(url: str) -> None:
    assert web_iri(url) == url
    ox.NamedNode(url)  # and the parser the files are read with agrees


def _with_urls(url: str) -> nx.DiGraph:
    """The contract graph with ``url`` as the URL of a paper, a repository and a web link."""
    graph = graphs.contract_graph()
    paper = "paper:arxiv:2601.00001"
    graph.nodes[paper]["url"] = url
    graph.nodes["repo:github.com/example/quillnet"]["url"] = url
    link = next(n for n, d in graph.nodes(data=True) if d["kind"] == "Link")
    graph.nodes[link]["url"] = url
    return graph


def _url_objects(rdf: rdflib.Graph) -> list[rdflib.term.Node]:
    return [o for _, p, o in rdf if str(p) in (SCHEMA + "url", SCHEMA + "codeRepository")]


@pytest.mark.parametrize("url", [*NASTY_URLS, *GOOD_URLS])
def test_urls_round_trip_through_every_format(tmp_path: Path, url: str) -> None:
    graph = _with_urls(url)
    is_iri = web_iri(url) is not None
    paths = {fmt: tmp_path / f"graph.{suffix}" for fmt, suffix in SUFFIX.items()}
    write_rdf_files(graph, {**paths, "store": tmp_path / "graph.oxigraph"})
    for fmt, path in paths.items():
        # strict parsers accept the file: nothing was injected
        triples = list(ox.parse(path=str(path), format=_OX[fmt]))
        assert len(triples) == len(set(serialize(graph, format="nt").splitlines())), fmt
        assert graphs_equal(load_rdf(path), graph), fmt
        objects = _url_objects(load_rdflib(path))
        mine = [o for o in objects if str(o) == url]
        assert len(mine) == len(objects) == 3, fmt  # the paper's, the web link's and the repository's
        assert all(isinstance(o, rdflib.URIRef) is is_iri for o in mine), fmt
        if not is_iri:
            assert all(o.datatype in (None, rdflib.XSD.string) for o in mine)  # type: ignore[union-attr]
    store = ox.Store.read_only(str(tmp_path / "graph.oxigraph"))
    rows = list(
        store.query("SELECT ?u (isIRI(?u) AS ?iri) WHERE { ?r <https://schema.org/codeRepository> ?u }")  # type: ignore[union-attr]
    )
    assert [(r["u"].value, r["iri"].value) for r in rows] == [(url, "true" if is_iri else "false")]


_OX = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}


@pytest.mark.parametrize("url", [NASTY_URLS[1], NASTY_URLS[2], GOOD_URLS[1]])
def test_graphs_with_any_url_conform_to_the_shapes(url: str) -> None:
    rdf = to_rdf(_with_urls(url))
    assert validate(rdf).conforms
    assert check_rdflib(rdf).conforms


def test_a_lone_surrogate_in_a_url_cannot_break_the_files(tmp_path: Path) -> None:
    graph = _with_urls("https://example.org/\ud800x")
    for fmt, suffix in SUFFIX.items():
        path = tmp_path / f"graph.{suffix}"
        write_rdf(graph, path, format=fmt)  # type: ignore[arg-type]
        assert list(ox.parse(path=str(path), format=_OX[fmt]))
        assert {str(o) for o in _url_objects(load_rdflib(path))} >= {"https://example.org/?x"}


# -- 3. canonical IRIs of papers ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "paper_id,url,expected",
    [
        ("arxiv:2508.12345", None, ["https://arxiv.org/abs/2508.12345"]),
        ("arxiv:2508.12345", "https://arxiv.org/abs/2508.12345v3", ["https://arxiv.org/abs/2508.12345"]),
        ("arxiv:hep-th/9901001", None, ["https://arxiv.org/abs/hep-th/9901001"]),
        ("arxiv:math.gt/0309136", None, ["https://arxiv.org/abs/math.GT/0309136"]),
        ("arxiv:0704.0001", None, ["https://arxiv.org/abs/0704.0001"]),
        ("doi:10.18653/v1/2023.findings-emnlp.548", None, ["https://doi.org/10.18653/v1/2023.findings-emnlp.548"]),
        ("doi:10.1002/(sici)1097-4636<1>3.0.co;2-x", None, ["https://doi.org/10.1002/(sici)1097-4636%3C1%3E3.0.co;2-x"]),
        ("doi:10.1000/a#b?c%d", None, ["https://doi.org/10.1000/a%23b%3Fc%25d"]),
        ("doi:10.1000/é", None, ["https://doi.org/10.1000/%C3%A9"]),
        ("a-title-slug-0a1b2c3d", None, []),
        ("a-title-slug-0a1b2c3d", "https://arxiv.org/pdf/2401.00001v2.pdf", ["https://arxiv.org/abs/2401.00001"]),
        ("a-title-slug-0a1b2c3d", "https://doi.org/10.1145/3292500.3330701", ["https://doi.org/10.1145/3292500.3330701"]),
        ("a-title-slug-0a1b2c3d", "https://dx.doi.org/10.1145/ABC", ["https://doi.org/10.1145/abc"]),
        ("a-title-slug-0a1b2c3d", "https://example.org/doi.org/10.1/x", []),
        ("a-title-slug-0a1b2c3d", "https://arxiv.org/list/cs.LG/recent", []),
        ("arxiv:2508.12345", "https://doi.org/10.48550/arXiv.2508.12345", [
            "https://arxiv.org/abs/2508.12345", "https://doi.org/10.48550/arxiv.2508.12345",
        ]),
        ("arxiv:not-an-id", None, []),
        ("doi:10.1000/a b", None, []),
        ("doi:", None, []),
        ("arxiv:", "not a url at all <>", []),
        (None, None, []),
    ],
)  # fmt: skip
def test_canonical_iris_of_odd_ids(paper_id: str | None, url: str | None, expected: list[str]) -> None:
    got = same_as_iris(paper_id, url)
    assert got == expected
    for iri in got:
        ox.NamedNode(iri)


def test_doi_and_arxiv_iris_are_case_folded_as_their_rules_say() -> None:
    assert doi_iri("10.1000/ABC") == doi_iri("doi:10.1000/abc") == "https://doi.org/10.1000/abc"
    # arXiv: archive lower case, subject class upper case; new-style ids have no case
    assert arxiv_iri("arXiv:MATH.gt/0309136v2") == "https://arxiv.org/abs/math.GT/0309136"
    assert arxiv_iri("ARXIV:2508.12345V2") == "https://arxiv.org/abs/2508.12345"


def _papers(*papers: Paper) -> nx.DiGraph:
    return build_graph([PaperExtraction(paper=p, entities=(), links=()) for p in papers], lexicon=None)


def _same_as(rdf: rdflib.Graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s, o in rdf.subject_objects(rdflib.URIRef(SAME_AS)):
        assert isinstance(o, rdflib.URIRef)
        out.setdefault(str(s).rsplit("/paper/", 1)[1], set()).add(str(o))
    return out


def test_papers_from_records_get_same_as_from_id_and_url() -> None:
    from kg.normalize import paper_id

    graph = _papers(
        Paper(id=paper_id("x", arxiv_id="2401.00001v3"), title="An arXiv paper", abstract=""),
        Paper(id=paper_id("y", doi="10.1145/ABC.Def"), title="A DOI paper", abstract=""),
        Paper(id=paper_id("z", arxiv_id="cond-mat/0102003"), title="An old arXiv paper", abstract=""),
        Paper(
            id=paper_id("Known by title"), title="Known by title", abstract="", url="https://example.org/p"
        ),
        Paper(id=paper_id("w"), title="w", abstract="", url="https://doi.org/10.5555/XYZ"),
    )
    rdf = to_rdf(graph)
    assert validate(rdf).conforms
    assert _same_as(rdf) == {
        "arxiv:2401.00001": {"https://arxiv.org/abs/2401.00001"},
        "doi:10.1145%2Fabc.def": {"https://doi.org/10.1145/abc.def"},
        "arxiv:cond-mat%2F0102003": {"https://arxiv.org/abs/cond-mat/0102003"},
        paper_id("w"): {"https://doi.org/10.5555/xyz"},
    }


def test_same_as_is_derived_data_that_round_trips(tmp_path: Path) -> None:
    graph = _papers(
        Paper(
            id="doi:10.1145/abc.def", title="A DOI paper", abstract="", url="https://doi.org/10.1145/ABC.DEF"
        )
    )
    path = tmp_path / "g.nt"
    write_rdf(graph, path, format="nt")
    back = load_rdf(path)
    assert graphs_equal(back, graph)
    assert "same_as" not in back.nodes["paper:doi:10.1145/abc.def"]


# -- 4. the ordered author list ------------------------------------------------------------------
AUTHORS_IN_ORDER = """
SELECT ?id (COUNT(?before) AS ?position) ?author WHERE {
  ?paper dcterms:identifier ?id ; bibo:authorList ?list .
  ?list rdf:rest* ?before .
  ?before rdf:rest* ?cell .
  ?cell rdf:first ?author .
}
GROUP BY ?id ?cell ?author
ORDER BY ?id ?position
"""


def _authors_by_query(graph: nx.DiGraph) -> dict[str, list[str]]:
    from kg.query import run_query

    out: dict[str, list[tuple[int, str]]] = {}
    for row in run_query(graph, AUTHORS_IN_ORDER).to_dicts():
        out.setdefault(str(row["id"]), []).append((int(str(row["position"])), str(row["author"])))
    return {pid: [name for _, name in sorted(rows)] for pid, rows in out.items()}


def test_authors_come_back_in_order_from_sparql_and_from_the_files(tmp_path: Path) -> None:
    names = ["Zoë O'Brien", "Ann Bell", 'A "quoted" <name>', "李雷", "Ann Bell", "B. Author"]  # a repeat too
    names += [f"Author {i}" for i in range(7, 13)]  # past 9 and 10: no string-sorted positions
    graph = _papers(Paper(id="arxiv:2401.00002", title="Many authors", abstract="", authors=tuple(names)))
    assert _authors_by_query(graph) == {"arxiv:2401.00002": names}
    for fmt, suffix in SUFFIX.items():
        path = tmp_path / f"g.{suffix}"
        write_rdf(graph, path, format=fmt)  # type: ignore[arg-type]
        assert load_rdf(path).nodes["paper:arxiv:2401.00002"]["authors"] == names, fmt
    rdf = to_rdf(graph)
    assert validate(rdf).conforms and check_rdflib(rdf).conforms
    # dcterms:creator keeps one triple per distinct author for simple queries
    creators = {str(o) for o in rdf.objects(None, rdflib.URIRef("http://purl.org/dc/terms/creator"))}
    assert creators == set(names)


def test_the_list_is_a_well_formed_rdf_list_without_blank_nodes() -> None:
    graph = _papers(Paper(id="arxiv:2401.00003", title="Three", abstract="", authors=("C", "A", "B")))
    rdf = to_rdf(graph)
    (paper,) = {s for s, _ in rdf.subject_objects(rdflib.URIRef(AUTHOR_LIST))}
    head = rdf.value(paper, rdflib.URIRef(AUTHOR_LIST))
    assert isinstance(head, rdflib.URIRef)
    assert [str(x) for x in rdflib.collection.Collection(rdf, head)] == ["C", "A", "B"]
    assert not [t for t in rdf if any(isinstance(x, rdflib.BNode) for x in t)]


def test_a_paper_without_authors_has_no_list() -> None:
    graph = _papers(Paper(id="arxiv:2401.00004", title="Anonymous", abstract=""))
    rdf = to_rdf(graph)
    assert not list(rdf.subject_objects(rdflib.URIRef(AUTHOR_LIST)))
    assert not list(rdf.subject_objects(RDF.first))


def test_files_written_before_still_load_their_authors(tmp_path: Path) -> None:
    # earlier builds wrote kg:authorList as an rdf:Seq; reading such a file keeps the order
    graph = graphs.contract_graph()
    nt = serialize(graph, format="nt").decode()
    paper = "<https://kg.example.org/paper/arxiv:2601.00001>"
    old = [line for line in nt.splitlines() if "/author-list/" not in line and "bibo/authorList" not in line]
    seq = "<https://kg.example.org/paper/arxiv:2601.00001/authors>"
    old += [
        f"{paper} <{KG_NAMESPACE}authorList> {seq} .",
        f'{seq} <{RDF}_2> "Alan Turing" .',
        f'{seq} <{RDF}_1> "Ada Lovelace" .',
        f"{seq} <{RDF}type> <{RDF}Seq> .",
    ]
    path = tmp_path / "old.nt"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    assert load_rdf(path).nodes["paper:arxiv:2601.00001"]["authors"] == ["Ada Lovelace", "Alan Turing"]


@pytest.mark.parametrize(
    "edit",
    [
        lambda nt: nt.replace(" <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .", " <https://e.x/gone> ."),
        lambda nt: re.sub(
            r".*/author-list/2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#first>.*\n", "", nt
        ),
    ],
    ids=["list-runs-into-nothing", "cell-without-name"],
)
def test_a_broken_author_list_is_refused_with_a_clear_error(
    tmp_path: Path, edit: Callable[[str], str]
) -> None:
    from kg.errors import InputError

    nt = serialize(graphs.contract_graph(), format="nt").decode()
    path = tmp_path / "broken.nt"
    path.write_text(edit(nt), encoding="utf-8")
    with pytest.raises(InputError, match="rdf:List"):
        load_rdf(path)


def test_a_list_cell_violation_is_counted_once_as_pyshacl_does() -> None:
    rdf = to_rdf(graphs.contract_graph())
    cell = rdflib.URIRef("https://kg.example.org/paper/arxiv:2601.00001/author-list/1")
    rdf.add((cell, RDF.first, rdflib.Literal("Ada King")))
    reference = validate(rdf)
    streaming = check_rdflib(rdf)
    assert not reference.conforms and not streaming.conforms
    count = re.compile(r"Results \((\d+)\)")
    assert count.search(streaming.text).group(1) == count.search(reference.text).group(1) == "1"  # type: ignore[union-attr]


# -- the README's linked-data queries work as written -------------------------------------------
README = Path(__file__).parent.parent / "README.md"


def _readme_query(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(rf"<!-- {marker} -->\s*```sparql\n(.*?)```", text, re.DOTALL)
    assert block, f"README has no query after <!-- {marker} -->"
    return block.group(1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("linked-sample")
    summary = build([], out_dir=out)
    assert summary.shacl_conforms is True
    return out


def test_readme_sample_query_returns_code_repositories_as_iris(sample: Path) -> None:
    from kg.query import run_query

    rows = run_query(sample, _readme_query("linked-data-sample")).to_dicts()
    assert len(rows) >= 5
    graph = json.loads((sample / "graph.json").read_text(encoding="utf-8"))
    repos = {n["url"] for n in graph["nodes"] if n["kind"] == "Repository"}
    for row in rows:
        assert str(row["repository"]) in repos
    # the sample's papers are known by title only: nothing invents a canonical IRI for them
    assert run_query(sample, "SELECT ?p WHERE { ?p schema:sameAs ?x } LIMIT 1").to_dicts() == []


def test_readme_author_query_works_on_the_arxiv_fixture(tmp_path: Path) -> None:
    from kg.pipeline import build
    from kg.query import run_query

    build([FIXTURES / "sources" / "arxiv-snapshot.jsonl"], out_dir=tmp_path)
    rows = [
        {k: str(v) for k, v in r.items()}
        for r in run_query(tmp_path, _readme_query("linked-data-authors")).to_dicts()
    ]
    by_paper: dict[str, list[str]] = {}
    for row in rows:
        by_paper.setdefault(row["arxiv"], []).append(row["author"])
    assert by_paper["https://arxiv.org/abs/2310.04567"] == ["Ann Bell", "Carl Dunn", "Eve Fox"]
    assert by_paper["https://arxiv.org/abs/math/0601001"] == ["Gus Hall"]

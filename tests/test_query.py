"""SPARQL over the embedded store: ready-made queries, formats, errors with position, timeout."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest

from kg.errors import InputError, QueryError, QueryTimeout
from kg.graph import build_graph
from kg.locate import locate_graph
from kg.query import (
    check_query,
    format_result,
    list_queries,
    load_query,
    open_store,
    run_query,
    sparql_string,
)
from kg.rdf import write_rdf

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"
_spec = importlib.util.spec_from_file_location("rdf_graphs", FIXTURES / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]

BASE = "https://kg.example.org/"
P1, P2, P3 = (
    BASE + "paper/arxiv:2601.00001",
    BASE + "paper/arxiv:2601.00002",
    BASE + "paper/adapters-for-summaries-0a1b2c3d",
)
ID1, ID2, ID3 = "arxiv:2601.00001", "arxiv:2601.00002", "adapters-for-summaries-0a1b2c3d"


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    return open_store(graphs.contract_graph())


def rows(store, name: str, **params: object) -> list[dict]:  # type: ignore[no-untyped-def]
    return run_query(store, load_query(name, **params)).to_dicts()


def test_every_ready_query_has_a_description_and_runs(store) -> None:  # type: ignore[no-untyped-def]
    names = {q.name for q in list_queries()}
    assert {
        "papers_using_dataset",
        "top_methods",
        "top_models",
        "top_datasets",
        "top_tasks",
        "code_of_proposed_models",
        "cooccurring_entities",
        "papers_without_code",
        "evidence",
    } <= names
    for q in list_queries():
        assert q.description.endswith((".", "?")) and len(q.description) > 20, q.name
        assert run_query(store, load_query(q.name)).kind == "select"


def test_papers_using_a_dataset_by_name_or_alias_any_case(store) -> None:  # type: ignore[no-untyped-def]
    expected = [
        {"id": ID1, "title": "QuillNet: Small Vision Models", "relation": "uses", "name": "ImageNet-1k"},
        {"id": ID2, "title": "Adapting Residual Networks", "relation": "uses", "name": "ImageNet-1k"},
    ]
    assert rows(store, "papers_using_dataset", dataset="ImageNet-1k") == expected
    assert rows(store, "papers_using_dataset", dataset="imagenet-1K") == expected
    assert rows(store, "papers_using_dataset", dataset="CIFAR-10") == []


def test_top_queries_count_papers(store) -> None:  # type: ignore[no-untyped-def]
    assert [(r["name"], r["papers"]) for r in rows(store, "top_models")] == [
        ("ResNet-50", 2),
        ("QuillNet", 1),
    ]
    assert [(r["name"], r["papers"]) for r in rows(store, "top_methods")] == [("Low-Rank Adaptation", 2)]
    assert [(r["name"], r["papers"]) for r in rows(store, "top_datasets")] == [("ImageNet-1k", 2)]
    assert [(r["name"], r["papers"]) for r in rows(store, "top_tasks")] == [
        ("image classification", 1),
        ("text summarization", 1),
    ]
    assert len(rows(store, "top_models", limit=1)) == 1


def test_code_of_papers_that_propose_a_model(store) -> None:  # type: ignore[no-untyped-def]
    assert rows(store, "code_of_proposed_models") == [
        {
            "id": ID1,
            "title": "QuillNet: Small Vision Models",
            "type": "Model",
            "model": "QuillNet",
            "repository": "https://github.com/example/quillnet",
        }
    ]


def test_cooccurring_entities(store) -> None:  # type: ignore[no-untyped-def]
    got = [
        (r["other_name"], r["other_type"], r["weight"])
        for r in rows(store, "cooccurring_entities", entity="lora")
    ]
    assert got == [
        ("ImageNet-1k", "Dataset", 1),
        ("ResNet-50", "Model", 1),
        ("text summarization", "Task", 1),
    ]
    got = [(r["other_name"], r["weight"]) for r in rows(store, "cooccurring_entities", entity="ResNet-50")]
    assert got[0] == ("ImageNet-1k", 2)


def test_papers_without_code(store) -> None:  # type: ignore[no-untyped-def]
    assert [r["id"] for r in rows(store, "papers_without_code")] == [ID3, ID2]


def test_evidence_explains_a_link(store) -> None:  # type: ignore[no-untyped-def]
    got = rows(store, "evidence", paper="arxiv:2601.00001", entity="QuillNet")
    assert [(r["relation"], r["surface"], r["confidence"], r["start"], r["end"]) for r in got] == [
        ("proposes", "QuillNet", 0.95, 13, 21),
        ("proposes", "QuillNet", 0.95, 70, 78),
    ]
    assert got[0]["sentence"].startswith("We introduce QuillNet")
    assert got[0]["extractor"] == graphs.EXTRACTOR and got[0]["component"] == "kg_lexicon"
    by_title = rows(store, "evidence", paper="Adapting Residual Networks", entity="LoRA")
    assert [(r["relation"], r["surface"]) for r in by_title] == [("uses", "Low-Rank Adaptation")]


def test_queries_on_a_graph_built_from_records() -> None:
    from test_rdf import extractions

    graph = build_graph(extractions(), lexicon=None)
    got = run_query(graph, load_query("papers_using_dataset", dataset="cifar-10")).to_dicts()
    assert [r["id"] for r in got] == ["arxiv:2602.00010", "distilling-glints-12345678"]
    top = run_query(graph, load_query("top_models")).to_dicts()
    assert [(r["name"], r["papers"]) for r in top] == [("GlintNet", 2)]


def test_parameters_are_escaped_not_spliced(store) -> None:  # type: ignore[no-untyped-def]
    evil = 'x" } } ; DROP ALL ; SELECT * { ?s ?p ?o . FILTER("'
    text = load_query("papers_using_dataset", dataset=evil)
    assert sparql_string(evil) in text
    assert run_query(store, text).rows == ()
    for value in ["a\\u0022 b", "new\nline", "tab\there", "back\\slash", "é \U0001f600"]:
        assert run_query(
            store, f"SELECT ?v WHERE {{ VALUES ?v {{ {sparql_string(value)} }} }}"
        ).to_dicts() == [{"v": value}]


def test_bad_parameters_raise(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match="no parameter 'colour'"):
        load_query("top_methods", colour="red")
    with pytest.raises(QueryError, match="integer"):
        load_query("top_methods", limit="10; DROP")
    with pytest.raises(QueryError, match="negative"):
        load_query("top_methods", limit=-1)
    with pytest.raises(QueryError, match="no ready-made query"):
        load_query("nope")


def test_ask_and_construct(store) -> None:  # type: ignore[no-untyped-def]
    assert run_query(store, "ASK { ?s a <https://schema.org/Dataset> }").boolean is True
    assert run_query(store, "ASK { ?s a <https://example.org/Nothing> }").boolean is False
    graph = run_query(
        store,
        "PREFIX kg: <https://kg.example.org/ontology#> "
        "CONSTRUCT { ?p kg:proposes ?e } WHERE { ?p kg:proposes ?e }",
    )
    assert graph.kind == "graph" and graph.variables == ("subject", "predicate", "object")
    assert [(r["subject"], r["object"]) for r in graph.to_dicts()] == [(P1, BASE + "model/quillnet")]


@pytest.mark.parametrize(
    "text,line,column",
    [
        ("SELECT ?x WHERE {\n  ?x ?y\n}", 3, 2),
        ("PREFIX kg: <https://kg.example.org/ontology#>\nSELECT * WHERE { ?x nope:thing ?y }", 2, None),
        ("SELECT ?x WHERE { ?x ?y ?z FILTER(?x = ) }", 1, None),
    ],
)
def test_syntax_errors_give_line_and_column(store, text: str, line: int, column: int | None) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError) as info:
        run_query(store, text)
    assert info.value.line == line
    assert info.value.column is not None and (column is None or info.value.column == column)
    assert f"line {line}, column" in str(info.value)
    assert "^" in str(info.value)  # the caret under the mistake


def test_syntax_is_checked_before_loading(tmp_path: Path) -> None:
    broken = tmp_path / "graph.nt"
    broken.write_text("this is not RDF\n", encoding="utf-8")  # loading it would fail with an InputError
    with pytest.raises(QueryError) as info:
        run_query(broken, "SELECT WHERE")
    assert not isinstance(info.value, InputError) and info.value.line == 1
    with pytest.raises(InputError):
        run_query(broken, "ASK {}")


@pytest.mark.parametrize(
    "text,keyword,line",
    [
        ("DELETE WHERE { ?s ?p ?o }", "DELETE", 1),
        ("PREFIX ex: <http://example.org/>\ninsert data { ex:a ex:b ex:c }", "INSERT", 2),
        ("LOAD <http://example.org/data.ttl>", "LOAD", 1),
        ("DROP ALL", "DROP", 1),
    ],
)
def test_updates_are_refused(store, text: str, keyword: str, line: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match=f"{keyword} is a SPARQL update") as info:
        run_query(store, text)
    assert info.value.line == line


def test_service_is_refused_but_words_in_strings_and_variables_are_not(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match="SERVICE"):
        check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    check_query('SELECT ?load ?copy WHERE { ?load ?copy "insert service drop" } # delete me')
    assert run_query(store, 'SELECT ?drop WHERE { VALUES ?drop { "DELETE" } }').to_dicts() == [
        {"drop": "DELETE"}
    ]


def test_timeout_stops_a_long_query(store) -> None:  # type: ignore[no-untyped-def]
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="stopped after 0.3 s"):
        run_query(store, slow, timeout=0.3)


def test_a_timeout_that_is_not_reached_returns_the_result(store) -> None:  # type: ignore[no-untyped-def]
    assert run_query(store, load_query("top_models"), timeout=30).to_dicts()[0]["name"] == "ResNet-50"
    with pytest.raises(QueryError) as info:
        run_query(store, "SELECT ?x WHERE { ?x ?y ?z FILTER(zz:nope(?x)) }", timeout=30)
    assert info.value.line == 1


def test_sources_files_folders_and_errors(tmp_path: Path) -> None:
    graph = graphs.contract_graph()
    for fmt, name in (("nt", "graph.nt"), ("turtle", "graph.ttl"), ("json-ld", "graph.jsonld")):
        write_rdf(graph, tmp_path / name, format=fmt)  # type: ignore[arg-type]
        assert run_query(tmp_path / name, load_query("top_models")).to_dicts()[0]["papers"] == 2
    assert locate_graph(tmp_path).for_query() == ("rdf", tmp_path / "graph.nt")
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    with pytest.raises(InputError, match="no graph file in this folder"):
        locate_graph(empty)
    bad = tmp_path / "bad.nt"
    bad.write_text("<a> <b> .\n")
    with pytest.raises(InputError) as info:
        run_query(bad, "ASK {}")
    assert info.value.path == str(bad)


@pytest.fixture()
def small_result(store):  # type: ignore[no-untyped-def]
    return run_query(
        store,
        "PREFIX kg: <https://kg.example.org/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?e ?n ?c ?missing WHERE { ?e skos:prefLabel ?n ; kg:paperCount ?c . "
        'OPTIONAL { ?e kg:nothing ?missing } FILTER(?n IN ("QuillNet", "ResNet-50")) } ORDER BY ?n',
    )


def test_format_table(small_result) -> None:  # type: ignore[no-untyped-def]
    lines = format_result(small_result, fmt="table").splitlines()
    assert lines[0].split() == ["e", "n", "c", "missing"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].startswith(BASE + "model/quillnet   QuillNet   1")
    assert lines[-1] == "(2 rows)"
    assert lines[3].index("ResNet-50") == lines[2].index("QuillNet") == lines[0].index("n ")


def test_format_csv_tsv_json_follow_sparql_results_specs(small_result) -> None:  # type: ignore[no-untyped-def]
    text = format_result(small_result, fmt="csv")
    assert text.startswith("e,n,c,missing\r\n")
    assert list(csv.reader(io.StringIO(text)))[1] == [BASE + "model/quillnet", "QuillNet", "1", ""]
    tsv = format_result(small_result, fmt="tsv").split("\n")
    assert tsv[0] == "?e\t?n\t?c\t?missing"
    assert tsv[1] == f'<{BASE}model/quillnet>\t"QuillNet"\t1\t'
    doc = json.loads(format_result(small_result, fmt="json"))
    assert doc["head"]["vars"] == ["e", "n", "c", "missing"]
    first = doc["results"]["bindings"][0]
    assert first["e"] == {"type": "uri", "value": BASE + "model/quillnet"}
    assert first["n"] == {"type": "literal", "value": "QuillNet"}
    assert first["c"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert "missing" not in first


def test_format_ask_and_escapes(store) -> None:  # type: ignore[no-untyped-def]
    ask = run_query(store, "ASK {}")
    assert json.loads(format_result(ask, fmt="json")) == {"head": {}, "boolean": True}
    assert format_result(ask, fmt="table") == "true\n"
    tricky = run_query(store, 'SELECT ?v WHERE { VALUES ?v { "a\\tb\\nc\\"d" "x\\u001b[31mred" } }')
    assert format_result(tricky, fmt="tsv").split("\n")[1] == '"a\\tb\\nc\\"d"'
    table = format_result(tricky, fmt="table")
    assert "\x1b" not in table and 'a b c"d' in table
    with pytest.raises(QueryError, match="unknown result format"):
        format_result(tricky, fmt="yaml")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["Method", "Model", "Dataset", "Task"])
def test_top_query_counts_match_the_graph(kind: str) -> None:
    from test_rdf import extractions

    graph = build_graph(extractions(), lexicon=None)
    expected: dict[str, int] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] == kind:
            papers = {
                u for u, _, d in graph.in_edges(node, data=True) if d["relation"] in ("proposes", "uses")
            }
            expected[data["name"]] = len(papers)
    name = {"Method": "top_methods", "Model": "top_models", "Dataset": "top_datasets", "Task": "top_tasks"}[
        kind
    ]
    got = {r["name"]: r["papers"] for r in run_query(graph, load_query(name)).to_dicts()}
    assert got == expected and got

"""Ad-hoc SPARQL as a user types it: predeclared prefixes, readable unknown-prefix errors,
CONSTRUCT/DESCRIBE as RDF text, table cells that are never cut."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError
from kg.query import QueryResult, Term, format_result, open_store, run_query
from kg.query.prefixes import PREFIXES, prologue
from kg.rdf import write_rdf

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"
_spec = importlib.util.spec_from_file_location("rdf_graphs", FIXTURES / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]

LABELS = "SELECT ?name WHERE { ?e a kg:Model ; skos:prefLabel ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    return open_store(graphs.contract_graph())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    write_rdf(graphs.contract_graph(), folder / "graph.nt", format="nt")
    return folder


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["query", *args])


# -- prefixes -------------------------------------------------------------------------------------


def test_predeclared_prefixes_are_the_ones_kg_writes() -> None:
    from kg.ontology import PREFIXES as WRITTEN

    assert PREFIXES == WRITTEN
    assert set(PREFIXES) == {"rdf", "rdfs", "xsd", "owl", "skos", "dcterms", "schema", "prov", "dcat", "kg"}


def test_predeclared_prefixes_work_without_prefix_lines(store) -> None:  # type: ignore[no-untyped-def]
    declared = prologue() + LABELS
    assert run_query(store, LABELS).to_dicts() == run_query(store, declared).to_dicts()
    assert run_query(store, LABELS).rows  # the fixture has models: an empty answer would prove nothing


def test_a_query_prefix_overrides_a_predeclared_one(store) -> None:  # type: ignore[no-untyped-def]
    overridden = "PREFIX skos: <http://example.org/not-skos#>\n" + LABELS
    assert run_query(store, overridden).rows == ()


def test_predeclared_prefixes_in_a_worker_with_a_timeout(outputs: Path) -> None:
    assert run_query(outputs, LABELS, timeout=30).rows


@pytest.mark.parametrize(
    ("query", "prefix", "line", "column"),
    [
        ("SELECT * WHERE { ?s foo:bar ?o }", "foo:", 1, 21),
        ("SELECT * WHERE {\n  ?s :bar ?o }", ":", 2, 6),
        ("PREFIX a: <http://a/>\nSELECT * WHERE { ?s a:x ?o . ?o b:y ?z }", "b:", 2, 33),
    ],
)
def test_an_unknown_prefix_is_one_readable_line(store, query: str, prefix: str, line: int, column: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError) as info:
        run_query(store, query)
    message = str(info.value)
    first = message.splitlines()[0]
    assert f"unknown prefix {prefix!r}" in first
    assert "PREFIX" in first and "predeclared: dcat dcterms kg" in first
    assert (info.value.line, info.value.column) == (line, column)
    assert "\\u{" not in message and "..=" not in message  # not the parser's list of Unicode ranges
    assert len(message) < 400


def test_declared_prefixes_and_prefixed_names_in_strings_pass(store) -> None:  # type: ignore[no-untyped-def]
    run_query(store, "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:p 'foo:bar' }")


def test_unknown_prefix_on_the_command_line(outputs: Path) -> None:
    result = invoke(str(outputs), "SELECT * WHERE { ?s nope:p ?o }")
    assert result.exit_code != 0
    assert "unknown prefix 'nope:'" in result.output


# -- CONSTRUCT / DESCRIBE as RDF ------------------------------------------------------------------

CONSTRUCT = "CONSTRUCT { ?e skos:prefLabel ?name } WHERE { ?e a kg:Model ; skos:prefLabel ?name }"


def _triples(text: bytes, fmt: str) -> set[tuple[str, str, str]]:
    import pyoxigraph as ox

    formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(text, format=formats[fmt])}


def test_construct_prints_turtle_by_default_and_nt_and_jsonld_on_request(outputs: Path, store) -> None:  # type: ignore[no-untyped-def]
    expected = run_query(store, CONSTRUCT)
    assert expected.rows
    default = invoke(str(outputs), CONSTRUCT)
    assert default.exit_code == 0, default.output
    assert "@prefix skos:" in default.output and "skos:prefLabel" in default.output
    parsed = {fmt: _triples(invoke(str(outputs), CONSTRUCT, "--format", fmt).output.encode(), fmt)
              for fmt in ("nt", "jsonld")}
    parsed["turtle"] = _triples(default.output.encode(), "turtle")
    assert parsed["turtle"] == parsed["nt"] == parsed["jsonld"]
    assert len(parsed["nt"]) == len(expected.rows)
    json.loads(invoke(str(outputs), CONSTRUCT, "--format", "jsonld").output)


def test_describe_prints_rdf(outputs: Path) -> None:
    result = invoke(str(outputs), "DESCRIBE ?e WHERE { ?e a kg:Model }", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert result.output.count(" .\n") >= 2


def test_an_rdf_format_for_a_select_is_a_clear_error(outputs: Path) -> None:
    result = invoke(str(outputs), LABELS, "--format", "turtle")
    assert result.exit_code != 0
    assert "CONSTRUCT/DESCRIBE" in result.output


# -- tables never cut cells -----------------------------------------------------------------------

SENTENCE = (
    "We fine-tune the adapter on the summarisation benchmark and report that its evidence sentence "
    "runs well past eighty characters, ending with the word ZEBRAFINISH."
)


def _long_result() -> QueryResult:
    return QueryResult("select", ("id", "sentence"), ((Term("literal", "a"), Term("literal", SENTENCE)),))


def test_table_wraps_long_cells_instead_of_cutting_them() -> None:
    text = format_result(_long_result())
    assert "…" not in text
    assert "ZEBRAFINISH" in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 2 + 2 + 80  # id column + gap + an 80-character column
    words = " ".join(line[4:].strip() for line in lines[2:-1])
    assert words == SENTENCE  # every word kept, in order


def test_wide_table_keeps_each_row_on_one_line() -> None:
    text = format_result(_long_result(), max_width=None)
    assert SENTENCE in text.splitlines()[2]


def test_wide_flag_on_the_command_line(outputs: Path) -> None:
    query = f"SELECT ?s WHERE {{ BIND('{SENTENCE}' AS ?s) }}"
    wrapped, wide = invoke(str(outputs), query), invoke(str(outputs), query, "--wide")
    assert wrapped.exit_code == wide.exit_code == 0
    assert SENTENCE in wide.output and SENTENCE not in wrapped.output
    assert "ZEBRAFINISH" in wrapped.output and "…" not in wrapped.output


# -- ready queries: defaults that give rows on any graph ------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    result = CliRunner().invoke(cli, ["build", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_every_ready_query_gives_rows_with_its_defaults_on_the_bundled_sample(sample: Path) -> None:
    from kg.query import list_queries

    for query in list_queries():
        result = invoke(str(sample), "--named", query.name, "--format", "csv")
        assert result.exit_code == 0, (query.name, result.output)
        assert len(result.output.splitlines()) > 1, f"--named {query.name} returned no rows"


def _most_linked(store, type_iri: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """The most linked entity, counted in Python from the raw triples (not by the ready query)."""
    from collections import Counter

    import pyoxigraph as ox

    target = ox.NamedNode(PREFIXES["kg"] + "target")
    counts = Counter(str(q.object.value) for q in store.quads_for_pattern(None, target, None))
    if type_iri is not None:
        a = ox.NamedNode(PREFIXES["rdf"] + "type")
        typed = {str(q.subject.value) for q in store.quads_for_pattern(None, a, ox.NamedNode(type_iri))}
        counts = Counter({k: v for k, v in counts.items() if k in typed})
    best = max(counts.values())
    return min(k for k, v in counts.items() if v == best)


def _label(store, iri: str) -> str:  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    pref = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
    return next(iter(store.quads_for_pattern(ox.NamedNode(iri), pref, None))).object.value


def test_defaults_pick_the_most_linked_entity(store) -> None:  # type: ignore[no-untyped-def]
    from kg.query import load_query

    expected = _label(store, _most_linked(store))
    evidence = run_query(store, load_query("evidence")).to_dicts()
    assert evidence and {r["name"] for r in evidence} == {expected}
    assert {r["name"] for r in run_query(store, load_query("cooccurring_entities")).to_dicts()} == {expected}
    dataset = _label(store, _most_linked(store, "https://schema.org/Dataset"))
    used = run_query(store, load_query("papers_using_dataset")).to_dicts()
    assert used and {r["name"] for r in used} == {dataset}


def test_a_given_parameter_still_wins_over_the_default(store) -> None:  # type: ignore[no-untyped-def]
    from kg.query import load_query

    got = run_query(store, load_query("evidence", entity="QuillNet")).to_dicts()
    assert got and {r["name"] for r in got} == {"QuillNet"}
    assert run_query(store, load_query("evidence", entity="no such entity")).rows == ()
    assert run_query(store, load_query("papers_using_dataset", dataset="no such dataset")).rows == ()


def test_predeclared_prefixes_in_the_python_api() -> None:
    import kg

    graph = kg.load(Path(__file__).parent / "fixtures" / "api" / "extractions.jsonl")
    names = [r["name"] for r in graph.query(LABELS).to_dicts()]
    assert names and names == sorted(names)
    with pytest.raises(QueryError, match="unknown prefix 'nope:'"):
        graph.query("SELECT * WHERE { ?s nope:p ?o }")

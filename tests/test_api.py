"""The public Python API: ``kg.build``, ``kg.load``, ``kg.extract_paper`` and :class:`kg.KnowledgeGraph`.

Most tests use the hand-written extraction records of
``tests/fixtures/api/extractions.jsonl`` (no spaCy); the build, merge and
add-papers tests run the real extractor over the small paper files
``papers_a.jsonl`` and ``papers_b.jsonl`` of the same folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib

import kg
from kg.errors import InputError, QueryError
from kg.graph import graphs_equal
from kg.io import read_jsonl
from kg.normalize import paper_id
from kg.records import Paper, PaperExtraction
from kg.sources import read_papers

FIXTURES = Path(__file__).parent / "fixtures" / "api"
PAPERS_A = FIXTURES / "papers_a.jsonl"
PAPERS_B = FIXTURES / "papers_b.jsonl"
EXTRACTIONS = FIXTURES / "extractions.jsonl"


@pytest.fixture(scope="module")
def records() -> list[PaperExtraction]:
    return [PaperExtraction.from_dict(row) for row in read_jsonl(EXTRACTIONS)]


@pytest.fixture()
def graph(records: list[PaperExtraction]) -> kg.KnowledgeGraph:
    return kg.KnowledgeGraph.from_extractions(records)


@pytest.fixture(scope="module")
def built_a() -> kg.KnowledgeGraph:
    return kg.build(PAPERS_A)


@pytest.fixture(scope="module")
def built_b() -> kg.KnowledgeGraph:
    return kg.build([PAPERS_B])


# -- merge and add -------------------------------------------------------------------------------------


def test_merge_of_two_builds_equals_one_build_over_both(built_a: kg.KnowledgeGraph,
                                                        built_b: kg.KnowledgeGraph) -> None:
    together = kg.build([PAPERS_A, PAPERS_B])
    merged = built_a.merge(built_b)
    assert graphs_equal(merged.to_networkx(), together.to_networkx())
    assert merged == together
    assert built_b.merge(built_a) == together
    # the inputs are unchanged
    assert [p.id for p in built_a.papers()] == ["arxiv:2601.00001", "arxiv:2601.00002"]
    assert merged != built_a


def test_merge_from_records_resolves_across_graphs(records: list[PaperExtraction]) -> None:
    left = kg.KnowledgeGraph.from_extractions(records[:1])
    right = kg.KnowledgeGraph.from_extractions(records[1:])
    merged = left.merge(right)
    assert merged == kg.KnowledgeGraph.from_extractions(records)
    # "Low-Rank Adaptation (LoRA)" in one graph and "LoRA" in the other become one entity
    lora = [e for e in merged.entities("Method") if "LoRA" in [e["name"], *e["aliases"]]]
    assert len(lora) == 1 and lora[0]["papers"] == ["arxiv:2601.00001", "arxiv:2601.00003"]


def test_merge_keeps_one_record_per_paper(graph: kg.KnowledgeGraph) -> None:
    assert graph.merge(graph) == graph
    assert len(graph.merge(graph).papers()) == 3


def test_add_papers_extracts_only_new_ones(built_a: kg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = kg.KnowledgeGraph.from_extractions(built_a.extractions())
    papers_b = list(read_papers([PAPERS_B]))
    assert graph.add_papers([*papers_b, *read_papers([PAPERS_A])]) == 2
    assert graph == kg.build([PAPERS_A, PAPERS_B])

    import kg.extract as extract_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor must not run for papers already in the graph")

    monkeypatch.setattr(extract_module, "extract_papers", refuse)
    assert graph.add_papers(papers_b) == 0


def test_add_papers_accepts_paths_as_build_does(built_a: kg.KnowledgeGraph) -> None:
    graph = kg.KnowledgeGraph.from_extractions(built_a.extractions())
    assert graph.add_papers(str(PAPERS_B)) == 2
    assert graph == kg.build([PAPERS_A, PAPERS_B])
    assert graph.add_papers([PAPERS_A, PAPERS_B]) == 0
    with pytest.raises(InputError, match="not-there.jsonl"):
        graph.add_papers(PAPERS_A.parent / "not-there.jsonl")


def test_query_result_to_dataframe(graph: kg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    result = graph.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?name WHERE { ?e skos:prefLabel ?name } ORDER BY ?name"
    )
    frame = result.to_dataframe()
    assert list(frame.columns) == ["name"]
    assert frame["name"].tolist() == [row["name"] for row in result.to_dicts()]
    assert len(frame) == len(result) > 0
    ask = graph.query("ASK { ?s ?p ?o }").to_dataframe()
    assert ask["boolean"].tolist() == [True]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"kg-papers\[pandas\]"):
        result.to_dataframe()


def test_pagerank_runs_on_the_networkx_graph(graph: kg.KnowledgeGraph) -> None:
    import networkx as nx

    pytest.importorskip("scipy")  # the analysis extra
    ranks = nx.pagerank(graph.to_networkx())
    assert set(ranks) == set(graph.to_networkx().nodes)
    assert sum(ranks.values()) == pytest.approx(1.0)


def test_build_accepts_paper_records(built_a: kg.KnowledgeGraph) -> None:
    from kg.extract import extract_papers

    paper = Paper(id="p-1", title="Adapters", abstract="We fine-tune BERT with LoRA for question answering.")
    graph = kg.build([paper])
    assert [p.id for p in graph.papers()] == ["p-1"]
    assert graph == kg.KnowledgeGraph.from_extractions(extract_papers([paper]))
    mixed = kg.build([PAPERS_A, paper])
    assert mixed == built_a.merge(graph)


def test_build_skips_bad_records_unless_strict(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "mixed.jsonl"
    good = PAPERS_A.read_text(encoding="utf-8").splitlines()[0]
    source.write_text(good + "\n{not json\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="kg.api"):
        graph = kg.build(source)
    assert [p.id for p in graph.papers()] == ["arxiv:2601.00001"]
    assert any("mixed.jsonl:2" in message for message in caplog.messages)
    with pytest.raises(InputError, match="mixed.jsonl:2"):
        kg.build(source, strict=True)


def test_wrong_argument_types(graph: kg.KnowledgeGraph) -> None:
    with pytest.raises(TypeError):
        graph.merge(graph.to_networkx())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        graph.add_papers([42])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        kg.build([42])  # type: ignore[list-item]


# -- reading -------------------------------------------------------------------------------------------


def test_papers_are_records_sorted_by_id(graph: kg.KnowledgeGraph) -> None:
    papers = graph.papers()
    assert all(isinstance(p, Paper) for p in papers)
    assert [p.id for p in papers] == ["arxiv:2601.00001", "arxiv:2601.00002", "arxiv:2601.00003"]
    assert papers[0].title == "Sparse Adapters for Efficient Fine-Tuning"


def test_entities_by_type(graph: kg.KnowledgeGraph) -> None:
    models = graph.entities(type="Model")
    assert [m["name"] for m in models] == ["BERT", "GPT-4o", "ResNet-50"]
    bert = models[0]
    assert bert == {
        "id": "model:bert",
        "type": "Model",
        "name": "BERT",
        "aliases": [],
        "paper_count": 2,
        "mention_count": 2,
        "papers": ["arxiv:2601.00001", "arxiv:2601.00003"],
    }
    assert {e["type"] for e in graph.entities()} == {"Method", "Model", "Dataset", "Task"}
    with pytest.raises(ValueError, match="unknown entity type"):
        graph.entities(type="Paper")


def test_entities_are_plain_copies(graph: kg.KnowledgeGraph) -> None:
    method = next(e for e in graph.entities("Method") if e["aliases"])
    method["aliases"].append("changed")
    assert "changed" not in next(e for e in graph.entities("Method") if e["id"] == method["id"])["aliases"]


@pytest.mark.parametrize("name", ["LoRA", "lora", "Low-Rank Adaptation", "LOW-RANK ADAPTATION", "method:low-rank-adaptation"])
def test_neighbors_by_name_alias_or_id(graph: kg.KnowledgeGraph, name: str) -> None:
    rows = graph.neighbors(name)
    papers = sorted(r["id"] for r in rows if r["relation"] == "uses")
    assert papers == ["paper:arxiv:2601.00001", "paper:arxiv:2601.00003"]
    assert all(r["direction"] == "in" for r in rows if r["relation"] == "uses")
    assert "model:bert" in {r["id"] for r in rows if r["relation"] == "co_occurs"}


def test_neighbors_of_a_paper_and_unknown_names(graph: kg.KnowledgeGraph) -> None:
    rows = graph.neighbors("Sparse Adapters for Efficient Fine-Tuning")
    assert {(r["relation"], r["label"]) for r in rows} >= {("proposes", "SparseAdapt"), ("uses", "BERT")}
    assert any(r["kind"] == "Repository" and r["relation"] == "has_code" for r in rows)
    with pytest.raises(KeyError, match="no node named"):
        graph.neighbors("no such thing")
    assert "GLUE" in graph and "no such thing" not in graph


def test_query(graph: kg.KnowledgeGraph) -> None:
    result = graph.query(
        "PREFIX kg: <https://kg.example.org/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?name WHERE { ?e a kg:Task ; skos:prefLabel ?name } ORDER BY ?name"
    )
    assert [row["name"] for row in result.to_dicts()] == ["question answering", "semantic segmentation"]
    with pytest.raises(QueryError):
        graph.query("SELECT ?s WHERE { ?s ?p }")


# -- exporting -----------------------------------------------------------------------------------------


def test_to_networkx_is_a_copy(graph: kg.KnowledgeGraph) -> None:
    copy = graph.to_networkx()
    assert isinstance(copy, nx.DiGraph)
    copy.remove_node("model:bert")
    copy.nodes["method:sparseadapt"]["aliases"].append("changed")
    assert "model:bert" in graph.to_networkx()
    assert graph.to_networkx().nodes["method:sparseadapt"]["aliases"] == []


def test_to_rdf_is_an_rdflib_graph(graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    rdf = graph.to_rdf()
    assert isinstance(rdf, rdflib.Graph)
    graph.save(tmp_path / "g.nt")
    assert set(rdf) == set(rdflib.Graph().parse(tmp_path / "g.nt", format="nt"))


@pytest.mark.parametrize("name", ["graph.json", "graph.ttl", "graph.nt", "graph.jsonld"])
def test_save_and_load_round_trip(graph: kg.KnowledgeGraph, tmp_path: Path, name: str) -> None:
    written = graph.save(tmp_path / name)
    assert written == tmp_path / name and written.stat().st_size > 0
    assert kg.load(written) == graph
    assert kg.load(tmp_path) == graph  # the folder form finds the file


def test_load_tells_json_ld_from_node_link_by_content(graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    graph.save(tmp_path / "ld.json", format="json-ld")
    graph.save(tmp_path / "g.turtle", format="turtle")
    assert kg.load(tmp_path / "ld.json") == graph
    assert kg.load(tmp_path / "g.turtle") == graph
    (tmp_path / "g.data").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="unknown graph file type"):
        kg.load(tmp_path / "g.data")


def test_save_with_explicit_format(graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    graph.save(tmp_path / "graph.data", format="turtle")
    assert (tmp_path / "graph.data").read_text(encoding="utf-8").startswith("@prefix")
    with pytest.raises(InputError, match="extension"):
        graph.save(tmp_path / "graph.xyz")
    with pytest.raises(InputError, match="unknown format"):
        graph.save(tmp_path / "graph.ttl", format="yaml")


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        kg.load(tmp_path / "missing.ttl")
    with pytest.raises(InputError, match="no graph file"):
        kg.load(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no id"}\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        kg.load(bad)
    assert info.value.line == 1


def test_load_extraction_records(records: list[PaperExtraction]) -> None:
    loaded = kg.load(EXTRACTIONS)
    assert loaded == kg.KnowledgeGraph.from_extractions(records)
    assert [r.id for r in loaded.extractions()] == sorted(r.id for r in records)


def test_to_html(graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    graph.to_html(tmp_path / "view.html", max_nodes=5)
    page = (tmp_path / "view.html").read_text(encoding="utf-8")
    assert "<html" in page.lower() and "<script src" not in page


def test_stats_and_repr(graph: kg.KnowledgeGraph) -> None:
    assert graph.stats()["kinds"]["Paper"] == 3
    assert repr(graph).startswith("<KnowledgeGraph papers=3 ")


# -- one abstract --------------------------------------------------------------------------------------


def test_extract_text_and_paper() -> None:
    from kg.extract import extract_paper

    text = "We fine-tune BERT with LoRA and evaluate it on GLUE."
    record = kg.extract_paper(text)
    assert isinstance(record, PaperExtraction)
    assert record.paper.id == paper_id(text) and record.paper.abstract == text
    assert record == extract_paper(Paper(id=paper_id(text), title="", abstract=text))
    assert record.entities  # the facade hands back what the extractor found
    paper = Paper(id="x-1", title="LoRA for BERT", abstract=text)
    assert kg.extract_paper(paper).paper.id == "x-1"
    with pytest.raises(TypeError):
        kg.extract_paper(42)  # type: ignore[arg-type]

"""One graph locator for the API, ``kg query`` and ``kg serve`` (issue 13), and the on-disk Oxigraph store.

A folder that works for one works for all: a folder holding only
``graph.json``, and an output folder holding a ``graph.oxigraph/`` store,
which queries prefer over every RDF file and open read-only.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import InputError
from kg.locate import STORE_DIR, locate_graph
from kg.serve import make_server

FIXTURES = Path(__file__).parent / "fixtures" / "api"
MARKER = "<https://kg.example.org/marker> <https://kg.example.org/from> \"the store\" .\n"
ASK_MARKER = 'ASK { <https://kg.example.org/marker> ?p "the store" }'
MODELS = (
    "PREFIX kg: <https://kg.example.org/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT ?name WHERE { ?e a kg:Model ; skos:prefLabel ?name } ORDER BY ?name"
)
EXPECTED_MODELS = ["BERT", "GPT-4o", "ResNet-50"]


@pytest.fixture(scope="module")
def graph() -> kg.KnowledgeGraph:
    return kg.load(FIXTURES / "extractions.jsonl")


def _make_store(folder: Path, graph: kg.KnowledgeGraph, *, marker: bool = True) -> Path:
    """Write ``graph.oxigraph/`` as ``kg build`` will: bulk-loaded, here with one extra marker triple."""
    nt = folder / "source.nt"
    graph.save(nt)
    store = ox.Store(str(folder / STORE_DIR))
    store.bulk_load(input=nt.read_bytes() + (MARKER.encode() if marker else b""), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    nt.unlink()
    return folder / STORE_DIR


def _cli_names(path: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["query", str(path), MODELS, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1:]


def _served(path: Path, query: str) -> dict:  # type: ignore[type-arg]
    server = make_server(path, port=0, workers=1)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = server.url + "sparql?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(url, timeout=30) as resp:
            answer: dict = json.load(resp)  # type: ignore[type-arg]
            return answer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def store_folder(tmp_path: Path, graph: kg.KnowledgeGraph) -> Iterator[Path]:
    """An output folder with graph.nt (no marker) and graph.oxigraph/ (with the marker)."""
    graph.save(tmp_path / "graph.nt")
    graph.save(tmp_path / "graph.json")
    _make_store(tmp_path, graph)
    yield tmp_path


def test_a_folder_with_only_graph_json_works_everywhere(tmp_path: Path, graph: kg.KnowledgeGraph) -> None:
    graph.save(tmp_path / "graph.json")
    assert [r["name"] for r in kg.load(tmp_path).query(MODELS).to_dicts()] == EXPECTED_MODELS
    assert _cli_names(tmp_path) == EXPECTED_MODELS
    names = [b["name"]["value"] for b in _served(tmp_path, MODELS)["results"]["bindings"]]
    assert names == EXPECTED_MODELS


def test_queries_prefer_the_store_everywhere(store_folder: Path) -> None:
    assert locate_graph(store_folder).for_query() == ("store", store_folder / STORE_DIR)
    assert kg.load(store_folder).query(ASK_MARKER).boolean is True  # graph.nt has no marker: the store answered
    result = CliRunner().invoke(cli, ["query", str(store_folder), ASK_MARKER])
    assert result.exit_code == 0 and result.stdout == "true\n"
    assert _served(store_folder, ASK_MARKER)["boolean"] is True
    assert _cli_names(store_folder) == EXPECTED_MODELS


def test_the_store_is_opened_read_only(store_folder: Path) -> None:
    writer = ox.Store(str(store_folder / STORE_DIR))  # holds the store's write lock meanwhile
    try:
        before = len(writer)
        result = CliRunner().invoke(cli, ["query", str(store_folder), ASK_MARKER])
        assert result.exit_code == 0, result.output
        assert result.stdout == "true\n"
        assert kg.load(store_folder).query(ASK_MARKER, timeout=30).boolean is True
        assert len(writer) == before
    finally:
        del writer


def test_a_folder_with_only_the_store_works_everywhere(tmp_path: Path, graph: kg.KnowledgeGraph) -> None:
    _make_store(tmp_path, graph, marker=False)
    assert locate_graph(tmp_path).for_graph() == ("store", tmp_path / STORE_DIR)
    loaded = kg.load(tmp_path)
    assert loaded == graph  # the networkx graph comes back from the store's triples
    assert [r["name"] for r in loaded.query(MODELS).to_dicts()] == EXPECTED_MODELS
    assert _cli_names(tmp_path) == EXPECTED_MODELS
    assert _cli_names(tmp_path / STORE_DIR) == EXPECTED_MODELS  # the store directory named directly
    names = [b["name"]["value"] for b in _served(tmp_path, MODELS)["results"]["bindings"]]
    assert names == EXPECTED_MODELS


def test_a_store_folder_without_its_current_file_is_not_a_store(store_folder: Path) -> None:
    (store_folder / STORE_DIR / "CURRENT").unlink()  # half written, as after a crash mid-copy
    assert locate_graph(store_folder).for_query() == ("rdf", store_folder / "graph.nt")
    assert kg.load(store_folder).query(ASK_MARKER).boolean is False


def test_what_each_path_is(tmp_path: Path, graph: kg.KnowledgeGraph) -> None:
    graph.save(tmp_path / "g.jsonld")
    shutil.copy(tmp_path / "g.jsonld", tmp_path / "ld.json")
    graph.save(tmp_path / "nodes.json")
    assert locate_graph(tmp_path / "ld.json").for_query() == ("rdf", tmp_path / "ld.json")
    assert locate_graph(tmp_path / "nodes.json").for_query() == ("node-link", tmp_path / "nodes.json")
    assert locate_graph(FIXTURES / "extractions.jsonl").for_graph()[0] == "extractions"
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown graph file type"):
        locate_graph(tmp_path / "notes.txt")
    with pytest.raises(InputError, match="not found"):
        locate_graph(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="graph.oxigraph/"):
        locate_graph(empty)

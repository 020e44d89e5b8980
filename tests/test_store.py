"""The on-disk store of a build, --formats, and SHACL on every build.

A build writes ``graph.oxigraph/`` (bulk-loaded from the same N-Triples
stream as ``graph.nt``); ``kg query``, ``kg serve`` and ``kg.load(...).query``
answer from it without the RDF files; ``--formats`` picks the files and
removes the ones not chosen; the streaming SHACL check runs on every build and
the summary says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.formats import FORMATS, choose_formats, parse_formats
from kg.pipeline import build
from kg.query import load_query, run_query
from kg.rdf.store import STORE_NAME, is_store, stored_triple_count

FIXTURE = Path(__file__).parent / "fixtures" / "pipeline" / "papers.jsonl"
RDF_FILES = ("graph.nt", "graph.ttl", "graph.jsonld")


def store_lines(folder: Path) -> bytes:
    """The store's triples as sorted N-Triples lines (what graph.nt holds)."""
    store = ox.Store.read_only(str(folder / STORE_NAME))
    lines = sorted(set(ox.serialize(store, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)))  # type: ignore[union-attr]
    return b"".join(lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store-built")
    summary = build([FIXTURE], out_dir=out)
    assert summary.shacl_conforms is True
    return out


def test_build_writes_a_store_with_the_triples_of_graph_nt(built: Path) -> None:
    assert is_store(built / STORE_NAME)
    nt = (built / "graph.nt").read_bytes()
    assert store_lines(built) == nt
    assert stored_triple_count(built / STORE_NAME) == nt.count(b"\n")
    assert not list(built.glob(".*.new")) and not list(built.glob(".*.old"))


def test_queries_answer_from_the_store_alone(built: Path, tmp_path: Path) -> None:
    only_store = tmp_path / "only-store"
    shutil.copytree(built, only_store)
    for name in (*RDF_FILES, "graph.json"):
        (only_store / name).unlink()
    sparql = load_query("top_methods", limit=50)
    assert run_query(only_store, sparql).rows == run_query(built / "graph.nt", sparql).rows
    result = CliRunner().invoke(cli, ["query", str(only_store), "--named", "top_methods", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("name,papers")


def test_api_load_queries_the_store_without_reading_the_graph(built: Path) -> None:
    graph = kg.load(built)
    answer = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert answer.to_dicts()[0]["n"] == stored_triple_count(built / STORE_NAME)
    assert graph._nx is None  # the networkx graph was not read for the query
    assert graph._store.kind == "store"
    assert len(graph.papers()) == 4  # ... and is read when a method needs it


def test_second_build_gives_a_store_with_the_same_triples(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(built, again)
    build([FIXTURE], out_dir=again)
    assert store_lines(again) == store_lines(built)


def test_incremental_build_keeps_the_store_in_step(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    first = tmp_path / "first.jsonl"
    first.write_text("".join(lines[:2]))
    out = tmp_path / "out"
    build([first], out_dir=out)
    before = stored_triple_count(out / STORE_NAME)
    build([FIXTURE], out_dir=out)
    assert stored_triple_count(out / STORE_NAME) > before
    assert store_lines(out) == (out / "graph.nt").read_bytes()


def test_formats_choose_the_files_and_remove_the_others(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "chosen"
    shutil.copytree(built, out)
    summary = build([FIXTURE], out_dir=out, formats=("store", "json"))
    assert summary.formats == ["store", "json"]
    assert sorted(summary.files) == ["extractions.jsonl", "failures.jsonl", "graph.json", STORE_NAME, "papers.jsonl"]
    for name in (*RDF_FILES, "graph.html"):
        assert not (out / name).exists(), name
    assert store_lines(out) == (built / "graph.nt").read_bytes()
    assert summary.shacl_conforms is True and summary.triples == stored_triple_count(out / STORE_NAME)


def test_formats_without_rdf_still_validate(tmp_path: Path) -> None:
    summary = build([FIXTURE], out_dir=tmp_path / "html-only", formats=("html",))
    assert sorted(p.name for p in (tmp_path / "html-only").iterdir() if not p.name.startswith(".")) == [
        "extractions.jsonl",
        "failures.jsonl",
        "graph.html",
        "papers.jsonl",
    ]
    assert summary.shacl_conforms is True and summary.triples > 0


def test_parse_formats() -> None:
    assert parse_formats("json, STORE") == ("store", "json")
    assert parse_formats("all") == FORMATS
    assert parse_formats(None) is None and parse_formats("auto") is None
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        parse_formats("json,pdf")
    with pytest.raises(ValueError, match="no format given"):
        parse_formats(" , ")
    assert choose_formats(None, 10_000) == FORMATS
    assert choose_formats(None, 10_001) == ("store", "json", "html")


def test_cli_formats_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(out), "--formats", "store,html"])
    assert result.exit_code == 0, result.output
    assert "SHACL" in result.output and "conforms" in result.output
    assert "store,html" in result.output
    assert not (out / "graph.nt").exists() and is_store(out / STORE_NAME)
    bad = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(out), "--formats", "pdf"])
    assert bad.exit_code != 0 and "unknown format 'pdf'" in bad.output


def test_cli_says_why_shacl_did_not_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(tmp_path / "o"), "--no-validate"])
    assert result.exit_code == 0, result.output
    assert "not validated: not run (--no-validate)" in result.output


def test_serve_answers_from_the_store_of_a_folder_without_rdf_files(built: Path, tmp_path: Path) -> None:
    from kg.serve.graph import open_graph

    folder = tmp_path / "served"
    shutil.copytree(built, folder)
    for name in RDF_FILES:
        (folder / name).unlink()
    served = open_graph(folder)
    try:
        assert served.spec.kind == "store" and Path(served.spec.path) == folder / STORE_NAME
        assert served.tmpdir is None  # nothing was loaded or converted at start
        answer = run_query(folder, "ASK { ?s a <https://schema.org/ScholarlyArticle> }")
        assert answer.boolean is True
    finally:
        served.close()

"""``kg query`` through click's CliRunner: inline, --file, --named, formats, errors, --help."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli, main
from kg.errors import QueryError, QueryTimeout
from kg.rdf import write_rdf

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"
_spec = importlib.util.spec_from_file_location("rdf_graphs", FIXTURES / "graphs.py")
graphs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(graphs)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    graph = graphs.contract_graph()
    write_rdf(graph, folder / "graph.nt", format="nt")
    write_rdf(graph, folder / "graph.ttl", format="turtle")
    return folder


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["query", *args])


def test_help_lists_options_and_examples() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for word in ("--file", "--named", "--param", "--format", "--timeout", "--list", "GRAPH", "Examples"):
        assert word in result.output


def test_list_shows_ready_queries_with_parameters() -> None:
    result = invoke("--list")
    assert result.exit_code == 0
    assert "papers_using_dataset" in result.output and "dataset=<string>" in result.output
    assert "top_methods" in result.output


def test_inline_query_on_a_folder_prints_a_table(outputs: Path) -> None:
    result = invoke(
        str(outputs), "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/ScholarlyArticle> }"
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].strip() == "3"
    assert result.output.endswith("(1 row)\n")


def test_named_query_with_param_as_csv(outputs: Path) -> None:
    result = invoke(
        str(outputs / "graph.ttl"),
        "--named",
        "papers_using_dataset",
        "--param",
        "dataset=imagenet-1k",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout_bytes.decode().split("\r\n")  # SPARQL CSV uses CRLF (result.output folds it)
    assert lines[0] == "id,title,relation,name"
    assert len([line for line in lines[1:] if line]) == 2


def test_query_from_file_as_json(outputs: Path, tmp_path: Path) -> None:
    qfile = tmp_path / "q.rq"
    qfile.write_text("ASK { ?s a <https://schema.org/SoftwareSourceCode> }", encoding="utf-8")
    result = invoke(str(outputs / "graph.nt"), "--file", str(qfile), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"head": {}, "boolean": True}


def test_tsv_format(outputs: Path) -> None:
    result = invoke(str(outputs), "--named", "top_models", "-p", "limit=1", "--format", "tsv")
    assert result.stdout.splitlines() == ["?name\t?papers", '"ResNet-50"\t2']


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "exactly one query"),
        (["SELECT * {}", "--named", "top_methods"], "exactly one query"),
        (["SELECT * {}", "--param", "a=b"], "--param only applies"),
    ],
)
def test_usage_errors(outputs: Path, args: list[str], message: str) -> None:
    result = invoke(str(outputs), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_missing_graph_is_a_usage_error() -> None:
    result = invoke()
    assert result.exit_code == 2 and "missing GRAPH" in result.output


def test_syntax_error_is_a_query_error_with_position(outputs: Path) -> None:
    result = invoke(str(outputs), "SELECT ?x WHERE {\n ?x ?y \n}")
    assert result.exit_code == QueryError.exit_code
    assert "query error at line 3, column" in result.output
    assert result.output.rstrip().endswith("^")


def test_timeout_option(outputs: Path) -> None:
    result = invoke(
        str(outputs),
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        "--timeout",
        "0.3",
    )
    assert result.exit_code == QueryTimeout.exit_code
    assert "stopped after 0.3 s" in result.output
    assert invoke(str(outputs), "ASK {}", "--timeout", "0").exit_code == 2


def test_main_prints_one_line_errors_with_exit_codes(
    outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["query", str(outputs), "SELEC ?x"])
    assert info.value.code == QueryError.exit_code
    err = capsys.readouterr().err
    assert "query error at line 1, column" in err.splitlines()[0]
    with pytest.raises(SystemExit) as info:
        main(["query", str(outputs), "--named", "top_methods", "--param", "nope=1"])
    assert "no parameter 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["query", str(outputs / "missing.nt"), "ASK {}"])
    assert info.value.code == 2
    assert "missing.nt: file not found" in capsys.readouterr().err

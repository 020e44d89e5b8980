"""Shell habits: logging levels on every command, '-' for standard input/output, ``python -m kg``."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import COMMANDS, cli
from kg.graph import write_node_link

FIXTURES = Path(__file__).parent / "fixtures" / "api"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _restore_kg_logger() -> object:
    logger = logging.getLogger("kg")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.fixture
def odd_graph(tmp_path: Path) -> Path:
    """A graph with an attribute RDF has no mapping for: converting it logs a real warning."""
    graph = kg.load(FIXTURES / "extractions.jsonl").to_networkx()
    graph.nodes["dataset:glue"]["colour"] = "red"
    path = tmp_path / "graph.json"
    write_node_link(graph, path)
    return path


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_logging_options(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    for option in ("-v, --verbose", "--log-level", "-q"):
        assert option in result.output, (name, option)


@pytest.mark.parametrize(
    ("args", "shown"),
    [([], True), (["-q"], False), (["--log-level", "error"], False), (["-v"], True)],
)
def test_warnings_show_on_stderr_by_default_and_hide_with_quiet(
    odd_graph: Path, args: list[str], shown: bool
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "query", str(odd_graph), "ASK { ?s ?p ?o }", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "true"
    assert ("kg: warning: attributes ['colour'] of dataset:glue" in done.stderr) is shown


def test_verbose_shows_info_and_the_group_level_option_works(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "neo"
    out.mkdir()
    (out / "nodes_Old.csv").write_text("id:ID\n")
    graph = str(FIXTURES / "extractions.jsonl")
    quiet = runner.invoke(cli, ["export", graph, "--format", "neo4j", "-o", str(out)])
    assert quiet.exit_code == 0 and "removing" not in quiet.stderr
    (out / "nodes_Old.csv").write_text("id:ID\n")
    loud = runner.invoke(cli, ["export", graph, "--format", "neo4j", "-o", str(out), "-v"])
    assert "kg: info: removing" in loud.stderr and "nodes_Old.csv" in loud.stderr
    (out / "nodes_Old.csv").write_text("id:ID\n")
    group = runner.invoke(cli, ["--log-level", "debug", "export", graph, "--format", "neo4j", "-o", str(out)])
    assert "kg: info: removing" in group.stderr


def test_papers_reads_standard_input(runner: CliRunner) -> None:
    text = (FIXTURES / "papers_a.jsonl").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["papers", "-", "--output-format", "jsonl"], input=text)
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids and len(ids) == len(text.splitlines())


def test_bad_standard_input_is_named_stdin_not_a_temporary_file(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["papers", "-", "--format", "jsonl", "--strict"], input='{"id": 1}\nnot json\n')
    assert result.exit_code == 2
    assert "<stdin>" in result.output and "kg-stdin-" not in result.output


def test_dash_given_twice_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["papers", "-", "-"], input="")
    assert result.exit_code == 2 and "only once" in result.output


def test_extract_from_stdin_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    text = (FIXTURES / "papers_a.jsonl").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["extract", "-", "-o", "-", "--no-progress"], input=text)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(text.splitlines())
    assert all("entities" in rec for rec in records)
    assert "to <stdout>" in result.stderr
    assert not (tmp_path / "-").exists() and not Path("-").exists()


def test_query_file_from_stdin(runner: CliRunner) -> None:
    sparql = "PREFIX kg: <https://kg.example.org/ontology#>\nASK { ?s ?p ?o }"
    result = runner.invoke(cli, ["query", str(FIXTURES / "extractions.jsonl"), "--file", "-"], input=sparql)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "true"


def test_python_dash_m_kg_is_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"kg, version {kg.__version__}"

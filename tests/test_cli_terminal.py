"""Escape sequences in titles never reach a terminal as escape sequences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.cli.papers_cmd
from kg.cli import cli

HOSTILE = "Clear \x1b[2J\x1b]0;owned\x07 screen \u202eevil \x9b31m"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    path.write_text(json.dumps({"title": HOSTILE, "abstract": "An abstract.", "date": "2024\x1b[5m"}) + "\n")
    return path


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_table_and_jsonl_on_a_terminal_show_escapes(
    hostile: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(kg.cli.papers_cmd, "stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["papers", str(hostile), "--output-format", fmt])
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.stdout
    if fmt == "table":
        assert "Clear \\x1b[2J\\x1b]0;owned\\x07 screen \\u202eevil" in result.stdout
    else:
        assert json.loads(result.stdout)["title"] == HOSTILE  # still the same JSON value


def test_pipes_get_the_text_unchanged(hostile: Path) -> None:
    result = CliRunner().invoke(cli, ["papers", str(hostile), "--output-format", "jsonl"])
    assert result.exit_code == 0
    assert "\u202e" in result.stdout and "\x9b" in result.stdout


@pytest.fixture(scope="module")
def hostile_graph(hostile: Path) -> Path:
    out = hostile.parent / "out"
    assert CliRunner().invoke(cli, ["build", str(hostile), "-o", str(out), "-q"]).exit_code == 0
    return out


@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json"])
def test_query_output_on_a_terminal_shows_escapes(
    hostile_graph: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import kg.cli.terminal

    out = hostile_graph
    monkeypatch.setattr(kg.cli.terminal, "stdout_is_terminal", lambda: True)
    sparql = 'SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && STRSTARTS(STR(?o), "Clear")) }'
    result = CliRunner().invoke(cli, ["query", str(out), sparql, "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Clear" in result.stdout
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.stdout
    if fmt == "json":
        values = [b["o"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
        assert HOSTILE in values

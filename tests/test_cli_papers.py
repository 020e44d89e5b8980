"""``kg papers`` through click's CliRunner and through ``kg.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli, main
from kg.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def test_help_lists_options_and_formats() -> None:
    result = CliRunner().invoke(cli, ["papers", "--help"])
    assert result.exit_code == 0
    for word in ("--format", "--strict", "--output-format", "--limit", "hf-daily", "arxiv-atom"):
        assert word in result.output


def test_default_input_is_the_bundled_sample_as_a_table() -> None:
    result = CliRunner().invoke(cli, ["papers"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "DATE", "TITLE"]
    assert len(lines) == 1 + 49
    assert lines[1].startswith("tale-training-free-")
    assert "2025-08-29" in lines[1]
    assert max(len(line) for line in lines) < 160  # long titles are truncated
    assert "read 49 papers from 1 file" in result.stderr


def test_jsonl_output_and_limit() -> None:
    result = CliRunner().invoke(cli, ["papers", str(FIXTURES / "hf-daily.json"), "--output-format", "jsonl",
                                      "--limit", "2"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["arxiv:2403.04444", "arxiv:2403.05555"]
    assert records[0]["links"][0] == {"url": "https://github.com/example-lab/tidal-flow", "kind": "code",
                                      "origin": "metadata"}


def test_skipped_records_are_summarised_on_stderr() -> None:
    result = CliRunner().invoke(cli, ["papers", str(FIXTURES / "papers.jsonl")])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1 + 3
    assert "2 skipped" in result.stderr
    assert "papers.jsonl:4: malformed JSON line" in result.stderr
    assert "papers.jsonl:5: record has no abstract" in result.stderr


def test_strict_stops_at_the_first_bad_record() -> None:
    result = CliRunner().invoke(cli, ["papers", "--strict", str(FIXTURES / "papers.jsonl")])
    assert result.exit_code == InputError.exit_code == 2
    assert "papers.jsonl:4: malformed JSON line" in result.stderr
    assert "Traceback" not in result.output
    assert "read " not in result.stderr  # no summary after a strict stop


def test_format_option_is_validated() -> None:
    result = CliRunner().invoke(cli, ["papers", "--format", "yaml"])
    assert result.exit_code == 2 and "yaml" in result.output


def test_main_maps_bad_input_to_one_line_and_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["papers", str(tmp_path / "missing.csv")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().endswith(f"{tmp_path / 'missing.csv'}: file not found")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_nothing_readable_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["papers", str(FIXTURES / "empty.jsonl")])
    assert info.value.code == 2
    assert "empty.jsonl: no papers read (1 skipped); first problem: empty file" in capsys.readouterr().err

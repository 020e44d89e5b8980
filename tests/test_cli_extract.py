"""``kg extract`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(cli, ["extract", "--help"])
    assert result.exit_code == 0
    for option in ("--output", "--format", "--strict", "--batch-size", "--progress"):
        assert option in result.output


def test_extract_writes_one_json_object_per_paper(tmp_path: Path) -> None:
    out = tmp_path / "ex.jsonl"
    result = CliRunner().invoke(
        cli, ["extract", str(FIXTURES / "papers.jsonl"), "-o", str(out), "--batch-size", "1"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 2  # the third record has neither title nor abstract and is skipped
    first = lines[0]
    assert list(first)[:6] == ["id", "title", "abstract", "entities", "links", "extractor"]
    names = {e["name"]: e for e in first["entities"]}
    assert names["GlimmerNet"]["role"] == "proposed"
    assert set(names["GlimmerNet"]) == {
        "type",
        "name",
        "aliases",
        "role",
        "confidence",
        "component",
        "mentions",
    }
    assert first["links"] == [
        {
            "url": "https://github.com/example-lab/glimmernet",
            "kind": "code",
            "sentence": first["links"][0]["sentence"],
        }
    ]
    assert "skipped" in result.output and "wrote 2 extractions" in result.output


def test_strict_stops_at_the_first_bad_record(tmp_path: Path) -> None:
    out = tmp_path / "ex.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(FIXTURES / "papers.jsonl"), "-o", str(out), "--strict"])
    assert result.exit_code != 0
    assert not out.exists()  # nothing half-written


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    out = tmp_path / "ex.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.jsonl"), "-o", str(out)])
    assert result.exit_code != 0
    assert not out.exists()


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (a, b):
        result = CliRunner().invoke(cli, ["extract", str(FIXTURES / "papers.jsonl"), "-o", str(out)])
        assert result.exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_default_input_is_the_bundled_sample(tmp_path: Path) -> None:
    out = tmp_path / "ex.jsonl"
    result = CliRunner().invoke(cli, ["extract", "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert len(lines) >= 40
    assert all(json.loads(line)["entities"] is not None for line in lines)

"""Tests for ``kg eval`` through click's CliRunner."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.records import Entity, PaperExtraction

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD = str(FIXTURES / "gold.jsonl")
PRED = str(FIXTURES / "pred.jsonl")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["eval", *args])
    return result.exit_code, result.output


def test_help() -> None:
    code, out = run("--help")
    assert code == 0
    for option in ("--pred", "--errors", "--json", "--pool-model-into-method"):
        assert option in out


def test_table() -> None:
    code, out = run(GOLD, "--pred", PRED)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["tp", "fp", "fn", "P", "R", "F1"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:8]}
    assert list(rows) == ["Method", "Model", "Dataset", "Task", "ALL", "links", "proposed"]
    assert rows["ALL"] == ["4", "3", "5", "0.571", "0.444", "0.500"]
    assert rows["links"][:3] == ["2", "1", "0"]
    # columns are aligned: every row has the same width up to the F1 column
    assert len({len(line) for line in lines[:8]}) == 1
    assert "2/3 gold papers paired, 1 predictions without gold." in out
    assert "StoneNet" not in out  # no error list without --errors


def test_errors_listing() -> None:
    code, out = run(GOLD, "--pred", PRED, "--errors")
    assert code == 0, out
    assert "pebble-1  GHT: Gradient Harmonic Tuning for Pebble Counting" in out
    assert "  + Model: PebbleQA" in out
    assert "  - Dataset: PebbleQA" in out
    assert "  + links: https://arxiv.org/abs/0000.00000" in out
    assert "fern-3  Fern Detection at Scale  [no prediction]" in out
    assert "  - proposed: Method: lichen priors" in out


def test_json() -> None:
    code, out = run(GOLD, "--pred", PRED, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["scores"]["Task"]["tp"] == 2
    assert data["pool_types"] == {}
    assert "errors" not in data
    code, out = run(GOLD, "--pred", PRED, "--json", "--errors")
    assert len(json.loads(out)["errors"]) == 3


def test_pool_model_into_method() -> None:
    code, out = run(GOLD, "--pred", PRED, "--json", "--pool-model-into-method")
    assert code == 0, out
    data = json.loads(out)
    assert "Model" not in data["scores"]
    assert data["scores"]["Method"] == {"tp": 2, "fp": 2, "fn": 2, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert data["pool_types"] == {"Model": "Method"}


def test_bad_gold_file_is_a_one_line_error(tmp_path: Path) -> None:
    from kg.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "entities": [{"type": "Gadget", "name": "x"}]}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["eval", str(bad), "--pred", PRED])
    assert info.value.code == 2


def test_missing_pred_extracts_with_the_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --pred the gold papers go through kg.extract.extract_papers."""
    seen: list[str] = []

    def fake_extract_papers(papers, *, batch_size: int = 64):  # type: ignore[no-untyped-def]
        for p in papers:
            seen.append(p.id)
            yield PaperExtraction(p, (Entity("Task", "pebble counting"),) if p.id == "pebble-1" else ())

    fake = types.ModuleType("kg.extract")
    fake.extract_papers = fake_extract_papers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kg.extract", fake)
    code, out = run(GOLD, "--json")
    assert code == 0, out
    assert seen == ["pebble-1", "moss-2", "fern-3"]
    data = json.loads(out)
    assert data["scores"]["Task"]["tp"] == 1
    assert data["paired"] == 3


def test_error_listing_keeps_untrusted_names_on_one_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    gold.write_text(
        '{"id": "a", "title": "T\\u001b[31m", "abstract": "", "entities": [], "links": []}\n',
        encoding="utf-8",
    )
    pred.write_text(
        '{"id": "a", "title": "T", "abstract": "", '
        '"entities": [{"type": "Task", "name": "evil\\nname\\u0007"}], "links": []}\n',
        encoding="utf-8",
    )
    code, out = run(str(gold), "--pred", str(pred), "--errors")
    assert code == 0, out
    assert "  + Task: evil name" in out
    assert "\x1b" not in out and "\x07" not in out

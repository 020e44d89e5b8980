"""``kg explain`` and the resolution report (kg.explain): why an entity is what it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.explain import (
    RESOLUTION_REPORT,
    explain_lines,
    find_entities,
    read_report,
    report_records,
    write_report,
)
from kg.graph import build_graph_from
from kg.records import Entity, Paper, PaperExtraction
from kg.registry import IdRegistry


def paper(pid: str, *entities: Entity) -> PaperExtraction:
    return PaperExtraction(
        paper=Paper(id=pid, title=f"T {pid}", abstract="A."), entities=entities, extractor="t/1"
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    registry = IdRegistry()
    first = [paper("p1", Entity("Method", "QLS")), paper("p2", Entity("Method", "Quorum Lattice Smoothing"))]
    build_graph_from(lambda: first, lexicon=None, registry=registry)
    records = [
        *first,
        paper(
            "p3", Entity("Method", "Quorum Lattice Smoothing", ("QLS",)), Entity("Model", "Zorblax 1.5 Pro")
        ),
        paper(
            "p4",
            Entity("Model", "Zorblax", ("Zorblax 1.5 Pro",)),
            Entity("Method", "Quick Zonal Sampler", ("QZS",)),
        ),
        paper("p5", Entity("Dataset", "Quick Zonal Set", ("QZS",))),
        paper("p6", Entity("Dataset", "Zorbset\x1b[2J")),  # untrusted text reaches the terminal escaped
    ]
    _, resolved = build_graph_from(lambda: records, lexicon=None, registry=registry)
    write_report(report_records(resolved), tmp_path / RESOLUTION_REPORT)
    return tmp_path


def test_report_records_carry_the_trace(folder: Path) -> None:
    records = {r["id"]: r for r in read_report(folder / RESOLUTION_REPORT)}
    qls = records["method:quorum-lattice-smoothing"]
    assert qls["retired_ids"] == ["method:qls"] and qls["papers"] == 3
    assert qls["trace"]["surfaces"] == {"QLS": 2, "Quorum Lattice Smoothing": 2}
    pro = records["model:zorblax-1-5-pro"]
    assert pro["broader"] == "model:zorblax" and records["model:zorblax"]["narrower"] == [
        "model:zorblax-1-5-pro"
    ]
    assert records["model:zorblax"]["trace"]["kept_apart"] == [["Zorblax 1.5 Pro", "different version"]]
    ids = [r["id"] for r in read_report(folder / RESOLUTION_REPORT)]
    assert ids == sorted(ids)


def test_find_by_label_alias_surface_and_retired_id(folder: Path) -> None:
    def found(name: str) -> list[str]:
        return [r["id"] for r in find_entities(read_report(folder / RESOLUTION_REPORT), name)]

    assert found("quorum-lattice smoothing") == ["method:quorum-lattice-smoothing"]
    assert found("method:qls") == ["method:quorum-lattice-smoothing"]
    assert found("QZS") == ["dataset:quick-zonal-set", "method:quick-zonal-sampler"]
    assert found("nothing like it") == []


def test_explain_text_names_the_decisions(folder: Path) -> None:
    text = "\n".join(explain_lines("QZS", find_entities(read_report(folder / RESOLUTION_REPORT), "QZS")))
    assert "'QZS' names 2 entities; resolution kept them apart:" in text
    text = "\n".join(
        explain_lines("Zorblax", find_entities(read_report(folder / RESOLUTION_REPORT), "Zorblax"))
    )
    assert "kept apart from: 'Zorblax 1.5 Pro' (different version)" in text
    assert "versions and members: model:zorblax-1-5-pro" in text


def test_cli(folder: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["explain", "Zorblax 1.5 Pro", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("model:zorblax-1-5-pro  Model  'Zorblax 1.5 Pro'  (2 papers)")
    assert "family (skos:broader): model:zorblax, found from 'Zorblax'" in result.output
    as_json = runner.invoke(cli, ["explain", "method:qls", "-o", str(folder), "--json"])
    assert [json.loads(line)["id"] for line in as_json.output.splitlines()] == [
        "method:quorum-lattice-smoothing"
    ]
    missing = runner.invoke(cli, ["explain", "Blorp", "-o", str(folder)])
    assert missing.exit_code == 1 and "no entity is called 'Blorp'" in missing.output


def test_cli_without_a_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["explain", "x", "-o", str(tmp_path)])
    assert result.exit_code == InputError.exit_code
    assert "run `kg build` into this folder first" in result.output


def test_a_malformed_report_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / RESOLUTION_REPORT).write_text('{"id": "method:a"}\nnot json\n', "utf-8")
    with pytest.raises(InputError, match=r"resolution.jsonl:2: malformed JSON"):
        list(read_report(tmp_path / RESOLUTION_REPORT))

"""kg build end to end: outputs, idempotent and resumable builds, engines agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build_state import load_extractions
from kg.cli import cli
from kg.pipeline import EXTRACTIONS, JOURNAL, build

FIXTURE = Path(__file__).parent / "fixtures" / "pipeline" / "papers.jsonl"
OUTPUT_FILES = ("papers.jsonl", "extractions.jsonl", "graph.json", "graph.ttl", "graph.nt", "graph.jsonld", "graph.html")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    summary = build([FIXTURE], out_dir=out)
    assert summary.papers_extracted == 4
    return out


def test_build_writes_every_output(built: Path) -> None:
    for name in OUTPUT_FILES:
        assert (built / name).stat().st_size > 0, name
    assert not (built / JOURNAL).exists()
    ids = [json.loads(line)["id"] for line in (built / EXTRACTIONS).read_text().splitlines()]
    assert ids == sorted(ids) and len(ids) == 4


def test_second_build_changes_nothing(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    shutil.copytree(built, out)
    before = snapshot(out)
    summary = build([FIXTURE], out_dir=out)
    assert summary.papers_extracted == 0
    assert summary.papers_already_built == 4
    assert snapshot(out) == before


def test_adding_papers_later_equals_one_build(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(lines[:2]))
    second.write_text("".join(lines[2:]))
    at_once, incremental = tmp_path / "at-once", tmp_path / "incremental"
    build([first, second], out_dir=at_once)
    build([second], out_dir=incremental)
    build([first], out_dir=incremental)
    assert snapshot(incremental) == snapshot(at_once)


def test_interrupted_build_resumes_from_journal(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "resumed"
    out.mkdir()
    finished = (built / EXTRACTIONS).read_text().splitlines()
    # Two papers made it to the journal, the third was torn mid-write.
    (out / JOURNAL).write_text(finished[0] + "\n" + finished[1] + "\n" + finished[2][:40])
    assert sorted(load_extractions(out)) == sorted(json.loads(x)["id"] for x in finished[:2])
    summary = build([FIXTURE], out_dir=out)
    assert summary.papers_extracted == 2
    assert summary.papers_already_built == 2
    assert snapshot(out) == snapshot(built)


@pytest.mark.slow  # more than 5 s (pytest --durations)
def test_process_pool_gives_the_same_outputs(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "pool"
    build([FIXTURE], out_dir=out, workers=2, batch_size=1)
    assert snapshot(out) == snapshot(built)


@pytest.mark.slow  # more than 5 s (pytest --durations)
def test_dask_engine_gives_the_same_outputs(built: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    build([FIXTURE], out_dir=out, engine="dask", workers=2, batch_size=1)
    assert snapshot(out) == snapshot(built)


def test_cli_build_help() -> None:
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert result.exit_code == 0
    assert "--workers" in result.output and "--engine" in result.output


def test_cli_build_reports_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "papers in graph" in result.output
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "outputs"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(blocker)])
    assert result.exit_code != 0
    assert "not a folder" in result.output

"""A bad paper never costs a build: per-paper failure capture in every engine, failures.jsonl, resume."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import failure_support
import pytest
from click.testing import CliRunner
from failure_support import BOMB, CRASH, TRIGGER

from kg.cli import cli
from kg.engines import WORKER_DIED, ProcessEngine, SerialEngine, extract_batch
from kg.failures import PaperFailure
from kg.pipeline import FAILURES, build, load_state
from kg.records import Paper, PaperExtraction

FIXTURE = Path(__file__).parent / "fixtures" / "pipeline" / "papers.jsonl"


def paper(n: int, text: str = "We train a transformer on ImageNet.", title: str | None = None) -> Paper:
    return Paper(id=f"p{n}", title=title or f"Paper number {n}", abstract=text, source="in.jsonl", position=n)


@pytest.fixture
def bomb() -> Iterator[None]:
    failure_support.install()
    yield
    failure_support.remove()


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """The pipeline fixture with one more paper, on line 3, that makes the bomb pipe raise."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    bad = json.dumps({"id": "2601.09999", "title": "A paper that breaks a component",
                      "abstract": f"We study {TRIGGER} graphs on CIFAR-10."})
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join([*lines[:2], bad, *lines[2:]]) + "\n", encoding="utf-8")
    return path


def test_extract_batch_keeps_the_other_papers_and_names_the_pipe(bomb: None) -> None:
    papers = [paper(1), paper(2, f"A {TRIGGER} here."), paper(3)]
    outcomes = extract_batch(papers)
    assert [type(o).__name__ for o in outcomes] == ["PaperExtraction", "PaperFailure", "PaperExtraction"]
    failure = outcomes[1]
    assert isinstance(failure, PaperFailure)
    assert (failure.id, failure.source, failure.line, failure.component) == ("p2", "in.jsonl", 2, BOMB)
    assert failure.error == "ValueError: an invented bug for testing"
    assert failure.where.startswith("kg/extract/pipeline.py:")  # the innermost frame of kg itself
    assert failure.message().startswith("in.jsonl:2: paper p2 failed in kg_test_bomb: ValueError")


def test_failure_record_round_trips() -> None:
    failure = PaperFailure("p", "a.jsonl", 4, "kg_links", "KeyError: 'x'", "kg/links.py:3 in f")
    assert PaperFailure.from_dict(json.loads(json.dumps(failure.to_dict()))) == failure


def test_process_pool_catches_per_paper(bomb: None) -> None:
    engine = ProcessEngine(2, task=failure_support.extract_with_bomb)
    try:
        batches = [[paper(1), paper(2, f"{TRIGGER}.")], [paper(3)], [paper(4, f"x {TRIGGER}"), paper(5)]]
        outcomes = [o for batch in engine.run(batches) for o in batch]
    finally:
        engine.close()
    assert [o.id if isinstance(o, PaperFailure) else o.paper.id for o in outcomes] == ["p1", "p2", "p3", "p4", "p5"]
    failed = [o for o in outcomes if isinstance(o, PaperFailure)]
    assert [(f.id, f.component) for f in failed] == [("p2", BOMB), ("p4", BOMB)]


def test_a_paper_that_kills_its_worker_is_the_only_one_lost() -> None:
    engine = ProcessEngine(2, task=failure_support.crash_or_extract)
    try:
        batches = [[paper(1), paper(2, title=f"{CRASH} paper"), paper(3)], [paper(4)], [paper(5), paper(6)]]
        outcomes = [o for batch in engine.run(batches) for o in batch]
    finally:
        engine.close()
    assert len(outcomes) == 6
    failed = [o for o in outcomes if isinstance(o, PaperFailure)]
    assert [(f.id, f.component) for f in failed] == [("p2", WORKER_DIED)]
    assert all(isinstance(o, PaperExtraction) for o in outcomes if o not in failed)


def test_dask_shard_carries_failures(bomb: None, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from kg.engines.dask_engine import extract_partition, read_shard

    shard = extract_partition([paper(1), paper(2, TRIGGER)], str(tmp_path / "shard.jsonl"))
    outcomes = read_shard(shard)
    assert isinstance(outcomes[0], PaperExtraction)
    assert isinstance(outcomes[1], PaperFailure) and outcomes[1].component == BOMB


def test_build_finishes_and_records_the_failure(bomb: None, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = build([inputs], out_dir=out)
    assert summary.papers_failed == 1 and summary.papers_extracted == 4 and summary.papers_total == 4
    rows = [json.loads(line) for line in (out / FAILURES).read_text().splitlines()]
    assert rows == [{
        "id": "arxiv:2601.09999", "source": "papers.jsonl", "line": 3, "component": BOMB,
        "error": "ValueError: an invented bug for testing", "where": rows[0]["where"],
    }]
    assert "papers.jsonl:3: paper arxiv:2601.09999 failed in kg_test_bomb" in summary.failures[0]
    ids = [json.loads(line)["id"] for line in (out / "papers.jsonl").read_text().splitlines()]
    assert "arxiv:2601.09999" not in ids and len(ids) == 4
    # deterministic: a second folder gets the same bytes
    again = tmp_path / "again"
    build([inputs], out_dir=again)
    assert (again / FAILURES).read_bytes() == (out / FAILURES).read_bytes()


def test_resume_skips_a_known_failure_unless_asked(bomb: None, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([inputs], out_dir=out)
    summary = build([inputs], out_dir=out)
    assert (summary.papers_extracted, summary.papers_failed, summary.known_failures) == (0, 1, 1)
    assert "--retry-failed" in summary.failures[0]
    failure_support.remove()  # the bug is fixed
    summary = build([inputs], out_dir=out, retry_failed=True)
    assert (summary.papers_extracted, summary.papers_failed) == (1, 0)
    assert (out / FAILURES).read_text() == ""
    assert summary.papers_total == 5
    assert load_state(out).failed == {}


def test_failure_in_the_journal_survives_an_interrupted_build(bomb: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    from kg.pipeline import BuildSummary, extract_new

    state = load_state(out)
    extract_new([paper(1), paper(2, TRIGGER)], out, state, BuildSummary())
    # killed before writing the outputs: the journal holds both outcomes
    again = load_state(out)
    assert sorted(again.done) == ["p1"] and sorted(again.failed) == ["p2"]


def test_cli_exit_code_says_finished_with_failures(bomb: None, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(inputs), "-o", str(out)])
    assert result.exit_code == 5, result.output
    assert re.search(r"^  failed +1$", result.output, re.MULTILINE)
    assert "papers.jsonl:3: paper arxiv:2601.09999 failed in kg_test_bomb: ValueError" in result.output
    assert "finished with 1 failed paper" in result.output
    assert (out / "graph.ttl").exists()
    quiet = CliRunner().invoke(cli, ["build", str(inputs), "-o", str(out), "-q"])
    assert quiet.exit_code == 5 and "failed before" in quiet.output


def test_cli_extract_goes_on_past_a_failing_paper(bomb: None, inputs: Path, tmp_path: Path) -> None:
    output = tmp_path / "x.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(inputs), "-o", str(output)])
    assert result.exit_code == 5, result.output
    assert "papers.jsonl:3" in result.output and BOMB in result.output
    assert len(output.read_text().splitlines()) == 4


def test_serial_engine_takes_a_task() -> None:
    seen: list[int] = []

    def task(batch: list[Paper]) -> list:
        seen.append(len(batch))
        return []

    list(SerialEngine(task).run([[paper(1)], [paper(2), paper(3)]]))
    assert seen == [1, 2]

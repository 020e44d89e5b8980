"""The output folder under stress: concurrent builds, disk full, kills, stale files, bad or huge input."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import outdir
from kg.cli import cli
from kg.pipeline import JOURNAL, OUTPUT_FILES, build

FIXTURE = Path(__file__).parent / "fixtures" / "pipeline" / "papers.jsonl"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != outdir.LOCK_NAME}


def synthetic(path: Path, n: int, start: int = 0) -> Path:
    rows = [json.dumps({"title": f"Study {i} of sparse graph transformers",
                        "abstract": f"We train a transformer on ImageNet and CIFAR-10 (run {i}). It beats ResNet."})
            for i in range(start, start + n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    build([FIXTURE], out_dir=out)
    return out


def copy_of(built: Path, tmp_path: Path) -> Path:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(built, out)
    return out


# -- one build at a time ---------------------------------------------------------------------------


def test_second_build_into_a_locked_folder_stops_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", ("import sys, time; from pathlib import Path; from kg.outdir import lock\n"
         "with lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)"), str(out)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(out)])
        assert result.exit_code == 1
        assert f"another kg build (process {holder.pid}) is writing to this folder" in result.output
        assert not (out / "graph.ttl").exists()
    finally:
        holder.kill()  # a killed holder leaves no stale lock behind
        holder.wait()
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "graph.ttl").exists()


# -- disk full -------------------------------------------------------------------------------------


def test_disk_full_keeps_the_old_folder_and_says_so_in_one_line(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.rdf

    out = copy_of(built, tmp_path)
    before = snapshot(out)
    real = kg.rdf.write_rdf_files

    def fill_up(graph, targets, **options):  # type: ignore[no-untyped-def]
        real(graph, targets, **options)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kg.rdf, "write_rdf_files", fill_up)
    more = synthetic(tmp_path / "more.jsonl", 3)
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), str(more), "-o", str(out)])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert f"disk full while writing to {out}: the folder keeps its previous files" in last
    assert "Traceback" not in result.output
    after = snapshot(out)
    journal = after.pop(JOURNAL)
    assert after == before  # the old state, byte for byte
    assert len(journal.splitlines()) == 3  # the new papers' extractions are kept for the next build
    assert not (out / outdir.STAGING_NAME).exists()
    monkeypatch.setattr(kg.rdf, "write_rdf_files", real)
    summary = build([FIXTURE, more], out_dir=out)
    assert (summary.papers_extracted, summary.papers_total) == (0, 7)
    assert not (out / JOURNAL).exists()


def test_disk_full_while_journalling_is_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.pipeline

    def no_space(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kg.pipeline, "dumps_line", no_space)
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "disk full while writing" in result.output.strip().splitlines()[-1]


# -- interrupted swaps and stale files -------------------------------------------------------------


def test_next_build_removes_stale_temporary_files(built: Path, tmp_path: Path) -> None:
    out = copy_of(built, tmp_path)
    (out / ".graph.nt.k3j4h5g6.tmp").write_bytes(b"x" * 1000)
    (out / outdir.STAGING_NAME).mkdir()
    (out / outdir.STAGING_NAME / "graph.nt").write_text("half")
    before = {k: v for k, v in snapshot(out).items() if not k.endswith(".tmp")}
    summary = build([FIXTURE], out_dir=out)
    assert not (out / ".graph.nt.k3j4h5g6.tmp").exists()
    assert not (out / outdir.STAGING_NAME).exists()
    assert snapshot(out) == before
    assert any("stale temporary file .graph.nt.k3j4h5g6.tmp" in w for w in summary.warnings)


def test_a_swap_interrupted_after_its_manifest_is_finished(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a")
    (out / "b.txt").write_text("old b")
    (out / "journal").write_text("j")
    stage = outdir.staging(out)
    (stage / "a.txt").write_text("new a")
    (stage / "b.txt").write_text("new b")
    # the manifest is written, "a.txt" was moved, then the process died
    (stage / outdir.MANIFEST_NAME).write_text(json.dumps({"move": ["a.txt", "b.txt"], "remove": ["journal"]}))
    os.replace(stage / "a.txt", out / "a.txt")
    assert (out / "b.txt").read_text() == "old b"  # the mixed state a reader could see
    outdir.recover(out)
    assert [(out / n).read_text() for n in ("a.txt", "b.txt")] == ["new a", "new b"]
    assert not (out / "journal").exists() and not stage.exists()


def test_an_uncommitted_stage_is_thrown_away(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a")
    stage = outdir.staging(out)
    (stage / "a.txt").write_text("new a")
    outdir.recover(out)
    assert (out / "a.txt").read_text() == "old a" and not stage.exists()


def test_commit_swaps_every_output_file(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith(".")) == sorted(OUTPUT_FILES)


# -- inputs that must not touch the folder ----------------------------------------------------------


def test_missing_input_does_not_create_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "missing.jsonl"), "-o", str(out)])
    assert result.exit_code == 2
    assert "missing.jsonl: file not found" in result.output
    assert not out.exists()


def test_build_exits_2_when_every_record_is_bad(built: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no abstract"}\n{"oops\n')
    result = CliRunner().invoke(cli, ["build", str(bad), "-o", str(tmp_path / "new")])
    assert result.exit_code == 2
    assert "no papers read (2 skipped)" in result.output
    assert not (tmp_path / "new").exists()
    out = copy_of(built, tmp_path)
    before = snapshot(out)
    result = CliRunner().invoke(cli, ["build", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert snapshot(out) == before


# -- huge records --------------------------------------------------------------------------------


def test_a_16_mib_abstract_cannot_poison_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    huge = ("We train a transformer on ImageNet. " * 500_000)[: 17 * (1 << 20)]
    rows = FIXTURE.read_text().splitlines()
    path.write_text("\n".join([rows[0], json.dumps({"title": "Huge", "abstract": huge}), rows[1]]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"huge\.jsonl:2: abstract of [\d,]+ characters cut to the first 100,000", result.output)
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    again = CliRunner().invoke(cli, ["build", str(path), "-o", str(out)])
    assert again.exit_code == 0, again.output


def test_the_extraction_cut_is_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.extract.pipeline

    monkeypatch.setattr(kg.extract.pipeline, "MAX_CHARS", 60)
    result = CliRunner().invoke(cli, ["build", str(FIXTURE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "papers.jsonl:1: paper arxiv:2601.00001: only the first 60 characters of title and abstract" \
        in result.output


# -- no orphans ----------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_parallel_build_leaves_no_worker_behind(tmp_path: Path, sig: signal.Signals) -> None:
    papers = synthetic(tmp_path / "many.jsonl", 20_000)
    kg = Path(sys.executable).with_name("kg")
    build_proc = subprocess.Popen([str(kg), "build", str(papers), "-o", str(tmp_path / "out"), "--workers", "2",
                                   "--batch-size", "16"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(kids := children(build_proc.pid)) < 3 and time.monotonic() < deadline:  # 2 workers + tracker
            time.sleep(0.2)
        assert len(kids) >= 3, "the workers never started"
        time.sleep(1.0)
        build_proc.send_signal(sig)
        code = build_proc.wait(timeout=60)
        deadline = time.monotonic() + 20
        while any(alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(k) for k in kids), "orphaned workers"
        if sig == signal.SIGTERM:
            assert code == 143
            assert not (tmp_path / "out" / outdir.STAGING_NAME).exists()
    finally:
        if build_proc.poll() is None:
            build_proc.kill()
        for kid in children(build_proc.pid):
            os.kill(kid, signal.SIGKILL)

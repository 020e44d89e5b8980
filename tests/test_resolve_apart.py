"""Entity resolution in a forked child gives the graph resolution in this process gives.

``kg build`` resolves in a child process so resolution's working memory
ends with it (``kg.resolve_apart``); the graph, the resolution report and
the errors must not change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.graph import build_graph_from
from kg.node_link import write_node_link
from kg.records import Entity, Mention, Paper, PaperExtraction
from kg.resolve_apart import can_fork, resolve_apart

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs os.fork")


def _record(pid: str, *names: tuple[str, str, str]) -> PaperExtraction:
    """A paper whose abstract names each (name, type, alias) once; the alias, when given, in brackets."""
    text, entities = "", []
    for name, etype, alias in names:
        start = len(text)
        text += f"We use {name}" + (f" ({alias})" if alias else "") + ". "
        begin = start + len("We use ")
        mentions = (Mention(field="abstract", start=begin, end=begin + len(name), sentence=text[start:].strip()),)
        entities.append(Entity(name=name, type=etype, aliases=(alias,) if alias else (), mentions=mentions))
    return PaperExtraction(paper=Paper(id=pid, title=f"Paper {pid}", abstract=text), entities=tuple(entities))


RECORDS = [
    _record("p1", ("Zorb Lattice Network", "Model", "ZLN"), ("QuorumSet", "Dataset", "")),
    _record("p2", ("ZLN", "Model", ""), ("QuorumSet", "Dataset", ""), ("span tiling", "Method", "")),
    _record("p3", ("Zorb lattice network", "Model", ""), ("Span Tiling", "Method", "")),
    _record("p4", ("QuorumSet-2", "Dataset", ""), ("ZLN", "Model", "")),
]


def _graph_json(apart: bool, records: list[PaperExtraction], scratch: Path, out: Path) -> str:
    graph, resolved = build_graph_from(lambda: iter(records), apart=apart, scratch=scratch)
    write_node_link(graph, out)
    return out.read_text(encoding="utf-8") + json.dumps([resolved.ids, sorted(resolved.dropped.items())])


def test_the_graph_is_the_same_resolved_apart(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    here = _graph_json(False, RECORDS, scratch, tmp_path / "here.json")
    apart = _graph_json(True, RECORDS, scratch, tmp_path / "apart.json")
    assert apart == here
    assert "ZLN" in here and "QuorumSet-2" in here
    assert list(scratch.iterdir()) == []  # the scratch file is gone


def test_an_error_in_the_child_reaches_the_caller(tmp_path: Path) -> None:
    unsorted = [RECORDS[1], RECORDS[0]]
    with pytest.raises(KGError, match="sorted by id"):
        build_graph_from(lambda: iter(unsorted), apart=True, scratch=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_papers_must_be_asked_for_in_order(tmp_path: Path) -> None:
    resolved = resolve_apart(lambda: iter(RECORDS), scratch=tmp_path)
    try:
        assert resolved.links_of(0, RECORDS[0])
        with pytest.raises(KGError, match="in order"):
            resolved.links_of(2, RECORDS[2])
    finally:
        resolved.close()  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []


def test_records_that_change_between_reads_are_refused(tmp_path: Path) -> None:
    resolved = resolve_apart(lambda: iter(RECORDS), scratch=tmp_path)
    try:
        with pytest.raises(KGError, match="records changed"):
            resolved.links_of(0, RECORDS[1])
    finally:
        resolved.close()  # type: ignore[union-attr]


def test_a_child_killed_by_a_signal_is_reported_by_name(tmp_path: Path) -> None:
    import os
    import signal

    parent = os.getpid()

    def read():  # type: ignore[no-untyped-def]
        if os.getpid() != parent:  # in the child: die as the out-of-memory killer would kill it
            os.kill(os.getpid(), signal.SIGKILL)
        return iter(RECORDS)

    with pytest.raises(KGError, match="killed by SIGKILL.*out of memory"):
        resolve_apart(read, scratch=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_child_ends_when_the_build_is_killed(tmp_path: Path) -> None:
    """A child left behind would hold the output folder's lock and gigabytes."""
    import os
    import signal
    import subprocess
    import sys
    import time

    marker = tmp_path / "child.pid"
    script = f"""
import os, time
from kg.resolve_apart import resolve_apart
def read():
    open({str(marker)!r}, "w").write(str(os.getpid()))
    time.sleep(60)
    return iter(())
resolve_apart(read, scratch={str(tmp_path)!r})
"""
    build = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(300):
            if marker.exists() and marker.read_text():
                break
            time.sleep(0.05)
        child = int(marker.read_text())
        assert child != build.pid
        build.send_signal(signal.SIGKILL)
        build.wait()
        for _ in range(100):
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            # a zombie reaped by init also counts as gone once its state is Z or it vanished
            try:
                if Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            except OSError:
                break
            time.sleep(0.05)
        else:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the resolution child outlived the killed build")
    finally:
        if build.poll() is None:
            build.kill()


def test_a_refused_fork_resolves_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def no_fork() -> int:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_fork)
    called: list[int] = []
    resolved = resolve_apart(lambda: iter(RECORDS), scratch=tmp_path, meanwhile=lambda: called.append(1))
    assert called == [1]
    assert [e.name for e in resolved.entities]  # resolved in this process
    assert not hasattr(resolved, "close")
    assert list(tmp_path.iterdir()) == []


def test_more_records_than_were_resolved_are_refused(tmp_path: Path) -> None:
    resolved = resolve_apart(lambda: iter(RECORDS[:2]), scratch=tmp_path)
    try:
        resolved.links_of(0, RECORDS[0])
        resolved.links_of(1, RECORDS[1])
        with pytest.raises(KGError, match="records changed"):
            resolved.links_of(2, RECORDS[2])
    finally:
        resolved.close()  # type: ignore[union-attr]

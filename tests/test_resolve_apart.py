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

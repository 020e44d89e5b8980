"""Stable entity ids across builds (kg.registry, kg.graph, kg build): names change, ids do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.graph import build_graph
from kg.records import Entity, Paper, PaperExtraction
from kg.registry import ENTITY_IDS, IdRegistry


def paper(pid: str, *entities: Entity) -> PaperExtraction:
    return PaperExtraction(
        paper=Paper(id=pid, title=f"Title {pid}", abstract=f"Abstract of {pid}."),
        entities=entities,
        extractor="t/1",
    )


def ids_of(graph) -> dict[str, str]:
    """Entity label -> node id."""
    return {
        d["name"]: n
        for n, d in graph.nodes(data=True)
        if d.get("kind") in ("Method", "Model", "Dataset", "Task")
    }


def test_a_label_change_keeps_the_id() -> None:
    registry = IdRegistry()
    first = build_graph([paper("p1", Entity("Model", "ZephyrNet"))], lexicon=None, registry=registry)
    assert ids_of(first) == {"ZephyrNet": "model:zephyrnet"}
    # More papers now spell it with a dash: the label follows them, the id does not move.
    more = [paper(f"q{i}", Entity("Model", "Zephyr-Net")) for i in range(3)]
    second = build_graph([paper("p1", Entity("Model", "ZephyrNet")), *more], lexicon=None, registry=registry)
    assert ids_of(second) == {"Zephyr-Net": "model:zephyrnet"}
    assert "redirects" not in second.graph


def test_a_merge_retires_one_id_into_a_redirect() -> None:
    registry = IdRegistry()
    # Two papers, two entities: the bare acronym means nothing yet.
    build_graph(
        [
            paper("p1", Entity("Method", "Quorum Lattice Smoothing")),
            paper("p2", Entity("Method", "Quorum-Lattice Smoothing Method")),
        ],
        lexicon=None,
        registry=registry,
    )
    first_ids = set(registry.records)
    assert len(first_ids) == 1  # a type word: one entity already
    registry = IdRegistry()
    build_graph(
        [paper("p1", Entity("Method", "QLS")), paper("p2", Entity("Method", "Quorum Lattice Smoothing"))],
        lexicon=None,
        registry=registry,
    )
    assert sorted(registry.records) == ["method:qls", "method:quorum-lattice-smoothing"]
    # A third paper defines the acronym: the two are one entity now.
    graph = build_graph(
        [
            paper("p1", Entity("Method", "QLS")),
            paper("p2", Entity("Method", "Quorum Lattice Smoothing")),
            paper("p3", Entity("Method", "Quorum Lattice Smoothing", ("QLS",))),
        ],
        lexicon=None,
        registry=registry,
    )
    assert ids_of(graph) == {"Quorum Lattice Smoothing": "method:quorum-lattice-smoothing"}
    assert graph.graph["redirects"] == {"method:qls": "method:quorum-lattice-smoothing"}
    assert registry.records["method:qls"].redirect == "method:quorum-lattice-smoothing"


def test_a_type_change_retires_the_old_id() -> None:
    registry = IdRegistry()
    build_graph([paper("p1", Entity("Method", "Zorbset"))], lexicon=None, registry=registry)
    graph = build_graph(
        [
            paper("p1", Entity("Method", "Zorbset")),
            *[paper(f"q{i}", Entity("Dataset", "Zorbset")) for i in range(2)],
        ],
        lexicon=None,
        registry=registry,
    )
    assert ids_of(graph) == {"Zorbset": "dataset:zorbset"}
    assert graph.graph["redirects"] == {"method:zorbset": "dataset:zorbset"}


def test_an_id_is_never_reused_for_something_else() -> None:
    registry = IdRegistry()
    build_graph([paper("p1", Entity("Model", "Zorb-Net"))], lexicon=None, registry=registry)
    # A different entity whose name slugs the same way gets a numbered id while the first lives...
    graph = build_graph(
        [
            paper("p1", Entity("Model", "Zorb-Net")),
            paper("p2", Entity("Model", "Zorb Net 2")),
            paper("p3", Entity("Model", "Zorb&Net")),
        ],
        lexicon=None,
        registry=registry,
    )
    assert ids_of(graph)["Zorb-Net"] == "model:zorb-net"
    assert ids_of(graph)["Zorb Net 2"] == "model:zorb-net-2"  # its natural id (sorted first)
    assert ids_of(graph)["Zorb&Net"] == "model:zorb-net-3"  # -2 was taken


def test_registry_file_round_trip_and_errors(tmp_path: Path) -> None:
    registry = IdRegistry()
    build_graph([paper("p1", Entity("Task", "zorb counting"))], lexicon=None, registry=registry)
    path = tmp_path / ENTITY_IDS
    registry.save(path)
    again = IdRegistry.load(path)
    assert {k: v.to_dict() for k, v in again.records.items()} == {
        k: v.to_dict() for k, v in registry.records.items()
    }
    assert IdRegistry.load(tmp_path / "missing.jsonl").records == {}
    path.write_text('{"id": "task:x", "type": "Parcel"}\n', "utf-8")
    with pytest.raises(InputError, match=r"entity-ids.jsonl:1: unknown entity type"):
        IdRegistry.load(path)
    path.write_text("not json\n", "utf-8")
    with pytest.raises(InputError, match=r":1: malformed"):
        IdRegistry.load(path)


def _arxiv(pid: str) -> str:
    """An arXiv-style id the readers keep as it is (so the seeded extractions are found)."""
    return f"arxiv:2501.{sum(ord(c) * 31**i for i, c in enumerate(pid)) % 99999:05d}"


def _corpus() -> list[PaperExtraction]:
    """Invented papers where the second half renames, merges and adds entities."""
    return [paper(_arxiv(r.id), *r.entities) for r in _halves()]


def _halves() -> list[PaperExtraction]:
    first = [
        paper("a1", Entity("Model", "ZephyrNet"), Entity("Dataset", "Quorum-Bench")),
        paper("a2", Entity("Model", "ZephyrNet 2"), Entity("Method", "QLS")),
        paper("a3", Entity("Method", "Quorum Lattice Smoothing"), Entity("Task", "zorb counting")),
        paper("a4", Entity("Dataset", "QuorumBench"), Entity("Task", "Zorb Counting")),
    ]
    second = [
        paper("b1", Entity("Model", "Zephyr-Net"), Entity("Method", "Quorum Lattice Smoothing", ("QLS",))),
        paper("b2", Entity("Model", "Zephyr-Net"), Entity("Dataset", "Quorum Bench")),
        paper("b3", Entity("Model", "Zephyr-Net"), Entity("Model", "Blorp-7")),
        paper("b4", Entity("Task", "zorb counting"), Entity("Model", "ZephyrNet 2")),
    ]
    return first + second


def _write(path: Path, records: list[PaperExtraction]) -> None:
    path.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in records), "utf-8")


def test_building_a_corpus_in_two_halves_keeps_every_id(tmp_path: Path) -> None:
    from kg.pipeline import build as build_folder

    records = _corpus()
    half, rest = tmp_path / "half.jsonl", tmp_path / "rest.jsonl"
    _write(half, [PaperExtraction(r.paper, ()) for r in records[:4]])
    _write(rest, [PaperExtraction(r.paper, ()) for r in records[4:]])
    assert len({r.id for r in records}) == len(records)
    out = tmp_path / "out"
    out.mkdir()
    # Seed the folder with the extractions (kg build extracts only papers it does not hold).
    (out / "extractions.jsonl").write_text(
        "".join(json.dumps(r.to_dict()) + "\n" for r in sorted(records[:4], key=lambda r: r.id)), "utf-8"
    )
    build_folder([half], out_dir=out, format="jsonl", validate=True)
    first = json.loads((out / "graph.json").read_text("utf-8"))
    first_ids = {n["id"] for n in first["nodes"] if n["kind"] in ("Method", "Model", "Dataset", "Task")}

    (out / "extractions.jsonl").write_text(
        "".join(json.dumps(r.to_dict()) + "\n" for r in sorted(records, key=lambda r: r.id)), "utf-8"
    )
    build_folder([half, rest], out_dir=out, format="jsonl", validate=True)
    second = json.loads((out / "graph.json").read_text("utf-8"))
    second_ids = {n["id"] for n in second["nodes"] if n["kind"] in ("Method", "Model", "Dataset", "Task")}
    redirects = second["graph"].get("redirects", {})
    # Every id of the first build is still a node, or redirects to one.
    for old in first_ids:
        assert old in second_ids or redirects.get(old) in second_ids, old
    assert "model:zephyrnet" in second_ids  # relabelled "Zephyr-Net", same id
    assert redirects == {"method:qls": "method:quorum-lattice-smoothing"}
    assert "owl#sameAs" in (out / "graph.nt").read_text("utf-8")
    # And a third build with nothing new changes no byte of the registry.
    before = (out / ENTITY_IDS).read_bytes()
    build_folder([half, rest], out_dir=out, format="jsonl")
    assert (out / ENTITY_IDS).read_bytes() == before

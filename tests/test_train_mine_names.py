"""``train/mine_names.py``: coined names some paper introduces and other papers use, from unlabelled abstracts."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.mine_names import coined, main, mine, read_papers


def test_coined_shapes_only() -> None:
    assert [t for t in ["Zorblax", "ZorbNet", "ZQ-Bench", "QXR9", "vIoU", "zorbNet"] if coined(t)] == [
        "ZorbNet",
        "ZQ-Bench",
        "QXR9",
        "vIoU",
    ]
    for word in ["Network", "Multi-View", "Zorb-Bench", "ZRB", "ZRBs", "ZorbNet-based", "A100", "x2"]:
        assert not coined(word), word


def _corpus(path: Path) -> Path:
    rows = [
        {"id": "p1", "title": "ZorbNet: Scroll Parsing at Scale", "abstract": "We propose ZorbNet, a novel parser."},
        {"id": "p2", "title": "On scrolls", "abstract": "We compare with ZorbNet and QuibNet on scroll parsing."},
        {"id": "p3", "title": "More scrolls", "abstract": "ZorbNet is slow; we present GlimNet, called so for its glow."},
        {"id": "p4", "title": "ReConstruction", "abstract": "reconstruction of scrolls; reconstruction again."},
        {"id": "dev1", "title": "QuibNet: hidden", "abstract": "We introduce QuibNet."},
    ]
    folder = path / "corpus"
    folder.mkdir()
    with gzip.open(folder / "a.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in rows)
    return folder


def test_mining_counts_proposing_and_using_papers_and_skips_excluded_ones(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    rows = mine(read_papers(folder, {"dev1"}))
    assert ("ZorbNet", 1, 2) in rows  # introduced by p1, used by p2 and p3
    assert ("GlimNet", 1, 0) in rows
    assert not any(name == "QuibNet" for name, _, _ in rows)  # only the excluded paper introduces it
    assert not any(name == "ReConstruction" for name, _, _ in rows)  # a stressed ordinary word


def test_the_table_names_its_provenance_and_keeps_used_names(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    exclude = tmp_path / "dev.jsonl"
    exclude.write_text(json.dumps({"id": "dev1"}) + "\n", encoding="utf-8")
    out = tmp_path / "names.tsv"
    assert main([str(folder), str(out), "--exclude", str(exclude), "--min-used", "2"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Coined names mined from unlabelled arXiv abstracts")
    assert "1 ids excluded" in lines[1]
    assert [line for line in lines if not line.startswith("#")] == ["ZorbNet\t1\t2"]

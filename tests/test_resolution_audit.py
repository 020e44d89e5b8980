"""Tests of the entity audit listing (bench/resolution_audit.py): duplicates among the top entities."""

from __future__ import annotations

import importlib.util
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[1] / "bench" / "resolution_audit.py"


def load_audit():
    spec = importlib.util.spec_from_file_location("resolution_audit", AUDIT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_label_seen_earlier_in_the_list_is_a_duplicate() -> None:
    audit = load_audit()
    labels = ["ZQT", "Zorb Net", "zqt", "Zorb-Nets", "Zorb Nett", "ZQT"]
    assert audit.duplicate_ranks(labels) == {3: 1, 4: 2, 6: 1}
    assert audit.duplicate_ranks(["ZQT", "ZQT-2", "Zorb"]) == {}

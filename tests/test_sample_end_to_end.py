"""The bundled sample, end to end: build, then ask the graph what the extractions say.

The issue's acceptance checks: the papers that use ImageNet-1k come back from
SPARQL, and the top-methods counts match the per-paper extractions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.normalize import match_key
from kg.pipeline import build
from kg.query import load_query, run_query


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample-outputs")
    summary = build([], out_dir=out)
    assert summary.papers_total == 49
    assert summary.shacl_conforms is True
    return out


def extractions(outputs: Path) -> list[dict]:
    return [json.loads(line) for line in (outputs / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]


def papers_mentioning(outputs: Path, entity_type: str, forms: set[str]) -> set[str]:
    """Ids of papers whose extraction holds an entity of this type under one of these forms."""
    keys = {match_key(f) for f in forms}
    found = set()
    for record in extractions(outputs):
        for entity in record["entities"]:
            if entity["type"] == entity_type and keys & {match_key(x) for x in [entity["name"], *entity["aliases"]]}:
                found.add(record["id"])
    return found


def rows(outputs: Path, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(outputs, load_query(name, **params))
    return [{k: str(v) for k, v in row.items()} for row in result.to_dicts()]


def node_forms(outputs: Path, kind: str) -> dict[str, set[str]]:
    """Canonical name -> every surface form resolution put on that node."""
    graph = json.loads((outputs / "graph.json").read_text(encoding="utf-8"))
    return {n["name"]: {n["name"], *n["aliases"]} for n in graph["nodes"] if n["kind"] == kind}


def test_papers_using_imagenet_1k_match_the_extractions(outputs: Path) -> None:
    expected = papers_mentioning(outputs, "Dataset", node_forms(outputs, "Dataset")["ImageNet-1k"])
    assert expected, "the sample has papers that use ImageNet-1k"
    got = {row["id"] for row in rows(outputs, "papers_using_dataset", dataset="ImageNet-1k")}
    assert got == expected


def test_top_methods_counts_match_the_extractions(outputs: Path) -> None:
    forms = node_forms(outputs, "Method")
    top = rows(outputs, "top_methods", limit="10")
    assert len(top) == 10
    for row in top:
        assert int(row["papers"]) == len(papers_mentioning(outputs, "Method", forms[row["name"]])), row

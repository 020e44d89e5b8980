"""One definition for each shared fact: entity types, the extraction reader, the duplicate-id rule, URL forms.

Each of these was once written several times with small differences (issue
13), and the differences were bugs: a graph built by one module from the
same records as another differed. The source scans below fail when a second
definition comes back; the behaviour tests fail when two layers disagree.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.extractions import dedupe_by_id, read_extractions
from kg.graph import build_graph, repo_node_id
from kg.links import classify_url, clean_url, host_and_path, url_key
from kg.records import ENTITY_TYPES, NODE_KINDS, Entity, Link, Paper, PaperExtraction

KG = Path(__file__).resolve().parent.parent / "kg"
SOURCES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(KG.rglob("*.py"))}


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(KG.parent)}:{getattr(node, 'lineno', 0)}"


# -- the entity types ---------------------------------------------------------------------------


def _string_sets(tree: ast.AST) -> list[tuple[ast.AST, set[str]]]:
    """Return every tuple, list or set literal and ``Literal[...]`` of strings, with its strings."""
    found = []
    for node in ast.walk(tree):
        elements = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else None
        if elements is not None:
            found.append((node, {e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)}))
    return found


def test_the_entity_types_are_written_out_once() -> None:
    where = [
        _where(path, node)
        for path, tree in SOURCES.items()
        for node, strings in _string_sets(tree)
        if set(ENTITY_TYPES) <= strings
    ]
    assert len(where) == 1 and where[0].startswith("kg/records.py:"), where


def test_the_scan_sees_a_second_definition() -> None:
    tree = ast.parse('TYPES = ("Method", "Model", "Dataset", "Task")\nx = ["Task", "Dataset", "Model", "Method", "Paper"]')
    assert len([n for n, s in _string_sets(tree) if set(ENTITY_TYPES) <= s]) == 2


def test_node_kinds_derive_from_the_entity_types() -> None:
    from kg.ontology import KIND_CLASSES
    from kg.view.select import NODE_TYPES

    assert NODE_KINDS[1:-2] == ENTITY_TYPES
    assert NODE_TYPES == NODE_KINDS and set(KIND_CLASSES) == set(NODE_KINDS)


# -- the extraction reader ----------------------------------------------------------------------

#: Modules that turn JSON rows into extraction records for another reason than reading a records file:
#: the records module itself, the reader, and the Dask shards (extractions and failures mixed, one file).
_FROM_DICT_ALLOWED = {"kg/records.py", "kg/extractions.py", "kg/engines/dask_engine.py"}


def _calls_from_dict(tree: ast.AST) -> list[ast.AST]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "from_dict"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "PaperExtraction"
    ]


def test_only_the_reader_turns_rows_into_extraction_records() -> None:
    where = [
        _where(path, node)
        for path, tree in SOURCES.items()
        if str(path.relative_to(KG.parent)) not in _FROM_DICT_ALLOWED
        for node in _calls_from_dict(tree)
    ]
    # kg.build_state reads one stored record by its file offset (a seek, not a file reader)
    assert [w for w in where if not w.startswith("kg/build_state.py:")] == []
    assert len([w for w in where if w.startswith("kg/build_state.py:")]) <= 1


def _record(paper_id: str, title: str, *entities: Entity, links: tuple[Link, ...] = ()) -> PaperExtraction:
    return PaperExtraction(Paper(id=paper_id, title=title, abstract=""), entities=entities, links=links)


def test_every_reader_reports_the_same_file_and_line(tmp_path: Path) -> None:
    good = json.dumps(_record("p1", "A").to_dict())
    bad = json.dumps({**_record("p2", "B").to_dict(), "entities": [{"name": "X", "type": "Gadget"}]})
    path = tmp_path / "extractions.jsonl"
    path.write_text(f"{good}\n\n{bad}\n", encoding="utf-8")
    from kg.eval import load_extractions

    messages = []
    for read in (lambda: list(read_extractions(path)), lambda: load_extractions(path), lambda: kg.load(path)):
        with pytest.raises(kg.InputError) as caught:
            read()
        messages.append(str(caught.value))
    assert len(set(messages)) == 1 and ":3" in messages[0] and "Gadget" in messages[0]


# -- duplicate paper ids ------------------------------------------------------------------------


def test_every_layer_keeps_the_same_record_of_a_duplicate_id(tmp_path: Path) -> None:
    first = _record("p1", "Zeta title", Entity(name="Quorvex", type="Method"))
    second = _record("p1", "Alpha title", Entity(name="Blimnet", type="Model"))
    kept = dedupe_by_id([first, second])
    assert kept == dedupe_by_id([second, first]) and len(kept) == 1
    for order in ([first, second], [second, first]):
        names = {d["label"] for _, d in build_graph(order).nodes(data=True) if d["kind"] in ENTITY_TYPES}
        facade = kg.KnowledgeGraph.from_extractions(order)
        assert facade.extractions() == kept
        assert {d["label"] for _, d in facade.to_networkx().nodes(data=True) if d["kind"] in ENTITY_TYPES} == names
        path = tmp_path / "extractions.jsonl"
        path.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in order), encoding="utf-8")
        assert kg.load(path).extractions() == kept
    assert names == {kept[0].entities[0].name}


# -- URL forms ----------------------------------------------------------------------------------

SPELLINGS = [
    ("https://github.com/Org/Repo", "http://WWW.GitHub.com/Org/Repo.git/", "github.com/Org/Repo/tree/main#readme"),
    ("https://example.org/a?x=1", "http://www.example.org/a/?x=1", "https://EXAMPLE.org/a?x=1#frag"),
    ("https://huggingface.co/datasets/o/d", "https://huggingface.co/datasets/o/d/viewer/default", "huggingface.co/datasets/o/d/"),
]


@pytest.mark.parametrize("spellings", SPELLINGS)
def test_url_forms_derive_from_the_canonical_url(spellings: tuple[str, ...]) -> None:
    canonical = {classify_url(clean_url(s) or s)[0] for s in spellings}
    keys = {url_key(s) for s in spellings}
    assert len(keys) == 1 and keys == {url_key(c) for c in canonical}
    assert all(host_and_path(s) == host_and_path(classify_url(clean_url(s) or s)[0]) for s in spellings)
    if classify_url(spellings[0])[1] == "code":  # a repository has one address however it is written
        assert len({host_and_path(s) for s in spellings}) == 1


def test_url_key_is_the_canonical_url_without_www_and_fragment() -> None:
    assert url_key("https://www.example.org/a#b") == "https://example.org/a"
    assert url_key("https://example.org/A") != url_key("https://example.org/a")  # path case is kept


def test_a_repository_spelled_two_ways_is_one_node() -> None:
    links = (
        Link(url="https://github.com/Org/Repo", kind="code"),
        Link(url="http://GitHub.com/Org/Repo.git/", kind="code"),
    )
    assert repo_node_id(links[0].url) == repo_node_id(links[1].url) == "repo:github.com/Org/Repo"
    graph: nx.DiGraph = build_graph([_record("p1", "A", links=links[:1]), _record("p2", "B", links=links[1:])])
    repos = [n for n, d in graph.nodes(data=True) if d["kind"] == "Repository"]
    assert repos == ["repo:github.com/Org/Repo"]
    assert graph.nodes[repos[0]]["url"] == "https://github.com/Org/Repo"

"""Node search by name has one home (kg.node_search): the API, --focus and the page agree on it."""

from __future__ import annotations

import networkx as nx
import pytest

import kg
from kg.errors import InputError, NodeNotFound
from kg.node_search import find_nodes, require_nodes, suggest
from kg.view.select import select_nodes

# Invented names, written for these tests.
NODES = {
    "method:quorvex-lattice-network": {
        "kind": "Method",
        "name": "Quorvex Lattice Network",
        "label": "Quorvex Lattice Network",
        "aliases": ["QLN"],
    },
    "task:spectral-colourisation": {"kind": "Task", "name": "Spectral Colourisation", "label": "Spectral Colourisation"},
    "dataset:zephyr-bench": {"kind": "Dataset", "name": "ZephyrBench", "label": "ZephyrBench"},
    "method:zephyr-bench": {"kind": "Method", "name": "ZephyrBench", "label": "ZephyrBench"},
    "model:blimnet-7": {"kind": "Model", "name": "BlimNet-7", "label": "BlimNet-7"},
    "paper:arxiv:2601.00042": {
        "kind": "Paper",
        "label": "Lattices for colour",
        "title": "Lattices for Colour",
        "paper_id": "arxiv:2601.00042",
        "url": "https://arxiv.org/abs/2601.00042",
    },
}


@pytest.fixture
def graph() -> nx.DiGraph:
    g = nx.DiGraph(redirects={"method:old-quorvex": "method:quorvex-lattice-network"})
    for node, attrs in NODES.items():
        g.add_node(node, **attrs)
    paper = "paper:arxiv:2601.00042"
    for target in ("method:quorvex-lattice-network", "task:spectral-colourisation", "dataset:zephyr-bench"):
        g.add_edge(paper, target, relation="uses")
    g.add_edge(paper, "model:blimnet-7", relation="proposes")
    return g


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("method:quorvex-lattice-network", ["method:quorvex-lattice-network"]),  # an id
        ("method:old-quorvex", ["method:quorvex-lattice-network"]),  # an id an earlier build retired
        ("quorvex lattice network", ["method:quorvex-lattice-network"]),  # case
        ("Quorvex-Lattice-Network", ["method:quorvex-lattice-network"]),  # dashes
        ("QuorvexLatticeNetwork", ["method:quorvex-lattice-network"]),  # no spaces
        ("Quorvex Lattice Networks", ["method:quorvex-lattice-network"]),  # plural
        ("qln", ["method:quorvex-lattice-network"]),  # alias
        ("spectral colorization", ["task:spectral-colourisation"]),  # American for British
        ("blimnet 7", ["model:blimnet-7"]),
        ("zephyr bench", ["dataset:zephyr-bench", "method:zephyr-bench"]),  # homonyms: both
        ("lattices for colour", ["paper:arxiv:2601.00042"]),  # a title
        ("arxiv:2601.00042", ["paper:arxiv:2601.00042"]),  # a paper id
        ("https://arxiv.org/abs/2601.00042", ["paper:arxiv:2601.00042"]),  # a URL
    ],
)
def test_find_forgives_what_people_type(graph: nx.DiGraph, typed: str, expected: list[str]) -> None:
    assert find_nodes(graph, typed) == expected
    assert kg.KnowledgeGraph(graph).find(typed) == expected
    assert select_nodes(graph, focus=typed, depth=0)[1].focus_nodes == tuple(expected)


def test_different_names_stay_apart(graph: nx.DiGraph) -> None:
    assert find_nodes(graph, "BlimNet-8") == []
    assert find_nodes(graph, "Quorvex Lattice") == []  # a part of a name is not the name
    assert find_nodes(graph, "") == [] and find_nodes(graph, "  -  ") == []


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Quorvex Latice Netwrok", "Quorvex Lattice Network"),  # typos
        ("Quorvex Lattice", "Quorvex Lattice Network"),  # a part of the name
        ("spectral", "Spectral Colourisation"),
        ("BlimNet-8", "BlimNet-7"),
    ],
)
def test_suggestions_name_the_close_nodes(graph: nx.DiGraph, typed: str, suggested: str) -> None:
    assert suggest(graph, typed)[0] == suggested
    found = kg.KnowledgeGraph(graph).find(typed)
    assert found == [] and found.suggestions[0] == suggested
    with pytest.raises(NodeNotFound) as caught:
        require_nodes(graph, typed)
    assert caught.value.suggestions[0] == suggested and f"did you mean {suggested!r}" in str(caught.value)


def test_nothing_close_suggests_nothing(graph: nx.DiGraph) -> None:
    assert suggest(graph, "Xylophone Orchestra") == []
    with pytest.raises(NodeNotFound) as caught:
        require_nodes(graph, "Xylophone Orchestra")
    assert str(caught.value) == "no node named 'Xylophone Orchestra' in the graph"
    assert kg.KnowledgeGraph(graph).find("Xylophone Orchestra").suggestions == ()


def test_suggestions_are_bounded_and_ordered(graph: nx.DiGraph) -> None:
    assert suggest(graph, "zephyr") == ["ZephyrBench"]  # one name for the two homonyms
    # the name the typed text is more of comes first ("lattice" is 7 of 17 letters, then 7 of 21)
    assert suggest(graph, "lattice") == ["Lattices for colour", "Quorvex Lattice Network"]
    assert suggest(graph, "lattice", limit=1) == ["Lattices for colour"]


def test_neighbors_raise_a_key_error_with_suggestions(graph: nx.DiGraph) -> None:
    facade = kg.KnowledgeGraph(graph)
    rows = facade.neighbors("quorvex lattice networks")
    assert [r["id"] for r in rows] == ["paper:arxiv:2601.00042"]
    with pytest.raises(KeyError, match="did you mean 'BlimNet-7'"):
        facade.neighbors("BlimNet 8")
    assert "QLN" in facade and "BlimNet 8" not in facade


def test_focus_errors_are_input_errors_with_suggestions(graph: nx.DiGraph) -> None:
    with pytest.raises(InputError, match="did you mean 'Quorvex Lattice Network'"):
        select_nodes(graph, focus="Quorvex Latice Netwrok")
    with pytest.raises(InputError, match="empty --focus name"):
        select_nodes(graph, focus="  ")

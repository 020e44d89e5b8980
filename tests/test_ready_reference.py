"""The ready queries give the rows a plain reading of the graph gives, without the precomputed keys.

The ready queries read ``kg:rankInType``, ``kg:familyRank`` and
``kg:nameKey``, written at build time so they answer from a few index
look-ups on big stores. Each test here computes the same answer with
networkx from ``graph.json`` (paper counts from the edges, names compared
lower-cased, families from the ``broader`` edges), never from those keys,
and compares it with what the query returns from the build's store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.node_link import read_node_link
from kg.ontology import DEFAULT_BASE_IRI, IriMinter
from kg.pipeline import build
from kg.query import load_query, open_store, run_query

ENTITY_KINDS = ("Method", "Model", "Dataset", "Task")
TOP = {"Method": "top_methods", "Model": "top_models", "Dataset": "top_datasets", "Task": "top_tasks"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ready-reference")
    summary = build([], out_dir=out)
    assert summary.shacl_conforms is True
    return out


@pytest.fixture(scope="module")
def graph(outputs: Path) -> nx.DiGraph:
    return read_node_link(outputs / "graph.json")


@pytest.fixture(scope="module")
def store(outputs: Path) -> Any:
    return open_store(outputs)


def query(store: Any, name: str, **params: object) -> list[dict[str, Any]]:
    rows = run_query(store, load_query(name, **params)).to_dicts()
    return [{k: (v if v is None or isinstance(v, (int, float)) else str(v)) for k, v in row.items()} for row in rows]


# -- the reference: networkx, no precomputed triple ---------------------------------------------------
def papers_of(graph: nx.DiGraph, node: str) -> int:
    return sum(1 for _, _, d in graph.in_edges(node, data=True) if d["relation"] in ("proposes", "uses"))


def entities(graph: nx.DiGraph, kind: str | None = None) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d["kind"] in ENTITY_KINDS and kind in (None, d["kind"])]


def name_of(graph: nx.DiGraph, node: str) -> str:
    return str(graph.nodes[node]["name"])


def ranked(graph: nx.DiGraph, kind: str | None = None) -> list[str]:
    """Entities by papers (most first), then name, then IRI: what "most used" means."""
    iri = IriMinter(DEFAULT_BASE_IRI).node
    return sorted(entities(graph, kind), key=lambda n: (-papers_of(graph, n), name_of(graph, n), iri(n)))


def named(graph: nx.DiGraph, name: str) -> set[str]:
    """Entities with ``name`` as their label or an alias, ignoring case."""
    key = name.lower()
    return {
        n
        for n in entities(graph)
        if key in {x.lower() for x in [graph.nodes[n]["name"], *graph.nodes[n].get("aliases", [])]}
    }


def an_alias(graph: nx.DiGraph, kind: str) -> str:
    """An alias (else the name) of a well-used entity of ``kind``, case swapped to test case folding."""
    for node in ranked(graph, kind):
        aliases = graph.nodes[node].get("aliases") or []
        if aliases:
            return str(aliases[0]).swapcase()
    return name_of(graph, ranked(graph, kind)[0]).swapcase()


# -- the tests -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ENTITY_KINDS)
@pytest.mark.parametrize("limit", [None, 3, 100_000])
def test_top_queries_give_the_most_used_entities(store: Any, graph: nx.DiGraph, kind: str, limit: int | None) -> None:
    params = {} if limit is None else {"limit": limit}
    expected = [
        {"name": name_of(graph, n), "papers": papers_of(graph, n)} for n in ranked(graph, kind)[: limit or 20]
    ]
    assert query(store, TOP[kind], **params) == expected
    assert expected


@pytest.mark.parametrize("how", ["default", "alias"])
def test_papers_using_dataset(store: Any, graph: nx.DiGraph, how: str) -> None:
    if how == "default":
        params: dict[str, str] = {}
        chosen = {ranked(graph, "Dataset")[0]}
    else:
        params = {"dataset": an_alias(graph, "Dataset")}
        chosen = {n for n in named(graph, params["dataset"]) if graph.nodes[n]["kind"] == "Dataset"}
    expected = sorted(
        (
            {
                "id": graph.nodes[p]["paper_id"],
                "title": graph.nodes[p]["title"],
                "relation": d["relation"],
                "name": name_of(graph, e),
            }
            for e in chosen
            for p, _, d in graph.in_edges(e, data=True)
            if d["relation"] in ("proposes", "uses")
        ),
        key=lambda r: (r["id"], r["name"]),
    )
    assert query(store, "papers_using_dataset", **params) == expected
    assert expected


def _cooccurring(graph: nx.DiGraph, chosen: set[str]) -> list[tuple[str, str, str, int]]:
    rows = []
    for e in chosen:
        for u, v, d in [*graph.out_edges(e, data=True), *graph.in_edges(e, data=True)]:
            if d["relation"] == "co_occurs":
                other = v if u == e else u
                rows.append((name_of(graph, e), name_of(graph, other), graph.nodes[other]["kind"], int(d["weight"])))
    return rows


@pytest.mark.parametrize("how", ["default", "alias"])
def test_cooccurring_entities(store: Any, graph: nx.DiGraph, how: str) -> None:
    if how == "default":
        params: dict[str, str] = {}
        chosen = {ranked(graph)[0]}
    else:
        params = {"entity": an_alias(graph, "Method")}
        chosen = named(graph, params["entity"])
    got = query(store, "cooccurring_entities", **params, limit=ALL)
    rows = [(r["name"], r["other_name"], r["other_type"], r["weight"]) for r in got]
    assert sorted(rows) == sorted(_cooccurring(graph, chosen)) and rows
    weights = [r["weight"] for r in got]
    assert weights == sorted(weights, reverse=True)


def _evidence(graph: nx.DiGraph, paper: str | None, entity: str | None, limit: int = 100) -> list[tuple[Any, ...]]:
    iri = IriMinter(DEFAULT_BASE_IRI).node
    papers = [
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "Paper" and paper in (None, d["paper_id"], d.get("title"))
    ]
    if entity is not None:
        chosen = named(graph, entity)
    elif paper is not None:  # every entity of the paper
        chosen = {v for p in papers for v in graph.successors(p) if graph.nodes[v]["kind"] in ENTITY_KINDS}
    else:  # the most used entity
        chosen = {ranked(graph)[0]}
    rows = []
    for p in papers:
        for e in chosen:
            d = graph.get_edge_data(p, e)
            if d is None or d["relation"] not in ("proposes", "uses"):
                continue
            for i, ev in enumerate(d.get("evidence") or (), start=1):
                rows.append(
                    (graph.nodes[p]["paper_id"], iri(e), i, name_of(graph, e), d["relation"], d["name"], ev["sentence"])
                )
    return sorted(rows)[:limit]


@pytest.mark.parametrize("how", ["default", "entity", "paper", "paper title", "limit"])
def test_evidence(store: Any, graph: nx.DiGraph, how: str) -> None:
    busiest = max(
        (n for n, d in graph.nodes(data=True) if d["kind"] == "Paper"),
        key=lambda p: (sum(1 for v in graph.successors(p) if graph.nodes[v]["kind"] in ENTITY_KINDS), p),
    )
    paper = entity = None
    limit = 100
    if how == "entity":
        entity = an_alias(graph, "Method")
    elif how == "paper":
        paper = graph.nodes[busiest]["paper_id"]
    elif how == "paper title":
        paper = graph.nodes[busiest]["title"]
    elif how == "limit":
        limit = 3
    params: dict[str, Any] = {k: v for k, v in (("paper", paper), ("entity", entity)) if v is not None}
    if how == "limit":
        params["limit"] = limit
    got = query(store, "evidence", **params)
    expected = _evidence(graph, paper, entity, limit)
    assert [(r["id"], r["name"], r["relation"], r["surface"], r["sentence"]) for r in got] == [
        (pid, name, relation, surface, sentence) for pid, _, _, name, relation, surface, sentence in expected
    ]
    assert got


def _family(graph: nx.DiGraph, family: str) -> list[tuple[str, str, str, int]]:
    members = {family}
    frontier = [family]
    while frontier:
        node = frontier.pop()
        for child, _, d in graph.in_edges(node, data=True):
            if d["relation"] == "broader" and child not in members:
                members.add(child)
                frontier.append(child)
    rows = []
    for m in members:
        parents = [v for _, v, d in graph.out_edges(m, data=True) if d["relation"] == "broader"]
        parent = name_of(graph, parents[0]) if parents and m != family else ""
        rows.append((name_of(graph, family), name_of(graph, m), parent, papers_of(graph, m)))
    return sorted(rows, key=lambda r: (-r[3], r[1]))[:100]


def test_family_members(store: Any, graph: nx.DiGraph) -> None:
    iri = IriMinter(DEFAULT_BASE_IRI).node
    members: dict[str, int] = {}
    for _, v, d in graph.edges(data=True):
        if d["relation"] == "broader":
            members[v] = members.get(v, 0) + 1
    if members:
        largest = min(members, key=lambda f: (-members[f], -papers_of(graph, f), iri(f)))
    else:
        largest = ranked(graph)[0]
    for params, family in (({}, largest), ({"entity": name_of(graph, largest).upper()}, largest)):
        got = query(store, "family_members", **params)
        rows = [(r["family"], r["member"], r.get("parent") or "", r["papers"]) for r in got]
        assert sorted(rows) == sorted(_family(graph, family)) and rows


def test_papers_without_code_and_code_of_proposed_models(store: Any, graph: nx.DiGraph) -> None:
    papers = [n for n, d in graph.nodes(data=True) if d["kind"] == "Paper"]
    with_code = {p for p in papers if any(d["relation"] == "has_code" for _, _, d in graph.out_edges(p, data=True))}
    assert [r["id"] for r in query(store, "papers_without_code", limit=ALL)] == sorted(
        graph.nodes[p]["paper_id"] for p in papers if p not in with_code
    )
    expected = sorted(
        (graph.nodes[p]["paper_id"], graph.nodes[e]["kind"], name_of(graph, e), graph.nodes[r]["url"])
        for p in with_code
        for _, e, d in graph.out_edges(p, data=True)
        if d["relation"] == "proposes" and graph.nodes[e]["kind"] in ("Model", "Method")
        for _, r, dr in graph.out_edges(p, data=True)
        if dr["relation"] == "has_code"
    )
    got = [(r["id"], r["type"], r["model"], r["repository"]) for r in query(store, "code_of_proposed_models", limit=ALL)]
    assert got == expected


#: a limit above any row count of the sample: the whole answer
ALL = 1_000_000


def _cuts(rows: list[dict[str, Any]], key: str | None) -> list[int]:
    """Limits worth testing: none, one, every limit whose last row ties with the next on ``key``, all but one."""
    ties = [n for n in range(1, len(rows)) if key is not None and rows[n - 1][key] == rows[n][key]]
    return sorted({0, 1, len(rows) - 1, *ties[:5]})


@pytest.mark.parametrize(
    ("name", "params", "tie_key"),
    [
        ("papers_without_code", {}, None),
        ("code_of_proposed_models", {}, "id"),
        ("cooccurring_entities", {}, "weight"),
        ("cooccurring_entities", {"entity": "alias"}, "weight"),
    ],
)
def test_a_long_list_limited_is_the_start_of_the_whole_list(
    store: Any, graph: nx.DiGraph, name: str, params: dict[str, str], tie_key: str | None
) -> None:
    """The long lists read only their first rows (a subquery picks them on integers); the rows must not change.

    Cut where the last row ties with the next (same weight, same paper) checks the ties at the
    cut are all read before the final order is applied.
    """
    if params.get("entity") == "alias":
        params = {"entity": an_alias(graph, "Method")}
    whole = query(store, name, **params, limit=ALL)
    assert len(whole) > 2
    cuts = _cuts(whole, tie_key)
    if tie_key is not None:
        assert len(cuts) > 3, "the sample should give a cut inside a tie"
    for n in cuts:
        assert query(store, name, **params, limit=n) == whole[:n]
    assert len(query(store, name, **params)) == min(100, len(whole))


def test_a_name_without_its_key_gives_the_same_rows_by_a_scan(store: Any, graph: nx.DiGraph) -> None:
    """The .rq files stay right for a user who binds only ?dataset by hand (the key left UNDEF)."""
    name = an_alias(graph, "Dataset")
    bound = load_query("papers_using_dataset", dataset=name)
    by_hand = bound.replace(f'VALUES ?dataset_key {{ "{name.lower()}" }}', "VALUES ?dataset_key { UNDEF }")
    assert by_hand != bound
    assert run_query(store, by_hand).to_dicts() == run_query(store, bound).to_dicts() != []


def test_binding_lists_the_ranks_and_lower_cases_the_key() -> None:
    text = load_query("top_methods", limit=5)
    assert "VALUES ?rank { 1 2 3 4 5 }" in text and "\nLIMIT 5\n" in text and "LIMIT 20" not in text
    assert "VALUES ?rank { UNDEF }" in load_query("top_methods", limit=10**9)
    text = load_query("cooccurring_entities", entity='ÉcoLe "X"')
    assert 'VALUES ?entity { "ÉcoLe \\"X\\"" }' in text and 'VALUES ?entity_key { "école \\"x\\"" }' in text
    # evidence's subquery reads as many links as the query returns rows: both LIMIT lines are bound
    evidence = load_query("evidence", limit=7)
    assert "LIMIT 100" not in evidence and evidence.count("LIMIT 7") == 2


@pytest.mark.parametrize("name", ["papers_without_code", "code_of_proposed_models", "cooccurring_entities"])
def test_a_limit_binds_the_subquery_that_picks_the_first_rows_too(name: str) -> None:
    """The sample's lists are shorter than the default limit, so only the text can show a subquery left at 100."""
    default = load_query(name)
    bound = load_query(name, limit=7)
    assert default.count("LIMIT 100") == 2
    assert bound.count("LIMIT 7") == 2 and "LIMIT 100" not in bound

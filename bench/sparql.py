"""Benchmark kg's SPARQL store and Turtle export against rdflib on a synthetic paper graph.

Builds a synthetic knowledge graph that follows the networkx contract of
``docs/DESIGN.md`` (papers proposing/using methods, models, datasets and
tasks with evidence, code links, co-occurrence), exports it to RDF with
:mod:`kg.rdf`, then in the same run:

* runs every ready-made query of ``schemas/queries/`` in the embedded
  pyoxigraph store (:mod:`kg.query`) and with rdflib's own SPARQL engine on
  the same triples, checking both return the same number of rows;
* writes Turtle with kg (:func:`kg.rdf.write_rdf`) and with rdflib's
  serializer, from the same graph.

Targets (issue 7): each query at least 10x faster than rdflib, Turtle export
at least 20x faster. Run ``python bench/sparql.py`` (about 1M triples; several
minutes, most of it rdflib) or ``--triples 50000`` for a quick look.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "tex",
    "lu",
    "van",
    "sor",
    "pi",
    "den",
    "qua",
    "zel",
    "bo",
    "nir",
    "fa",
    "gu",
    "ith",
]
_KINDS = {"Method": 1500, "Model": 900, "Dataset": 450, "Task": 350}
_TRIPLES_PER_PAPER = 172  # measured on this generator at ~1M triples; picks the paper count


def _name(rng: random.Random, kind: str, i: int) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    suffix = {
        "Method": "",
        "Model": f"-{rng.choice([1, 3, 7, 13, 70])}B",
        "Dataset": "Bench",
        "Task": " detection",
    }
    return f"{word}{suffix[kind]} {i}" if kind != "Task" else f"{word.lower()}{suffix[kind]} {i}"


def synthetic_graph(n_papers: int, *, seed: int = 7) -> nx.DiGraph:
    """Return a contract graph of ``n_papers`` papers with Zipf-like entity popularity.

    Args:
        n_papers: number of papers.
        seed: random seed (the graph is a pure function of both arguments).
    """
    rng = random.Random(seed)
    g = nx.DiGraph()
    g.graph.update({"kg_version": "bench", "extractor": "kg-extract/bench"})
    vocab: dict[str, list[str]] = {}
    weights: dict[str, list[float]] = {}
    for kind, size in _KINDS.items():
        ids = []
        for i in range(size):
            name = _name(rng, kind, i)
            node = f"{kind.lower()}:{name.lower().replace(' ', '-')}"
            g.add_node(
                node, kind=kind, label=name, name=name, aliases=[name.upper()], paper_count=0, mention_count=0
            )
            ids.append(node)
        vocab[kind] = ids
        weights[kind] = [1.0 / (rank + 1) for rank in range(size)]
    pair_weights: Counter[tuple[str, str]] = Counter()
    for p in range(n_papers):
        pid = f"arxiv:2601.{p:05d}"
        node = f"paper:{pid}"
        title = f"Synthetic paper {p} on {rng.choice(_SYLLABLES)}"
        sentence = f"We study problem {p} with several methods and datasets."
        g.add_node(
            node,
            kind="Paper",
            label=title,
            paper_id=pid,
            title=title,
            abstract=sentence + " " + sentence,
            url=f"https://arxiv.org/abs/{pid[6:]}",
            authors=[f"Author {rng.randint(1, 5000)}" for _ in range(3)],
            date="2026-01-15",
            categories=["cs.LG"],
            source="bench.jsonl",
        )
        entities: set[str] = set()
        for kind, k in (("Method", 2), ("Model", 2), ("Dataset", 1), ("Task", 1)):
            entities.update(rng.choices(vocab[kind], weights=weights[kind], k=k))
        proposed = rng.choice(sorted(entities)) if rng.random() < 0.4 else None
        for ent in sorted(entities):
            data = g.nodes[ent]
            data["paper_count"] += 1
            data["mention_count"] += 1
            g.add_edge(
                node,
                ent,
                relation="proposes" if ent == proposed else "uses",
                name=data["name"],
                aliases=[],
                confidence=round(rng.uniform(0.5, 1.0), 3),
                component="kg_bench",
                extractor="kg-extract/bench",
                evidence=[{"field": "abstract", "start": 3, "end": 10, "sentence": sentence}],
            )
        pair_weights.update(combinations(sorted(entities), 2))
        if rng.random() < 0.5:
            repo = f"repo:github.com/lab{p % 700}/project{p}"
            g.add_node(repo, kind="Repository", label=repo[5:], url=f"https://{repo[5:]}", host="github.com")
            g.add_edge(node, repo, relation="has_code", sentence=f"Code: https://{repo[5:]}", origin="text")
    for (a, b), w in sorted(pair_weights.items()):
        g.add_edge(a, b, relation="co_occurs", weight=w)
    return g


def _params(graph: nx.DiGraph) -> dict[str, dict[str, str]]:
    """Pick parameter values that exist in the graph: popular entities, a real paper."""

    def top(kind: str) -> str:
        nodes = [(-d["paper_count"], n) for n, d in graph.nodes(data=True) if d["kind"] == kind]
        return str(graph.nodes[min(nodes)[1]]["name"])

    paper = min(n for n, d in graph.nodes(data=True) if d["kind"] == "Paper")
    target = min(graph.successors(paper))
    return {
        "papers_using_dataset": {"dataset": top("Dataset")},
        "cooccurring_entities": {"entity": top("Method")},
        "evidence": {"paper": graph.nodes[paper]["paper_id"], "entity": graph.nodes[target].get("name", "")},
    }


def _time(fn: Any) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _rdflib_rows(rdf: Any, text: str) -> int:
    result = rdf.query(text)
    if result.type == "ASK":
        return 1
    return sum(1 for _ in result)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="approximate size of the graph")
    parser.add_argument("--repeat", type=int, default=1, help="runs per pyoxigraph query (best is kept)")
    args = parser.parse_args(argv)

    from kg.query import list_queries, load_query, open_store, run_query
    from kg.rdf import serialize, to_rdf, write_rdf

    n_papers = max(10, args.triples // _TRIPLES_PER_PAPER)
    t_build, graph = _time(lambda: synthetic_graph(n_papers))
    t_nt, nt = _time(lambda: serialize(graph, format="nt"))
    n_triples = nt.count(b"\n")
    print(
        f"synthetic graph: {n_papers} papers, {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
        f"{n_triples} triples (built in {t_build:.1f} s, N-Triples in {t_nt:.1f} s)"
    )

    import pyoxigraph as ox
    import rdflib

    with tempfile.TemporaryDirectory() as tmp:
        nt_path = Path(tmp) / "graph.nt"
        nt_path.write_bytes(nt)
        t_ox_load, store = _time(lambda: open_store(nt_path))
        t_rdf_build, rdf = _time(lambda: to_rdf(graph))
        t_rdf_parse, _ = _time(lambda: rdflib.Graph().parse(nt_path, format="nt"))
        print(
            f"load: pyoxigraph {t_ox_load:.2f} s from graph.nt; rdflib {t_rdf_build:.2f} s via to_rdf, "
            f"{t_rdf_parse:.2f} s parsing graph.nt"
        )
        del _
        gc.collect()

        params = _params(graph)
        rows = []
        for ready in list_queries():
            text = load_query(ready.name, **params.get(ready.name, {}))
            t_ox = min(_time(lambda text=text: run_query(store, text))[0] for _ in range(args.repeat))
            n_ox = len(run_query(store, text))
            t_rdf, n_rdf = _time(lambda text=text: _rdflib_rows(rdf, text))
            rows.append((ready.name, n_ox, n_rdf, t_ox, t_rdf))
            print(f"  {ready.name}: {t_ox:.3f} s vs {t_rdf:.2f} s", file=sys.stderr)

        ttl_path = Path(tmp) / "graph.ttl"
        t_ttl_kg, _ = _time(lambda: write_rdf(graph, ttl_path, format="turtle"))
        t_ttl_store, _ = _time(lambda: store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph()))
        t_ttl_rdf, _ = _time(lambda: rdf.serialize(format="turtle"))

    print()
    print(f"SPARQL on {n_triples} triples: pyoxigraph (kg.query) vs rdflib {rdflib.__version__} engine")
    header = ("query", "rows", "pyoxigraph s", "rdflib s", "speed-up", "target")
    table = [header]
    for name, n_ox, n_rdf, t_ox, t_rdf in rows:
        ratio = t_rdf / t_ox if t_ox > 0 else float("inf")
        same = "" if n_ox == n_rdf else f" (rdflib: {n_rdf})"
        table.append(
            (
                name,
                f"{n_ox}{same}",
                f"{t_ox:.3f}",
                f"{t_rdf:.2f}",
                f"{ratio:.0f}x",
                "ok" if ratio >= 10 else "MISSED (>=10x)",
            )
        )
    _print_table(table)
    print()
    print(f"Turtle export of {n_triples} triples")
    export = [("writer", "seconds", "speed-up vs rdflib", "target")]
    export.append(("rdflib Graph.serialize(turtle)", f"{t_ttl_rdf:.2f}", "1x", ""))
    r1, r2 = t_ttl_rdf / t_ttl_kg, t_ttl_rdf / t_ttl_store
    export.append(
        (
            "kg write_rdf(turtle) from the nx graph",
            f"{t_ttl_kg:.2f}",
            f"{r1:.0f}x",
            "ok" if r1 >= 20 else "MISSED (>=20x)",
        )
    )
    export.append(
        (
            "pyoxigraph Store.dump(turtle)",
            f"{t_ttl_store:.2f}",
            f"{r2:.0f}x",
            "ok" if r2 >= 20 else "MISSED (>=20x)",
        )
    )
    _print_table(export)
    return 0


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, row in enumerate(rows):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))
            ).rstrip()
        )
        if j == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())

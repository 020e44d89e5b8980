"""Entity resolution and graph building on synthetic extractions (no spaCy involved).

Generates N papers with about 15 entities each, drawn from a Zipf-like
vocabulary that contains the hard cases resolution deals with (an acronym
defined in some papers and bare in others, one acronym with two expansions,
case / dash / plural variants), then times ``resolve``, ``build_graph``,
node-link write and read, and reports peak memory (``tracemalloc`` of the
build alone, and the process's peak RSS).

    python bench/graph.py               # 10,000 papers
    python bench/graph.py --papers 2000 --entities 15
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from kg.graph import build_graph, graph_stats
from kg.node_link import read_node_link, write_node_link
from kg.records import ENTITY_TYPES, Entity, Link, Mention, Paper, PaperExtraction
from kg.resolve import resolve

SYLLABLES = ["ka", "lo", "mir", "zen", "tar", "vex", "qua", "dro", "pli", "sor", "nu", "gam", "rho", "fel"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def vocabulary(size: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """Return (type, long form, acronym) triples; some acronyms are shared by two long forms."""
    vocab: list[tuple[str, str, str]] = []
    for i in range(size):
        words = [_word(rng) for _ in range(rng.randint(2, 4))]
        acronym = "".join(w[0] for w in words).upper() + (str(i % 7) if i % 3 else "")
        if i % 50 == 1:  # re-use the previous acronym with a new expansion (homonymous acronyms)
            acronym = vocab[-1][2]
        vocab.append((ENTITY_TYPES[i % 4], " ".join(words), acronym))
    return vocab


def surface(long_form: str, rng: random.Random) -> str:
    """A case, dash or plural variant of a long form."""
    roll = rng.random()
    if roll < 0.15:
        return long_form.title()
    if roll < 0.25:
        return long_form.replace(" ", "-", 1)
    if roll < 0.30:
        return long_form + "s"
    return long_form


def make_papers(n: int, per_paper: int, rng: random.Random) -> list[PaperExtraction]:
    """Return ``n`` synthetic extractions whose entities follow a Zipf-like law, as in real corpora."""
    vocab = vocabulary(max(2000, n // 2), rng)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(vocab))]
    papers = []
    for p in range(n):
        chosen = {}
        for etype, long_form, acronym in rng.choices(vocab, weights=weights, k=per_paper):
            chosen[(etype, long_form)] = acronym
        entities = []
        for (etype, long_form), acronym in chosen.items():
            sentence = f"We study {long_form} ({acronym}) on several benchmarks in paper {p}."
            mentions = tuple(Mention(9, 9 + len(long_form), sentence) for _ in range(rng.randint(1, 2)))
            roll = rng.random()
            if roll < 0.5:
                name, aliases = surface(long_form, rng), (acronym,)
            elif roll < 0.8:
                name, aliases = surface(long_form, rng), ()
            else:
                name, aliases = acronym, ()
            entities.append(
                Entity(
                    etype, name, aliases, "proposed" if rng.random() < 0.1 else "used", 0.9, mentions, "bench"
                )  # type: ignore[arg-type]
            )
        links = (
            (Link(f"https://github.com/lab{p % 997}/repo{p}", "code", "Code is public."),)
            if p % 3 == 0
            else ()
        )
        papers.append(
            PaperExtraction(
                paper=Paper(id=f"bench-{p:06d}", title=f"Paper {p}", abstract="An abstract. " * 20),
                entities=tuple(entities),
                links=links,
                extractor="bench/0",
            )
        )
    return papers


def _took(wall0: float, cpu0: float) -> str:
    """Wall and CPU seconds since the given marks (CPU is what counts on a shared machine)."""
    return f"{time.perf_counter() - wall0:6.2f} s wall {time.process_time() - cpu0:6.2f} s CPU"


def main() -> None:
    """Time resolution, graph building and node-link round trip at the size given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    papers = make_papers(args.papers, args.entities, random.Random(args.seed))
    n_entities = sum(len(p.entities) for p in papers)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(papers):,} papers, {n_entities:,} paper-entity records (RSS after generating: {rss_before:.0f} MB)"
    )

    t0, c0 = time.perf_counter(), time.process_time()
    resolution = resolve(papers, lexicon=None)
    print(f"resolve:         {_took(t0, c0)}  -> {len(resolution.entities):,} canonical entities")

    tracemalloc.start()
    t0 = time.perf_counter()
    graph = build_graph(papers, lexicon=None)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stats = graph_stats(graph)
    print(f"build_graph under tracemalloc: {seconds:.2f} s wall, peak {peak / 2**20:.0f} MB allocated")
    print(f"  nodes {stats['nodes']:,}  edges {stats['edges']:,}  {stats['relations']}")
    del graph

    t0, c0 = time.perf_counter(), time.process_time()
    graph = build_graph(papers, lexicon=None)
    print(f"build_graph:     {_took(t0, c0)}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.json"
        t0, c0 = time.perf_counter(), time.process_time()
        write_node_link(graph, path)
        print(f"write_node_link: {_took(t0, c0)}  {path.stat().st_size / 2**20:.1f} MB")
        t0, c0 = time.perf_counter(), time.process_time()
        read_node_link(path)
        print(f"read_node_link:  {_took(t0, c0)}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {rss:.0f} MB")


if __name__ == "__main__":
    main()

"""Benchmark ``kg query`` on a huge answer: rows stream out in bounded memory, and ``--max-results`` stops early.

Builds the synthetic paper graph of ``bench/sparql.py`` as ``graph.nt``, then
asks for a cross product far larger than anything that fits in memory
(``SELECT * { ?a ?b ?c . ?d ?e ?f }``, hundreds of millions of rows). In the
same run, for each row count N:

* baseline: :func:`kg.query.run_query` with ``max_results=N`` collects the N
  rows into one result in a fresh process (what ``kg query`` did for every
  answer before it streamed);
* ``kg query GRAPH QUERY --max-results N --format tsv > /dev/null``: rows are
  written as the engine finds them.

Printed: wall time, time to the first row (``kg query``), and the peak
resident memory of each process tree (the CLI and its query worker). Target
(issue 16 item 12): memory that does not grow with N. Run
``python bench/query_stream.py`` (about a minute) or ``--rows 20000 100000``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
_BASELINE = """
import resource, sys
from kg.query import run_query
result = run_query(sys.argv[1], sys.argv[2], max_results=int(sys.argv[3]))
assert len(result) == int(sys.argv[3])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(max(own, kids))
"""
_STREAMED = """
import resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "query", sys.argv[1], sys.argv[2],
                         "--max-results", sys.argv[3], "--format", "tsv"], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL)
proc.stdout.readline(); proc.stdout.readline()
first = time.perf_counter() - started
rows = sum(1 for _ in proc.stdout) + 1
proc.wait()
assert rows == int(sys.argv[3]), rows
print(first, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _run(code: str, *args: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, out.stdout.split()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=20_000, help="approximate size of the graph")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000], help="row counts to ask for")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).parent))
    from sparql import _TRIPLES_PER_PAPER, synthetic_graph

    from kg.rdf import write_rdf

    graph = synthetic_graph(max(10, args.triples // _TRIPLES_PER_PAPER))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        write_rdf(graph, path, format="nt")
        triples = sum(1 for _ in path.open("rb"))
        print(f"graph: {triples} triples; query: {CROSS} ({triples * triples:,} rows in all)")
        table = [("rows", "collected s", "collected MB", "kg query s", "first row s", "kg query MB", "memory ratio")]
        for n in args.rows:
            t_base, (base_kb,) = _run(_BASELINE, str(path), CROSS, str(n))
            t_stream, (first, stream_kb) = _run(_STREAMED, str(path), CROSS, str(n))
            table.append(
                (
                    f"{n:,}",
                    f"{t_base:.1f}",
                    f"{int(base_kb) / 1024:.0f}",
                    f"{t_stream:.1f}",
                    f"{float(first):.2f}",
                    f"{int(stream_kb) / 1024:.0f}",
                    f"{int(base_kb) / int(stream_kb):.1f}x",
                )
            )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for i, row in enumerate(table):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""End-to-end ``kg build`` on 1k, 10k and 100k synthetic abstracts.

Each size runs in a fresh process (so peak RSS is its own) into a fresh
output folder: read, extract, resolve, RDF, HTML of the top nodes. Prints
wall time, papers/s, peak RSS (the build process and its workers), output
sizes, and how time per paper grows against the smallest size measured in
the same run (1.00 = perfectly linear).

    python bench/build.py                 # 1k, 10k, 100k
    python bench/build.py --sizes 1000 5000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

CHILD = r"""
import json, resource, sys, time
from kg.pipeline import build
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
summary = build([args["input"]], out_dir=args["out"], workers=args["workers"], engine=args["engine"],
                validate=False, html_max_nodes=500)
seconds = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_mb": max(own, kids) / 1024, "papers": summary.papers_total,
                  "triples": summary.triples, "files": summary.files}))
"""


def run_size(n: int, *, workers: int, engine: str, work: Path) -> dict:
    corpus = write_corpus(work / f"corpus-{n}.jsonl", n)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    args = json.dumps({"input": str(corpus), "out": str(out), "workers": workers, "engine": engine})
    done = subprocess.run([sys.executable, "-c", CHILD, args], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and outputs in this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    rows = []
    for n in sorted(args.sizes):
        result = run_size(n, workers=args.workers, engine=args.engine, work=work)
        rows.append((n, result))
        print(f"  {n:>8,} papers: {result['seconds']:.1f} s", file=sys.stderr, flush=True)

    base_n, base = rows[0]
    base_per_paper = base["seconds"] / base_n
    print(f"\nkg build, engine={args.engine}, workers={args.workers}")
    header = f"{'papers':>9} {'wall s':>8} {'papers/s':>9} {'peak RSS MB':>12} {'triples':>11} " \
             f"{'nt MB':>7} {'ttl MB':>7} {'jsonld MB':>10} {'json MB':>8} {'html MB':>8} " \
             f"{'time/paper vs smallest':>23}"
    print(header)
    print("-" * len(header))
    for n, r in rows:
        files = r["files"]
        growth = (r["seconds"] / n) / base_per_paper
        print(f"{n:>9,} {r['seconds']:>8.1f} {n / r['seconds']:>9.0f} {r['rss_mb']:>12.0f} {r['triples']:>11,} "
              f"{files['graph.nt'] / 1e6:>7.1f} {files['graph.ttl'] / 1e6:>7.1f} {files['graph.jsonld'] / 1e6:>10.1f} "
              f"{files['graph.json'] / 1e6:>8.1f} {files['graph.html'] / 1e6:>8.2f} "
              f"{growth:>22.2f}x")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

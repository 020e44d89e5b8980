"""End-to-end ``kg build`` benchmarks: real arXiv abstracts (``--real``) or synthetic ones.

``--real`` builds real abstracts of ``../shared/data/arxiv/`` at three sizes:
the first 10,000 papers of ``ai-2025-2026``, all of ``ai-2025-2026`` (92k)
and every paper of the corpus (~213k: ``ai-2025-2026``, ``cs-2007-2017`` and
``topics-2017-2026``; the annotation sample only repeats them). For each size,
in a fresh process and a fresh output folder with the default pipeline and
formats, it prints wall time, peak RSS (the build and its workers), triples,
failed papers, SHACL time and outcome, output sizes, and then the latency and
peak RSS of every ready query from a cold ``kg query`` process on that build.
A cold ``kg query --list`` (same interpreter and imports, no graph) is timed
in the same run as the baseline, so query times can be read as ratios on a
machine shared with other jobs.

Synthetic mode (no ``--real``) resamples sentences of the bundled sample
(``corpus.py``) at 1k, 10k and 100k papers, as before.

    python bench/build.py --real                        # 10k, 92k, ~213k real abstracts
    python bench/build.py --real --sizes 10000          # one size
    python bench/build.py --real --keep /tmp/kg-bench   # keep outputs (queries, reruns)
    python bench/build.py --sizes 1000 5000             # synthetic
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

#: the shared corpus: beside the checkout (as CI lays it out) or at /work/shared
ARXIV = next(
    (p / "data" / "arxiv" for p in (REPO.parent / "shared", REPO.parents[1] / "shared", Path("/work/shared")) if p.is_dir()),
    REPO.parent / "shared" / "data" / "arxiv",
)
#: size label -> the corpus files it reads (all of their papers, or the first N when the size is a number)
REAL_SIZES: dict[str, tuple[str, ...]] = {
    "10000": ("ai-2025-2026.jsonl.gz",),
    "92k": ("ai-2025-2026.jsonl.gz",),
    "213k": ("ai-2025-2026.jsonl.gz", "cs-2007-2017.jsonl.gz", "topics-2017-2026.jsonl.gz"),
}

CHILD = r"""
import json, resource, sys, time
from kg.pipeline import build
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
summary = build(args["inputs"], out_dir=args["out"], workers=args["workers"], engine=args["engine"])
seconds = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
s = summary.to_dict()
print(json.dumps({"seconds": seconds, "rss_mb": own / 1024, "workers_rss_mb": kids / 1024,
                  "papers": s["papers_total"], "triples": s["triples"], "entities": s["entities"],
                  "failed": s.get("papers_failed", 0), "shacl": s["shacl_conforms"],
                  "shacl_seconds": s["shacl_seconds"], "shacl_engine": s["shacl_engine"],
                  "shacl_note": s["shacl_note"], "formats": s["formats"], "files": s["files"],
                  "phases": s.get("phases", {})}))
"""

#: parameters given to the ready queries that take some (values that occur in real builds)
QUERY_PARAMS: dict[str, tuple[str, ...]] = {
    "papers_using_dataset": ("dataset=ImageNet",),
    "cooccurring_entities": ("entity=LoRA",),
    "evidence": (),
}


def _kg() -> str:
    return str(Path(sys.executable).with_name("kg"))


def first_papers(files: tuple[str, ...], n: int | None, target: Path) -> Path:
    """Write the first ``n`` papers of ``files`` (all when ``None``) to one JSON Lines file."""
    written = 0
    with target.open("w", encoding="utf-8") as out:
        for name in files:
            with gzip.open(ARXIV / name, "rt", encoding="utf-8") as handle:
                for line in handle:
                    if n is not None and written >= n:
                        return target
                    out.write(line)
                    written += 1
    return target


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd`` cold; return (wall seconds, peak RSS MB of the child, stdout)."""
    t0 = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    rss_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, rss_kb / 1024, done.stdout


def query_latencies(out: Path) -> list[tuple[str, float, float, int]]:
    """Time every ready query from a cold ``kg query`` process: (name, seconds, peak MB, rows)."""
    from kg.query import list_queries

    rows = []
    for ready in list_queries():
        params = [arg for p in QUERY_PARAMS.get(ready.name, ()) for arg in ("--param", p)]
        seconds, mb, text = timed([_kg(), "query", str(out), "--named", ready.name, *params, "--format", "csv"])
        rows.append((ready.name, seconds, mb, max(0, len(text.splitlines()) - 1)))
    return rows


def run_build(inputs: list[Path], out: Path, *, workers: int, engine: str) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    args = json.dumps({"inputs": [str(p) for p in inputs], "out": str(out), "workers": workers, "engine": engine})
    done = subprocess.run([sys.executable, "-c", CHILD, args], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"build failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def real(args: argparse.Namespace, work: Path) -> None:
    baseline, baseline_mb, _ = timed([_kg(), "query", "--list"])
    sizes = args.sizes or list(REAL_SIZES)
    results = []
    for label in map(str, sizes):
        files = REAL_SIZES.get(label, REAL_SIZES["92k"])
        limit = int(label) if label.isdigit() else None
        corpus = first_papers(files, limit, work / f"real-{label}.jsonl")
        out = work / f"out-real-{label}"
        print(f"building {label} ...", file=sys.stderr, flush=True)
        result = run_build([corpus], out, workers=args.workers, engine=args.engine)
        result["queries"] = query_latencies(out)
        results.append((label, result))
        print(f"  {label}: {result['seconds']:.0f} s, {result['rss_mb']:.0f} MB", file=sys.stderr, flush=True)

    print(f"\nkg build of real arXiv abstracts, engine={args.engine}, workers={args.workers}")
    header = (f"{'corpus':>7} {'papers':>8} {'wall s':>7} {'papers/s':>8} {'peak MB':>8} {'workers MB':>10} "
              f"{'triples':>11} {'entities':>9} {'failed':>6} {'SHACL':>14} {'SHACL s':>8} {'store MB':>9} "
              f"{'time/paper vs first':>20}")
    print(header)
    print("-" * len(header))
    first = results[0][1]["seconds"] / max(1, results[0][1]["papers"])
    for label, r in results:
        shacl = {True: "conforms", False: "FAILS", None: "not run"}[r["shacl"]]
        store_mb = r["files"].get("graph.oxigraph", 0) / 1e6
        growth = (r["seconds"] / max(1, r["papers"])) / first
        print(f"{label:>7} {r['papers']:>8,} {r['seconds']:>7.0f} {r['papers'] / r['seconds']:>8.0f} "
              f"{r['rss_mb']:>8.0f} {r['workers_rss_mb']:>10.0f} {r['triples']:>11,} {r['entities']:>9,} "
              f"{r['failed']:>6} {shacl:>14} {r['shacl_seconds']:>8.1f} {store_mb:>9.0f} {growth:>19.2f}x")
    print("\nphases (s): " + "; ".join(
        f"{label}: " + ", ".join(f"{k} {v:.0f}" for k, v in r.get("phases", {}).items()) for label, r in results))
    print(f"\nready queries from a cold `kg query` (baseline: `kg query --list` {baseline:.2f} s, "
          f"{baseline_mb:.0f} MB, same run)")
    names = [name for name, *_ in results[0][1]["queries"]]
    print(f"{'query':>26} " + " ".join(f"{label + ' s':>9} {'MB':>6} {'rows':>6} {'x base':>6}" for label, _ in results))
    for i, name in enumerate(names):
        cells = []
        for _, r in results:
            _, seconds, mb, rows = r["queries"][i]
            cells.append(f"{seconds:>9.2f} {mb:>6.0f} {rows:>6} {seconds / baseline:>6.1f}")
        print(f"{name:>26} " + " ".join(cells))


def synthetic(args: argparse.Namespace, work: Path) -> None:
    from corpus import write_corpus

    rows = []
    for n in sorted(args.sizes or [1_000, 10_000, 100_000]):
        corpus = write_corpus(work / f"corpus-{n}.jsonl", int(n))
        result = run_build([corpus], work / f"out-{n}", workers=args.workers, engine=args.engine)
        rows.append((int(n), result))
        print(f"  {int(n):>8,} papers: {result['seconds']:.1f} s", file=sys.stderr, flush=True)
    base_n, base = rows[0]
    base_per_paper = base["seconds"] / base_n
    print(f"\nkg build of synthetic abstracts, engine={args.engine}, workers={args.workers}")
    header = (f"{'papers':>9} {'wall s':>8} {'papers/s':>9} {'peak RSS MB':>12} {'triples':>11} "
              f"{'formats':>26} {'time/paper vs smallest':>23}")
    print(header)
    print("-" * len(header))
    for n, r in rows:
        growth = (r["seconds"] / n) / base_per_paper
        print(f"{n:>9,} {r['seconds']:>8.1f} {n / r['seconds']:>9.0f} {r['rss_mb']:>12.0f} {r['triples']:>11,} "
              f"{','.join(r['formats']):>26} {growth:>22.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", action="store_true", help="real arXiv abstracts of ../shared/data/arxiv/")
    parser.add_argument("--sizes", nargs="+", default=None,
                        help="synthetic: paper counts; --real: 10000, 92k and/or 213k (or another count)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and outputs in this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        (real if args.real else synthetic)(args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

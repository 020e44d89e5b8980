"""End-to-end ``kg build`` benchmarks: real arXiv abstracts (``--real``) or synthetic ones.

``--real`` builds real abstracts of ``../shared/data/arxiv/`` at three sizes:
the first 10,000 papers of ``ai-2025-2026``, all of ``ai-2025-2026`` (92k)
and every paper of the corpus (~213k: ``ai-2025-2026``, ``cs-2007-2017`` and
``topics-2017-2026``; the annotation sample only repeats them). For each size,
in a fresh process and a fresh output folder with the default pipeline and
formats, it prints wall time, peak RSS (the build process; the largest of its
children: extraction workers and the entity-resolution child; and "all MB", the
most the whole process tree held at once, sampled every 0.5 s), triples,
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

The write phase alone (entity resolution, graph, RDF, store, SHACL) can be
run from the records of an earlier build, without extracting again: the
``papers.jsonl``, ``extractions.jsonl`` and ``failures.jsonl`` of each folder
given are copied into a fresh output folder and ``kg build`` runs on them (every
paper is already extracted, so only the write phase runs). ``--queries-only``
times the ready queries on existing output folders, and ``--compare REV``
times the ready queries of an earlier git revision (their ``.rq`` files,
default parameters) in the same run, on the same stores:

    python bench/build.py --real --from-build /tmp/out92k --keep /tmp/kg-bench
    python bench/build.py --real --queries-only /tmp/kg-bench/out-write-out92k --compare main
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
import json, os, resource, sys, threading, time
from kg.pipeline import build

def tree_rss_mb():
    # resident memory of this process and every process under it (workers, the resolution child)
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid and child not in tree)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as handle:
                total += next(int(l.split()[1]) for l in handle if l.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024

peak = [0.0]
def sample():
    while True:
        peak[0] = max(peak[0], tree_rss_mb())
        time.sleep(0.5)

threading.Thread(target=sample, daemon=True).start()
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
summary = build(args["inputs"], out_dir=args["out"], workers=args["workers"], engine=args["engine"])
seconds = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
s = summary.to_dict()
print(json.dumps({"seconds": seconds, "rss_mb": own / 1024, "workers_rss_mb": kids / 1024, "tree_rss_mb": peak[0],
                  "papers": s["papers_total"], "triples": s["triples"], "entities": s["entities"],
                  "failed": s.get("papers_failed", 0), "shacl": s["shacl_conforms"],
                  "shacl_seconds": s["shacl_seconds"], "shacl_engine": s["shacl_engine"],
                  "shacl_note": s["shacl_note"], "formats": s["formats"], "files": s["files"],
                  "phases": s.get("phases", {})}))
"""

#: parameters given to the ready queries in a second run (values that occur in real builds); every
#: ready query also runs with its defaults
QUERY_PARAMS: dict[str, tuple[str, ...]] = {
    "papers_using_dataset": ("dataset=ImageNet",),
    "cooccurring_entities": ("entity=LoRA",),
    "family_members": ("entity=Llama",),
}
#: a cold query stops after this many seconds (reported as "> N"; --timeout)
_LIMITS = {"timeout": 300}
#: the records of a build: what the write phase is rebuilt from
RECORD_FILES = ("papers.jsonl", "extractions.jsonl", "failures.jsonl")


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


def timed(cmd: list[str], *, stdin: str | None = None) -> tuple[float, float, str]:
    """Run ``cmd`` cold; return (wall seconds, peak RSS MB of the child, stdout); a timeout gives rows -1."""
    t0 = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd], check=False, capture_output=True, text=True, input=stdin
    )
    seconds = time.perf_counter() - t0
    rss_kb = int(done.stderr.strip().splitlines()[-1])
    if done.returncode != 0:
        if "time limit" in done.stderr:
            return seconds, rss_kb / 1024, "TIMEOUT"
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return seconds, rss_kb / 1024, done.stdout


def _rows(text: str) -> int:
    return -1 if text == "TIMEOUT" else max(0, len(text.splitlines()) - 1)


def query_runs() -> list[tuple[str, str, tuple[str, ...]]]:
    """(label, ready query name, parameters): every ready query with its defaults, then the ones of QUERY_PARAMS."""
    from kg.query import list_queries

    names = [ready.name for ready in list_queries()]
    runs = [(name, name, ()) for name in names]
    runs += [(f"{name} {' '.join(params)}", name, params) for name, params in QUERY_PARAMS.items() if name in names]
    return runs


def query_latencies(out: Path) -> list[tuple[str, float, float, int]]:
    """Time every ready query from a cold ``kg query`` process: (label, seconds, peak MB, rows)."""
    rows = []
    for label, name, params in query_runs():
        args = [arg for p in params for arg in ("--param", p)]
        seconds, mb, text = timed([_kg(), "query", str(out), "--named", name, *args, "--format", "csv",
                                   "--timeout", str(_LIMITS["timeout"])])
        rows.append((label, seconds, mb, _rows(text)))
    return rows


def _bind_old(text: str, params: tuple[str, ...]) -> str:
    """Bind string parameters into an earlier revision's query text the way its binder did (VALUES lines)."""
    import re

    from kg.query import sparql_string

    for param in params:
        key, _, value = param.partition("=")
        line = re.compile(rf"^(?P<indent>[ \t]*)VALUES \?{key} \{{ .* \}}[ \t]*$", re.MULTILINE)
        bound = f"VALUES ?{key} {{ {sparql_string(value)} }}"
        text = line.sub(lambda m, bound=bound: m.group("indent") + bound, text)
    return text


def old_query_latencies(out: Path, rev: str) -> list[tuple[str, float, float, int]]:
    """Time the ready queries of git revision ``rev`` (same runs as :func:`query_latencies`) on ``out``."""
    rows = []
    for label, name, params in query_runs():
        shown = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:schemas/queries/{name}.rq"],
                               check=False, capture_output=True, text=True)
        if shown.returncode != 0:
            continue
        seconds, mb, text = timed([_kg(), "query", str(out), "--file", "-", "--format", "csv",
                                   "--timeout", str(_LIMITS["timeout"])], stdin=_bind_old(shown.stdout, params))
        rows.append((label, seconds, mb, _rows(text)))
    return rows


def print_queries(title: str, baseline: float, results: list[tuple[str, list[tuple[str, float, float, int]]]]) -> None:
    """One row per query run, one column group per build: seconds, peak MB, rows, ratio to the baseline."""
    print(f"\n{title}")
    labels = [label for label, *_ in results[0][1]]
    print(f"{'query':>48} " + " ".join(f"{name + ' s':>12} {'MB':>6} {'rows':>6} {'x base':>6}" for name, _ in results))
    for label in labels:
        cells = []
        for _, runs in results:
            found = [r for r in runs if r[0] == label]
            if not found:
                cells.append(f"{'-':>12} {'':>6} {'':>6} {'':>6}")
                continue
            _, seconds, mb, rows = found[0]
            shown = f"> {_LIMITS['timeout']}" if rows < 0 else f"{seconds:.2f}"
            cells.append(f"{shown:>12} {mb:>6.0f} {max(rows, 0):>6} {seconds / baseline:>6.1f}")
        print(f"{label:>48} " + " ".join(cells))


def run_build(inputs: list[Path], out: Path, *, workers: int, engine: str, fresh: bool = True) -> dict:
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    args = json.dumps({"inputs": [str(p) for p in inputs], "out": str(out), "workers": workers, "engine": engine})
    done = subprocess.run([sys.executable, "-c", CHILD, args], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"build failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_phase_input(source: Path, out: Path) -> Path:
    """Copy the records of the build at ``source`` into a fresh ``out``; return its papers file (the input)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in RECORD_FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, out / name)
    return out / "papers.jsonl"


def real(args: argparse.Namespace, work: Path) -> None:
    baseline, baseline_mb, _ = timed([_kg(), "query", "--list"])
    builds: list[tuple[str, dict]] = []
    if args.queries_only:
        folders = [(folder.name, folder) for folder in args.queries_only]
    else:
        folders = []
        jobs: list[tuple[str, list[Path], Path]] = []
        if args.from_build:
            for source in args.from_build:
                out = work / f"out-write-{source.name}"
                jobs.append((source.name, [write_phase_input(source, out)], out))
        else:
            for label in map(str, args.sizes or list(REAL_SIZES)):
                # another count: the first papers of the whole corpus (ai-2025-2026 first), so 100000 is 100,000
                files = REAL_SIZES.get(label, REAL_SIZES["213k"])
                limit = int(label) if label.isdigit() else None
                jobs.append((label, [first_papers(files, limit, work / f"real-{label}.jsonl")], work / f"out-real-{label}"))
        for label, inputs, out in jobs:
            print(f"building {label} ...", file=sys.stderr, flush=True)
            result = run_build(inputs, out, workers=args.workers, engine=args.engine, fresh=not args.from_build)
            builds.append((label, result))
            folders.append((label, out))
            print(f"  {label}: {result['seconds']:.0f} s, {result['tree_rss_mb']:.0f} MB (all processes at once)",
                  file=sys.stderr, flush=True)

    if builds:
        print(f"\nkg build of real arXiv abstracts, engine={args.engine}, workers={args.workers}"
              + (" (write phase only, from the records of earlier builds)" if args.from_build else ""))
        header = (f"{'corpus':>10} {'papers':>8} {'wall s':>7} {'papers/s':>8} {'peak MB':>8} {'children MB':>11} "
                  f"{'all MB':>7} "
                  f"{'triples':>11} {'entities':>9} {'failed':>6} {'SHACL':>14} {'SHACL s':>8} {'store MB':>9}")
        print(header)
        print("-" * len(header))
        for label, r in builds:
            shacl = {True: "conforms", False: "FAILS", None: "not run"}[r["shacl"]]
            store_mb = r["files"].get("graph.oxigraph", 0) / 1e6
            print(f"{label:>10} {r['papers']:>8,} {r['seconds']:>7.0f} {r['papers'] / r['seconds']:>8.0f} "
                  f"{r['rss_mb']:>8.0f} {r['workers_rss_mb']:>11.0f} {r['tree_rss_mb']:>7.0f} "
                  f"{r['triples']:>11,} {r['entities']:>9,} "
                  f"{r['failed']:>6} {shacl:>14} {r['shacl_seconds']:>8.1f} {store_mb:>9.0f}")
        print("\nphases (s): " + "; ".join(
            f"{label}: " + ", ".join(f"{k} {v:.0f}" for k, v in r.get("phases", {}).items()) for label, r in builds))

    results = []
    for label, out in folders:
        print(f"querying {label} ...", file=sys.stderr, flush=True)
        if args.compare:
            results.append((f"{label} {args.compare}", old_query_latencies(out, args.compare)))
        results.append((label, query_latencies(out)))
    print_queries(f"ready queries from a cold `kg query` (baseline: `kg query --list` {baseline:.2f} s, "
                  f"{baseline_mb:.0f} MB, same run; time limit {_LIMITS['timeout']} s)", baseline, results)


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
    parser.add_argument("--from-build", type=Path, nargs="+", default=None, metavar="FOLDER",
                        help="--real: rebuild the write phase from the records of these earlier builds (no extraction)")
    parser.add_argument("--queries-only", type=Path, nargs="+", default=None, metavar="FOLDER",
                        help="--real: only time the ready queries on these output folders")
    parser.add_argument("--timeout", type=int, default=_LIMITS["timeout"],
                        help=f"--real: stop a cold query after this many seconds (default {_LIMITS['timeout']})")
    parser.add_argument("--compare", default=None, metavar="REV",
                        help="--real: also time the ready queries of this git revision, same run, same stores")
    args = parser.parse_args()
    _LIMITS["timeout"] = args.timeout

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        (real if args.real else synthetic)(args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

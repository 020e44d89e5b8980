"""Soak: run the default extraction pipeline over every real abstract and report what breaks.

Reads every ``*.jsonl.gz`` of the shared arXiv corpus (about 213,000 papers;
``annotation-sample.jsonl.gz`` is left out because it is a sample of the
others), extracts each paper on its own in ``--workers`` processes with the
same per-paper error capture ``kg build`` uses, and prints:

- how many papers failed (target: zero), each with ``file:line``, id, the
  pipe that raised and the error;
- the slowest papers by CPU time (so other jobs on the machine do not
  distort it), as a multiple of the median paper's (a ratio measured in the
  same run, so it means the same on any machine);
- wall time and papers per second.

    python bench/soak.py                          # the whole corpus, 2 workers (about 15 minutes here)
    python bench/soak.py --limit 5000 --json soak.json
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: ``shared/`` lies beside the checkout in CI, at /work/shared on a developer's machine.
SHARED = next((p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared")
CORPUS = SHARED / "data" / "arxiv"
EXCLUDED = {"annotation-sample.jsonl.gz"}
CHUNK = 256
SLOWEST = 10


def corpus_files(folder: Path) -> list[Path]:
    """Return the corpus files to read: every ``*.jsonl.gz`` but the annotation sample."""
    return sorted(p for p in folder.glob("*.jsonl.gz") if p.name not in EXCLUDED)


def extract_chunk(papers: list[Any]) -> dict[str, Any]:
    """Extract each paper alone, timing it; return failures, timings and the slowest papers."""
    from kg.extract import EXTRACTOR_VERSION, load_pipeline
    from kg.extract.pipeline import run
    from kg.failures import PaperFailure

    nlp = load_pipeline()
    failures: list[dict[str, Any]] = []
    times: list[float] = []
    slowest: list[tuple[float, str, str, int]] = []
    entities = 0

    def failed(paper: Any, component: str, error: Exception) -> None:
        failures.append(PaperFailure.from_exception(paper, component, error).to_dict())

    for paper in papers:
        started = time.process_time()  # CPU time: other jobs on the machine do not make a paper "slow"
        for record in run([paper], extractor=EXTRACTOR_VERSION, batch_size=1, nlp=nlp, on_error=failed):
            entities += len(record.entities)
        seconds = time.process_time() - started
        times.append(seconds)
        item = (seconds, paper.id, f"{paper.source}:{paper.position}", len(paper.title) + len(paper.abstract))
        if len(slowest) < SLOWEST:
            heapq.heappush(slowest, item)
        else:
            heapq.heappushpop(slowest, item)
    return {"failures": failures, "times": times, "slowest": slowest, "entities": entities}


def chunks(files: list[Path], limit: int | None) -> Iterator[list[Any]]:
    """Yield the corpus papers in chunks, each paper once (by id)."""
    from kg.sources import read_papers

    def unique() -> Iterator[Any]:
        seen: set[str] = set()
        for path in files:  # one file at a time: streams at once, no merge pass over the whole corpus
            for paper in read_papers([path], format="jsonl"):
                if paper.id not in seen:
                    seen.add(paper.id)
                    yield paper

    papers = unique() if limit is None else islice(unique(), limit)
    while chunk := list(islice(papers, CHUNK)):
        yield chunk


def soak(files: list[Path], *, workers: int, limit: int | None) -> dict[str, Any]:
    """Run the soak; return failures, per-paper timing figures and the slowest papers."""
    import multiprocessing

    from kg.engines.workers import init_worker

    started = time.perf_counter()
    failures: list[dict[str, Any]] = []
    times: list[float] = []
    slowest: list[tuple[float, str, str, int]] = []
    entities = 0
    context = multiprocessing.get_context("spawn")
    pending: list[Future[dict[str, Any]]] = []

    def collect(result: dict[str, Any]) -> None:
        nonlocal entities
        failures.extend(result["failures"])
        times.extend(result["times"])
        entities += result["entities"]
        for item in result["slowest"]:
            heapq.heappush(slowest, tuple(item))  # type: ignore[arg-type]
            if len(slowest) > SLOWEST:
                heapq.heappop(slowest)
        done = len(times)
        if done % 10_000 < CHUNK:
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>8,} papers, {len(failures)} failed, {rate:,.0f} papers/s", file=sys.stderr, flush=True)

    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker,
                             initargs=(os.getpid(),)) as pool:
        for chunk in chunks(files, limit):
            pending.append(pool.submit(extract_chunk, chunk))
            if len(pending) >= 3 * workers:
                collect(pending.pop(0).result())
        for future in pending:
            collect(future.result())
    wall = time.perf_counter() - started
    median = statistics.median(times) if times else 0.0
    return {
        "files": [p.name for p in files],
        "workers": workers,
        "papers": len(times),
        "failed": len(failures),
        "failures": sorted(failures, key=lambda f: (f["source"] or "", f["line"] or 0)),
        "entities": entities,
        "wall_seconds": round(wall, 1),
        "papers_per_second": round(len(times) / wall, 1) if wall else 0.0,
        "median_ms": round(median * 1000, 3),
        "p99_ms": round(statistics.quantiles(times, n=100)[98] * 1000, 3) if len(times) >= 100 else None,
        "slowest": [
            {"id": pid, "where": where, "chars": chars, "ms": round(seconds * 1000, 1),
             "x_median": round(seconds / median, 1) if median else None}
            for seconds, pid, where, chars in sorted(slowest, reverse=True)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of *.jsonl.gz files")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N papers")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON here")
    args = parser.parse_args()

    files = corpus_files(args.corpus)
    if not files:
        sys.exit(f"no *.jsonl.gz files in {args.corpus}")
    report = soak(files, workers=args.workers, limit=args.limit)
    print(f"\nsoak: default pipeline, {report['workers']} workers, {', '.join(report['files'])}")
    print(f"papers      {report['papers']:>10,}")
    print(f"failed      {report['failed']:>10,}")
    print(f"entities    {report['entities']:>10,}")
    print(f"wall        {report['wall_seconds']:>9.1f}s   ({report['papers_per_second']:,.0f} papers/s)")
    print(f"per paper   median {report['median_ms']} ms, p99 {report['p99_ms']} ms (CPU time)")
    for failure in report["failures"]:
        print(f"  FAILED {failure['source']}:{failure['line']} {failure['id']} in {failure['component']}: "
              f"{failure['error']} [{failure['where']}]")
    print(f"\n{SLOWEST} slowest papers (CPU time, and as a multiple of the median paper):")
    print(f"{'ms':>9} {'x median':>9} {'chars':>7}  id (file:line)")
    for row in report["slowest"]:
        print(f"{row['ms']:>9.1f} {row['x_median']:>9} {row['chars']:>7,}  {row['id']} ({row['where']})")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

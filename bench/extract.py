"""Benchmark the extractor: abstracts per second, and its ratio to bare spaCy tokenisation.

Builds varied synthetic papers by resampling sentences of the bundled sample
abstracts (so the tokenizer's cache cannot flatter either side), then times,
in the same run and on one core (CPU time of this process, so other load on
the machine does not skew the ratio):

* bare ``spacy.blank("en")`` tokenisation of the same texts;
* the full extraction (``kg.extract.extract_papers``, records included);
* optionally the extraction in a stdlib process pool (``--workers 1 2``):
  workers take raw papers and return plain records.

Usage::

    .venv/bin/python bench/extract.py [--docs 2000] [--workers 1 2] [--seed 0]

The target (issue 3) is a ratio of at least 0.25.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from kg.records import Paper
from kg.sources import SAMPLE_PATH, read_papers

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def varied_papers(n: int, *, seed: int = 0) -> list[Paper]:
    """Return ``n`` synthetic papers: sample titles with 5-10 sentences drawn from all sample abstracts."""
    sample = list(read_papers([SAMPLE_PATH]))
    sentences = [s for p in sample for s in _SENTENCE.split(p.abstract) if s.strip()]
    titles = [p.title for p in sample]
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        k = rng.randint(5, 10)
        abstract = " ".join(rng.choice(sentences) for _ in range(k))
        papers.append(Paper(id=f"bench-{i}", title=rng.choice(titles), abstract=abstract))
    return papers


def time_tokenizer(papers: list[Paper]) -> float:
    """Return CPU seconds to tokenise every paper with a bare ``spacy.blank("en")``."""
    import spacy

    nlp = spacy.blank("en")
    texts = [p.title + "\n\n" + p.abstract for p in papers]
    start = time.process_time()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.process_time() - start


def time_extraction(papers: list[Paper]) -> tuple[float, int]:
    """Return (CPU seconds, entities found) for the full extraction on one core."""
    from kg.extract import extract_papers, load_pipeline

    load_pipeline()  # build outside the timed region
    start = time.process_time()
    entities = sum(len(x.entities) for x in extract_papers(papers, batch_size=64))
    return time.process_time() - start, entities


def _worker_init() -> None:
    from kg.extract import load_pipeline

    load_pipeline()


def _worker_run(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from kg.extract import extract_papers

    return [x.to_dict() for x in extract_papers((Paper.from_dict(d) for d in batch), batch_size=64)]


def _chunks(items: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def time_pool(papers: list[Paper], workers: int) -> float:
    """Return wall-clock seconds for the extraction in a pool of ``workers`` processes (start-up excluded)."""
    raw = [p.to_dict() for p in papers]
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
        list(pool.map(_worker_run, [raw[:workers]], chunksize=1))  # warm up: pipelines built
        start = time.perf_counter()
        done = sum(len(out) for out in pool.map(_worker_run, _chunks(raw, 128)))
        elapsed = time.perf_counter() - start
    assert done == len(papers)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="synthetic papers to process (default 2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workers", type=int, nargs="*", default=[], help="also time process pools of these sizes"
    )
    args = parser.parse_args(argv)

    papers = varied_papers(args.docs, seed=args.seed)
    chars = sum(len(p.title) + len(p.abstract) for p in papers)
    print(f"{len(papers)} varied papers, {chars / len(papers):.0f} characters each on average")
    t_tok = time_tokenizer(papers)
    t_ext, n_ent = time_extraction(papers)
    tok_rate, ext_rate = len(papers) / t_tok, len(papers) / t_ext
    print(f"bare spacy.blank('en') tokenisation: {tok_rate:8.0f} abstracts/s ({t_tok:.2f} s)")
    print(
        f"full extraction, one core:           {ext_rate:8.0f} abstracts/s ({t_ext:.2f} s, {n_ent} entities)"
    )
    print(f"ratio extraction / tokenisation:     {ext_rate / tok_rate:8.3f}  (target >= 0.25)")
    for workers in args.workers:
        t_pool = time_pool(papers, workers)
        print(
            f"process pool, {workers} worker{'s' if workers != 1 else ''}:             "
            f"{len(papers) / t_pool:8.0f} abstracts/s ({t_pool:.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

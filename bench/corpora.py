"""Score the extractor on the seed gold and each public corpus in ../shared/bench.

Usage (from the repository root)::

    .venv/bin/python bench/corpora.py                 # every corpus, one table
    .venv/bin/python bench/corpora.py --only scierc   # one corpus
    .venv/bin/python bench/corpora.py --json          # machine-readable

The gold files are read at run time only; nothing from them is copied into
kg. SciERC and SciER have no Model type, so they are scored with Model
pooled into Method (ANNOTATION.md and the corpora's README explain why).
Each cell of the table is precision/recall/F1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # running as a script from a checkout
    sys.path.insert(0, str(REPO))

from kg.eval import SCIERC_POOLING, Counts, Scores, score
from kg.extractions import load_extractions

DEFAULT_SHARED = REPO.parent / "shared"


@dataclass(frozen=True)
class Corpus:
    """One gold file to score, and whether Model is pooled into Method."""

    name: str
    path: str  # relative to the shared folder
    pool: bool


CORPORA: tuple[Corpus, ...] = (
    Corpus("seed", "gold/seed.jsonl", False),
    Corpus("gsap-ner", "bench/gsap-ner/gold.jsonl", False),
    Corpus("scierc", "bench/scierc/gold.jsonl", True),
    Corpus("scier", "bench/scier/gold.jsonl", True),
    Corpus("scier-chunk10", "bench/scier/gold_test_chunk10.jsonl", True),
    Corpus("scier-ood", "bench/scier/gold_test_ood.jsonl", True),
)
COLUMNS = ("Method", "Model", "Dataset", "Task", "ALL", "links", "proposed")


def _cell(c: Counts | None) -> str:
    if c is None:
        return "-"
    if c.tp + c.fn == 0:
        # nothing in the gold (e.g. no corpus but seed marks "proposed")
        return f"n/a (fp={c.fp})" if c.fp else "n/a"
    return f"{c.precision:.2f}/{c.recall:.2f}/{c.f1:.2f}"


def run_corpus(corpus: Corpus, shared: Path) -> tuple[Scores, float]:
    """Extract the corpus's papers, score them; return the scores and seconds spent extracting."""
    from kg.extract import extract_papers

    gold = load_extractions(shared / corpus.path)
    start = time.perf_counter()
    pred = list(extract_papers(g.paper for g in gold))
    seconds = time.perf_counter() - start
    return score(gold, pred, pool_types=SCIERC_POOLING if corpus.pool else None), seconds


def format_table(results: list[tuple[Corpus, Scores, float]]) -> str:
    """Return one aligned table: a row per corpus, P/R/F1 per type and overall."""
    header = ("corpus", "papers", *COLUMNS, "sec")
    rows: list[tuple[str, ...]] = [header]
    for corpus, scores, seconds in results:
        table = dict(scores.rows())
        name = corpus.name + (" *" if corpus.pool else "")
        rows.append((name, str(scores.papers), *(_cell(table.get(col)) for col in COLUMNS), f"{seconds:.1f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
        for r in rows
    ]
    lines.append(
        "cells: precision/recall/F1; * = Model pooled into Method; '-' = type not scored; "
        "n/a = none in the gold (fp = predictions anyway)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (or JSON)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (gold/, bench/)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[c.name for c in CORPORA],
        help="score only this corpus (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)

    results: list[tuple[Corpus, Scores, float]] = []
    for corpus in CORPORA:
        if args.only and corpus.name not in args.only:
            continue
        if not (args.shared / corpus.path).is_file():
            print(f"skipping {corpus.name}: {args.shared / corpus.path} not found", file=sys.stderr)
            continue
        scores, seconds = run_corpus(corpus, args.shared)
        results.append((corpus, scores, seconds))
    if args.json:
        out = {
            c.name: {"pooled": c.pool, "seconds": round(s, 2), **sc.to_dict(errors=False)}
            for c, sc, s in results
        }
        print(json.dumps(out, indent=2))
    else:
        print(format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Draw papers to annotate, beyond every annotated one, shaped like the stratified annotation sample.

Round 5 of the training data (``train-184`` .. ``train-263``) was drawn by

    git show 2b55170:train/data/train.jsonl > /tmp/train-before-round5.jsonl
    python train/draw.py OUT --papers 2000 --seed 5 --first 184 --train /tmp/train-before-round5.jsonl

The annotation sample (``annotation-sample.jsonl.gz``) spreads 3,299 papers
over 15 subfield groups and 2020-24 topics; its non-topic papers come from
the 2025-26 listings. A new draw keeps that shape without the sample's
bucket definitions: the same share of topic papers (2020 or later, from
``topics-2017-2026``), and the listings drawn per primary arXiv category in
the proportions the sample's listing papers have. Every paper of the sample,
of the training file (``--train``, ``train/data/train.jsonl`` by default),
of ``train/data/dev.jsonl``, of ``train/data/tune.jsonl`` and of the
``--exclude`` files is left out (so no dev or tune paper). Output: ``OUT/train-NNN.jsonl``, 25 papers a file (id, title,
abstract, bucket ``<label>:<category>`` or ``<label>-topic:<topic>``, label
``r5`` for round 5), deterministic for a seed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "data" / "arxiv"
PER_FILE = 25


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _primary(row: dict[str, Any]) -> str:
    cats = row.get("categories") or ""
    return str(cats[0] if isinstance(cats, list) else str(cats).split()[0])


def draw(
    corpus: Path, papers: int, seed: int, excluded: set[str], label: str = "r5"
) -> list[tuple[dict[str, Any], str]]:
    """Return ``papers`` (paper, bucket) pairs, shuffled with ``seed``; buckets are ``<label>:<category>``."""
    sample = list(_rows(corpus / "annotation-sample.jsonl.gz"))
    excluded = excluded | {r["id"].lower() for r in sample}
    share = Counter(_primary(r) for r in sample if not r["bucket"].startswith("topic"))
    topic_share = sum(1 for r in sample if r["bucket"].startswith("topic")) / len(sample)
    pool: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(corpus / "ai-2025-2026.jsonl.gz"):
        if row["id"].lower() not in excluded:
            pool[_primary(row)].append(row)
    topics = sorted(
        (
            r
            for r in _rows(corpus / "topics-2017-2026.jsonl.gz")
            if r["id"].lower() not in excluded and int(str(r["date"])[:4]) >= 2020
        ),
        key=lambda r: r["id"],
    )
    rng = random.Random(seed)
    listings = papers - round(papers * topic_share)
    total = sum(share.values())
    picked: list[tuple[dict[str, Any], str]] = []
    for cat, count in sorted(share.items()):
        candidates = sorted(pool.get(cat, []), key=lambda r: r["id"])
        want = min(round(listings * count / total), len(candidates))
        picked += [(r, f"{label}:{cat}") for r in rng.sample(candidates, want)]
    topic_bucket = f"{label}-topic:"
    picked += [(r, topic_bucket + _primary(r)) for r in rng.sample(topics, min(papers - len(picked), len(topics)))]
    rng.shuffle(picked)
    return picked


def main(argv: list[str] | None = None) -> int:
    """Write the batch files of one draw."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder for train-NNN.jsonl batch files")
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--first", type=int, default=184, help="number of the first batch file")
    parser.add_argument("--label", default="r5", help="bucket prefix: <label>:<arXiv code>, <label>-topic:<topic>")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--train", type=Path, default=REPO / "train" / "data" / "train.jsonl", help="annotated papers to leave out")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="more JSON Lines files of papers to leave out")
    args = parser.parse_args(argv)
    excluded: set[str] = set()
    data = REPO / "train" / "data"
    for path in [args.train, data / "dev.jsonl", data / "tune.jsonl", *args.exclude]:
        excluded |= {str(r["id"]).lower() for r in _rows(path) if "id" in r}
    picked = draw(args.corpus, args.papers, args.seed, excluded, args.label)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(0, len(picked), PER_FILE):
        with open(args.out / f"train-{args.first + i // PER_FILE}.jsonl", "w", encoding="utf-8") as fh:
            for row, bucket in picked[i : i + PER_FILE]:
                record = {"id": row["id"], "title": row["title"], "abstract": row["abstract"], "bucket": bucket}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(picked)} papers in {-(-len(picked) // PER_FILE)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

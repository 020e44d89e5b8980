"""Rebuild kg's learned extractor from the repository: ``make train`` runs this.

Steps (each deterministic; fixed seed, one thread where order matters):

1. static vectors on the unlabelled arXiv abstracts (``train/vectors.py``),
   dev papers left out; reused when ``WORK/vectors`` exists;
2. the annotated training papers (``train/data/train.jsonl``, optionally
   only the first ``--limit``) to spaCy ``DocBin`` with BILUO tags
   (``train/convert.py``);
3. ``spacy train`` with ``train/tagger.cfg`` (the progress log scores a
   slice of the training papers: dev is never used here);
4. the trained tagger folder copied into ``kg/extract/learned/tagger``
   (replacing the old one only once the new one is complete);
5. the role scorer (``train/roles.py``) written to
   ``kg/extract/learned/roles.json``.

Usage::

    python train/build.py [--corpus DIR] [--work build/train] [--out kg/extract/learned]
                          [--limit N] [--epochs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train import convert, roles, vectors

DATA = REPO / "train" / "data"
CONFIG = REPO / "train" / "tagger.cfg"
SEED = 0


def default_corpus() -> Path:
    """Return the shared arXiv corpus folder: beside the checkout (CI), else the team's machine path."""
    for base in (REPO.parent / "shared", Path("/work/shared")):
        if (base / "data" / "arxiv").is_dir():
            return base / "data" / "arxiv"
    return REPO.parent / "shared" / "data" / "arxiv"


def step(message: str) -> None:
    """Print a progress line with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the five steps; fail loudly (non-zero) on the first error."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="unlabelled *.jsonl.gz abstracts")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with train.jsonl and dev.jsonl")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "train")
    parser.add_argument("--out", type=Path, default=REPO / "kg" / "extract" / "learned")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N papers only (learning curve)")
    parser.add_argument("--epochs", type=int, default=0, help="override training.max_epochs of the config")
    parser.add_argument("--vectors-rows", type=int, default=40000)
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    train_file = args.data / "train.jsonl"
    dev_file = args.data / "dev.jsonl"
    if not train_file.is_file():
        raise SystemExit(f"{train_file}: no training data (see train/README.md)")

    vectors_dir = work / "vectors"
    if (vectors_dir / "vocab" / "vectors").exists():
        step(f"vectors: reusing {vectors_dir}")
    else:
        if not corpus.is_dir():
            raise SystemExit(f"{corpus}: unlabelled corpus not found (pass --corpus)")
        step(f"vectors: training on {corpus}")
        excluded = [dev_file] if dev_file.is_file() else []
        vectors.main([str(corpus), str(vectors_dir), "--rows", str(args.vectors_rows), "--exclude", *map(str, excluded)])

    records = list(convert.read_records([train_file]))
    if args.limit:
        records = records[: args.limit]
    monitor = records[-max(1, len(records) // 20) :]  # progress log only: a slice of the training papers
    subset = work / "train.jsonl"
    subset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    step(f"convert: {len(records)} papers")
    stats = convert.to_docbin(records, work / "train.spacy")
    convert.to_docbin(monitor, work / "monitor.spacy")
    print(json.dumps(dict(sorted(stats.items()))), flush=True)

    step("train the tagger")
    model_dir = work / "tagger"
    command = [
        sys.executable, "-m", "spacy", "train", str(CONFIG),
        "--output", str(model_dir),
        "--paths.train", str(work / "train.spacy"),
        "--paths.dev", str(work / "monitor.spacy"),
        "--paths.vectors", str(vectors_dir),
        "--system.seed", str(SEED),
    ]  # fmt: skip
    if args.epochs:
        command += ["--training.max_epochs", str(args.epochs)]
    subprocess.run(command, check=True)

    step(f"install into {args.out}")
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "tagger"
    staging = args.out / ".tagger.new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(model_dir / "model-last", staging)
    (staging / "meta.json").write_text(
        json.dumps({"name": "kg_learned_tagger", "lang": "en", "trained_on_papers": len(records)}, indent=1) + "\n"
    )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)

    step("train the role scorer")
    roles.main([str(subset), str(args.out / "roles.json")])
    step("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())

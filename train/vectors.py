"""Train static word vectors on the unlabelled arXiv abstracts (fastText CBOW with subwords).

The NER sees only ~1,500 annotated abstracts; vectors learned from the
~213,000 unlabelled ones tell it that "segmentation" and "detection" keep
the same company, or that "Qwen2.5" looks like "Llama-3". Steps:

1. read every ``*.jsonl.gz`` of the corpus folder (papers deduplicated by
   id; the dev papers' ids are left out, so not even their text is used)
   and keep ``--limit`` of them spread evenly over the id order (80,000 by
   default: the whole corpus took four times as long for little gain);
2. tokenise title + abstract with ``spacy.blank("en")`` (the tokenizer kg
   runs) and lower-case the tokens;
3. train fastText CBOW vectors with subword n-grams (``floret`` package in
   fastText mode, one thread: the same input gives the same vectors);
4. keep the ``--rows`` most frequent words (subwords give every kept word a
   good vector, rare ones included) and write them as a spaCy pipeline
   folder whose vocab holds the table, keyed on ``LOWER``.

Usage::

    python train/vectors.py CORPUS_DIR OUT_DIR [--exclude dev.jsonl] [--dim 64] [--rows 40000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def excluded_ids(paths: list[Path]) -> set[str]:
    """Return the paper ids of JSON Lines files (the dev files: their papers are never read for training)."""
    ids: set[str] = set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            ids.update(json.loads(line)["id"] for line in handle if line.strip())
    return ids


def read_texts(corpus: Path, exclude: set[str], limit: int = 0) -> list[str]:
    """Return title + abstract of every corpus paper not in ``exclude``, sorted by id (deterministic)."""
    texts: dict[str, str] = {}
    for path in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                pid = row.get("id", "")
                if pid in exclude or pid in texts:
                    continue
                texts[pid] = (row.get("title") or "") + "\n\n" + (row.get("abstract") or "")
    ordered = [texts[k] for k in sorted(texts)]
    if limit and limit < len(ordered):
        stride = len(ordered) / limit  # an even spread over all years and fields, not the oldest ids
        ordered = [ordered[int(i * stride)] for i in range(limit)]
    return ordered


def main(argv: list[str] | None = None) -> int:
    """Tokenise, train, export; print what was done."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="JSONL files whose ids are left out")
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--rows", type=int, default=40000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--limit", type=int, default=80000, help="use N papers spread evenly over the corpus (0: all)")
    args = parser.parse_args(argv)

    import floret
    import numpy
    import spacy
    from spacy.vectors import Vectors

    exclude = excluded_ids(args.exclude)
    started = time.time()
    texts = read_texts(args.corpus, exclude, args.limit)
    print(f"{len(texts)} papers ({len(exclude)} ids excluded)", flush=True)
    nlp = spacy.blank("en")
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        corpus_file = Path(tmp) / "tokens.txt"
        with open(corpus_file, "w", encoding="utf-8") as handle:
            for doc in nlp.tokenizer.pipe(texts, batch_size=1000):
                words = [t.lower_ for t in doc if not t.is_space]
                counts.update(words)
                handle.write(" ".join(words) + "\n")
        print(f"tokenised {sum(counts.values())} tokens in {time.time() - started:.0f} s", flush=True)
        model = floret.train_unsupervised(
            str(corpus_file),
            model="cbow",
            mode="fasttext",
            dim=args.dim,
            epoch=args.epochs,
            minCount=args.min_count,
            minn=3,
            maxn=5,
            thread=1,
            verbose=0,
        )
    print(f"trained in {time.time() - started:.0f} s", flush=True)
    words = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= args.min_count]
    words = words[: args.rows]
    table = numpy.zeros((len(words), args.dim), dtype="float32")
    for i, word in enumerate(words):
        table[i] = model.get_word_vector(word)
    out_nlp = spacy.blank("en")
    out_nlp.vocab.vectors = Vectors(
        strings=out_nlp.vocab.strings, data=table, keys=[out_nlp.vocab.strings.add(w) for w in words], attr="LOWER"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    out_nlp.to_disk(args.out)
    print(f"{args.out}: {len(words)} x {args.dim} vectors, {time.time() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())

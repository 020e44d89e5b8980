"""Mine the tagger's gazetteer (:mod:`kg.extract.components.gazetteer`) from annotated training papers.

A name (an annotated name or alias, as tokens) enters when

* at least ``MIN_PAPERS`` training papers annotate it, and
* at least ``MIN_PRECISION`` of the training papers whose text holds it (as
  whole tokens) annotate it: "attention" or "planning" appear in many papers
  that do not annotate them and stay out;

its type is the one most papers gave it (ties: alphabetical). Only training
papers are read: ``train/tagger.py`` mines one gazetteer per fold from the
other folds for the training features (so the tagger learns how far to
trust a name it has not been trained on), and one from all training papers
for run time.

Usage (prints the entries as TSV: tokens joined by spaces, type, papers)::

    python train/gazetteer.py TRAIN.jsonl
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.extract.components.gazetteer import Gazetteer, token_key
from train.convert import paper_text, read_records

MIN_PAPERS = 2
MIN_PRECISION = 0.5


def mine_entries(records: list[dict[str, Any]], tokenizer: Any) -> list[tuple[tuple[str, ...], str, int]]:
    """Return (token keys, type, annotating papers) of every name that passes the thresholds, sorted."""
    types_of: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    annotated: Counter[tuple[str, ...]] = Counter()
    for record in records:
        seen: dict[tuple[str, ...], str] = {}
        for entity in record.get("entities", []):
            for form in [entity.get("name", ""), *entity.get("aliases", [])]:
                key = tuple(token_key(t.text) for t in tokenizer(form) if not t.is_space)
                if key and not (len(key) == 1 and len(key[0]) < 2):
                    seen.setdefault(key, entity["type"])
        for key, type_ in seen.items():
            types_of[key][type_] += 1
            annotated[key] += 1
    longest = max((len(k) for k in annotated), default=0)
    present: Counter[tuple[str, ...]] = Counter()
    for record in records:
        keys = [token_key(t.text) for t in tokenizer(paper_text(record))]
        found = {
            tuple(keys[i : i + n])
            for i in range(len(keys))
            for n in range(1, min(longest, len(keys) - i) + 1)
            if tuple(keys[i : i + n]) in annotated
        }
        present.update(found)
    entries = []
    for key, papers in annotated.items():
        if papers < MIN_PAPERS or papers < MIN_PRECISION * max(present[key], papers):
            continue
        type_ = min(types_of[key].items(), key=lambda tc: (-tc[1], tc[0]))[0]
        entries.append((key, type_, papers))
    return sorted(entries)


def mine(records: list[dict[str, Any]], tokenizer: Any) -> Gazetteer:
    """Return the gazetteer of :func:`mine_entries`."""
    return Gazetteer((key, type_) for key, type_, _ in mine_entries(records, tokenizer))


def main(argv: list[str] | None = None) -> int:
    """Print the entries mined from one annotated file."""
    from kg.extract.tokenizer import blank

    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        raise SystemExit("usage: python train/gazetteer.py TRAIN.jsonl")
    nlp = blank()
    for key, type_, papers in mine_entries(list(read_records([Path(args[0])])), nlp.tokenizer):
        print(f"{' '.join(key)}\t{type_}\t{papers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Print the inter-annotator agreement of the dev set: the second annotation scored against the first.

Papers 1-100 of ``data/dev.jsonl`` were annotated a second time,
independently (``data/dev-second.jsonl``). The agreement is ``kg eval``'s
score of one against the other, on the papers both annotations hold only
(the first file has 300 papers; scoring all of them would count the 200
papers without a second annotation as misses).

Usage::

    python train/agreement.py [FIRST.jsonl SECOND.jsonl] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.eval import Scores

DATA = Path(__file__).resolve().parent / "data"


def agreement(first: Path, second: Path) -> Scores:
    """Return the :class:`kg.eval.Scores` of ``second`` against ``first`` on the papers both hold (by id).

    Raises:
        kg.errors.InputError: naming the file, when the two files share no paper.
    """
    from kg.errors import InputError
    from kg.eval import load_extractions, score

    gold = load_extractions(first)
    pred = load_extractions(second)
    ids = {p.paper.id for p in pred}
    shared = [g for g in gold if g.paper.id in ids]
    if not shared:
        raise InputError(f"no paper id of {second} is in {first}", path=second)
    return score(shared, pred)


def main(argv: list[str] | None = None) -> int:
    """Print the agreement as a Markdown table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", nargs="?", type=Path, default=DATA / "dev.jsonl")
    parser.add_argument("second", nargs="?", type=Path, default=DATA / "dev-second.jsonl")
    parser.add_argument("--json", action="store_true", help="print kg eval's JSON form instead of a table")
    args = parser.parse_args(argv)
    scores = agreement(args.first, args.second)
    if args.json:
        print(json.dumps(scores.to_dict(errors=False), indent=1))
        return 0
    names = {"ALL": "all types"}
    print(f"{scores.paired} papers annotated twice\n")
    print("| | P | R | F1 |\n|---|---|---|---|")
    for name, counts in scores.rows():
        f1 = f"**{counts.f1:.3f}**" if name == "ALL" else f"{counts.f1:.3f}"
        print(f"| {names.get(name, name)} | {counts.precision:.3f} | {counts.recall:.3f} | {f1} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

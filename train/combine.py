"""Training labels from two independent annotations of one paper: what both list, and nothing taught where they differ.

Each training paper has one annotator, and two careful annotators of the
same abstract still differ on about one entity in eight (the agreement
tables of ``train/README.md``): which lower-case parts of a system count,
whether a named phenomenon is a Task. Taught from one annotation, the tagger
learns "not a name" wherever that annotator left out what another would
list. Where a paper was annotated twice, :func:`combine` keeps the entities
both list (same type, a shared name or alias; the aliases of both joined,
the first annotation's role) and names every form only one of them lists
(or the two type differently) in the record's ``unlabelled`` list, which
:func:`train.convert.project` leaves without a label: no gradient either
way. Links are the first annotation's (the two agree on links).

Usage::

    python train/combine.py FIRST.jsonl SECOND.jsonl OUT.jsonl

writes FIRST with every paper SECOND also holds replaced by the combined
record, in FIRST's order, and prints how much the two agreed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.normalize import match_key
from train.convert import read_records


def _forms(entity: dict[str, Any]) -> list[str]:
    return [entity["name"], *entity.get("aliases", [])]


def _keys(entity: dict[str, Any]) -> set[str]:
    return {key for key in map(match_key, _forms(entity)) if key}


def combine(first: dict[str, Any], second: dict[str, Any], counts: Counter[str] | None = None) -> dict[str, Any]:
    """Return ``first`` with the entities both annotations list and the rest named in ``unlabelled``.

    >>> a = {"id": "p", "entities": [{"type": "Task", "name": "Zorb parsing", "aliases": [], "role": "used"},
    ...                               {"type": "Method", "name": "Quux", "aliases": [], "role": "proposed"}]}
    >>> b = {"id": "p", "entities": [{"type": "Task", "name": "zorb parsing", "aliases": ["ZP"], "role": "used"},
    ...                               {"type": "Method", "name": "blarg loss", "aliases": [], "role": "proposed"}]}
    >>> c = combine(a, b)
    >>> [(e["name"], e["aliases"]) for e in c["entities"]], c["unlabelled"]
    ([('Zorb parsing', ['ZP'])], ['Quux', 'blarg loss'])
    """
    counts = counts if counts is not None else Counter()
    others = list(second.get("entities") or [])
    matched: set[int] = set()
    kept: list[dict[str, Any]] = []
    disputed: list[str] = []
    for entity in first.get("entities") or []:
        keys = _keys(entity)
        partner = next(
            (i for i, o in enumerate(others) if i not in matched and o["type"] == entity["type"] and keys & _keys(o)),
            None,
        )
        if partner is None:
            disputed.extend(_forms(entity))
            counts["first_only"] += 1
            continue
        matched.add(partner)
        seen = {match_key(entity["name"])}
        aliases = []
        for form in [*entity.get("aliases", []), *_forms(others[partner])]:
            if match_key(form) not in seen:
                seen.add(match_key(form))
                aliases.append(form)
        kept.append({**entity, "aliases": aliases})
        counts["both"] += 1
    for i, other in enumerate(others):
        if i not in matched:
            disputed.extend(_forms(other))
            counts["second_only"] += 1
    agreed = {key for entity in kept for key in _keys(entity)}
    unlabelled = sorted({form for form in disputed if match_key(form) and match_key(form) not in agreed})
    return {**first, "entities": kept, "unlabelled": unlabelled}


def combine_files(first: Path, second: Path) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Return FIRST's records with the papers SECOND holds combined, and the agreement counts."""
    seconds = {r["id"]: r for r in read_records([second])}
    counts: Counter[str] = Counter()
    out = []
    for record in read_records([first]):
        other = seconds.pop(record["id"], None)
        if other is not None:
            if other.get("abstract", record.get("abstract")) != record.get("abstract"):
                raise SystemExit(f"{second}: paper {record['id']} has another abstract than in {first}")
            record = combine(record, other, counts)
            counts["papers"] += 1
        out.append(record)
    if seconds:
        raise SystemExit(f"{second}: {len(seconds)} papers not in {first}, e.g. {next(iter(seconds))}")
    return out, counts


def main(argv: list[str] | None = None) -> int:
    """Combine two files; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    records, counts = combine_files(args.first, args.second)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    both = counts["both"]
    print(
        f"{counts['papers']} papers combined: {both} entities both list, {counts['first_only']} only the first,"
        f" {counts['second_only']} only the second (entity F1 {2 * both / max(1, 2 * both + counts['first_only'] + counts['second_only']):.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

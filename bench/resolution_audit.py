"""The entity audit: the most frequent entities of each type after resolution, for a person to judge.

Reads an extraction file (``extractions.jsonl`` of a build, any size: the
records are streamed twice, as ``kg build`` does), resolves entities and
writes, per type, the N entities with most papers: rank, label, node id,
papers, aliases and one evidence sentence. Verdicts are a reader's: when
``--verdicts`` names an earlier audit file, its verdict and reason columns
are carried over for entities with the same type and label, and the summary
counts them (``real`` / ``not``; a row without a verdict is ``todo``). An
entity whose label another entity of the top N already has (up to case,
dashes and plurals) is ``not``, a duplicate, whatever the verdict file says.

    python bench/resolution_audit.py outputs/extractions.jsonl --top 100 \\
        --verdicts docs/audit/entities-ai-2025-2026.tsv -o docs/audit/entities-ai-2025-2026.tsv

The output is a tab-separated file with the header
``type rank entity papers verdict reason id aliases example``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kg.graph import entity_node_id
from kg.names import variant_key
from kg.records import ENTITY_TYPES, PaperExtraction
from kg.registry import IdRegistry
from kg.resolve import resolve_stream

COLUMNS = ("type", "rank", "entity", "papers", "verdict", "reason", "id", "aliases", "example")


def read_records(path: Path) -> Iterator[PaperExtraction]:
    """Yield the records of an extraction file sorted by id (the file need not be)."""
    with path.open(encoding="utf-8") as handle:
        found = [(json.loads(line)["id"], n) for n, line in enumerate(handle) if line.strip()]
    ids = sorted(found)
    if ids == found:  # already in id order (a build's extractions.jsonl): stream it
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield PaperExtraction.from_dict(json.loads(line))
        return
    order = {n: i for i, (_, n) in enumerate(ids)}
    # Two passes over the file keep memory flat: positions first, then records in id order by chunks.
    chunk = 20000
    for start in range(0, len(ids), chunk):
        wanted = {n for _, n in ids[start : start + chunk]}
        batch: dict[int, PaperExtraction] = {}
        with path.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if n in wanted:
                    batch[order[n]] = PaperExtraction.from_dict(json.loads(line))
        for i in sorted(batch):
            yield batch[i]


def duplicate_ranks(labels: list[str]) -> dict[int, int]:
    """Return rank -> the earlier rank with the same label up to case, dashes and plurals (ranks from 1).

    Two entities of one label among the top N are one thing split, whatever a
    reader said of the label: verdicts are carried over by label, so they
    cannot tell the two apart.
    """
    first: dict[str, int] = {}
    out: dict[int, int] = {}
    for rank, label in enumerate(labels, start=1):
        seen = first.setdefault(variant_key(label), rank)
        if seen != rank:
            out[rank] = seen
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the audit listing; print the per-type verdict counts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("extractions", type=Path, help="an extraction file (JSON Lines)")
    parser.add_argument("--top", type=int, default=100, help="entities per type (default 100)")
    parser.add_argument("--verdicts", type=Path, help="an earlier audit file to take verdicts from")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the audit file to write (TSV)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    streamed = resolve_stream(lambda: read_records(args.extractions))
    ids = IdRegistry().assign(streamed.entities, mint=lambda k, n, i: entity_node_id(k, n, index=i))
    print(f"resolved {len(streamed.entities):,} entities in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    verdicts: dict[tuple[str, str], tuple[str, str]] = {}
    if args.verdicts and args.verdicts.exists():
        with args.verdicts.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                verdicts[(row["type"], row["entity"])] = (row.get("verdict", ""), row.get("reason", ""))

    top: dict[str, list[int]] = {}
    for etype in ENTITY_TYPES:
        members = [i for i, e in enumerate(streamed.entities) if e.type == etype]
        members.sort(key=lambda i: (-streamed.entities[i].paper_count, streamed.entities[i].name))
        top[etype] = members[: args.top]
    wanted = {i for members in top.values() for i in members}
    examples: dict[int, str] = {}
    for position, record in enumerate(read_records(args.extractions)):
        for link in streamed.links_of(position, record):
            if link.entity in wanted and link.entity not in examples and link.mentions:
                examples[link.entity] = link.mentions[0].sentence[:300]

    counts: dict[str, Counter[str]] = {}
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for etype in ENTITY_TYPES:
            duplicates = duplicate_ranks([streamed.entities[i].name for i in top[etype]])
            for rank, i in enumerate(top[etype], start=1):
                entity = streamed.entities[i]
                verdict, reason = verdicts.get((etype, entity.name), ("", ""))
                if rank in duplicates:
                    verdict, reason = "not", f"duplicate: the label of rank {duplicates[rank]}"
                counts.setdefault(etype, Counter())[verdict or "todo"] += 1
                aliases = "; ".join(entity.aliases[:12]) + ("; ..." if len(entity.aliases) > 12 else "")
                example = " ".join(examples.get(i, "").split())
                writer.writerow(
                    (etype, rank, entity.name, entity.paper_count, verdict, reason, ids[i], aliases, example)
                )
    for etype in ENTITY_TYPES:
        print(f"{etype:8s} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.get(etype, {}).items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Collect the annotators' files into ANNOTATION.md records: ``train.jsonl`` and ``dev.jsonl``.

Annotators write ``out/<split>-NN.jsonl`` (id, entities, links: no text);
the texts are in ``batches/<split>-NN.jsonl`` (id, title, abstract, bucket).
This script checks every output file against its batch (ids, types, roles,
every name and alias occurring in title or abstract, link kinds), skips a
file that fails (printing why, with file and line), merges text and labels
and writes one file per split, papers in file then line order::

    python train/collect.py ANNOT_DIR OUT_DIR [--splits train dev]

Second annotations (``dev2-*``) are for agreement figures and are not merged.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from kg.normalize import match_key

TYPES = {"Method", "Model", "Dataset", "Task"}
ROLES = {"proposed", "used"}
KINDS = {"code", "model", "dataset", "web"}


def check_file(out_path: Path, batch_path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Return the merged records of one annotator file, and its problems (empty when it is usable)."""
    batch: dict[str, dict[str, Any]] = {}
    with open(batch_path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                batch[row["id"]] = row
    problems: list[str] = []
    merged: list[dict[str, Any]] = []
    seen: set[str] = set()
    with open(out_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            where = f"{out_path}:{number}"
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(f"{where}: bad JSON: {err}")
                continue
            pid = rec.get("id")
            if pid not in batch:
                problems.append(f"{where}: id {pid!r} is not in {batch_path.name}")
                continue
            if pid in seen:
                problems.append(f"{where}: duplicate id {pid}")
            seen.add(pid)
            source = batch[pid]
            text_key = match_key(source["title"] + " \n " + source["abstract"])
            for entity in rec.get("entities", []):
                if entity.get("type") not in TYPES or entity.get("role") not in ROLES:
                    problems.append(f"{where}: bad type or role in {entity}")
                for form in [entity.get("name", ""), *entity.get("aliases", [])]:
                    if not form or match_key(form) not in text_key:
                        problems.append(f"{where}: {form!r} does not occur in the title or abstract")
            for link in rec.get("links", []):
                if link.get("kind") not in KINDS or not str(link.get("url", "")).startswith(("http://", "https://")):
                    problems.append(f"{where}: bad link {link}")
            merged.append(
                {
                    "id": pid,
                    "title": source["title"],
                    "abstract": source["abstract"],
                    "bucket": source.get("bucket", ""),
                    "entities": rec.get("entities", []),
                    "links": rec.get("links", []),
                }
            )
    missing = sorted(set(batch) - seen)
    if missing:
        problems.append(f"{out_path}: {len(missing)} papers of the batch are missing")
    return merged, problems


def collect(annot: Path, split: str) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Return (records, used file names, skipped-file messages) of one split."""
    records: list[dict[str, Any]] = []
    used: list[str] = []
    skipped: list[str] = []
    # Two digits or more ("train-07", "train-112"), in number order.
    paths = [p for p in (annot / "out").glob(f"{split}-*.jsonl") if re.fullmatch(r"\d{2,}", p.stem.split("-", 1)[1])]
    for out_path in sorted(paths, key=lambda p: int(p.stem.split("-", 1)[1])):
        merged, problems = check_file(out_path, annot / "batches" / out_path.name)
        if problems:
            skipped.append(f"{out_path.name}: skipped ({problems[0]}; {len(problems)} problem(s))")
            continue
        records.extend(merged)
        used.append(out_path.name)
    return records, used, skipped


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, collect each split, write ``OUT_DIR/<split>.jsonl``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("annot", type=Path, help="folder with out/ and batches/")
    parser.add_argument("out", type=Path, help="where <split>.jsonl is written")
    parser.add_argument("--splits", nargs="+", default=["train", "dev"])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for split in args.splits:
        records, used, skipped = collect(args.annot, split)
        for message in skipped:
            print(message, file=sys.stderr)
        target = args.out / f"{split}.jsonl"
        tmp = target.with_suffix(".jsonl.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n" for rec in records)
        tmp.replace(target)
        print(f"{target}: {len(records)} papers from {len(used)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

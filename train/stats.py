"""Print the counts of an annotation file as Markdown tables: entities per type and role, papers per bucket.

Usage::

    python train/stats.py train/data/train.jsonl [train/data/dev.jsonl ...]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

TYPES = ("Method", "Model", "Dataset", "Task")
_DRAWN = re.compile(r"^r(\d+)(-topic)?:")


def _group(bucket: str) -> str:
    """Fold the many small groups into one row each: the sample's topics, and the papers beyond the sample."""
    if bucket.startswith("topic:"):
        return "topics 2020-24 (all topic:* groups)"
    if bucket.startswith("extra:"):
        # Beyond the stratified sample: "extra:<arXiv code>" from the 2025-26 listings, "extra:<topic>" from topics.
        code = bucket[len("extra:") :]
        return "beyond the sample: 2025-26 listings (extra:cs.* ...)" if "." in code else "beyond the sample: topics 2020-26"
    drawn = _DRAWN.match(bucket)
    if drawn:
        # Rounds 5 on (train/draw.py): listings per primary arXiv code in the sample's proportions, topics.
        number, topic = drawn.groups()
        if topic:
            return f"round {number}: topics 2020-26 (r{number}-topic:*)"
        return f"round {number}: 2025-26 listings, the sample's category mix (r{number}:cs.* ...)"
    return bucket


def main(paths: list[str]) -> int:
    """Print one table of entity counts and one of papers per bucket, a column per file."""
    if not paths:
        print(__doc__)
        return 2
    per_type: dict[str, Counter[str]] = {}
    per_bucket: dict[str, Counter[str]] = {}
    for path in paths:
        name = Path(path).stem
        types: Counter[str] = Counter()
        buckets: Counter[str] = Counter()
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                bucket = record.get("bucket") or "(none)"
                buckets[_group(bucket)] += 1
                types["papers"] += 1
                types["links"] += len(record.get("links") or [])
                for entity in record.get("entities") or []:
                    types[entity["type"]] += 1
                    types[f"{entity['type']} proposed"] += entity["role"] == "proposed"
                    types["entities"] += 1
        per_type[name], per_bucket[name] = types, buckets
    names = list(per_type)
    rows = ["papers", "entities", *[r for t in TYPES for r in (t, f"{t} proposed")], "links"]
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row in rows:
        print(f"| {row} | " + " | ".join(str(per_type[n][row]) for n in names) + " |")
    print()
    buckets = sorted({b for n in names for b in per_bucket[n]})
    print("| bucket | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for bucket in buckets:
        print(f"| {bucket} | " + " | ".join(str(per_bucket[n][bucket]) for n in names) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


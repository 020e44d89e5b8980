"""Apply the mechanical decisions of ``data/ANNOTATION-NOTES.md`` (N1, N8) to annotated papers.

The annotators are given the guide and decisions D1-D12; two decisions taken
after comparing the independent dev annotations are mechanical, so they are
applied to every file alike rather than left to memory:

* **N1**: a trailing lower-case type word of the entity's own type is
  optional. When the abstract (or title) holds both "X" and "X <word>", the
  form that is not the name becomes an alias, so either counts.
* **N8**: a bare DOI written without a URL is not a link.

Usage (writes OUT, reports what changed)::

    python train/postprocess.py IN.jsonl OUT.jsonl

Stdlib only; reads and writes ANNOTATION.md's JSON Lines records.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

#: N1's word lists, per type (ANNOTATION-NOTES.md).
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "Dataset": ("dataset", "benchmark", "corpus", "challenge", "leaderboard"),
    "Model": ("model", "network", "checkpoint"),
    "Method": (
        "method", "algorithm", "framework", "module", "mechanism", "scheme", "strategy",
        "approach", "technique", "architecture", "pipeline",
    ),
    "Task": ("task", "problem"),
}
_BARE_DOI = re.compile(r"^(?:doi:\s*)?10\.\d{4,9}/\S+$", re.IGNORECASE)


def type_word_forms(name: str, etype: str, text: str) -> list[str]:
    """Return the forms of ``name`` with or without a trailing type word (N1) that occur in ``text``.

    >>> type_word_forms("Zorb module", "Method", "We add a Zorb module; Zorb helps.")
    ['Zorb']
    >>> type_word_forms("Zorb", "Method", "We add a Zorb module; Zorb helps.")
    ['Zorb module']
    >>> type_word_forms("Zorb Module", "Method", "The Zorb Module; Zorb helps.")
    []
    """
    found: list[str] = []
    for word in TYPE_WORDS.get(etype, ()):
        suffix = " " + word
        if name.endswith(suffix) and len(name) > len(suffix):
            shorter = name[: -len(suffix)].rstrip()
            # The shorter form must stand on its own somewhere, not only inside the name.
            alone = r"(?<![\w-])" + re.escape(shorter) + r"(?![\w-])(?! (?:" + "|".join(TYPE_WORDS[etype]) + r")\b)"
            if re.search(alone, text, re.IGNORECASE):
                found.append(shorter)
        else:
            match = re.search(r"(?<![\w-])" + re.escape(name) + r" " + word + r"(?![\w-])", text, re.IGNORECASE)
            if match and match.group(0)[len(name) + 1 :] == word:  # the type word written in lower case
                found.append(match.group(0))
    return found


def postprocess(record: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
    """Return the record with N1 aliases added and N8 links dropped, and how many of each."""
    text = record["title"] + " \n " + record["abstract"]
    added = 0
    entities = []
    for entity in record["entities"]:
        forms = {f.casefold() for f in (entity["name"], *entity.get("aliases", []))}
        aliases = list(entity.get("aliases", []))
        for form in type_word_forms(entity["name"], entity["type"], text):
            if form.casefold() not in forms:
                aliases.append(form)
                forms.add(form.casefold())
                added += 1
        entities.append({**entity, "aliases": aliases})
    links = [link for link in record.get("links", []) if not _BARE_DOI.match(link["url"].strip())]
    dropped = len(record.get("links", [])) - len(links)
    return {**record, "entities": entities, "links": links}, added, dropped


def main(argv: list[str] | None = None) -> int:
    """Read IN, write OUT (through a temporary file), print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    out_lines: list[str] = []
    total_added = total_dropped = 0
    with open(args.input, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                print(f"{args.input}:{number}: bad JSON: {err}", file=sys.stderr)
                return 1
            fixed, added, dropped = postprocess(record)
            total_added += added
            total_dropped += dropped
            out_lines.append(json.dumps(fixed, ensure_ascii=False) + "\n")
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    tmp.write_text("".join(out_lines), encoding="utf-8")
    tmp.replace(args.output)
    print(f"{args.output}: {len(out_lines)} papers, {total_added} aliases added (N1), {total_dropped} links dropped (N8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Mine coined names from the unlabelled arXiv abstracts: what papers introduce, and how many others use it.

A paper that introduces a system names it in set phrases: a title ``NAME:
...``, "we propose NAME", "NAME, a novel ...", "called / named / dubbed /
termed NAME". When other papers of the corpus mention the same coined token
(a baseline, a tool), it is a name researchers use, even where the tagger has
never seen it. Only single tokens of a coined shape are kept (two capitals or
a capital and a digit inside: "DepGraph", "LLM-Pruner", "GPT4Rec"), so
ordinary words never qualify; names the lexicons already hold are left to
them.

Counts are of distinct papers: ``proposed_in`` (papers introducing the name
in one of the phrases) and ``used_in`` (other papers whose text holds the
token). Papers whose ids are in ``--exclude`` files are not read at all.

Usage::

    python train/mine_names.py CORPUS_DIR OUT.tsv [--exclude train/data/dev.jsonl ...] [--min-used 2]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.vectors import excluded_ids

TOKEN = r"[A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*"
INTRO = re.compile(
    rf"\b(?:[Ww]e (?:propose|introduce|present|develop|release)|called|named|dubbed|termed)\s+({TOKEN})(?=[\s,.;:()])"
)
APPOSITION = re.compile(rf"\b({TOKEN}), (?:a|an) (?:novel|new|simple|unified|general|lightweight|scalable)\b")
TITLE = re.compile(rf"^\s*({TOKEN})\s*:")
WORD = re.compile(TOKEN)


def coined(token: str) -> bool:
    """Tell whether a token has the shape of a coined name, not of a word, an acronym or a compound.

    Kept: capitals inside a word with lower-case letters ("DepGraph", "CulturalBench",
    "vIoU"), or capitals with a digit ("HOT3D", "GPT4Rec"). Not kept: plain and
    Title-case words, all-capital acronyms ("GPU", "ASP": the acronym finder
    reads their definitions), their plurals ("DPPs"), Title-case compounds
    ("Scale-Aware") and compounds ending in a lower-case part ("LoRA-based").

    >>> names = ["DepGraph", "LLM-Pruner", "GPT4Rec", "HOT3D", "vIoU", "Graph", "BERT", "A100", "DPPs"]
    >>> [t for t in names + ["Scale-Aware", "LoRA-based", "Multi-Agent"] if coined(t)]
    ['DepGraph', 'LLM-Pruner', 'GPT4Rec', 'HOT3D', 'vIoU']
    """
    if len(token) < 3 or len(token) > 40:
        return False
    parts = re.split(r"[-.+]", token)
    if any(part.islower() for part in parts[1:]):
        return False  # "LoRA-based", "LLM-generated"
    if all(part[:1].isupper() and (part[1:].islower() or not part[1:]) for part in parts):
        return False  # "Graph", "Scale-Aware"
    if re.fullmatch(r"[A-Z]{2,}s", token):
        return False  # "DPPs"
    letters = [c for c in token if c.isalpha()]
    uppers = sum(1 for c in letters if c.isupper())
    has_lower = uppers < len(letters)
    if len(letters) < 3 or not uppers:
        return False
    if any(c.isdigit() for c in token):
        return True
    return has_lower and uppers >= 2


def read_papers(corpus: Path, exclude: set[str]) -> dict[str, tuple[str, str]]:
    """Return id -> (title, abstract) of every corpus paper not excluded (first copy of each id)."""
    papers: dict[str, tuple[str, str]] = {}
    for path in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                pid = row.get("id", "")
                if pid and pid not in exclude and pid not in papers:
                    papers[pid] = (row.get("title") or "", row.get("abstract") or "")
    return papers


def mine(papers: dict[str, tuple[str, str]]) -> list[tuple[str, int, int]]:
    """Return (name, proposed_in, used_in) of every coined name some paper introduces, sorted by name."""
    from kg.lexicons import default_index

    known = default_index()
    proposer: dict[str, set[str]] = {}
    for pid, (title, abstract) in papers.items():
        found = {m.group(1) for m in TITLE.finditer(title)}
        found.update(m.group(1) for m in INTRO.finditer(abstract))
        found.update(m.group(1) for m in APPOSITION.finditer(abstract))
        for name in found:
            if coined(name) and not known.lookup(name):
                proposer.setdefault(name, set()).add(pid)
    used: Counter[str] = Counter()
    lowered = {name.lower(): name for name in proposer}
    as_word: Counter[str] = Counter()
    for pid, (title, abstract) in papers.items():
        tokens = set(WORD.findall(title)) | set(WORD.findall(abstract))
        for name in tokens & proposer.keys():
            if pid not in proposer[name]:
                used[name] += 1
        for word in tokens & lowered.keys():
            as_word[word] += 1
    rows = []
    for name, pids in proposer.items():
        # "REconstruction", "DataBase": an ordinary word with letters stressed, written
        # in lower case by more papers than write the name
        if as_word[name.lower()] >= len(pids) + used[name]:
            continue
        rows.append((name, len(pids), used[name]))
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    """Mine and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="JSONL files whose ids are left out")
    parser.add_argument("--min-used", type=int, default=2, help="keep names at least N other papers use")
    args = parser.parse_args(argv)
    exclude = excluded_ids(args.exclude)
    started = time.time()
    papers = read_papers(args.corpus, exclude)
    rows = [r for r in mine(papers) if r[2] >= args.min_used]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Coined names mined from unlabelled arXiv abstracts (title + abstract; arXiv metadata, CC0 1.0)\n"
        f"# by train/mine_names.py: {len(papers)} papers of {args.corpus.name}/*.jsonl.gz, {len(exclude)} ids excluded;\n"
        f"# names some paper introduces and at least {args.min_used} other papers use. Columns: name, proposed_in, used_in\n"
    )
    body = "".join(f"{name}\t{p}\t{u}\n" for name, p, u in rows)
    args.out.write_text(header + body, encoding="utf-8")
    print(f"{len(rows)} names from {len(papers)} papers in {time.time() - started:.0f} s -> {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Turn annotated papers (names, no offsets) into spaCy NER training data.

ANNOTATION.md records list each entity once per paper by name and aliases,
without character offsets. A token tagger needs offsets, so this module finds
every occurrence of every name and alias in the paper text (title, a blank
line, abstract: the same text :func:`kg.extract.pipeline.make_doc` builds):

* case-insensitively, with dashes unified and any whitespace run matching
  any other (the scoring normal form of :func:`kg.normalize.match_key`);
* longest surface form first, so "MusT-RAG" claims its characters before
  "RAG" can;
* only where the match starts and ends on token boundaries of the spaCy
  tokenizer (a name inside a longer word is not a mention);
* a surface form listed under two types in one paper is ambiguous: its
  occurrences are marked *missing* (no gradient either way) instead of
  guessing a type, and so is a form that only partly overlaps a placed span.

Everything is deterministic: forms are ordered by (length, text), papers
keep file order. Run ``python train/convert.py IN.jsonl OUT.spacy`` or use
:func:`to_docbin`.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.extract.components.learned import ROLE_MARK
from kg.normalize import match_key
from train.omissions import occurrences, token_spans

SEPARATOR = "\n\n"
"""Between title and abstract, as :func:`kg.extract.pipeline.make_doc` joins them."""

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


@dataclass
class Projection:
    """The mentions found for one paper, and what could not be placed.

    Attributes:
        text: title + separator + abstract.
        spans: (start, end, type, entity index) per placed mention, sorted.
        missing: (start, end) ranges to leave without a label (ambiguous forms).
        unplaced: surface forms of entities that got no mention at all.
    """

    text: str
    spans: list[tuple[int, int, str, int]] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def paper_text(record: dict[str, Any]) -> str:
    """Return the text the extractor sees: title, a blank line, abstract."""
    title = record.get("title") or ""
    abstract = record.get("abstract") or ""
    return title + (SEPARATOR if title and abstract else "") + abstract


def form_pattern(form: str) -> re.Pattern[str]:
    r"""Compile the case-insensitive pattern of a surface form (dashes and spaces unified).

    >>> bool(form_pattern("Llama 3.1-8B").search("the llama  3.1\u20138b model"))
    True
    """
    parts: list[str] = []
    for ch in form.strip():
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in _DASHES:
            parts.append("[" + re.escape(_DASHES) + "]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.IGNORECASE)


def project(
    record: dict[str, Any],
    token_starts: set[int],
    token_ends: set[int],
    often_listed: Collection[str] = frozenset(),
) -> Projection:
    """Place every name and alias of a paper's entities on its text.

    Args:
        record: an ANNOTATION.md record (title, abstract, entities).
        token_starts: character offsets where a token starts.
        token_ends: character offsets where a token ends.
        often_listed: normal forms of names the other annotators usually list
            (:mod:`train.omissions`): where this paper's annotator did not,
            their occurrences outside the placed names are left unlabelled.

    A record's optional ``unlabelled`` list (names its two annotators
    disagreed on, :mod:`train.combine`) is left unlabelled the same way.
    """
    text = paper_text(record)
    out = Projection(text=text)
    forms: dict[str, tuple[str, set[str], set[int]]] = {}  # key -> (form, types, entity indexes)
    for index, entity in enumerate(record.get("entities") or []):
        for form in [entity["name"], *entity.get("aliases", [])]:
            key = match_key(form)
            if not key:
                continue
            kept = forms.setdefault(key, (form, set(), set()))
            kept[1].add(entity["type"])
            kept[2].add(index)
    taken = bytearray(len(text) + 1)
    placed_entities: set[int] = set()
    order = sorted(forms.values(), key=lambda f: (-len(f[0]), f[0]))
    for form, types, indexes in order:
        ambiguous = len(types) > 1
        for match in form_pattern(form).finditer(text):
            start, end = match.start(), match.end()
            if start not in token_starts or end not in token_ends:
                continue
            if any(taken[start:end]):
                continue  # inside (or across) a longer form already placed
            taken[start:end] = b"\x01" * (end - start)
            if ambiguous:
                out.missing.append((start, end))
            else:
                out.spans.append((start, end, next(iter(types)), min(indexes)))
                placed_entities.update(indexes)
    disputed = {match_key(form) for form in record.get("unlabelled") or []} - set(forms) - {""}
    if often_listed or disputed:
        tokens = token_spans(token_starts, token_ends)
        found = occurrences(text, tokens, set(often_listed) | disputed)
        for start, end, key in sorted(found, key=lambda o: (o[0] - o[1], o[0])):  # longest first
            if key not in forms and not any(taken[start:end]):
                taken[start:end] = b"\x01" * (end - start)
                out.missing.append((start, end))
    for index, entity in enumerate(record.get("entities") or []):
        if index not in placed_entities:
            out.unplaced.append(entity["name"])
    out.spans.sort()
    out.missing.sort()
    return out


def read_records(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Yield the records of ANNOTATION.md JSON Lines files, naming file and line on bad JSON."""
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise SystemExit(f"{path}:{number}: bad JSON: {err}") from err


def biluo_tags(n_tokens: int, spans: list[tuple[int, int, str]], missing: list[tuple[int, int]]) -> list[str]:
    """Return one BILUO tag per token ("" where the label is missing) from token-index spans.

    >>> biluo_tags(6, [(0, 1, "Task"), (2, 5, "Method")], [])
    ['U-Task', 'O', 'B-Method', 'I-Method', 'L-Method', 'O']
    >>> biluo_tags(3, [], [(1, 3)])
    ['O', '', '']
    """
    tags = ["O"] * n_tokens
    for start, end in missing:
        for i in range(start, end):
            tags[i] = ""
    for start, end, type_ in spans:
        if end - start == 1:
            tags[start] = "U-" + type_
            continue
        tags[start] = "B-" + type_
        for i in range(start + 1, end - 1):
            tags[i] = "I-" + type_
        tags[end - 1] = "L-" + type_
    return tags


def to_docs(
    records: Iterable[dict[str, Any]],
    nlp: Any,
    stats: Counter[str] | None = None,
    *,
    role_tags: bool = False,
    often_listed: Collection[str] = frozenset(),
) -> Iterator[Any]:
    """Yield one spaCy Doc per record with ``doc.ents`` and BILUO ``token.tag_`` from the mentions.

    With ``role_tags`` each tag also carries the role of the mention's entity
    ("B-Method|proposed", "U-Task|used"): the tagger then learns the role
    from the words around each mention (``kg.extract.components.learned``
    sums the two roles back into one typed tag to find the spans).
    ``often_listed`` names (:mod:`train.omissions`) the paper's annotator
    did not list are left unlabelled where they occur.
    """
    stats = stats if stats is not None else Counter()
    for record in records:
        text = paper_text(record)
        doc = nlp.make_doc(text)
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t.text) for t in doc}
        projection = project(record, starts, ends, often_listed)
        entities = record.get("entities") or []
        ents = [
            doc.char_span(s, e, label=f"{t}{ROLE_MARK}{entities[i].get('role', 'used')}" if role_tags else t)
            for s, e, t, i in projection.spans
        ]
        missing = [doc.char_span(s, e) for s, e in projection.missing]
        placed = [e for e in ents if e is not None]
        unknown = [m for m in missing if m is not None]
        doc.set_ents(placed, missing=unknown)
        tags = biluo_tags(len(doc), [(e.start, e.end, e.label_) for e in placed], [(m.start, m.end) for m in unknown])
        for token, tag in zip(doc, tags):
            if tag:
                token.tag_ = tag
        doc.user_data["kg_id"] = record.get("id", "")
        stats["papers"] += 1
        stats["entities"] += len(record.get("entities") or [])
        stats["mentions"] += len(projection.spans)
        stats["ambiguous_mentions"] += len(projection.missing)
        stats["unplaced_entities"] += len(projection.unplaced)
        for _, _, type_, _ in projection.spans:
            stats["mentions_" + type_] += 1
        yield doc


def to_docbin(records: Iterable[dict[str, Any]], out: Path) -> Counter[str]:
    """Write the records as a spaCy ``DocBin`` and return counts of what was placed."""
    from spacy.tokens import DocBin

    from kg.extract.tokenizer import blank

    nlp = blank()
    stats: Counter[str] = Counter()
    docbin = DocBin(store_user_data=False)
    for doc in to_docs(records, nlp, stats):
        docbin.add(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(out)
    return stats


def main(argv: list[str]) -> int:
    """Convert ``IN.jsonl [IN2.jsonl ...] OUT.spacy``; print the counts."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    stats = to_docbin(read_records(Path(p) for p in argv[:-1]), Path(argv[-1]))
    print(json.dumps(dict(sorted(stats.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Names the training annotators usually mark, found where one annotator left them out.

Each training paper was annotated by one person. A name most annotators
mark wherever it occurs ("object detection", "RAG") but that one annotator
left out of a paper is more likely an omission than a decision, and
training the tagger to read it there as "not a name" teaches it to miss.
This module counts, over the training papers themselves, in how many of the
papers whose text contains a name (token-aligned, in the scoring normal
form of :func:`kg.normalize.match_key`) the annotator listed it; the names
listed in at least ``min_share`` of them and in at least ``min_papers``
papers are returned, and :func:`train.convert.to_docs` leaves their
unlisted occurrences without a label (no gradient either way) instead of
"O". Only the training papers are read (never dev). Deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from kg.normalize import match_key

#: The longest name, in tokens, looked for in a paper's text.
MAX_TOKENS = 8


def listed_keys(record: dict[str, Any]) -> set[str]:
    """Return the normal forms of every name and alias a record's annotator listed."""
    keys = set()
    for entity in record.get("entities") or []:
        for form in [entity["name"], *entity.get("aliases", [])]:
            key = match_key(form)
            if key:
                keys.add(key)
    return keys


def token_spans(starts: Iterable[int], ends: Iterable[int]) -> list[tuple[int, int]]:
    """Pair the sorted token starts and ends into (start, end) character spans.

    >>> token_spans({0, 4}, {3, 7})
    [(0, 3), (4, 7)]
    """
    return list(zip(sorted(starts), sorted(ends)))


def occurrences(
    text: str, tokens: list[tuple[int, int]], wanted: Collection[str]
) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, key) of every token-aligned stretch of ``text`` whose normal form is in ``wanted``.

    >>> list(occurrences("use object detection", [(0, 3), (4, 10), (11, 20)], {"object detection"}))
    [(4, 20, 'object detection')]
    """
    for i, (start, _) in enumerate(tokens):
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            end = tokens[j][1]
            key = match_key(text[start:end])
            if key in wanted:
                yield start, end, key


def often_listed(
    records: list[dict[str, Any]],
    texts: list[str],
    token_lists: list[list[tuple[int, int]]],
    *,
    min_share: float,
    min_papers: int,
) -> frozenset[str]:
    """Return the names listed in at least ``min_share`` of the papers whose text holds them.

    Args:
        records: the annotated training papers.
        texts: each paper's text (:func:`train.convert.paper_text`).
        token_lists: each text's token spans (:func:`token_spans`).
        min_share: the share of the papers holding a name that must list it.
        min_papers: the fewest papers that must list it.
    """
    listed: Counter[str] = Counter()
    per_paper = [listed_keys(r) for r in records]
    for keys in per_paper:
        listed.update(keys)
    candidates = {key for key, n in listed.items() if n >= min_papers}
    held: Counter[str] = Counter()
    for text, tokens in zip(texts, token_lists):
        held.update({key for _, _, key in occurrences(text, tokens, candidates)})
    return frozenset(key for key in candidates if held[key] and listed[key] >= min_share * held[key])

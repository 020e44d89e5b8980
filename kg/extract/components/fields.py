"""``kg_fields``: sentence ranges that never cross the title / abstract boundary.

A paper is processed as one Doc (title, a blank line, abstract), and every
mention's evidence is its sentence. spaCy's ``sentencizer`` walks every token
in Python-visible objects and costs about four times the tokenizer itself, so
by default this component splits sentences with one regex over the text
(sentence-final punctuation followed by a capital, a digit or an opening
bracket; blank lines; field starts), records the ranges in ``doc._.kg_sents``
and marks the first token of each sentence, so ``doc.sents`` works too. If a
sentencizer or parser already set boundaries, those are used instead (plus the
field starts).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import doc_text, fields_of, register_extensions, set_ext

#: A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace and an upper-case
#: letter, digit or opening bracket/quote; or at a blank line. Abbreviations such as "e.g." and
#: "et al." are followed by lower case or a name, see _NO_SPLIT_BEFORE.
#: (The pattern starts with one character class, the punctuation or line break itself: the regex
#: engine then skips to those characters in C; a leading look-behind or alternation made it try
#: the whole pattern at every position, 2-3 times slower.)
_BOUNDARY = re.compile(
    r"[.!?\n](?:(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[A-Z0-9(\[\"'\u201c\u2018])|(?<=\n)[ \t\r\f\v]*\n\s*)"
)
_NO_SPLIT_BEFORE = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|cf|vs|Fig|Figs|Eq|Eqs|Sec|No|resp|approx|etc)\.|\b[A-Z]\.)$"
)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the (start, end) ranges of the sentences of ``text[start:end]``, whitespace trimmed.

    >>> t = "We use e.g. BERT. It works! See Fig. 2 here."
    >>> [t[s:e] for s, e in split_sentences(t, 0, len(t))]
    ['We use e.g. BERT.', 'It works!', 'See Fig. 2 here.']
    """
    out: list[tuple[int, int]] = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        cut = m.start()
        if (
            text[cut] == "."
            and m.group(0).count("\n") < 2
            and _NO_SPLIT_BEFORE.search(text, max(start, cut - 7), cut + 1)
        ):
            continue  # "e.g." or "et al." before a single space does not end a sentence
        _add(text, pos, m.end(), out)
        pos = m.end()
    _add(text, pos, end, out)
    return out


def _add(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


class FieldSplitter:
    """Split each field into sentences; record the ranges and mark sentence-start tokens."""

    def __init__(self, name: str = "kg_fields", *, mark_tokens: bool = True) -> None:
        register_extensions()
        self.name = name
        self.mark_tokens = mark_tokens

    def __call__(self, doc: Doc) -> Doc:
        """Record sentence ranges in ``doc._.kg_sents``, so evidence never spans title and abstract."""
        text = doc_text(doc)
        if len(doc) == 0:
            set_ext(doc, "kg_sents", [])
            return doc
        ranges: list[tuple[int, int]] = []
        annotated = doc.has_annotation("SENT_START")  # a scan of every token: once
        if annotated:
            starts = {start for _, start, end in fields_of(doc) if end > start}
            for sent in doc.sents:
                cut = sorted(s for s in starts if sent.start_char < s < sent.end_char)
                bounds = [sent.start_char, *cut, sent.end_char]
                for a, b in itertools.pairwise(bounds):
                    _add(text, a, b, ranges)
        else:
            for _, start, end in fields_of(doc):
                ranges.extend(split_sentences(text, start, end))
        set_ext(doc, "kg_sents", ranges)
        if self.mark_tokens and ranges and not annotated:
            token_starts = doc.to_array(IDX)  # char offset of every token, computed in C
            flags = numpy.full(len(doc), -1, dtype="int32")
            firsts = numpy.searchsorted(token_starts, [start for start, _ in ranges], side="left")
            flags[numpy.clip(firsts, 0, len(doc) - 1)] = 1
            flags[0] = 1
            values: Any = flags.astype("uint64")
            doc.from_array([SENT_START], values)  # one C call, not one per token
        return doc


@Language.factory("kg_fields", default_config={"mark_tokens": True})
def make_fields(nlp: Language, name: str, mark_tokens: bool) -> FieldSplitter:
    """Build the ``kg_fields`` component."""
    return FieldSplitter(name, mark_tokens=mark_tokens)

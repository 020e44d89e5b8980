"""``kg_lexicon``: match the curated lexicons of well-known names, case-aware.

Entries arrive through the config (the registered ``kg.lexicon_patterns.v1``
function loads the bundled TSV files with :func:`kg.lexicons.load_lexicon`),
so the component itself never opens a file. Two ``PhraseMatcher`` objects do
the work: one on ``ORTH`` (``BERT`` matches, ``bert`` inside a word or in lower
case does not) and one on ``LOWER`` for entries flagged ``case_insensitive``.
Entries flagged ``ambiguous`` are kept only with context: the name is defined
as an acronym in the text, a type word of its type stands next to it, or it is
written capitalised mid-sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import registry

from kg.extract.components.common import (
    Candidate,
    candidates,
    doc_text,
    get_ext,
    norm_key,
    pattern_tokenizer,
    register_extensions,
    sentence_ranges,
)
from kg.extract.wordlists import WordLists, load_word_lists

#: Version, size and variant suffixes that extend a known model name: "Llama 3.1 8B-Instruct".
MODEL_TAIL = re.compile(
    r"(?:[ -]?(?:v?\d+(?:\.\d+)*(?:[BMKbmk]\b|[a-z]\b)?|\d+x\d+[BbMm])"
    r"|-(?:[A-Z][A-Za-z]*|\d+[A-Za-z]*)"
    r"| (?:Instruct|Chat|Base|Turbo|Pro|Mini|mini|Large|Small|Medium|XL|XXL|Tiny|Ultra|Flash|Max|Plus|"
    r"VL|Coder|Math|Vision|Omni|Nano|Lite|Distill)\b)+"
)


@registry.misc("kg.lexicon_patterns.v1")
def lexicon_patterns(path: str | None = None) -> list[Any]:
    """Load lexicon entries for ``kg_lexicon`` (the bundled files when ``path`` is None)."""
    from kg.lexicons import load_lexicon

    return list(load_lexicon(path))


class LexiconMatcher:
    """Find lexicon names in a Doc with two phrase matchers (exact case and lower case)."""

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_lexicon",
        *,
        entries: Sequence[Any] = (),
        word_lists: WordLists | None = None,
        confidence: float = 0.9,
        ambiguous_confidence: float = 0.7,
    ) -> None:
        register_extensions()
        self.name = name
        self.type_words = (word_lists or load_word_lists()).beside_types
        self.confidence = confidence
        self.ambiguous_confidence = ambiguous_confidence
        self.entries = list(entries)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._entry_of: dict[int, Any] = {}  # match id -> entry
        self._group_of: dict[int, str] = {}  # match id -> candidate group, filled on first match
        tokenizer = pattern_tokenizer(nlp)
        for index, entry in enumerate(self.entries):
            key = f"kg_lex_{index}"
            self._entry_of[nlp.vocab.strings.add(key)] = entry
            forms = sorted({entry.name, *entry.aliases} - {""})
            any_case = [f for f in forms if _any_case(entry, f)]
            exact = [f for f in forms if f not in any_case]
            if any_case:
                self.lower.add(key, list(tokenizer.pipe(any_case)))
            if exact:
                self.exact.add(key, list(tokenizer.pipe(exact)))

    def __call__(self, doc: Doc) -> Doc:
        """Add a candidate for each lexicon match; ambiguous entries only where the context supports them."""
        matches = self.exact(doc) + self.lower(doc)
        if not matches:
            return doc
        text = doc_text(doc)
        matched: list[tuple[Candidate, int, int]] = []  # with its token span
        defined: set[str] | None = None
        # character offset and length of every token, in one C call (no Token objects per match)
        idx, length = doc.to_array([IDX, LENGTH]).T.tolist()
        for match_id, start, end in matches:
            entry = self._entry_of[match_id]
            start_char, end_char = idx[start], idx[end - 1] + length[end - 1]
            if _inside_compound(text, start_char, end_char):
                continue  # "Adversarial Training" in "Token-Adversarial Training" is not the name
            confidence = self.confidence
            if entry.ambiguous:
                if defined is None:
                    defined = _defined_forms(doc)
                if not _has_context(doc, start, end, entry.type, defined, self.type_words):
                    continue
                confidence = self.ambiguous_confidence
            if entry.type == "Model":
                tail = MODEL_TAIL.match(text, end_char)
                if tail and tail.end() > end_char:
                    end_char = tail.end()
            group = self._group_of.get(match_id)
            if group is None:
                group = self._group_of[match_id] = f"lex:{entry.type}:{norm_key(entry.name)}"
            cand = Candidate(
                start_char,
                end_char,
                text[start_char:end_char],
                self.name,
                confidence,
                known=True,
                group=group,
            )
            cand.set_type(entry.type, "lexicon")
            matched.append((cand, start, end))
        candidates(doc).extend(_homonyms_by_neighbours(doc, matched, self.type_words))
        return doc


def _homonyms_by_neighbours(
    doc: Doc, matched: list[tuple[Candidate, int, int]], type_words: Mapping[str, str]
) -> list[Candidate]:
    """Keep one reading of a span two lexicon entries of different types match, when its context decides.

    A genuine homonym (GQA the benchmark and grouped-query attention,
    ``kg/lexicons/SOURCES.md``) is read as the type a type word next to it
    names ("the GQA dataset"), else as the type most of the other lexicon
    names of its sentence have, names listed with it being of its kind
    ("VQAv2, TextVQA and GQA"; "MQA, GQA and MoE"). With neither, every
    reading stays, as before.
    """
    types_at: dict[tuple[int, int], set[str]] = {}
    tokens_at: dict[tuple[int, int], tuple[int, int]] = {}
    for cand, start, end in matched:
        types_at.setdefault((cand.start, cand.end), set()).add(cand.type or "")
        tokens_at[(cand.start, cand.end)] = (start, end)
    chosen: dict[tuple[int, int], str] = {}
    sentences = sentence_ranges(doc)
    for span, types in types_at.items():
        if len(types) == 1:
            continue
        beside = _types_beside(doc, *tokens_at[span], type_words) & types
        if len(beside) == 1:
            chosen[span] = beside.pop()
            continue
        first, last = next(((a, b) for a, b in sentences if a <= span[0] < b), (0, 0))
        votes = Counter(
            next(iter(other))
            for at, other in types_at.items()
            if len(other) == 1 and at != span and first <= at[0] < last and other <= types
        )
        ranked = votes.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            chosen[span] = ranked[0][0]
    return [cand for cand, _, _ in matched if chosen.get((cand.start, cand.end), cand.type) == cand.type]


def _types_beside(doc: Doc, start: int, end: int, type_words: Mapping[str, str]) -> set[str]:
    """Return the types the type words just around tokens ``start:end`` name ("the X dataset", "X model")."""
    around = [i for i in (end, end + 1, start - 1) if 0 <= i < len(doc)]
    return {found for i in around if (found := type_words.get(doc[i].lower_))}


def _inside_compound(text: str, start: int, end: int) -> bool:
    """Tell whether a match is the tail of a hyphenated compound ("Token-Adversarial Training").

    A hyphen *after* the match is fine: "CLIP-based" still uses CLIP.
    """
    return start > 1 and text[start - 1] == "-" and text[start - 2].isalnum()


def _any_case(entry: Any, form: str) -> bool:
    """Tell whether a form may match in any case (see ``LexiconEntry.matches_any_case``)."""
    method = getattr(entry, "matches_any_case", None)
    if method is not None:
        return bool(method(form))
    return bool(entry.case_insensitive) and (form == form.lower() or " " in form)


def _defined_forms(doc: Doc) -> set[str]:
    """Return the match keys of every acronym and long form the text defines."""
    out: set[str] = set()
    for pair in get_ext(doc, "kg_abbreviations") or ():
        out.add(norm_key(pair["short"]))
        out.add(norm_key(pair["long"]))
    return out


def _has_context(
    doc: Doc, start: int, end: int, type_: str, defined: set[str], type_words: Mapping[str, str]
) -> bool:
    """Decide whether an ambiguous lexicon match is used as a name here."""
    span_text = doc[start:end].text
    if norm_key(span_text) in defined:
        return True
    if type_ in _types_beside(doc, start, end, type_words):
        return True
    if any(c.isupper() for c in span_text) and not span_text.isupper():
        sent_starts = {s for s, _ in sentence_ranges(doc)}
        if doc[start].idx not in sent_starts:
            return True
    return False


@Language.factory(
    "kg_lexicon",
    default_config={
        "entries": {"@misc": "kg.lexicon_patterns.v1", "path": None},
        "word_lists": {"@misc": "kg.word_lists.v1", "path": None},
        "confidence": 0.9,
        "ambiguous_confidence": 0.7,
    },
)
def make_lexicon(
    nlp: Language,
    name: str,
    entries: list[Any],
    word_lists: WordLists,
    confidence: float,
    ambiguous_confidence: float,
) -> LexiconMatcher:
    """Build the ``kg_lexicon`` component from already-loaded lexicon entries."""
    return LexiconMatcher(
        nlp,
        name,
        entries=entries,
        word_lists=word_lists,
        confidence=confidence,
        ambiguous_confidence=ambiguous_confidence,
    )

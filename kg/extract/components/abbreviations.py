"""``kg_abbreviations``: acronym definitions make one entity of two surface forms.

"Direct Preference Optimization (DPO)" (and the reverse "DPO (Direct ...)")
is found by :func:`kg.extract.abbreviations.find_abbreviations`
(Schwartz-Hearst, pure Python). This component turns each pair into a
long-form candidate carrying the acronym as alias, plus one candidate for
every later use of the acronym, all sharing one group so assembly merges
them. The long form's last word gives a first guess of the type.
"""

from __future__ import annotations

import dataclasses

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.abbreviations import find_abbreviations
from kg.extract.components.common import (
    Candidate,
    candidates,
    doc_text,
    norm_key,
    register_extensions,
    set_ext,
)
from kg.extract.components.patterns import type_from_last_word
from kg.extract.wordlists import WordLists, load_word_lists


class AbbreviationLinker:
    """Turn acronym definitions into grouped long-form and short-form candidates."""

    def __init__(
        self, name: str = "kg_abbreviations", *, word_lists: WordLists | None = None, confidence: float = 0.8
    ) -> None:
        register_extensions()
        self.name = name
        self.lists = word_lists or load_word_lists()
        self.confidence = confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add a long-form candidate per acronym definition and one per later use of the acronym.

        Sharing one group lets assembly merge "DPO" and "Direct Preference Optimization" into one entity.
        """
        text = doc_text(doc)
        pairs = find_abbreviations(text) if "(" in text else []
        set_ext(doc, "kg_abbreviations", [dataclasses.asdict(pair) for pair in pairs])
        found = candidates(doc)
        seen_short: set[str] = set()
        for pair in pairs:
            short, long_ = pair.short, pair.long
            if not short.strip() or not long_.strip() or short in seen_short:
                continue
            seen_short.add(short)
            group = "abbr:" + norm_key(long_)
            guess = type_from_last_word(long_, self.lists)
            long_cand = Candidate(
                pair.long_start,
                pair.long_end,
                text[pair.long_start : pair.long_end],
                self.name,
                self.confidence,
                group=group,
                aliases=(short,),
                is_long_form=True,
            )
            long_cand.set_type(guess, "abbreviation")
            found.append(long_cand)
            for start, end in uses(text, short):
                if pair.long_start <= start < pair.long_end:
                    continue
                cand = Candidate(start, end, text[start:end], self.name, self.confidence, group=group)
                cand.set_type(guess, "abbreviation")
                found.append(cand)
        return doc


def _word_char(ch: str) -> bool:
    """Tell whether ``ch`` continues a word for :func:`uses` (what regex ``[\\w-]`` matches)."""
    return ch.isalnum() or ch in "_-"


def uses(text: str, short: str) -> list[tuple[int, int]]:
    """Return the (start, end) of every free-standing use of ``short``, plural "s"/"es" included.

    A use is not preceded or followed by a letter, digit, "_" or "-" ("DPO" and
    "DPOs", not "DPO-based" or "mDPO"). Plain ``str.find`` rather than a regex
    per acronym: compiling a pattern for each new acronym cost more than the
    whole search.

    >>> t = "DPO and DPOs, not mDPO or DPO-x; DPOes."
    >>> [t[s:e] for s, e in uses(t, "DPO")]
    ['DPO', 'DPOs', 'DPOes']
    """
    out: list[tuple[int, int]] = []
    if not short:
        return out
    n = len(text)
    i = text.find(short)
    while i >= 0:
        end = i + len(short)
        if i == 0 or not _word_char(text[i - 1]):
            # a plural ending after which the word stops: "s", else "es", else none
            for tail in ("s", "es", ""):
                stop = end + len(tail)
                if (not tail or text.startswith(tail, end)) and (stop >= n or not _word_char(text[stop])):
                    out.append((i, stop))
                    i = stop
                    break
            else:
                i += 1
        else:
            i += 1
        i = text.find(short, i)
    return out


@Language.factory(
    "kg_abbreviations",
    default_config={"word_lists": {"@misc": "kg.word_lists.v1", "path": None}, "confidence": 0.8},
)
def make_abbreviations(
    nlp: Language, name: str, word_lists: WordLists, confidence: float
) -> AbbreviationLinker:
    """Build the ``kg_abbreviations`` component."""
    return AbbreviationLinker(name, word_lists=word_lists, confidence=confidence)

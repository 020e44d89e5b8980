"""``kg_lexicon``: a form two entries of different types share is read by its context (invented names)."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.components.common import candidates, set_ext
from kg.extract.components.lexicon_matcher import LexiconMatcher
from kg.lexicons import LexiconEntry

ENTRIES = [
    LexiconEntry("Dataset", "ZQA"),  # a benchmark ...
    LexiconEntry("Method", "zorb-query attention", ("ZQA",)),  # ... and an attention variant, both "ZQA"
    LexiconEntry("Dataset", "BlorpVQA"),
    LexiconEntry("Dataset", "GlimQA"),
    LexiconEntry("Method", "FlimNorm"),
    LexiconEntry("Method", "QuuxMoE"),
]


def _types_of_zqa(text: str) -> set[str]:
    nlp = spacy.blank("en")
    matcher = LexiconMatcher(nlp, entries=ENTRIES)
    doc = nlp(text)
    starts = [0] + [i + 2 for i in range(len(text)) if text.startswith(". ", i)]
    set_ext(doc, "kg_sents", [(a, b) for a, b in zip(starts, [*starts[1:], len(text)])])  # as kg_fields does
    doc = matcher(doc)
    return {c.type for c in candidates(doc) if c.text == "ZQA"}  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("We test on BlorpVQA, GlimQA and ZQA.", {"Dataset"}),  # listed with benchmarks
        ("Our decoder stacks FlimNorm, ZQA and QuuxMoE.", {"Method"}),  # listed with techniques
        ("We release the ZQA dataset with FlimNorm and QuuxMoE.", {"Dataset"}),  # a type word decides first
        ("ZQA matters.", {"Dataset", "Method"}),  # nothing decides: both readings stay
        ("We test on BlorpVQA. Our decoder uses ZQA.", {"Dataset", "Method"}),  # other sentences do not vote
    ],
)
def test_a_homonym_takes_the_type_its_context_gives(text: str, types: set[str]) -> None:
    assert _types_of_zqa(text) == types


def test_names_of_one_type_are_untouched() -> None:
    nlp = spacy.blank("en")
    doc = LexiconMatcher(nlp, entries=ENTRIES)(nlp("FlimNorm beats QuuxMoE on BlorpVQA."))
    assert sorted((c.text, c.type) for c in candidates(doc)) == [
        ("BlorpVQA", "Dataset"),
        ("FlimNorm", "Method"),
        ("QuuxMoE", "Method"),
    ]

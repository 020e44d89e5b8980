"""A gazetteer of the names the training annotations list, as a token feature of the learned tagger.

The tagger sees each paper alone; a name annotated in many training papers
("semantic segmentation", "ImageNet", "LoRA") is worth knowing as a whole
phrase, beyond what the hashed word features carry. ``train/gazetteer.py``
mines the names (annotated in at least two training papers, and annotated in
most of the training papers whose text holds them) and the tagger is trained
with each token's gazetteer tag ("B-Task", "L-Task", "U-Dataset", "" outside)
in spaCy's ``LEMMA`` attribute, which kg's pipeline does not otherwise use (no
lemmatiser). The entries travel in the tagger pipeline's ``meta.json``
(:data:`META_KEY`), so weights and gazetteer are saved, loaded and replaced
together; a tagger trained without one has no entry and gets no feature.

Matching is on tokens, case-insensitive with dashes unified, longest name
first, left to right: the same at training and at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from spacy.tokens import Doc

META_KEY = "kg_gazetteer"
"""The key of the tagger pipeline's ``meta.json`` that holds the entries."""

_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


def token_key(text: str) -> str:
    """Return the matching form of one token: lower case, every dash a hyphen-minus."""
    return text.lower().translate(_DASHES)


class Gazetteer:
    """Names (as token keys) with one type each; tags a Doc's tokens with BILUO tags of the longest matches."""

    def __init__(self, entries: Iterable[tuple[Sequence[str], str]]) -> None:
        self.table: dict[tuple[str, ...], str] = {}
        for tokens, type_ in entries:
            key = tuple(token_key(t) for t in tokens)
            if key:
                self.table[key] = type_
        self.longest = max((len(k) for k in self.table), default=0)
        self.firsts = {k[0] for k in self.table}

    def __len__(self) -> int:
        return len(self.table)

    def tags(self, doc: Doc) -> list[str]:
        """Return one tag per token: the BILUO tag of the longest name starting there, else ""."""
        keys = [token_key(t.text) for t in doc]
        tags = [""] * len(keys)
        i = 0
        while i < len(keys):
            if keys[i] in self.firsts:
                for n in range(min(self.longest, len(keys) - i), 0, -1):
                    type_ = self.table.get(tuple(keys[i : i + n]))
                    if type_ is None:
                        continue
                    if n == 1:
                        tags[i] = "U-" + type_
                    else:
                        tags[i] = "B-" + type_
                        for j in range(i + 1, i + n - 1):
                            tags[j] = "I-" + type_
                        tags[i + n - 1] = "L-" + type_
                    i += n - 1
                    break
            i += 1
        return tags

    def annotate(self, doc: Doc) -> None:
        """Write :meth:`tags` into the tokens' ``LEMMA`` (the feature the tagger reads)."""
        for token, tag in zip(doc, self.tags(doc)):
            token.lemma_ = tag

    def to_meta(self) -> list[list[Any]]:
        """Return the entries as JSON-ready ``[tokens, type]`` pairs, sorted (deterministic files)."""
        return [[list(k), t] for k, t in sorted(self.table.items())]

    @classmethod
    def from_meta(cls, data: Any) -> Gazetteer | None:
        """Return the gazetteer stored by :meth:`to_meta`, or None when ``data`` holds none."""
        if not data:
            return None
        return cls((tuple(tokens), str(type_)) for tokens, type_ in data)

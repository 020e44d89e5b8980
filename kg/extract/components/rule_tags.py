"""``kg_rule_tags``: hand the rules pipeline's entities to the tagger as token features.

Stacking: the learned tagger reads, besides each token's form, the BILUO tag
the rules gave it ("B-Method", ..., "O") through spaCy's ``TAG`` attribute
(``MultiHashEmbed`` hashes it like any other token attribute). The tagger
learns from the annotated papers when the rules are right (lexicon names,
defined acronyms, cue phrases) and when not, instead of the two being
merged by hand-set priorities. ``train/tagger.py`` runs the same component
over the training papers, so the features are the same at training and at
run time.

It reads ``doc._.kg_entities`` (from ``kg_assembly``) and then clears it and
the rules' spans (``doc.spans["kg"]``), because in the learned pipeline
``kg_learned_assembly`` writes the entities and their spans.

It also writes what the tagger's window of a few tokens cannot see, each
in a token attribute kg's pipeline does not otherwise use (no parser, no
NER, no morphology); a tagger reads those its config's ``attrs`` list and
ignores the rest:

* ``ENT_KB_ID``: the token's **place in the paper** (:func:`context_tags`):
  title or abstract, whether an abstract word also occurs in the title
  (papers name what they propose and address there), and how often the word
  occurs in the paper (a paper repeats its own method and task);
* ``ENT_ID``: the **role the rules gave** the entity the token is part of
  (:func:`role_tags`): their proposal cues read the whole paper (the
  title's name, "we propose X", an acronym the paper defines);
* ``LEMMA``: the token's place in the rules' **proposal clauses**
  (:func:`cue_codes`): in what "we propose / introduce ..." introduces, in
  what "dubbed / called ..." names, or elsewhere in such a sentence. A
  clause reaches past the window, and it holds the paper's new parts whether
  or not the rules found a name there ("a lightweight texture rectification
  module").

(Tried and left out, train/README.md: the sentence's place in the abstract,
and whether a token is part of an acronym definition: no gain on held-out
training papers; how strongly the unlabelled corpus joins a token to its
neighbours (PMI of word pairs): as much gain as the proposal clauses and
none on top of them.)
"""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import ENT_ID, ENT_KB_ID, IDX, LEMMA, LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import (
    SPANS_KEY,
    cue_windows,
    get_ext,
    register_extensions,
    sentence_at,
    set_ext,
    title_range,
)
from kg.extract.components.patterns import CuePatterns, cue_patterns
from kg.extract.wordlists import WordLists, load_word_lists

OUTSIDE = "O"
"""The feature value of a token outside every rule entity."""


def token_starts(doc: Doc) -> list[int]:
    """Return each token's character offset (one array read: a Python loop over tokens costs more)."""
    return [int(i) for i in doc.to_array(IDX)] if len(doc) else []


def _token_index(starts: list[int], start: int, end: int) -> range:
    """Return the tokens a character range touches (a range inside a token covers the token)."""
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_left(starts, end) - 1, first)
    return range(first, last + 1)


def rule_tags(doc: Doc, starts: list[int] | None = None) -> list[str]:
    """Return one BILUO tag per token from the rules' entities (``O`` outside them).

    A mention that starts or ends inside a token covers the whole token.
    ``starts`` are :func:`token_starts` when the caller has them.
    """
    tags = [OUTSIDE] * len(doc)
    entities = get_ext(doc, "kg_entities") or ()
    if not entities:
        return tags
    starts = token_starts(doc) if starts is None else starts
    for entity in entities:
        type_ = entity["type"]
        for start, end in entity["mentions"]:
            covered = _token_index(starts, start, end)
            first, last = covered[0], covered[-1]
            if first == last:
                tags[first] = "U-" + type_
                continue
            tags[first] = "B-" + type_
            for i in range(first + 1, last):
                tags[i] = "I-" + type_
            tags[last] = "L-" + type_
    return tags


#: Values of the place-in-the-paper feature: ``T`` title, ``At`` an abstract word the title
#: also has, ``A`` any other abstract word; then the word's count in the paper: 1, 2, 3-4, 5+.
CONTEXT_TAGS = tuple(kind + count for kind in ("T", "At", "A") for count in ("1", "2", "3", "5"))
#: Values of the rules' role feature: outside every rule entity, used, proposed.
ROLE_TAGS = ("", "u", "p")


def context_codes(doc: Doc) -> numpy.ndarray:
    """Return each token's index into :data:`CONTEXT_TAGS` (vectorised: it runs on every paper)."""
    if not len(doc):
        return numpy.zeros(0, dtype="int64")
    columns = doc.to_array([LOWER, IDX])
    keys, offsets = columns[:, 0], columns[:, 1].astype("int64")
    _, inverse, counts = numpy.unique(keys, return_inverse=True, return_counts=True)
    count = counts[inverse.reshape(-1)]
    bucket = numpy.select([count == 1, count == 2, count <= 4], [0, 1, 2], 3)
    title = title_range(doc)
    if title is None:
        in_title = numpy.zeros(len(doc), dtype=bool)
        title_word = in_title
    else:
        in_title = (offsets >= title[0]) & (offsets < title[1])
        title_word = numpy.isin(keys, keys[in_title])
    kind = numpy.where(in_title, 0, numpy.where(title_word, 1, 2))
    return numpy.asarray(kind * 4 + bucket, dtype="int64")


def context_tags(doc: Doc) -> list[str]:
    """Return one place-in-the-paper tag per token (:data:`CONTEXT_TAGS`).

    >>> import spacy
    >>> register_extensions()
    >>> doc = spacy.blank("en")("Zorb nets for vision. We propose zorb nets and zorb nets again.")
    >>> context_tags(doc)[:3]
    ['A3', 'A3', 'A1']
    """
    return [CONTEXT_TAGS[i] for i in context_codes(doc)]


def role_tags(doc: Doc, starts: list[int] | None = None) -> list[str]:
    """Return one tag per token: ``p`` inside an entity the rules call proposed, ``u`` used, ``""`` outside."""
    tags = [""] * len(doc)
    entities = get_ext(doc, "kg_entities") or ()
    if not entities:
        return tags
    starts = token_starts(doc) if starts is None else starts
    for entity in entities:
        mark = "p" if entity.get("role") == "proposed" else "u"
        for start, end in entity["mentions"]:
            for i in _token_index(starts, start, end):
                if tags[i] != "p":
                    tags[i] = mark
    return tags


#: Values of the proposal-clause feature: outside every cue sentence, in the object of a
#: proposal clause ("we propose <...>"), named by a naming cue ("dubbed <...>"), elsewhere
#: in a sentence that holds a proposal cue.
CUE_TAGS = ("", "P", "N", "W")


def cue_codes(doc: Doc, cues: CuePatterns, starts: list[int] | None = None) -> numpy.ndarray:
    """Return each token's index into :data:`CUE_TAGS` (the rules' proposal and naming windows).

    The windows are the ones ``kg_roles`` reads (:func:`cue_windows`, which
    keeps them on the Doc); a name the rules did not find still sits in them.
    """
    codes = numpy.zeros(len(doc), dtype="int64")
    if not len(doc):
        return codes
    proposals, naming = cue_windows(doc, cues)
    if not proposals and not naming:
        return codes
    offsets = numpy.asarray(token_starts(doc) if starts is None else starts, dtype="int64")

    def mark(start: int, end: int, code: int) -> None:
        first = max(int(numpy.searchsorted(offsets, start, side="right")) - 1, 0)
        if offsets[first] + len(doc[first]) <= start:  # the range starts after this token (a space)
            first += 1
        last = int(numpy.searchsorted(offsets, end, side="left"))
        codes[first:last] = code

    for cue_start, _, _ in proposals:
        mark(*sentence_at(doc, cue_start), 3)
    for _, object_start, object_end in proposals:
        mark(object_start, object_end, 1)
    for start, end in naming:
        mark(start, end, 2)
    return codes


def cue_tags(doc: Doc, cues: CuePatterns) -> list[str]:
    """Return one proposal-clause tag per token (:data:`CUE_TAGS`).

    >>> import spacy
    >>> from kg.extract.wordlists import load_word_lists
    >>> register_extensions()
    >>> doc = spacy.blank("en")("We propose a zorb module for vision.")
    >>> cue_tags(doc, cue_patterns(load_word_lists()))
    ['W', 'W', 'P', 'P', 'P', 'W', 'W', 'W']
    """
    return [CUE_TAGS[i] for i in cue_codes(doc, cues)]


class RuleTagger:
    """Write the rules' BILUO tags into ``token.tag_`` and the paper-wide features (module
    docstring) into ``ENT_KB_ID``, ``ENT_ID`` and ``LEMMA``; clear the rules' entity list."""

    def __init__(
        self, name: str = "kg_rule_tags", *, blind: bool = False, word_lists: WordLists | None = None
    ) -> None:
        register_extensions()
        self.name = name
        self.blind = blind
        self._vocab: object = None
        self._hashes: tuple[numpy.ndarray, dict[str, int], numpy.ndarray] | None = None
        self._cues = cue_patterns(word_lists or load_word_lists())

    def _feature_hashes(self, doc: Doc) -> tuple[numpy.ndarray, dict[str, int], numpy.ndarray]:
        """Return the string hashes of the feature values, added to the Doc's vocab once."""
        if self._hashes is None or self._vocab is not doc.vocab:
            strings = doc.vocab.strings
            context = numpy.array([strings.add(tag) for tag in CONTEXT_TAGS], dtype="uint64")
            roles = {tag: strings.add(tag) if tag else 0 for tag in ROLE_TAGS}
            cue = numpy.array([strings.add(tag) if tag else 0 for tag in CUE_TAGS], dtype="uint64")
            self._vocab, self._hashes = doc.vocab, (context, roles, cue)
        return self._hashes

    def __call__(self, doc: Doc) -> Doc:
        """Set the rules' tags and the paper-wide features of every token, then clear the rules' entities."""
        if len(doc):
            context, roles, cue_hashes = self._feature_hashes(doc)
            starts = token_starts(doc)
            tags = [OUTSIDE] * len(doc) if self.blind else rule_tags(doc, starts)
            role_values = [""] * len(doc) if self.blind else role_tags(doc, starts)
            strings = doc.vocab.strings
            columns = numpy.empty((len(doc), 4), dtype="uint64")
            columns[:, 0] = [strings.add(t) for t in tags]
            columns[:, 1] = context[context_codes(doc)]
            columns[:, 2] = [roles[r] for r in role_values]
            columns[:, 3] = 0 if self.blind else cue_hashes[cue_codes(doc, self._cues, starts)]
            doc.from_array([TAG, ENT_KB_ID, ENT_ID, LEMMA], columns)  # type: ignore[arg-type]
        set_ext(doc, "kg_entities", None)
        doc.spans.pop(SPANS_KEY, None)
        return doc


@Language.factory(
    "kg_rule_tags",
    default_config={"blind": False, "word_lists": {"@misc": "kg.word_lists.v1", "path": None}},
)
def make_rule_tags(nlp: Language, name: str, blind: bool, word_lists: WordLists) -> RuleTagger:
    """Build the ``kg_rule_tags`` component; ``blind`` hides the rules' output (the learned-only ablation)."""
    return RuleTagger(name, blind=blind, word_lists=word_lists)

"""What the kg components share: the candidate record, the Doc extensions and the result spans.

Components pass their findings along as plain :class:`Candidate` objects in a
working list (``doc.user_data["kg_candidates"]``, character offsets into
``doc.text``), so later steps (typing, roles, assembly) can revise them without
creating spaCy spans on the hot path; ``kg_assembly`` removes that list when it
has turned it into results.

The results are spaCy-native and serialisable, so ``DocBin``, ``Doc.to_bytes``
and ``nlp.pipe(n_process=...)`` work: every ``doc._.kg_*`` value is made of
str, int, float, list, tuple and dict only, and the entities are also typed
spans in ``doc.spans["kg"]`` (label = type; ``span._.kg_role``,
``span._.kg_confidence`` and ``span._.kg_name``), which displaCy
(``style="span"``, ``spans_key="kg"``) and spaCy's ``Scorer`` read.
Extension attributes are ``kg_``-prefixed and registered once.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span
from spacy.util import registry

from kg.extract.components.patterns import CuePatterns, naming_windows, proposal_windows
from kg.extract.wordlists import WordLists, load_word_lists
from kg.latex import MATH_DOLLAR
from kg.normalize import match_key

#: :func:`kg.normalize.match_key`, memoised: the same names recur across candidates and papers.
norm_key = functools.lru_cache(maxsize=200_000)(match_key)

#: Doc extensions the kg components read and write (name -> description); every value is plain data.
EXTENSIONS: dict[str, str] = {
    "kg_fields": "tuple of (field, start, end) character ranges; None means the whole text is the abstract",
    "kg_sents": "list of (start, end) character ranges of the sentences",
    "kg_links": "list of dicts: url, kind (kg.links), start, end (offsets into doc.text)",
    "kg_abbreviations": "list of dicts: short, long, short_start, short_end, long_start, long_end",
    "kg_entities": "list of dicts: type, name, aliases, role, confidence, component, mentions [[start, end]]",
}
#: Span extensions of the spans in ``doc.spans[SPANS_KEY]`` (name -> description).
SPAN_EXTENSIONS: dict[str, str] = {
    "kg_role": "'proposed' or 'used'",
    "kg_confidence": "the entity's confidence, in [0, 1]",
    "kg_name": "the name of the entity this span mentions (its long form, for an acronym)",
}
#: ``doc.spans`` key of the entity mentions (label = entity type).
SPANS_KEY = "kg"
#: ``doc.user_data`` key of the working candidate list (removed by ``kg_assembly``).
CANDIDATES_KEY = "kg_candidates"
#: ``doc.user_data`` keys of per-Doc caches, dropped with the candidates.
_CACHE_KEYS = ("kg_cues", "kg_sent_starts")

#: How much each kind of evidence for a type counts when candidates disagree.
TYPE_PRIORITY: dict[str, int] = {
    "lexicon": 50,
    "abbreviation": 45,
    "context": 40,
    "shape": 20,
    "default": 0,
}


@dataclass(slots=True)
class Candidate:
    """A span some component believes names an entity.

    Attributes:
        start: character offset into ``doc.text``.
        end: character offset (exclusive).
        text: ``doc.text[start:end]``.
        component: the factory name of the component that found it.
        confidence: the finder's own belief, in [0, 1].
        type: the entity type, once known.
        type_evidence: key of :data:`TYPE_PRIORITY` saying how the type was set.
        proposed: True when a rule saw the paper introduce it.
        known: True when a lexicon knows it (well-known names are never "proposed" by cue alone).
        group: a key shared by spans that name the same thing (lexicon entry, acronym definition).
        aliases: other surface forms that belong to it (e.g. the acronym of a long form).
        is_long_form: True for the long form of an acronym definition (it names the entity).
        expansion: the text with defined acronyms spelled out ("KG completion" ->
            "knowledge graph completion"), when it uses one.
        type_scores: (type, probability) pairs when a learned tagger typed it
            (the assembler sums them over an entity's mentions).
        proposed_probability: a role-tagged learned tagger's belief that the
            paper proposes what this mention names (None: no such belief).
    """

    start: int
    end: int
    text: str
    component: str
    confidence: float
    type: str | None = None
    type_evidence: str = "default"
    proposed: bool = False
    known: bool = False
    group: str | None = None
    aliases: tuple[str, ...] = ()
    is_long_form: bool = False
    expansion: str = ""
    type_scores: tuple[tuple[str, float], ...] = ()
    proposed_probability: float | None = None

    def set_type(self, type_: str | None, evidence: str) -> None:
        """Set the type when ``evidence`` outranks what set the current one."""
        if type_ is None:
            return
        if self.type is None or TYPE_PRIORITY[evidence] > TYPE_PRIORITY[self.type_evidence]:
            self.type = type_
            self.type_evidence = evidence


@registry.misc("kg.word_lists.v1")
def word_lists(path: str | None = None) -> WordLists:
    """Load the word lists the components share (the bundled ``kg/extract/words/`` when ``path`` is None)."""
    return load_word_lists(path)


#: Whether :func:`get_ext` / :func:`set_ext` may use ``doc.user_data`` directly (checked once).
_DIRECT: bool | None = None


def _ext_key(name: str) -> tuple[str, str, None, None]:
    """Return the ``doc.user_data`` key under which spaCy keeps the Doc extension ``name``."""
    return ("._.", name, None, None)


_SENTS_KEY = _ext_key("kg_sents")


def pattern_tokenizer(nlp: Any) -> Any:
    """Return a throw-away tokenizer of ``nlp``'s language for building matcher patterns.

    Feeding thousands of unseen pattern strings through ``nlp.tokenizer``
    slows all its later tokenisation several-fold (measured 5-10x with spaCy
    3.8); phrase matchers only need the attribute hashes, which are the same.
    """
    from spacy.util import get_lang_class

    return get_lang_class(nlp.lang or "en")().tokenizer


def register_extensions() -> None:
    """Register the ``kg_*`` Doc and Span extensions once per process."""
    global _DIRECT
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if _DIRECT is None:
        _DIRECT = _direct_access_works()


def _direct_access_works() -> bool:
    """Check once that spaCy stores Doc extension values under :func:`_ext_key` in ``user_data``."""
    from spacy.vocab import Vocab

    probe = Doc(Vocab(), words=["probe"])
    marker = object()
    probe._.kg_links = marker
    probe[0:1]._.kg_name = marker
    user_data: dict[Any, Any] = probe.user_data
    return user_data.get(_ext_key("kg_links")) is marker and user_data.get(("._.", "kg_name", 0, 5)) is marker


def get_ext(doc: Doc, name: str) -> Any:
    """Return ``doc._.<name>`` for a ``kg_*`` extension (default None), without the ``doc._`` object.

    Every ``doc._`` access builds a new ``Underscore`` object; on the hot path
    (thousands of sentence look-ups per batch) that cost more than the
    look-up itself. spaCy keeps extension values in ``doc.user_data``; when
    :func:`register_extensions` found that layout, read it directly.

    >>> import spacy
    >>> register_extensions()
    >>> doc = spacy.blank("en")("A text.")
    >>> set_ext(doc, "kg_links", ["x"])
    >>> get_ext(doc, "kg_links"), doc._.kg_links, get_ext(doc, "kg_entities")
    (['x'], ['x'], None)
    """
    if _DIRECT:
        user_data: dict[Any, Any] = doc.user_data  # keys are str or tuple (spaCy's stub says str)
        return user_data.get(("._.", name, None, None))  # _ext_key, inlined: this is hot
    return getattr(doc._, name)


def set_ext(doc: Doc, name: str, value: Any) -> None:
    """Set ``doc._.<name>`` for a ``kg_*`` extension (see :func:`get_ext`)."""
    if _DIRECT:
        user_data: dict[Any, Any] = doc.user_data
        user_data[("._.", name, None, None)] = value
    else:
        setattr(doc._, name, value)


def set_span_ext(span: Span, name: str, value: Any) -> None:
    """Set ``span._.<name>`` for a ``kg_*`` span extension (see :func:`get_ext`: no ``span._`` object)."""
    if _DIRECT:
        user_data: dict[Any, Any] = span.doc.user_data
        user_data[("._.", name, span.start_char, span.end_char)] = value
    else:
        setattr(span._, name, value)


def doc_text(doc: Doc) -> str:
    """Return ``doc.text``, computed once per Doc (spaCy rebuilds it from the tokens on every access)."""
    text: str | None = doc.user_data.get("kg_text")
    if text is None:
        text = doc.text
        doc.user_data["kg_text"] = text
    return text


def candidates(doc: Doc) -> list[Candidate]:
    """Return the Doc's working candidate list, creating it on first use."""
    found: list[Candidate] | None = doc.user_data.get(CANDIDATES_KEY)
    if found is None:
        found = []
        doc.user_data[CANDIDATES_KEY] = found
    return found


def drop_working_state(doc: Doc) -> None:
    """Remove the candidate list and the per-Doc caches, so only serialisable results remain."""
    user_data: dict[Any, Any] = doc.user_data
    for key in (CANDIDATES_KEY, *_CACHE_KEYS):
        user_data.pop(key, None)


def fields_of(doc: Doc) -> tuple[tuple[str, int, int], ...]:
    """Return the Doc's field ranges; a Doc made from plain text is all abstract."""
    value: Any = get_ext(doc, "kg_fields")
    if value:
        return tuple(value)
    return (("abstract", 0, len(doc_text(doc))),)


def title_range(doc: Doc) -> tuple[int, int] | None:
    """Return the (start, end) of the title field, or None when there is no title."""
    for name, start, end in fields_of(doc):
        if name == "title" and end > start:
            return start, end
    return None


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Return the sentence character ranges (set by ``kg_fields``; the whole text when it did not run).

    A Doc read back from bytes may hold them as lists (msgpack does not keep
    tuples); they are turned back into tuples, which callers use as keys.
    """
    value: list[tuple[int, int]] | None = get_ext(doc, "kg_sents")
    if value is None:
        value = [(0, len(doc_text(doc)))]
        set_ext(doc, "kg_sents", value)
    elif value and type(value[0]) is not tuple:
        value = [(start, end) for start, end in value]
        set_ext(doc, "kg_sents", value)
    return value


def sentence_at(doc: Doc, offset: int) -> tuple[int, int]:
    """Return the range of the sentence that holds character ``offset`` (binary search)."""
    user_data: dict[Any, Any] = doc.user_data
    ranges = user_data.get(_SENTS_KEY) if _DIRECT else None  # the hot path: no function calls
    if ranges is None or ranges and type(ranges[0]) is not tuple:
        ranges = sentence_ranges(doc)
    if not ranges:
        return 0, len(doc_text(doc))
    index: tuple[list[tuple[int, int]], list[int]] | None = user_data.get("kg_sent_starts")
    if index is None or index[0] is not ranges or len(index[1]) != len(ranges):  # else rebuild
        index = (ranges, [r[0] for r in ranges])
        user_data["kg_sent_starts"] = index
    i = max(bisect.bisect_right(index[1], offset) - 1, 0)
    return ranges[i]


def cue_windows(doc: Doc, cues: CuePatterns) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Return the Doc's proposal windows (cue start, object start, object end) and naming windows.

    Computed once per Doc and cue set with one pass of each cue pattern over the whole text
    (see :mod:`kg.extract.components.patterns`); a window never runs past its sentence.
    """
    cached = doc.user_data.get("kg_cues")
    if cached is None or cached[0] != id(cues):
        text = doc_text(doc)
        proposals = []
        for cue_start, o_start, o_end in proposal_windows(text, 0, len(text), cues):
            s_end = sentence_at(doc, cue_start)[1]
            proposals.append((cue_start, o_start, min(o_end, s_end)))
        naming = []
        for n_start, n_end in naming_windows(text, 0, len(text), cues):
            naming.append((n_start, min(n_end, sentence_at(doc, n_start)[1])))
        cached = (id(cues), proposals, naming)
        doc.user_data["kg_cues"] = cached
    return cached[1], cached[2]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Return True when two half-open ranges share at least one character."""
    return a_start < b_end and b_start < a_end


def mention_spans(doc: Doc, entities: list[dict[str, Any]]) -> list[Span]:
    """Return one span per entity mention, labelled with the entity's type.

    The role, confidence and name of the entity are set as span extensions.
    A mention inside a token ("GPT-4o" in "GPT-4o-based") is widened to whole
    tokens; two mentions that widen to the same tokens give one span.
    """
    spans: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for entity in entities:
        for start, end in entity["mentions"]:
            span = doc.char_span(start, end, label=entity["type"], alignment_mode="expand")
            if span is None or (span.start, span.end) in seen:
                continue
            seen.add((span.start, span.end))
            set_span_ext(span, "kg_role", entity["role"])
            set_span_ext(span, "kg_confidence", entity["confidence"])
            set_span_ext(span, "kg_name", entity["name"])
            spans.append(span)
    return spans


#: Articles a mention loses at its start ("the Zorb benchmark" -> "Zorb benchmark").
LEADING_ARTICLES = ("the ", "The ", "a ", "A ", "an ", "An ")
# A Latin abbreviation at a name's edge is the sentence going on ("keyword spotting i.e. finding
# ...", "e.g. Zorb"): the tagger sometimes runs a mention into it.
# Lower case only (a capital "E.g." or "I.e." aside): "Neural CF" is collaborative filtering.
_LATIN = r"(?:[iI]\.\s?e|[eE]\.\s?g|etc|cf|viz|vs|a\.k\.a)\b"
#: "i.e.", "e.g.", "etc." ... where they start (a word with its dot).
LATIN_ABBREVIATION = re.compile(_LATIN + r"\.")
_LATIN_TAIL = re.compile(r"\s+" + _LATIN + r"\.?$")
_LATIN_LEAD = re.compile(_LATIN + r"\.?,?\s+")
#: LaTeX a name is wrapped in (a command with its brace, math dollars) or a command left dangling.
_LATEX_LEAD = re.compile(r"(?:\$|\\[A-Za-z]+\{)+")
_LATEX_TAIL = re.compile(r"(?:\s*\\[A-Za-z]+\{?|[}$])+$")
#: Characters a mention never starts or ends with.
NAME_EDGE = " \t\n\r.,;:!?\"'`()[]{}<>\u201c\u201d\u2018\u2019*~"


def is_title_proposal(cand: Candidate, min_confidence: float) -> bool:
    """Tell whether ``kg_names`` proposed a candidate confidently enough (its title's "NAME: ...").

    Only such a proposal makes a well-known (lexicon) name ``proposed``; both
    assemblers ask this, with their ``title_proposal_confidence``.
    """
    return cand.proposed and cand.component == "kg_names" and cand.confidence >= min_confidence


_CLOSING = {")": "(", "]": "[", "}": "{"}


def _brackets(text: str, start: int, end: int) -> tuple[list[int], int | None]:
    """Scan ``text[start:end]``: the brackets opened and not closed there, and the first that closes nothing."""
    opened: list[int] = []
    stray: int | None = None
    for i in range(start, end):
        if text[i] in "([{":
            opened.append(i)
        elif text[i] in _CLOSING:
            if opened:
                opened.pop()
            elif stray is None:
                stray = i
    return opened, stray


def _edge_end(text: str, start: int, end: int) -> int:
    """Return ``end`` moved left past edge punctuation (:data:`NAME_EDGE`)."""
    while end > start and text[end - 1] in NAME_EDGE:
        end -= 1
    return end


def _closes_inside(text: str, start: int, end: int) -> bool:
    """Tell whether ``text[end - 1]`` closes a bracket opened within ``text[start:end]`` ("TD(0)")."""
    opened, _ = _brackets(text, start, end - 1)
    return bool(opened) and _CLOSING.get(text[end - 1]) == text[opened[-1]]


#: How far past a name's end its formula's closing dollar is looked for (the text is untrusted).
_FORMULA_REACH = 64


def _whole_formulas(text: str, start: int, end: int) -> tuple[int, int]:
    """Return ``(start, end)`` widened so the name holds whole inline formulas.

    The tokenizer splits a dollar from the word it touches, so a mention can
    take half of a formula: "k$-means" of "$k$-means", "NEAR$^2" of
    "NEAR$^2$". A name with an odd number of math dollars takes the other
    dollar of its formula from the same word (no space between): the one
    before it when the word opens a formula before the name, else the next
    one after it. A name that cannot be completed this way is left as it is.
    """
    if len(MATH_DOLLAR.findall(text, start, end)) % 2 == 0:
        return start, _joined_formula(text, start, end)
    word_start = start
    while word_start > max(0, start - _FORMULA_REACH) and not text[word_start - 1].isspace():
        word_start -= 1
    before = [m.start() for m in MATH_DOLLAR.finditer(text, word_start, start)]
    if len(before) % 2 == 1:
        return before[-1], end
    word_end = end
    while word_end < min(len(text), end + _FORMULA_REACH) and not text[word_end].isspace():
        word_end += 1
    closing = MATH_DOLLAR.search(text, end, word_end)
    return (start, closing.end()) if closing else (start, end)


def _joined_formula(text: str, start: int, end: int) -> int:
    """Return ``end`` moved past a formula or brace group the name's last hyphen joins ("ZorbArt-$\\alpha$").

    A name ending in "-" right before "$" or "{" goes on into the formula:
    the tokenizer split it there, and "ZorbArt-" alone is no name.
    """
    if end - start < 2 or end >= len(text) or text[end - 1] != "-":
        return end
    reach = min(len(text), end + _FORMULA_REACH)
    if text[end] == "$" and not text.startswith("$$", end):  # display math is no part of a name
        closing = MATH_DOLLAR.search(text, end + 1, reach)
        if closing and not any(ch.isspace() for ch in text[end : closing.start()]):
            return closing.end()
    elif text[end] == "{":
        depth = 0
        for i in range(end, reach):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                return i + 1
            if text[i].isspace():
                break
    return end


def _without_trailing_edge(text: str, start: int, end: int) -> int:
    """Return ``end`` moved left past edge punctuation, keeping a bracket the name closes ("(GLS)")."""
    while end > start and text[end - 1] in NAME_EDGE and not _closes_inside(text, start, end):
        end -= 1
    return end


def trim_candidate(text: str, cand: Candidate, *, possessive: bool = False) -> None:
    """Strip surrounding punctuation and one leading article from a candidate, in place.

    Both assemblers (rules and learned) trim the same way, so a name reads the
    same whichever component found it; ``possessive`` also drops a trailing
    "'s" (the rules' phrase matcher takes "Zorb's" whole, the tagger does not).
    A bracket the mention opens and never closes ends it: "Kullback-Leibler (KL"
    is the name before a definition the mention ran into; one it closes without
    opening splits it ("NeRF)-based" -> "NeRF", "1)Long Tail" -> "Long Tail"); LaTeX around a name
    ("\\textbf{Zorb}", "$\\textit{Zorb}$") is not part of it, nor is a Latin abbreviation at
    either edge ("zorb spotting i.e.", "e.g. ZorbNet").
    """
    start, end = cand.start, cand.end
    while True:  # edge punctuation and LaTeX markup around the name: "$\\textbf{Zorb}$"
        while start < end and text[start] in NAME_EDGE:
            start += 1
        lead = _LATEX_LEAD.match(text, start, end)
        tail = _LATEX_TAIL.search(text, start, end)
        if not lead and not tail:
            break
        start, end = (lead.end() if lead else start), (tail.start() if tail else end)
        end = max(start, end)  # "$ $": the lead and the tail met
    end = _without_trailing_edge(text, start, end)
    latin = _LATIN_LEAD.match(text, start, end)
    if latin and latin.end() < end:
        start = latin.end()
    latin = _LATIN_TAIL.search(text, start, end)
    if latin and latin.start() > start:
        end = _without_trailing_edge(text, start, latin.start())
    _, stray = _brackets(text, start, end)
    if stray is not None:
        # "(NeRF)-based" tagged from inside the bracket: the name before it, unless a capitalised
        # name follows ("1)Long Tail Distribution", "(t)PARAFAC2").
        after = stray + 1
        while after < end and (text[after] in NAME_EDGE or text[after] in "-+/_"):
            after += 1
        if after < end and (text[after].isupper() or text[after].isdigit()):
            start = after
        else:
            end = _edge_end(text, start, stray)
    unclosed, _ = _brackets(text, start, end)
    if unclosed and all(text[i] == "{" for i in unclosed) and text.startswith("}" * len(unclosed), end):
        end += len(unclosed)  # a LaTeX group the tokenizer split from its brace: 'Szeg\\"{o' + '}'
    elif unclosed:
        end = _edge_end(text, start, unclosed[0])
    start, end = _whole_formulas(text, start, end)
    for article in LEADING_ARTICLES:
        if text.startswith(article, start) and end - start > len(article):
            start += len(article)
            break
    if possessive and text.endswith("'s", start, end):
        end -= 2
    if (start, end) != (cand.start, cand.end):
        cand.start, cand.end, cand.text = start, end, text[start:end]

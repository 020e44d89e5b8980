"""``kg_typing``: decide the type of each candidate from its context and shape.

Evidence, strongest first (a lexicon type always wins, see
:data:`~kg.extract.components.common.TYPE_PRIORITY`):

* a type word next to the name: "the X benchmark", "X model", "the dataset X";
* "<plural type word> such as / like / including X", "a model called X",
  a data verb ("we collect / curate X");
* an appositive or copula: "X, a new benchmark for ...", "X is a framework",
  "X, a test set of ..." (but not a verb phrase: "X: Training Robots to ...");
* the name's own shape: a size suffix (7B) or a model-like ending -> Model,
  a ``Bench``/``Set`` ending -> Dataset; the last word of a multi-word name;
* otherwise Method, the most common type of a coined name.

The module is called ``typing_`` so it does not shadow the standard library.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import TYPE_PRIORITY, Candidate, candidates, doc_text, register_extensions
from kg.extract.components.patterns import type_from_last_word
from kg.extract.wordlists import WordLists, load_word_lists

_NEXT_WORDS = re.compile(r"\s*(?:\([^()\n]{1,30}\)\s*)?([A-Za-z][\w-]*)(?:\s+([A-Za-z][\w-]*))?")
_APPOSITIVE = re.compile(
    r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:,|\bis|\bas|:|\u2014|--)\s*((?:a|an|the|our|one|first)\b)?\s*"
    r"((?:[\w-]+[ \t]*){1,6})"
)
_SIZE = re.compile(r"\d+(?:\.\d+)?[BMbm]\b|[Ii]nstruct\b|[Cc]hat\b")
_MODEL_ENDING = re.compile(r"(?:GPT|BERT|LLaMA|LLM|LM|VLM|Net-\d+)$")
_DATASET_ENDING = re.compile(
    r"(?:Bench|Benchmark|Set|Corpus|QA|Eval|Arena)(?:-\w+)?$|\d+[Kk]$|-(?:Train|Test|Dev|Val|Valid)$"
)
#: "evaluated on X", "experiments on X", "trained on X": what follows is data.
_DATA_VERB_BEFORE = re.compile(
    r"\b(?:evaluat\w*|experiment\w*|results?|tested|test|trained|train|training|pre-?trained|fine-?tuned|"
    r"benchmark\w*|accuracy|performance|scores?|state-of-the-art|sota|gains?)\s+(?:\w+\s+){0,3}?"
    r"(?:on|in|using|from)\s+(?:the\s+)?(?:[\w.-]+\s*,\s*|[\w.-]+\s+and\s+)*$",
    re.IGNORECASE,
)
_DATA_PREPOSITION_TAIL = (" on", " in", " using", " from", " the", ",", " and")
#: Between two items of a list: ", ", " and ", ", and ", " or ".
_LIST_BEFORE = re.compile(r"(?:,|\band|\bor)\s*$")
_LIST_GAP = re.compile(r"\s*(?:,|/)?\s*(?:and|or)?\s*")


def context_type(text: str, cand: Candidate, lists: WordLists) -> str | None:
    """Return the type a neighbouring type word gives ``cand``, if any."""
    head_types = lists.beside_types
    m = _NEXT_WORDS.match(text, cand.end)
    if m:
        first = m.group(1).lower()
        plural = first.endswith("s") and first[:-1] in head_types
        if first in head_types and (
            not plural or _LIST_BEFORE.search(text, max(0, cand.start - 8), cand.start)
        ):
            return head_types[first]
        second = (m.group(2) or "").lower()
        if second in head_types and first.endswith(("-based", "-scale", "-level", "-source")):
            return head_types[second]
    example_type = _example_of(text, cand.start, head_types)
    if example_type:
        return example_type
    prev = previous_word(text, cand.start).lower()
    if prev in lists.data_verbs:  # "we collect X", "we curate X": only data is collected
        return "Dataset"
    if prev in lists.naming_words:  # "a compact model called X": the type word stands before the cue
        prev = previous_word(text, text.rfind(prev, max(0, cand.start - 20), cand.start)).lower()
    if prev in head_types and prev not in ("task", "tasks", "problem"):
        return head_types[prev]
    m = _APPOSITIVE.match(text, cand.end)
    if m and not _verb_phrase(m.group(1), m.group(2), head_types):
        last = ""
        for word in m.group(2).split():  # "X, a novel synthetic multi-domain dataset ..."
            low = word.lower()
            if low in lists.appositive_stop:
                break
            found = head_types.get(low)
            if found:
                return found
            if m.group(1) and low in ("set", "sets", "split", "splits") and last in lists.split_words:
                return "Dataset"  # "X, a held-out test set of ..."
            last = low
    return None


#: "... models such as X", "benchmarks like X", "tasks, e.g., X": X is an instance of the type word.
_EXAMPLE_OF = re.compile(
    r"\b([A-Za-z][\w-]*)\s*(?:\([^()]{1,12}\)\s*)?,?\s*(?:like|such as|including|e\.g\.,?)\s+(?:the\s+)?$"
)
_EXAMPLE_CUES = ("like ", "such as ", "including ", "e.g.")


def _example_of(text: str, start: int, head_types: Mapping[str, str]) -> str | None:
    """Return the type of the plural type word that ``start`` gives an example of, if any.

    >>> types = {"backbones": "Model"}
    >>> _example_of("vision backbones such as ZorbNet", 25, types), _example_of("feels like Zorb", 11, types)
    ('Model', None)
    """
    before = text[max(0, start - 60) : start]
    if not any(cue in before[-12:] for cue in _EXAMPLE_CUES):
        return None
    m = _EXAMPLE_OF.search(before)
    if not m:
        return None
    word = m.group(1).lower()
    if not word.endswith(("s", "a")) or word not in head_types:
        return None  # only a plural names the kind ("models like X"); "a model like X" compares
    return head_types[word]


def _verb_phrase(article: str | None, words: str, head_types: Mapping[str, str]) -> bool:
    """Tell whether an appositive is a verb phrase ("X: Training Small Models to Plan"), not a noun phrase.

    Its nouns then say what the name acts on, not what it is: the name of a
    method that trains models is not a model.

    >>> _verb_phrase(None, "Teaching Robots to Walk", {}), _verb_phrase("a", "learning framework", {})
    (True, False)
    """
    if article:
        return False
    first = words.split(maxsplit=1)[0].lower() if words.strip() else ""
    return len(first) > 4 and first.endswith("ing") and first not in head_types


def shape_type(name: str, lists: WordLists) -> str | None:
    """Return the type a name's own shape suggests.

    >>> lists = load_word_lists()
    >>> [shape_type(n, lists) for n in ("Zorba-13B", "FooBench", "Quux Loss", "Blorp", "Zorp-Test")]
    ['Model', 'Dataset', 'Method', None, 'Dataset']
    """
    if _SIZE.search(name) or _MODEL_ENDING.search(name):
        return "Model"
    if _DATASET_ENDING.search(name):
        return "Dataset"
    if " " in name or "-" in name:
        return type_from_last_word(name.replace("-", " "), lists)
    return None


def previous_word(text: str, at: int) -> str:
    """Return the word before offset ``at``, skipping spaces and one comma ("" at a sentence start).

    >>> previous_word("the benchmark, Foo", 15)
    'benchmark'
    """
    j = at
    while j > 0 and text[j - 1] in " ,":
        j -= 1
    k = j
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] == "-"):
        k -= 1
    return text[k:j]


def data_context(text: str, cand: Candidate) -> bool:
    """Tell whether ``cand`` is what something was evaluated or trained on ("results on X")."""
    before = text[max(0, cand.start - 80) : cand.start]
    if not before.rstrip().endswith(_DATA_PREPOSITION_TAIL) and " on " not in before[-40:]:
        return False
    return _DATA_VERB_BEFORE.search(before) is not None


def propagate_lists(text: str, found: list[Candidate]) -> None:
    """Give list items the type a sure neighbour has ("X, Y and Z datasets", "on FooSet and Bar").

    A neighbour is sure when a lexicon or a type word typed it; the type flows
    to items typed only by default, or by shape when it is a dataset (names
    like "Foo-1M" look like model sizes).
    """
    spans: dict[tuple[int, int], list[Candidate]] = {}
    for cand in found:
        spans.setdefault((cand.start, cand.end), []).append(cand)
    ordered = sorted(spans)

    def sure(span: tuple[int, int]) -> str | None:
        best = max(spans[span], key=lambda c: TYPE_PRIORITY[c.type_evidence])
        return best.type if best.type_evidence in ("lexicon", "context") else None

    def give(span: tuple[int, int], type_: str) -> None:
        for cand in spans[span]:
            weak = cand.type is None or cand.type_evidence == "default"
            if weak or (cand.type_evidence == "shape" and type_ == "Dataset"):
                cand.type, cand.type_evidence = type_, "context"

    pairs = [
        (left, right)
        for left, right in itertools.pairwise(ordered)
        if left[1] <= right[0] and _LIST_GAP.fullmatch(text, left[1], right[0])
    ]
    for left, right in reversed(pairs):
        type_ = sure(right)
        if type_ and not sure(left):
            give(left, type_)
    for left, right in pairs:
        type_ = sure(left)
        if type_ and not sure(right):
            give(right, type_)


_DATA_LIST = re.compile(
    r"\b(?:datasets?|benchmarks?|corpus|corpora|tasks|suites?|collections?)\s*\(([^()]{1,300})\)"
)


def _type_parenthesised_lists(text: str, found: list[Candidate]) -> None:
    """Type the names listed in brackets after a data word as datasets ("tasks (Foo, Bar)")."""
    for m in _DATA_LIST.finditer(text):
        inner_start, inner_end = m.start(1), m.end(1)
        for cand in found:
            if (
                inner_start <= cand.start
                and cand.end <= inner_end
                and cand.type_evidence in ("default", "shape")
            ):
                cand.type, cand.type_evidence = "Dataset", "context"


class Typer:
    """Give every candidate a type, keeping stronger evidence already set."""

    def __init__(
        self, name: str = "kg_typing", *, word_lists: WordLists | None = None, default_type: str = "Method"
    ) -> None:
        register_extensions()
        self.name = name
        self.lists = word_lists or load_word_lists()
        self.default_type = default_type

    def __call__(self, doc: Doc) -> Doc:
        """Type every candidate from its context, then its shape, then the default, strongest evidence first."""
        text = doc_text(doc)
        found = candidates(doc)
        lists = self.lists
        for cand in found:
            if cand.type_evidence in ("lexicon", "context"):
                continue
            cand.set_type(context_type(text, cand, lists), "context")
            weak = cand.type is None or cand.type_evidence in ("default", "shape")
            if weak and cand.component == "kg_names" and data_context(text, cand):
                cand.set_type("Dataset", "context")
            if cand.type is None or cand.type_evidence == "default":
                cand.set_type(shape_type(cand.text, lists), "shape")
        propagate_lists(text, found)
        if "(" in text:
            _type_parenthesised_lists(text, found)
        for cand in found:
            if cand.type is None:
                cand.type = self.default_type
                cand.type_evidence = "default"
        return doc


@Language.factory(
    "kg_typing",
    default_config={"word_lists": {"@misc": "kg.word_lists.v1", "path": None}, "default_type": "Method"},
)
def make_typing(nlp: Language, name: str, word_lists: WordLists, default_type: str) -> Typer:
    """Build the ``kg_typing`` component."""
    return Typer(name, word_lists=word_lists, default_type=default_type)

"""Surfaces that are no entity under the annotation guide, and common words that need evidence to be names.

Two kinds of knowledge the resolver applies on top of the extractor's
generic phrases (:mod:`kg.clustering` drops those already):

- ``kg/data/not-entities.tsv`` (``phrase reason``): things papers mention
  that the guide does not count as methods, models, datasets or tasks:
  imaging modalities (MRI), sensors (LiDAR), platforms and games used as
  data sources, statistical measures, empirical laws, bare architecture
  patterns, capability phrases ("multi-step reasoning") and acronyms that
  mostly stand for a category ("FMs": foundation models). A phrase written
  in lower case matches any casing, spelling and plural
  (:func:`kg.names.variant_key`); one
  written with capitals matches that casing only, so "LoRa" (the radio
  protocol) never drops "LoRA".
- ``kg/data/name-context.tsv`` (``kind word``): the words that may stand
  next to a common English word when it is used as a name ("on *Weather*,
  ETTh1 and ..."; "the *Traffic* dataset") rather than as the word or as
  the first half of a longer term ("Fisher information", "Digital Twins",
  "boosting performance"). Which words are common is the lexicon's
  knowledge: the one-word forms of entries flagged ``ambiguous``.

Both files are read once by a strict loader (header checked, ``path:line``
errors, no entry twice). Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kg.errors import InputError
from kg.io import read_text
from kg.names import variant_key
from kg.normalize import collapse_whitespace

__all__ = [
    "CONTEXT_KINDS",
    "NOT_ENTITY_REASONS",
    "NameContext",
    "common_word_forms",
    "load_name_context",
    "load_not_entities",
    "name_context",
    "name_evidence",
    "needs_name_evidence",
    "not_entity_reason",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
NOT_ENTITIES_FILE = "not-entities.tsv"
CONTEXT_FILE = "name-context.tsv"

#: Why a phrase is no entity (column ``reason`` of ``not-entities.tsv``).
NOT_ENTITY_REASONS = frozenset(
    {
        "modality",
        "hardware",
        "platform",
        "measure",
        "law",
        "pattern",
        "capability",
        "category",
        "field",
        "generic",
    }
)
#: Kinds of ``name-context.tsv``: a ``type`` word after a name says it is one; an ``after_not`` word after it says
#: it is not; only an ``after_gerund`` word may follow a name that is a gerund ("boosting").
CONTEXT_KINDS = frozenset({"type", "after_not", "after_gerund"})

_ONE_WORD = re.compile(r"[A-Za-z][a-z]+")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w.\-]*)\W*$")
_WORD_AFTER = re.compile(r"^\s*([A-Za-z][\w\-]*)")
_JOINING = frozenset("-/'\u2010\u2011\u2013\u2019")


def _rows(path: Path, header: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    lines = read_text(path, what="word list").splitlines()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise InputError(f"first line must be the header {'<TAB>'.join(header)!r}", path=path, line=1)
    for line_no, raw in enumerate(lines[1:], start=2):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("\t")]
        if len(cols) != len(header) or not all(cols):
            raise InputError(
                f"expected {len(header)} non-empty tab-separated columns", path=path, line=line_no
            )
        yield line_no, cols


def load_not_entities(folder: str | Path = DATA_DIR) -> dict[str, str]:
    """Read ``not-entities.tsv``: lower-case phrase (match key) or exact surface -> reason.

    Raises:
        InputError: a wrong header, an unknown reason or a phrase listed twice (file and line named).
    """
    path = Path(folder) / NOT_ENTITIES_FILE
    out: dict[str, str] = {}
    first: dict[str, int] = {}
    for line_no, (phrase, reason) in _rows(path, ("phrase", "reason")):
        if reason not in NOT_ENTITY_REASONS:
            raise InputError(
                f"unknown reason {reason!r}; expected one of {sorted(NOT_ENTITY_REASONS)}",
                path=path,
                line=line_no,
            )
        key = variant_key(phrase) if phrase == phrase.lower() else collapse_whitespace(phrase)
        if key in first:
            raise InputError(f"{phrase!r} already listed on line {first[key]}", path=path, line=line_no)
        first[key] = line_no
        out[key] = reason
    return out


@lru_cache(maxsize=1)
def _not_entities() -> dict[str, str]:
    return load_not_entities()


def not_entity_reason(surface: str) -> str:
    """Return why a surface names no entity under the guide (a reason of ``not-entities.tsv``), or ``""``.

    >>> not_entity_reason("Magnetic Resonance Imaging"), not_entity_reason("LoRa"), not_entity_reason("LoRA")
    ('modality', 'hardware', '')
    """
    table = _not_entities()
    return table.get(collapse_whitespace(surface)) or table.get(variant_key(surface), "")


@dataclass(frozen=True)
class NameContext:
    """Words after a common word that say whether it is used as a name.

    Attributes:
        types: lower-case type words that say it is a name ("dataset", "benchmark", "blocks").
        after_not: determiners that say it is a verb ("boosting *the* accuracy").
        after_gerund: the words that may follow a name that is a gerund
            ("boosting *and* bagging"); any other word makes it a verb with its object.
        function_words: lower-case words that may follow a name in prose ("and",
            "for", "achieves": the extractor's stop words); any other lower-case
            word after it makes it the first word of a longer term.
    """

    types: frozenset[str]
    after_not: frozenset[str]
    after_gerund: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()


def load_name_context(folder: str | Path = DATA_DIR) -> NameContext:
    """Read ``name-context.tsv``.

    Raises:
        InputError: a wrong header, an unknown kind, a word not in lower case or listed twice.
    """
    path = Path(folder) / CONTEXT_FILE
    words: dict[str, set[str]] = {k: set() for k in CONTEXT_KINDS}
    first: dict[tuple[str, str], int] = {}
    for line_no, (kind, word) in _rows(path, ("kind", "word")):
        if kind not in CONTEXT_KINDS:
            raise InputError(
                f"unknown kind {kind!r}; expected one of {sorted(CONTEXT_KINDS)}", path=path, line=line_no
            )
        if word != word.lower():
            raise InputError("words are lower case", path=path, line=line_no)
        if (kind, word) in first:
            raise InputError(
                f"{kind} {word!r} already listed on line {first[(kind, word)]}", path=path, line=line_no
            )
        first[(kind, word)] = line_no
        words[kind].add(word)
    return NameContext(
        frozenset(words["type"]), frozenset(words["after_not"]), frozenset(words["after_gerund"])
    )


@lru_cache(maxsize=1)
def name_context() -> NameContext:
    """Return the bundled name context with the extractor's stop words as function words, read once per process."""
    from kg.extract.wordlists import load_word_lists

    return replace(load_name_context(), function_words=load_word_lists().stop_words)


def common_word_forms(entries: Iterable[object]) -> dict[str, frozenset[str]]:
    """Return the one-word forms of lexicon entries flagged ``ambiguous``: lower case -> the spellings.

    These are names that are also ordinary English words ("Weather", "boosting");
    an acronym form ("ACDC") is none.
    """
    out: dict[str, set[str]] = {}
    for entry in entries:
        if not getattr(entry, "ambiguous", False):
            continue
        for form in getattr(entry, "forms", (getattr(entry, "name", ""),)):
            if _ONE_WORD.fullmatch(form):
                out.setdefault(form.lower(), set()).add(form)
    return {k: frozenset(v) for k, v in out.items()}


def needs_name_evidence(surfaces: Iterable[str], common: Mapping[str, object] | set[str]) -> bool:
    """Say whether every surface of an extracted entity is one common word (so its mentions must show a name).

    >>> needs_name_evidence(["Weather", "WEATHER"], {"weather"}), needs_name_evidence(["Weather dataset"], {"weather"})
    (True, False)
    """
    seen = False
    for s in surfaces:
        if s.lower() not in common:
            return False
        seen = True
    return seen


def name_evidence(
    text: str,
    start: int,
    end: int,
    spelled: Iterable[str],
    *,
    title: bool = False,
    context: NameContext | None = None,
) -> tuple[bool, tuple[str, ...]]:
    """Read whether the mention ``text[start:end]`` of a common word may be a name, and which longer terms it could start or end.

    Returns ``(possible, longer)``. ``possible`` is false when the mention is
    plainly the word or part of a longer term: a capitalised name written in
    lower case (every spelling in ``spelled`` is capitalised), a capitalised
    word right before it in mid-sentence ("Digital Twins"), a name glued on
    by a dash ("Fisher-Rao"), a determiner after it (the verb of
    "boosting the accuracy": ``context.after_not``) or a lower-case word
    after it that is no function word ("Fisher information"); in a
    ``title`` a capitalised word after it too ("Boosting Vision Models"). ``longer`` holds the
    word with its neighbours ("Weather Forecasting", "neural Operator"): when the corpus names one of them as an entity,
    the mention is part of that term (the caller checks).

    >>> name_evidence("Results on Weather, Traffic and ETTh1.", 11, 18, ["Weather"])
    (True, ('on Weather',))
    >>> name_evidence("Our Digital Twins of cities.", 12, 17, ["Twins"])[0]
    False
    """
    ctx = context or name_context()
    mention = text[start:end]
    words = mention.split()
    if len(words) != 1:
        return len(words) > 1 and all(w.lower() in ctx.types for w in words[1:]), ()
    cased = [s for s in spelled if s.lower() == mention.lower()]
    if mention == mention.lower() and cased and all(s != s.lower() for s in cased):
        return False, ()
    before = text[:start]
    sentence_start = not before.strip() or before.rstrip()[-1] in ".!?:;\n"
    previous = _WORD_BEFORE.search(before)
    longer: list[str] = []
    if previous is not None and not before[previous.end(1) :].strip():
        word = previous.group(1)
        first_of_sentence = (
            not before[: previous.start(1)].strip() or before[: previous.start(1)].rstrip()[-1] in ".!?:;\n"
        )
        if word[:1].isupper() and not sentence_start and not first_of_sentence and not word.endswith("'s"):
            return False, ()
        longer.append(f"{word} {mention}")
    rest = text[end:]
    if rest[:1] in _JOINING and rest[1:2].isalnum():
        glued = _WORD_AFTER.match(rest[1:])
        if glued is None or glued.group(1).lower() not in ctx.types:
            return False, ()  # the first part of a longer name ("Fisher-Rao")
        return True, ()
    following = _WORD_AFTER.match(rest)
    if following is not None and not rest[: following.start(1)].strip():
        word = following.group(1)
        if word.lower() in ctx.types:
            return True, tuple(longer)
        if word.lower() in ctx.after_not:
            return False, ()
        if mention.islower() and mention.endswith("ing") and word.lower() not in ctx.after_gerund:
            return False, ()  # a gerund with an object: "boosting performance", "boosting LLM reasoning"
        if title and not word.islower():
            return False, ()  # in a title case says nothing: "Boosting Large Models" is the verb
        if word.islower() and word not in ctx.function_words:
            return False, ()  # a lower-case noun after it: the first word of a term ("Fisher information")
        longer.append(f"{mention} {word}")
        after = rest[following.end(1) :]
        third = _WORD_AFTER.match(after)
        if third is not None and not after[: third.start(1)].strip():
            longer.append(f"{mention} {word} {third.group(1)}")
    return True, tuple(longer)

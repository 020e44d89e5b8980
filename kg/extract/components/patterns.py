"""Character-level patterns for names no lexicon knows, shared by the name and role rules.

spaCy splits names such as ``Qwen2.5-VL-3B-Instruct`` into several tokens and
gives no part-of-speech tags here, so these rules look at characters: word
shapes (inner capitals, digits, hyphens), capitalised phrases, and the
clause that follows "we propose / introduce / present". Everything is a plain
compiled regex with linear-time behaviour on long input. The cue words inside
the patterns (proposal verbs, naming cues, connectors) come from the word
lists (:class:`kg.extract.wordlists.WordLists`): :func:`cue_patterns`
compiles them once per word-list object.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from kg.extract.wordlists import WordLists

_INNER_CAP = re.compile(r"[a-z][A-Z]")
_TWO_CAPS = re.compile(r"[A-Z].*[A-Z]")
_LETTER_DIGIT = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]")
#: LaTeX commands whose backslash and braces were lost ("widetildeTheta").
_LATEX_WORD = re.compile(
    r"(?:widetilde|widehat|tilde|hat|bar|vec|mathcal|mathbb|mathbf|mathrm|mathit|textbf|textit|emph|"
    r"operatorname|frac|sqrt|left|right|cdot|ldots|text)[A-Z]"
)
#: Averaged or weighted forms of a metric ("Macro-F1", "Micro-F1").
_METRIC_AFFIX = re.compile(
    r"(?:[Mm]acro|[Mm]icro|[Ww]eighted|[Aa]vg|[Mm]ean)[- ]?(?:F1|F-?score|AUC|AP|IoU|Acc)"
)

_CAP_WORD = r"(?:[A-Z][\w]*(?:\^\d+\w*)?(?:-[\w]+)*|[a-z]+[A-Z][\w]*(?:-[\w]+)*)"
_SUBJECT = (
    r"(?:[Ww]e|(?:[Tt]his|[Tt]he present|[Oo]ur) (?:paper|work|study|article|report|letter|thesis|note)"
    r"|[Hh]ere,? we)"
)
_ADVERB = r"(?:(?:also|further|then|first|newly|hereby|additionally|therefore|thus|now|instead|finally|"
_ADVERB += r"specifically|hence|accordingly|subsequently|formally|systematically|carefully)\s+)?"
_WE = re.compile(r"\b[Ww]e\b")
#: Words after which a proposal clause's object has ended.
_WINDOW_STOP = re.compile(
    r"\b(?:that|which|where|whose|who|to|by|using|based|through|for|on|in|from|of|with|via|under|"
    r"than|because|while|whereas|when|if|so|such|into|across|over|between|among|against)\b|[.;:!?]"
)


def _alternation(words: tuple[str, ...]) -> str:
    """Return a regex alternation of literal phrases, in the order given."""
    return "|".join(re.escape(w) for w in words)


def _any_first_case(phrase: str) -> str:
    """Return a regex for ``phrase`` whose first letter may be either case ("[Oo]ur")."""
    head, rest = phrase[0], phrase[1:]
    first = f"[{head.upper()}{head.lower()}]" if head.isalpha() else re.escape(head)
    return first + _alternation((rest,)) if rest else first


class CuePatterns:
    """The regexes built from the cue words of one :class:`WordLists`.

    Attributes:
        lists: the word lists the patterns were built from.
        proposal_cue: "we propose", "This paper introduces", "Here we present" ...
        bare_proposal_cue: "... and propose X" later in a sentence whose subject is "we".
        system_cue: "introduces", "further proposes" right after the name of a
            proposed system: its new parts follow ("ZorpNet introduces a Blixa Gate").
        naming_cue: "dubbed X", "called X", "referred to as X".
        cap_phrase: a capitalised phrase, its words joined by spaces or connectors
            ("Spectral Glyph Routing", "Theory of Glyph Binding").
        owned_type_noun: "our DG method X": the paper owns X (matched before X).
        first_person_owner: "our X", "the proposed X" (matched before X).
        edge_words: connectors and articles trimmed from the ends of a capitalised phrase.
    """

    def __init__(self, lists: WordLists) -> None:
        self.lists = lists
        verbs = _alternation(lists.proposal_verbs)
        self.proposal_cue = re.compile(rf"{_SUBJECT}\s+{_ADVERB}(?:{verbs})\b")
        self.system_cue = (
            re.compile(rf"\s+{_ADVERB}(?:{_alternation(lists.system_verbs)})\b") if lists.system_verbs else None
        )
        after_and = _alternation(lists.proposal_verbs_after_and)
        self.bare_proposal_cue = re.compile(
            rf"(?:and|,|;)\s+(?:then\s+|further\s+|also\s+)?(?:{after_and})\b"
        )
        # Each cue as written and capitalised ("We call this X"), as plain literals: a character
        # class in front of every cue made this search nine times slower.
        naming = tuple(dict.fromkeys(w for c in lists.naming_cues for w in (c, c[:1].upper() + c[1:])))
        self.naming_cue = re.compile(rf"(?:{_alternation(naming)}),?\s+(?:as\s+)?[\"'\u201c\u2018]?")
        connector = f"(?:{_alternation(lists.connectors)})"
        self.cap_phrase = re.compile(
            rf"(?<![\w\-]){_CAP_WORD}(?:\s+(?:{connector}\s+)?{_CAP_WORD}){{0,6}}(?![\w\-])"
        )
        self.owned_type_noun = re.compile(
            rf"\b[Oo]ur\s+(?:[\w-]+\s+)?(?:{_alternation(lists.owned_nouns)})\s*,?\s+$"
        )
        owners = "|".join(_any_first_case(p) for p in lists.owner_phrases)
        self.first_person_owner = re.compile(
            rf"\b(?:{owners})\s+"
            r"(?:(?!(?:on|in|of|with|for|to|and|or|from|using|against|over|than|by)\b)[\w-]+\s+)?$"
        )
        self.edge_words = frozenset(lists.connectors) | {"The", "A", "An"}


@functools.lru_cache(maxsize=8)
def cue_patterns(lists: WordLists) -> CuePatterns:
    """Return the cue regexes of ``lists``, compiled once per word-list object."""
    return CuePatterns(lists)


@functools.lru_cache(maxsize=65536)
def is_name_like(word: str, lists: WordLists) -> bool:
    """Tell whether one hyphen-joined word looks like a coined name by its shape alone.

    >>> from kg.extract.wordlists import load_word_lists
    >>> lists = load_word_lists()
    >>> [is_name_like(x, lists) for x in ("ZorbNet", "Flux-QRoute", "Blip-7b", "However", "3D", "LLMs")]
    [True, True, True, False, False, False]
    """
    if len(word) < 2 or word in lists.never_names:
        return False
    if not any(c.isalpha() for c in word) or word[0].isdigit():
        return False
    if word.endswith("s") and word[:-1] in lists.generic_acronyms:
        return False
    if _LATEX_WORD.match(word) or _METRIC_AFFIX.match(word):
        return False
    if _INNER_CAP.search(word):
        return True
    if "-" in word and any(_TWO_CAPS.search(part) for part in word.split("-")):
        return True
    return word[0].isupper() and _LETTER_DIGIT.search(word) is not None


@functools.lru_cache(maxsize=65536)
def is_acronym(word: str, lists: WordLists) -> bool:
    """Tell whether a word is an all-capitals acronym of a name ("GRPO"), not a generic one.

    >>> from kg.extract.wordlists import load_word_lists
    >>> lists = load_word_lists()
    >>> [is_acronym(x, lists) for x in ("ZQRT", "AI", "LLMs", "A")]
    [True, False, False, False]
    """
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or word in lists.never_names:
        return False
    if word.endswith("s") and word[:-1] in lists.generic_acronyms:
        return False
    return (
        all(c.isupper() for c in letters[:-1])
        and word[0].isupper()
        and sum(c.isupper() for c in letters) >= 2
    )


def clean_cap_phrase(phrase: str, cues: CuePatterns) -> str:
    """Trim connectors and articles from the ends of a capitalised phrase.

    >>> from kg.extract.wordlists import load_word_lists
    >>> clean_cap_phrase("The Foo Bar of", cue_patterns(load_word_lists()))
    'Foo Bar'
    """
    words = phrase.split()
    drop = cues.edge_words
    while words and words[-1] in drop:
        words.pop()
    while words and words[0] in drop:
        words.pop(0)
    return " ".join(words)


def proposal_windows(text: str, start: int, end: int, cues: CuePatterns) -> Iterator[tuple[int, int, int]]:
    """Yield (cue start, object start, object end) for each proposal clause in ``text[start:end]``.

    The object runs from after the verb to the first word that ends a noun
    phrase ("that", "for", "to", ...) or the end of the sentence; a name that
    *starts* inside it is what the paper introduces.
    """
    for cue in cues.proposal_cue.finditer(text, start, end):
        if cue.start() > 0 and text[cue.start() - 1].isalnum():
            continue  # the patterns carry no leading \b so that re can scan for their first letter fast
        stop = _WINDOW_STOP.search(text, cue.end(), end)
        yield cue.start(), cue.end(), stop.start() if stop else end
    if any(verb in text for verb in cues.lists.proposal_verbs_after_and):  # a fast pre-check
        for cue in cues.bare_proposal_cue.finditer(text, start, end):
            if cue.start() > 0 and text[cue.start() - 1].isalnum():
                continue
            sentence_start = max(text.rfind(". ", start, cue.start()), start)
            if _WE.search(text, sentence_start, cue.start()):
                stop = _WINDOW_STOP.search(text, cue.end(), end)
                yield cue.start(), cue.end(), stop.start() if stop else end


def system_part_window(text: str, name_end: int, end: int, cues: CuePatterns) -> tuple[int, int] | None:
    """Return the (start, end) of the object of "<name> introduces ..." right after a name, if any.

    The object ends as a proposal clause's does (:func:`proposal_windows`).
    """
    if cues.system_cue is None:
        return None
    cue = cues.system_cue.match(text, name_end, end)
    if cue is None:
        return None
    stop = _WINDOW_STOP.search(text, cue.end(), end)
    return cue.end(), stop.start() if stop else end


def naming_windows(text: str, start: int, end: int, cues: CuePatterns) -> Iterator[tuple[int, int]]:
    """Yield (name start, window end) after each naming cue ("dubbed", "termed", ...)."""
    for cue in cues.naming_cue.finditer(text, start, end):
        if cue.start() > 0 and text[cue.start() - 1].isalnum():
            continue
        stop = _WINDOW_STOP.search(text, cue.end(), end)
        yield cue.end(), stop.start() if stop else end


def type_from_last_word(phrase: str, lists: WordLists) -> str | None:
    """Guess a type from the last word of a multi-word name ("... Optimization" -> Method).

    >>> from kg.extract.wordlists import load_word_lists
    >>> lists = load_word_lists()
    >>> type_from_last_word("Gradient Lattice Optimization", lists)
    'Method'
    >>> type_from_last_word("Massive Glyph Benchmark", lists)
    'Dataset'
    >>> type_from_last_word("Gradient Folding", lists), type_from_last_word("Resonance Imaging", lists)
    ('Method', None)
    """
    words = phrase.replace("/", " ").split()
    if not words:
        return None
    table = lists.last_word_types
    last = words[-1].strip(".,;:()[]").lower()
    found = table.get(last)
    if found is None and last.endswith("s"):
        found = table.get(last[:-1])
    if found is None and "-" in last:
        found = table.get(last.rsplit("-", 1)[-1])
    if found is None and len(words) > 1 and last.endswith("ing") and last not in lists.field_gerunds:
        found = "Method"  # "Gradient Folding", "Kernel Warping": a named procedure
    return found

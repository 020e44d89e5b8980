"""Character-level patterns for names no lexicon knows, shared by the name and role rules.

spaCy splits names such as ``Qwen2.5-VL-3B-Instruct`` into several tokens and
gives no part-of-speech tags here, so these rules look at characters: word
shapes (inner capitals, digits, hyphens), capitalised phrases, and the
clause that follows "we propose / introduce / present". Everything is a plain
compiled regex with linear-time behaviour on long input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from kg.extract.components.vocab import (
    GENERIC_ACRONYMS,
    METRICS,
    NAMING_CUES,
    NOT_NAMES,
    PROPOSAL_VERBS,
)

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
_CONNECTOR = r"(?:of|for|with|via|in|on|to|the|from|over|under|by|as)"
#: A capitalised phrase: "Energy-guided Latent Optimization", "Deep Think with Confidence".
CAP_PHRASE = re.compile(rf"(?<![\w\-]){_CAP_WORD}(?:\s+(?:{_CONNECTOR}\s+)?{_CAP_WORD}){{0,6}}(?![\w\-])")

_SUBJECT = (
    r"(?:[Ww]e|(?:[Tt]his|[Tt]he present|[Oo]ur) (?:paper|work|study|article|report|letter|thesis|note)"
    r"|[Hh]ere,? we)"
)
_ADVERB = r"(?:(?:also|further|then|first|newly|hereby|additionally|therefore|thus|now|instead|finally|"
_ADVERB += r"specifically|hence|accordingly|subsequently|formally|systematically|carefully)\s+)?"
#: "we propose", "This paper introduces", "Here we present" ...
PROPOSAL_CUE = re.compile(rf"{_SUBJECT}\s+{_ADVERB}(?:{PROPOSAL_VERBS})\b")
#: "... and propose X" later in a sentence whose subject is "we" (checked by the caller).
BARE_PROPOSAL_CUE = re.compile(
    r"(?:and|,|;)\s+(?:then\s+|further\s+|also\s+)?(?:propose|introduce|present|develop|design|devise|"
    r"construct|build|release|curate|create|contribute)\b"
)
_WE = re.compile(r"\b[Ww]e\b")
#: "dubbed X", "called X", "referred to as X".
NAMING_CUE = re.compile(rf"(?:{NAMING_CUES}),?\s+(?:as\s+)?[\"'\u201c\u2018]?")
#: Words after which a proposal clause's object has ended.
_WINDOW_STOP = re.compile(
    r"\b(?:that|which|where|whose|who|to|by|using|based|through|for|on|in|from|of|with|via|under|"
    r"than|because|while|whereas|when|if|so|such|into|across|over|between|among|against)\b|[.;:!?]"
)


@functools.lru_cache(maxsize=65536)
def is_name_like(word: str) -> bool:
    """Tell whether one hyphen-joined word looks like a coined name by its shape alone.

    >>> [is_name_like(w) for w in ("AdaNPC", "Meta-DMoE", "GPT-4o", "However", "3D", "LLMs")]
    [True, True, True, False, False, False]
    """
    if len(word) < 2 or word in NOT_NAMES or word in GENERIC_ACRONYMS or word in METRICS:
        return False
    if not any(c.isalpha() for c in word) or word[0].isdigit():
        return False
    if word.endswith("s") and word[:-1] in GENERIC_ACRONYMS:
        return False
    if _LATEX_WORD.match(word) or _METRIC_AFFIX.match(word):
        return False
    if _INNER_CAP.search(word):
        return True
    if "-" in word and any(_TWO_CAPS.search(part) for part in word.split("-")):
        return True
    return word[0].isupper() and _LETTER_DIGIT.search(word) is not None


@functools.lru_cache(maxsize=65536)
def is_acronym(word: str) -> bool:
    """Tell whether a word is an all-capitals acronym of a name ("GRPO"), not a generic one.

    >>> [is_acronym(w) for w in ("GRPO", "AI", "LLMs", "A")]
    [True, False, False, False]
    """
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or word in GENERIC_ACRONYMS or word in METRICS or word in NOT_NAMES:
        return False
    if word.endswith("s") and word[:-1] in GENERIC_ACRONYMS:
        return False
    return (
        all(c.isupper() for c in letters[:-1])
        and word[0].isupper()
        and sum(c.isupper() for c in letters) >= 2
    )


def clean_cap_phrase(phrase: str) -> str:
    """Trim connectors and articles from the ends of a capitalised phrase.

    >>> clean_cap_phrase("The Foo Bar of")
    'Foo Bar'
    """
    words = phrase.split()
    drop = {
        "of",
        "for",
        "with",
        "via",
        "in",
        "on",
        "to",
        "the",
        "from",
        "over",
        "under",
        "by",
        "as",
        "The",
        "A",
        "An",
    }
    while words and words[-1] in drop:
        words.pop()
    while words and words[0] in drop:
        words.pop(0)
    return " ".join(words)


def proposal_windows(text: str, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """Yield (cue start, object start, object end) for each proposal clause in ``text[start:end]``.

    The object runs from after the verb to the first word that ends a noun
    phrase ("that", "for", "to", ...) or the end of the sentence; a name that
    *starts* inside it is what the paper introduces.
    """
    for cue in PROPOSAL_CUE.finditer(text, start, end):
        if cue.start() > 0 and text[cue.start() - 1].isalnum():
            continue  # the patterns carry no leading \b so that re can scan for their first letter fast
        stop = _WINDOW_STOP.search(text, cue.end(), end)
        yield cue.start(), cue.end(), stop.start() if stop else end
    if "propose" in text or "introduce" in text or "present" in text:
        for cue in BARE_PROPOSAL_CUE.finditer(text, start, end):
            if cue.start() > 0 and text[cue.start() - 1].isalnum():
                continue
            sentence_start = max(text.rfind(". ", start, cue.start()), start)
            if _WE.search(text, sentence_start, cue.start()):
                stop = _WINDOW_STOP.search(text, cue.end(), end)
                yield cue.start(), cue.end(), stop.start() if stop else end


def naming_windows(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield (name start, window end) after each naming cue ("dubbed", "termed", ...)."""
    for cue in NAMING_CUE.finditer(text, start, end):
        if cue.start() > 0 and text[cue.start() - 1].isalnum():
            continue
        stop = _WINDOW_STOP.search(text, cue.end(), end)
        yield cue.end(), stop.start() if stop else end

"""What a surface form of an entity name says: its identity key, acronym shape, version and family.

Entity resolution (:mod:`kg.resolve`) compares names written by thousands of
authors. Four kinds of difference do not change what a name denotes, and
this module folds them into one *identity key*: case, dashes, spacing and a
regular plural ("Graph Neural Networks" / "graph-neural network"), British
and American spelling ("generalisation" / "generalization"), and a trailing
type word ("KITTI dataset" / "KITTI", applied by the caller when the rest is
a name). One kind of difference does change it: a version, size or edition
("GPT-4" / "GPT-4o", "Llama 3.1" / "Llama 3.1 8B", "SAM" / "SAM 2"):
:mod:`kg.name_versions` reads those, and says which names may be one entity.
This module also tells name shapes apart (acronyms, compounds, scores).

The word lists (spelling rules, type words, edition words, adjectival
compound suffixes, vendor prefixes) are data: ``kg/data/spelling-variants.tsv``
and ``kg/data/name-words.tsv`` (provenance in ``kg/data/NAME-RULES.md``),
read once by the strict loader of :mod:`kg.name_rules`. Stdlib only; this
module decides nothing about a corpus, it only reads single names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.latex import MATH_DOLLAR, fold_accents
from kg.name_rules import name_rules
from kg.records import EntityType

__all__ = [
    "acronym_key",
    "after_connector",
    "case_key",
    "compound_head",
    "is_case_slip",
    "is_score_like",
    "is_short_form",
    "looks_like_name",
    "split_type_word",
    "split_vendor",
    "strip_candidates",
    "variant_key",
]

_MIN_STEM = 3  # a suffix rule needs this many letters before the suffix ("four" keeps its "our")
_SHORT_FORM_MAX = 12

_SPLIT = re.compile(r"[\s\-]+")
_JOINERS = re.compile(r"[\s\-_]+")
_WORD = re.compile(r"[a-z]+")
_PLURAL_WORD = re.compile(r"^[A-Za-z][a-z]{2,}s$")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z]s$")  # not after a digit: "Zorb8s" is a size
# Endings whose final "s" is not a plural ("loss", "corpus", "analysis", "dynamics") and invariant plurals.
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ics", "ous", "as", "series", "species", "news")
_WS = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n\r.,;:!?\"'`()[]{}<>\u201c\u201d\u2018\u2019"
_DASH_TABLE = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)
_DASH_CHARS = frozenset("-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
# The last word of a name loses "-ing"/"-ed" (not "-eed": "speed", "seed").
_PARTICIPLE = re.compile(r"^([a-z]{3,}?)(ing|ed)$")
_SCORE = re.compile(r"\S\s+(?:\d+\.\d{2,}|\d+(?:\.\d+)?\s?%)$")
# A version number's trailing zero parts say nothing ("AlpacaEval 2.0" is "AlpacaEval 2").
_ZERO_PARTS = re.compile(r"^(v?\d+)(?:\.0)+$")


# --------------------------------------------------------------------------- shapes


@lru_cache(maxsize=1 << 18)
def is_short_form(surface: str) -> bool:
    """Say whether a surface form looks like an acronym, which may stand for several things.

    A short form is one token of at most 12 characters in which at least two
    letters, and at least half of all letters, are capitals. Such a form is
    only a pointer: it never merges two long forms by itself.

    >>> [is_short_form(s) for s in ("SAM", "LoRA", "GANs", "GPT-4o", "ResNet-50", "ImageNet", "T5")]
    [True, True, True, True, False, False, False]
    """
    text = surface.strip()
    if not text or len(text) > _SHORT_FORM_MAX or any(ch.isspace() for ch in text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(1 for ch in letters if ch.isupper())
    return upper >= 2 and 2 * upper >= len(letters)


@lru_cache(maxsize=1 << 18)
def compound_head(surface: str) -> str | None:
    """Return the head of an adjectival compound ("CLIP-based" -> "CLIP"), or ``None``.

    A name whose last word ends in ``-<suffix>`` for a compound suffix of the
    rules ("-based", "-driven", "-powered", "-guided" ...) describes
    something built on a name; it is not itself a name, so resolution never
    uses it as one.

    >>> compound_head("CLIP-based"), compound_head("LLM-Powered"), compound_head("Grounding DINO")
    ('CLIP', 'LLM', None)
    """
    text = surface.strip()
    head, sep, tail = text.rpartition("-")
    if not sep or not head.strip() or tail.lower() not in name_rules().compounds:
        return None
    return head.strip()


@lru_cache(maxsize=1)
def _connector_pattern() -> re.Pattern[str]:
    """One pattern for every connector, tried at every position (a lookahead), longest first.

    At each position the longest connector that ends on a word boundary
    matches, so the furthest end over all matches is the furthest end of
    any connector anywhere: one scan instead of one per connector (this was
    a tenth of entity resolution's time on 20k real papers).
    """
    words = "|".join(re.escape(c) for c in name_rules().connectors) or r"(?!)"
    return re.compile(r"(?<![\w-])(?=((?:" + words + r"))(?![\w-]))")


@lru_cache(maxsize=1 << 18)
def after_connector(surface: str) -> str | None:
    """Return what follows the last prose connector in a name ("such as X" -> "X"), or ``None``.

    An extractor that takes in a few words too many ("supervised baselines
    like FooNet") leaves a connector no name contains; whether the rest is
    the name is for the caller to check (it must be attested on its own).

    >>> after_connector("baselines such as Segment Anything"), after_connector("Learning from Label Proportions")
    ('Segment Anything', None)
    >>> after_connector("such as Segment Anything"), after_connector("Named Entity Recognition")
    ('Segment Anything', None)
    """
    best: int | None = None
    for match in _connector_pattern().finditer(surface.lower()):
        if match.start() == 0 and surface[:1].isupper():
            continue  # a capitalised leading word is part of the name ("Named Entity Recognition")
        end = match.start() + len(match.group(1))
        if best is None or end > best:
            best = end
    if best is None:
        return None
    rest = surface[best:].strip(" ,:;-")
    return rest or None


@lru_cache(maxsize=1 << 18)
def is_score_like(surface: str) -> bool:
    """Say whether a name ends in a measured value ("ViT 86.54", "X 12%") rather than a version.

    Version numbers have one or two digits after the point ("3.5", "1.5",
    "2.0"); a figure with two or more decimals after a space, or a
    percentage, is a score an extractor glued to a name.

    >>> is_score_like("ViT 86.54"), is_score_like("Qwen 2.5"), is_score_like("acc 12%")
    (True, False, True)
    """
    return bool(_SCORE.search(surface.strip()))


# --------------------------------------------------------------------------- keys


@lru_cache(maxsize=1 << 16)
def _american_word(word: str) -> str:
    """Return the American spelling of one lower-case word (unchanged when no rule applies)."""
    rules = name_rules()
    if word in rules.spelling_keep:
        return word
    whole = rules.spelling_word.get(word)
    if whole is not None:
        return whole
    for british, american in rules.spelling_prefix:
        if word.startswith(british) and len(word) > len(british):
            return american + word[len(british) :]
    for british, american in rules.spelling_suffix:
        if word.endswith(british) and len(word) - len(british) >= _MIN_STEM:
            return word[: -len(british)] + american
    return word


def _fold_participle(match: re.Match[str]) -> str:
    stem, ending = match.group(1), match.group(2)
    if len(stem) + len(ending) < 5 or (ending == "ed" and stem.endswith("e")):
        return match.group(0)
    return stem


@lru_cache(maxsize=1 << 18)
def variant_key(surface: str) -> str:
    """Return the key under which spelling variants of a name are the same.

    :func:`kg.normalize.match_key` (case, Unicode, dashes, whitespace, edge
    punctuation; a LaTeX ``~`` is a space, inline-math dollars go, LaTeX accents are letters), then word by word: a regular
    plural folded (in names of two or more words, or an acronym's "s"),
    British spellings made American, an "-ing"/"-ed" ending folded
    ("Pre-training" / "Pre-trained", "Masked" / "Mask"; not in an
    acronym-shaped word: "DITING" is no "DiT"), apostrophes
    dropped ("AIME'24"), a version number's trailing ".0" parts dropped
    after the first word ("AlpacaEval 2.0" / "AlpacaEval 2"); finally spaces, dashes and underscores removed, so
    "pre-training", "pre training" and "Pretraining" meet.

    >>> variant_key("Graph Neural Networks") == variant_key("graph-neural network")
    True
    >>> variant_key("domain generalisation") == variant_key("Domain Generalization")
    True
    >>> variant_key("GANs") == variant_key("GAN"), variant_key("ResNets") == variant_key("ResNet")
    (True, False)
    >>> variant_key("Micro-expressions recognition") == variant_key("micro-expression recognition")
    True
    >>> variant_key("Pre-Training") == variant_key("pre-trained"), variant_key("DITING") == variant_key("DiT")
    (True, False)
    >>> variant_key("Zorb 2.0") == variant_key("Zorb-2"), variant_key("Zorb 2.1") == variant_key("Zorb 2")
    (True, False)
    >>> variant_key("$k$-zorbs") == variant_key("k-zorbs"), variant_key(r'Schr\\"odinger Zorb') == variant_key("Schrödinger Zorb")
    (True, True)
    """
    text = MATH_DOLLAR.sub("", fold_accents(unicodedata.normalize("NFKC", surface)).replace("~", " "))
    cased = _WS.sub(" ", text.translate(_DASH_TABLE)).strip(_EDGE_PUNCT)
    if _ACRONYM_PLURAL.match(cased) and is_short_form(cased[:-1]):
        cased = cased[:-1]
    words = [w for w in _SPLIT.split(cased) if w]
    folded: list[str] = []
    for position, word in enumerate(words):
        lower = word.casefold().replace("'", "").replace("\u2019", "")
        if position:
            lower = _ZERO_PARTS.sub(r"\1", lower)
        if len(words) > 1:
            lower = _singular(word, lower)
        lower = _WORD.sub(lambda m: _american_word(m.group()), lower)
        # An acronym-shaped word ends in no participle: "DITING" is a name, not "DiT" + "-ing".
        folded.append(lower if is_short_form(word) else _PARTICIPLE.sub(_fold_participle, lower))
    return _JOINERS.sub("", "".join(folded))


def _singular(word: str, lower: str) -> str:
    """Fold a regular plural of one word of a multi-word name ("Networks" -> "network").

    Only ordinary words (lower case, or capitalised on the first letter)
    whose "s" is a plural ending: "loss", "corpus", "analysis", "dynamics"
    and CamelCase names ("ResNets") stay.
    """
    if not _PLURAL_WORD.match(word) or lower.endswith(_NOT_PLURAL_ENDINGS):
        return lower
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return lower[:-2]
    return lower[:-1]


@lru_cache(maxsize=1 << 16)
def case_key(surface: str) -> str:
    """Return a surface with Unicode folded and dashes, spaces and underscores removed, case kept.

    Acronyms differ by case where words do not ("ViTs" is the plural of ViT,
    "VITS" a speech model), so lexicon matches of acronyms compare this.

    A multiplier letter after a number ("8k", "7b") is written in capitals:
    its case means nothing, so "GSM8k" is "GSM8K" (``magnitude`` of
    ``kg/data/name-words.tsv``).

    >>> case_key("ViT-S"), case_key("Vi T s"), case_key("GSM8k"), case_key("Zorb-7b-chat")
    ('ViTS', 'ViTs', 'GSM8K', 'Zorb7Bchat')
    """
    text = unicodedata.normalize("NFKC", surface)
    text = _magnitude_pattern().sub(lambda m: m.group(0).upper(), text)
    return "".join(ch for ch in text if not (ch.isspace() or ch in _DASH_CHARS))


@lru_cache(maxsize=1)
def _magnitude_pattern() -> re.Pattern[str]:
    """Match a multiplier letter right after a digit and not followed by a letter ("8k", not "8kb")."""
    letters = "".join(sorted(name_rules().magnitudes)) or "-"
    return re.compile(rf"(?<=\d)[{re.escape(letters)}](?![^\W\d_])", re.IGNORECASE)


def acronym_key(surface: str) -> str:
    """Return the case-kept key of an acronym with a plural "s" dropped ("ViTs" -> "ViT").

    >>> acronym_key("ViTs"), acronym_key("VITS"), acronym_key("SAM-2"), acronym_key("Zorb8s")
    ('ViT', 'VITS', 'SAM2', 'Zorb8s')
    """
    key = case_key(surface)
    if len(key) > 2 and key.endswith("s") and not key[-2].isdigit() and is_short_form(key[:-1]):
        return key[:-1]  # after a digit an "s" is a size ("Zorb8s"), no plural
    return key


def is_case_slip(surface: str, form: str) -> bool:
    """Say whether a mixed-case acronym is ``form`` written in other case ("ReLu" for ReLU).

    Only a surface mixing upper and lower case counts (an all-capitals or
    all-lower-case one is matched case-free anyway), and a plural "s" is
    not a letter of the name: "ViTs" is no slip of "VITS"; nor is a letter
    after a digit (:func:`case_key` writes a multiplier in capitals; any
    other such letter is part of a version: "4o").

    >>> is_case_slip("ReLu", "ReLU"), is_case_slip("qLoRA", "QLoRA"), is_case_slip("ViTs", "VITS")
    (True, True, False)
    >>> is_case_slip("RELU", "ReLU"), is_case_slip("ReLU", "ReLU"), is_case_slip("Zq4o", "ZQ4O")
    (False, False, False)
    """
    if surface in (surface.upper(), surface.lower()) or not (is_short_form(surface) and is_short_form(form)):
        return False
    own, other = acronym_key(surface), acronym_key(form)
    if own == other or len(own) != len(other) or own.casefold() != other.casefold():
        return False
    # A letter after a digit keeps its case when it is no multiplier ("ZQM4o" is not "ZQM4O").
    return not any(a != b and i and own[i - 1].isdigit() for i, (a, b) in enumerate(zip(own, other)))


@lru_cache(maxsize=1 << 18)
def split_type_word(surface: str, etype: EntityType) -> tuple[str, str] | None:
    """Split a trailing type word off a name: ("KITTI dataset", Dataset) -> ("KITTI", "dataset").

    Returns ``None`` when the name does not end in a type word of ``etype``
    or nothing would be left. Whether the rest is a name (so the word may be
    dropped) is the caller's decision (see :func:`looks_like_name`).

    >>> split_type_word("MNIST dataset", "Dataset"), split_type_word("Segment Anything Model", "Model")
    (('MNIST', 'dataset'), ('Segment Anything', 'Model'))
    """
    text = surface.strip()
    lower = text.lower()
    for word in name_rules().type_words.get(etype, ()):
        if lower.endswith(word) and len(text) > len(word):
            cut = len(text) - len(word)
            if text[cut - 1] in " -":
                rest = text[: cut - 1].rstrip(" -")
                if rest:
                    return rest, text[cut:]
    return None


def looks_like_name(text: str) -> bool:
    """Say whether ``text`` reads as a proper name: a capital after its first letter, or a digit.

    >>> [looks_like_name(s) for s in ("KITTI", "Segment Anything", "Mamba", "contrastive", "COCO 2017")]
    [True, True, False, False, True]
    """
    stripped = text.strip()
    return any(ch.isdigit() for ch in stripped) or any(ch.isupper() for ch in stripped[1:])


@lru_cache(maxsize=1 << 18)
def split_vendor(surface: str) -> tuple[str, str] | None:
    """Split an organisation prefix off a model name: "OpenAI o3" -> ("OpenAI", "o3").

    >>> split_vendor("Meta-Llama-3-70B"), split_vendor("Llama 3")
    (('Meta', 'Llama-3-70B'), None)
    """
    text = surface.strip()
    for vendor in name_rules().vendors:
        if text.startswith(vendor) and len(text) > len(vendor) + 1 and text[len(vendor)] in " -":
            rest = text[len(vendor) + 1 :].strip(" -")
            if rest:
                return vendor, rest
    return None


def strip_candidates(surface: str, etype: EntityType) -> tuple[str, ...]:
    """Return the shorter names a surface may stand for once a vendor prefix or type word is dropped.

    Nearest first: without the vendor prefix of a model ("OpenAI o3" -> "o3"),
    then without a trailing type word ("KITTI dataset" -> "KITTI"). Whether
    the corpus licenses dropping them is :mod:`kg.resolve`'s decision (the
    rest reads as a name, or is attested on its own).

    >>> strip_candidates("OpenAI GPT-4o model", "Model")
    ('GPT-4o model', 'GPT-4o')
    """
    out: list[str] = []
    text = surface.strip()
    if etype == "Model":
        vendor = split_vendor(text)
        if vendor is not None:
            text = vendor[1]
            out.append(text)
    typed = split_type_word(text, etype)
    if typed is not None:
        out.append(typed[0])
    return tuple(out)

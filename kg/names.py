"""What a surface form of an entity name says: its identity key, acronym shape, version and family.

Entity resolution (:mod:`kg.resolve`) compares names written by thousands of
authors. Four kinds of difference do not change what a name denotes, and
this module folds them into one *identity key*: case, dashes, spacing and a
regular plural ("Graph Neural Networks" / "graph-neural network"), British
and American spelling ("generalisation" / "generalization"), and a trailing
type word ("KITTI dataset" / "KITTI", applied by the caller when the rest is
a name). One kind of difference does change it: a version, size or edition
("GPT-4" / "GPT-4o", "Llama 3.1" / "Llama 3.1 8B", "SAM" / "SAM 2").
:func:`version_signature` reads those parts with a small grammar, so two
names with different signatures are never one entity, and
:func:`family_stems` gives the shorter names a specific version belongs to
("Gemini 1.5 Pro" -> "Gemini 1.5" -> "Gemini"), which the graph links with
``skos:broader``.

The word lists (spelling rules, type words, edition words, adjectival
compound suffixes, vendor prefixes) are data: ``kg/data/spelling-variants.tsv``
and ``kg/data/name-words.tsv`` (provenance in ``kg/data/NAME-RULES.md``),
read once by a strict loader that names file and line. Stdlib only; this
module decides nothing about a corpus, it only reads single names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import InputError
from kg.io import read_text
from kg.records import ENTITY_TYPES, EntityType

__all__ = [
    "DATA_DIR",
    "NameRules",
    "acronym_compatible",
    "acronym_key",
    "after_connector",
    "case_key",
    "compound_head",
    "extends",
    "family_stems",
    "fold_year",
    "incompatibility",
    "is_score_like",
    "is_short_form",
    "letter_codes",
    "lexicon_alias_compatible",
    "looks_like_name",
    "name_rules",
    "names_compatible",
    "split_type_word",
    "split_vendor",
    "strip_candidates",
    "tokens",
    "variant_key",
    "version_signature",
    "versions_compatible",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Folder of the bundled name-rule files."""

SPELLING_FILE = "spelling-variants.tsv"
WORDS_FILE = "name-words.tsv"

_SPELLING_KINDS = frozenset({"suffix", "word", "prefix", "keep"})
_WORD_KINDS = frozenset({"type_word", "variant", "compound", "vendor", "connector"})
_MIN_STEM = 3  # a suffix rule needs this many letters before the suffix ("four" keeps its "our")
_SHORT_FORM_MAX = 12

_SPLIT = re.compile(r"[\s\-]+")
_JOINERS = re.compile(r"[\s\-_]+")
_WORD = re.compile(r"[a-z]+")
_PLURAL_WORD = re.compile(r"^[A-Za-z][a-z]{2,}s$")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z]s$")  # not after a digit: "Zorb8s" is a size
# Endings whose final "s" is not a plural ("loss", "corpus", "analysis", "dynamics") and invariant plurals.
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ics", "ous", "as", "series", "species", "news")

# Token grammar of versions and sizes (after lower-casing and splitting at separators):
#   3  3.1  v2  v1.5  4o  8n  0613     a version number, optionally with a one- or two-letter tag
#   7b  1.7b  1k  405b  8x7b  a22b    a size (parameters, classes, experts)
#   r1  b0  l14                      a letter-and-number model code
_VERSION_TOKEN = re.compile(
    r"v?\d+(?:\.\d+)*[a-z]{0,2}|\d+x\d+[a-z]?|[a-z]\d+(?:\.\d+)?[a-z]?|ii|iii|iv|vi|vii|viii|ix"
)
_NAME_SEPARATORS = re.compile(r"[\s\-_/:,()]+")
# Inside one token, a run of letters followed by a version number starts a new token:
# "Llama3.1" -> "llama", "3.1"; "YOLOv8n" -> "yolo", "v8n"; "GPT4o" -> "gpt", "4o".
_INNER_SPLIT = re.compile(r"(?<=[a-z]{2})(?=v\d)|(?<=[a-uw-z]{2})(?=\d)")
_WS = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n\r.,;:!?\"'`()[]{}<>\u201c\u201d\u2018\u2019"
_DASH_TABLE = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)
_DASH_CHARS = frozenset("-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)*")
_YEAR = re.compile(r"20[0-3]\d")
_TRAILING_YEAR = re.compile(r"(?<![\d.])20([0-3]\d)$")
# The last word of a name loses "-ing"/"-ed" (not "-eed": "speed", "seed").
_PARTICIPLE = re.compile(r"^([a-z]{3,}?)(ing|ed)$")
_SIZE_AFTER_DIGIT = re.compile(r"\ds$")
_PREFIXED = re.compile(r"^[A-Za-z0-9]+[\s\-_]+")
_SCORE = re.compile(r"\S\s+(?:\d+\.\d{2,}|\d+(?:\.\d+)?\s?%)$")


@dataclass(frozen=True)
class NameRules:
    """The word lists name normalisation reads from ``kg/data`` (see the module docstring).

    Attributes:
        spelling_suffix: British word ending -> American ending, longest first.
        spelling_word: whole British word -> American word.
        spelling_prefix: British word beginning -> American beginning, longest first.
        spelling_keep: words no spelling rule may change.
        type_words: entity type -> trailing words that only name the type.
        variants: edition and size words ("instruct", "pro", "large", "xl").
        compounds: adjectival suffixes ("based", "driven") that make a name
            part of a compound ("CLIP-based") rather than a name.
        vendors: organisation names that may prefix a model name ("OpenAI o3").
        connectors: prose words that cannot be inside a name ("such as",
            "using"): an extracted name holding one took in the words before it.
    """

    spelling_suffix: tuple[tuple[str, str], ...]
    spelling_word: dict[str, str]
    spelling_prefix: tuple[tuple[str, str], ...]
    spelling_keep: frozenset[str]
    type_words: dict[str, tuple[str, ...]]
    variants: frozenset[str]
    compounds: frozenset[str]
    vendors: tuple[str, ...]
    connectors: tuple[str, ...] = ()


def _rows(path: Path, header: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    """Yield (line number, columns) of a tab-separated data file after checking its header."""
    lines = read_text(path, what="name-rule file").splitlines()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise InputError(f"first line must be the header {'<TAB>'.join(header)!r}", path=path, line=1)
    for line_no, raw in enumerate(lines[1:], start=2):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) != len(header):
            raise InputError(
                f"expected {len(header)} tab-separated columns ({', '.join(header)}), found {len(cols)}",
                path=path,
                line=line_no,
            )
        yield line_no, [c.strip() for c in cols]


def load_name_rules(folder: str | Path = DATA_DIR) -> NameRules:
    """Read the two name-rule files of ``folder``.

    Raises:
        InputError: a missing file, a wrong header, an unknown kind or type,
            an empty or upper-case word, or a word listed twice; the message
            names file and line.
    """
    base = Path(folder)
    suffix: dict[str, str] = {}
    word: dict[str, str] = {}
    prefix: dict[str, str] = {}
    keep: set[str] = set()
    seen: dict[tuple[str, str], int] = {}
    path = base / SPELLING_FILE
    for line_no, (kind, british, american) in _rows(path, ("kind", "british", "american")):
        if kind not in _SPELLING_KINDS:
            raise InputError(
                f"unknown kind {kind!r}; expected one of {sorted(_SPELLING_KINDS)}", path=path, line=line_no
            )
        if not british or british != british.lower() or american != american.lower():
            raise InputError("words must be non-empty and lower case", path=path, line=line_no)
        if (kind == "keep") != (not american):
            raise InputError(
                "'keep' lines have no American form; other lines need one", path=path, line=line_no
            )
        first = seen.setdefault((kind, british), line_no)
        if first != line_no:
            raise InputError(f"{kind} {british!r} already listed on line {first}", path=path, line=line_no)
        {"suffix": suffix, "word": word, "prefix": prefix}.get(kind, {})[british] = american
        if kind == "keep":
            keep.add(british)

    type_words: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
    variants: set[str] = set()
    compounds: set[str] = set()
    vendors: list[str] = []
    connectors: list[str] = []
    seen_words: dict[tuple[str, str, str], int] = {}
    path = base / WORDS_FILE
    for line_no, (kind, text, types) in _rows(path, ("kind", "word", "types")):
        if kind not in _WORD_KINDS:
            raise InputError(
                f"unknown kind {kind!r}; expected one of {sorted(_WORD_KINDS)}", path=path, line=line_no
            )
        if not text:
            raise InputError("empty word", path=path, line=line_no)
        first = seen_words.setdefault((kind, text, types), line_no)
        if first != line_no:
            raise InputError(f"{kind} {text!r} already listed on line {first}", path=path, line=line_no)
        if kind == "type_word":
            if types not in type_words:
                raise InputError(f"type_word needs one entity type, got {types!r}", path=path, line=line_no)
            type_words[types].append(text.lower())
        elif kind == "vendor":
            vendors.append(text)
        elif kind == "connector":
            connectors.append(text.lower())
        elif text != text.lower():
            raise InputError(f"{kind} words are lower case", path=path, line=line_no)
        elif kind == "variant":
            variants.add(text)
        else:
            compounds.add(text)
    return NameRules(
        spelling_suffix=tuple(sorted(suffix.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        spelling_word=word,
        spelling_prefix=tuple(sorted(prefix.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        spelling_keep=frozenset(keep),
        type_words={t: tuple(sorted(ws, key=lambda w: (-len(w), w))) for t, ws in type_words.items()},
        variants=frozenset(variants),
        compounds=frozenset(compounds),
        vendors=tuple(sorted(vendors, key=lambda v: (-len(v), v))),
        connectors=tuple(sorted(connectors, key=lambda c: (-len(c), c))),
    )


@lru_cache(maxsize=1)
def name_rules() -> NameRules:
    """Return the bundled name rules, read once per process."""
    return load_name_rules()


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
    lower = surface.lower()
    best: int | None = None
    for connector in name_rules().connectors:
        for match in re.finditer(r"(?<![\w-])" + re.escape(connector) + r"(?![\w-])", lower):
            if match.start() == 0 and surface[:1].isupper():
                continue  # a capitalised leading word is part of the name ("Named Entity Recognition")
            end = match.end()
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
    punctuation; a LaTeX ``~`` is a space), then word by word: a regular
    plural folded (in names of two or more words, or an acronym's "s"),
    British spellings made American, an "-ing"/"-ed" ending folded
    ("Pre-training" / "Pre-trained", "Masked" / "Mask"), apostrophes
    dropped ("AIME'24"); finally spaces, dashes and underscores removed, so
    "pre-training", "pre training" and "Pretraining" meet.

    >>> variant_key("Graph Neural Networks") == variant_key("graph-neural network")
    True
    >>> variant_key("domain generalisation") == variant_key("Domain Generalization")
    True
    >>> variant_key("GANs") == variant_key("GAN"), variant_key("ResNets") == variant_key("ResNet")
    (True, False)
    >>> variant_key("Micro-expressions recognition") == variant_key("micro-expression recognition")
    True
    """
    text = unicodedata.normalize("NFKC", surface).replace("~", " ")
    cased = _WS.sub(" ", text.translate(_DASH_TABLE)).strip(_EDGE_PUNCT)
    if _ACRONYM_PLURAL.match(cased) and is_short_form(cased[:-1]):
        cased = cased[:-1]
    words = [w for w in _SPLIT.split(cased) if w]
    folded: list[str] = []
    for word in words:
        lower = word.casefold().replace("'", "").replace("\u2019", "")
        if len(words) > 1:
            lower = _singular(word, lower)
        lower = _WORD.sub(lambda m: _american_word(m.group()), lower)
        folded.append(_PARTICIPLE.sub(_fold_participle, lower))
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

    >>> case_key("ViT-S"), case_key("Vi T s")
    ('ViTS', 'ViTs')
    """
    text = unicodedata.normalize("NFKC", surface)
    return "".join(ch for ch in text if not (ch.isspace() or ch in _DASH_CHARS))


def acronym_key(surface: str) -> str:
    """Return the case-kept key of an acronym with a plural "s" dropped ("ViTs" -> "ViT").

    >>> acronym_key("ViTs"), acronym_key("VITS"), acronym_key("SAM-2"), acronym_key("Zorb8s")
    ('ViT', 'VITS', 'SAM2', 'Zorb8s')
    """
    key = case_key(surface)
    if len(key) > 2 and key.endswith("s") and not key[-2].isdigit() and is_short_form(key[:-1]):
        return key[:-1]  # after a digit an "s" is a size ("Zorb8s"), no plural
    return key


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


# --------------------------------------------------------------------------- versions


@lru_cache(maxsize=1 << 18)
def tokens(surface: str) -> tuple[str, ...]:
    """Split a name into lower-case tokens at separators and where a version number starts.

    >>> tokens("Llama-3.1-8B-Instruct"), tokens("YOLOv8n"), tokens("GPT4o mini")
    (('llama', '3.1', '8b', 'instruct'), ('yolo', 'v8n'), ('gpt', '4o', 'mini'))
    """
    text = unicodedata.normalize("NFKC", surface).lower()
    out: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        if part:
            out.extend(p for p in _INNER_SPLIT.split(part) if p)
    return tuple(out)


def _version_flags(toks: tuple[str, ...]) -> list[bool]:
    """Mark which tokens are version, size or edition parts.

    The first token never is (it names the family: "T5", "R2D2"). Numbers and
    edition words count anywhere after it; a single letter ("ViT-L",
    "ImageNet-C") only in the trailing run of such parts, so "Faster R-CNN"
    keeps its "R".
    """
    variants = name_rules().variants
    flags = [i > 0 and (bool(_VERSION_TOKEN.fullmatch(t)) or t in variants) for i, t in enumerate(toks)]
    i = len(toks) - 1
    while i > 0 and (flags[i] or (len(toks[i]) == 1 and toks[i].isalpha())):
        flags[i] = True
        i -= 1
    return flags


def _normal_version(token: str) -> str:
    """Drop a "v" before a number and shorten a year to two digits ("v2" -> "2", "2024" -> "24")."""
    token = token[1:] if token[:1] == "v" and token[1:2].isdigit() else token
    return token[2:] if _YEAR.fullmatch(token) else token


@lru_cache(maxsize=1 << 18)
def letter_codes(surface: str) -> tuple[str, ...]:
    """Return the version parts of a name that hold no digit ("ViT-S" -> ("s",), "GPT-4o mini" -> ("mini",)).

    Digits survive in :func:`variant_key`; these parts are what a key that
    drops separators would confuse ("ViT-S" and "VITS", a speech model).

    >>> letter_codes("ViT-S"), letter_codes("VITS"), letter_codes("EfficientNet-B0")
    (('s',), (), ())
    """
    toks = tokens(surface)
    return tuple(
        sorted(t for t, flag in zip(toks, _version_flags(toks)) if flag and not any(c.isdigit() for c in t))
    )


def fold_year(surface: str) -> str:
    """Shorten a trailing year to two digits, so "AIME 2024" meets "AIME24" and "AIME'24".

    >>> fold_year("AIME 2024"), fold_year("COCO-2017"), fold_year("Llama 2")
    ('AIME 24', 'COCO-17', 'Llama 2')
    """
    return _TRAILING_YEAR.sub(r"\1", surface)


@lru_cache(maxsize=1 << 18)
def version_signature(surface: str) -> tuple[str, ...]:
    """Return the sorted version, size and edition parts of a name (empty for a bare family name).

    >>> version_signature("Llama 3.1 8B Instruct") == version_signature("llama-3.1-8b-instruct")
    True
    >>> version_signature("Claude Sonnet 4") == version_signature("Claude 4 Sonnet")
    True
    >>> version_signature("GPT-4"), version_signature("GPT-4o"), version_signature("ViT-L"), version_signature("T5")
    (('4',), ('4o',), ('l',), ())
    """
    toks = tokens(surface)
    return tuple(sorted(_normal_version(t) for t, flag in zip(toks, _version_flags(toks)) if flag))


def _letter_count_explains(short: str, long_words: list[str]) -> bool:
    """Say whether every number in an acronym counts repeated initials ("T5": five words in T)."""
    initials = [w[0] for w in long_words if w]
    runs = list(re.finditer(r"\d+", short))
    for run in runs:
        before = short[run.start() - 1 : run.start()].lower()
        if not before.isalpha() or initials.count(before) != int(run.group()):
            return False
    return bool(runs)


def acronym_compatible(short: str, long: str) -> bool:
    """Say whether an acronym can stand for a long form as far as versions go.

    The extractor (or the lexicon) already paired them; this only refuses
    pairs that name different versions or editions:

    * the numbers must agree ("SAM2" / "Segment Anything Model 2" yes,
      "SAM 2" / "Segment Anything Model" no), unless the long form has no
      number and each digit counts repeated initials ("T5" for
      "Text-to-Text Transfer Transformer");
    * a separated edition or size part of the acronym ("ViT-L") must appear
      in the long form;
    * an edition word of the long form ("XL", "Pro") must have its initial
      in the acronym ("SDXL" for "Stable Diffusion XL", but not "SD").

    >>> acronym_compatible("SDXL", "Stable Diffusion XL"), acronym_compatible("SD", "Stable Diffusion XL")
    (True, False)
    >>> acronym_compatible("T5", "Text-to-Text Transfer Transformer"), acronym_compatible("SAM 2", "Segment Anything")
    (True, False)
    """
    short_digits = _DIGIT_RUN.findall(short)
    long_digits = _DIGIT_RUN.findall(long)
    if short_digits != long_digits:
        words = re.findall(r"[a-z]+", long.lower())
        if long_digits or not _letter_count_explains(short, words):
            return False
    short_tokens = tokens(short)
    long_tokens = set(tokens(long))
    for token, flag in zip(short_tokens, _version_flags(short_tokens)):
        if flag and not _DIGIT_RUN.search(token) and token not in long_tokens:
            return False
    letters = set(re.sub(r"[^a-z]", "", short.lower()))
    variants = name_rules().variants
    return all(t[0] in letters for i, t in enumerate(tokens(long)) if i > 0 and t in variants)


def _letters(surface: str) -> str:
    return re.sub(r"[^a-z]", "", surface.lower())


def _aligns(short: str, long: str) -> bool:
    """Say whether the acronym's letters appear in order in the long form, the first starting a word.

    The test of Schwartz and Hearst (2003): "BTCV" in "Beyond The Cranial
    Vault", but not "SAM-TTA" in "Segment Anything Model".
    """
    letters = _letters(acronym_key(short))
    text = long.lower()
    if not letters:
        return True
    starts = [m.start() for m in re.finditer(r"(?<![a-z])" + re.escape(letters[0]), text)]
    for start in starts:
        pos = start + 1
        for ch in letters[1:]:
            pos = text.find(ch, pos)
            if pos < 0:
                break
            pos += 1
        else:
            return True
    return False


def _type_word_set() -> frozenset[str]:
    return frozenset(w for words in name_rules().type_words.values() for w in words for w in w.split())


def extends(longer: str, shorter: str) -> bool:
    """Say whether ``longer`` is ``shorter`` with more words before or after it (not type words).

    Such a name is something more specific: "Kvasir-SEG" and "Kvasir",
    "Swin Transformer-Hybrid" and "Swin Transformer", "3D Gaussian
    Splatting" and "Gaussian Splatting". Two acronyms extend when one spells
    the other plus more letters ("SAM-HQ" and "SAM"; a plural "s" does not count,
    a size letter after a digit does: "Zorb8s" and "Zorb8"), or the other after a
    code and a dash ("QX-Zorb" and "Zorb").

    >>> extends("Kvasir-SEG", "Kvasir"), extends("KITTI dataset", "KITTI"), extends("ViTs", "ViT")
    (True, False, False)
    """
    if is_short_form(longer) and is_short_form(shorter):
        a, b = _letters(longer), _letters(shorter)
        if len(a) > len(b) and a.startswith(b):
            # a trailing "s" is a plural ("ViTs"), except after a digit, where it is a size ("Zorb8s")
            return a[len(b) :] != "s" or _SIZE_AFTER_DIGIT.search(longer) is not None
        # a code before a dash or space names another thing built on it ("QX-Zorb" is not "Zorb")
        return (
            len(a) >= len(b) + 2
            and a.endswith(b)
            and _PREFIXED.search(longer) is not None
            and (_letters(_PREFIXED.split(longer, maxsplit=1)[-1]) == b)
        )
    ta, tb = tokens(longer), tokens(shorter)
    if len(ta) <= len(tb) or not tb:
        return False
    if ta[: len(tb)] == tb:
        extra = ta[len(tb) :]
    elif ta[-len(tb) :] == tb:
        extra = ta[: -len(tb)]
    else:
        return False
    return not set(extra) <= _type_word_set()


def versions_compatible(a: str, b: str) -> bool:
    """Say whether two names may be one entity as far as versions, sizes and editions go.

    Two long forms need the same :func:`version_signature`; an acronym and a
    long form need :func:`acronym_compatible`; two acronyms need the same
    signature. Vendor prefixes are ignored ("OpenAI o3" / "o3").

    >>> versions_compatible("Gemini 1.5 Pro", "Gemini-1.5-Pro"), versions_compatible("Gemini", "Gemini 1.5 Pro")
    (True, False)
    >>> versions_compatible("GPT-4o", "GPT-4o mini"), versions_compatible("Vision Transformer", "ViT")
    (False, True)
    """
    if variant_key(a) == variant_key(b):
        return True
    a, b = _without_vendor(a), _without_vendor(b)
    short_a, short_b = is_short_form(a), is_short_form(b)
    if short_a != short_b:
        return acronym_compatible(a, b) if short_a else acronym_compatible(b, a)
    return [_normal_version(t) for t in version_signature(a)] == [
        _normal_version(t) for t in version_signature(b)
    ]


def incompatibility(a: str, b: str) -> str:
    """Say why two names an extractor gave as one entity's cannot be one ("" when they can).

    ``"different version"`` (:func:`versions_compatible` fails), ``"more
    specific name"`` (one :func:`extends` the other) or ``"acronym does not
    fit"`` (an acronym's letters do not align with its long form).

    >>> incompatibility("Segment Anything Model", "SAM"), incompatibility("Segment Anything Model", "SAM-TTA")
    ('', 'acronym does not fit')
    >>> incompatibility("SAM2", "SAM2-UNet"), incompatibility("Gemini", "Gemini 1.5 Pro")
    ('more specific name', 'different version')
    """
    if variant_key(a) == variant_key(b):
        return ""
    if not versions_compatible(a, b):
        return "different version"
    a, b = _without_vendor(a), _without_vendor(b)
    if extends(a, b) or extends(b, a):
        return "more specific name"
    short_a, short_b = is_short_form(a), is_short_form(b)
    if short_a != short_b and not (_aligns(a, b) if short_a else _aligns(b, a)):
        return "acronym does not fit"
    return ""


def names_compatible(a: str, b: str) -> bool:
    """Say whether two names an extractor gave as one entity's can be one (see :func:`incompatibility`).

    >>> names_compatible("Segment Anything Model", "SAM"), names_compatible("ImageNet", "ILSVRC")
    (True, False)
    """
    return not incompatibility(a, b)


def lexicon_alias_compatible(surface: str, canonical: str) -> bool:
    """Say whether a surface may stand for a lexicon entry with this canonical name.

    :func:`versions_compatible`, and the surface does not extend the
    canonical name ("Kvasir-SEG" is not the entry "Kvasir"), while a
    shortening is fine ("Waymo" for "Waymo Open Dataset"). Letters need not
    align: a curated alias may be another name altogether ("ILSVRC").

    >>> lexicon_alias_compatible("Waymo", "Waymo Open Dataset"), lexicon_alias_compatible("Kvasir-SEG", "Kvasir")
    (True, False)
    """
    if variant_key(surface) == variant_key(canonical):
        return True
    return versions_compatible(surface, canonical) and not extends(
        _without_vendor(surface), _without_vendor(canonical)
    )


def _without_vendor(surface: str) -> str:
    vendor = split_vendor(surface)
    return vendor[1] if vendor is not None else surface


@lru_cache(maxsize=1 << 16)
def family_stems(surface: str) -> tuple[str, ...]:
    """Return the shorter names a versioned name belongs to, nearest first.

    Trailing version, size and edition parts are cut one at a time, keeping
    the original spelling; a stem must keep a letter and two characters.

    >>> family_stems("Llama-3.1-8B-Instruct")
    ('Llama-3.1-8B', 'Llama-3.1', 'Llama')
    >>> family_stems("Gemini 1.5 Pro"), family_stems("SAM2"), family_stems("BERT")
    (('Gemini 1.5', 'Gemini'), ('SAM',), ())
    """
    text = unicodedata.normalize("NFKC", surface).strip()
    toks = tokens(text)
    stems: list[str] = []
    # Find each token's end offset in the original text by walking lower-case positions.
    lower = text.lower()
    ends: list[int] = []
    pos = 0
    for tok in toks:
        found = lower.find(tok, pos)
        if found < 0:
            return ()
        pos = found + len(tok)
        ends.append(pos)
    flags = _version_flags(toks)
    keep = len(toks)
    while keep > 1 and flags[keep - 1]:
        keep -= 1
        stem = text[: ends[keep - 1]].rstrip(" -_/:,(")
        if len(stem) >= 2 and any(ch.isalpha() for ch in stem):
            stems.append(stem)
    return tuple(stems)

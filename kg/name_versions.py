"""Which names may be one entity: versions, sizes and editions, acronyms, families.

A version, size or edition changes what a name denotes ("GPT-4" / "GPT-4o",
"Llama 3.1" / "Llama 3.1 8B", "SAM" / "SAM 2"). :func:`version_signature`
reads those parts with a small grammar, so two names with different
signatures are never one entity; :func:`acronym_compatible` says whether an
acronym can stand for a long form; :func:`incompatibility` gives the reason two
names cannot be one; and :func:`family_stems` gives the shorter names a
specific version belongs to ("Gemini 1.5 Pro" -> "Gemini 1.5" -> "Gemini"),
which the graph links with ``skos:broader``. Identity keys and name shapes are
:mod:`kg.names`; the word lists are data (:mod:`kg.name_rules`). Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.name_rules import name_rules
from kg.names import acronym_key, is_short_form, split_vendor, variant_key

__all__ = [
    "acronym_compatible",
    "extends",
    "family_stems",
    "fold_year",
    "incompatibility",
    "letter_codes",
    "lexicon_alias_compatible",
    "names_compatible",
    "tokens",
    "version_signature",
    "versions_compatible",
    "versions_last",
]

# Token grammar of versions and sizes (after lower-casing and splitting at separators):
#   3  3.1  v2  v1.5  4o  8n  0613     a version number, optionally with a one- or two-letter tag
#   7b  1.7b  1k  405b  8x7b  a22b    a size (parameters, classes, experts)
#   r1  b0  l14                      a letter-and-number model code
#   +  ++                            an improved variant ("LoRA+", "RefCOCO+"): another thing
_VERSION_TOKEN = re.compile(
    r"v?\d+(?:\.\d+)*[a-z]{0,2}|\d+x\d+[a-z]?|[a-z]\d+(?:\.\d+)?[a-z]?|ii|iii|iv|vi|vii|viii|ix|\++"
)
_NAME_SEPARATORS = re.compile(r"[\s\-_/:,()]+")
# Inside one token, a run of letters followed by a version number starts a new token:
# "Llama3.1" -> "llama", "3.1"; "YOLOv8n" -> "yolo", "v8n"; "GPT4o" -> "gpt", "4o"; and a trailing
# run of "+" is a token of its own ("LoRA+" -> "lora", "+").
_INNER_SPLIT = re.compile(r"(?<=[a-z]{2})(?=v\d)|(?<=[a-uw-z]{2})(?=\d)|(?<=[^+])(?=\++$)")
_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)*")
_YEAR = re.compile(r"20[0-3]\d")
_ZERO_PARTS = re.compile(r"(?<=\d)(?:\.0)+(?=[a-z]{0,2}$)")  # "2.0" -> "2", "1.0b" -> "1b"
_TRAILING_YEAR = re.compile(r"(?<![\d.])20([0-3]\d)$")
# A size letter after a digit ("Zorb8s"), and a code before a dash or space ("QX-Zorb").
_SIZE_AFTER_DIGIT = re.compile(r"\ds$")
_PREFIXED = re.compile(r"^[A-Za-z0-9]+[\s\-_]+")
# A version token that ends in one letter after its digits ("v8n", "11s"): a size code when the letter is listed.
_SIZE_LETTER = re.compile(r"v?\d+(?:\.\d+)*([a-z])")


@lru_cache(maxsize=1 << 18)
def tokens(surface: str) -> tuple[str, ...]:
    """Split a name into lower-case tokens at separators and where a version number starts.

    >>> tokens("Llama-3.1-8B-Instruct"), tokens("YOLOv8n"), tokens("GPT4o mini"), tokens("ZorbA+")
    (('llama', '3.1', '8b', 'instruct'), ('yolo', 'v8n'), ('gpt', '4o', 'mini'), ('zorba', '+'))
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
    """Drop a "v" before a number, trailing ".0" parts and a year's century ("v2.0" -> "2", "2024" -> "24")."""
    token = token[1:] if token[:1] == "v" and token[1:2].isdigit() else token
    token = _ZERO_PARTS.sub("", token)
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
        sorted(
            t
            for t, flag in zip(toks, _version_flags(toks))
            if flag and not any(c.isdigit() for c in t) and t.strip("+")  # "+" stays in variant_key
        )
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


@lru_cache(maxsize=1 << 18)
def versions_last(surface: str) -> str | None:
    """Return a name's other words in order, then its version parts sorted; ``None`` without both.

    Two orders of one model's name ("Claude Opus 4.6" / "Claude 4.6 Opus")
    read the same; the words that are not version parts keep their order
    ("WMT14 En-De" is not "WMT14 De-En"), and so do plain numbers
    ("SemEval-2025 Task 11" is not "SemEval-2011 Task 25").

    >>> versions_last("Gemini Pro 2.5") == versions_last("Gemini-2.5-Pro"), versions_last("Gemini"), versions_last("2.5")
    (True, None, None)
    """
    toks = tokens(surface)
    flags = _version_flags(toks)
    words = [t for t, flag in zip(toks, flags) if not flag]
    parts = [_normal_version(t) for t, flag in zip(toks, flags) if flag]
    # Plain numbers keep their order ("Task 1 Track 2" is not "Task 2 Track 1"); sizes and edition
    # words may stand anywhere ("Mistral 7B v0.3" / "Mistral v0.3 7B").
    numbers = [t for t in parts if _DIGIT_RUN.fullmatch(t)]
    others = sorted(t for t in parts if not _DIGIT_RUN.fullmatch(t))
    return " ".join(words + numbers + others) if words and parts else None


def _letter_count_explains(short: str, long_words: list[str]) -> bool:
    """Say whether every number in an acronym counts repeated initials ("T5": five words in T)."""
    initials = [w[0] for w in long_words if w]
    runs = list(re.finditer(r"\d+", short))
    for run in runs:
        before = short[run.start() - 1 : run.start()].lower()
        if not before.isalpha() or initials.count(before) != int(run.group()):
            return False
    return bool(runs)


def _two_reads_to(short: str, words: list[str]) -> bool:
    """Say whether every digit of an acronym is a "2" between letters read "to", as the long form says.

    "NL2SQL" for "natural language to SQL", "S2TT" for "speech-to-text
    translation": no version, the long form has one "to" per such "2".

    >>> _two_reads_to("NL2SQL", ["text", "to", "sql"]), _two_reads_to("GPT4o", ["gpt", "to", "o"])
    (True, False)
    """
    glued = re.findall(r"(?<=[A-Za-z])2(?=[A-Za-z])", short)
    return bool(glued) and len(glued) == len(_DIGIT_RUN.findall(short)) and len(glued) == words.count("to")


def acronym_compatible(short: str, long: str) -> bool:
    """Say whether an acronym can stand for a long form as far as versions go.

    The extractor (or the lexicon) already paired them; this only refuses
    pairs that name different versions or editions:

    * the numbers must agree ("SAM2" / "Segment Anything Model 2" yes,
      "SAM 2" / "Segment Anything Model" no), unless the long form has no
      number and each digit counts repeated initials ("T5" for
      "Text-to-Text Transfer Transformer") or is a "2" read "to"
      ("NL2SQL" for "text-to-SQL");
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
        if long_digits or not (_letter_count_explains(short, words) or _two_reads_to(short, words)):
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
    >>> family_stems("Zorbv8n"), family_stems("Zorb-4o")
    (('Zorbv8', 'Zorb'), ('Zorb',))
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
    size = _SIZE_LETTER.fullmatch(toks[-1]) if len(toks) > 1 and flags[-1] else None
    if size is not None and size.group(1) in name_rules().size_letters:
        stem = text[: ends[-1] - 1]  # "YOLOv8n" -> "YOLOv8": a size of that version first
        if text[ends[-1] - 1 : ends[-1]].lower() == size.group(1) and len(stem) >= 2 and any(ch.isalpha() for ch in stem):
            stems.append(stem)
    while keep > 1 and flags[keep - 1]:
        keep -= 1
        stem = text[: ends[keep - 1]].rstrip(" -_/:,(")
        if len(stem) >= 2 and any(ch.isalpha() for ch in stem):
            stems.append(stem)
    return tuple(stems)

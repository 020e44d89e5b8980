"""The only text normal forms of kg: match keys, slugs and paper ids.

Scoring, entity resolution and id minting must agree on what "the same text"
means, so every such rule lives here and nowhere else. Pure functions, no
heavy imports.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TABLE = str.maketrans({c: "-" for c in _DASHES})
_WS = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n\r.,;:!?\"'`()[]{}<>\u201c\u201d\u2018\u2019"
_ARXIV_NEW = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_OLD = re.compile(r"^(?:arxiv:)?([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


def match_key(text: str) -> str:
    """Return the scoring normal form of a name (ANNOTATION.md, "How a prediction is scored").

    Case-folded, Unicode-compatibility folded, whitespace collapsed, dashes
    unified and surrounding punctuation stripped.

    >>> match_key("  Llama\u20133.1  8B. ")
    'llama-3.1 8b'
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASH_TABLE)
    text = _WS.sub(" ", text).strip(_EDGE_PUNCT)
    return text.casefold()


def collapse_whitespace(text: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends.

    >>> collapse_whitespace(" a\\n  b ")
    'a b'
    """
    return _WS.sub(" ", text).strip()


def word_set(text: str) -> frozenset[str]:
    """Return the set of space-separated words in ``text``, for writing constant word tables compactly.

    >>> sorted(word_set("of the  of"))
    ['of', 'the']
    """
    return frozenset(text.split())


def slugify(text: str, *, max_length: int = 80) -> str:
    """Return an ASCII slug: lower case, words joined by ``-``, at most ``max_length`` chars.

    >>> slugify("ZORB: Training-free Cross-script Glyph Composition")
    'zorb-training-free-cross-script-glyph-composition'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug


def short_hash(text: str, *, length: int = 8) -> str:
    """Return a short stable hex digest of ``text`` (SHA-1, not for security).

    >>> short_hash("abc")
    'a9993e36'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def title_key(title: str) -> str:
    """Return the key under which two titles count as the same paper.

    >>> title_key("ZORB:  Training-free\u2013Composition.") == title_key("zorb: training-free-composition")
    True
    """
    return match_key(title)


def normalize_arxiv_id(value: str) -> str | None:
    """Return the bare arXiv id (no version, no prefix) or ``None`` if ``value`` is not one.

    >>> normalize_arxiv_id("arXiv:2508.12345v2")
    '2508.12345'
    >>> normalize_arxiv_id("http://arxiv.org/abs/hep-th/9901001v1")
    'hep-th/9901001'
    """
    value = value.strip()
    value = re.sub(r"^https?://(?:www\.)?(?:export\.)?arxiv\.org/(?:abs|pdf)/", "", value, flags=re.IGNORECASE)
    value = re.sub(r"\.pdf$", "", value)
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        m = pattern.match(value)
        if m:
            return m.group(1)
    return None


def normalize_doi(value: str) -> str | None:
    """Return the DOI in lower case without resolver prefix, or ``None``.

    >>> normalize_doi("https://doi.org/10.18653/V1/2023.findings-emnlp.548")
    '10.18653/v1/2023.findings-emnlp.548'
    """
    m = _DOI.match(value.strip())
    return m.group(1).lower() if m else None


def paper_id(title: str, *, arxiv_id: str | None = None, doi: str | None = None) -> str:
    """Mint the stable id of a paper; the only place paper ids are made.

    An arXiv id wins (``arxiv:2508.12345``), then a DOI (``doi:10.1/x``), else
    a slug of the title plus a short hash of its match key, so case or
    spacing differences in the title do not change the id.

    >>> paper_id("Anything", arxiv_id="2508.12345v1")
    'arxiv:2508.12345'
    >>> paper_id("ZORB: Training-free")
    'zorb-training-free-21ac7796'
    """
    if arxiv_id:
        norm = normalize_arxiv_id(arxiv_id)
        if norm:
            return f"arxiv:{norm}"
    if doi:
        norm_doi = normalize_doi(doi)
        if norm_doi:
            return f"doi:{norm_doi}"
    key = title_key(title)
    return f"{slugify(title, max_length=60) or 'paper'}-{short_hash(key)}"


def in_order(wanted: Iterable[str], letters: Sequence[str]) -> bool:
    """Say whether every item of ``wanted`` occurs in ``letters``, in the same order (gaps allowed).

    >>> in_order("fq", "fbq"), in_order("qf", "fbq")
    (True, False)
    """
    remaining = iter(letters)
    return all(any(letter == item for letter in remaining) for item in wanted)


def initials_in_name(short: str, long: str, connectives: Collection[str]) -> bool:
    """Say whether the first letter of every word of ``long`` but ``connectives`` is, in order, a letter of ``short``.

    A hyphenated word counts once ("Pre-trained" gives the "P" of GPT); a word's
    first letter is its first alphabetic character ("3D" gives "d").

    >>> initials_in_name("FBQ", "Foo of Bar-baz Quux", {"of"}), initials_in_name("ZB", "Zorb Quux", ())
    (True, False)
    """
    letters = [ch.lower() for ch in short if ch.isalpha()]
    initials = []
    for word in long.split():
        first = next((ch.lower() for ch in word if ch.isalpha()), "")
        if first and word.lower() not in connectives:
            initials.append(first)
    return in_order(initials, letters)

"""Find acronym definitions in text: "Long Form (LF)" and "LF (Long Form)".

An acronym and its expansion are one entity (ANNOTATION.md), so the
extractor needs the pairs a paper defines. This is our own implementation of
the algorithm of Schwartz & Hearst (2003), "A simple algorithm for
identifying abbreviation definitions in biomedical text": take a
parenthesised short form, look at the few words before it, and match the
short form's characters right to left against them, the first character at
the start of a word. Extended for machine-learning text: hyphenated and
digit-bearing short forms (``CL-QOS``, ``GPT-4o``), lower-case letters
inside short forms (``mBERT``, ``ViT``, ``MoE``), version digits absent from
the long form (``SST-2``), and rejection of parentheticals that are not
definitions (citations, numbers, "e.g.", enumerators, equations).

Pure Python over strings (stdlib and kg.normalize): no spaCy here, so the pipeline
component and any other caller can share it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.normalize import word_set

__all__ = ["Abbreviation", "find_abbreviations"]


@dataclass(frozen=True)
class Abbreviation:
    """One acronym definition found in a text.

    Attributes:
        short: the short form as written (``"DPO"``).
        long: the long form with whitespace collapsed (``"Direct Preference Optimization"``).
        short_start: offset of the short form in the text.
        short_end: offset just past the short form.
        long_start: offset of the long form in the text.
        long_end: offset just past the long form.
    """

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


_MAX_PAREN = 200  # characters inside a parenthesis worth looking at
_SHORT_FORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-./&+']*[A-Za-z0-9+]$")
# Enumerators "(ii)", "(iv)", "(II)"; upper-case C, D, L, M are left out so
# that "CC" or "CD" can still be acronyms.
_ROMAN = re.compile(r"^(?:[ivxlcdm]+|[IVX]+)$")
_ROMAN_VALUE = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]|20)\d\d[a-z]?\b")
_NOT_SHORT = word_set("eg ie cf etc resp ours vs viz al aka see fig figs sec eq eqs tab table appendix et")
# Words that introduce a short form inside the parenthesis: "(hereafter DPO)".
_INTRO = re.compile(
    r"^(?:hereafter|henceforth|abbreviated(?:\s+as)?|abbr\.?|or|aka|a\.k\.a\.?|termed|dubbed|called|"
    r"referred\s+to\s+as|namely|short\s+for|i\.e\.,?|for\s+short)\s+",
    re.IGNORECASE,
)
_LONG_STOP_START = word_set("the a an of and or in on for to with by our we is are this that these its")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Long-form windows never cross these: a clause or sentence boundary.
# (Written to start with one character class, "[;:...\n]": the regex engine then skips to those
# characters in C instead of trying every alternative at every position.)
_BOUNDARY = re.compile(r"[;:()\[\]{},.\n](?:(?<=\.)(?=\s)|(?<=\n)\s*\n|(?<=[;:()\[\]{},]))")
_CITATION = re.compile(r"\bet\s+al\b|\b(?:e\.g|i\.e|cf|see)\b\.?", re.IGNORECASE)
_VERSION_TAIL = re.compile(r"^(.*?[A-Za-z].*?)[-.]?\d[\w.]*$")
# A digit between letters that reads as a word: "D2D" device-to-device, "AI4Science" AI for science.
_DIGIT_WORDS = {"2": "to", "4": "for"}
_DIGIT_WORD = re.compile(r"(?<=[A-Za-z])[24](?=[A-Za-z])")
_NON_SPACE = re.compile(r"\S+")
_LAST_WORD = re.compile(r"(\S+)\s*$")
_MATH = re.compile(r"[=<>^\\$|]|\s[+*/\-]\s|\d\s*[+*/]\s*\d")


#: A run of letters and digits (``[^\W_]`` is exactly what ``str.isalnum`` accepts).
_ALNUM_RUN = re.compile(r"[^\W_]+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def _alnum_key(text: str) -> str:
    """Return the lower-case letters and digits of ``text``: what must match."""
    return _NOT_ALNUM.sub("", text.lower())


def _lower_same_length(text: str) -> str:
    """Return ``text`` lower-cased character by character, so offsets stay valid.

    ``"İ".lower()`` is two characters; the matcher indexes the window and its
    lower-case form with the same offsets (a longer lower-case form used to
    crash it), so such a character keeps the first character of its
    lower-case form.

    >>> _lower_same_length("İzmir Bay"), [(a.short, a.long) for a in find_abbreviations("İzmir Bay Data (IBD)")]
    ('izmir bay', [('IBD', 'İzmir Bay Data')])
    """
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower()[:1] or c for c in text)


def _is_short_form(text: str, *, strict: bool) -> bool:
    """Return True when ``text`` can be an acronym.

    ``strict`` is for the reverse pattern "SF (long form)", where the short
    form is a free-standing word of the sentence and capitalised ordinary
    words ("This", "Our") must not qualify.
    """
    if not 2 <= len(text) <= 10 or not _SHORT_FORM.match(text):
        return False
    if not any(c.isalpha() for c in text):
        return False
    if _alnum_key(text) in _NOT_SHORT or (_ROMAN.match(text) and _ROMAN_VALUE.match(text)):
        return False
    uppers = sum(1 for c in text if c.isupper())
    if uppers == 0:
        return False
    if strict:
        has_digit = any(c.isdigit() for c in text)
        inner_upper = any(c.isupper() for c in text[1:])
        return inner_upper or has_digit
    return True


_QUOTES = "\"'`\u201c\u201d\u2018\u2019"
_FREE_WORDS = word_set("of the and for in on to a an with from by via at")


def _match_start(short_key: str, window: str, *, anchored: bool = False) -> int | None:
    """Return where in ``window`` the long form of ``short_key`` starts, or ``None``.

    Schwartz & Hearst's matcher: every character of the short form must
    occur in order in the window, the first one at the start of a word, and
    the long form runs to the window's end. Their right-to-left scan takes
    the first fit, so "Proximal Policy Optimization (PPO)" would give "Policy
    Optimization" (the second "P" matched inside "oPtimization"). We score
    every fit instead, word by word (a word is a run of letters and digits):
    +1 when the word's first letter is matched, -1 when only inner letters
    are, -1 when a content word gives nothing (0 for "of", "the", ...), and
    take the best score, then the shortest long form. ``anchored`` demands
    that the long form start at the window's first character (the reverse
    pattern "SF (long form)").
    """
    n = len(short_key)
    if n == 0 or not window:
        return None
    lower = _lower_same_length(window)
    # the words (runs of letters and digits): where each starts, and the penalty of skipping it
    word_starts: list[int] = []
    penalties: list[int] = []
    for m in _ALNUM_RUN.finditer(window):
        word_starts.append(m.start())
        penalties.append(0 if lower[m.start() : m.end()] in _FREE_WORDS else -1)
    skip_sum = [0]
    for pen in penalties:
        skip_sum.append(skip_sum[-1] + pen)

    def skipped(after: int, before: int) -> int:
        """Penalty of the words with ids strictly between ``after`` and ``before``."""
        return skip_sum[before] - skip_sum[after + 1] if before > after + 1 else 0

    # Only the offsets of the short form's characters matter: for each, its word id (the word it
    # is in or follows; -1 before the first word) and whether it starts a word.
    positions: dict[str, list[int]] = {}
    wid: dict[int, int] = {}
    initial: dict[int, bool] = {}
    for ch in set(short_key):
        found = []
        q = lower.find(ch)
        while q >= 0:
            found.append(q)
            wid[q] = bisect.bisect_right(word_starts, q) - 1
            initial[q] = q == 0 or not window[q - 1].isalnum()
            q = lower.find(ch, q + 1)
        positions[ch] = found
    # prev[q] = (score, long-form start) of the best fit of short_key[:s+1] ending at q
    prev: dict[int, tuple[int, int]] = {}
    for q in positions.get(short_key[0], []):
        if initial[q] and window[q].isalnum() and (q == 0 or not anchored):
            prev[q] = (1, q)
    if not prev:  # no word starts with the first character ("C++" has the key "c")
        return None
    for s in range(1, n):
        cur: dict[int, tuple[int, int]] = {}
        for q in positions.get(short_key[s], []):
            best: tuple[int, int] | None = None
            for qp, (score, begin) in prev.items():
                if qp >= q:
                    continue
                if wid[qp] != wid[q]:
                    score += skipped(wid[qp], wid[q]) + (1 if initial[q] else -1)
                cand = (score, begin)
                if best is None or cand > best:
                    best = cand
            if best is not None:
                cur[q] = best
        if not cur:
            return None
        prev = cur
    last_word = len(penalties) - 1
    scored = [(score + skipped(wid[q], last_word + 1), begin) for q, (score, begin) in prev.items()]
    return max(scored)[1]


def _reduced_keys(short: str) -> list[str]:
    """Return the keys to try for ``short``: whole, digits read as words, then without version digits.

    "SST-2" is defined as "Stanford Sentiment Treebank", "GPT-4o" may be
    expanded without its version: retry without a trailing digit-bearing
    segment, keeping at least two characters. A "2" or "4" between letters
    is often a word ("D2D" device-to-device, "Seq2Seq", "ML4Code"): read so
    before the tail is dropped, else "Seq2Seq" would stand for "sequence".
    """
    keys = [_alnum_key(short)]
    spoken = _alnum_key(_DIGIT_WORD.sub(lambda m: _DIGIT_WORDS[m.group()], short))
    if spoken not in keys:
        keys.append(spoken)
    if any(c.isdigit() for c in short):
        m = _VERSION_TAIL.match(short)
        if m:
            core = _alnum_key(m.group(1))
            if len(core) >= 2 and core not in keys:
                keys.append(core)
    return keys


def _window_before(text: str, end: int, max_words: int) -> tuple[int, str]:
    """Return (start, text) of at most ``max_words`` words ending at ``end``, within the clause."""
    lo = max(0, end - 400)
    chunk = text[lo:end]
    last_boundary = None
    for m in _BOUNDARY.finditer(chunk):
        last_boundary = m
    start = lo + (last_boundary.end() if last_boundary else 0)
    words = list(_NON_SPACE.finditer(text, start, end))
    if len(words) > max_words:
        start = words[-max_words].start()  # offsets into ``text`` (pos/endpos, no slice)
    while start < end and text[start].isspace():
        start += 1
    return start, text[start:end]


def _valid_long(long_text: str, short: str) -> bool:
    """Reject long forms that are not plausible expansions of ``short``."""
    words = long_text.split()
    if not words:
        return False
    if len(_alnum_key(long_text)) <= len(_alnum_key(short)):
        return False
    if words[0].lower() in _LONG_STOP_START:
        return False
    short_key = _alnum_key(short)
    if any(_alnum_key(w) == short_key for w in words):
        return False
    return not (_YEAR.search(long_text) or _CITATION.search(long_text) or _MATH.search(long_text))


def _max_words(short: str) -> int:
    n = len(_alnum_key(short))
    return min(n + 5, 2 * n)


def _forward(text: str, open_at: int, inner_start: int, short: str) -> Abbreviation | None:
    """Handle "long form (SF)": the long form precedes the parenthesis."""
    end = open_at
    # "~" is LaTeX's unbreakable space: "generation~(RAG)" is "generation (RAG)".
    while end > 0 and (text[end - 1].isspace() or text[end - 1] in _QUOTES or text[end - 1] == "~"):
        end -= 1
    win_start, window = _window_before(text, end, _max_words(short))
    for key in _reduced_keys(short):
        rel = _match_start(key, window)
        if rel is None:
            continue
        long_start = win_start + rel
        long_text = text[long_start:end]
        if _valid_long(long_text, short):
            return Abbreviation(
                short=short,
                long=" ".join(long_text.split()),
                short_start=inner_start,
                short_end=inner_start + len(short),
                long_start=long_start,
                long_end=end,
            )
    return None


def _reverse(text: str, open_at: int, inner_start: int, inner: str) -> Abbreviation | None:
    """Handle "SF (long form)": the short form is the word before the parenthesis."""
    m = _LAST_WORD.search(text[max(0, open_at - 40) : open_at])
    if m is None:
        return None
    token = m.group(1)
    tok_start = max(0, open_at - 40) + m.start(1)
    # Strip quotes and brackets around the token.
    lead = len(token) - len(token.lstrip("\"'`\u201c\u2018"))
    short = token.strip("\"'`\u201c\u201d\u2018\u2019")
    if not _is_short_form(short, strict=True):
        return None
    short_start = tok_start + lead
    long_text = inner
    art = _LEADING_ARTICLE.match(long_text)
    offset = art.end() if art else 0
    long_text = long_text[offset:]
    if len(long_text.split()) > _max_words(short):
        return None
    for key in _reduced_keys(short):
        rel = _match_start(key, long_text, anchored=True)
        # The expansion must start at the first word of the parenthesis.
        if rel != 0 or not _valid_long(long_text, short):
            continue
        long_start = inner_start + offset
        return Abbreviation(
            short=short,
            long=" ".join(long_text.split()),
            short_start=short_start,
            short_end=short_start + len(short),
            long_start=long_start,
            long_end=long_start + len(long_text),
        )
    return None


def _clip_inner(inner: str) -> tuple[int, str]:
    """Return (offset, text) of the part of a parenthesis that may define something.

    Keeps what precedes the first ";" or "," ("(DPO; Smith 2023)") and drops
    an introducing word ("(hereafter DPO)").
    """
    cut = len(inner)
    for sep in (";", ","):
        i = inner.find(sep)
        if i >= 0:
            cut = min(cut, i)
    part = inner[:cut]
    offset = len(part) - len(part.lstrip())
    part = part.strip()
    intro = _INTRO.match(part)
    if intro:
        offset += intro.end()
        part = part[intro.end() :]
    return offset, part.rstrip()


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Find the acronym definitions in ``text``, in order of the parenthesis.

    Both directions are recognised: "Direct Preference Optimization (DPO)"
    and "DPO (Direct Preference Optimization)". Parentheticals that are
    citations, numbers, examples, enumerators or equations are ignored.

    Args:
        text: any text (an abstract, a title); never raises on odd input.

    Returns:
        One :class:`Abbreviation` per definition; offsets index into ``text``.

    >>> [(a.short, a.long) for a in find_abbreviations("We train with Low-Rank Adaptation (LoRA).")]
    [('LoRA', 'Low-Rank Adaptation')]
    >>> [(a.short, a.long) for a in find_abbreviations("We use ViT (Vision Transformer) as encoder.")]
    [('ViT', 'Vision Transformer')]
    """
    found: list[Abbreviation] = []
    i = text.find("(")
    while i >= 0:
        close = text.find(")", i + 1, i + 2 + _MAX_PAREN)
        nested = text.find("(", i + 1, close) if close >= 0 else -1
        if close < 0 or nested >= 0:
            i = text.find("(", i + 1)
            continue
        raw_inner = text[i + 1 : close]
        offset, inner = _clip_inner(raw_inner)
        inner_start = i + 1 + offset
        abbr: Abbreviation | None = None
        if inner and not _CITATION.search(inner):
            if " " not in inner and _is_short_form(inner, strict=False):
                abbr = _forward(text, i, inner_start, inner)
            elif len(inner.split()) >= 2 and not _YEAR.search(raw_inner):
                abbr = _reverse(text, i, inner_start, inner)
        if abbr is not None:
            found.append(abbr)
        i = text.find("(", close + 1)
    return found

"""The search key of a name: what the view's search box and ``--focus`` compare.

People type "low rank adaptation" for "Low-Rank Adaptation", "gpt4o" for
"GPT-4o" and "colour constancy" for "color constancy". A search key ignores
case, accents, spaces, dashes and other punctuation, and folds British
spellings into American ones with the rules of ``data/spelling.tsv``. The
page's script applies the same rules (they travel in the page data), so the
search box and ``kg view --focus`` agree.

This key is only for finding things: it never names, merges or ids an
entity (that is :mod:`kg.normalize` and entity resolution).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Literal

from kg.errors import InputError

SPELLING_FILE = "data/spelling.tsv"
HEADER = ("british", "american", "where")
Where = Literal["end", "any"]

_WORD_BREAK = re.compile(r"[\W_]+")
_RULE_TEXT = re.compile(r"^[a-z]+$")


Rule = tuple[str, str, Where]


@cache
def spelling_rules() -> tuple[Rule, ...]:
    """Return the bundled spelling folds (``data/spelling.tsv``), loaded once."""
    resource = files("kg.view").joinpath(SPELLING_FILE)
    return parse_spelling(resource.read_text(encoding="utf-8"), path=str(resource))


def parse_spelling(text: str, *, path: str) -> tuple[Rule, ...]:
    """Parse a spelling file; the rules come back longest British form first (their order of use).

    Raises:
        InputError: a malformed line, with the file and line number.
    """
    rules: list[Rule] = []
    seen: dict[tuple[str, str], int] = {}
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != HEADER:
                raise InputError(f"expected the header {' / '.join(HEADER)}", path=path, line=number)
            header_seen = True
            continue
        if len(cells) != 3:
            raise InputError("expected 3 tab-separated columns", path=path, line=number)
        british, american, where = cells
        if not (_RULE_TEXT.match(british) and _RULE_TEXT.match(american)):
            raise InputError("spellings must be lower-case ASCII letters", path=path, line=number)
        if where not in ("end", "any"):
            raise InputError(f"where must be 'end' or 'any', not {where!r}", path=path, line=number)
        if british == american:
            raise InputError("the two spellings are the same", path=path, line=number)
        key = (british, where)
        if key in seen:
            raise InputError(f"{british!r} ({where}) repeats line {seen[key]}", path=path, line=number)
        seen[key] = number
        rules.append((british, american, where))  # type: ignore[arg-type]
    if not header_seen:
        raise InputError(f"no header line ({' / '.join(HEADER)})", path=path)
    rules.sort(key=lambda rule: (-len(rule[0]), rule[0], rule[2]))
    return tuple(rules)


def _fold_word(word: str, rules: tuple[Rule, ...]) -> str:
    for british, american, where in rules:
        if where == "any" and british in word:
            word = word.replace(british, american)
    for british, american, where in rules:
        if where == "end" and word.endswith(british):
            return word[: -len(british)] + american
    return word


def search_key(text: str) -> str:
    """Return the search key of ``text``: lower case, no accents or punctuation, American spelling.

    >>> search_key("Low-Rank Adaptation") == search_key("low rank  adaptation")
    True
    >>> search_key("Colour constancy under Normalisation"), search_key("GPT-4o")
    ('colorconstancyundernormalization', 'gpt4o')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    rules = spelling_rules()
    return "".join(_fold_word(word, rules) for word in _WORD_BREAK.split(plain) if word)


__all__ = ["parse_spelling", "search_key", "spelling_rules"]

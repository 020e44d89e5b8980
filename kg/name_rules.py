"""The word lists that name normalisation reads, as validated data: ``kg/data/*.tsv``.

:mod:`kg.names` (identity keys) and :mod:`kg.name_versions` (versions,
families, compatibility) read spelling rules, type words, edition words,
adjectival compound suffixes, vendor prefixes and prose connectors from
``kg/data/spelling-variants.tsv`` and ``kg/data/name-words.tsv`` (provenance
in ``kg/data/NAME-RULES.md``). This module is their strict loader: a wrong
header, an unknown kind or type, an empty or upper-case word or a word
listed twice is an :class:`~kg.errors.InputError` naming file and line.
Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import InputError
from kg.io import read_text
from kg.records import ENTITY_TYPES

__all__ = ["DATA_DIR", "SPELLING_FILE", "WORDS_FILE", "NameRules", "load_name_rules", "name_rules"]

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Folder of the bundled name-rule files."""

SPELLING_FILE = "spelling-variants.tsv"
WORDS_FILE = "name-words.tsv"

_SPELLING_KINDS = frozenset({"suffix", "word", "prefix", "keep"})
_WORD_KINDS = frozenset({"type_word", "variant", "compound", "vendor", "connector", "size_letter", "magnitude"})


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
        size_letters: one-letter size codes glued to a version number
            ("v8n": nano, "11s": small): the name without the letter is its family.
        magnitudes: one-letter multipliers after a number ("8k" thousand, "7b"
            billion) whose case carries no meaning, so "GSM8k" is "GSM8K".
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
    size_letters: frozenset[str] = frozenset()
    magnitudes: frozenset[str] = frozenset()


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
    size_letters: set[str] = set()
    magnitudes: set[str] = set()
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
        elif kind == "size_letter":
            if len(text) != 1 or not text.isalpha():
                raise InputError(f"a size_letter is one letter, got {text!r}", path=path, line=line_no)
            size_letters.add(text)
        elif kind == "magnitude":
            if len(text) != 1 or not text.isalpha():
                raise InputError(f"a magnitude is one letter, got {text!r}", path=path, line=line_no)
            magnitudes.add(text)
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
        size_letters=frozenset(size_letters),
        magnitudes=frozenset(magnitudes),
    )


@lru_cache(maxsize=1)
def name_rules() -> NameRules:
    """Return the bundled name rules, read once per process."""
    return load_name_rules()

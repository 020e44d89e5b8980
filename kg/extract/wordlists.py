"""The extractor's word lists: type words, head nouns, stop words, cue phrases, generic phrases.

The rules of ``kg.extract.components`` lean on closed lists of English
research prose (which word after a name says "dataset", which phrases the
annotation guide calls too generic, which verbs announce a contribution).
They are knowledge, not code, so they live as data in ``kg/extract/words/``
(see ``README.md`` there for each file and how to edit it) and arrive in the
components through the pipeline config (``kg.word_lists.v1``), as the
lexicons do.

Written as Python literals, two of these lists went silently wrong (a string
block split on single spaces; a later dict entry overwriting an earlier one).
This loader is strict so that cannot happen again: a malformed or repeated
line, a word with two types for one use, or a word in two lists that
contradict each other stops the load with ``path:line`` of the offending
line. Stdlib only: no spaCy here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from kg.errors import InputError
from kg.lexicons.tables import read_rows
from kg.normalize import match_key
from kg.records import ENTITY_TYPES

__all__ = ["WORDS_DIR", "WordLists", "load_word_lists"]

WORDS_DIR = Path(__file__).resolve().parent / "words"
"""Folder of the bundled word lists."""

#: How a type word is used by the rules (column ``uses`` of ``type_words.tsv``).
TYPE_USES = ("beside", "last", "head", "weak", "part", "system")
#: What a kind word does (column ``uses`` of ``kind_words.tsv``).
KIND_USES = ("trailing", "bare", "strip", "category", "optional")
#: Kinds of ``never_names.tsv``.
NEVER_NAME_KINDS = ("acronym", "metric", "other")
#: Kinds of ``cues.tsv``.
CUE_KINDS = ("propose", "propose_and", "system_adds", "name", "own", "owner", "data_verb")
#: Kinds of ``endings.tsv``.
ENDING_KINDS = ("not_modifier", "not_plural", "nominal")

#: Single-column lists: file name -> (column name, what must hold for each entry).
_PLAIN_LISTS = {
    "generic_phrases.tsv": "phrase",
    "stop_words.tsv": "word",
    "not_in_names.tsv": "word",
    "not_model_bases.tsv": "word",
    "title_prefix_stop.tsv": "word",
    "connectors.tsv": "word",
    "ly_nouns.tsv": "word",
    "field_gerunds.tsv": "word",
    "appositive_stop.tsv": "word",
    "split_words.tsv": "word",
}
#: Lists whose entries are compared in lower case, so must be written in lower case.
_LOWER_CASE = frozenset(
    {
        "stop_words.tsv",
        "title_prefix_stop.tsv",
        "connectors.tsv",
        "ly_nouns.tsv",
        "field_gerunds.tsv",
        "appositive_stop.tsv",
        "split_words.tsv",
        "type_words.tsv",
        "kind_words.tsv",
    }
)
FILES = ("type_words.tsv", "kind_words.tsv", "never_names.tsv", "cues.tsv", "endings.tsv", *_PLAIN_LISTS)
"""Every file a word-list folder must hold."""


@dataclass(frozen=True, eq=False)
class WordLists:
    """Every word list the rules use, loaded and cross-checked (see ``kg/extract/words/README.md``).

    Instances compare and hash by identity, so functions may memoise on them.
    """

    beside_types: Mapping[str, str]
    """A type word next to a name gives its type: "the X benchmark" -> Dataset."""
    last_word_types: Mapping[str, str]
    """The last word of a multi-word name gives its type: "... Optimization" -> Method."""
    task_heads: frozenset[str]
    """Words that end lower-case task phrases ("few-shot glyph recognition")."""
    weak_task_heads: frozenset[str]
    """Task heads too vague with one modifier ("visual reasoning" needs more)."""
    method_heads: frozenset[str]
    """Words that end lower-case method phrases ("contrastive learning", "focal loss")."""
    weak_method_heads: frozenset[str]
    """Method heads too vague with one modifier ("staged learning")."""
    proposal_heads: frozenset[str]
    """Last words of a lower-case description of a part a paper adds: method heads plus parts."""
    system_heads: frozenset[str]
    """Problem words that, ending a capitalised proposed name, name the system that solves it."""
    trailing_type_words: frozenset[str]
    """Type words dropped from the end of a described method ("... alignment framework")."""
    bare_type_words: frozenset[str]
    """Type words that after a single modifier only say what kind of thing something is."""
    strip_type_words: frozenset[str]
    """Lower-case type words stripped from the end of a name ("the GLUE benchmark" -> GLUE)."""
    optional_type_words: frozenset[str]
    """Lower-case type words a name may carry or drop (N1 of the annotation notes): "X dataset" is X."""
    category_heads: frozenset[str]
    """Plural heads that make a lower-case phrase a family of things ("pretrained language models")."""
    data_words: frozenset[str]
    """Type words of datasets (the ``beside`` words typed Dataset)."""
    generic: frozenset[str]
    """Phrases the annotation guide calls too generic, in :func:`kg.normalize.match_key` form."""
    stop_words: frozenset[str]
    """Words that may not start or sit inside a lower-case task or method phrase."""
    generic_acronyms: frozenset[str]
    """All-caps tokens that are never entities on their own (units, formats, generic acronyms)."""
    metrics: frozenset[str]
    """Evaluation measures: used, they are not entities."""
    not_names: frozenset[str]
    """Mixed-case words that are organisations, platforms, languages or tools."""
    never_names: frozenset[str]
    """The three lists above together."""
    not_in_names: frozenset[str]
    """Words that mark a capitalised phrase as a place, language, organisation or date."""
    not_model_bases: frozenset[str]
    """Capitalised words that start a "<Word> 7B"-like match but are not model names."""
    title_prefix_stop: frozenset[str]
    """Words that, as the first word of a title's "X: ..." prefix, are not names ("Survey")."""
    connectors: tuple[str, ...]
    """Lower-case words that may join the words of a capitalised name ("Theory of Mind")."""
    connector_caps: frozenset[str]
    """Capitalised connectors and articles: a capitalised run holding one is not one name."""
    proposal_verbs: tuple[str, ...]
    """Verbs (with inflections) that announce a contribution after "we" / "this paper"."""
    proposal_verbs_after_and: tuple[str, ...]
    """Verbs that announce a contribution after "and" / "," in a sentence about "we"."""
    system_verbs: tuple[str, ...]
    """Verbs after the name of a proposed system that announce its new parts ("ZorpNet introduces")."""
    naming_cues: tuple[str, ...]
    """Phrases before a name just defined ("dubbed", "referred to as")."""
    naming_words: frozenset[str]
    """The one-word naming cues."""
    owned_nouns: tuple[str, ...]
    """Type nouns in "our <noun> X": the paper owns X."""
    owner_phrases: tuple[str, ...]
    """Phrases that make the next name the paper's own ("our", "the proposed")."""
    data_verbs: frozenset[str]
    """Verbs whose object can only be data, with their inflections ("we collect X")."""
    not_modifier_endings: tuple[str, ...]
    """Endings of words that never modify a head noun inside a name ("-based", "-free")."""
    not_plural_endings: tuple[str, ...]
    """Endings of words whose final "s" is not a plural ("loss", "analysis")."""
    nominal_endings: tuple[str, ...]
    """Endings of nominalisations that can end a task phrase ("-tion", "-ment")."""
    ly_nouns: frozenset[str]
    """Nouns ending in "-ly" (not adverbs): "anomaly", "family"."""
    field_gerunds: frozenset[str]
    """Gerunds that end names of fields, devices or data, not of techniques ("imaging")."""
    appositive_stop: frozenset[str]
    """Words that end an appositive: a type word after them says nothing about the name."""
    split_words: frozenset[str]
    """Words before "set" / "split" in "a held-out test set" that make a dataset."""


# -- reading ---------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One word of one list, with where it was read (for messages)."""

    word: str
    path: Path
    line: int


def _check_word(word: str, *, path: Path, line: int, lower: bool) -> None:
    """Reject an empty word, stray inner whitespace or, where required, capitals."""
    if not word:
        raise InputError("empty entry", path=path, line=line)
    if "  " in word or any(c in word for c in "\t\r\n\f\v"):
        raise InputError(f"{word!r}: words are separated by exactly one space", path=path, line=line)
    if lower and word != word.lower():
        raise InputError(
            f"{word!r}: this list is compared in lower case; write {word.lower()!r}", path=path, line=line
        )


def _split_set(
    value: str, allowed: tuple[str, ...], *, column: str, path: Path, line: int
) -> tuple[str, ...]:
    """Parse a comma list of values from ``allowed``; reject unknown, empty or repeated ones."""
    parts = tuple(p.strip() for p in value.split(","))
    if not value or any(not p for p in parts):
        raise InputError(f"empty value in column {column!r}", path=path, line=line)
    unknown = [p for p in parts if p not in allowed]
    if unknown:
        raise InputError(
            f"unknown {column} {', '.join(unknown)}; allowed: {', '.join(allowed)}", path=path, line=line
        )
    if len(set(parts)) != len(parts):
        raise InputError(f"a value repeats in column {column!r}", path=path, line=line)
    return parts


def _read_plain(path: Path, column: str) -> dict[str, _Entry]:
    """Read a one-column list; every entry once."""
    out: dict[str, _Entry] = {}
    lower = path.name in _LOWER_CASE
    for line, (word,) in read_rows(path, header=(column,), what="word list", comments=True):
        _check_word(word, path=path, line=line, lower=lower)
        if path.name == "generic_phrases.tsv" and match_key(word) != word:
            raise InputError(
                f"{word!r} is compared after kg.normalize.match_key; write {match_key(word)!r}",
                path=path,
                line=line,
            )
        _claim(out, word, path, line)
    return out


def _claim(seen: dict[str, _Entry], key: str, path: Path, line: int, what: str = "") -> None:
    """Record ``key`` as read at ``path:line``; a second claim is an error naming the first."""
    first = seen.get(key)
    if first is not None:
        raise InputError(f"{key!r}{what} already appears on line {first.line}", path=path, line=line)
    seen[key] = _Entry(key, path, line)


def _read_kinds(
    path: Path, header: tuple[str, str], kinds: tuple[str, ...], *, multi: bool
) -> dict[str, dict[str, _Entry]]:
    """Read a ``<word><TAB><kind(s)>`` list; return kind -> entries. A (word, kind) pair appears once.

    With ``multi`` a line may give several kinds (comma-separated); without,
    each word has exactly one kind, so one home.
    """
    out: dict[str, dict[str, _Entry]] = {kind: {} for kind in kinds}
    lower = path.name in _LOWER_CASE
    for line, (word, kind_col) in read_rows(path, header=header, what="word list", comments=True):
        _check_word(word, path=path, line=line, lower=lower)
        found = _split_set(kind_col, kinds, column=header[1], path=path, line=line)
        if not multi and len(found) > 1:
            raise InputError("one kind per line: a word has one home here", path=path, line=line)
        for kind in found:
            _claim(out[kind], word, path, line, f" ({kind})")
    if not multi:  # one home per word across the kinds, too
        owner: dict[str, _Entry] = {}
        for entries in out.values():
            for entry in entries.values():
                if entry.word in owner:
                    first, second = sorted((owner[entry.word], entry), key=lambda e: e.line)
                    raise InputError(
                        f"{entry.word!r} already appears on line {first.line}", path=path, line=second.line
                    )
                owner[entry.word] = entry
    return out


def _read_type_words(path: Path) -> dict[str, dict[str, tuple[str, _Entry]]]:
    """Read ``type_words.tsv``: use -> word -> (type, entry). One type per word and use."""
    by_use: dict[str, dict[str, tuple[str, _Entry]]] = {use: {} for use in TYPE_USES}
    for line, (word, etype, use_col) in read_rows(
        path, header=("word", "type", "uses"), what="word list", comments=True
    ):
        _check_word(word, path=path, line=line, lower=True)
        if etype not in ENTITY_TYPES:
            raise InputError(
                f"unknown type {etype!r}; allowed: {', '.join(ENTITY_TYPES)}", path=path, line=line
            )
        uses = _split_set(use_col, TYPE_USES, column="uses", path=path, line=line)
        if "weak" in uses and "head" not in uses:
            raise InputError("'weak' qualifies a head: add 'head' or drop 'weak'", path=path, line=line)
        if "head" in uses and etype not in ("Task", "Method"):
            raise InputError(f"only Task and Method phrases have heads, not {etype}", path=path, line=line)
        if "part" in uses and (etype != "Method" or "head" in uses):
            raise InputError(
                "'part' is for Method words that are not heads (a Method head is a part already)",
                path=path,
                line=line,
            )
        for use in uses:
            first = by_use[use].get(word)
            if first is not None:
                raise InputError(
                    f"{word!r} already has use {use!r} on line {first[1].line} (as {first[0]}): "
                    "one type per word and use",
                    path=path,
                    line=line,
                )
            by_use[use][word] = (etype, _Entry(word, path, line))
    return by_use


def _conflict(a: Mapping[str, _Entry], b: Mapping[str, _Entry], why: str) -> None:
    """Raise naming the later line when a word lands in two lists that contradict each other."""
    for word in sorted(set(a) & set(b)):
        first, second = sorted((a[word], b[word]), key=lambda e: (e.path.name, e.line))
        raise InputError(
            f"{word!r} is also in {first.path.name}:{first.line}: {why}", path=second.path, line=second.line
        )


def _inflections(verbs: Iterable[str]) -> frozenset[str]:
    """Return the verbs with their -s / -d / -ed forms ("collect" -> "collects", "collected")."""
    return frozenset(verb + ending for verb in verbs for ending in ("", "s", "d", "ed"))


def _in_file_order(entries: Mapping[str, _Entry]) -> tuple[str, ...]:
    return tuple(sorted(entries, key=lambda w: entries[w].line))


def _load(folder: Path) -> WordLists:
    """Read and cross-check every file of a word-list folder."""
    if not folder.is_dir():
        raise InputError("word-list folder not found", path=folder)
    plain = {name: _read_plain(folder / name, column) for name, column in _PLAIN_LISTS.items()}
    typed = _read_type_words(folder / "type_words.tsv")
    kinds = _read_kinds(folder / "kind_words.tsv", ("word", "uses"), KIND_USES, multi=True)
    never = _read_kinds(folder / "never_names.tsv", ("word", "kind"), NEVER_NAME_KINDS, multi=False)
    cues = _read_kinds(folder / "cues.tsv", ("phrase", "kinds"), CUE_KINDS, multi=True)
    endings = _read_kinds(folder / "endings.tsv", ("ending", "kind"), ENDING_KINDS, multi=False)

    def words(use: str, *types: str) -> dict[str, _Entry]:
        return {w: e for w, (t, e) in typed[use].items() if not types or t in types}

    task_heads, method_heads = words("head", "Task"), words("head", "Method")
    weak = words("weak")
    heads_and_parts = {**task_heads, **method_heads, **words("part")}
    _conflict(plain["stop_words.tsv"], heads_and_parts, "a phrase head cannot also be a stop word")
    _conflict(kinds["bare"], kinds["trailing"], "a trailing type word is bare already")
    never_names = {**never["acronym"], **never["metric"], **never["other"]}

    def types_of(use: str) -> Mapping[str, str]:
        return MappingProxyType({w: t for w, (t, _) in sorted(typed[use].items())})

    beside = types_of("beside")
    naming = _in_file_order(cues["name"])
    connectors = _in_file_order(plain["connectors.tsv"])
    return WordLists(
        beside_types=beside,
        last_word_types=types_of("last"),
        task_heads=frozenset(task_heads),
        weak_task_heads=frozenset(set(weak) & set(task_heads)),
        method_heads=frozenset(method_heads),
        weak_method_heads=frozenset(set(weak) & set(method_heads)),
        proposal_heads=frozenset(method_heads) | frozenset(words("part")),
        system_heads=frozenset(words("system")),
        trailing_type_words=frozenset(kinds["trailing"]),
        bare_type_words=frozenset(kinds["trailing"]) | frozenset(kinds["bare"]),
        strip_type_words=frozenset(kinds["strip"]),
        optional_type_words=frozenset(kinds["optional"]),
        category_heads=frozenset(kinds["category"]),
        data_words=frozenset(w for w, t in beside.items() if t == "Dataset"),
        generic=frozenset(plain["generic_phrases.tsv"]),
        stop_words=frozenset(plain["stop_words.tsv"]),
        generic_acronyms=frozenset(never["acronym"]),
        metrics=frozenset(never["metric"]),
        not_names=frozenset(never["other"]),
        never_names=frozenset(never_names),
        not_in_names=frozenset(plain["not_in_names.tsv"]),
        not_model_bases=frozenset(plain["not_model_bases.tsv"]),
        title_prefix_stop=frozenset(plain["title_prefix_stop.tsv"]),
        connectors=connectors,
        connector_caps=frozenset(w.capitalize() for w in connectors) | {"A", "An"},
        proposal_verbs=_in_file_order(cues["propose"]),
        proposal_verbs_after_and=_in_file_order(cues["propose_and"]),
        system_verbs=_in_file_order(cues["system_adds"]),
        naming_cues=naming,
        naming_words=frozenset(c for c in naming if " " not in c),
        owned_nouns=_in_file_order(cues["own"]),
        owner_phrases=_in_file_order(cues["owner"]),
        data_verbs=_inflections(cues["data_verb"]),
        not_modifier_endings=_in_file_order(endings["not_modifier"]),
        not_plural_endings=_in_file_order(endings["not_plural"]),
        nominal_endings=_in_file_order(endings["nominal"]),
        ly_nouns=frozenset(plain["ly_nouns.tsv"]),
        field_gerunds=frozenset(plain["field_gerunds.tsv"]),
        appositive_stop=frozenset(plain["appositive_stop.tsv"]),
        split_words=frozenset(plain["split_words.tsv"]),
    )


@functools.lru_cache(maxsize=1)
def _load_default() -> WordLists:
    return _load(WORDS_DIR)


def load_word_lists(path: str | Path | None = None) -> WordLists:
    """Load the word lists: the bundled ones (cached per process), or the folder at ``path``.

    Args:
        path: a folder holding every file of ``kg/extract/words/`` (copy the
            bundled folder and edit it); ``None`` for the bundled lists.

    Raises:
        InputError: a missing file, a wrong header, a malformed or repeated
            line, an unknown type, use or kind, or a word in two lists that
            contradict each other; the message names the file and line.

    >>> words = load_word_lists()
    >>> words.beside_types["benchmark"], "retrieval" in words.task_heads, "the" in words.stop_words
    ('Dataset', True, True)
    """
    if path is None:
        return _load_default()
    return _load(Path(path))

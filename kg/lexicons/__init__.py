"""Curated lexicons of well-known methods, models, datasets and tasks.

The extractor needs to recognise thousands of established names ("GPT-4o",
"ImageNet-1k", "contrastive learning", "semantic segmentation") that no rule
can guess, and entity resolution needs to know that "DPO" and "Direct
Preference Optimization" are one thing. Both read the same four data files
beside this module (see ``SOURCES.md`` here for the format and where the
facts come from), and both receive the loaded entries as an argument: the
extractor through its config (``kg.lexicon_patterns.v1``), resolution through
``resolve(..., lexicon=...)``.

This package only parses and indexes the files: it is stdlib-only, sits below
both of its users and imports neither, nor spaCy.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.lexicons.tables import read_rows
from kg.normalize import match_key
from kg.records import ENTITY_TYPES, EntityType

__all__ = [
    "FLAGS",
    "HEADER",
    "LEXICON_DIR",
    "LEXICON_FILES",
    "LexiconEntry",
    "LexiconIndex",
    "default_index",
    "load_lexicon",
]

LEXICON_DIR = Path(__file__).resolve().parent
"""Folder of the bundled lexicon files."""

LEXICON_FILES: dict[str, EntityType] = {
    "methods.tsv": "Method",
    "models.tsv": "Model",
    "datasets.tsv": "Dataset",
    "tasks.tsv": "Task",
}
"""File name -> entity type of the entries it holds."""

HEADER = ("name", "aliases", "flags")
"""The exact header line of every lexicon file (tab-separated)."""

FLAGS = frozenset({"ambiguous", "case_insensitive"})
"""The flags a line may carry in its third column."""

# Loading checks every form's key and the index needs the same keys again:
# memoising match_key halves the work of building both.
_key = functools.lru_cache(maxsize=1 << 16)(match_key)


@dataclass(frozen=True)
class LexiconEntry:
    """One curated entity: its type, canonical name and other surface forms.

    Attributes:
        type: ``Method``, ``Model``, ``Dataset`` or ``Task``.
        name: the canonical (usually long) form.
        aliases: other surface forms (acronyms, spellings), in file order.
        ambiguous: a form is also an ordinary word or common acronym, so a
            matcher should ask for supporting context before trusting a hit.
        case_insensitive: ordinary phrases of this entry may match in any case
            (see :meth:`matches_any_case`).
    """

    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    ambiguous: bool = False
    case_insensitive: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        """Return every surface form: the name first, then the aliases."""
        return (self.name, *self.aliases)

    def matches_any_case(self, form: str) -> bool:
        """Say whether ``form`` of this entry may be matched ignoring case.

        Only entries flagged ``case_insensitive`` qualify, and even then a
        single token carrying capitals (an acronym such as ``RL`` or a coined
        name such as ``LoRA``) stays case-sensitive: "rl" or "lora" inside
        ordinary prose are not the names. Multi-word phrases and all-lower-case
        forms match in any case, since titles capitalise ordinary phrases.

        >>> e = LexiconEntry("Method", "reinforcement learning", ("RL",), case_insensitive=True)
        >>> e.matches_any_case("reinforcement learning"), e.matches_any_case("RL")
        (True, False)
        """
        if not self.case_insensitive:
            return False
        if form == form.lower():
            return True
        return any(ch.isspace() for ch in form)


def _parse_line(cols: tuple[str, ...], *, path: Path, line_no: int, etype: EntityType) -> LexiconEntry:
    """Parse the columns of one lexicon line; raise InputError naming file and line."""
    name, alias_col, flag_col = cols
    if not name:
        raise InputError("empty name", path=path, line=line_no)
    aliases: tuple[str, ...] = ()
    if alias_col:
        parts = [a.strip() for a in alias_col.split("|")]
        if any(not a for a in parts):
            raise InputError(f"empty alias in {alias_col!r} (stray '|')", path=path, line=line_no)
        aliases = tuple(parts)
    flags: set[str] = set()
    if flag_col:
        flags = {f.strip() for f in flag_col.split(",")}
        unknown = sorted(flags - FLAGS)
        if unknown:
            raise InputError(
                f"unknown flag(s) {', '.join(unknown)}; allowed: {', '.join(sorted(FLAGS))}",
                path=path,
                line=line_no,
            )
    return LexiconEntry(
        type=etype,
        name=name,
        aliases=aliases,
        ambiguous="ambiguous" in flags,
        case_insensitive="case_insensitive" in flags,
    )


def _read_file(path: Path, etype: EntityType) -> list[LexiconEntry]:
    """Read one lexicon file, checking its header and that no form repeats within it."""
    entries: list[LexiconEntry] = []
    seen: dict[str, int] = {}
    for line_no, cols in read_rows(path, header=HEADER, what="lexicon file"):
        entry = _parse_line(cols, path=path, line_no=line_no, etype=etype)
        for form in entry.forms:
            key = _key(form)
            if not key:
                raise InputError(f"form {form!r} is empty after normalisation", path=path, line=line_no)
            first = seen.get(key)
            if first is not None and first != line_no:
                raise InputError(f"form {form!r} already appears on line {first}", path=path, line=line_no)
            seen[key] = line_no
        entries.append(entry)
    return entries


def _type_of(path: Path) -> EntityType:
    """Return the entity type a lexicon file holds, from its file name."""
    etype = LEXICON_FILES.get(path.name)
    if etype is None:
        raise InputError(
            f"unknown lexicon file name; expected one of {', '.join(sorted(LEXICON_FILES))}", path=path
        )
    return etype


def _load(path: Path) -> tuple[LexiconEntry, ...]:
    """Load a folder of lexicon files (those present) or a single file."""
    if path.is_dir():
        files = [path / name for name in LEXICON_FILES if (path / name).exists()]
        if not files:
            raise InputError("no lexicon files in folder", path=path)
    else:
        files = [path]
    entries: list[LexiconEntry] = []
    for file in files:
        entries.extend(_read_file(file, _type_of(file)))
    return tuple(entries)


@functools.lru_cache(maxsize=1)
def _load_default() -> tuple[LexiconEntry, ...]:
    """Load the bundled lexicons once per process."""
    return _load(LEXICON_DIR)


def load_lexicon(path: str | Path | None = None) -> list[LexiconEntry]:
    """Load lexicon entries: the bundled four files, or the file or folder at ``path``.

    The bundled load is cached, so the pipeline, resolution and evaluation can
    all call this without reading the files again.

    Args:
        path: a lexicon file named like the bundled ones (``models.tsv`` ...)
            or a folder holding some of them; ``None`` for the bundled files.

    Returns:
        The entries in file order (methods, models, datasets, tasks).

    Raises:
        InputError: a missing file, wrong header, malformed line, unknown flag
            or a form repeated within one file; the message names file and line.
    """
    if path is None:
        return list(_load_default())
    return list(_load(Path(path)))


class LexiconIndex:
    """Look up lexicon entries by any surface form, via :func:`kg.normalize.match_key`.

    Entity resolution uses it to map variants ("DPO", "direct preference
    optimization") onto one entry; the matcher uses :meth:`forms` to build its
    patterns.

    >>> idx = LexiconIndex([LexiconEntry("Method", "Direct Preference Optimization", ("DPO",))])
    >>> [e.name for e in idx.lookup("dpo")]
    ['Direct Preference Optimization']
    """

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self._entries: tuple[LexiconEntry, ...] = tuple(entries)
        self._by_key: dict[str, list[LexiconEntry]] = {}
        for entry in self._entries:
            for form in entry.forms:
                bucket = self._by_key.setdefault(_key(form), [])
                if entry not in bucket:
                    bucket.append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LexiconEntry]:
        return iter(self._entries)

    def __contains__(self, surface: object) -> bool:
        return isinstance(surface, str) and match_key(surface) in self._by_key

    def lookup(self, surface: str, *, type: EntityType | None = None) -> list[LexiconEntry]:
        """Return the entries one of whose forms normalises like ``surface``.

        Args:
            surface: text as found (any case, dashes, spacing).
            type: keep only entries of this type.

        Returns:
            Matching entries (several when a form is shared across types,
            e.g. SAM the model and SAM the optimiser); empty if unknown.
        """
        found = self._by_key.get(match_key(surface), [])
        if type is not None:
            if type not in ENTITY_TYPES:
                raise ValueError(f"unknown entity type {type!r}")
            return [e for e in found if e.type == type]
        return list(found)

    def forms(self, *, type: EntityType | None = None) -> Iterator[tuple[str, LexiconEntry]]:
        """Yield every ``(surface form, entry)`` pair, optionally of one type, in file order."""
        for entry in self._entries:
            if type is None or entry.type == type:
                for form in entry.forms:
                    yield form, entry


@functools.lru_cache(maxsize=1)
def default_index() -> LexiconIndex:
    """Return the (cached) index over the bundled lexicons."""
    return LexiconIndex(_load_default())

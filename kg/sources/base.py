"""What every reader shares: streaming line access, the read report, record validation.

Readers must never load a whole input, must never let a raw ``UnicodeDecodeError``
or ``KeyError`` escape, and must name the file and line of every problem.
This module gives them the pieces to do so:

* :func:`iter_lines` streams a file's lines as bytes decoded one at a time,
  so a line that is not UTF-8 marks only the record that holds it as bad;
* :func:`make_paper` checks a record's title and abstract, cleans its
  metadata and mints its id with :func:`kg.normalize.paper_id` (the only place
  ids are made);
* :class:`ReadReport` counts what was read and why records were skipped.

Stdlib only; no reader imports anything heavy.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import InputError
from kg.normalize import collapse_whitespace, normalize_arxiv_id, normalize_doi, paper_id
from kg.records import Link, Paper

#: What a reader yields: a paper, or the reason one record had to be skipped.
#: A problem that ends the whole file (truncated XML, unreadable file) is raised instead.
Item = Paper | InputError
#: A reader: ``reader(path)`` yields papers and skippable record errors.
Reader = Callable[[Path], Iterator[Item]]

_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$")


@dataclass
class ReadReport:
    """What :func:`kg.sources.read_papers` did: papers read, records skipped and why.

    Pass one in to see the counts after the iterator is exhausted; the CLI
    prints :meth:`summary` at the end of a run.

    Attributes:
        read: papers yielded.
        duplicates: records dropped because an earlier record was the same paper
            (their metadata was merged into the first one when possible).
        files: input files opened.
        errors: one :class:`InputError` per skipped record or unreadable file.
    """

    read: int = 0
    duplicates: int = 0
    files: int = 0
    errors: list[InputError] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Number of records (or files) skipped because of bad input."""
        return len(self.errors)

    @property
    def reasons(self) -> list[str]:
        """The skip reasons as one-line messages (file:line: what is wrong)."""
        return [str(error) for error in self.errors]

    def raise_if_nothing_read(self) -> None:
        """Raise when every record was skipped, so an all-bad input is an error, not an empty result.

        Raises:
            InputError: no paper was read and at least one record or file was
                skipped; it names the first problem's file and line.
        """
        if self.read == 0 and self.errors:
            first = self.errors[0]
            raise InputError(
                f"no papers read ({self.skipped} skipped); first problem: {first.message}",
                path=first.path,
                line=first.line,
            )

    def summary(self, *, max_reasons: int = 10) -> str:
        """Return a short human summary: counts, then the first skip reasons.

        >>> ReadReport(read=3, files=1).summary()
        'read 3 papers from 1 file; 0 duplicates merged; 0 skipped'
        """
        files = "file" if self.files == 1 else "files"
        head = (
            f"read {self.read} paper{'s' if self.read != 1 else ''} from {self.files} {files}; "
            f"{self.duplicates} duplicate{'s' if self.duplicates != 1 else ''} merged; {self.skipped} skipped"
        )
        lines = [head]
        for reason in self.reasons[:max_reasons]:
            lines.append(f"  skipped: {reason}")
        if self.skipped > max_reasons:
            lines.append(f"  ... and {self.skipped - max_reasons} more")
        return "\n".join(lines)


class Line(NamedTuple):
    """One decoded line of an input file.

    ``bad`` is ``None`` for a good line, else why it could not be decoded (the
    text then holds replacement characters and the record that contains it
    must be skipped).
    """

    number: int
    text: str
    bad: str | None


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open an input for reading bytes, transparently un-gzipping ``*.gz``.

    Raises:
        InputError: the file is missing, a folder or unreadable.
    """
    try:
        if path.suffix.lower() == ".gz":
            return gzip.open(path, "rb")
        return path.open("rb")
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot open file: {exc.strerror or exc}", path=path) from None


def _decode_error(exc: UnicodeDecodeError, raw: bytes) -> str:
    byte = raw[exc.start : exc.start + 1].hex()
    return (
        f"not valid UTF-8 (byte 0x{byte} at column {exc.start + 1}); the file is probably Latin-1 or "
        "Windows-1252: re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
    )


def iter_lines(path: Path) -> Iterator[Line]:
    """Yield the lines of ``path`` (line ends kept), decoding each as UTF-8 on its own.

    A UTF-8 byte-order mark is dropped. A line that is not UTF-8 is yielded
    with ``bad`` set, so the reader can skip just the record holding it.

    Raises:
        InputError: the file cannot be opened, is UTF-16, looks binary, is
            unreadable part-way (e.g. a broken gzip stream) or holds nothing but
            whitespace ("empty file").
    """
    with open_binary(path) as handle:
        number = 0
        seen_text = False
        try:
            for number, raw in enumerate(handle, start=1):
                if number == 1:
                    if raw.startswith(_BOMS_UTF16):
                        raise InputError("file is UTF-16 encoded; kg reads UTF-8: re-save it as UTF-8", path=path)
                    raw = raw.removeprefix(_UTF8_BOM)
                if b"\x00" in raw:
                    raise InputError("holds NUL bytes: a binary file, or UTF-16 without a byte-order mark", path=path,
                                     line=number)
                try:
                    text = raw.decode("utf-8")
                    bad = None
                except UnicodeDecodeError as exc:
                    text = raw.decode("utf-8", errors="replace")
                    bad = _decode_error(exc, raw)
                if not seen_text and text.strip():
                    seen_text = True
                yield Line(number, text, bad)
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot read file: {exc}", path=path, line=number + 1) from None
        if not seen_text:
            raise InputError("empty file: nothing to read", path=path)


# ---------------------------------------------------------------------------
# Field cleaning shared by the readers


def text_value(value: Any, *, name: str) -> str:
    """Return a record's text field with whitespace collapsed ('' when absent).

    Raises:
        TypeError: the field holds something other than text or a number.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"field {name!r} should be text, not {type(value).__name__}")
    return collapse_whitespace(str(value))


def clean_date(value: Any) -> str | None:
    """Return an ISO date (or year, or year-month) from a date-like value, else the text as given.

    >>> clean_date("2025-08-29T10:11:12.000Z"), clean_date(2023), clean_date("  ")
    ('2025-08-29', '2023', None)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    text = collapse_whitespace(value)
    if not text:
        return None
    m = _ISO_DATE.match(text)
    if m:
        return "-".join(part for part in m.groups() if part)
    return text


def split_names(value: Any) -> tuple[str, ...]:
    """Return author names from a list (of strings or ``{"name": ...}``) or one string.

    A string is split on ``;``, else on `` and `` and commas.

    >>> split_names("Ada Lovelace, Alan Turing and Grace Hopper")
    ('Ada Lovelace', 'Alan Turing', 'Grace Hopper')
    >>> split_names([{"name": "A. B"}, "C D"])
    ('A. B', 'C D')
    """
    if value is None:
        return ()
    items: list[Any]
    if isinstance(value, str):
        if ";" in value:
            items = value.split(";")
        else:
            items = [part for chunk in re.split(r"\s+and\s+", value) for part in chunk.split(",")]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return ()
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("display_name") or ""
        if isinstance(item, str):
            name = collapse_whitespace(item)
            if name:
                names.append(name)
    return tuple(names)


def split_terms(value: Any) -> tuple[str, ...]:
    """Return categories from a list or a string separated by commas, semicolons or spaces.

    >>> split_terms("cs.CL cs.LG"), split_terms(["cs.CV"]), split_terms("a, b c")
    (('cs.CL', 'cs.LG'), ('cs.CV',), ('a', 'b c'))
    """
    if value is None:
        return ()
    if isinstance(value, str):
        parts = re.split(r"[,;]", value) if re.search(r"[,;]", value) else value.split()
    elif isinstance(value, (list, tuple)):
        parts = [p for p in value if isinstance(p, str)]
    else:
        return ()
    out: list[str] = []
    for part in parts:
        term = collapse_whitespace(part)
        if term and term not in out:
            out.append(term)
    return tuple(out)


def metadata_link(url: Any) -> Link | None:
    """Return a :class:`Link` with ``origin="metadata"`` for a URL a source gives, or ``None``.

    Uses :mod:`kg.links` to clean the URL and say what it points to
    (``code`` for a repository, ``model``/``dataset`` for Hugging Face pages,
    else ``web``).
    """
    if not isinstance(url, str) or not url.strip():
        return None
    from kg.links import classify_url, clean_url

    cleaned = clean_url(url)
    if cleaned is None:
        return None
    canonical, kind = classify_url(cleaned)
    return Link(url=canonical, kind=kind, origin="metadata")


def arxiv_url(arxiv_id: str | None) -> str | None:
    """Return the abstract page of an arXiv id, or ``None``.

    >>> arxiv_url("2508.12345v2")
    'https://arxiv.org/abs/2508.12345'
    """
    norm = normalize_arxiv_id(arxiv_id) if arxiv_id else None
    return f"https://arxiv.org/abs/{norm}" if norm else None


def json_object(record: Any, *, path: Path, position: int) -> dict[str, Any]:
    """Return ``record`` if it is a JSON object, so readers of object-per-record formats share one check.

    Raises:
        InputError: ``record`` is an array, string, number or null.
    """
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, found {type(record).__name__}", path=path, line=position)
    return record


def make_paper(
    *,
    path: Path,
    position: int,
    title: Any,
    abstract: Any,
    arxiv_id: Any = None,
    doi: Any = None,
    url: Any = None,
    authors: Iterable[str] = (),
    date: Any = None,
    categories: Iterable[str] = (),
    links: Iterable[Link | None] = (),
    record: str = "record",
) -> Paper:
    """Validate one record and build its :class:`Paper`.

    Title and abstract are required: a record without either cannot be
    extracted from. Whitespace in both is collapsed (bulk dumps wrap lines).

    Args:
        path: the input file (its name becomes ``Paper.source``).
        position: 1-based line (or record number) where the record starts.
        title: the title as the source gives it.
        abstract: the abstract as the source gives it.
        arxiv_id: an arXiv id in any usual form, if known.
        doi: a DOI in any usual form, if known.
        url: the paper's page.
        authors: author names.
        date: publication (or update) date.
        categories: subject categories.
        links: metadata links (``None`` entries are dropped, duplicates merged).
        record: what to call a record in messages ("entry", "line", ...).

    Raises:
        InputError: no title, no abstract, or a field of the wrong type.
    """
    try:
        title_text = text_value(title, name="title")
        abstract_text = text_value(abstract, name="abstract")
        arxiv_text = text_value(arxiv_id, name="arxiv id") if arxiv_id is not None else ""
        doi_text = text_value(doi, name="doi") if doi is not None else ""
        url_text = text_value(url, name="url") if url is not None else ""
    except TypeError as exc:
        raise InputError(f"bad {record}: {exc}", path=path, line=position) from None
    missing = [name for name, value in (("title", title_text), ("abstract", abstract_text)) if not value]
    if missing:
        raise InputError(f"{record} has no {' and no '.join(missing)}", path=path, line=position)
    norm_arxiv = normalize_arxiv_id(arxiv_text) if arxiv_text else None
    norm_doi = normalize_doi(doi_text) if doi_text else None
    unique_links: dict[str, Link] = {}
    for link in links:
        if link is not None and link.url not in unique_links:
            unique_links[link.url] = link
    return Paper(
        id=paper_id(title_text, arxiv_id=norm_arxiv, doi=norm_doi),
        title=title_text,
        abstract=abstract_text,
        url=url_text or arxiv_url(norm_arxiv) or (f"https://doi.org/{norm_doi}" if norm_doi else None),
        authors=tuple(authors),
        date=clean_date(date),
        categories=tuple(categories),
        links=tuple(unique_links.values()),
        source=path.name,
        position=position,
    )

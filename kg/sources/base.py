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
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import InputError
from kg.normalize import collapse_whitespace, normalize_arxiv_id, normalize_doi, paper_id
from kg.records import Link, Paper
from kg.sources.limits import MAX_LINE_BYTES
from kg.sources.markup import strip_markup

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
        warnings: one ``file:line: ...`` line per value cut or dropped to keep a
            record within bounds (:mod:`kg.sources.limits`); the paper itself was read.
    """

    read: int = 0
    duplicates: int = 0
    files: int = 0
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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
        for warning in self.warnings[:max_reasons]:
            lines.append(f"  warning: {warning}")
        if len(self.warnings) > max_reasons:
            lines.append(f"  ... and {len(self.warnings) - max_reasons} more warnings")
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


#: What reading a file part-way can raise: I/O errors, and gzip's own (a truncated
#: stream raises EOFError, corrupt data zlib.error, a file that is not gzip BadGzipFile).
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)


def read_error(exc: BaseException, path: Path, line: int | None) -> InputError:
    """Turn an exception raised while reading ``path`` into an :class:`InputError` a person can act on.

    ``line`` is the line being read when it happened (the lines before it were read).
    """
    if isinstance(exc, gzip.BadGzipFile):
        return InputError("not a gzip file, although its name ends in .gz: rename it without .gz, or gzip it",
                          path=path, line=line)
    if isinstance(exc, EOFError):
        return InputError("the gzip file ends early (truncated download or copy?); the lines before this one "
                          "were read", path=path, line=line)
    if isinstance(exc, zlib.error):
        return InputError(f"the gzip data is corrupt ({exc}); the lines before this one were read", path=path,
                          line=line)
    if isinstance(exc, OSError):
        return InputError(f"cannot read file: {exc.strerror or exc}", path=path, line=line)
    return InputError(f"cannot read file: {exc}", path=path, line=line)


def read_head(path: Path, size: int) -> bytes:
    """Return up to ``size`` bytes from the start of ``path`` (un-gzipped), for sniffing.

    A truncated or corrupt gzip stream gives the bytes before the damage (the
    reader then reports the damage at its line); a file that is not gzip at
    all cannot be sniffed.

    Raises:
        InputError: the file cannot be opened, or is not gzip although named ``.gz``.
    """
    parts: list[bytes] = []
    got = 0
    with open_binary(path) as handle:
        try:
            while got < size:
                chunk = handle.read(min(1 << 16, size - got))
                if not chunk:
                    break
                parts.append(chunk)
                got += len(chunk)
        except (EOFError, zlib.error):
            pass
        except OSError as exc:
            raise read_error(exc, path, 1) from None
    return b"".join(parts)


def _decode_error(exc: UnicodeDecodeError, raw: bytes) -> str:
    byte = raw[exc.start : exc.start + 1].hex()
    return (
        f"not valid UTF-8 (byte 0x{byte} at column {exc.start + 1}); the file is probably Latin-1 or "
        "Windows-1252: re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
    )


def _raw_lines(handle: io.BufferedIOBase) -> Iterator[bytes | None]:
    """Yield the lines of ``handle`` as bytes, or ``None`` for a line over :data:`MAX_LINE_BYTES` (skipped)."""
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) <= MAX_LINE_BYTES or raw.endswith(b"\n"):
            yield raw
            continue
        while raw and not raw.endswith(b"\n"):  # drop the rest of the long line without holding it
            raw = handle.readline(1 << 20)
        yield None


def iter_lines(path: Path) -> Iterator[Line]:
    """Yield the lines of ``path`` (line ends kept), decoding each as UTF-8 on its own.

    A UTF-8 byte-order mark is dropped. A line that is not UTF-8, or longer
    than :data:`~kg.sources.limits.MAX_LINE_BYTES`, is yielded with ``bad``
    set (a longer line as an empty line), so the reader can skip just the
    record holding it.

    Raises:
        InputError: the file cannot be opened, is UTF-16, looks binary, is
            unreadable part-way (e.g. a truncated gzip stream: the message names
            the line) or holds nothing but whitespace ("empty file").
    """
    with open_binary(path) as handle:
        number = 0
        seen_text = False
        try:
            for number, raw in enumerate(_raw_lines(handle), start=1):
                if raw is None:
                    seen_text = True
                    yield Line(number, "\n", f"line longer than {MAX_LINE_BYTES >> 20} MiB: skipped")
                    continue
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
        except READ_ERRORS as exc:
            raise read_error(exc, path, number + 1) from None
        if not seen_text:
            raise InputError("empty file: nothing to read", path=path)


# ---------------------------------------------------------------------------
# Field cleaning shared by the readers


#: Half of a UTF-16 surrogate pair: JSON can spell one alone (``"\\ud800"``), UTF-8 cannot encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """Replace lone surrogates (from JSON ``\\uD800``-style escapes) by U+FFFD, so the text can be written.

    >>> import json
    >>> scrub(json.loads('"emoji cut in half: \\\\ud83d!"')) == "emoji cut in half: \\ufffd!"
    True
    """
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


def text_value(value: Any, *, name: str) -> str:
    """Return a record's text field with whitespace collapsed ('' when absent), lone surrogates replaced.

    Raises:
        TypeError: the field holds something other than text or a number.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"field {name!r} should be text, not {type(value).__name__}")
    return scrub(collapse_whitespace(str(value)))


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
    extracted from. Whitespace in both is collapsed (bulk dumps wrap lines),
    and JATS / HTML markup removed (:func:`kg.sources.markup.strip_markup`).

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
        title_text = collapse_whitespace(strip_markup(text_value(title, name="title")))
        abstract_text = collapse_whitespace(strip_markup(text_value(abstract, name="abstract")))
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
    cleaned_date = clean_date(date)
    return Paper(
        id=paper_id(title_text, arxiv_id=norm_arxiv, doi=norm_doi),
        title=title_text,
        abstract=abstract_text,
        url=url_text or arxiv_url(norm_arxiv) or (f"https://doi.org/{norm_doi}" if norm_doi else None),
        authors=tuple(scrub(name) for name in authors),
        date=scrub(cleaned_date) if cleaned_date else None,
        categories=tuple(scrub(term) for term in categories),
        links=tuple(replace(link, url=scrub(link.url)) if _SURROGATE.search(link.url) else link
                    for link in unique_links.values()),
        source=path.name,
        position=position,
    )

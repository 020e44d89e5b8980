"""``read_papers``: stream papers from any mix of inputs, one paper per real paper.

Picks each file's reader, turns bad records into skips (or, with
``strict``, into the first raised :class:`InputError`), and merges records of
the same paper. Two records are the same paper when they share the paper id
(arXiv id or DOI) or the title key (:func:`kg.normalize.title_key`). The first
record wins; later ones fill its empty fields (url, authors, date,
categories), add their links, and give it their arXiv id or DOI when it had
only a title-slug id.

Streaming and merging pull against each other: a merged paper can only be
emitted once every later duplicate has been seen. With several inputs, a first
pass therefore reads them all keeping only keys and the metadata of duplicates
(bounded by the number of papers, not their text), and a second pass yields
the merged papers. A single input (or any pipe, which cannot be read twice)
is read once; a duplicate is then dropped (and counted) without filling the
first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.normalize import title_key
from kg.records import Link, Paper
from kg.sources import (
    arxiv_atom,
    arxiv_snapshot,
    bibtex,
    csv_file,
    daily,
    hf_daily,
    json_array,
    jsonl,
    openalex,
)
from kg.sources.base import Reader, ReadReport
from kg.sources.limits import bound_paper
from kg.sources.sniff import FORMATS, detect_format

log = logging.getLogger(__name__)

#: The bundled Daily Papers page, read when no input is given.
SAMPLE_PATH: Path = Path(__file__).resolve().parent.parent / "data" / "daily-papers-2025-08-29.txt"

READERS: dict[str, Reader] = {
    daily.FORMAT: daily.read,
    jsonl.FORMAT: jsonl.read,
    json_array.FORMAT: json_array.read,
    csv_file.FORMAT: csv_file.read,
    arxiv_atom.FORMAT: arxiv_atom.read,
    arxiv_snapshot.FORMAT: arxiv_snapshot.read,
    bibtex.FORMAT: bibtex.read,
    openalex.FORMAT: openalex.read,
    hf_daily.FORMAT: hf_daily.read,
}
assert tuple(READERS) == FORMATS


@dataclass
class _Fill:
    """Metadata later duplicates offer to the first record of a paper."""

    id: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    categories: tuple[str, ...] = ()
    links: list[Link] = field(default_factory=list)

    def add(self, paper: Paper) -> None:
        if self.id is None and paper.id.startswith(("arxiv:", "doi:")):
            self.id = paper.id
        self.url = self.url or paper.url
        self.authors = self.authors or paper.authors
        self.date = self.date or paper.date
        self.categories = self.categories or paper.categories
        known = {link.url for link in self.links}
        self.links.extend(link for link in paper.links if link.url not in known)


def merge(first: Paper, fill: _Fill) -> Paper:
    """Return ``first`` with its empty fields filled from ``fill`` (the first record wins)."""
    known = {link.url for link in first.links}
    return first.with_changes(
        id=first.id if first.id.startswith(("arxiv:", "doi:")) or fill.id is None else fill.id,
        url=first.url or fill.url,
        authors=first.authors or fill.authors,
        date=first.date or fill.date,
        categories=first.categories or fill.categories,
        links=first.links + tuple(link for link in fill.links if link.url not in known),
    )


class _Keys:
    """Which paper (a slot number) each id and title key belongs to."""

    def __init__(self) -> None:
        self.slots: dict[str, int] = {}
        self.count = 0

    def slot(self, paper: Paper) -> tuple[int, bool]:
        """Return the paper's slot and whether it is new; register its keys."""
        keys = (f"id:{paper.id}", f"title:{title_key(paper.title)}")
        found = next((self.slots[k] for k in keys if k in self.slots), None)
        is_new = found is None
        if found is None:
            found = self.count
            self.count += 1
        for key in keys:
            self.slots.setdefault(key, found)
        return found, is_new


def check_inputs(paths: Iterable[str | Path], *, format: str | None = None) -> None:
    """Check that every input exists and can be read, before anything is written.

    :func:`read_papers` checks the same lazily, on its first paper; a command
    that creates an output folder calls this first, so a mistyped input
    name leaves no folder behind.

    Raises:
        InputError: a missing input, a folder, an unknown format or an unreadable file.
    """
    _resolve(list(paths) or [SAMPLE_PATH], format)


def _resolve(paths: Iterable[str | Path], format: str | None) -> list[tuple[Path, str]]:
    if format is not None and format not in READERS:
        raise InputError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
    resolved: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("file not found", path=path)
        if path.is_dir():
            raise InputError("is a folder; give the files inside it", path=path)
        if not path.is_file() and format is None:
            raise InputError("cannot guess the format of a pipe or device: give --format", path=path)
        resolved.append((path, format or detect_format(path)))
    return resolved


def _file_items(path: Path, fmt: str, *, strict: bool, report: ReadReport | None) -> Iterator[Paper]:
    """Yield the papers of one file; skip or raise its errors."""

    def fail(error: InputError) -> None:
        if strict:
            raise error
        if report is not None:
            report.errors.append(error)
        log.debug("skipped: %s", error)

    if report is not None:
        report.files += 1
    seen = 0
    try:
        for item in READERS[fmt](path):
            seen += 1
            if isinstance(item, InputError):
                fail(item)
                continue
            bounded = bound_paper(item)
            for warning in bounded.warnings:
                if report is not None:
                    report.warnings.append(warning)
                    log.warning("%s", warning)
            yield bounded.paper
    except InputError as error:
        fail(error)
        return
    if seen == 0:
        fail(InputError(f"no papers found when read as {fmt!r}; use --format to pick another reader",
                        path=path))


def read_papers(
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    strict: bool = False,
    report: ReadReport | None = None,
) -> Iterator[Paper]:
    """Yield the papers of the inputs in order, each real paper once.

    Args:
        paths: input files; none means the bundled sample (:data:`SAMPLE_PATH`).
        format: force one reader (see :data:`FORMATS`) instead of sniffing each file.
        strict: raise the first bad record instead of skipping it.
        report: filled with counts and skip reasons as reading goes.

    Raises:
        InputError: a missing input or unknown format (always, before any paper);
            any bad record or unreadable file when ``strict``.
    """
    inputs = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files = _resolve(inputs or [SAMPLE_PATH], format)
    if len(files) == 1 or not all(path.is_file() for path, _ in files):
        # A pipe cannot be read twice: merge what can be merged in one pass.
        yield from _single(files, strict=strict, report=report)
    else:
        yield from _merged(files, strict=strict, report=report)


def _single(files: list[tuple[Path, str]], *, strict: bool, report: ReadReport | None) -> Iterator[Paper]:
    keys = _Keys()
    for path, fmt in files:
        for paper in _file_items(path, fmt, strict=strict, report=report):
            _, is_new = keys.slot(paper)
            if not is_new:
                if report is not None:
                    report.duplicates += 1
                continue
            if report is not None:
                report.read += 1
            yield paper


def _merged(files: list[tuple[Path, str]], *, strict: bool, report: ReadReport | None) -> Iterator[Paper]:
    keys = _Keys()
    first_of: dict[tuple[int, int], int] = {}
    fills: dict[int, _Fill] = {}
    for file_no, (path, fmt) in enumerate(files):
        for ordinal, paper in enumerate(_file_items(path, fmt, strict=strict, report=None)):
            slot, is_new = keys.slot(paper)
            if is_new:
                first_of[(file_no, ordinal)] = slot
            else:
                fills.setdefault(slot, _Fill()).add(paper)
    del keys
    for file_no, (path, fmt) in enumerate(files):
        for ordinal, paper in enumerate(_file_items(path, fmt, strict=strict, report=report)):
            first_slot = first_of.get((file_no, ordinal))
            if first_slot is None:
                if report is not None:
                    report.duplicates += 1
                continue
            fill = fills.get(first_slot)
            if report is not None:
                report.read += 1
            yield merge(paper, fill) if fill is not None else paper

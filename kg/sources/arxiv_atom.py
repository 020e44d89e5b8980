"""Reader for the arXiv API's Atom XML (``export.arxiv.org/api/query`` responses).

Each ``<entry>`` gives ``id`` (the abstract page URL, which holds the arXiv
id), ``title``, ``summary`` (the abstract), ``author/name``, ``published``,
``category@term`` and ``link`` elements (``rel="alternate"`` is the paper
page, ``title="doi"`` the DOI). The feed is parsed incrementally, a line at a
time, and each entry is dropped once read, so a large harvest never sits in
memory. A truncated or malformed feed ends with an error naming the line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from kg.errors import InputError
from kg.normalize import collapse_whitespace, normalize_arxiv_id
from kg.records import Link, Paper
from kg.sources.base import Item, Line, iter_lines, make_paper, metadata_link

FORMAT = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ENTRY = f"{ATOM}entry"


def _text(entry: ET.Element, tag: str) -> str:
    elem = entry.find(tag)
    return collapse_whitespace("".join(elem.itertext())) if elem is not None else ""


def paper_from_entry(entry: ET.Element, *, path: Path, position: int) -> Paper:
    """Build a :class:`Paper` from one Atom ``<entry>`` element.

    Raises:
        InputError: an arXiv API error entry, or no title or abstract.
    """
    raw_id = _text(entry, f"{ATOM}id")
    if "/api/errors" in raw_id:
        raise InputError(f"the feed reports an arXiv API error: {_text(entry, f'{ATOM}summary')}", path=path,
                         line=position)
    url = None
    doi = _text(entry, f"{ARXIV}doi") or None
    links: list[Link | None] = []
    for link in entry.findall(f"{ATOM}link"):
        href = link.get("href", "")
        rel, title = link.get("rel", ""), link.get("title", "")
        if rel == "alternate" and url is None:
            url = href
        elif title == "doi":
            doi = doi or href
        elif title != "pdf" and "arxiv.org" not in href:
            links.append(metadata_link(href))
    categories: list[str] = []
    primary = entry.find(f"{ARXIV}primary_category")
    for elem in ([primary] if primary is not None else []) + entry.findall(f"{ATOM}category"):
        term = collapse_whitespace(elem.get("term", ""))
        if term and term not in categories:
            categories.append(term)
    authors = [name for name in (_text(a, f"{ATOM}name") for a in entry.findall(f"{ATOM}author")) if name]
    return make_paper(
        path=path,
        position=position,
        title=_text(entry, f"{ATOM}title"),
        abstract=_text(entry, f"{ATOM}summary"),
        arxiv_id=raw_id if normalize_arxiv_id(raw_id) else None,
        doi=doi,
        url=None if normalize_arxiv_id(raw_id) else url,  # make_paper gives the canonical arXiv page
        authors=authors,
        date=_text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated") or None,
        categories=categories,
        links=links,
        record="entry",
    )


def _parse_error(exc: ET.ParseError, path: Path, *, closing: bool) -> InputError:
    line = exc.position[0] if exc.position else None
    if closing:
        return InputError("XML ends early (an element is not closed); the file may be truncated", path=path,
                          line=line)
    return InputError(f"malformed XML: {exc}", path=path, line=line)


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of an Atom feed, and an error for each bad entry.

    Raises:
        InputError: the XML is malformed or truncated (after the entries before it).
    """
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    entry_line = 0
    entry_bad: Line | None = None
    for line in iter_lines(path):
        if line.bad is not None and entry_line and entry_bad is None:
            entry_bad = line
        try:
            parser.feed(line.text.encode("utf-8"))
            # a syntax error is queued by feed() and raised here
            events = [(str(ev[0]), cast(ET.Element, ev[1])) for ev in cast(Iterator[Any], parser.read_events())]
        except ET.ParseError as exc:
            raise _parse_error(exc, path, closing=False) from None
        for event, elem in events:
            if event == "start":
                stack.append(elem)
                if elem.tag == ENTRY:
                    entry_line = line.number
                    entry_bad = line if line.bad is not None else None
                continue
            stack.pop()
            if elem.tag != ENTRY:
                continue
            if entry_bad is not None:
                yield InputError(entry_bad.bad or "not valid UTF-8", path=path, line=entry_bad.number)
            else:
                try:
                    yield paper_from_entry(elem, path=path, position=entry_line)
                except InputError as exc:
                    yield exc
            if stack:
                stack[-1].remove(elem)
            entry_line, entry_bad = 0, None
    try:
        parser.close()
    except ET.ParseError as exc:
        raise _parse_error(exc, path, closing=True) from None

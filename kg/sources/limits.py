"""Bounds on what one input record may hold, applied as papers are read.

No single record may be able to break a later step: an abstract of 16 MiB
used to pass reading and extraction and then overflow the Turtle writer,
after it was journalled, so every later build of that folder failed. Every
paper therefore passes :func:`bound_paper` on its way out of
:func:`kg.sources.read_papers`: over-long text is cut (with a warning naming
``file:line``), over-long lists are shortened, and a paper URL that is not
``http(s)`` is dropped (a ``javascript:`` URL must never become a link). The
numbers are far above anything real metadata holds (an arXiv abstract is at
most about 2,000 characters). Stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kg.records import Paper

#: Characters of a title kept; the rest is cut with a warning.
MAX_TITLE_CHARS = 2_000
#: Characters of an abstract kept; the rest is cut with a warning.
MAX_ABSTRACT_CHARS = 100_000
#: Authors, categories and metadata links kept per paper.
MAX_LIST_ITEMS = 5_000
#: Characters of one author name, category or date kept.
MAX_SHORT_CHARS = 1_000
#: Characters of a URL; a longer one is dropped.
MAX_URL_CHARS = 4_096
#: Bytes of one input line; a longer line is skipped whole (see :func:`kg.sources.base.iter_lines`).
MAX_LINE_BYTES = 64 << 20
#: Nesting depth of one JSON record; a deeper record is skipped.
MAX_JSON_DEPTH = 64


#: Whitespace and control characters: never part of a URL kg keeps.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
#: ``http(s)://host.name[:port]`` followed by a path, query, fragment or nothing: surely a web URL.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?(?:[/?#]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Bounded:
    """A paper after :func:`bound_paper`, with one warning per change made."""

    paper: Paper
    warnings: tuple[str, ...]


def web_url(url: str | None) -> str | None:
    """Return ``url`` if it is an absolute ``http(s)`` URL with a host and no whitespace, else ``None``.

    >>> web_url("https://arxiv.org/abs/2501.00001"), web_url("javascript:alert(1)"), web_url("ftp://a.org/x")
    ('https://arxiv.org/abs/2501.00001', None, None)
    """
    if not url or len(url) > MAX_URL_CHARS or _NOT_IN_URL.search(url):
        return None
    if _PLAIN_WEB_URL.match(url):  # the usual shape, decided without parsing
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]


def bound_paper(paper: Paper) -> Bounded:
    """Return ``paper`` within the bounds above, and a warning for each cut or dropped value.

    >>> from kg.records import Paper
    >>> b = bound_paper(Paper(id="p", title="T", abstract="x" * 100_001, url="javascript:alert(1)",
    ...                       source="in.jsonl", position=7))
    >>> len(b.paper.abstract), b.paper.url
    (100000, None)
    >>> print("\\n".join(b.warnings))
    in.jsonl:7: abstract of 100,001 characters cut to the first 100,000
    in.jsonl:7: url 'javascript:alert(1)' dropped: only http(s) URLs are kept
    """
    where = f"{paper.source or '<input>'}:{paper.position}" if paper.position is not None else (
        paper.source or paper.id)
    warnings: list[str] = []
    changes: dict[str, Any] = {}
    for name, limit in (("title", MAX_TITLE_CHARS), ("abstract", MAX_ABSTRACT_CHARS)):
        text: str = getattr(paper, name)
        if len(text) > limit:
            changes[name] = text[:limit]
            warnings.append(f"{where}: {name} of {len(text):,} characters cut to the first {limit:,}")
    if paper.url is not None and web_url(paper.url) is None:
        shown = paper.url if len(paper.url) <= 60 else paper.url[:57] + "..."
        changes["url"] = None
        warnings.append(f"{where}: url {shown!r} dropped: only http(s) URLs are kept")
    for name in ("authors", "categories"):
        items: tuple[str, ...] = getattr(paper, name)
        if len(items) > MAX_LIST_ITEMS or any(len(item) > MAX_SHORT_CHARS for item in items):
            changes[name] = tuple(_cut(item, MAX_SHORT_CHARS) for item in items[:MAX_LIST_ITEMS])
            warnings.append(f"{where}: {name} shortened to {MAX_LIST_ITEMS:,} items of at most "
                            f"{MAX_SHORT_CHARS:,} characters")
    if paper.date is not None and len(paper.date) > MAX_SHORT_CHARS:
        changes["date"] = None
        warnings.append(f"{where}: date of {len(paper.date):,} characters dropped")
    links = tuple(link for link in paper.links if web_url(link.url) is not None)
    if len(links) != len(paper.links) or len(links) > MAX_LIST_ITEMS:
        changes["links"] = links[:MAX_LIST_ITEMS]
        warnings.append(f"{where}: links that are not http(s) URLs, or beyond {MAX_LIST_ITEMS:,}, dropped")
    if not changes:
        return Bounded(paper, ())
    return Bounded(paper.with_changes(**changes), tuple(warnings))

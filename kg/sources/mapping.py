"""Map a generic record (a JSON object or a CSV row) onto a :class:`Paper`.

People export paper lists from many tools, so column and key names vary
("abstract" or "summary", "published" or "year"). Names are matched
case-insensitively and ignoring spaces, dashes and underscores, against the
aliases below. Used by the JSON, JSON Lines and CSV readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.normalize import normalize_arxiv_id, normalize_doi
from kg.records import Link, Paper
from kg.sources.base import make_paper, metadata_link, split_names, split_terms

#: paper field -> accepted key names (already in :func:`key_form`)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "paperid"),
    "arxiv_id": ("arxivid", "arxiv", "eprint"),
    "doi": ("doi",),
    "title": ("title", "papertitle"),
    "abstract": ("abstract", "summary", "abstracttext", "description"),
    "url": ("url", "link", "paperurl", "absurl", "pdfurl"),
    "authors": ("authors", "author", "creators"),
    "date": ("date", "published", "publishedat", "publicationdate", "publishdate", "year", "updatedate",
             "created"),
    "categories": ("categories", "category", "tags", "subjects"),
    "code": ("code", "codeurl", "github", "githubrepo", "repository", "repo"),
    "web": ("projectpage", "homepage", "website", "project"),
    "links": ("links",),
}
_LOOKUP: dict[str, str] = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def key_form(key: str) -> str:
    """Return the comparison form of a column or key name.

    >>> key_form(" Published_At "), key_form("arXiv-ID")
    ('publishedat', 'arxivid')
    """
    return re.sub(r"[\s_\-]+", "", key).casefold()


def canonical_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``record`` keyed by paper field names; the first matching alias wins.

    Aliases are tried in the order of :data:`ALIASES`, so ``abstract`` beats
    ``summary`` when a record has both.
    """
    found: dict[str, dict[str, Any]] = {}
    for key, value in record.items():
        if not isinstance(key, str):
            continue
        form = key_form(key)
        name = _LOOKUP.get(form)
        if name is not None and value not in (None, ""):
            found.setdefault(name, {})[form] = value
    out: dict[str, Any] = {}
    for name, by_form in found.items():
        for alias in ALIASES[name]:
            if alias in by_form:
                out[name] = by_form[alias]
                break
    return out


def _links(fields: Mapping[str, Any]) -> list[Link | None]:
    links: list[Link | None] = [metadata_link(fields.get("code")), metadata_link(fields.get("web"))]
    extra = fields.get("links")
    if isinstance(extra, str):
        extra = [extra]
    if isinstance(extra, list):
        for item in extra:
            if isinstance(item, dict):
                item = item.get("url") or item.get("href")
            links.append(metadata_link(item))
    return links


def paper_from_mapping(record: Any, *, path: Path, position: int, record_name: str = "record") -> Paper:
    """Build a :class:`Paper` from a generic JSON object or CSV row.

    The ``id`` key is used for the paper id when it is an arXiv id or a DOI;
    any other id is ignored (kg mints its own, see :func:`kg.normalize.paper_id`).

    Raises:
        InputError: not an object, no title or abstract, or a field of the wrong type.
    """
    if not isinstance(record, Mapping):
        from kg.errors import InputError

        raise InputError(f"{record_name} is a JSON {type(record).__name__}, expected an object", path=path,
                         line=position)
    fields = canonical_fields(record)
    arxiv = fields.get("arxiv_id")
    doi = fields.get("doi")
    raw_id = fields.get("id")
    if isinstance(raw_id, str):
        if arxiv is None and normalize_arxiv_id(raw_id):
            arxiv = raw_id
        elif doi is None and normalize_doi(raw_id):
            doi = raw_id
    return make_paper(
        path=path,
        position=position,
        title=fields.get("title"),
        abstract=fields.get("abstract"),
        arxiv_id=arxiv if isinstance(arxiv, str) else None,
        doi=doi if isinstance(doi, str) else None,
        url=fields.get("url") if isinstance(fields.get("url"), str) else None,
        authors=split_names(fields.get("authors")),
        date=fields.get("date"),
        categories=split_terms(fields.get("categories")),
        links=_links(fields),
        record=record_name,
    )

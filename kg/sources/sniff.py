"""Decide which reader a file needs: by extension first, then by a look at its content.

Only the first few KiB (or the first record of a JSON file) are read. JSON
files are told apart by the keys of their first record: a ``paper`` object
or ``githubRepo``/``publishedAt`` means Hugging Face daily papers,
``abstract_inverted_index`` or ``authorships`` OpenAlex, ``update_date`` or
``authors_parsed`` the arXiv snapshot; anything else is generic JSON (Lines).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.sources.base import read_head
from kg.sources.jsonstream import JsonRecord, iter_json_document, loads_bounded, looks_like_json_lines

#: Every format name :func:`kg.sources.read_papers` accepts, in the order ``--help`` lists them.
FORMATS: tuple[str, ...] = (
    "daily", "jsonl", "json", "csv", "arxiv-atom", "arxiv-snapshot", "bibtex", "openalex", "hf-daily",
)
_BY_EXTENSION = {
    ".txt": "daily", ".text": "daily",
    ".csv": "csv", ".tsv": "csv",
    ".bib": "bibtex", ".bibtex": "bibtex",
    ".xml": "arxiv-atom", ".atom": "arxiv-atom",
}
_JSON_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl"}
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def classify_record(record: Any) -> str | None:
    """Return the specific JSON format a record belongs to, or ``None`` for a generic one.

    >>> classify_record({"paper": {"id": "2508.1"}}), classify_record({"abstract_inverted_index": {}})
    ('hf-daily', 'openalex')
    >>> classify_record({"id": "0704.0001", "update_date": "2008-11-13"}), classify_record({"title": "x"})
    ('arxiv-snapshot', None)
    """
    if not isinstance(record, dict):
        return None
    keys = set(record)
    if isinstance(record.get("paper"), dict) or ({"summary", "publishedAt"} <= keys) or "githubRepo" in keys:
        return "hf-daily"
    if "abstract_inverted_index" in keys or "authorships" in keys or \
            str(record.get("id", "")).startswith("https://openalex.org/"):
        return "openalex"
    if "update_date" in keys or "authors_parsed" in keys:
        return "arxiv-snapshot"
    return None


def _head(path: Path, size: int = 8192) -> str:
    return read_head(path, size).decode("utf-8", errors="replace").lstrip("\ufeff")


def _json_format(path: Path, default: str) -> str:
    """Pick the JSON format from the first record; ``default`` if it cannot be read.

    A first record that is malformed, too deep or unreadable decides nothing:
    the reader of ``default`` then reports it at its line and goes on.
    """
    try:
        if looks_like_json_lines(path):
            container = "jsonl"
            first: Any = None
            for raw in read_head(path, 1 << 20).splitlines():
                if raw.strip():
                    first = loads_bounded(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
                    break
            else:
                return default
        else:
            container = "json"
            record = next(iter_json_document(path), None)
            if not isinstance(record, JsonRecord):
                return default
            first = record.value
    except (InputError, ValueError, RecursionError):
        return default
    return classify_record(first) or container


def detect_format(path: str | Path) -> str:
    """Return the format name of ``path`` (one of :data:`FORMATS`).

    The extension decides for ``.txt``, ``.csv``/``.tsv``, ``.bib`` and
    ``.xml``/``.atom`` (a ``.gz`` suffix is looked through); JSON files and
    unknown extensions are sniffed from their content.

    Raises:
        InputError: the file cannot be opened.
    """
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    ext = suffixes[-2] if len(suffixes) >= 2 and suffixes[-1] == ".gz" else (suffixes[-1] if suffixes else "")
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    if ext in _JSON_EXTENSIONS:
        return _json_format(p, _JSON_EXTENSIONS[ext])
    head = _head(p)
    stripped = head.lstrip()
    if stripped.startswith(("[", "{")):
        return _json_format(p, "json")
    if stripped.startswith("<"):
        return "arxiv-atom"
    if _BIBTEX.search(head):
        return "bibtex"
    first_line = stripped.split("\n", 1)[0].lower()
    if "title" in first_line and any(d in first_line for d in (",", "\t", ";")) and len(first_line) < 500:
        return "csv"
    return "daily"
